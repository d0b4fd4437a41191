/**
 * What `npm start` keeps in its data folder (DATA_DIR, ./data by default), by name: `plude` reads the tokens from
 * there on embedded defaults. No imports, so that the command-line tool can use it without loading the server.
 */
export const defaultDataDir = './data';

/** The environment `npm start` creates on its first run. */
export const SANDBOX = 'sandbox';

export const DATA_FILES = {
  adminToken: 'admin-token',
  sandboxToken: 'sandbox-token',
  serviceToken: 'service-token',
  masterKey: 'master-key',
} as const;

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DATA_FILES, defaultDataDir, SANDBOX } from '../lib/data-files';
import { usageError } from './errors';

/** The options every command takes (see program.ts), before defaults. */
export interface GlobalOptions {
  url?: string;
  token?: string;
  serviceToken?: string;
  environment?: string;
  adminToken?: string;
  dataDir?: string;
  json?: boolean;
}

export const DEFAULT_URL = 'http://127.0.0.1:3000';

/** Where the API is and who the tool is to it: flags, else PLUDE_* variables, else `npm start`'s defaults. */
export interface Settings {
  url: string;
  environment: string;
  /** Absolute. */
  dataDir: string;
  /** The environment's integrator token; throws a usage error saying where to put one when there is none. */
  token(): string;
  /** The service token (publish, catalog); likewise. */
  serviceToken(): string;
  /** The admin token; likewise. */
  adminToken(): string;
}

const nonEmpty = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());

function readToken(file: string): string | undefined {
  try {
    return nonEmpty(readFileSync(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw usageError(`cannot read ${file}: ${(err as Error).message}`);
  }
}

/**
 * On embedded defaults (`npm start` with nothing set) no setting is needed: the tokens are read from the data
 * folder that `npm start` generated them into, the sandbox's integrator token only for the sandbox environment (the
 * service token serves every environment).
 */
export function resolveSettings(options: GlobalOptions, env: Record<string, string | undefined>, cwd: string): Settings {
  const url = (nonEmpty(options.url) ?? nonEmpty(env.PLUDE_URL) ?? DEFAULT_URL).replace(/\/+$/, '');
  const environment = nonEmpty(options.environment) ?? nonEmpty(env.PLUDE_ENVIRONMENT) ?? SANDBOX;
  const dataDir = path.resolve(cwd, nonEmpty(options.dataDir) ?? nonEmpty(env.DATA_DIR) ?? defaultDataDir);
  const sandboxTokenFile = path.join(dataDir, DATA_FILES.sandboxToken);
  const adminTokenFile = path.join(dataDir, DATA_FILES.adminToken);
  const serviceTokenFile = path.join(dataDir, DATA_FILES.serviceToken);
  return {
    url,
    environment,
    dataDir,
    token() {
      const token = nonEmpty(options.token) ?? nonEmpty(env.PLUDE_TOKEN) ?? (environment === SANDBOX ? readToken(sandboxTokenFile) : undefined);
      if (token) return token;
      const kept = environment === SANDBOX ? `, or run it where npm start keeps it (${sandboxTokenFile})` : '';
      throw usageError(`no API token for environment ${environment}: set PLUDE_TOKEN or --token${kept}`);
    },
    serviceToken() {
      const token = nonEmpty(options.serviceToken) ?? nonEmpty(env.PLUDE_SERVICE_TOKEN) ?? readToken(serviceTokenFile);
      if (token) return token;
      throw usageError(`no service token: set PLUDE_SERVICE_TOKEN or --service-token, or run it where npm start keeps it (${serviceTokenFile})`);
    },
    adminToken() {
      const token = nonEmpty(options.adminToken) ?? nonEmpty(env.PLUDE_ADMIN_TOKEN) ?? readToken(adminTokenFile);
      if (token) return token;
      throw usageError(`no admin token: set PLUDE_ADMIN_TOKEN or --admin-token, or run it where npm start keeps it (${adminTokenFile})`);
    },
  };
}

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { issueApiToken, issueServiceToken } from '../auth/api-token';
import { TokenAuthenticator } from '../auth/token-authenticator';
import { ConfigError } from '../config/config';
import { DEFAULT_ENVIRONMENT_SCOPES, type Scope } from '../domain/scopes';
import { generateMasterKey, parseMasterKey } from '../crypto/key-ring';
import { ApiTokenRepository } from '../persistence/repositories/api-token.repository';
import { EnvironmentRepository } from '../persistence/repositories/environment.repository';
import { EventTypeRepository } from '../persistence/repositories/event-type.repository';
import { DATA_FILES, SANDBOX } from '../lib/data-files';
import { SANDBOX_EVENT_TYPES } from './sandbox-catalog';

export { SANDBOX };

/** A secret `npm start` keeps in the data folder: `created` on the run that generated it, the only run that shows it. */
export interface Kept<T> {
  value: T;
  file: string;
  created: boolean;
}

async function readSecret(file: string): Promise<string | null> {
  try {
    return (await readFile(file, 'utf8')).trim() || null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function writeSecret(file: string, value: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${value}\n`, { mode: 0o600 });
}

/** The admin token kept in the data folder, generated on the first start. */
export async function loadOrCreateAdminToken(dataDir: string): Promise<Kept<string>> {
  const file = path.resolve(dataDir, DATA_FILES.adminToken);
  const existing = await readSecret(file);
  if (existing) return { value: existing, file, created: false };
  const token = `adm_${randomBytes(32).toString('base64url')}`;
  await writeSecret(file, token);
  return { value: token, file, created: true };
}

/**
 * The master key that seals signing keys, kept in the data folder (base64), generated on the first start. A file
 * that holds something else stops the start: replacing it would leave every sealed signing key unreadable.
 */
export async function loadOrCreateMasterKey(dataDir: string): Promise<Kept<Buffer>> {
  const file = path.resolve(dataDir, DATA_FILES.masterKey);
  const existing = await readSecret(file);
  if (existing) {
    const key = parseMasterKey(existing);
    if (!key) throw new ConfigError(`Invalid configuration:\n  ENCRYPTION_KEY: ${file} does not hold a master key (32 bytes in base64)`);
    return { value: key, file, created: false };
  }
  const key = generateMasterKey();
  await writeSecret(file, key.toString('base64'));
  return { value: key, file, created: true };
}

/**
 * The platform catalog's two example event types (src/runtime/sandbox-catalog.ts), which every environment sees,
 * `sandbox` first: added once, so that a type the user changed or archived is left as it is.
 */
export async function ensureSampleEventTypes(db: DataSource): Promise<void> {
  const types = new EventTypeRepository(db);
  for (const type of SANDBOX_EVENT_TYPES) await types.declareIfMissing(type);
}

/**
 * Environment `sandbox` and a live integrator token for it (scope `subscriptions`), kept in the data folder so a new
 * user can go straight on. The sandbox is
 * created allowing private targets, so that `plude listen` can receive on localhost; an existing one keeps whatever
 * it was given.
 */
export async function ensureSandbox(db: DataSource, dataDir: string): Promise<Kept<string> & { environmentId: string }> {
  await new EnvironmentRepository(db).create(SANDBOX, { allowPrivateTargets: true });
  const tokens = new ApiTokenRepository(db);
  const file = path.resolve(dataDir, DATA_FILES.sandboxToken);
  const kept = await readSecret(file);
  if (kept && (await new TokenAuthenticator(tokens, new EnvironmentRepository(db)).isLive(kept, SANDBOX))) {
    return { environmentId: SANDBOX, value: kept, file, created: false };
  }
  const { token } = await issueApiToken(tokens, SANDBOX, DEFAULT_ENVIRONMENT_SCOPES);
  await writeSecret(file, token);
  return { environmentId: SANDBOX, value: token, file, created: true };
}

/** The name of the service token that ensureServiceToken issues. */
export const FIRST_RUN_SERVICE = 'npm start';

/** The first run's service token publishes and declares; a portal link is asked for with the admin token or a token made for it. */
const FIRST_RUN_SERVICE_SCOPES: readonly Scope[] = ['publish', 'catalog'];

/**
 * A live service token with `publish` and `catalog` for every environment (those created later included), kept in
 * the data folder: what the platform's own services use to publish events and declare their types, beside the
 * sandbox's integrator token. A kept token that was revoked, or is not such a token, is replaced.
 */
export async function ensureServiceToken(db: DataSource, dataDir: string): Promise<Kept<string>> {
  const tokens = new ApiTokenRepository(db);
  const file = path.resolve(dataDir, DATA_FILES.serviceToken);
  const kept = await readSecret(file);
  const access = kept ? await new TokenAuthenticator(tokens, new EnvironmentRepository(db)).liveAccess(kept) : null;
  if (kept && access?.kind === 'service') return { value: kept, file, created: false };
  const { token } = await issueServiceToken(tokens, { name: FIRST_RUN_SERVICE, scopes: FIRST_RUN_SERVICE_SCOPES, environments: null });
  await writeSecret(file, token);
  return { value: token, file, created: true };
}

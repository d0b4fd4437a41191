import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { issueApiToken } from '../../src/auth/api-token';
import type { Scope } from '../../src/domain/scopes';
import { ApiTokenRepository } from '../../src/persistence/repositories/api-token.repository';
import { EnvironmentRepository } from '../../src/persistence/repositories/environment.repository';
import { ApiClient } from './api-client';

export interface EnvironmentOptions {
  /** The environment's ID; a fresh `env-…` unless given. */
  id?: string;
  /** Sent to POST /admin/environments only when given (the API's default otherwise). */
  allowPrivateTargets?: boolean;
  /** How many API tokens to issue (1 unless given). */
  tokens?: number;
  /**
   * The scopes of those tokens: `subscriptions` and `publish` unless given, what tokens issued before scopes
   * existed hold, so that a test may subscribe and publish with one token.
   */
  scopes?: Scope[];
  /**
   * Made in the database as the admin API makes it (its repository and issueApiToken), not through the admin API:
   * for a test whose admin token must not spend its rate limit.
   */
  database?: DataSource;
}

export interface TestEnvironment {
  id: string;
  /** POST /admin/environments's answer (through the admin API only). */
  created?: { id: string; allowPrivateTargets: boolean; createdAt: string };
  /** The first API token, and an API client for it (X-environment and X-version set). */
  token: string;
  api: ApiClient;
  /** Every token issued, first one first, with its client. */
  tokens: { id: string; token: string; api: ApiClient }[];
  /**
   * A client with a service token of this environment alone, scopes publish and catalog (issued on the first
   * call, through the admin API): to declare and archive event types.
   */
  service(): Promise<ApiClient>;
}

/** What test environments' tokens hold unless a test says otherwise. */
export const TEST_TOKEN_SCOPES: Scope[] = ['subscriptions', 'publish'];

/** An API client for `token` of `environmentId`, speaking the current X-version. */
export const environmentClient = (baseUrl: string, environmentId: string, token: string) =>
  new ApiClient(baseUrl, { token, environment: environmentId, version: '2022-03' });

/**
 * Issues an API token for an existing environment through the admin API (POST /admin/environments/:id/tokens), with
 * `scopes` (TEST_TOKEN_SCOPES unless given; null: none sent, the API's default).
 */
export async function issueToken(
  admin: ApiClient,
  environmentId: string,
  scopes: Scope[] | null = TEST_TOKEN_SCOPES,
): Promise<{ id: string; token: string; api: ApiClient }> {
  const issued = await admin.request('POST', `/admin/environments/${encodeURIComponent(environmentId)}/tokens`, scopes ? { scopes } : undefined);
  if (issued.status !== 201) throw new Error(`no token issued for environment ${environmentId}: HTTP ${issued.status} ${JSON.stringify(issued.body)}`);
  return { id: issued.body.id, token: issued.body.token, api: environmentClient(admin.baseUrl, environmentId, issued.body.token) };
}

/**
 * The tests' one way to make an environment with its API token: through the admin API of the app `admin` speaks
 * to (its ADMIN_TOKEN), or in `options.database`. Each test makes its own, so nothing one test does is seen by another.
 */
export async function createEnvironment(admin: ApiClient, options: EnvironmentOptions = {}): Promise<TestEnvironment> {
  const id = options.id ?? `env-${randomBytes(5).toString('hex')}`;
  const tokens: TestEnvironment['tokens'] = [];
  let created: TestEnvironment['created'];
  if (options.database) {
    const made = await new EnvironmentRepository(options.database).create(id, { allowPrivateTargets: options.allowPrivateTargets ?? false });
    if (!made) throw new Error(`environment ${id} not created: it exists`);
    const repository = new ApiTokenRepository(options.database);
    for (let i = 0; i < (options.tokens ?? 1); i++) {
      const issued = await issueApiToken(repository, id, options.scopes ?? TEST_TOKEN_SCOPES);
      tokens.push({ id: issued.id, token: issued.token, api: environmentClient(admin.baseUrl, id, issued.token) });
    }
  } else {
    const response = await admin.request(
      'POST',
      '/admin/environments',
      options.allowPrivateTargets === undefined ? { id } : { id, allowPrivateTargets: options.allowPrivateTargets },
    );
    if (response.status !== 201) throw new Error(`environment ${id} not created: HTTP ${response.status} ${JSON.stringify(response.body)}`);
    created = response.body;
    for (let i = 0; i < (options.tokens ?? 1); i++) tokens.push(await issueToken(admin, id, options.scopes));
  }
  let service: Promise<ApiClient> | undefined;
  return {
    id,
    created,
    token: tokens[0]?.token ?? '',
    api: tokens[0]?.api ?? environmentClient(admin.baseUrl, id, ''),
    tokens,
    service: () =>
      (service ??= issueServiceToken(admin, { name: `test ${id}`, scopes: ['publish', 'catalog'], environments: [id] }).then(({ token }) =>
        environmentClient(admin.baseUrl, id, token),
      )),
  };
}

/** Issues a service token through the admin API (POST /admin/tokens); `environments` left out: every environment. */
export async function issueServiceToken(
  admin: ApiClient,
  request: { name: string; scopes: Scope[]; environments?: string[] },
): Promise<{ id: string; token: string; environments: string[] | null }> {
  const issued = await admin.request('POST', '/admin/tokens', request);
  if (issued.status !== 201) throw new Error(`no service token issued: HTTP ${issued.status} ${JSON.stringify(issued.body)}`);
  return { id: issued.body.id, token: issued.body.token, environments: issued.body.environments };
}

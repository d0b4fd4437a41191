import { randomBytes } from 'node:crypto';
import type { ApiClient } from './api-client';

/**
 * The event catalog is the platform's: every test file on the suite's database shares it. A test that declares
 * types names them under a prefix of its own (`t1a2b3c4d.invoice.paid`), so that its schemas never judge another
 * test's publishes, and reads the catalog through `ownTypes`.
 */
export const typePrefix = () => `t${randomBytes(4).toString('hex')}`;

/** PUT /event-types/:name with `client` (the admin token declares the platform's types). */
export const declareType = (client: ApiClient, name: string, declaration: unknown) =>
  client.request('PUT', `/event-types/${encodeURIComponent(name)}`, declaration);

/** The items of a catalog answer whose names start with `prefix.`. */
export const ownTypes = <T extends { name: string }>(items: T[], prefix: string) => items.filter((item) => item.name.startsWith(`${prefix}.`));

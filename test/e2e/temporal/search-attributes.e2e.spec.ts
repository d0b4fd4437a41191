import { Client, Connection } from '@temporalio/client';
import { google } from '@temporalio/proto';
import { ensureSearchAttributes } from '../../../src/temporal/search-attribute-registration';
import { SEARCH_ATTRIBUTES } from '../../../src/temporal/search-attributes';

describe('search attributes on a Temporal server that does not know them yet', () => {
  let connection: Connection;
  beforeAll(async () => {
    connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
  });
  afterAll(async () => connection?.close());

  it('registers them in the namespace, so operators can search by environment, subscription and event', async () => {
    const namespace = `plude-sa-${Date.now()}`;
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: google.protobuf.Duration.fromObject({ seconds: 86_400 }),
    });
    const client = new Client({ connection, namespace });
    const names = Object.keys(SEARCH_ATTRIBUTES);
    const before = await connection.operatorService.listSearchAttributes({ namespace });
    expect(Object.keys(before.customAttributes ?? {})).toEqual(expect.not.arrayContaining(names));

    const warnings: string[] = [];
    expect(await ensureSearchAttributes(client, namespace, (w) => warnings.push(w))).toBe(true);
    expect(warnings).toEqual([]);
    const after = await connection.operatorService.listSearchAttributes({ namespace });
    expect(Object.keys(after.customAttributes ?? {})).toEqual(expect.arrayContaining(names));
    expect(await ensureSearchAttributes(client, namespace, (w) => warnings.push(w))).toBe(true);
  });
});

import type { DataSource } from 'typeorm';
import { createDataSource } from '../../../src/persistence/data-source';

/** Logs never carry payloads, keys or tokens: a failed query is logged with its text and error, never its parameters. */
describe('failed queries are logged without their parameters (real PostgreSQL)', () => {
  const lines: string[] = [];
  const capture = { error: (line: string) => lines.push(line), warn: (line: string) => lines.push(line) };
  let db: DataSource;

  beforeAll(async () => {
    db = await createDataSource(process.env.DATABASE_URL as string, { logger: capture, poolSize: 2 }).initialize();
  });
  afterAll(() => db?.destroy());
  beforeEach(() => lines.splice(0));

  it.each([
    ['a value PostgreSQL quotes in its message', 'SELECT $1::int AS n', ['pwh_0123456789secretTokenValue']],
    ['a short value it quotes', 'SELECT $1::int AS n', ['zq']],
    ['an element of an array parameter', 'SELECT $1::int[] AS n', [['whsec_c2VjcmV0LXNpZ25pbmcta2V5']]],
    ['a payload that is not JSON', 'SELECT $1::json AS data', ['{"card":"4111 1111 1111 1111","cvc":']],
    ['a payload and a token in a statement that fails', 'SELECT $1::json, $2::text FROM no_such_table', ['{"card":"4111"}', 'pwh_anotherSecretToken']],
  ])('%s', async (_, statement, parameters) => {
    const consoleLog = jest.spyOn(console, 'log');
    await expect(db.query(statement, parameters)).rejects.toThrow();
    expect(consoleLog).not.toHaveBeenCalled();
    consoleLog.mockRestore();

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^query failed \(SQLSTATE [0-9A-Z]{5}\): .+; query: SELECT \$1/);
    const values = parameters.flat();
    for (const value of values) expect(lines[0]).not.toContain(value);
    // Nor a recognisable part of one: the card number, the token's tail.
    expect(lines[0]).not.toMatch(/4111|secret|c2VjcmV0|zq/i);
  });
});

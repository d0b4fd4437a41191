import type { Pool, QueryConfig } from 'pg';
import type { DataSource } from 'typeorm';

/** What counts the statements a DataSource runs: the texts so far, in order, and a stop that restores it. */
export interface StatementCounter {
  texts(): string[];
  stop(): void;
}

/**
 * Counts the statements `db` runs from now on: those through `db.query` and the prepared ones
 * (src/persistence/prepared.ts), which go to the pool it holds. Statements of a transaction (a query runner) are not
 * counted.
 */
export function countStatements(db: DataSource): StatementCounter {
  const pool = (db.driver as unknown as { master: Pool }).master;
  const plain = jest.spyOn(db, 'query');
  const prepared = jest.spyOn(pool, 'query');
  return {
    texts: () =>
      [
        ...plain.mock.calls.map(([text], i) => ({ text, order: plain.mock.invocationCallOrder[i] })),
        ...prepared.mock.calls.map(([config], i) => ({ text: (config as unknown as QueryConfig).text, order: prepared.mock.invocationCallOrder[i] })),
      ]
        .sort((a, b) => a.order - b.order)
        .map(({ text }) => text),
    stop: () => {
      plain.mockRestore();
      prepared.mockRestore();
    },
  };
}

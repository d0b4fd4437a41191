import { createHash } from 'node:crypto';
import type { Pool, QueryResultRow } from 'pg';
import { type DataSource, QueryFailedError } from 'typeorm';

/** A statement's name on a connection: derived from its text, so one text has one name and two texts never share one. */
const names = new Map<string, string>();
export function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `plude_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * Runs one of the statements every delivery makes as a named prepared statement, on the pool the DataSource holds,
 * and returns its rows. Each connection parses it once, and PostgreSQL reuses its plan (a generic one once that costs
 * no more than the custom plans), where an unnamed statement is parsed, analysed and planned on every run: that was
 * 43 % of PostgreSQL's CPU per delivery (BENCHMARKS.md). Only for statements whose result columns are named, never
 * `*` of a table: a migration that adds a column would otherwise break the prepared statement of a running process.
 * Errors are TypeORM's QueryFailedError, logged by the DataSource's logger, as from `db.query`. Never inside a
 * transaction: it takes a connection of the pool's own.
 */
export async function prepared<T extends QueryResultRow>(db: DataSource, text: string, values: unknown[]): Promise<T[]> {
  const pool = (db.driver as unknown as { master: Pool }).master;
  try {
    return (await pool.query<T>({ name: statementName(text), text, values })).rows;
  } catch (err) {
    db.logger.logQueryError(err as Error, text, values);
    throw new QueryFailedError(text, values, err as Error);
  }
}

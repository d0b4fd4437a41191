import { createHash } from 'node:crypto';
import type { Pool, QueryResultRow } from 'pg';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';

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
 * Errors are TypeORM's QueryFailedError, logged by the DataSource's logger, as from `db.query`.
 *
 * Through a transaction's EntityManager (its own connection) the statement runs unnamed, as `query` runs it.
 */
export async function prepared<T extends QueryResultRow>(db: DataSource | Pick<EntityManager, 'query'>, text: string, values: unknown[]): Promise<T[]> {
  if (!(db instanceof DataSource)) return rowsOf<T>(await db.query(text, values));
  const pool = (db.driver as unknown as { master: Pool }).master;
  try {
    return (await pool.query<T>({ name: statementName(text), text, values })).rows;
  } catch (err) {
    db.logger.logQueryError(err as Error, text, values);
    throw new QueryFailedError(text, values, err as Error);
  }
}

/** TypeORM's `query` answers an UPDATE or a DELETE with [rows, count], anything else with its rows (objects). */
const rowsOf = <T>(result: unknown): T[] => {
  const list = result as unknown[];
  return list.length === 2 && Array.isArray(list[0]) && typeof list[1] === 'number' ? (list[0] as T[]) : (list as T[]);
};

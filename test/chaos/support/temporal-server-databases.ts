import { spawn } from 'node:child_process';
import { Client } from 'pg';
import { LastLines } from '../../../src/lib/last-lines';
import type { PostgresTarget } from './temporal-server-config';

/** The server's two databases: history/executions/namespaces, and visibility (SQL, for list queries). */
export interface TemporalDatabases {
  db: PostgresTarget;
  visibility: PostgresTarget;
}

/**
 * Schemas embedded in the v1.29 SQL tool (`--schema-name`), the same files as the module's
 * schema/postgresql/v12/{temporal,visibility}; no Go module cache needed at run time.
 */
const SCHEMAS = { db: 'postgresql/v12/temporal', visibility: 'postgresql/v12/visibility' } as const;

async function onServer(adminUrl: string, statements: string[]): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end();
  }
}

function target(adminUrl: string, database: string): PostgresTarget {
  const url = new URL(adminUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database,
  };
}

/** Runs the SQL tool against one database (the password goes in SQL_PASSWORD, not on the command line). */
function runSqlTool(sqlTool: string, t: PostgresTarget, args: string[], log: (line: string) => void): Promise<void> {
  const fullArgs = ['--plugin', 'postgres12', '--ep', t.host, '-p', String(t.port), '-u', t.user, '--db', t.database, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(sqlTool, fullArgs, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SQL_PASSWORD: t.password } });
    const output = new LastLines(30);
    const onData = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) output.push(line);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => reject(new Error(`cannot run ${sqlTool}: ${err.message}`)));
    child.on('close', (code) => {
      if (code === 0) return resolve();
      log(`${sqlTool} ${args.join(' ')} failed:\n${output}`);
      reject(new Error(`temporal-sql-tool ${args[0]} on ${t.database} exited with ${code}:\n${output}`));
    });
  });
}

/** `setup-schema -v 0.0` (versioning tables) then `update-schema` to the newest version, as temporal's Makefile does. */
async function setupSchema(sqlTool: string, t: PostgresTarget, schema: string, log: (line: string) => void): Promise<void> {
  await runSqlTool(sqlTool, t, ['setup-schema', '-v', '0.0'], log);
  await runSqlTool(sqlTool, t, ['update-schema', '--schema-name', schema], log);
}

/**
 * (Re)creates `<prefix>_temporal` and `<prefix>_visibility` on the server `adminUrl` (a superuser URL) and installs
 * the newest schemas into them. Existing databases of those names are dropped first, open connections and all.
 */
export async function createTemporalDatabases(adminUrl: string, prefix: string, sqlTool: string, log: (line: string) => void): Promise<TemporalDatabases> {
  if (!/^[a-z_][a-z0-9_]*$/.test(prefix)) throw new Error(`database prefix ${JSON.stringify(prefix)}: use [a-z0-9_], not starting with a digit`);
  const dbs: TemporalDatabases = { db: target(adminUrl, `${prefix}_temporal`), visibility: target(adminUrl, `${prefix}_visibility`) };
  const names = [dbs.db.database, dbs.visibility.database];
  await onServer(adminUrl, [...names.map((name) => `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`), ...names.map((name) => `CREATE DATABASE "${name}"`)]);
  await Promise.all([setupSchema(sqlTool, dbs.db, SCHEMAS.db, log), setupSchema(sqlTool, dbs.visibility, SCHEMAS.visibility, log)]);
  return dbs;
}

/** Drops both databases (the server must be stopped, or it reconnects and logs errors until it is). */
export async function dropTemporalDatabases(adminUrl: string, dbs: TemporalDatabases): Promise<void> {
  await onServer(
    adminUrl,
    [dbs.db.database, dbs.visibility.database].map((name) => `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  );
}

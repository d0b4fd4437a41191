import type { DataSource } from 'typeorm';

/** Every column of every table that can hold text or bytes: where a leaked key would be. */
async function searchableColumns(db: DataSource): Promise<{ table: string; column: string; bytea: boolean }[]> {
  const rows = await db.query<{ table: string; column: string; bytea: boolean }[]>(
    `SELECT format('%I.%I', c.table_schema, c.table_name) AS table, quote_ident(c.column_name) AS column, c.data_type = 'bytea' AS bytea
     FROM information_schema.columns c
     JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE t.table_type = 'BASE TABLE' AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
       AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea') OR c.udt_name IN ('_text', '_varchar'))
     ORDER BY 1, 2`,
  );
  return rows;
}

/** `table.column` of every column holding one of the strings (as text, or as UTF-8 bytes in bytea) or byte strings. */
export async function columnsContaining(db: DataSource, strings: string[], bytes: Buffer[]): Promise<string[]> {
  const needles = [...strings.map((s) => Buffer.from(s, 'utf8')), ...bytes];
  const found: string[] = [];
  for (const { table, column, bytea } of await searchableColumns(db)) {
    const [{ hits }] = await db.query<{ hits: number }[]>(
      bytea
        ? `SELECT count(*)::int AS hits FROM ${table} WHERE EXISTS (SELECT 1 FROM unnest($1::bytea[]) AS n WHERE position(n IN ${column}) > 0)`
        : `SELECT count(*)::int AS hits FROM ${table} WHERE EXISTS (SELECT 1 FROM unnest($1::text[]) AS n WHERE strpos(${column}::text, n) > 0)`,
      [bytea ? needles : strings],
    );
    if (hits > 0) found.push(`${table}.${column}`);
  }
  return found;
}

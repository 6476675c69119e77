import type pg from 'pg';

/** A column of a set-based insert: its name and the PostgreSQL type its values are cast to. */
export type Column = readonly [name: string, type: string];

/**
 * One multi-row INSERT of any number of rows: each column travels as one array parameter and
 * is unnested in PostgreSQL, so a batch of thousands of rows is a single statement.
 * Enum columns are sent as text and cast. `accountId` is passed once and repeated by SQL.
 */
export async function bulkInsert<R extends pg.QueryResultRow = pg.QueryResultRow>(
  client: pg.Pool | pg.ClientBase,
  table: string,
  accountId: number,
  columns: readonly Column[],
  rows: ReadonlyArray<readonly unknown[]>,
  suffix = '',
): Promise<R[]> {
  if (rows.length === 0) return [];
  // Dates go as ISO strings: node-pg's own Date formatting is several times slower.
  const arrays = columns.map((_, c) => rows.map((row) => (row[c] instanceof Date ? (row[c] as Date).toISOString() : row[c])));
  const arrayType = (type: string) => (type.startsWith('"') ? 'text' : type);
  const names = columns.map(([name]) => `"${name}"`).join(', ');
  const casts = columns.map(([name, type], c) => `u.c${c}::${type} AS "${name}"`).join(', ');
  const unnest = columns.map(([, type], c) => `$${c + 2}::${arrayType(type)}[]`).join(', ');
  const aliases = columns.map((_, c) => `c${c}`).join(', ');
  const sql =
    `INSERT INTO "${table}" ("accountId", ${names}) ` +
    `SELECT $1::int4, ${casts} FROM unnest(${unnest}) AS u(${aliases}) ${suffix}`;
  const result = await client.query<R>(sql, [accountId, ...arrays]);
  return result.rows;
}

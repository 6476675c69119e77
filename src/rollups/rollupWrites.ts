import type pg from 'pg';
import { rebuildAccountReach } from '../funnels/funnelReach';
import { ofAccount } from '../common/sql';
import { rebuildUserBitmaps } from './userBitmaps';
import { DIMENSIONS, keyNames, projection, ROLLUPS, segmentOf, type RollupTable } from './rollupTables';

const quote = (name: string) => `"${name}"`;

/** A rollup row's columns in insert order: accountId, keys, dimensions, measures. */
const columnsOf = (t: RollupTable) => ['accountId', ...keyNames(t), ...DIMENSIONS, ...t.measures.map((m) => m.name)].map(quote);

/**
 * The raw rows matching `where` grouped onto rollup rows, with the rollup's column names. Sign -1
 * negates the sums and leaves the expiry bounds NULL (they only widen, so they remain true bounds
 * when an interaction leaves).
 */
function grouped(t: RollupTable, where: string, sign: 1 | -1): string {
  const keys = keyNames(t);
  // Grouped by the dimensions, the segment is built once per rollup row rather than per raw row.
  const group = ['accountId', ...keys.filter((k) => k !== 'segment'), ...DIMENSIONS].map((c) => `p.${quote(c)}`);
  const keyValues = keys.map((k) => `${k === 'segment' ? segmentOf('p') : `p.${quote(k)}`} AS ${quote(k)}`);
  const aggregates = t.measures.map((m) =>
    m.combine === 'sum' ? `${sign < 0 ? '-' : ''}sum(p.${quote(m.name)})` : `${m.combine}(p.${quote(m.name)}) FILTER (WHERE ${sign > 0})`,
  );
  return `SELECT ${['p."accountId"', ...keyValues, ...DIMENSIONS.map((c) => `p.${quote(c)}`), ...aggregates.map((a, i) => `${a} AS ${quote(t.measures[i]!.name)}`)].join(', ')}
      FROM (SELECT ${t.alias}."accountId", ${projection(t, false)} FROM ${quote(t.source)} ${t.alias} WHERE ${where}) p
     GROUP BY ${group.join(', ')}`;
}

/**
 * INSERT ... SELECT of rollup rows (`rows`, with the rollup's columns) added to the stored ones.
 * Rows go in key order, so concurrent writers lock them in one order.
 */
function addRows(t: RollupTable, rows: string): string {
  const keys = keyNames(t).map(quote);
  const updates = t.measures.map((m) => {
    const [stored, added] = [`${quote(t.table)}.${quote(m.name)}`, `EXCLUDED.${quote(m.name)}`];
    const combined = m.combine === 'sum' ? `${stored} + ${added}` : `${m.combine === 'min' ? 'least' : 'greatest'}(${stored}, ${added})`;
    return `${quote(m.name)} = ${combined}`;
  });
  return `INSERT INTO ${quote(t.table)} (${columnsOf(t).join(', ')})
    SELECT * FROM (${rows}) r ORDER BY ${keys.map((k) => `r.${k}`).join(', ')}
    ON CONFLICT (${['"accountId"', ...keys].join(', ')}) DO UPDATE SET ${updates.join(', ')}`;
}

/** A batch's rows of the rollup's source table, by internal ID ($2) within the account ($1; ofAccount says why not `= $1`). */
const byInteractions = (t: RollupTable) => `${ofAccount(`${t.alias}."accountId"`)} AND ${t.alias}."${t.interactionColumn}" = ANY($2::int8[])`;

/** What stored interactions contribute to each rollup, as JSON rows with the rollup's columns (negated), by table. */
export type Contributions = Record<string, string | null>;

/**
 * The contributions to subtract when these stored interactions (internal IDs) are rewritten,
 * read before the rewrite. Computed here and handed back unchanged to applyToRollups at the end of
 * the batch, which writes them together with the new state: no rollup row is locked until then.
 */
export async function storedContributions(client: pg.PoolClient, accountId: number, interactionIds: number[]): Promise<Contributions> {
  if (interactionIds.length === 0) return {};
  const columns = ROLLUPS.map((t) => `(SELECT json_agg(d)::text FROM (${grouped(t, byInteractions(t), -1)}) d) AS ${quote(t.table)}`);
  const { rows } = await client.query<Contributions>(`SELECT ${columns.join(', ')}`, [accountId, interactionIds]);
  return rows[0]!;
}

/** The rows to subtract from rollup `t`, with its columns, from the JSON list in parameter `param`. */
const subtractedRows = (t: RollupTable, param: number) =>
  `SELECT ${columnsOf(t).join(', ')} FROM json_populate_recordset(NULL::${quote(t.table)}, $${param}::json)`;

/**
 * The statement of applyToRollups: $1 account, $2 internal IDs, then (when `subtracting`) one
 * JSON list of rows to subtract per rollup (in ROLLUPS order). Built once per variant: it does not
 * depend on the batch.
 */
function applyStatement(subtracting: boolean): string {
  // A daily rollup with an hourly twin takes its new rows from the twin's grouping, relabelled by
  // day (the outer GROUP BY adds the hours up), instead of grouping the raw rows a second time.
  const hourly = ROLLUPS.filter((t) => t.grain === 'hour');
  const hourlyRows = new Map(hourly.map((t, i) => [t.table, `added${i}`]));
  const added = hourly.map((t, i) => `added${i} AS (${grouped(t, byInteractions(t), 1)})`);
  const writes = ROLLUPS.map((t, i) => {
    const twin = t.hourly && hourlyRows.get(t.hourly.table);
    const fresh = twin
      ? `SELECT ${columnsOf(t).map((c) => (c === '"day"' ? '"hour"::date AS "day"' : c)).join(', ')} FROM ${twin}`
      : `SELECT * FROM ${hourlyRows.get(t.table) ?? `(${grouped(t, byInteractions(t), 1)}) g`}`;
    const measures = t.measures.map((m) => `${m.combine}(c.${quote(m.name)})`);
    const keys = ['accountId', ...keyNames(t), ...DIMENSIONS].map((c) => `c.${quote(c)}`);
    // New rows grouped from raw rows are one per key already; hours relabelled by day are not.
    const combined = !subtracting && !twin
      ? fresh
      : `SELECT ${[...keys, ...measures].join(', ')} FROM (${subtracting ? `${subtractedRows(t, i + 3)} UNION ALL ` : ''}${fresh}) c GROUP BY ${keys.join(', ')}`;
    return `written${i} AS (${addRows(t, combined)} RETURNING 1)`;
  });
  // Referenced in order, the writes run (and lock their rows) in this order in every batch.
  const counts = ROLLUPS.map((_, i) => `(SELECT count(*) FROM written${i})`);
  return `WITH ${[...added, ...writes].join(',\n')}\nSELECT ${counts.join(', ')}`;
}

/**
 * Prepared once per connection (named statements): planning this statement of six upserts took
 * 8 ms, a quarter of a 2,000-interaction batch's rollup work (pg_stat_statements, 100 k import).
 * With the account kept from the estimate (byInteractions), PostgreSQL also finds its generic plan
 * no worse after the first five executions on a connection and stops planning it (a GraphQL
 * benchmark run: 12 generic plans after 5 custom ones).
 * Batches that rewrite no stored interaction (most of a bulk load) subtract nothing, and skip
 * regrouping their new rows with the subtracted ones.
 */
const APPLY_NEW = { name: 'touchpoint.addToRollups', text: applyStatement(false) };
const APPLY_REPLACING = { name: 'touchpoint.replaceInRollups', text: applyStatement(true) };

/**
 * Adds the stored state of these interactions (internal IDs) to every rollup, less what `replaced`
 * says the rewritten ones contributed before, in one statement. Ingest runs it last before commit:
 * rows of a day's rollups are shared by every batch of that day, and a concurrent batch waits for
 * them from their update to this transaction's end (with two GraphQL callers, 20-42 % of backend
 * samples waited on daily rollup rows when a rewritten interaction was subtracted at the start).
 */
export async function applyToRollups(client: pg.PoolClient, accountId: number, interactionIds: number[], replaced: Contributions): Promise<void> {
  if (Object.keys(replaced).length > 0) {
    await client.query({ ...APPLY_REPLACING, values: [accountId, interactionIds, ...ROLLUPS.map((t) => replaced[t.table] ?? '[]')] });
  } else if (interactionIds.length > 0) {
    await client.query({ ...APPLY_NEW, values: [accountId, interactionIds] });
  }
}

/**
 * Recomputes these rollups of an account from the raw tables. The exclusive table locks let
 * figures be read meanwhile but make concurrent ingest wait, so no batch lands between the
 * delete and the recount. Returns the rollup rows written per table.
 */
export async function recountRollups(client: pg.PoolClient, accountId: number, tables: RollupTable[]): Promise<Record<string, number>> {
  await client.query(`LOCK TABLE ${tables.map((t) => quote(t.table)).join(', ')} IN EXCLUSIVE MODE`);
  const written: Record<string, number> = {};
  for (const t of tables) {
    await client.query(`DELETE FROM ${quote(t.table)} WHERE "accountId" = $1`, [accountId]);
    const result = await client.query(addRows(t, grouped(t, `${t.alias}."accountId" = $1`, 1)), [accountId]);
    written[t.table] = result.rowCount ?? 0;
  }
  return written;
}

/** Recomputes every rollup of an account, its user bitmaps of every day and its funnel views' reach. Returns rows written per table. */
export async function rebuildRollups(client: pg.PoolClient, accountId: number): Promise<Record<string, number>> {
  const written = await recountRollups(client, accountId, ROLLUPS);
  const bitmaps = await rebuildUserBitmaps(client, accountId);
  written.DailyUserBitmap = bitmaps.rows;
  written.BlockUserBitmap = bitmaps.blockRows;
  written.RunUserBitmap = bitmaps.runRows;
  written.WeeklyUserBitmap = bitmaps.weekRows;
  await rebuildAccountReach(client, accountId);
  return written;
}

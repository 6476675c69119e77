import type pg from 'pg';
import { rebuildAccountReach } from '../funnels/funnelReach';
import { rebuildUserBitmaps } from './userBitmaps';
import { DIMENSIONS, keyNames, projection, ROLLUPS, segmentOf, type RollupTable } from './rollupTables';

const quote = (name: string) => `"${name}"`;

/**
 * INSERT ... SELECT of the raw rows matching `where`, grouped onto rollup rows and added to the
 * stored ones (sign -1 subtracts them; expiry bounds then stay as they are: they only widen, so
 * they remain true bounds). Rows go in key order, so concurrent writers lock them in one order.
 */
function addToRollup(t: RollupTable, where: string, sign: 1 | -1): string {
  const keys = keyNames(t);
  // Grouped by the dimensions, the segment is built once per rollup row rather than per raw row.
  const group = ['accountId', ...keys.filter((k) => k !== 'segment'), ...DIMENSIONS].map((c) => `p.${quote(c)}`);
  const keyValues = keys.map((k) => (k === 'segment' ? segmentOf('p') : `p.${quote(k)}`));
  const aggregates = t.measures.map((m) =>
    m.combine === 'sum' ? `${sign < 0 ? '-' : ''}sum(p.${quote(m.name)})` : `${m.combine}(p.${quote(m.name)}) FILTER (WHERE ${sign > 0})`,
  );
  const updates = t.measures.map((m) => {
    const [stored, added] = [`${quote(t.table)}.${quote(m.name)}`, `EXCLUDED.${quote(m.name)}`];
    const combined = m.combine === 'sum' ? `${stored} + ${added}` : `${m.combine === 'min' ? 'least' : 'greatest'}(${stored}, ${added})`;
    return `${quote(m.name)} = ${combined}`;
  });
  return `INSERT INTO ${quote(t.table)} (${['accountId', ...keys, ...DIMENSIONS, ...t.measures.map((m) => m.name)].map(quote).join(', ')})
    SELECT ${['p."accountId"', ...keyValues, ...DIMENSIONS.map((c) => `p.${quote(c)}`), ...aggregates].join(', ')}
      FROM (SELECT ${t.alias}."accountId", ${projection(t, false)} FROM ${quote(t.source)} ${t.alias} WHERE ${where}) p
     GROUP BY ${group.join(', ')}
     ORDER BY ${keyValues.join(', ')}
    ON CONFLICT (${['accountId', ...keys].map(quote).join(', ')}) DO UPDATE SET ${updates.join(', ')}`;
}

/**
 * Adds (sign 1) or subtracts (sign -1) the stored state of these interactions (internal IDs) to every rollup.
 * Ingest subtracts the interactions a batch rewrites before it writes them and adds them after,
 * in the batch's transaction: the rollups change exactly when the raw rows do.
 */
export async function applyToRollups(client: pg.PoolClient, accountId: string, interactionIds: number[], sign: 1 | -1): Promise<void> {
  if (interactionIds.length === 0) return;
  for (const t of ROLLUPS) {
    const where = `${t.alias}."accountId" = $1 AND ${t.alias}."${t.interactionColumn}" = ANY($2::int8[])`;
    await client.query(addToRollup(t, where, sign), [accountId, interactionIds]);
  }
}

/**
 * Recomputes these rollups of an account from the raw tables. The exclusive table locks let
 * figures be read meanwhile but make concurrent ingest wait, so no batch lands between the
 * delete and the recount. Returns the rollup rows written per table.
 */
export async function recountRollups(client: pg.PoolClient, accountId: string, tables: RollupTable[]): Promise<Record<string, number>> {
  await client.query(`LOCK TABLE ${tables.map((t) => quote(t.table)).join(', ')} IN EXCLUSIVE MODE`);
  const written: Record<string, number> = {};
  for (const t of tables) {
    await client.query(`DELETE FROM ${quote(t.table)} WHERE "accountId" = $1`, [accountId]);
    const result = await client.query(addToRollup(t, `${t.alias}."accountId" = $1`, 1), [accountId]);
    written[t.table] = result.rowCount ?? 0;
  }
  return written;
}

/** Recomputes every rollup of an account, its user bitmaps of every day and its funnel views' reach. Returns rows written per table. */
export async function rebuildRollups(client: pg.PoolClient, accountId: string): Promise<Record<string, number>> {
  const written = await recountRollups(client, accountId, ROLLUPS);
  const bitmaps = await rebuildUserBitmaps(client, accountId);
  written.DailyUserBitmap = bitmaps.rows;
  written.WeeklyUserBitmap = bitmaps.weekRows;
  await rebuildAccountReach(client, accountId);
  return written;
}

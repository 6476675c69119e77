import type pg from 'pg';
import { inTransaction } from '../db/transaction';
import { rebuildRollups } from './rollupWrites';

/** Rebuilds the rollups of one account, or of every account; returns rollup rows written per account. */
export async function rebuildAccounts(pool: pg.Pool, accountIds?: string[]): Promise<Map<string, Record<string, number>>> {
  const ids = accountIds ?? (await pool.query<{ id: string }>('SELECT id FROM "Account" ORDER BY id')).rows.map((row) => row.id);
  const written = new Map<string, Record<string, number>>();
  for (const id of ids) written.set(id, await inTransaction(pool, (client) => rebuildRollups(client, id)));
  return written;
}

/** Migrations that create tables derived from the raw rows (the funnel reach needs each view's steps, so SQL alone cannot fill it). */
const FILLED_BY_REBUILD = ['_rollups', '_funnel_reach'];

/**
 * Fills the rollups (and funnel reach) of data stored before they existed: run after migrations, when the one that
 * created them was just applied to a database that already holds accounts.
 */
export async function backfillRollups(pool: pg.Pool, appliedMigrations: string[]): Promise<void> {
  if (appliedMigrations.some((name) => FILLED_BY_REBUILD.some((suffix) => name.endsWith(suffix)))) await rebuildAccounts(pool);
}

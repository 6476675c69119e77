import type pg from 'pg';
import type { AccountIds } from '../accounts/accountStore';
import { inTransaction } from '../db/transaction';
import { recountRollups, rebuildRollups } from './rollupWrites';
import { HOURLY_CHANNELS, HOURLY_INTERACTIONS, type RollupTable } from './rollupTables';

async function everyAccount(pool: pg.Pool): Promise<AccountIds[]> {
  return (await pool.query<AccountIds>('SELECT id, "externalId" FROM "Account" ORDER BY id')).rows;
}

/** Rebuilds the rollups of these accounts, or of every account; returns rollup rows written per account (by its external ID). */
export async function rebuildAccounts(pool: pg.Pool, accounts?: AccountIds[]): Promise<Map<string, Record<string, number>>> {
  const written = new Map<string, Record<string, number>>();
  for (const { id, externalId } of accounts ?? (await everyAccount(pool))) {
    written.set(externalId, await inTransaction(pool, (client) => rebuildRollups(client, id)));
  }
  return written;
}

/**
 * Migrations (by name after the timestamp) that create tables derived from the raw rows, and what
 * they need filled: everything (the funnel reach needs each view's steps, so SQL alone cannot fill
 * it), or only the tables they created.
 */
const FILLED_BY_REBUILD: Record<string, 'everything' | RollupTable[]> = {
  rollups: 'everything',
  funnel_reach: 'everything',
  hourly_rollups: [HOURLY_INTERACTIONS, HOURLY_CHANNELS],
};

/**
 * Fills the rollups (and funnel reach) of data stored before they existed: run after migrations, when one
 * that created them was just applied to a database that already holds accounts.
 */
export async function backfillRollups(pool: pg.Pool, appliedMigrations: string[]): Promise<void> {
  const needs = appliedMigrations.map((name) => FILLED_BY_REBUILD[name.replace(/^\d+_/, '')]).filter((need) => need !== undefined);
  if (needs.includes('everything')) {
    await rebuildAccounts(pool);
    return;
  }
  const tables = needs.flatMap((need) => (need === 'everything' ? [] : need));
  if (tables.length === 0) return;
  for (const { id } of await everyAccount(pool)) await inTransaction(pool, (client) => recountRollups(client, id, tables));
  // Plans read new tables' statistics; autovacuum would gather them only after a while.
  await pool.query(`ANALYZE ${tables.map((t) => `"${t.table}"`).join(', ')}`);
}

import DataLoader from 'dataloader';
import type pg from 'pg';
import type { Context } from '../server/context';
import type { Automation } from './automation.type';

const COLUMNS = `id AS "internalId", "externalId" AS id, type, name`;

export async function listAutomations(pool: pg.Pool, accountId: string): Promise<Automation[]> {
  const { rows } = await pool.query<Automation>(
    `SELECT ${COLUMNS} FROM "Automation" WHERE "accountId" = $1 ORDER BY name, "externalId"`,
    [accountId],
  );
  return rows;
}

/** Distinct senders of the account's interactions, for filter pickers. */
export async function listSenders(pool: pg.Pool, accountId: string): Promise<string[]> {
  // A loose index scan over ("accountId", sender, "startedAt"): one probe per distinct sender.
  const { rows } = await pool.query<{ sender: string }>(
    `WITH RECURSIVE s AS (
       (SELECT sender FROM "Interaction" WHERE "accountId" = $1 AND sender IS NOT NULL ORDER BY sender LIMIT 1)
       UNION ALL
       SELECT (SELECT i.sender FROM "Interaction" i
               WHERE i."accountId" = $1 AND i.sender > s.sender ORDER BY i.sender LIMIT 1)
       FROM s WHERE s.sender IS NOT NULL)
     SELECT sender FROM s WHERE sender IS NOT NULL`,
    [accountId],
  );
  return rows.map((row) => row.sender);
}

/** Automations by internal ID, batched per request and always within the caller's account. */
export function automationLoader(ctx: Context): DataLoader<number, Automation | null> {
  return ctx.memo('automationById', () =>
    new DataLoader<number, Automation | null>(async (ids) => {
      const { rows } = await ctx.db.pool.query<Automation>(
        `SELECT ${COLUMNS} FROM "Automation" WHERE "accountId" = $1 AND id = ANY($2::int[])`,
        [ctx.caller.accountId, ids],
      );
      const byId = new Map(rows.map((row) => [row.internalId, row]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  );
}

/** Automations by their external ID, batched per request, within the caller's account. */
export function automationByExternalIdLoader(ctx: Context): DataLoader<string, Automation | null> {
  return ctx.memo('automationByExternalId', () =>
    new DataLoader<string, Automation | null>(async (ids) => {
      const { rows } = await ctx.db.pool.query<Automation>(
        `SELECT ${COLUMNS} FROM "Automation" WHERE "accountId" = $1 AND "externalId" = ANY($2::text[])`,
        [ctx.caller.accountId, ids],
      );
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  );
}

import { accountLoader } from '../common/accountLoader';
import type pg from 'pg';
import type { Context } from '../server/context';
import type { Automation } from './automation.type';

const COLUMNS = `id AS "internalId", "externalId" AS id, type, name`;

export async function listAutomations(pool: pg.Pool, accountId: number): Promise<Automation[]> {
  const { rows } = await pool.query<Automation>(
    `SELECT ${COLUMNS} FROM "Automation" WHERE "accountId" = $1 ORDER BY name, "externalId"`,
    [accountId],
  );
  return rows;
}

/** Distinct senders of the account's interactions, for filter pickers. */
export async function listSenders(pool: pg.Pool, accountId: number): Promise<string[]> {
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
export const automationLoader = (ctx: Context) =>
  accountLoader<number, Automation>(ctx, 'automationById',
    `SELECT ${COLUMNS} FROM "Automation" WHERE "accountId" = $1 AND id = ANY($2::int[])`, (row) => row.internalId);

/** Automations by their external ID, batched per request, within the caller's account. */
export const automationByExternalIdLoader = (ctx: Context) =>
  accountLoader<string, Automation>(ctx, 'automationByExternalId',
    `SELECT ${COLUMNS} FROM "Automation" WHERE "accountId" = $1 AND "externalId" = ANY($2::text[])`, (row) => row.id);

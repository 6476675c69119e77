import { randomUUID } from 'node:crypto';
import { accountLoader } from '../common/accountLoader';
import { inTransaction } from '../db/transaction';
import type pg from 'pg';
import { badUserInput, notFound } from '../common/errors';
import type { AutomationType } from '../common/enums';
import type { Context } from '../server/context';
import { FunnelView, type FunnelViewInput } from './funnel.types';
import { lockViews, rebuildViewReach } from './funnelReach';
import { checkSteps, checkViewName } from './funnelSteps';

const COLUMNS = `id, name, "automationId" AS "automationInternalId", "versionId", steps, "createdAt"`;
const toView = (row: Record<string, unknown>) => Object.assign(new FunnelView(), row);

/** The account's views, oldest first. */
export async function listViews(ctx: Context): Promise<FunnelView[]> {
  const { rows } = await ctx.db.pool.query(
    `SELECT ${COLUMNS} FROM "FunnelView" WHERE "accountId" = $1 ORDER BY "createdAt", id`,
    [ctx.caller.accountId],
  );
  return rows.map(toView);
}

/** Views by ID, batched per request, in the caller's account only. */
export const viewsById = (ctx: Context) =>
  accountLoader<string, FunnelView>(ctx, 'funnelViewsById',
    `SELECT ${COLUMNS} FROM "FunnelView" WHERE "accountId" = $1 AND id = ANY($2::text[])`, (row) => row.id, toView);

export function findView(ctx: Context, id: string): Promise<FunnelView | null> {
  return viewsById(ctx).load(id);
}

/** The request's cached default view ID; mutations that can move the default forget it. */
const defaultViewCache = (ctx: Context) => ctx.memo('defaultFunnelViewId', () => ({ id: null as Promise<string | null> | null }));

/** The ID of the account's default view, once per request (again after a mutation that can move it). */
export function defaultViewId(ctx: Context): Promise<string | null> {
  const cache = defaultViewCache(ctx);
  cache.id ??= ctx.db.pool
    .query(`SELECT "viewId" FROM "DefaultFunnelView" WHERE "accountId" = $1`, [ctx.caller.accountId])
    .then(({ rows }) => rows[0]?.viewId ?? null);
  return cache.id;
}

/** Runs a write that can move the default, then drops the cached default ID (several mutations can share a request). */
async function movingDefault<T>(ctx: Context, write: Promise<T>): Promise<T> {
  try {
    return await write;
  } finally {
    defaultViewCache(ctx).id = null;
  }
}

async function checkInput(client: pg.PoolClient, accountId: number, input: FunnelViewInput) {
  const name = checkViewName(input.name);
  const { rows } = await client.query<{ id: number; type: AutomationType }>(
    `SELECT id, type FROM "Automation" WHERE "accountId" = $1 AND "externalId" = $2`,
    [accountId, input.automationId],
  );
  if (!rows[0]) throw badUserInput(`input.automationId: no automation "${input.automationId}" in this account (see the automations query)`, 'input.automationId');
  const steps = checkSteps(input.steps, rows[0].type);
  const versionId = input.versionId?.trim() || null;
  return { name, automationId: rows[0].id, versionId, steps: JSON.stringify(steps) };
}

/** Creates a view and computes its reach; the account's first view becomes its default. */
export function createView(ctx: Context, input: FunnelViewInput): Promise<FunnelView> {
  const accountId = ctx.caller.accountId;
  return movingDefault(ctx, inTransaction(ctx.db.pool, async (client) => {
    await lockViews(client, accountId);
    const view = await checkInput(client, accountId, input);
    const { rows } = await client.query(
      `INSERT INTO "FunnelView" ("accountId", id, name, "automationId", "versionId", steps, "updatedAt")
       VALUES ($1, $2, $3, $4, $5, $6, now()) RETURNING ${COLUMNS}`,
      [accountId, randomUUID(), view.name, view.automationId, view.versionId, view.steps],
    );
    await client.query(`INSERT INTO "DefaultFunnelView" ("accountId", "viewId") VALUES ($1, $2) ON CONFLICT ("accountId") DO NOTHING`, [accountId, rows[0].id]);
    await rebuildViewReach(client, accountId, rows[0]);
    return toView(rows[0]);
  }));
}

/** Changes a view and recomputes its reach. */
export function updateView(ctx: Context, id: string, input: FunnelViewInput): Promise<FunnelView> {
  const accountId = ctx.caller.accountId;
  return inTransaction(ctx.db.pool, async (client) => {
    await lockViews(client, accountId);
    const view = await checkInput(client, accountId, input);
    const { rows } = await client.query(
      `UPDATE "FunnelView" SET name = $3, "automationId" = $4, "versionId" = $5, steps = $6, "updatedAt" = now()
        WHERE "accountId" = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [accountId, id, view.name, view.automationId, view.versionId, view.steps],
    );
    if (!rows[0]) throw notFound(`No funnel view "${id}" in this account (see funnelViews)`);
    await rebuildViewReach(client, accountId, rows[0]);
    return toView(rows[0]);
  });
}

/** Deletes a view (false when there is none); when it was the default, the oldest remaining one becomes the default. */
export function deleteView(ctx: Context, id: string): Promise<boolean> {
  const accountId = ctx.caller.accountId;
  return movingDefault(ctx, inTransaction(ctx.db.pool, async (client) => {
    await lockViews(client, accountId);
    const { rowCount } = await client.query(`DELETE FROM "FunnelView" WHERE "accountId" = $1 AND id = $2`, [accountId, id]);
    if (rowCount === 0) return false;
    await client.query(`DELETE FROM "FunnelReach" WHERE "accountId" = $1 AND "viewId" = $2`, [accountId, id]);
    const { rowCount: wasDefault } = await client.query(`DELETE FROM "DefaultFunnelView" WHERE "accountId" = $1 AND "viewId" = $2`, [accountId, id]);
    if (wasDefault) {
      await client.query(
        `INSERT INTO "DefaultFunnelView" ("accountId", "viewId")
         SELECT "accountId", id FROM "FunnelView" WHERE "accountId" = $1 ORDER BY "createdAt", id LIMIT 1`,
        [accountId],
      );
    }
    return true;
  }));
}

/** Makes a view the default. The account's single DefaultFunnelView row keeps exactly one default under concurrency. */
export function setDefaultView(ctx: Context, id: string): Promise<FunnelView> {
  const accountId = ctx.caller.accountId;
  return movingDefault(ctx, inTransaction(ctx.db.pool, async (client) => {
    await lockViews(client, accountId);
    const { rows } = await client.query(`SELECT ${COLUMNS} FROM "FunnelView" WHERE "accountId" = $1 AND id = $2`, [accountId, id]);
    if (!rows[0]) throw notFound(`No funnel view "${id}" in this account (see funnelViews)`);
    await client.query(
      `INSERT INTO "DefaultFunnelView" ("accountId", "viewId") VALUES ($1, $2)
       ON CONFLICT ("accountId") DO UPDATE SET "viewId" = EXCLUDED."viewId"`,
      [accountId, id],
    );
    return toView(rows[0]);
  }));
}

import type pg from 'pg';
import { SqlParams } from '../common/sql';
import type { FunnelStep } from './funnel.types';
import { FunnelStepKind } from './funnelStepKind';
import { STEP_ROWS } from '../interactions/stepRows';

/** What the reach of a view depends on. */
export interface ReachView {
  id: string;
  automationInternalId: number;
  versionId: string | null;
  steps: FunnelStep[];
}

/** The step kind a funnel step kind matches (starting/ending dialogs: DIALOG, chosen per interaction). */
const ROW_KIND: Record<FunnelStepKind, string> = {
  [FunnelStepKind.JOURNEY_ELEMENT]: 'JOURNEY_ELEMENT',
  [FunnelStepKind.STARTING_DIALOG]: 'DIALOG',
  [FunnelStepKind.ENDING_DIALOG]: 'DIALOG',
  [FunnelStepKind.SESSION_START]: 'SESSION_START',
  [FunnelStepKind.SESSION_END]: 'SESSION_END',
  [FunnelStepKind.AI_AGENT_TOOL]: 'AI_AGENT_TOOL',
};

/**
 * One row per interaction of the view's automation (and version) matching `scope` (conditions on
 * Interaction `s`) that reached the view's first step: its ID, start and how many steps it
 * reached in order. An interaction reaches step k when it reached step k−1 and has an occurrence
 * of step k at or after the time it reached step k−1 (step 1: any occurrence); the earliest
 * qualifying occurrence counts (metrics.md).
 *
 * Set-based: the occurrences of the view's steps are read once from the interactions' step
 * arrays, then each step is one grouped hash join of its occurrences with the interactions that
 * reached the step before.
 */
export function reachSelect(params: SqlParams, accountId: number, view: ReachView, scope: string[]): string {
  const conditions = [
    `s."accountId" = ${params.add(accountId)}`,
    `s."automationId" = ${params.add(view.automationInternalId, 'int')}`,
    ...scope,
  ];
  if (view.versionId !== null) conditions.push(`s."versionId" = ${params.add(view.versionId)}`);
  const kinds = [...new Set(view.steps.map((step) => ROW_KIND[step.kind]))];
  // Each distinct step (kind, name, first/last dialog) with the positions it takes in the view:
  // one step row can be an occurrence of several steps (identical ones, or a dialog that is both
  // the first and the last).
  const distinct = new Map<string, { step: FunnelStep; positions: number[] }>();
  view.steps.forEach((step, i) => {
    const key = JSON.stringify(step);
    const entry = distinct.get(key) ?? { step, positions: [] };
    entry.positions.push(i + 1);
    distinct.set(key, entry);
  });
  const positionsOf = [...distinct.values()].map(({ step, positions }) => {
    const matches = [`kind = '${ROW_KIND[step.kind]}'`];
    if (step.name !== null) matches.push(`name = ${params.add(step.name)}`);
    // The interaction's first / last dialog: positions kept by ingest (derive.ts).
    if (step.kind === FunnelStepKind.STARTING_DIALOG) matches.push('first_dialog');
    if (step.kind === FunnelStepKind.ENDING_DIALOG) matches.push('last_dialog');
    return `CASE WHEN ${matches.join(' AND ')} THEN ARRAY[${positions.join(', ')}] ELSE '{}'::int[] END`;
  });
  const reach = view.steps.map((_, i) =>
    i === 0
      ? `r1 AS (SELECT id, min(started) AS started, min(at) AS at FROM occurrences WHERE k = 1 GROUP BY id)`
      : `r${i + 1} AS (SELECT o.id, min(o.at) AS at FROM occurrences o JOIN r${i} p ON p.id = o.id AND o.at >= p.at WHERE o.k = ${i + 1} GROUP BY o.id)`,
  );
  const later = view.steps.slice(1).map((_, i) => `r${i + 2}`);
  return `
    WITH rows AS (
      SELECT s.id, s."startedAt" AS started, st.kind, st.name, st.at,
             st.seq = s."firstDialog" AS first_dialog, st.seq = s."lastDialog" AS last_dialog
        FROM "Interaction" s, ${STEP_ROWS}
       WHERE ${conditions.join(' AND ')} AND st.kind = ANY(${params.add(kinds)}::"StepKind"[])
    ), occurrences AS MATERIALIZED (
      SELECT id, started, unnest(${positionsOf.join(' || ')}) AS k, at FROM rows
    ), ${reach.join(',\n    ')}
    SELECT r1.id, r1.started, (${['1', ...later.map((r) => `(${r}.id IS NOT NULL)::int`)].join(' + ')})::smallint AS reached
      FROM r1 ${later.map((r) => `LEFT JOIN ${r} ON ${r}.id = r1.id`).join(' ')}`;
}

/**
 * Row estimates of CTE scans are poor, and a nested loop over them would be quadratic. Run in the
 * transaction of reach statements, after every other statement that could mind it.
 */
export const HASH_JOINS_ONLY = 'SET LOCAL enable_nestloop = off';

async function insertReach(client: pg.PoolClient, accountId: number, view: ReachView, scope: (params: SqlParams) => string[]): Promise<void> {
  const params = new SqlParams();
  const account = params.add(accountId);
  const viewId = params.add(view.id);
  const select = reachSelect(params, accountId, view, scope(params));
  await client.query(
    `INSERT INTO "FunnelReach" ("accountId", "viewId", "interactionId", "startedAt", reached)
     SELECT ${account}, ${viewId}, r.id, r.started, r.reached FROM (${select}) r`,
    params.values,
  );
}

/** Recomputes a view's reach over all its interactions (view writes and rollups rebuild). */
export async function rebuildViewReach(client: pg.PoolClient, accountId: number, view: ReachView): Promise<void> {
  await client.query('DELETE FROM "FunnelReach" WHERE "accountId" = $1 AND "viewId" = $2', [accountId, view.id]);
  await client.query(HASH_JOINS_ONLY);
  await insertReach(client, accountId, view, () => []);
}

const VIEWS = `SELECT id, "automationId" AS "automationInternalId", "versionId", steps FROM "FunnelView" WHERE "accountId" = $1 ORDER BY id`;

/**
 * Taken by every view write and by rebuilds: serialises them per account, and waits for ingest
 * batches in flight (which share the row while they update the views' reach) so that the reach a
 * write computes sees them.
 */
export async function lockViews(client: pg.PoolClient, accountId: number): Promise<void> {
  await client.query('SELECT 1 FROM "Account" WHERE id = $1 FOR UPDATE', [accountId]);
}

/** Recomputes the reach of every view of an account. */
export async function rebuildAccountReach(client: pg.PoolClient, accountId: number): Promise<void> {
  await lockViews(client, accountId);
  const { rows } = await client.query<ReachView>(VIEWS, [accountId]);
  for (const view of rows) await rebuildViewReach(client, accountId, view);
}

/**
 * Ingest's part, at the end of a batch's transaction: the reach of the interactions it wrote
 * (internal IDs; a replaced interaction keeps its ID, so its old rows go first), for every view.
 * The account row is shared with other batches and taken exclusively by view writes
 * (lockViews), so a view written meanwhile either sees this batch's rows or is seen by this batch.
 */
export async function updateFunnelReach(client: pg.PoolClient, accountId: number, internalIds: number[]): Promise<void> {
  if (internalIds.length === 0) return;
  await client.query('SELECT 1 FROM "Account" WHERE id = $1 FOR SHARE', [accountId]);
  const { rows: views } = await client.query<ReachView>(VIEWS, [accountId]);
  if (views.length === 0) return;
  await client.query(
    'DELETE FROM "FunnelReach" WHERE "accountId" = $1 AND "viewId" = ANY($2::text[]) AND "interactionId" = ANY($3::int8[])',
    [accountId, views.map((view) => view.id), internalIds],
  );
  await client.query(HASH_JOINS_ONLY);
  for (const view of views) {
    await insertReach(client, accountId, view, (params) => [`s.id = ANY(${params.add(internalIds, 'int8[]')})`]);
  }
}

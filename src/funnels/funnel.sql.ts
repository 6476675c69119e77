import { SqlParams } from '../common/sql';
import { inTransaction } from '../db/transaction';
import type { Context } from '../server/context';
import { FunnelStepKind, type FunnelStep } from './funnel.types';

/** The InteractionStep kind a funnel step kind matches (starting/ending dialogs: DIALOG, chosen per interaction). */
const ROW_KIND: Record<FunnelStepKind, string> = {
  [FunnelStepKind.JOURNEY_ELEMENT]: 'JOURNEY_ELEMENT',
  [FunnelStepKind.STARTING_DIALOG]: 'DIALOG',
  [FunnelStepKind.ENDING_DIALOG]: 'DIALOG',
  [FunnelStepKind.SESSION_START]: 'SESSION_START',
  [FunnelStepKind.SESSION_END]: 'SESSION_END',
  [FunnelStepKind.AI_AGENT_TOOL]: 'AI_AGENT_TOOL',
};

/**
 * How many interactions reached each step, in one statement. An interaction reaches step k when
 * it reached step k−1 and has an occurrence of step k at or after the time it reached step k−1
 * (step 1: any occurrence); the earliest qualifying occurrence counts (metrics.md).
 *
 * Set-based: the occurrences of the view's steps are read once from InteractionStep (which carries
 * the interaction's automation, version and startedAt, so no join), then each step is one grouped
 * hash join of its occurrences with the interactions that reached the step before. (Plus the
 * transaction that turns nested loops off for it: three small statements around the one query.)
 */
export async function funnelReach(
  ctx: Context,
  view: { automationInternalId: number; versionId: string | null; steps: FunnelStep[] },
  from: Date,
  to: Date,
): Promise<number[]> {
  const params = new SqlParams();
  const scope = [
    `s."accountId" = ${params.add(ctx.caller.accountId)}`,
    `s."automationId" = ${params.add(view.automationInternalId, 'int')}`,
    `s."startedAt" >= ${params.add(from, 'timestamptz')}`,
    `s."startedAt" < ${params.add(to, 'timestamptz')}`,
  ];
  if (view.versionId !== null) scope.push(`s."versionId" = ${params.add(view.versionId)}`);
  const kinds = [...new Set(view.steps.map((step) => ROW_KIND[step.kind]))];
  const dialogs = view.steps.some((step) => step.kind === FunnelStepKind.STARTING_DIALOG || step.kind === FunnelStepKind.ENDING_DIALOG);
  // The interaction's first / last dialog, only when the view has starting or ending dialogs.
  const ranks = dialogs
    ? `, CASE WHEN s.kind = 'DIALOG' THEN row_number() OVER (PARTITION BY s."interactionId", s.kind ORDER BY s.at, s.seq) END AS first_rank,
         CASE WHEN s.kind = 'DIALOG' THEN row_number() OVER (PARTITION BY s."interactionId", s.kind ORDER BY s.at DESC, s.seq DESC) END AS last_rank`
    : '';
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
    const conditions = [`kind = '${ROW_KIND[step.kind]}'`];
    if (step.name !== null) conditions.push(`name = ${params.add(step.name)}`);
    if (step.kind === FunnelStepKind.STARTING_DIALOG) conditions.push('first_rank = 1');
    if (step.kind === FunnelStepKind.ENDING_DIALOG) conditions.push('last_rank = 1');
    return `CASE WHEN ${conditions.join(' AND ')} THEN ARRAY[${positions.join(', ')}] ELSE '{}'::int[] END`;
  });
  const reach = view.steps.map((_, i) =>
    i === 0
      ? `r1 AS (SELECT id, min(at) AS at FROM occurrences WHERE k = 1 GROUP BY id)`
      : `r${i + 1} AS (SELECT o.id, min(o.at) AS at FROM occurrences o JOIN r${i} p ON p.id = o.id AND o.at >= p.at WHERE o.k = ${i + 1} GROUP BY o.id)`,
  );
  const sql = `
    WITH rows AS (
      SELECT s."interactionId" AS id, s.kind, s.name, s.at${ranks}
        FROM "InteractionStep" s
       WHERE ${scope.join(' AND ')} AND s.kind = ANY(${params.add(kinds)}::"StepKind"[])
    ), occurrences AS MATERIALIZED (
      SELECT id, unnest(${positionsOf.join(' || ')}) AS k, at FROM rows
    ), ${reach.join(',\n    ')}
    SELECT ${view.steps.map((_, i) => `(SELECT count(*) FROM r${i + 1})`).join(', ')}`;
  // Row estimates of CTE scans are poor; a nested loop over them would be quadratic.
  const rows = await inTransaction(ctx.db.pool, async (client) => {
    await client.query('SET LOCAL enable_nestloop = off');
    return (await client.query({ text: sql, values: params.values, rowMode: 'array' })).rows;
  }, { readOnly: true });
  return (rows[0] as number[]).map(Number);
}

import { SqlParams } from '../common/sql';
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
 * hash join of its occurrences with the interactions that reached the step before.
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

  // Each step as (k, kind, name, position): position 'first'/'last' picks the interaction's first/last dialog.
  const steps = view.steps.map((step, i) => {
    const position = step.kind === FunnelStepKind.STARTING_DIALOG ? `'first'` : step.kind === FunnelStepKind.ENDING_DIALOG ? `'last'` : 'NULL';
    return `(${i + 1}, '${ROW_KIND[step.kind]}', ${step.name === null ? 'NULL' : params.add(step.name)}::text, ${position}::text)`;
  });
  const reach = view.steps.map((_, i) =>
    i === 0
      ? `r1 AS (SELECT id, min(at) AS at FROM occurrences WHERE k = 1 GROUP BY id)`
      : `r${i + 1} AS (SELECT o.id, min(o.at) AS at FROM occurrences o JOIN r${i} p ON p.id = o.id AND o.at >= p.at WHERE o.k = ${i + 1} GROUP BY o.id)`,
  );
  const sql = `
    WITH rows AS (
      SELECT s."interactionId" AS id, s.kind::text AS kind, s.name, s.at,
             CASE WHEN s.kind = 'DIALOG' THEN row_number() OVER (PARTITION BY s."interactionId", s.kind = 'DIALOG' ORDER BY s.at, s.seq) END AS first_rank,
             CASE WHEN s.kind = 'DIALOG' THEN row_number() OVER (PARTITION BY s."interactionId", s.kind = 'DIALOG' ORDER BY s.at DESC, s.seq DESC) END AS last_rank
        FROM "InteractionStep" s
       WHERE ${scope.join(' AND ')} AND s.kind::text = ANY(${params.add(kinds, 'text[]')})
    ), occurrences AS MATERIALIZED (
      SELECT r.id, st.k, r.at
        FROM rows r
        JOIN (VALUES ${steps.join(', ')}) AS st(k, kind, name, position)
          ON st.kind = r.kind AND (st.name IS NULL OR st.name = r.name)
         AND (st.position IS NULL OR (st.position = 'first' AND r.first_rank = 1) OR (st.position = 'last' AND r.last_rank = 1))
    ), ${reach.join(',\n    ')}
    SELECT ${view.steps.map((_, i) => `(SELECT count(*) FROM r${i + 1})`).join(', ')}`;
  const { rows } = await ctx.db.pool.query({ text: sql, values: params.values, rowMode: 'array' });
  return (rows[0] as number[]).map(Number);
}

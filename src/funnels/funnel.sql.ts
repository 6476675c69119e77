import { SqlParams } from '../common/sql';
import type { Context } from '../server/context';
import { FunnelStepKind, type FunnelStep } from './funnel.types';

/** What step kinds match in InteractionStep rows (starting/ending dialogs are chosen per interaction). */
const STEP_ROW_KIND: Partial<Record<FunnelStepKind, string>> = {
  [FunnelStepKind.JOURNEY_ELEMENT]: 'JOURNEY_ELEMENT',
  [FunnelStepKind.SESSION_START]: 'SESSION_START',
  [FunnelStepKind.SESSION_END]: 'SESSION_END',
  [FunnelStepKind.AI_AGENT_TOOL]: 'AI_AGENT_TOOL',
};

/**
 * How many interactions reached each step, in one statement. An interaction reaches step k when
 * it reached step k−1 and has an occurrence of step k at or after the time it reached step k−1
 * (step 1: any occurrence); the earliest qualifying occurrence counts (metrics.md). A recursive
 * query walks the steps; each level looks up one interaction's steps by its primary key.
 */
export async function funnelReach(
  ctx: Context,
  view: { automationInternalId: number; versionId: string | null; steps: FunnelStep[] },
  from: Date,
  to: Date,
): Promise<number[]> {
  const params = new SqlParams();
  const account = params.add(ctx.caller.accountId);
  const scope = [
    `i."accountId" = ${account}`,
    `i."automationId" = ${params.add(view.automationInternalId, 'int')}`,
    `i."startedAt" >= ${params.add(from, 'timestamptz')}`,
    `i."startedAt" < ${params.add(to, 'timestamptz')}`,
  ];
  if (view.versionId !== null) scope.push(`i."versionId" = ${params.add(view.versionId)}`);

  const dialogs = view.steps.some((s) => s.kind === FunnelStepKind.STARTING_DIALOG || s.kind === FunnelStepKind.ENDING_DIALOG);
  const dialog = (direction: 'ASC' | 'DESC') =>
    `LEFT JOIN LATERAL (SELECT d.name, d.at FROM "InteractionStep" d
        WHERE d."accountId" = i."accountId" AND d."interactionId" = i.id AND d.kind = 'DIALOG'
        ORDER BY d.at ${direction}, d.seq ${direction} LIMIT 1) ${direction === 'ASC' ? 'first_dialog' : 'last_dialog'} ON true`;

  // The earliest occurrence of step `k` at or after `since`, for the interaction `r`.
  const occurrence = (step: FunnelStep, since: string) => {
    const name = step.name === null ? null : params.add(step.name);
    if (step.kind === FunnelStepKind.STARTING_DIALOG || step.kind === FunnelStepKind.ENDING_DIALOG) {
      const d = step.kind === FunnelStepKind.STARTING_DIALOG ? 'first' : 'last';
      return `CASE WHEN r.${d}_name = ${name} AND r.${d}_at >= ${since} THEN r.${d}_at END`;
    }
    return `(SELECT min(s.at) FROM "InteractionStep" s
               WHERE s."accountId" = ${account} AND s."interactionId" = r.id
                 AND s.kind = '${STEP_ROW_KIND[step.kind]}'${name ? ` AND s.name = ${name}` : ''} AND s.at >= ${since})`;
  };
  const cases = (since: string) =>
    `CASE r.k + 1 ${view.steps.map((step, k) => `WHEN ${k + 1} THEN ${occurrence(step, since)}`).join(' ')} END`;

  const sql = `
    WITH RECURSIVE scope AS (
      SELECT i.id${dialogs ? ', first_dialog.name AS first_name, first_dialog.at AS first_at, last_dialog.name AS last_name, last_dialog.at AS last_at' : ''}
        FROM "Interaction" i ${dialogs ? `${dialog('ASC')} ${dialog('DESC')}` : ''}
       WHERE ${scope.join(' AND ')}
    ), reach AS (
      SELECT r.*, 0 AS k, '-infinity'::timestamptz AS at FROM scope r
      UNION ALL
      SELECT n.* FROM (
        SELECT r.id${dialogs ? ', r.first_name, r.first_at, r.last_name, r.last_at' : ''}, r.k + 1 AS k, ${cases('r.at')} AS at
          FROM reach r WHERE r.k < ${view.steps.length}
      ) n WHERE n.at IS NOT NULL
    )
    SELECT k, count(*) AS reached FROM reach WHERE k > 0 GROUP BY k`;
  const { rows } = await ctx.db.pool.query<{ k: number; reached: number }>(sql, params.values);
  const reached = view.steps.map(() => 0);
  for (const row of rows) reached[row.k - 1] = row.reached;
  return reached;
}

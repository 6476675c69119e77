import type { Context } from '../server/context';
import type { AutomationType } from '../common/enums';
import { FunnelStepKind, type FunnelStep } from './funnel.types';
import { KINDS_BY_AUTOMATION_TYPE } from './funnelSteps';

/**
 * The steps a view of the automation can use, as seen in its stored interactions (of one
 * version ID when given): only the kinds that fit the automation's type, in funnel order
 * (kind as listed in KINDS_BY_AUTOMATION_TYPE, then name).
 */
export async function funnelStepOptions(
  ctx: Context,
  automation: { internalId: number; type: AutomationType },
  versionId: string | null,
): Promise<FunnelStep[]> {
  const { rows } = await ctx.db.pool.query<{ kind: FunnelStepKind; name: string | null }>(
    `WITH steps AS (
       -- Step rows carry their interaction's automation and version ID: no join needed.
       SELECT s.* FROM "InteractionStep" s
        WHERE s."accountId" = $1 AND s."automationId" = $2 AND ($3::text IS NULL OR s."versionId" = $3)
     ), dialogs AS (
       SELECT s.name,
              row_number() OVER (PARTITION BY s."interactionId" ORDER BY s.at, s.seq) AS first_rank,
              row_number() OVER (PARTITION BY s."interactionId" ORDER BY s.at DESC, s.seq DESC) AS last_rank
         FROM steps s WHERE s.kind = 'DIALOG'
     )
     SELECT DISTINCT kind::text AS kind, name FROM steps WHERE kind IN ('JOURNEY_ELEMENT', 'AI_AGENT_TOOL')
     UNION SELECT DISTINCT kind::text, NULL FROM steps WHERE kind IN ('SESSION_START', 'SESSION_END')
     UNION SELECT DISTINCT 'STARTING_DIALOG', name FROM dialogs WHERE first_rank = 1
     UNION SELECT DISTINCT 'ENDING_DIALOG', name FROM dialogs WHERE last_rank = 1`,
    [ctx.caller.accountId, automation.internalId, versionId],
  );
  const kinds = KINDS_BY_AUTOMATION_TYPE[automation.type];
  return rows
    .filter((row) => kinds.includes(row.kind))
    .sort((a, b) => kinds.indexOf(a.kind) - kinds.indexOf(b.kind) || (a.name ?? '').localeCompare(b.name ?? '', 'en'))
    .map(({ kind, name }) => ({ kind, name }));
}

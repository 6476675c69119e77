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
    `WITH own AS MATERIALIZED (
       SELECT s."stepKinds" AS kinds, s."stepNames" AS names, s."firstDialog", s."lastDialog" FROM "Interaction" s
        WHERE s."accountId" = $1 AND s."automationId" = $2 AND ($3::text IS NULL OR s."versionId" = $3) AND s."stepKinds" IS NOT NULL
     )
     SELECT DISTINCT st.kind::text AS kind, st.name FROM own s, unnest(s.kinds, s.names) AS st(kind, name) WHERE st.kind IN ('JOURNEY_ELEMENT', 'AI_AGENT_TOOL')
     UNION SELECT DISTINCT st.kind::text, NULL FROM own s, unnest(s.kinds) AS st(kind) WHERE st.kind IN ('SESSION_START', 'SESSION_END')
     -- The first and last dialog: positions kept by ingest (derive.ts).
     UNION SELECT DISTINCT 'STARTING_DIALOG', s.names[s."firstDialog"] FROM own s WHERE s."firstDialog" IS NOT NULL
     UNION SELECT DISTINCT 'ENDING_DIALOG', s.names[s."lastDialog"] FROM own s WHERE s."lastDialog" IS NOT NULL`,
    [ctx.caller.accountId, automation.internalId, versionId],
  );
  const kinds = KINDS_BY_AUTOMATION_TYPE[automation.type];
  return rows
    .filter((row) => kinds.includes(row.kind))
    .sort((a, b) => kinds.indexOf(a.kind) - kinds.indexOf(b.kind) || (a.name ?? '').localeCompare(b.name ?? '', 'en'))
    .map(({ kind, name }) => ({ kind, name }));
}

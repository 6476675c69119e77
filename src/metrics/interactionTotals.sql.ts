import type { InteractionType } from '../common/enums';
import { batchedQuery } from '../common/batchedQuery';
import { facts } from '../rollups/facts';
import { INTERACTIONS } from '../rollups/rollupTables';
import type { Context } from '../server/context';
import { filterKey, type Filter } from './filter';

/** Counts of one handling tab (or all), by effective outcome. */
export interface OutcomeTotals {
  interactions: number;
  successful: number;
  mixed: number;
  unsuccessful: number;
  unclassified: number;
}

/** The additive measures of the filtered interactions of one handling and type (the rollup's measures). */
export interface InteractionGroup {
  escalated: boolean;
  type: InteractionType;
  interactions: number;
  successful: number;
  mixed: number;
  unsuccessful: number;
  ended: number;
  durationMs: number;
  withSentiment: number;
  positive: number;
  negative: number;
  topics: number;
  resolvedTopics: number;
  csatResponses: number;
  csatPositive: number;
  csatNegative: number;
  csatSum: number;
  inboundMessages: number;
  outboundMessages: number;
  agentMs: number;
  journeys: number;
  chatbots: number;
  aiAgents: number;
}

/** Measures whose total is simply their sum over the groups. */
const SUMMED = ['withSentiment', 'positive', 'negative', 'topics', 'resolvedTopics', 'csatResponses', 'csatPositive', 'csatNegative', 'inboundMessages', 'outboundMessages'] as const;

/**
 * Everything performance, health, audience and the outcome, CSAT and sentiment drill-downs need
 * that adds up over interactions: one statement over the facts (rollups of whole days, raw rows
 * at the edges), grouped by handling and type.
 */
export interface InteractionTotals extends Pick<InteractionGroup, (typeof SUMMED)[number]> {
  total: OutcomeTotals;
  contained: OutcomeTotals;
  escalated: OutcomeTotals;
  groups: InteractionGroup[];
  averageDurationSeconds: number | null;
  csatAverage: number | null;
  agentSeconds: number;
  byAutomationType: { JOURNEY: number; CHATBOT: number; AI_AGENT: number };
}

const add = (groups: InteractionGroup[], measure: Exclude<keyof InteractionGroup, 'escalated' | 'type'>) =>
  groups.reduce((sum, group) => sum + group[measure], 0);

function outcomes(groups: InteractionGroup[]): OutcomeTotals {
  const [interactions, successful, mixed, unsuccessful] = (['interactions', 'successful', 'mixed', 'unsuccessful'] as const).map((m) => add(groups, m));
  return { interactions: interactions!, successful: successful!, mixed: mixed!, unsuccessful: unsuccessful!, unclassified: interactions! - successful! - mixed! - unsuccessful! };
}

/** Totals from the groups: integer sums, so the same whichever path (and order) produced the groups. */
export function totalsOf(groups: InteractionGroup[]): InteractionTotals {
  const ended = add(groups, 'ended');
  const summed = Object.fromEntries(SUMMED.map((m) => [m, add(groups, m)])) as Pick<InteractionGroup, (typeof SUMMED)[number]>;
  return {
    ...summed,
    total: outcomes(groups),
    contained: outcomes(groups.filter((g) => !g.escalated)),
    escalated: outcomes(groups.filter((g) => g.escalated)),
    groups,
    averageDurationSeconds: ended === 0 ? null : add(groups, 'durationMs') / ended / 1000,
    csatAverage: summed.csatResponses === 0 ? null : add(groups, 'csatSum') / summed.csatResponses,
    agentSeconds: add(groups, 'agentMs') / 1000,
    byAutomationType: { JOURNEY: add(groups, 'journeys'), CHATBOT: add(groups, 'chatbots'), AI_AGENT: add(groups, 'aiAgents') },
  };
}

async function queryTotals(ctx: Context, filter: Filter): Promise<InteractionTotals> {
  const measures = INTERACTIONS.measures.map((m) => `sum(f."${m.name}")::int8 AS "${m.name}"`);
  const rows = await batchedQuery<InteractionGroup>(
    ctx,
    'interactionTotals',
    (params) => `SELECT f.escalated, f.type, ${measures.join(', ')}
       FROM (${facts(params, ctx.caller.accountId, filter, INTERACTIONS, ctx.useRollups)}) f
      GROUP BY f.escalated, f.type
     HAVING sum(f.interactions) > 0`,
  );
  return totalsOf(rows);
}

/** The totals for a filter, computed once per request however many sections ask for them. */
export function interactionTotals(ctx: Context, filter: Filter): Promise<InteractionTotals> {
  return ctx.memo(`interactionTotals:${filterKey(filter)}`, () => queryTotals(ctx, filter));
}

import { SqlParams } from '../common/sql';
import type { Context } from '../server/context';
import { filterConditions, filterKey, type Filter } from './filter';

/** Counts of one handling tab (or all), by effective outcome. */
export interface OutcomeTotals {
  interactions: number;
  successful: number;
  mixed: number;
  unsuccessful: number;
  unclassified: number;
}

/**
 * Everything performance, health and audience need that adds up over interactions, from one
 * pass over the filtered interactions (conditional aggregates on the columns derived at ingest).
 */
export interface InteractionTotals {
  total: OutcomeTotals;
  contained: OutcomeTotals;
  escalated: OutcomeTotals;
  averageDurationSeconds: number | null;
  withSentiment: number;
  positive: number;
  negative: number;
  topics: number;
  resolvedTopics: number;
  csatResponses: number;
  csatPositive: number;
  csatNegative: number;
  csatAverage: number | null;
  inboundMessages: number;
  outboundMessages: number;
  agentSeconds: number;
  byAutomationType: { JOURNEY: number; CHATBOT: number; AI_AGENT: number };
}

const outcomeColumns = (prefix: string, condition: string) => {
  const where = (extra: string) => {
    const conditions = [condition, extra].filter(Boolean);
    return conditions.length === 0 ? 'count(*)' : `count(*) FILTER (WHERE ${conditions.join(' AND ')})`;
  };
  return [
    `${where('')} AS "${prefix}interactions"`,
    `${where(`i.outcome = 'SUCCESSFUL'`)} AS "${prefix}successful"`,
    `${where(`i.outcome = 'MIXED'`)} AS "${prefix}mixed"`,
    `${where(`i.outcome = 'UNSUCCESSFUL'`)} AS "${prefix}unsuccessful"`,
    `${where('i.outcome IS NULL')} AS "${prefix}unclassified"`,
  ];
};

const pickOutcomes = (row: Record<string, number>, prefix: string): OutcomeTotals => ({
  interactions: row[`${prefix}interactions`]!,
  successful: row[`${prefix}successful`]!,
  mixed: row[`${prefix}mixed`]!,
  unsuccessful: row[`${prefix}unsuccessful`]!,
  unclassified: row[`${prefix}unclassified`]!,
});

async function queryTotals(ctx: Context, filter: Filter): Promise<InteractionTotals> {
  const params = new SqlParams();
  const where = filterConditions(params, ctx.caller.accountId, filter);
  const sql = `
    SELECT ${[...outcomeColumns('t_', ''), ...outcomeColumns('c_', 'NOT i.escalated'), ...outcomeColumns('e_', 'i.escalated')].join(',\n           ')},
           avg(i."durationSeconds") AS "averageDurationSeconds",
           count(i.sentiment) AS "withSentiment",
           count(*) FILTER (WHERE i.sentiment = 'POSITIVE') AS positive,
           count(*) FILTER (WHERE i.sentiment = 'NEGATIVE') AS negative,
           coalesce(sum(i."topicCount"), 0) AS topics,
           coalesce(sum(i."resolvedTopics"), 0) AS "resolvedTopics",
           count(i."csatScore") AS "csatResponses",
           count(*) FILTER (WHERE i."csatScore" >= 4) AS "csatPositive",
           count(*) FILTER (WHERE i."csatScore" <= 2) AS "csatNegative",
           avg(i."csatScore")::float8 AS "csatAverage",
           coalesce(sum(i."inboundCount"), 0) AS "inboundMessages",
           coalesce(sum(i."outboundCount"), 0) AS "outboundMessages",
           coalesce(sum(i."agentSeconds"), 0) AS "agentSeconds",
           count(*) FILTER (WHERE i."automationType" = 'JOURNEY') AS journeys,
           count(*) FILTER (WHERE i."automationType" = 'CHATBOT') AS chatbots,
           count(*) FILTER (WHERE i."automationType" = 'AI_AGENT') AS "aiAgents"
      FROM "Interaction" i
     WHERE ${where}`;
  const { rows } = await ctx.db.pool.query(sql, params.values);
  const row = rows[0];
  return {
    total: pickOutcomes(row, 't_'),
    contained: pickOutcomes(row, 'c_'),
    escalated: pickOutcomes(row, 'e_'),
    averageDurationSeconds: row.averageDurationSeconds,
    withSentiment: row.withSentiment,
    positive: row.positive,
    negative: row.negative,
    topics: row.topics,
    resolvedTopics: row.resolvedTopics,
    csatResponses: row.csatResponses,
    csatPositive: row.csatPositive,
    csatNegative: row.csatNegative,
    csatAverage: row.csatAverage,
    inboundMessages: row.inboundMessages,
    outboundMessages: row.outboundMessages,
    agentSeconds: row.agentSeconds,
    byAutomationType: { JOURNEY: row.journeys, CHATBOT: row.chatbots, AI_AGENT: row.aiAgents },
  };
}

/** The totals for a filter, computed once per request however many sections ask for them. */
export function interactionTotals(ctx: Context, filter: Filter): Promise<InteractionTotals> {
  return ctx.memo(`interactionTotals:${filterKey(filter)}`, () => queryTotals(ctx, filter));
}

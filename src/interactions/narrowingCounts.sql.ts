import { Outcome, Sentiment, CsatRating, type Handling } from '../common/enums';
import { SqlParams } from '../common/sql';
import { handlingCondition, type Filter } from '../metrics/filter';
import { facts } from '../rollups/facts';
import { dayOf, INTERACTIONS, ISSUES, TOPICS, type RollupTable } from '../rollups/rollupTables';
import type { Context } from '../server/context';
import type { Narrowing } from './interactionList.sql';
import { childRows } from './narrowingChildRows.sql';

/** How the rollups count a narrowing's interactions: a measure summed over a rollup's facts `f` whose keys meet `conditions`. */
interface RollupCount {
  rollup: RollupTable;
  measure: string;
  conditions: string[];
}

const OUTCOME_MEASURE: Record<Outcome, string> = {
  [Outcome.SUCCESSFUL]: 'f.successful',
  [Outcome.MIXED]: 'f.mixed',
  [Outcome.UNSUCCESSFUL]: 'f.unsuccessful',
};
const SENTIMENT_MEASURE: Record<Sentiment, string> = {
  [Sentiment.POSITIVE]: 'f.positive',
  [Sentiment.NEGATIVE]: 'f.negative',
  [Sentiment.NEUTRAL]: 'f."withSentiment" - f.positive - f.negative',
};
const CSAT_MEASURE: Record<CsatRating, string> = {
  [CsatRating.POSITIVE]: 'f."csatPositive"',
  [CsatRating.NEGATIVE]: 'f."csatNegative"',
  [CsatRating.NEUTRAL]: 'f."csatResponses" - f."csatPositive" - f."csatNegative"',
};

const handled = (handling: Handling | null | undefined) => (handling ? [handlingCondition('f', handling)] : []);

/**
 * The rollup that counts a narrowing by itself, or null. Topic and issue rows are one per
 * interaction, keyed by handling, outcome and the topic or issue; the interaction rollup is keyed
 * by handling and type and counts each outcome, sentiment and CSAT rating, but not their
 * combinations: two of those at once, a topic with an issue, or a topic or issue with a type,
 * sentiment or CSAT rating are counted on the topic rows where those carry everything
 * (narrowingChildRows.sql.ts), else on the interactions.
 */
function rollupCount(params: SqlParams, n: Narrowing): RollupCount | null {
  const child = n.topic ? ([TOPICS, 'name', n.topic] as const) : n.issue ? ([ISSUES, 'issue', n.issue] as const) : null;
  const sentiment = n.sentiment || n.hasSentiment;
  const csat = n.csat || n.hasCsat;
  if (child) {
    if ((n.topic && n.issue) || n.type || sentiment || csat) return null;
    const [rollup, key, value] = child;
    const conditions = [`f."${key}" = ${params.add(value)}`, ...handled(n.handling)];
    if (n.outcome) conditions.push(`f.outcome = ${params.add(n.outcome)}`);
    return { rollup, measure: 'f.interactions', conditions };
  }
  if ([n.outcome, sentiment, csat].filter(Boolean).length > 1) return null;
  const conditions = handled(n.handling);
  if (n.type) conditions.push(`f.type = ${params.add(n.type)}::"InteractionType"`);
  const measure = n.outcome ? OUTCOME_MEASURE[n.outcome]
    : n.sentiment ? SENTIMENT_MEASURE[n.sentiment]
    : n.hasSentiment ? 'f."withSentiment"'
    : n.csat ? CSAT_MEASURE[n.csat]
    : n.hasCsat ? 'f."csatResponses"'
    : 'f.interactions';
  return { rollup: INTERACTIONS, measure, conditions };
}

/** The facts `f` of the filter's range (rollups/facts.ts) that a RollupCount sums, with their conditions. */
const countedFacts = (params: SqlParams, ctx: Context, filter: Filter, count: RollupCount) =>
  `(${facts(params, ctx.caller.accountId, filter, count.rollup, ctx.useRollups)}) f WHERE ${[...count.conditions, 'true'].join(' AND ')}`;

/** Rows that count a narrowing without reading the interactions: `total` aggregated over `rows` (a FROM ... WHERE), per UTC `day`. */
interface CountedRows {
  rows: string;
  total: string;
  day: string;
}

/**
 * What counts the narrowing's filtered interactions: the rollups (their whole days and hours, and
 * raw edges: rollups/facts.ts), else a topic's own rows (narrowingChildRows.sql.ts); null when
 * only the interactions can. Counted on the interactions, the successful ones of the 10 M
 * benchmark account's 90 days took 2.6-3.0 s.
 */
function countedRows(params: SqlParams, ctx: Context, filter: Filter, narrowing: Narrowing): CountedRows | null {
  const count = rollupCount(params, narrowing);
  if (count) return { rows: countedFacts(params, ctx, filter, count), total: `coalesce(sum(${count.measure}), 0)::int8`, day: 'f.day' };
  const child = childRows(params, ctx.caller.accountId, filter, narrowing);
  return child && { rows: `"${child.table}" c WHERE ${child.conditions.join(' AND ')}`, total: 'count(*)', day: dayOf('c') };
}

/** How many filtered interactions the narrowing selects, counted by countedRows, or null when only the interactions can count them. */
export async function countWithoutInteractions(ctx: Context, filter: Filter, narrowing: Narrowing): Promise<number | null> {
  const params = new SqlParams();
  const counted = countedRows(params, ctx, filter, narrowing);
  if (!counted) return null;
  const { rows } = await ctx.db.pool.query<{ n: string }>(`SELECT ${counted.total} AS n FROM ${counted.rows}`, params.values);
  return Number(rows[0]!.n);
}

/**
 * Where a page of `wanted` narrowed interactions, newest first and started before `before`, can
 * start: the latest UTC day from which the range up to `before` holds that many (or, when it holds
 * fewer, the earliest day that holds any; `before` itself when none), from the rollups' counts per
 * day, or the topic rows' (countedRows). A page walks the interactions newest first until it
 * is full, so a narrowing that few match read the whole range: the escalated successful
 * interactions that are not conversations, none in the 10 M benchmark account, took 8.1-17.6 s
 * over 90 days. Null when neither counts the narrowing.
 */
export async function pageStart(ctx: Context, filter: Filter, narrowing: Narrowing, wanted: number, before: Date): Promise<Date | null> {
  if (before <= filter.from) return null;
  const params = new SqlParams();
  const counted = countedRows(params, ctx, { ...filter, to: before }, narrowing);
  if (!counted) return null;
  const perDay = `SELECT ${counted.day} AS day, ${counted.total} AS n FROM ${counted.rows} GROUP BY 1 HAVING ${counted.total} > 0`;
  const { rows } = await ctx.db.pool.query<{ day: string | null }>(
    `WITH days AS (${perDay}), newest AS (SELECT day, sum(n) OVER (ORDER BY day DESC) AS through FROM days)
     SELECT to_char(coalesce((SELECT max(day) FROM newest WHERE through >= ${params.add(wanted, 'int')}), (SELECT min(day) FROM days)), 'YYYY-MM-DD') AS day`,
    params.values,
  );
  const day = rows[0]!.day;
  if (day === null) return before;
  const start = new Date(`${day}T00:00:00Z`);
  return start > filter.from ? start : filter.from;
}

import { decodeCursor, encodeCursor } from '../common/cursor';
import type { Handling, Outcome } from '../common/enums';
import { badUserInput } from '../common/errors';
import { SqlParams } from '../common/sql';
import { handlingCondition, type Filter } from '../metrics/filter';
import { facts } from '../rollups/facts';
import { TOPICS } from '../rollups/rollupTables';
import type { Context } from '../server/context';
import { TopicOrder, type TopicCount, type TopicDetails } from './drilldown.types';

/**
 * Topic figures from the topic facts: the daily topic rollups of whole days and the topic rows
 * of the partial days at the range's edges (which carry the interaction's filter columns,
 * handling, outcome, sentiment score and CSAT score, so no join is needed).
 */
export interface TopicScope {
  filter: Filter;
  handling?: Handling | null;
  outcome?: Outcome | null;
  name?: string;
}

/** The topic facts of a scope, as a FROM item aliased `t`, and the scope's conditions on them. */
function scoped(params: SqlParams, ctx: Context, scope: TopicScope): string {
  const conditions = ['true'];
  if (scope.handling) conditions.push(handlingCondition('t', scope.handling));
  if (scope.outcome) conditions.push(`t.outcome = ${params.add(scope.outcome)}`);
  if (scope.name !== undefined) conditions.push(`t.name = ${params.add(scope.name)}`);
  return `(${facts(params, ctx.caller.accountId, scope.filter, TOPICS, ctx.useRollups)}) t WHERE ${conditions.join(' AND ')}`;
}

/** Sums of the topic measures: the same numbers from rollup rows and raw rows (numeric sums are exact). */
const DETAILS = `
  t.name AS name,
  sum(t.interactions)::int8 AS interactions,
  100 * sum(t.resolved)::float8 / sum(t.interactions) AS "successRate",
  100 * coalesce(sum(t.interactions) FILTER (WHERE NOT t.escalated), 0)::float8 / sum(t.interactions) AS "containmentRate",
  (sum(t."sentimentSum") / nullif(sum(t."sentimentCount"), 0))::float8 AS "averageSentiment",
  (sum(t."csatSum")::numeric / nullif(sum(t."csatCount"), 0))::float8 AS "averageCsat",
  (sum(t."handleSum") / nullif(sum(t."handleCount"), 0))::float8 AS "averageHandleTimeSeconds"`;

/** Rollup rows can sum to nothing after interactions were replaced: such a topic is not there. */
const PRESENT = 'HAVING sum(t.interactions) > 0';

/** Topic names sort by code point, the same on every server. */
const NAME = 'name COLLATE "C"';

const ORDERS: Record<TopicOrder, { orderBy: string; after: (p: SqlParams, key: unknown[]) => string; key: (t: TopicDetails) => unknown[] }> = {
  [TopicOrder.INTERACTIONS_DESC]: {
    orderBy: `interactions DESC, ${NAME}`,
    after: (p, [n, name]) => `(interactions < ${p.add(n, 'int8')} OR (interactions = ${p.add(n, 'int8')} AND ${NAME} > ${p.add(name)}))`,
    key: (t) => [t.interactions, t.name],
  },
  [TopicOrder.SUCCESS_RATE_ASC]: {
    orderBy: `"successRate", interactions DESC, ${NAME}`,
    after: (p, [rate, n, name]) => {
      const r = p.add(rate, 'float8');
      const c = p.add(n, 'int8');
      return `("successRate" > ${r} OR ("successRate" = ${r} AND (interactions < ${c} OR (interactions = ${c} AND ${NAME} > ${p.add(name)}))))`;
    },
    key: (t) => [t.successRate, t.interactions, t.name],
  },
  [TopicOrder.NAME_ASC]: {
    orderBy: NAME,
    after: (p, [name]) => `${NAME} > ${p.add(name)}`,
    key: (t) => [t.name],
  },
};

const KEY_SIZE: Record<TopicOrder, number> = { INTERACTIONS_DESC: 2, SUCCESS_RATE_ASC: 3, NAME_ASC: 1 };

const withScope = (scope: TopicScope, rows: TopicDetails[]): TopicDetails[] =>
  rows.map((row) => Object.assign(row, { filter: scope.filter, handling: scope.handling ?? null }));

/** The position a cursor of a topic list stands for; BAD_USER_INPUT for anything else. */
export function decodeTopicCursor(ctx: Context, order: TopicOrder, after: string): unknown[] {
  const key = decodeCursor(ctx.caller.accountId, `topics:${order}`, after);
  if (key.length !== KEY_SIZE[order]) throw badUserInput('after is not a cursor of this list', 'after');
  return key;
}

/** A page of topics with their details, in one of the orders, after a keyset position. */
export async function topicPage(ctx: Context, scope: TopicScope, order: TopicOrder, first: number, after: unknown[] | null) {
  const list = `topics:${order}`;
  const params = new SqlParams();
  const source = scoped(params, ctx, scope);
  const { orderBy, after: afterCondition, key } = ORDERS[order];
  const keyset = after ? `WHERE ${afterCondition(params, after)}` : '';
  const { rows } = await ctx.db.pool.query<TopicDetails>(
    `SELECT * FROM (SELECT ${DETAILS} FROM ${source} GROUP BY t.name ${PRESENT}) s
      ${keyset} ORDER BY ${orderBy} LIMIT ${params.add(first + 1, 'int')}`,
    params.values,
  );
  const nodes = withScope(scope, rows.slice(0, first));
  return {
    edges: nodes.map((node) => ({ node, cursor: encodeCursor(ctx.caller.accountId, list, key(node)) })),
    hasNextPage: rows.length > first,
  };
}

export async function topicTotal(ctx: Context, scope: TopicScope): Promise<number> {
  const params = new SqlParams();
  const { rows } = await ctx.db.pool.query(`SELECT count(*) AS n FROM (SELECT t.name FROM ${scoped(params, ctx, scope)} GROUP BY t.name ${PRESENT}) s`, params.values);
  return rows[0].n;
}

/** One topic's details; null when no interaction in scope has it. */
export async function topicDetails(ctx: Context, scope: TopicScope & { name: string }): Promise<TopicDetails | null> {
  const params = new SqlParams();
  const { rows } = await ctx.db.pool.query<TopicDetails>(
    `SELECT ${DETAILS} FROM ${scoped(params, ctx, scope)} GROUP BY t.name ${PRESENT}`,
    params.values,
  );
  return rows[0] ? withScope(scope, rows)[0]! : null;
}

/** Topics by success rate ascending (then interactions descending, then name) among those with at least 5 interactions. */
export async function lowestPerformingTopics(ctx: Context, scope: TopicScope, first: number): Promise<TopicDetails[]> {
  const params = new SqlParams();
  const { rows } = await ctx.db.pool.query<TopicDetails>(
    `SELECT ${DETAILS} FROM ${scoped(params, ctx, scope)}
      GROUP BY t.name HAVING sum(t.interactions) >= 5
      ORDER BY "successRate", interactions DESC, t.${NAME} LIMIT ${params.add(first, 'int')}`,
    params.values,
  );
  return withScope(scope, rows);
}

/** Topics handled in the scope's interactions with their counts, most first, then name. */
export async function topicCounts(ctx: Context, scope: TopicScope, first: number): Promise<TopicCount[]> {
  const params = new SqlParams();
  const { rows } = await ctx.db.pool.query<TopicCount>(
    `SELECT t.name AS topic, sum(t.interactions)::int8 AS interactions FROM ${scoped(params, ctx, scope)}
      GROUP BY t.name ${PRESENT} ORDER BY interactions DESC, t.${NAME} LIMIT ${params.add(first, 'int')}`,
    params.values,
  );
  return rows;
}

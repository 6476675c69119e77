import { decodeCursor, encodeCursor } from '../common/cursor';
import { CsatRating, type Handling, type InteractionType, type Outcome, type Sentiment } from '../common/enums';
import { badUserInput } from '../common/errors';
import { SqlParams } from '../common/sql';
import { filterConditions, handlingCondition, type Filter } from '../metrics/filter';
import { facts } from '../rollups/facts';
import { ISSUES, TOPICS, type RollupTable } from '../rollups/rollupTables';
import type { Context } from '../server/context';
import { INTERACTION_COLUMNS, INTERACTION_FROM, toInteraction, type Interaction } from './interaction.type';

/** How a list of example interactions narrows the filtered interactions. */
export interface Narrowing {
  outcome?: Outcome | null;
  handling?: Handling | null;
  type?: InteractionType | null;
  sentiment?: Sentiment | null;
  /** Only interactions with a sentiment (the sentiment drill-down without a sentiment picked). */
  hasSentiment?: boolean;
  csat?: CsatRating | null;
  /** Only interactions with a CSAT answer. */
  hasCsat?: boolean;
  topic?: string | null;
  issue?: string | null;
}

const CSAT_CONDITION: Record<CsatRating, string> = {
  [CsatRating.POSITIVE]: 'i."csatScore" >= 4',
  [CsatRating.NEUTRAL]: 'i."csatScore" = 3',
  [CsatRating.NEGATIVE]: 'i."csatScore" <= 2',
};

export function narrowingConditions(params: SqlParams, n: Narrowing): string[] {
  const conditions: string[] = [];
  if (n.outcome) conditions.push(`i.outcome = ${params.add(n.outcome)}::"Outcome"`);
  if (n.handling) conditions.push(handlingCondition('i', n.handling));
  if (n.type) conditions.push(`i.type = ${params.add(n.type)}::"InteractionType"`);
  if (n.sentiment) conditions.push(`i.sentiment = ${params.add(n.sentiment)}::"Sentiment"`);
  else if (n.hasSentiment) conditions.push('i.sentiment IS NOT NULL');
  if (n.csat) conditions.push(CSAT_CONDITION[n.csat]);
  else if (n.hasCsat) conditions.push('i."csatScore" IS NOT NULL');
  if (n.topic) {
    conditions.push(`EXISTS (SELECT 1 FROM "InteractionTopic" t WHERE t."accountId" = i."accountId" AND t."interactionId" = i.id AND t.name = ${params.add(n.topic)})`);
  }
  if (n.issue) {
    conditions.push(`EXISTS (SELECT 1 FROM "InteractionIssue" x WHERE x."accountId" = i."accountId" AND x."interactionId" = i.id AND x.issue = ${params.add(n.issue)})`);
  }
  return conditions;
}

const LIST = 'interactions';

export interface InteractionPage {
  nodes: Interaction[];
  cursors: string[];
  hasNextPage: boolean;
}

/**
 * One page of filtered, narrowed interactions, newest startedAt first, then ID ascending (by code
 * point, as everywhere, whatever the database's collation), by
 * keyset: the page after a cursor starts where the cursor's row sorts, so page 500 costs what
 * page 1 costs.
 */
export type InteractionKey = [startedAt: string, id: string];

/** The position a cursor of an interaction list stands for; BAD_USER_INPUT for anything else. */
export function decodeInteractionCursor(ctx: Context, after: string): InteractionKey {
  const [startedAt, id] = decodeCursor(ctx.caller.accountId, LIST, after);
  if (typeof startedAt !== 'string' || typeof id !== 'string') throw badUserInput('after is not a cursor of this list', 'after');
  return [startedAt, id];
}

export async function interactionPage(ctx: Context, filter: Filter, narrowing: Narrowing, first: number, after: InteractionKey | null): Promise<InteractionPage> {
  const params = new SqlParams();
  const conditions = [filterConditions(params, ctx.caller.accountId, filter), ...narrowingConditions(params, narrowing)];
  if (after) {
    const s = params.add(after[0], 'timestamptz');
    conditions.push(`(i."startedAt" < ${s} OR (i."startedAt" = ${s} AND i."externalId" COLLATE "C" > ${params.add(after[1])}))`);
  }
  const { rows } = await ctx.db.pool.query(
    `SELECT ${INTERACTION_COLUMNS} FROM ${INTERACTION_FROM}
      WHERE ${conditions.join(' AND ')}
      ORDER BY i."startedAt" DESC, i."externalId" COLLATE "C" ASC
      LIMIT ${params.add(first + 1, 'int')}`,
    params.values,
  );
  const nodes = rows.slice(0, first).map(toInteraction);
  return {
    nodes,
    cursors: nodes.map((node) => encodeCursor(ctx.caller.accountId, LIST, [node.startedAt.toISOString(), node.id])),
    hasNextPage: rows.length > first,
  };
}

/**
 * The rollup that can count a narrowing by itself: topic and issue rows are one per interaction
 * and their rollups are keyed by handling, outcome and the topic or issue (not by type: a
 * narrowing by type is counted on the interactions).
 */
function summaryCount(n: Narrowing): { rollup: RollupTable; match: [key: string, value: string] } | null {
  if (n.type || n.sentiment || n.hasSentiment || n.csat || n.hasCsat) return null;
  if (n.topic && !n.issue) return { rollup: TOPICS, match: ['name', n.topic] };
  if (n.issue && !n.topic) return { rollup: ISSUES, match: ['issue', n.issue] };
  return null;
}

export async function interactionCount(ctx: Context, filter: Filter, narrowing: Narrowing): Promise<number> {
  const params = new SqlParams();
  const summary = summaryCount(narrowing);
  if (summary) {
    // The topic or issue rollup's whole days and raw edges (rollups/facts.ts): no probe of every filtered interaction.
    const { rollup, match } = summary;
    const conditions = [`f."${match[0]}" = ${params.add(match[1])}`];
    if (narrowing.outcome) conditions.push(`f.outcome = ${params.add(narrowing.outcome)}`);
    if (narrowing.handling) conditions.push(handlingCondition('f', narrowing.handling));
    const { rows } = await ctx.db.pool.query(
      `SELECT coalesce(sum(f.interactions), 0)::int8 AS n FROM (${facts(params, ctx.caller.accountId, filter, rollup, ctx.useRollups)}) f
        WHERE ${conditions.join(' AND ')}`,
      params.values,
    );
    return rows[0].n;
  }
  const conditions = [filterConditions(params, ctx.caller.accountId, filter), ...narrowingConditions(params, narrowing)];
  const { rows } = await ctx.db.pool.query(`SELECT count(*) AS n FROM "Interaction" i WHERE ${conditions.join(' AND ')}`, params.values);
  return rows[0].n;
}

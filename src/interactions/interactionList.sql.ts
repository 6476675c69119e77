import { decodeCursor, encodeCursor } from '../common/cursor';
import type { CsatRating, Handling, InteractionType, Outcome, Sentiment } from '../common/enums';
import { badUserInput } from '../common/errors';
import { SqlParams } from '../common/sql';
import { filterConditions, handlingCondition, type Filter } from '../metrics/filter';
import type { Context } from '../server/context';
import { INTERACTION_COLUMNS, toInteraction, type Interaction } from './interaction.type';
import { csatCondition } from './narrowingChildRows.sql';
import { countWithoutInteractions, pageStart } from './narrowingCounts.sql';

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

/**
 * How a narrowing by topic or issue selects interactions that have one, in a way that does not
 * depend on the planner's estimate of the account's size. Joined or as a plain EXISTS, an account
 * the statistics have not seen (a new account in a large database, until ANALYZE samples it) looked
 * like one of a row, and PostgreSQL read all of the account's topic or issue rows for every
 * interaction: with 19 k interactions in the 10 M benchmark database, a drill-down's examples took
 * 4.2 s a list (connections held until the pool ran out) and a count 3.4 s.
 *
 * - `probe`, for a page read newest first until it is full: each interaction's row looked up by its
 *   key (an EXISTS kept from being made a join by OFFSET 0). 12.5 ms for that list; 1 to 2 ms for
 *   the 10 M account, as before.
 * - `collect`, for a count: the IDs of the range's rows with that topic or issue gathered once, and
 *   the interactions looked up by them. For the 10 M account's 30 days, 0.75 to 1.2 s against 1.9
 *   to 3.1 s as a join; a probe of every interaction took 3.5 s.
 */
export type ChildMatch = 'probe' | 'collect';

export function narrowingConditions(params: SqlParams, accountId: number, filter: Filter, n: Narrowing, match: ChildMatch): string[] {
  const conditions: string[] = [];
  if (n.outcome) conditions.push(`i.outcome = ${params.add(n.outcome)}::"Outcome"`);
  if (n.handling) conditions.push(handlingCondition('i', n.handling));
  if (n.type) conditions.push(`i.type = ${params.add(n.type)}::"InteractionType"`);
  if (n.sentiment) conditions.push(`i.sentiment = ${params.add(n.sentiment)}::"Sentiment"`);
  else if (n.hasSentiment) conditions.push('i.sentiment IS NOT NULL');
  if (n.csat) conditions.push(csatCondition('i', n.csat));
  else if (n.hasCsat) conditions.push('i."csatScore" IS NOT NULL');
  const child = (table: string, column: string, value: string) =>
    match === 'probe'
      ? `EXISTS (SELECT 1 FROM "${table}" c WHERE c."accountId" = i."accountId" AND c."interactionId" = i.id AND c.${column} = ${params.add(value)} OFFSET 0)`
      : `i.id = ANY(ARRAY(SELECT c."interactionId" FROM "${table}" c WHERE c."accountId" = ${params.add(accountId)} AND c.${column} = ${params.add(value)}
                           AND c."startedAt" >= ${params.add(filter.from, 'timestamptz')} AND c."startedAt" < ${params.add(filter.to, 'timestamptz')}))`;
  if (n.topic) conditions.push(child('InteractionTopic', 'name', n.topic));
  if (n.issue) conditions.push(child('InteractionIssue', 'issue', n.issue));
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
  const rows = await narrowedRows(ctx, filter, narrowing, first + 1, after);
  const nodes = rows.slice(0, first).map(toInteraction);
  return {
    nodes,
    cursors: nodes.map((node) => encodeCursor(ctx.caller.accountId, LIST, [node.startedAt.toISOString(), node.id])),
    hasNextPage: rows.length > first,
  };
}

/** How far back a narrowed page looks first: most narrowings fill a page within a day. */
const FIRST_LOOK_MS = 86_400_000;

/**
 * Up to `wanted` rows of a page, newest first. A page is read newest first until it is full, so a
 * narrowing that few interactions match read the whole range. A narrowed page therefore looks at
 * the day before where it starts first, and when that does not fill it, reads the rest from
 * before that day, starting where the rollups' or topic rows' counts per day say enough of them lie (pageStart).
 */
async function narrowedRows(ctx: Context, filter: Filter, narrowing: Narrowing, wanted: number, after: InteractionKey | null): Promise<Record<string, any>[]> {
  if (Object.values(narrowing).every((value) => !value)) return pageRows(ctx, filter, narrowing, wanted, after, {});
  const before = after && new Date(after[0]) < filter.to ? new Date(after[0]) : filter.to;
  const recent = new Date(before.getTime() - FIRST_LOOK_MS);
  if (recent <= filter.from) return pageRows(ctx, filter, narrowing, wanted, after, {});
  const newest = await pageRows(ctx, filter, narrowing, wanted, after, { since: recent });
  if (newest.length >= wanted) return newest;
  const rest = wanted - newest.length;
  const since = await pageStart(ctx, filter, narrowing, rest, recent);
  if (since && since >= recent) return newest;
  // Everything before `recent` is past the cursor too (it is at most `before`).
  return [...newest, ...(await pageRows(ctx, filter, narrowing, rest, null, { since, until: recent }))];
}

/** The page's rows started in [since, until) (either open when absent) of the range. */
async function pageRows(
  ctx: Context, filter: Filter, narrowing: Narrowing, wanted: number, after: InteractionKey | null,
  { since, until }: { since?: Date | null; until?: Date },
): Promise<Record<string, any>[]> {
  const params = new SqlParams();
  const conditions = [filterConditions(params, ctx.caller.accountId, filter), ...narrowingConditions(params, ctx.caller.accountId, filter, narrowing, 'probe')];
  if (after) {
    const s = params.add(after[0], 'timestamptz');
    conditions.push(`(i."startedAt" < ${s} OR (i."startedAt" = ${s} AND i."externalId" COLLATE "C" > ${params.add(after[1])}))`);
  }
  if (since) conditions.push(`i."startedAt" >= ${params.add(since, 'timestamptz')}`);
  if (until) conditions.push(`i."startedAt" < ${params.add(until, 'timestamptz')}`);
  const { rows } = await ctx.db.pool.query(
    `SELECT ${INTERACTION_COLUMNS} FROM "Interaction" i
      WHERE ${conditions.join(' AND ')}
      ORDER BY i."startedAt" DESC, i."externalId" COLLATE "C" ASC
      LIMIT ${params.add(wanted, 'int')}`,
    params.values,
  );
  return rows;
}

/** How many filtered interactions the narrowing selects: from the rollups or a topic's rows (countWithoutInteractions), else on the interactions. */
export async function interactionCount(ctx: Context, filter: Filter, narrowing: Narrowing): Promise<number> {
  const counted = await countWithoutInteractions(ctx, filter, narrowing);
  if (counted !== null) return counted;
  const params = new SqlParams();
  const conditions = [filterConditions(params, ctx.caller.accountId, filter), ...narrowingConditions(params, ctx.caller.accountId, filter, narrowing, 'collect')];
  const { rows } = await ctx.db.pool.query(`SELECT count(*) AS n FROM "Interaction" i WHERE ${conditions.join(' AND ')}`, params.values);
  return rows[0].n;
}

import { batchedQuery } from '../common/batchedQuery';
import type { SqlParams } from '../common/sql';
import { splitRange } from '../rollups/facts';
import { DAY_MS, isoDay } from '../rollups/rollupTables';
import type { DayRange, Span } from '../rollups/spans';
import { addDays, bitmapSegment, BLOCK_HOURS, cellRanges, CHUNK_BITS, edgeBlocks, EVERY_SEGMENT, refreshInBackground, refreshUserBitmaps, returningBits, runPieces } from '../rollups/userBitmaps';
import { buildSegmentCellsInBackground, missingCells, type MissingCell, type SegmentCells } from '../rollups/segmentCells';
import type { Context } from '../server/context';
import { dimensionConditions, filterConditions, filterKey, narrowedDimensions, narrowsByList, type Filter } from './filter';

export interface UserTotals {
  uniqueUsers: number;
  returningUsers: number;
  engagedUsers: number;
}

/** Bitmap reads that find a stale day read again (or refresh first); past this, the raw path answers. */
const BITMAP_ATTEMPTS = 3;

/**
 * A range with up to this many stale whole days reads them from the raw rows, as it reads its
 * partial edge days, and has them refreshed in the background (refreshInBackground: those that
 * are over); with more, it refreshes them first. Refreshing a day rebuilds the day and its week:
 * at 10 M interactions a dashboard of the last 30 days took 7.4 s after a batch changed the users
 * of its last whole day, and one including today would have paid that at every read while data
 * arrives. Two days of raw rows cost about what two partial edge days cost; many stale days are
 * left by bulk loads through GraphQL, once.
 */
const STALE_DAYS_READ_RAW = 2;

/**
 * Ranges holding whole days read their chunks (and their edge users) in this many statements at
 * once, each taking the chunks of one remainder of chunk / PARTS: OR-ing bitmaps and probing them
 * for edge users costs CPU in proportion to their bytes, one statement runs on one core, and the
 * dashboard's other figures come from small rollups (hourly ones at the edges). Each part reads
 * every edge row, though, as the remainder is no index condition: the audience of 30 days 10:37
 * to 10:37 at 10 M interactions went from 84-123 to 64-87 ms p50 for version 2 (33 k edge users),
 * while one automation and sender (9 k) stayed within noise (59-90 against 66-94). Remainders
 * rather than ranges of chunks, so the parts are even whichever IDs a range holds.
 */
const BITMAP_PARTS = 2;

/**
 * Distinct, returning (2+ interactions) and engaged end users. Ranges that hold whole UTC days
 * read those days from the user bitmaps (rollups/userBitmaps.ts: whole weeks from the weekly
 * ones, the other days from the daily ones, or as a run of a week's first or last days; all
 * interactions, or the filter's segments) and the partial days at the edges from raw rows, but
 * for their whole quarters (block bitmaps). Runs and blocks of a filter's segments exist once a
 * read needed them (rollups/segmentCells.ts). Unfiltered ranges without a whole day (the last 24 hours, a day so far) read their
 * whole quarters from blocks the same way; other ranges within one day or two (and the raw path)
 * group the raw rows by end user. Whole days whose bitmaps are stale are read raw too, up to
 * STALE_DAYS_READ_RAW of them, and refreshed first beyond that.
 */
export function userTotals(ctx: Context, filter: Filter): Promise<UserTotals> {
  return ctx.memo(`userTotals:${filterKey(filter)}`, async () => {
    const { days, edges } = splitRange(filter.from, filter.to, ctx.useRollups);
    if (days) {
      const range = { from: isoDay(days.from), to: isoDay(days.to) };
      let rawDays: string[] = [];
      for (let attempt = 1; attempt <= BITMAP_ATTEMPTS; attempt++) {
        const { totals, stale, staleEdges, missingCells } = await bitmapUserTotals(ctx, filter, range, edges, rawDays);
        if (totals) {
          refreshInBackground(ctx.db.pool, ctx.caller.accountId, [...rawDays, ...staleEdges], isoDay(ctx.now));
          buildSegmentCellsInBackground(ctx.db.pool, ctx.caller.accountId, missingCells);
          return totals;
        }
        if (stale.length <= STALE_DAYS_READ_RAW) rawDays = stale;
        else await refreshUserBitmaps(ctx.db.pool, ctx.caller.accountId, range);
      }
    } else if (ctx.useRollups && !narrowsByList(filter)) {
      // No whole day: the statement reads blocks and raw rows only (stale days' blocks raw).
      const partialDays = splitAtMidnight(filter.from, filter.to);
      const none = isoDay(filter.to);
      if (partialDays.some((day) => edgeBlocks(day).blocks)) {
        const { totals, staleEdges, missingCells } = await bitmapUserTotals(ctx, filter, { from: none, to: none }, partialDays, []);
        refreshInBackground(ctx.db.pool, ctx.caller.accountId, staleEdges, isoDay(ctx.now));
        buildSegmentCellsInBackground(ctx.db.pool, ctx.caller.accountId, missingCells);
        if (totals) return totals;
      }
    }
    return rawUserTotals(ctx, filter);
  });
}

/** A range shorter than a whole UTC day inside it, as its parts in each UTC day (one or two). */
function splitAtMidnight(from: Date, to: Date): Span[] {
  const midnight = new Date(Math.ceil(from.getTime() / DAY_MS) * DAY_MS);
  return midnight > from && midnight < to ? [{ from, to: midnight }, { from: midnight, to }] : [{ from, to }];
}

async function rawUserTotals(ctx: Context, filter: Filter): Promise<UserTotals> {
  const rows = await batchedQuery<UserTotals>(
    ctx,
    'rawUserTotals',
    (params) => `SELECT count(*) AS "uniqueUsers",
            count(*) FILTER (WHERE u.interactions >= 2) AS "returningUsers",
            count(*) FILTER (WHERE u.engaged) AS "engagedUsers"
       FROM (SELECT i."endUserId", count(*) AS interactions, bool_or(i.engaged) AS engaged
               FROM "Interaction" i WHERE ${filterConditions(params, ctx.caller.accountId, filter)}
              GROUP BY i."endUserId") u`,
  );
  return rows[0]!;
}

/**
 * Whole days OR-ed per chunk: users, engaged users, and returning users, who came twice in one
 * cell (a week or a day, or one of a segment) or in a cell after an earlier one (the window ORs
 * the cells before each cell; cells do not overlap in time, so their start orders them). A
 * filtered range reads the cells of the segments its lists select (the coarsest kind of segment
 * that tells them apart, found in the interaction rollup of those days), an unfiltered one the
 * cells of all interactions. Users of the edges (raw rows, filtered) are then counted where the
 * whole days do not already count them: a user is returning when the edges hold two of their
 * interactions or one plus one on the whole days. Whole days listed in `rawDays` (stale ones) are
 * read from raw rows like the edges. The totals are null when a whole day is stale and not in
 * `rawDays` (its bitmaps are no longer exact). `stale` lists the stale whole days, `staleEdges` the
 * stale days of the partial edges (read raw, blocks and all, until refreshed).
 */
async function bitmapUserTotals(
  ctx: Context,
  filter: Filter,
  days: DayRange,
  edges: Span[],
  rawDays: string[],
): Promise<{ totals: UserTotals | null; stale: string[]; staleEdges: string[]; missingCells: SegmentCells[] }> {
  const parts = await Promise.all(
    Array.from({ length: BITMAP_PARTS }, (_, part) => bitmapPartTotals(ctx, { filter, days, edges, rawDays, part, of: BITMAP_PARTS })),
  );
  const touched = [...new Set(parts.flatMap((p) => p.stale))].sort();
  const stale = touched.filter((day) => day >= days.from && day < days.to);
  const staleEdges = touched.filter((day) => !stale.includes(day));
  const missing = missingCells(parts[0]!.missingCells); // the first part reports them (bitmapPartSql)
  if (stale.some((day) => !rawDays.includes(day))) return { totals: null, stale, staleEdges, missingCells: missing };
  const sum = (key: keyof UserTotals) => parts.reduce((n, p) => n + Number(p.totals[key]), 0);
  const totals = { uniqueUsers: sum('uniqueUsers'), returningUsers: sum('returningUsers'), engagedUsers: sum('engagedUsers') };
  return { totals, stale, staleEdges, missingCells: missing };
}

/** Whole days [from, to) without the days listed (read raw instead), as the ranges between those. */
function rangesAround(days: DayRange, skipped: string[]): DayRange[] {
  const ranges: DayRange[] = [];
  let from = days.from;
  for (const day of [...skipped].sort()) {
    if (day < from || day >= days.to) continue;
    if (from < day) ranges.push({ from, to: day });
    from = addDays(day, 1);
  }
  if (from < days.to) ranges.push({ from, to: days.to });
  return ranges;
}

/** A whole UTC day (YYYY-MM-DD) as a span of instants. */
const daySpan = (day: string): Span => ({ from: new Date(`${day}T00:00:00Z`), to: new Date(`${addDays(day, 1)}T00:00:00Z`) });

/** The one cell per chunk that holds whole days `days` alone, when there is one: a single day, or an ISO week. */
function singleCell(days: DayRange): { table: string; column: string; key: string } | null {
  if (addDays(days.from, 1) === days.to) return { table: 'DailyUserBitmap', column: 'day', key: days.from };
  const { before, weeks, after } = cellRanges(days);
  const oneWeek = before.from === before.to && after.from === after.to && addDays(weeks.from, 7) === weeks.to;
  return oneWeek ? { table: 'WeeklyUserBitmap', column: 'week', key: weeks.from } : null;
}

/** No cells (a range whose whole days are all read raw). */
const NO_CELLS = `SELECT NULL::timestamp AS start, NULL::text AS segment, NULL::int4 AS chunk, NULL::bit(${CHUNK_BITS}) AS users,
         NULL::bit(${CHUNK_BITS}) AS repeat, NULL::bit(${CHUNK_BITS}) AS engaged WHERE false`;

/** One part of bitmapUserTotals: the chunks with chunk % of = part, and the edge users in them. */
interface BitmapPart {
  filter: Filter;
  days: DayRange;
  edges: Span[];
  rawDays: string[];
  part: number;
  of: number;
}

/** A part's totals; `stale` lists every stale day the range touches, `missingCells` the runs and blocks it read as days or raw rows (see missingCells). */
async function bitmapPartTotals(ctx: Context, request: BitmapPart): Promise<{ totals: UserTotals; stale: string[]; missingCells: MissingCell[] }> {
  // Each part is a statement of its own (so the parts run at once); the periods of a series share them.
  const rows = await batchedQuery<UserTotals & { stale: string[]; missingCells: MissingCell[] }>(ctx, `userTotals:part${request.part}of${request.of}`, (params) =>
    bitmapPartSql(ctx, request, params),
  );
  const { stale, missingCells, ...totals } = rows[0]!;
  return { totals, stale, missingCells };
}

function bitmapPartSql(ctx: Context, { filter, days, edges, rawDays, part, of }: BitmapPart, params: SqlParams): string {
  const account = params.add(ctx.caller.accountId);
  // Every day the range touches, the partial edge days too, for the list of stale days.
  const touched = { from: params.add(isoDay(filter.from), 'date'), to: params.add(addDays(isoDay(new Date(filter.to.getTime() - 1)), 1), 'date') };
  const staleDays = `ARRAY(SELECT to_char(s.day, 'YYYY-MM-DD') FROM "StaleUserDay" s
                   WHERE s."accountId" = ${account} AND s.day >= ${touched.from} AND s.day < ${touched.to} ORDER BY s.day)`;
  const filtered = narrowsByList(filter);
  // One whole day or ISO week of all interactions is one cell per chunk, whose bits are the
  // figures (`repeat`: twice within the cell): no window to order cells, no edges. A daily series'
  // periods are such days; their part statement took 5.2 ms a day at 10 M with the window.
  const cell = !filtered && edges.length === 0 && rawDays.length === 0 ? singleCell(days) : null;
  if (cell) {
    return `SELECT ${staleDays} AS stale, '[]'::json AS "missingCells", coalesce(sum(bit_count(c.users)), 0) AS "uniqueUsers",
                   coalesce(sum(bit_count(c.repeat)), 0) AS "returningUsers", coalesce(sum(bit_count(c.engaged)), 0) AS "engagedUsers"
              FROM "${cell.table}" c
             WHERE c."accountId" = ${account} AND c.segment = '${EVERY_SEGMENT}' AND c.${cell.column} = ${params.add(cell.key, 'date')}
               AND c.chunk % ${of} = ${part}`;
  }
  // The bitmap segments a filter selects on the days `dayCondition` picks (found in the daily
  // interaction rollup, alias r); the whole days' are listed once (a CTE) for the reads of cells.
  const filterSegments = (dayCondition: string) =>
    `ARRAY(SELECT DISTINCT ${bitmapSegment(narrowedDimensions(filter), 'r')} FROM "DailyInteractionRollup" r
            WHERE ${dimensionConditions(params, ctx.caller.accountId, filter, 'r')} AND ${dayCondition})`;
  const filterList = '(SELECT list FROM segments)::text[]';
  const { segments, segmentArray, segmentList } = filtered
    ? {
        segments: `ANY(${filterList})`,
        segmentArray: filterList,
        segmentList: `segments AS MATERIALIZED (
           SELECT ${filterSegments(`r.day >= ${params.add(days.from, 'date')} AND r.day < ${params.add(days.to, 'date')}`)} AS list
         ), `,
      }
    : { segments: `'${EVERY_SEGMENT}'`, segmentArray: `ARRAY['${EVERY_SEGMENT}']`, segmentList: '' };
  const cells = (table: string, column: string, range: DayRange, guard = '', read = segments) =>
    `SELECT c.${column}::timestamp AS start, c.segment, c.chunk, c.users, c.repeat, c.engaged FROM "${table}" c
      WHERE c."accountId" = ${account} AND c.segment = ${read}
        AND c.${column} >= ${params.add(range.from, 'date')} AND c.${column} < ${params.add(range.to, 'date')}
        AND c.chunk % ${of} = ${part}${guard}`;
  // The days before the weeks and after them are a run each, for every segment that has it
  // (RunUserBitmap: all interactions' built with their week, a segment's once a read needed it),
  // and days for the others. Each run piece lists the segments that have it and those that do not
  // once (a CTE; both lists are index conditions, so an empty one reads nothing), and the
  // statement reports those of the latter that have days there (`missingCells`), which userTotals
  // has built in the background. A week refreshed before runs existed has none.
  const runLists: string[] = [];
  // The cells the range went without; every part would report the same ones: the first one does.
  const reports = part === 0;
  const missing: string[] = [];
  const dayCells = (range: DayRange) =>
    runPieces(range).flatMap(({ run, days: piece }) => {
      if (!run) return [cells('DailyUserBitmap', 'day', piece)];
      const [first, length] = [params.add(run.first, 'date'), params.add(run.days, 'int2')];
      const name = `run${runLists.length}`;
      runLists.push(`${name} AS MATERIALIZED (
           SELECT coalesce(array_agg(s) FILTER (WHERE built), '{}') AS built, coalesce(array_agg(s) FILTER (WHERE NOT built), '{}') AS unbuilt
             FROM (SELECT s, EXISTS (SELECT 1 FROM "RunUserBitmap" r
                                      WHERE r."accountId" = ${account} AND r.segment = s AND r.first = ${first} AND r.days = ${length}) AS built
                     FROM unnest(${segmentArray}) s) l
         ), `);
      const [built, unbuilt] = [`(SELECT built FROM ${name})::text[]`, `(SELECT unbuilt FROM ${name})::text[]`];
      if (reports) missing.push(`SELECT json_build_object('kind', 'run', 'first', to_char(${first}, 'YYYY-MM-DD'), 'days', ${length}, 'segment', s) AS cell
                      FROM unnest(${unbuilt}) s
                     WHERE EXISTS (SELECT 1 FROM "DailyUserBitmap" d WHERE d."accountId" = ${account} AND d.segment = s AND d.day >= ${first} AND d.day < ${params.add(piece.to, 'date')})`);
      return [
        `SELECT c.first::timestamp AS start, c.segment, c.chunk, c.users, c.repeat, c.engaged FROM "RunUserBitmap" c
          WHERE c."accountId" = ${account} AND c.segment = ANY(${built}) AND c.first = ${first} AND c.days = ${length} AND c.chunk % ${of} = ${part}`,
        cells('DailyUserBitmap', 'day', piece, '', `ANY(${unbuilt})`),
      ];
    });
  // The whole blocks of the partial days are cells too (BlockUserBitmap), read while their day is
  // not stale and every segment with users that day (of the filter's, or all interactions) has
  // blocks there, and otherwise raw: a stale edge day is not refreshed for them inside the request
  // (an edge on today would be, at every read while data arrives; one that is over is refreshed in
  // the background, see userTotals), and a day refreshed before blocks existed has none, as has a
  // segment's day until a filtered read needed its blocks (`missingCells` reports those, and
  // userTotals has them built). The segments are the edge day's own (the whole days' list need not
  // hold them). The guard is constant, so the statement skips one of the two reads.
  const blockLists: string[] = [];
  const blockCells: string[] = [];
  const rawSpans: Array<{ span: Span; guard: string }> = rawDays.map((day) => ({ span: daySpan(day), guard: '' }));
  for (const { blocks, raw } of edges.map(edgeBlocks)) {
    rawSpans.push(...raw.map((span) => ({ span, guard: '' })));
    if (!blocks) continue;
    const day = params.add(blocks.day, 'date');
    const name = `blocks${blockLists.length}`;
    const daySegments = filtered ? filterSegments(`r.day = ${day}`) : `ARRAY['${EVERY_SEGMENT}']`;
    blockLists.push(`${name} AS MATERIALIZED (
           SELECT l.list, EXISTS (SELECT 1 FROM "StaleUserDay" s WHERE s."accountId" = ${account} AND s.day = ${day}) AS stale,
                  ARRAY(SELECT s FROM unnest(l.list) s
                         WHERE EXISTS (SELECT 1 FROM "DailyUserBitmap" d WHERE d."accountId" = ${account} AND d.segment = s AND d.day = ${day})
                           AND NOT EXISTS (SELECT 1 FROM "BlockUserBitmap" b WHERE b."accountId" = ${account} AND b.segment = s AND b.day = ${day})) AS unbuilt
             FROM (SELECT ${daySegments} AS list) l
         ), `);
    const usable = `(SELECT NOT stale AND cardinality(unbuilt) = 0 FROM ${name})`;
    if (reports) missing.push(`SELECT json_build_object('kind', 'blocks', 'day', to_char(${day}, 'YYYY-MM-DD'), 'segment', s) AS cell
                    FROM unnest((SELECT unbuilt FROM ${name})::text[]) s
                   WHERE NOT (SELECT stale FROM ${name})`);
    blockCells.push(
      `SELECT c.day + c.block * interval '${BLOCK_HOURS} hours' AS start, c.segment, c.chunk, c.users, c.repeat, c.engaged
         FROM "BlockUserBitmap" c
        WHERE c."accountId" = ${account} AND c.segment = ANY((SELECT list FROM ${name})::text[]) AND c.day = ${day}
          AND c.block >= ${params.add(blocks.from)} AND c.block < ${params.add(blocks.to)} AND c.chunk % ${of} = ${part} AND ${usable}`,
    );
    rawSpans.push({ span: blocks.span, guard: ` AND NOT ${usable}` });
  }
  // The edge rows of this part, as "none of the other parts": an equality on an expression is
  // estimated at 0.5% of the rows, which made the planner sort the edge users (50 k a part for 30
  // days 10:37 to 10:37 at 10 M interactions, unfiltered) to group them; estimated near the edge's
  // rows, they are hashed. With the edge users counted in one pass (the last lines of the
  // statement), that part took 77 ms (median of 15) instead of 105; the one pass alone, 83.
  const otherParts = Array.from({ length: of }, (_, p) => p).filter((p) => p !== part).join(',');
  const edgeRows = rawSpans.map(
    ({ span, guard }) => `SELECT i."endUserId", i.engaged FROM "Interaction" i
                WHERE ${filterConditions(params, ctx.caller.accountId, { ...filter, ...span })}${guard}
                  AND i."endUserId" / ${CHUNK_BITS} % ${of} <> ALL ('{${otherParts}}'::int[])`,
  );
  const bit = (column: string, id: string) => `coalesce(get_bit(w.${column}, ${id} % ${CHUNK_BITS}), 0) = 1`;
  // The whole days around those read raw: weeks inside them, the days (or runs) before and after.
  const wholeCells = rangesAround(days, rawDays).flatMap((range) => {
    const { before, weeks, after } = cellRanges(range);
    return [...dayCells(before), cells('WeeklyUserBitmap', 'week', weeks), ...dayCells(after)];
  });
  const cellsToBuild = missing.length > 0 ? `(SELECT coalesce(json_agg(m.cell), '[]') FROM (${missing.join(' UNION ALL ')}) m)` : `'[]'::json`;
  return `WITH ${segmentList}${runLists.join('')}${blockLists.join('')}cells AS (
       ${[...(wholeCells.length > 0 ? wholeCells : [NO_CELLS]), ...blockCells].join(`
       UNION ALL `)}
     ), cell_bits AS (
       SELECT c.chunk, c.users, c.engaged, ${returningBits('c', 'c.chunk', 'c.start, c.segment')} AS again FROM cells c
     ), whole AS (
       SELECT chunk, bit_or(users) AS users, bit_or(engaged) AS engaged, bit_or(again) AS again FROM cell_bits GROUP BY chunk
     ), edge_users AS (
       SELECT e."endUserId" AS id, count(*) AS interactions, bool_or(e.engaged) AS engaged
         FROM (${edgeRows.length > 0 ? edgeRows.join(' UNION ALL ') : 'SELECT NULL::int AS "endUserId", NULL::bool AS engaged WHERE false'}) e
        GROUP BY e."endUserId"
     ), edge AS (
       SELECT e.interactions, e.engaged, ${bit('users', 'e.id')} AS "inUsers", ${bit('engaged', 'e.id')} AS "inEngaged", ${bit('again', 'e.id')} AS "inReturning"
         FROM edge_users e LEFT JOIN whole w ON w.chunk = e.id / ${CHUNK_BITS}
     )
     SELECT ${staleDays} AS stale, ${cellsToBuild} AS "missingCells",
            w.users + e.users AS "uniqueUsers", w.again + e.again AS "returningUsers", w.engaged + e.engaged AS "engagedUsers"
       FROM (SELECT coalesce(sum(bit_count(users)), 0) AS users, coalesce(sum(bit_count(again)), 0) AS again,
                    coalesce(sum(bit_count(engaged)), 0) AS engaged FROM whole) w,
            (SELECT count(*) FILTER (WHERE NOT "inUsers") AS users,
                    count(*) FILTER (WHERE NOT "inReturning" AND (interactions >= 2 OR "inUsers")) AS again,
                    count(*) FILTER (WHERE engaged AND NOT "inEngaged") AS engaged FROM edge) e`;
}

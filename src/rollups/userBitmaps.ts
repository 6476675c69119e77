import type pg from 'pg';
import { ofAccount } from '../common/sql';
import { startInBackground } from '../db/background';
import { inTransaction } from '../db/transaction';
import { wholeUnits, type DayRange, type Span } from './spans';
import { DAY_MS, dayOf, dimensionColumns, isoDay, segmentOf } from './rollupTables';

/**
 * Distinct users are not additive, so they get their own daily rollup: per UTC day, bitmaps over
 * the end users' internal IDs (who came, who came twice or more, who was engaged), in chunks of
 * CHUNK_BITS IDs so that every bitmap has one width and OR-ing days is plain `bit_or`. They are
 * kept for all of the day's interactions and for each filter segment (as the other rollups), so
 * that a filtered range ORs the cells of the segments it selects. The same bitmaps per ISO week
 * (WeeklyUserBitmap, built from a week's days) let a range's whole weeks read one cell instead
 * of seven; the same bitmaps per quarter of a day (BlockUserBitmap, all interactions only) let an
 * unfiltered range read the whole quarters of its partial edge days instead of their raw rows,
 * and the same bitmaps for the runs of days at either end of a week (RunUserBitmap: all
 * interactions, with their week; a coarse segment once a filtered read needs it, segmentCells.ts)
 * let a range read the days around its whole weeks as one cell on each side.
 *
 * They are kept exact lazily. Ingest only marks the days it changes (StaleUserDay, in its own
 * transaction); a reader about to use a stale day rebuilds that day from the raw rows first. The
 * mark is an upsert that locks its row, and a refresh deletes the mark before it reads the raw
 * rows, so a batch still writing a day either has its mark deleted after it commits (the refresh
 * waits for it and then sees its rows) or marks the day again after the refresh. A week is rebuilt
 * from its days whenever one of them is refreshed, under a lock per account, so that the last of
 * two refreshes of one week reads the days the other one committed.
 */
export const CHUNK_BITS = 8192;

/** Every table of user bitmaps: rebuilt together, analyzed with the other figure tables after a load. */
export const USER_BITMAP_TABLES = ['DailyUserBitmap', 'BlockUserBitmap', 'WeeklyUserBitmap', 'RunUserBitmap'];

/** The hours of a block (BlockUserBitmap): the day's quarters. Changing it needs the blocks built again. */
export const BLOCK_HOURS = 6;

/** The upsert of stale marks for the (accountId, day) rows `select` yields: it locks each mark row. */
const markDays = (select: string) =>
  `INSERT INTO "StaleUserDay" ("accountId", day) ${select}
   ON CONFLICT ("accountId", day) DO UPDATE SET marks = "StaleUserDay".marks + 1`;

/**
 * What the user bitmaps take from an interaction (alias `alias`), as text: its start (the day and
 * its quarter), its segment, its end user and whether it was engaged. A rewrite that keeps them
 * changes no bitmap: late delivery reports, CSAT answers and analyses, which mostly arrive for
 * days already over. A record's text (NULL and '' told apart), compared within one transaction,
 * so in one session's time zone; it cost about 1 µs a row less than JSON (4,000 rows: 28 ms
 * against 36, 25 for the join alone).
 */
export const bitmapInputs = (alias: string) => `ROW(${alias}."startedAt", ${dimensionColumns(alias)}, ${alias}."endUserId", ${alias}.engaged)::text`;

/** A stored interaction a batch rewrote: its internal ID, the UTC day it was on, and its bitmapInputs then. */
export interface RewrittenInteraction {
  id: number;
  day: string;
  inputs: string;
}

/**
 * Marks the days whose user bitmaps a batch changed, once it has written its interactions: the
 * days of new interactions, and of rewritten ones whose bitmap inputs changed, the day each left
 * and the day it is on now. In day order, so that concurrent batches lock marks in one order.
 */
export async function markChangedDays(client: pg.PoolClient, accountId: number, newDays: Iterable<string>, rewritten: RewrittenInteraction[]): Promise<void> {
  const days = [...new Set(newDays)].sort();
  if (days.length === 0 && rewritten.length === 0) return;
  await client.query(
    markDays(`SELECT $1::int4, d FROM (
      SELECT unnest($2::date[]) AS d
      UNION
      SELECT unnest(ARRAY[x.day, ${dayOf('i')}])
        FROM unnest($3::int8[], $4::date[], $5::text[]) AS x(id, day, inputs)
        JOIN "Interaction" i ON ${ofAccount('i."accountId"')} AND i.id = x.id
       WHERE ${bitmapInputs('i')} <> x.inputs) changed ORDER BY d`),
    [accountId, days, rewritten.map((r) => r.id), rewritten.map((r) => r.day), rewritten.map((r) => r.inputs)],
  );
}

/** The segment of the bitmaps over all of a day's interactions (the others are rollups' segment keys). */
export const EVERY_SEGMENT = '*';

/**
 * Segments coarser than the rollups' ones, for filters that narrow by these columns only: all
 * the interactions of one sender, of one automation, of one version number (across
 * automations), or of one pair of those. Such a filter ORs one cell per listed value (or pair)
 * instead of one per segment under it (every version of an automation, every automation of a
 * sender). Coarsest first. Stored bitmaps follow this list: changing it needs a migration that
 * marks every day stale, as 20261124221407 and 20261206200000 do.
 *
 * Version and sender, and automation and version, read the rollups' segments until 6 Dec 2026:
 * every automation with that version per sender, or the version's senders. A sweep of every
 * filter combination over three 30-day ranges with mid-day edges at 10 M found them the slowest:
 * version 2 from two senders read four segments a day where the two senders alone read two, and
 * took 148-171 ms p50 (208-233 p95) against 99-116; one automation's current version (three
 * senders) 118-123 ms against 20-27 for a version without interactions in the range.
 */
const PROJECTIONS = [
  { name: 'sender', dimensions: ['sender'] },
  { name: 'automation', dimensions: ['automationId'] },
  { name: 'version', dimensions: ['versionId'] },
  { name: 'automation+sender', dimensions: ['automationId', 'sender'] },
  { name: 'version+sender', dimensions: ['versionId', 'sender'] },
  { name: 'automation+version', dimensions: ['automationId', 'versionId'] },
];

const projectedSegment = (projection: (typeof PROJECTIONS)[number], alias: string) =>
  `'${projection.name}:' || json_build_array(${dimensionColumns(alias, projection.dimensions)})::text`;

/**
 * The key, on a row `alias` that carries the rollups' DIMENSIONS and segment, of the bitmap
 * segments a filter narrowing by `narrowed` reads: the coarsest projection that tells its
 * interactions apart, else the rollups' segment itself.
 */
export function bitmapSegment(narrowed: string[], alias: string): string {
  const projection = PROJECTIONS.find((p) => narrowed.every((dimension) => p.dimensions.includes(dimension)));
  return projection ? projectedSegment(projection, alias) : `${alias}.segment`;
}

/**
 * The chunk's bitmap of the users `u` for whom `condition` holds, each one's bit set in one bit
 * string (touchpoint_user_bits, migration 20261205230000, says why); all zero when there are none.
 */
const bits = (condition = 'true') =>
  `(touchpoint_user_bits(u.id % ${CHUNK_BITS}, 1) FILTER (WHERE ${condition}))::bit(${CHUNK_BITS})`;

/**
 * The users of a cell (a day, or a week, of a segment) who are returning once the cells ordered
 * by `order` before it in its `partition` are counted: those who came twice in the cell, and
 * those who came in an earlier cell too.
 */
export const returningBits = (cell: string, partition: string, order: string) =>
  `${cell}.repeat | (${cell}.users & coalesce(bit_or(${cell}.users) OVER (PARTITION BY ${partition} ORDER BY ${order}
     ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), B'0'::bit(${CHUNK_BITS})))`;

/** The Monday on or before (with `onOrAfter`: on or after) a YYYY-MM-DD day. */
export function monday(day: string, onOrAfter = false): string {
  const sinceMonday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(day, onOrAfter && sinceMonday > 0 ? 7 - sinceMonday : -sinceMonday);
}

/** The YYYY-MM-DD day `days` days after `day` (before it when negative). */
export const addDays = (day: string, days: number) => isoDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));

/**
 * Whole days [from, to) (YYYY-MM-DD) as the ranges of cells a reader ORs: the ISO weeks inside
 * them (weekly bitmaps), and the days before and after those (daily ones). Without a whole week
 * inside, the week range is empty (at `to`) and every day is read from the daily bitmaps.
 */
export function cellRanges(days: DayRange) {
  const [first, last] = [monday(days.from, true), monday(days.to)];
  const weeks = first < last ? { from: first, to: last } : { from: days.to, to: days.to };
  return { before: { from: days.from, to: weeks.from }, weeks, after: { from: weeks.to, to: days.to } };
}

/** How many days a run (RunUserBitmap) holds: one day is a daily cell, seven a weekly one. */
const RUN_DAYS = { min: 2, max: 6 };

/** Whole days of a range and the run that holds them, if any. */
export interface RunPiece {
  run: { first: string; days: number } | null;
  days: DayRange;
}

/**
 * Whole days [from, to) within one ISO week (as cellRanges' days before and after its weeks) as
 * the cells that hold them: a run, when they are the first or the last 2 to 6 days of the week
 * (RunUserBitmap), and days otherwise. Days that cross a Monday (a range without a whole week) are
 * split there first.
 */
export function runPieces(days: DayRange): RunPiece[] {
  const pieces: RunPiece[] = [];
  for (let from = days.from; from < days.to; ) {
    const nextMonday = monday(addDays(from, 1), true);
    const to = nextMonday < days.to ? nextMonday : days.to;
    const length = (Date.parse(to) - Date.parse(from)) / DAY_MS;
    const atWeekEdge = monday(from) === from || monday(to) === to;
    pieces.push({ run: atWeekEdge && length >= RUN_DAYS.min && length <= RUN_DAYS.max ? { first: from, days: length } : null, days: { from, to } });
    from = to;
  }
  return pieces;
}


/**
 * A partial day at a range's edge ([from, to) within one UTC day) as the whole blocks inside it
 * (BlockUserBitmap: the day, and blocks from..to-1) and the instants around them, which stay raw.
 * No blocks when none fits inside.
 */
export function edgeBlocks(edge: Span): { blocks: { day: string; from: number; to: number; span: Span } | null; raw: Span[] } {
  const ms = BLOCK_HOURS * 3_600_000;
  const { whole: span, rest: raw } = wholeUnits(edge.from, edge.to, ms);
  if (!span) return { blocks: null, raw };
  const dayStart = Math.floor(edge.from.getTime() / DAY_MS) * DAY_MS;
  const block = (instant: Date) => (instant.getTime() - dayStart) / ms;
  return { blocks: { day: isoDay(edge.from), from: block(span.from), to: block(span.to), span }, raw };
}

/** The key of a coarse segment of the row `alias`, NULL where one of its columns is NULL (no filter selects those). */
const projectedOrNull = (projection: (typeof PROJECTIONS)[number], alias: string) =>
  `CASE WHEN ${projection.dimensions.map((d) => `${alias}."${d}" IS NOT NULL`).join(' AND ')} THEN ${projectedSegment(projection, alias)} END`;

/**
 * The interactions `i` (with their day `d.day`) of the UTC days $2 of the account $1, for the build
 * statements. The account is kept from the planner's estimate (ofAccount): an account the
 * statistics have not seen looks like one of a row, and each day was then found by reading all of
 * the account's interactions through the primary key (a new account of 100 k interactions in the 10
 * M benchmark database: 72 ms a day against 33 ms through the start index).
 */
const DAY_ROWS = `FROM unnest($2::date[]) AS d(day)
  JOIN "Interaction" i ON ${ofAccount('i."accountId"')}
   AND i."startedAt" >= d.day::timestamp AT TIME ZONE 'UTC' AND i."startedAt" < (d.day + 1)::timestamp AT TIME ZONE 'UTC'`;

/**
 * The bitmap rows of the given days, from the raw rows. Only the rollups' segments are built from
 * users (grouped by segment and user, then by chunk); the whole day and the coarse segments OR
 * the chunks of the segments under them, a user counting as repeat when they came twice in one
 * segment or in two (the same window as between days), which costs a few bitmap operations per
 * chunk instead of one per user.
 */
export const BUILD_BITMAPS = `
  WITH cells AS (
    SELECT d.day, ${dimensionColumns('i')}, i."endUserId" AS id, count(*) AS interactions, bool_or(i.engaged) AS engaged
      ${DAY_ROWS}
     GROUP BY d.day, ${dimensionColumns('i')}, i."endUserId"
  ), segments AS MATERIALIZED (
    SELECT ${segmentOf('u')} AS segment, ${dimensionColumns('u')}, u.day, u.id / ${CHUNK_BITS} AS chunk,
           ${bits()} AS users, ${bits('u.interactions >= 2')} AS repeat, ${bits('u.engaged')} AS engaged
      FROM cells u
     GROUP BY u.day, ${dimensionColumns('u')}, u.id / ${CHUNK_BITS}
  ), coarse AS (
    SELECT k.segment, s.day, s.chunk, s.users, s.engaged,
           ${returningBits('s', 'k.segment, s.day, s.chunk', 's.segment')} AS again
      FROM segments s
     CROSS JOIN LATERAL (VALUES ('${EVERY_SEGMENT}'), ${PROJECTIONS.map((p) => `(${projectedOrNull(p, 's')})`).join(', ')}) AS k(segment)
     WHERE k.segment IS NOT NULL
  )
  INSERT INTO "DailyUserBitmap" ("accountId", segment, day, chunk, users, repeat, engaged)
  SELECT $1::int4, segment, day, chunk, users, repeat, engaged FROM segments
  UNION ALL
  SELECT $1::int4, segment, day, chunk, bit_or(users), bit_or(again), bit_or(engaged) FROM coarse GROUP BY segment, day, chunk`;

/** The weekly rows of the weeks starting on the given Mondays, from their days' bitmaps. */
const BUILD_WEEKS = `
  INSERT INTO "WeeklyUserBitmap" ("accountId", segment, week, chunk, users, repeat, engaged)
  SELECT $1::int4, b.segment, b.week, b.chunk, bit_or(b.users), bit_or(b.again), bit_or(b.engaged)
    FROM (SELECT d.segment, w.week, d.chunk, d.users, d.engaged, ${returningBits('d', 'd.segment, w.week, d.chunk', 'd.day')} AS again
            FROM unnest($2::date[]) AS w(week)
            JOIN "DailyUserBitmap" d ON d."accountId" = $1 AND d.day >= w.week AND d.day < w.week + 7) b
   GROUP BY b.segment, b.week, b.chunk`;

/**
 * The run rows of all interactions of the weeks starting on the given Mondays, from their days'
 * bitmaps: the first 2 to 6 days of each week and its last 2 to 6, with the weeks' window.
 */
const BUILD_RUNS = `
  INSERT INTO "RunUserBitmap" ("accountId", segment, first, days, chunk, users, repeat, engaged)
  SELECT $1::int4, '${EVERY_SEGMENT}', b.first, b.days, b.chunk, bit_or(b.users), bit_or(b.again), bit_or(b.engaged)
    FROM (SELECT r.first, r.days, d.chunk, d.users, d.engaged, ${returningBits('d', 'r.first, r.days, d.chunk', 'd.day')} AS again
            FROM unnest($2::date[]) AS w(week)
           CROSS JOIN LATERAL (SELECT w.week, n::int2 FROM generate_series(${RUN_DAYS.min}, ${RUN_DAYS.max}) n
                               UNION ALL SELECT w.week + 7 - n, n::int2 FROM generate_series(${RUN_DAYS.min}, ${RUN_DAYS.max}) n) AS r(first, days)
            JOIN "DailyUserBitmap" d ON d."accountId" = $1 AND d.segment = '${EVERY_SEGMENT}' AND d.day >= r.first AND d.day < r.first + r.days) b
   GROUP BY b.first, b.days, b.chunk`;

/**
 * Block rows of the given days ($2) from the raw rows, for the segments whose keys `keys` give
 * (SQL on the interaction `i`; segmentKeys) where `condition` holds: users per block and chunk,
 * those who came twice in the block, and the engaged ones.
 */
export const blockRows = (keys: string[], condition = 'true') => `
  INSERT INTO "BlockUserBitmap" ("accountId", segment, day, block, chunk, users, repeat, engaged)
  SELECT $1::int4, u.segment, u.day, u.block, u.id / ${CHUNK_BITS}, ${bits()}, ${bits('u.interactions >= 2')}, ${bits('u.engaged')}
    FROM (SELECT d.day, k.segment, (extract(hour FROM i."startedAt" AT TIME ZONE 'UTC')::int / ${BLOCK_HOURS})::int2 AS block,
                 i."endUserId" AS id, count(*) AS interactions, bool_or(i.engaged) AS engaged
            ${DAY_ROWS}
           CROSS JOIN LATERAL (VALUES ${keys.map((key) => `(${key})`).join(', ')}) AS k(segment)
           WHERE ${condition}
           GROUP BY d.day, k.segment, 3, i."endUserId") u
   GROUP BY u.segment, u.day, u.block, u.id / ${CHUNK_BITS}`;

/** The block rows of all interactions of the given days, built with their day. */
export const BUILD_BLOCKS = blockRows([`'${EVERY_SEGMENT}'`]);

/**
 * The keys (SQL on the interaction `alias`) of the kinds of segment listed: all interactions,
 * a rollup segment, or a coarse one (PROJECTIONS), each NULL for an interaction outside its kind.
 */
export function segmentKeys(segments: string[], alias: string): string[] {
  const kinds = new Set(segments.map((segment) => (segment === EVERY_SEGMENT ? segment : segment.startsWith('[') ? '[' : segment.slice(0, segment.indexOf(':')))));
  return [...kinds].flatMap((kind) => {
    if (kind === EVERY_SEGMENT) return [`'${EVERY_SEGMENT}'`];
    if (kind === '[') return [segmentOf(alias)];
    const projection = PROJECTIONS.find((p) => p.name === kind);
    return projection ? [projectedOrNull(projection, alias)] : [];
  });
}

/**
 * Serialises the caller's transaction with every other rebuild of these weeks (see the top of this
 * file) and with builds of their segments' runs and blocks (segmentCells.ts): locked in week order, so two
 * refreshes never wait on each other in a cycle, and refreshes of different weeks not at all.
 */
export async function lockWeeks(client: pg.PoolClient, accountId: number, weeks: string[]): Promise<void> {
  for (const week of [...weeks].sort()) await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`touchpoint.user-week.${accountId}.${week}`]);
}

/**
 * Rebuilds the weeks (Mondays) of refreshed days, which the caller has locked (lockWeeks): their
 * weekly bitmaps, and their runs (all interactions' built again, the segments' deleted).
 */
async function rebuildWeeks(client: pg.PoolClient, accountId: number, weeks: string[]): Promise<{ weekRows: number; runRows: number }> {
  await client.query('DELETE FROM "WeeklyUserBitmap" WHERE "accountId" = $1 AND week = ANY($2::date[])', [accountId, weeks]);
  await client.query(
    `DELETE FROM "RunUserBitmap" r USING unnest($2::date[]) AS w(week) WHERE r."accountId" = $1 AND r.first >= w.week AND r.first < w.week + 7`,
    [accountId, weeks],
  );
  return { weekRows: await buildEach(client, BUILD_WEEKS, accountId, weeks), runRows: await buildEach(client, BUILD_RUNS, accountId, weeks) };
}

/**
 * Runs a build statement once per day (or week): its sorts and materialised cells then stay the
 * size of one period (at 10 M interactions a day's segments are about 60 MB of bitmaps), instead
 * of all the stale days' at once after a large import. Returns the rows written.
 */
async function buildEach(client: pg.PoolClient, statement: string, accountId: number, periods: string[]): Promise<number> {
  let written = 0;
  for (const period of periods) written += (await client.query(statement, [accountId, [period]])).rowCount ?? 0;
  return written;
}

/**
 * Rebuilds the bitmaps of the account's stale days in [from, to) (every stale day without a
 * range), in the caller's transaction; returns how many days and bitmap rows (daily, weekly) it wrote.
 */
export async function refreshStaleDays(client: pg.PoolClient, accountId: number, range?: DayRange): Promise<Refreshed> {
  const { rows } = await client.query<{ day: string }>(
    `DELETE FROM "StaleUserDay" WHERE "accountId" = $1 ${range ? 'AND day >= $2::date AND day < $3::date' : ''}
     RETURNING to_char(day, 'YYYY-MM-DD') AS day`,
    range ? [accountId, range.from, range.to] : [accountId],
  );
  if (rows.length === 0) return NOTHING_REFRESHED;
  const days = rows.map((row) => row.day).sort();
  // Locked before the days' blocks are deleted: a build of a segment's blocks (segmentCells.ts)
  // that read a day's rows before a batch changed them then commits either before this deletes
  // them, or after this has committed, and then found the day stale or built them from its rows.
  const weeks = [...new Set(days.map((day) => monday(day)))];
  await lockWeeks(client, accountId, weeks);
  await client.query('DELETE FROM "DailyUserBitmap" WHERE "accountId" = $1 AND day = ANY($2::date[])', [accountId, days]);
  await client.query('DELETE FROM "BlockUserBitmap" WHERE "accountId" = $1 AND day = ANY($2::date[])', [accountId, days]);
  const built = await buildEach(client, BUILD_BITMAPS, accountId, days);
  const blockRows = await buildEach(client, BUILD_BLOCKS, accountId, days);
  return { days: days.length, rows: built, blockRows, ...(await rebuildWeeks(client, accountId, weeks)) };
}

export interface Refreshed {
  days: number;
  /** daily bitmap rows written */
  rows: number;
  /** block bitmap rows written */
  blockRows: number;
  /** weekly bitmap rows written */
  weekRows: number;
  /** run bitmap rows written */
  runRows: number;
}

const NOTHING_REFRESHED: Refreshed = { days: 0, rows: 0, blockRows: 0, weekRows: 0, runRows: 0 };

/** Refreshes stale days of an account in their own transaction (readers, import and seed). */
export function refreshUserBitmaps(pool: pg.Pool, accountId: number, range?: DayRange): Promise<Refreshed> {
  return inTransaction(pool, (client) => refreshStaleDays(client, accountId, range), { attempts: 3 });
}

/**
 * Refreshes, without keeping the caller waiting, the stale days a read took from the raw rows
 * (audienceUsers.sql.ts) that are over: those before `today` (the request's, UTC), each in a
 * transaction of its own, after the background work already queued (db/background.ts: one job at
 * a time). A job per day, so that a day already waiting is not queued twice while every other day
 * is: the periods of a daily series ask for one day each, and with a job per account all but the
 * first were dropped while it waited. Today stays stale while data arrives and is
 * read raw: refreshing it would rebuild it and its week (about 5 s of a core at 10 M
 * interactions) every time a batch lands, for a mark the next batch sets again.
 */
export function refreshInBackground(pool: pg.Pool, accountId: number, days: string[], today: string): void {
  for (const day of days.filter((d) => d < today)) {
    startInBackground(pool, `user-bitmaps.${accountId}.${day}`, () => refreshUserBitmaps(pool, accountId, { from: day, to: addDays(day, 1) }));
  }
}

/**
 * Refreshes every stale day of an account (the end of an import or seed, which marked many), a
 * week per transaction, two at once: a day's rebuild is one statement, and one statement keeps
 * one of the two cores busy (30 days at 1 M interactions took 6.7 s of statements, one after the
 * other). Weeks share nothing, and a day costs about the same as any other (35 ms each at 200 k
 * over 30 days), so the weeks go longest first to whichever transaction is free. Cut in two at
 * the Monday nearest the middle day instead, a 30-day import's halves held 10 and 20 days: the
 * end took 706 ms, one core idle for its second half.
 */
export async function refreshAllUserBitmaps(pool: pg.Pool, accountId: number): Promise<Refreshed> {
  const { rows } = await pool.query<{ day: string }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day FROM "StaleUserDay" WHERE "accountId" = $1`,
    [accountId],
  );
  const staleDaysByWeek = new Map<string, number>();
  for (const { day } of rows) {
    const week = monday(day);
    staleDaysByWeek.set(week, (staleDaysByWeek.get(week) ?? 0) + 1);
  }
  const weeks = [...staleDaysByWeek].sort(([a, m], [b, n]) => n - m || (a < b ? -1 : 1)).map(([week]) => week);
  const sum = { ...NOTHING_REFRESHED };
  const refreshWeeks = async () => {
    for (let week = weeks.shift(); week !== undefined; week = weeks.shift()) {
      const refreshed = await refreshUserBitmaps(pool, accountId, { from: week, to: addDays(week, 7) });
      for (const key of Object.keys(sum) as Array<keyof Refreshed>) sum[key] += refreshed[key];
    }
  };
  await Promise.all([refreshWeeks(), refreshWeeks()]);
  return sum;
}

/** Rebuilds every day of an account (rollups rebuild): all its days are marked, then refreshed. */
export async function rebuildUserBitmaps(client: pg.PoolClient, accountId: number): Promise<Refreshed> {
  await client.query(markDays(`SELECT DISTINCT $1::int4, ${dayOf('i')} FROM "Interaction" i WHERE i."accountId" = $1`), [accountId]);
  for (const table of USER_BITMAP_TABLES) await client.query(`DELETE FROM "${table}" WHERE "accountId" = $1`, [accountId]);
  return refreshStaleDays(client, accountId);
}

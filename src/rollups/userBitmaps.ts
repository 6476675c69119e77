import type pg from 'pg';
import { inTransaction } from '../db/transaction';
import { dayOf, segmentOf } from './rollupTables';

/**
 * Distinct users are not additive, so they get their own daily rollup: per UTC day, bitmaps over
 * the end users' internal IDs (who came, who came twice or more, who was engaged), in chunks of
 * CHUNK_BITS IDs so that every bitmap has one width and OR-ing days is plain `bit_or`. They are
 * kept for all of the day's interactions and for each filter segment (as the other rollups), so
 * that a filtered range ORs the cells of the segments it selects.
 *
 * They are kept exact lazily. Ingest only marks the days it changes (StaleUserDay, in its own
 * transaction); a reader about to use a stale day rebuilds that day from the raw rows first. The
 * mark is an upsert that locks its row, and a refresh deletes the mark before it reads the raw
 * rows, so a batch still writing a day either has its mark deleted after it commits (the refresh
 * waits for it and then sees its rows) or marks the day again after the refresh.
 */
export const CHUNK_BITS = 8192;

/** The upsert of stale marks for the (accountId, day) rows `select` yields: it locks each mark row. */
const markDays = (select: string) =>
  `INSERT INTO "StaleUserDay" ("accountId", day) ${select}
   ON CONFLICT ("accountId", day) DO UPDATE SET marks = "StaleUserDay".marks + 1`;

/** Marks days whose user bitmaps no longer match the raw rows; in day order, so concurrent batches lock marks in one order. */
export async function markStale(client: pg.PoolClient, accountId: string, days: Iterable<string>): Promise<void> {
  const sorted = [...new Set(days)].sort();
  if (sorted.length === 0) return;
  await client.query(markDays(`SELECT $1::text, d FROM unnest($2::date[]) AS d ORDER BY d`), [accountId, sorted]);
}

/** The segment of the bitmaps over all of a day's interactions (the others are rollups' segment keys). */
export const EVERY_SEGMENT = '*';

/** The chunk's bitmap of the users `u` for whom `condition` holds: their single bits OR-ed (a shift is far cheaper than parsing a bit string). */
const bits = (condition = 'true') =>
  `coalesce(bit_or(B'1'::bit(${CHUNK_BITS}) >> (u.id % ${CHUNK_BITS})) FILTER (WHERE ${condition}), B'0'::bit(${CHUNK_BITS}))`;

/**
 * The bitmap rows of the given days, from the raw rows: one grouping of the days' interactions by
 * segment and user (a filtered reader ORs the cells of its segments), one more of those cells by
 * user for the whole day, then one by chunk.
 */
const BUILD_BITMAPS = `
  WITH cells AS (
    SELECT d.day, ${segmentOf('i')} AS segment, i."endUserId" AS id, count(*) AS interactions, bool_or(i.engaged) AS engaged
      FROM unnest($2::date[]) AS d(day)
      JOIN "Interaction" i ON i."accountId" = $1
       AND i."startedAt" >= d.day::timestamp AT TIME ZONE 'UTC'
       AND i."startedAt" < (d.day + 1)::timestamp AT TIME ZONE 'UTC'
     GROUP BY d.day, 2, i."endUserId"
  ), u AS (
    SELECT day, segment, id, interactions, engaged FROM cells
    UNION ALL
    SELECT day, '${EVERY_SEGMENT}', id, sum(interactions), bool_or(engaged) FROM cells GROUP BY day, id
  )
  INSERT INTO "DailyUserBitmap" ("accountId", segment, day, chunk, users, repeat, engaged)
  SELECT $1::text, u.segment, u.day, u.id / ${CHUNK_BITS}, ${bits()}, ${bits('u.interactions >= 2')}, ${bits('u.engaged')}
    FROM u
   GROUP BY u.segment, u.day, u.id / ${CHUNK_BITS}`;

/**
 * Rebuilds the bitmaps of the account's stale days in [from, to) (every stale day without a
 * range), in the caller's transaction; returns how many days and bitmap rows it wrote.
 */
export async function refreshStaleDays(client: pg.PoolClient, accountId: string, range?: { from: string; to: string }): Promise<Refreshed> {
  const { rows } = await client.query<{ day: string }>(
    `DELETE FROM "StaleUserDay" WHERE "accountId" = $1 ${range ? 'AND day >= $2::date AND day < $3::date' : ''}
     RETURNING to_char(day, 'YYYY-MM-DD') AS day`,
    range ? [accountId, range.from, range.to] : [accountId],
  );
  if (rows.length === 0) return { days: 0, rows: 0 };
  const days = rows.map((row) => row.day).sort();
  await client.query('DELETE FROM "DailyUserBitmap" WHERE "accountId" = $1 AND day = ANY($2::date[])', [accountId, days]);
  const built = await client.query(BUILD_BITMAPS, [accountId, days]);
  return { days: days.length, rows: built.rowCount ?? 0 };
}

export interface Refreshed {
  days: number;
  rows: number;
}

/** Refreshes stale days of an account in their own transaction (readers, import and seed). */
export function refreshUserBitmaps(pool: pg.Pool, accountId: string, range?: { from: string; to: string }): Promise<Refreshed> {
  return inTransaction(pool, (client) => refreshStaleDays(client, accountId, range), { attempts: 3 });
}

/** Rebuilds every day of an account (rollups rebuild): all its days are marked, then refreshed. */
export async function rebuildUserBitmaps(client: pg.PoolClient, accountId: string): Promise<Refreshed> {
  await client.query(markDays(`SELECT DISTINCT $1::text, ${dayOf('i')} FROM "Interaction" i WHERE i."accountId" = $1`), [accountId]);
  await client.query('DELETE FROM "DailyUserBitmap" WHERE "accountId" = $1', [accountId]);
  return refreshStaleDays(client, accountId);
}

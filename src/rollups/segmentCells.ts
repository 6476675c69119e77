import type pg from 'pg';
import { startInBackground } from '../db/background';
import { inTransaction } from '../db/transaction';
import { blockRows, lockWeeks, monday, returningBits, segmentKeys } from './userBitmaps';

/**
 * Run and block bitmaps (RunUserBitmap, BlockUserBitmap) of the segments a filtered read selects,
 * built in the background after the first read that needed them. A filter's days before its first
 * whole week and after its last are then one cell per segment and chunk instead of up to six, and
 * the whole quarters of its partial days are cells instead of raw rows. Two senders over 30 days
 * from midnight in New York at 10 M interactions: the runs took a part statement from 63 ms to 46
 * (medians of 12). Built for every coarse segment with their week, the runs alone would be about
 * as many rows as the week's daily bitmaps (161 k at 10 M) and take 44 s to build, against 3.9 s
 * for the weekly ones, and blocks four times the daily bitmaps' room; built on demand they cost
 * what the dashboards in use read.
 *
 * Each is exactly what its sources held when it was built: runs are built from their days'
 * bitmaps, blocks from their day's raw rows, never while a day of theirs is stale, and under their
 * week's lock, which a refresh takes before it deletes the days' bitmaps and blocks and rebuilds
 * the week (deleting its runs): a build either commits before those deletes, or runs after the
 * refresh has committed. The cells of all interactions are built with their day and week; this
 * builds them too for a day or week refreshed before they existed.
 */
export type SegmentCells =
  /** a run: its first day (YYYY-MM-DD) and how many days it holds, as runPieces gives them */
  | { kind: 'run'; first: string; days: number; segments: string[] }
  /** a day's blocks */
  | { kind: 'blocks'; day: string; segments: string[] };

const BUILD_SEGMENT_RUNS = `
  INSERT INTO "RunUserBitmap" ("accountId", segment, first, days, chunk, users, repeat, engaged)
  SELECT $1::int4, b.segment, $3::date, $4::int2, b.chunk, bit_or(b.users), bit_or(b.again), bit_or(b.engaged)
    FROM (SELECT d.segment, d.chunk, d.users, d.engaged, ${returningBits('d', 'd.segment, d.chunk', 'd.day')} AS again
            FROM "DailyUserBitmap" d
           WHERE d."accountId" = $1 AND d.segment = ANY($2::text[]) AND d.day >= $3::date AND d.day < $3::date + $4::int
             AND NOT EXISTS (SELECT 1 FROM "StaleUserDay" s WHERE s."accountId" = $1 AND s.day >= $3::date AND s.day < $3::date + $4::int)
             AND NOT EXISTS (SELECT 1 FROM "RunUserBitmap" r
                              WHERE r."accountId" = $1 AND r.segment = d.segment AND r.first = $3::date AND r.days = $4::int2)) b
   GROUP BY b.segment, b.chunk`;

/** The blocks of the segments $3 of the day $2 (an array of one), unless the day is stale or they have blocks. */
const buildSegmentBlocks = (segments: string[]) =>
  blockRows(
    segmentKeys(segments, 'i'),
    `k.segment = ANY($3::text[])
     AND NOT EXISTS (SELECT 1 FROM "StaleUserDay" s WHERE s."accountId" = $1 AND s.day = d.day)
     AND NOT EXISTS (SELECT 1 FROM "BlockUserBitmap" b WHERE b."accountId" = $1 AND b.segment = k.segment AND b.day = d.day)`,
  );

/** Builds the cells of the given segments that do not exist yet, in their own transaction; returns the rows written. */
export function buildSegmentCells(pool: pg.Pool, accountId: number, cells: SegmentCells): Promise<number> {
  return inTransaction(
    pool,
    async (client) => {
      const day = cells.kind === 'run' ? cells.first : cells.day;
      await lockWeeks(client, accountId, [monday(day)]);
      const { rowCount } =
        cells.kind === 'run'
          ? await client.query(BUILD_SEGMENT_RUNS, [accountId, cells.segments, cells.first, cells.days])
          : await client.query(buildSegmentBlocks(cells.segments), [accountId, [cells.day], cells.segments]);
      return rowCount ?? 0;
    },
    { attempts: 3 },
  );
}

/** Queues the builds a read found missing (db/background.ts: one job at a time, none queued twice). */
export function buildSegmentCellsInBackground(pool: pg.Pool, accountId: number, missing: SegmentCells[]): void {
  for (const cells of missing) {
    const segments = [...new Set(cells.segments)].sort();
    startInBackground(pool, `segment-cells.${accountId}.${JSON.stringify({ ...cells, segments })}`, () =>
      buildSegmentCells(pool, accountId, { ...cells, segments }),
    );
  }
}

/** One segment's missing cells, as a read reports them (its `missingCells`). */
export type MissingCell = { kind: 'run'; first: string; days: number; segment: string } | { kind: 'blocks'; day: string; segment: string };

/** What a read reported missing, grouped by cells. */
export function missingCells(reported: MissingCell[]): SegmentCells[] {
  const found = new Map<string, SegmentCells>();
  for (const { segment, ...where } of reported) {
    const key = JSON.stringify(where);
    const cells = found.get(key) ?? { ...where, segments: [] };
    cells.segments.push(segment);
    found.set(key, cells);
  }
  return [...found.values()];
}

/**
 * Rollup rows are added to by every batch that touches their hour or day. Their pages keep room
 * (migration 20261206070000) so that those updates stay on the row's page (HOT: no new index
 * entry, the old version reclaimed in place) instead of spreading dead rows over the table.
 */
import pg from 'pg';
import { createAccount } from '../../src/accounts/accountStore';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { ingestOk, interaction, outbound, T } from '../ingest/helpers';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

interface Updates {
  updated: number;
  inPlace: number;
}

/** Updates of the table counted by PostgreSQL's statistics, once they report at least `atLeast`. */
async function updatesOf(table: string, atLeast: number): Promise<Updates> {
  for (const deadline = Date.now() + 15_000; ; ) {
    const { rows } = await db.pool.query<Updates>(
      `SELECT n_tup_upd::int AS updated, n_tup_hot_upd::int AS "inPlace" FROM pg_stat_user_tables WHERE relname = $1`,
      [table],
    );
    if (rows[0]!.updated >= atLeast || Date.now() > deadline) return rows[0]!;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test('a second batch over the same 400 hours updates every hourly and daily rollup row in place', async () => {
  const account = (await createAccount(db.prisma, 'hot', 'Hot')).id;
  // Written by a pool of its own, closed before the statistics are read: a backend reports its
  // counts when it ends.
  const writer = new pg.Pool({ connectionString: db.url, max: 1 });
  try {
    // 400 interactions an hour apart (400 hourly rows, 18 daily ones), then 400 more in the same hours.
    const hours = (prefix: string) => Array.from({ length: 400 }, (_, n) => interaction(`${prefix}-${n}`, { startedAt: T(3600 * n), messages: [outbound('m', 3600 * n)] }));
    await ingestOk(writer, account, hours('a'));
    await ingestOk(writer, account, hours('b'));
  } finally {
    await writer.end();
  }
  const hourly = await updatesOf('HourlyInteractionRollup', 400);
  expect(hourly).toEqual({ updated: 400, inPlace: 400 });
  const channels = await updatesOf('HourlyChannelRollup', 400);
  expect(channels).toEqual({ updated: 400, inPlace: 400 });
  // 400 hours from 09:00 on 3 Oct: 15 hours of that day, 16 whole days, 1 hour of the last.
  const daily = await updatesOf('DailyInteractionRollup', 18);
  expect(daily).toEqual({ updated: 18, inPlace: 18 });
});

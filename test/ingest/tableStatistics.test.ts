/**
 * Ingest keeps the planner's statistics of its tables current during a bulk load: a table that was
 * never analyzed makes PostgreSQL find a batch's rows by scanning the whole account.
 */
import { createAccount } from '../../src/accounts/accountStore';
import { keepStatisticsFresh } from '../../src/ingest/tableStatistics';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { ingestOk, interaction, outbound } from './helpers';

let db: TestDatabase;
let accountId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  accountId = (await createAccount(db.prisma, 'stats', 'Stats')).id;
});
afterAll(() => db.drop());

/** The planner's row estimates (reltuples; -1 until the table is first analyzed). */
async function estimates(): Promise<Record<string, number>> {
  const { rows } = await db.pool.query<{ table: string; rows: number }>(
    `SELECT relname AS table, reltuples::float8 AS rows FROM pg_class WHERE relname IN ('Interaction', 'InteractionTranscript', 'EndUser')`,
  );
  return Object.fromEntries(rows.map((row) => [row.table, row.rows]));
}

// 20 interactions (one transcript row each, of 2 messages), by end users u-s0..u-s19 (fewer changed rows than the 50
// autovacuum waits for, so only ingest can have analyzed them).
const batch = (from: number) =>
  Array.from({ length: 20 }, (_, i) => interaction(`s${from + i}`, { messages: [outbound('a', 0), outbound('b', 1)] }));

test('small batches leave the statistics alone; a load as large as the table (and at least 20,000) refreshes them (later, nine times the analyzed size when that is more)', async () => {
  await ingestOk(db.pool, accountId, batch(0));
  expect(await estimates()).toEqual({ Interaction: -1, InteractionTranscript: -1, EndUser: -1 });

  // 20,000 interactions written since the table was last analyzed (never): every ingest table is analyzed.
  await keepStatisticsFresh(db.pool, 19_980);
  expect(await estimates()).toEqual({ Interaction: 20, InteractionTranscript: 20, EndUser: 20 });

  // The next refresh waits for another 20,000 (the table is still below that size).
  await ingestOk(db.pool, accountId, batch(20));
  await keepStatisticsFresh(db.pool, 19_000);
  expect(await estimates()).toEqual({ Interaction: 20, InteractionTranscript: 20, EndUser: 20 });
  await keepStatisticsFresh(db.pool, 980);
  expect(await estimates()).toEqual({ Interaction: 40, InteractionTranscript: 40, EndUser: 40 });
});

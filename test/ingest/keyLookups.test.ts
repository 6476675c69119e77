/**
 * A batch's key lookups (src/ingest/keyLookups.ts) run as named statements with generic plans, so
 * that statistics taken while an account was small cannot make PostgreSQL read the account's whole
 * range of another index instead of looking the keys up. Checked on one connection (prepared
 * statements are per connection): which statements ingest prepared and how they were planned,
 * and the plans the lock, the rollup statement and the user bitmaps' builds get for an account the
 * statistics have not seen.
 */
import type pg from 'pg';
import { createAccount } from '../../src/accounts/accountStore';
import { BUILD_BITMAPS, BUILD_BLOCKS } from '../../src/rollups/userBitmaps';
import { createTestDatabase, testFromPostgres, type TestDatabase } from '../helpers/db';
import { INIT_PLAN_VALUE } from '../helpers/statements';
import { inbound, ingestOk, interaction } from './helpers';

let db: TestDatabase;
let small: number;

// Each with a row in every child table the rollups read (a channel, a topic, an issue).
const batch = (prefix: string, from: number, count: number) => Array.from({ length: count }, (_, i) => interaction(`${prefix}-${from + i}`, {
  messages: [inbound('m', 0)], analysis: { outcome: 'SUCCESSFUL', topics: [{ name: 'Billing', resolved: true }], issues: ['Late reply'] },
}));

beforeAll(async () => {
  db = await createTestDatabase({ size: 1 });
  const big = (await createAccount(db.prisma, 'big', 'Big')).id;
  small = (await createAccount(db.prisma, 'small', 'Small')).id;
  await ingestOk(db.pool, big, batch('b', 0, 1000));
  await ingestOk(db.pool, big, batch('b', 1000, 1000));
  await db.pool.query('ANALYZE "Interaction", "InteractionChannel", "InteractionTopic", "InteractionIssue", "EndUser"');
  // The small account's rows come after the statistics: to the planner it has none.
  await ingestOk(db.pool, small, batch('s', 0, 300));
  await ingestOk(db.pool, small, batch('s', 300, 300));
});
afterAll(() => db?.drop());

test('ingest looks keys up with generic plans, and the lock of an account the statistics have not seen searches its keys', async () => {
  const { rows: prepared } = await db.pool.query<{ name: string; generic: number; custom: number }>(
    `SELECT name, generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements WHERE name LIKE 'touchpoint.lo%' ORDER BY name`,
  );
  // Four batches, each locking its interactions and looking its end users up (all new, so once).
  // These records name no automation.
  expect(prepared).toEqual([
    { name: 'touchpoint.lockInteractions', generic: 4, custom: 0 },
    { name: 'touchpoint.lookUpEndUser', generic: 4, custom: 0 },
  ]);

  const client = await db.pool.connect();
  try {
    const plan = await lockPlan(client, small, 's');
    expect(plan).toContain('Index Scan using "Interaction_accountId_externalId_key"');
    expect(plan).toMatch(/Index Cond: \(\("accountId" = \$1\) AND \("externalId" = ANY \(\$2\)\)\)/);
  } finally {
    client.release();
  }
});

// PostgreSQL 15 and 16 cost a list of keys as one index search each, and on this test's tables of
// 2,600 rows read the account's rows through another index and filtered them (cheaper at that
// size, linear in the account's rows); with the account an average one at scale (ofAccount),
// they search by key there too.
testFromPostgres(17)('the rollup statement reads a batch back by key for an account the statistics have not seen', async () => {
  // The small account's 600 interactions came after the ANALYZE: the planner takes the account
  // for one of a row or two.
  const ids = (await db.pool.query<{ id: string }>('SELECT id FROM "Interaction" WHERE "accountId" = $1 ORDER BY id', [small])).rows.map((row) => row.id);
  expect(ids).toHaveLength(600);
  const client = await db.pool.connect();
  try {
    // Planned for these values, as its first executions on a connection are, and generically, as
    // PostgreSQL then plans it when the generic plan looks no worse.
    for (const mode of ['force_custom_plan', 'force_generic_plan']) {
      await client.query('BEGIN');
      await client.query(`SET LOCAL plan_cache_mode = ${mode}`);
      const { rows } = await client.query(`EXPLAIN EXECUTE "touchpoint.addToRollups"(${small}, '{${ids.slice(300).join(',')}}')`);
      await client.query('ROLLBACK');
      const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
      // Its four source tables, each searched by the account and the batch's internal IDs; with the
      // account's value in the estimate, the interactions were read through another index that
      // starts with the account, every earlier interaction of it filtered out.
      const scans = [...plan.matchAll(/Scan using "(\w+)" on "(\w+)"/g)].map(([, index, table]) => `${table}: ${index}`);
      expect({ mode, scans: [...new Set(scans)].sort() }).toEqual({
        mode,
        scans: [
          'Interaction: Interaction_pkey', 'InteractionChannel: InteractionChannel_pkey',
          'InteractionIssue: InteractionIssue_pkey', 'InteractionTopic: InteractionTopic_pkey',
        ],
      });
      expect(plan).not.toMatch(/Filter: .*= ANY/);
    }
  } finally {
    client.release();
  }
});

test('the user bitmaps of a day of an account the statistics have not seen are built from that day\'s rows', async () => {
  // With the account's value in the estimate, PostgreSQL took the small account for one of a row
  // and read all of its interactions through the primary key for each day, filtering them by the
  // day (a new account of 100 k interactions in the 10 M benchmark database: 72 ms a day against 33).
  const day = (await db.pool.query<{ day: string }>(
    `SELECT to_char(min("startedAt") AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day FROM "Interaction" WHERE "accountId" = $1`, [small],
  )).rows[0]!.day;
  for (const [name, statement] of [['days', BUILD_BITMAPS], ['blocks', BUILD_BLOCKS]] as const) {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query(`EXPLAIN ${statement}`, [small, [day]]);
      const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
      // An index scan (PostgreSQL 17+) or a bitmap scan of the same index (15 and 16).
      const interactionScans = [...plan.matchAll(/Scan using "(\w+)" on "Interaction"|Bitmap Index Scan on "(Interaction_\w+)"/g)].map(([, index, bitmap]) => index ?? bitmap);
      expect({ name, interactionScans }).toEqual({ name, interactionScans: ['Interaction_accountId_startedAt_idx'] });
      expect(plan).toMatch(new RegExp(String.raw`Index Cond: \(\("accountId" = ${INIT_PLAN_VALUE}\) AND \("startedAt" >= `));
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  }
});

/** The generic plan the lock gets on a client that has prepared it, for 100 keys of `prefix`. */
async function lockPlan(client: pg.PoolClient, account: number, prefix: string): Promise<string> {
  await client.query('BEGIN');
  try {
    await client.query('SET LOCAL plan_cache_mode = force_generic_plan');
    const keys = Array.from({ length: 100 }, (_, i) => `${prefix}-${i}`);
    const { rows } = await client.query(`EXPLAIN EXECUTE "touchpoint.lockInteractions"(${account}, '{${keys.join(',')}}')`);
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  } finally {
    await client.query('ROLLBACK');
  }
}

test('in a new database, a connection that first locks once 1,000 interactions are stored still searches the keys', async () => {
  // Never analyzed, a table of 500 to 1,500 interactions made PostgreSQL plan the lock as a read of
  // the account's rows through its start index, each compared with every key of the batch; the
  // generic plan stayed until the next ANALYZE, 20,000 interactions later (at 16,000 stored: 174 ms
  // a lock against 1 ms). Ingest now analyzes a new database's tables after its first batch, and
  // makes key lookups' plans with sequential scans off (PostgreSQL 15 read the 2,000 rows whole).
  const fresh = await createTestDatabase({ size: 2 });
  try {
    const account = (await createAccount(fresh.prisma, 'fresh', 'Fresh')).id;
    await ingestOk(fresh.pool, account, batch('f', 0, 1000));
    // Two callers at once: the pool's second connection prepares the lock now.
    await Promise.all([ingestOk(fresh.pool, account, batch('f', 1000, 500)), ingestOk(fresh.pool, account, batch('f', 1500, 500))]);
    const clients = await Promise.all([fresh.pool.connect(), fresh.pool.connect()]);
    try {
      for (const client of clients) {
        const plan = await lockPlan(client, account, 'f');
        // An index scan of the key (PostgreSQL 17+) or a bitmap scan of it (15 and 16).
        expect(plan).toMatch(/(?:Index Scan using|Bitmap Index Scan on) "Interaction_accountId_externalId_key"/);
        expect(plan).not.toContain('Filter');
      }
    } finally {
      for (const client of clients) client.release();
    }
  } finally {
    await fresh.drop();
  }
});

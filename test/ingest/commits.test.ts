/**
 * Which commits wait for the disk (src/db/transaction.ts asyncCommit and flushCommits). A GraphQL
 * call's batch reports "stored" only once its commit is durable; a bulk load's batches commit
 * without waiting and the load waits once, at its end; the rows that only number external IDs
 * (end users, automations) never wait, since the batch naming them commits after them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAccount } from '../../src/accounts/accountStore';
import { FLUSH_MARK, flushCommits, inTransaction } from '../../src/db/transaction';
import { importNdjson } from '../../src/ingest/ndjson';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { countStatements } from '../helpers/statements';
import { ingestOk, interaction } from './helpers';

let db: TestDatabase;
let tmp: string;

beforeAll(async () => {
  db = await createTestDatabase({ size: 1 });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tp-commits-'));
});
afterAll(async () => {
  fs.rmSync(tmp, { recursive: true, force: true });
  await db?.drop();
});

const ASYNC_BEGIN = 'BEGIN; SET LOCAL synchronous_commit TO off';
const setting = async () => (await db.pool.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0]!.synchronous_commit;

test('an asyncCommit transaction runs with synchronous_commit off, and its connection gets its own setting back', async () => {
  expect(await setting()).toBe('on');
  const inside = await inTransaction(db.pool, async (client) => (await client.query('SHOW synchronous_commit')).rows[0].synchronous_commit, { asyncCommit: true });
  expect(inside).toBe('off');
  // The pool has one connection: the same one, after the commit.
  expect(await setting()).toBe('on');
  const plain = await inTransaction(db.pool, async (client) => (await client.query('SHOW synchronous_commit')).rows[0].synchronous_commit);
  expect(plain).toBe('on');
});

test('flushCommits returns once the WAL holding an earlier asynchronous commit is on disk', async () => {
  await db.pool.query('CREATE TABLE IF NOT EXISTS flush_probe (n int)');
  const committedUpTo = await inTransaction(
    db.pool,
    async (client) => {
      await client.query('INSERT INTO flush_probe SELECT generate_series(1, 1000)');
      return null;
    },
    { asyncCommit: true },
  ).then(async () => (await db.pool.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn')).rows[0]!.lsn);
  await flushCommits(db.pool);
  const { rows } = await db.pool.query<{ flushed: boolean }>('SELECT pg_current_wal_flush_lsn() >= $1::pg_lsn AS flushed', [committedUpTo]);
  expect(rows[0]!.flushed).toBe(true);
});

/**
 * The statements a pool of one connection ran, as transactions: each from its BEGIN to its
 * COMMIT or ROLLBACK (one connection runs one at a time, so they do not interleave).
 */
function transactions(texts: string[]): string[][] {
  const found: string[][] = [];
  let current: string[] | null = null;
  for (const text of texts) {
    if (text.startsWith('BEGIN')) current = [];
    current?.push(text);
    if (current && (text === 'COMMIT' || text === 'ROLLBACK')) (found.push(current), (current = null));
  }
  return found;
}
const writing = (table: string) => (t: string[]) => t.some((text) => text.startsWith(`INSERT INTO "${table}"`));
/** A batch's own transaction: the one that marks its days stale for the user bitmaps. */
const batchTransaction = writing('StaleUserDay');

test('a batch of a GraphQL call commits durably; only its new end users are committed without waiting', async () => {
  const account = (await createAccount(db.prisma, 'api', 'Api')).id;
  const { texts } = await countStatements(() => ingestOk(db.pool, account, [interaction('g-1'), interaction('g-2')]));
  const all = transactions(texts);
  const batches = all.filter(batchTransaction);
  expect(batches.map((t) => t[0])).toEqual(['BEGIN']);
  expect(batches[0]!.some((text) => text.startsWith('COPY "Interaction"'))).toBe(true);
  const endUsers = all.filter(writing('EndUser'));
  expect(endUsers.map((t) => t[0])).toEqual([ASYNC_BEGIN]);
});

test('a bulk load commits its batches without waiting and flushes them all before it returns', async () => {
  const account = (await createAccount(db.prisma, 'bulk', 'Bulk')).id;
  const file = path.join(tmp, 'bulk.ndjson');
  fs.writeFileSync(file, Array.from({ length: 25 }, (_, i) => JSON.stringify(interaction(`b-${i}`))).join('\n') + '\n');
  const { result, texts } = await countStatements(() => importNdjson(db.pool, account, file, { batchSize: 10 }));
  expect(result).toMatchObject({ stored: 25, rejected: 0 });
  const all = transactions(texts);
  // Three batches (10, 10 and 5 records), each with its end users' insert before it.
  expect(all.filter(batchTransaction).map((t) => t[0])).toEqual([ASYNC_BEGIN, ASYNC_BEGIN, ASYNC_BEGIN]);
  expect(all.filter(writing('EndUser')).map((t) => t[0])).toEqual([ASYNC_BEGIN, ASYNC_BEGIN, ASYNC_BEGIN]);
  // The last transaction is the flush, committed with the session's own (waiting) setting.
  expect(all.at(-1)).toEqual(['BEGIN', FLUSH_MARK, 'COMMIT']);
  expect(await setting()).toBe('on');
});

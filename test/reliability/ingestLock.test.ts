/**
 * The account's ingest lock (src/ingest/ingest.ts, takeIngestLock). Batches hold it shared and run
 * side by side. A batch retried to its RUN_ALONE_FROM_ATTEMPT-th attempt (it lost a race or a
 * deadlock three times) takes it exclusively: it waits for the batches in flight, and new ones wait
 * for it, so it cannot lose again. Other accounts' batches are not held.
 * test/reliability/concurrentIngest.test.ts is the stress test this was made for.
 */
import type pg from 'pg';
import { createAccount } from '../../src/accounts/accountStore';
import { ingestBatch, RUN_ALONE_FROM_ATTEMPT, takeIngestLock } from '../../src/ingest/ingest';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { interaction } from '../ingest/helpers';

let db: TestDatabase;
let a: number;
let b: number;

beforeAll(async () => {
  db = await createTestDatabase({ size: 12 });
  a = (await createAccount(db.prisma, 'Lock A', 'lock-a')).id;
  b = (await createAccount(db.prisma, 'Lock B', 'lock-b')).id;
});
afterAll(() => db.drop());

/** A connection in an open transaction, with its backend's process ID. */
async function transaction(): Promise<{ client: pg.PoolClient; pid: number }> {
  const client = await db.pool.connect();
  await client.query('BEGIN');
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return { client, pid: rows[0]!.pid };
}

async function commit(t: { client: pg.PoolClient }): Promise<void> {
  await t.client.query('COMMIT');
  t.client.release();
}

/** The backends waiting for an advisory lock (PostgreSQL's own view, no timing). */
async function waitingBackends(): Promise<number[]> {
  const { rows } = await db.pool.query<{ pid: number }>(`SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`);
  return rows.map((row) => row.pid);
}

const waiting = async (pid: number) => (await waitingBackends()).includes(pid);

/** Polls until a backend (`pid`, or any) waits for an advisory lock, and returns it; fails after 10 s. */
async function untilWaiting(pid?: number): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const found = (await waitingBackends()).find((p) => pid === undefined || p === pid);
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${pid === undefined ? 'no backend' : `backend ${pid} never`} waited for the ingest lock`);
}

/** Tracks whether a promise has settled. */
function tracked<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let done = false;
  void promise.then(() => (done = true), () => (done = true));
  return { promise, settled: () => done };
}

test('batches share the lock; a batch on its run-alone attempt waits for them, and new batches wait for it; other accounts do not', async () => {
  const first = await transaction();
  const second = await transaction();
  await takeIngestLock(first.client, a, 1);
  // Shared with shared: the second batch does not wait.
  await takeIngestLock(second.client, a, RUN_ALONE_FROM_ATTEMPT - 1);

  const alone = await transaction();
  const aloneLock = tracked(takeIngestLock(alone.client, a, RUN_ALONE_FROM_ATTEMPT));
  await untilWaiting(alone.pid);

  // A batch that starts now queues behind the one waiting to run alone.
  const later = await transaction();
  const laterLock = tracked(takeIngestLock(later.client, a, 1));
  await untilWaiting(later.pid);

  // Another account runs alone at once.
  const other = await transaction();
  await takeIngestLock(other.client, b, RUN_ALONE_FROM_ATTEMPT);
  await commit(other);

  await commit(first);
  expect(await waiting(alone.pid)).toBe(true);
  await commit(second);
  await aloneLock.promise;
  expect(await waiting(later.pid)).toBe(true);
  expect(laterLock.settled()).toBe(false);
  await commit(alone);
  await laterLock.promise;
  await commit(later);
});

test('ingest takes the lock: a batch waits while a batch of its account runs alone, then stores its records', async () => {
  const alone = await transaction();
  await takeIngestLock(alone.client, a, RUN_ALONE_FROM_ATTEMPT);
  const stored = tracked(ingestBatch(db.pool, a, [{ index: 0, value: interaction('held-1') }]));
  // The batch's transaction is the one backend waiting for an advisory lock.
  await untilWaiting();
  expect(stored.settled()).toBe(false);
  const before = await db.pool.query(`SELECT count(*)::int AS n FROM "Interaction" WHERE "accountId" = $1`, [a]);
  expect(before.rows[0].n).toBe(0);

  await commit(alone);
  expect(await stored.promise).toEqual({ stored: 1, rejected: [] });
  const after = await db.pool.query(`SELECT "externalId" FROM "Interaction" WHERE "accountId" = $1`, [a]);
  expect(after.rows).toEqual([{ externalId: 'held-1' }]);
});

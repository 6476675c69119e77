import type pg from 'pg';

/**
 * Work a request starts on a pool and does not wait for (refreshing stale user bitmaps). Jobs run
 * one at a time per pool, so that they hold at most one of its connections and one core, however
 * many accounts' requests start them; a job whose key is already waiting or running is not added
 * again, so repeated requests do not queue the same work. Failures are the job's own: nothing
 * waits for it, so nothing would see them. Closing the database waits for the jobs (database.ts),
 * so none is cut off by the pool ending under it.
 */
interface Queue {
  keys: Set<string>;
  tail: Promise<void>;
}

const queues = new WeakMap<pg.Pool, Queue>();

/** Queues `job` on `pool` unless a job with `key` is waiting or running there. */
export function startInBackground(pool: pg.Pool, key: string, job: () => Promise<unknown>): void {
  let queue = queues.get(pool);
  if (!queue) queues.set(pool, (queue = { keys: new Set(), tail: Promise.resolve() }));
  if (queue.keys.has(key)) return;
  queue.keys.add(key);
  const { keys } = queue;
  queue.tail = queue.tail.then(() => job()).then(
    () => void keys.delete(key),
    () => void keys.delete(key),
  );
}

/** Waits until every job queued on `pool` so far, and any they queued, has run. */
export async function backgroundSettled(pool: pg.Pool): Promise<void> {
  const queue = queues.get(pool);
  while (queue && queue.keys.size > 0) await queue.tail;
}

import type pg from 'pg';

/**
 * Work a request starts on a pool and does not wait for (refreshing stale user bitmaps): at most
 * one job per key at a time, so that repeated requests do not queue the same work; a request that
 * finds its key busy leaves the work to the job running, or to the next request. Failures are the
 * job's own: nothing waits for it, so nothing would see them. Closing the database waits for the
 * jobs running (database.ts), so none is cut off by the pool ending under it.
 */
const running = new WeakMap<pg.Pool, Map<string, Promise<void>>>();

/** Starts `job` on `pool` unless a job with `key` is running there. */
export function startInBackground(pool: pg.Pool, key: string, job: () => Promise<unknown>): void {
  let jobs = running.get(pool);
  if (!jobs) running.set(pool, (jobs = new Map()));
  if (jobs.has(key)) return;
  const done = job().then(
    () => undefined,
    () => undefined,
  );
  jobs.set(key, done);
  void done.finally(() => jobs.delete(key));
}

/** Waits until no job started on `pool` is running. */
export async function backgroundSettled(pool: pg.Pool): Promise<void> {
  for (let jobs = running.get(pool); jobs && jobs.size > 0; ) await Promise.all(jobs.values());
}

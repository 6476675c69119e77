/**
 * Background jobs (db/background.ts): one at a time per pool, a key queued once while it waits or
 * runs, a failed job not stopping the ones after it, and backgroundSettled waiting for them all.
 */
import type pg from 'pg';
import { backgroundSettled, startInBackground } from '../../src/db/background';

// The queue only keys jobs by their pool; no connection is made.
const newPool = () => ({}) as pg.Pool;
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('background jobs', () => {
  it('runs one job at a time, in the order queued', async () => {
    const pool = newPool();
    const events: string[] = [];
    let running = 0;
    const job = (name: string) => async () => {
      running++;
      events.push(`${name} starts with ${running} running`);
      await tick();
      running--;
    };
    startInBackground(pool, 'a', job('a'));
    startInBackground(pool, 'b', job('b'));
    startInBackground(pool, 'c', job('c'));
    await backgroundSettled(pool);
    expect(events).toEqual(['a starts with 1 running', 'b starts with 1 running', 'c starts with 1 running']);
  });

  it('queues a key once while it waits or runs, and again once it has run', async () => {
    const pool = newPool();
    const runs: string[] = [];
    const job = (name: string) => async () => {
      runs.push(name);
      await tick();
    };
    startInBackground(pool, 'k', job('first'));
    startInBackground(pool, 'k', job('while running'));
    startInBackground(pool, 'other', job('other'));
    startInBackground(pool, 'other', job('other while waiting'));
    await backgroundSettled(pool);
    startInBackground(pool, 'k', job('after'));
    await backgroundSettled(pool);
    expect(runs).toEqual(['first', 'other', 'after']);
  });

  it('goes on after a failed job, and keeps pools apart', async () => {
    const [one, two] = [newPool(), newPool()];
    const runs: string[] = [];
    startInBackground(one, 'fails', async () => {
      await tick();
      throw new Error('refresh failed');
    });
    startInBackground(one, 'next', async () => void runs.push('next'));
    startInBackground(two, 'fails', async () => void runs.push('other pool'));
    await backgroundSettled(one);
    await backgroundSettled(two);
    expect(runs.sort()).toEqual(['next', 'other pool']);
    await expect(backgroundSettled(newPool())).resolves.toBeUndefined();
  });
});

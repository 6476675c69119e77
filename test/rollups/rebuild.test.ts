/**
 * `touchpoint rollups rebuild` restores rollups that no longer match the raw rows, and the
 * figures read through them are the hand-counted ones again.
 */
import 'reflect-metadata';
import { createAccount } from '../../src/accounts/accountStore';
import { ingestBatch } from '../../src/ingest/ingest';
import { checkFilter } from '../../src/metrics/filter';
import { interactionTotals } from '../../src/metrics/interactionTotals.sql';
import { createMemo, type Context } from '../../src/server/context';
import { cli, requireBuilt } from '../helpers/cli';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

const DAY = 86_400_000;
const START = Date.UTC(2026, 9, 1);
let db: TestDatabase;

const interaction = (id: string, day: number, outcome: string) => ({
  record: 'interaction', id, type: 'CONVERSATIONAL', startedAt: new Date(START + day * DAY + 3_600_000).toISOString(),
  channel: 'SMS', endUserId: `u-${id}`, analysis: { outcome },
});

const ctx = (accountId: string): Context => ({
  caller: { accountId, keyId: 'test', scopes: ['read'] }, db, requestId: 'rebuild', now: new Date(), memo: createMemo(), useRollups: true,
});
// Whole days only: every figure comes from the rollups.
const WEEK = checkFilter({ from: new Date(START), to: new Date(START + 7 * DAY) });

beforeAll(async () => {
  requireBuilt();
  db = await createTestDatabase();
});
afterAll(async () => db.drop());

it('recomputes the rollups of an account from the raw rows', async () => {
  const { id } = await createAccount(db.prisma, 'Rebuilt', 'rebuilt');
  const records = [interaction('a', 0, 'SUCCESSFUL'), interaction('b', 1, 'SUCCESSFUL'), interaction('c', 2, 'UNSUCCESSFUL')];
  await ingestBatch(db.pool, id, records.map((value, index) => ({ index, value })));
  expect((await interactionTotals(ctx(id), WEEK)).total).toEqual({ interactions: 3, successful: 2, mixed: 0, unsuccessful: 1, unclassified: 0 });

  // Rollups out of step with the raw rows (as after restoring raw tables from a backup).
  await db.pool.query(`DELETE FROM "DailyInteractionRollup" WHERE "accountId" = $1 AND day = '2026-10-02'`, [id]);
  await db.pool.query(`UPDATE "DailyInteractionRollup" SET interactions = 40, unsuccessful = 40 WHERE "accountId" = $1`, [id]);
  expect((await interactionTotals(ctx(id), WEEK)).total.interactions).toBe(80);

  const run = await cli(['rollups', 'rebuild', '--account', id], { DATABASE_URL: db.url });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.stdout).toContain(`rebuilt rollups of ${id}: DailyInteractionRollup 3,`);
  expect((await interactionTotals(ctx(id), WEEK)).total).toEqual({ interactions: 3, successful: 2, mixed: 0, unsuccessful: 1, unclassified: 0 });
});

it('names an unknown account and what to do', async () => {
  const run = await cli(['rollups', 'rebuild', '--account', 'nope'], { DATABASE_URL: db.url });
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('no account with id "nope" (see `touchpoint accounts list`)');
});

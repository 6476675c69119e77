/**
 * `touchpoint rollups rebuild` restores rollups that no longer match the raw rows, and the
 * figures read through them are the hand-counted ones again.
 */
import 'reflect-metadata';
import { createAccount } from '../../src/accounts/accountStore';
import { ingestBatch } from '../../src/ingest/ingest';
import { checkFilter } from '../../src/metrics/filter';
import { interactionTotals } from '../../src/metrics/interactionTotals.sql';
import { backfillRollups } from '../../src/rollups/rebuild';
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

const ctx = (accountId: number): Context => ({
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

  const run = await cli(['rollups', 'rebuild', '--account', 'rebuilt'], { DATABASE_URL: db.url });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('rebuilt rollups of rebuilt: DailyInteractionRollup 3,');
  expect((await interactionTotals(ctx(id), WEEK)).total).toEqual({ interactions: 3, successful: 2, mixed: 0, unsuccessful: 1, unclassified: 0 });
});

it('fills only the hourly rollups when the migration that created them is applied to stored data', async () => {
  const { id } = await createAccount(db.prisma, 'Migrated', 'migrated');
  const c = interaction('c', 3, 'UNSUCCESSFUL');
  const message = { id: 'm1', direction: 'INBOUND', author: 'END_USER', channel: 'SMS', sentAt: c.startedAt };
  const records = [interaction('a', 0, 'SUCCESSFUL'), interaction('b', 0, 'MIXED'), { ...c, messages: [message] }];
  await ingestBatch(db.pool, id, records.map((value, index) => ({ index, value })));
  const hourly = async () =>
    (await db.pool.query(`SELECT hour::text, interactions FROM "HourlyInteractionRollup" WHERE "accountId" = $1 ORDER BY hour`, [id])).rows;
  // As before the migration: no hourly rows; a daily row out of step shows whether daily ones were rebuilt too.
  await db.pool.query(`DELETE FROM "HourlyInteractionRollup" WHERE "accountId" = $1`, [id]);
  await db.pool.query(`DELETE FROM "HourlyChannelRollup" WHERE "accountId" = $1`, [id]);
  await db.pool.query(`UPDATE "DailyInteractionRollup" SET interactions = 40 WHERE "accountId" = $1 AND day = '2026-10-04'`, [id]);

  await backfillRollups(db.pool, ['20261125002534_hourly_rollups']);
  expect(await hourly()).toEqual([
    { hour: '2026-10-01 01:00:00', interactions: 2 },
    { hour: '2026-10-04 01:00:00', interactions: 1 },
  ]);
  const channels = await db.pool.query(`SELECT hour::text, channel, inbound FROM "HourlyChannelRollup" WHERE "accountId" = $1`, [id]);
  expect(channels.rows).toEqual([{ hour: '2026-10-04 01:00:00', channel: 'SMS', inbound: 1 }]);
  const daily = await db.pool.query(`SELECT interactions FROM "DailyInteractionRollup" WHERE "accountId" = $1 AND day = '2026-10-04'`, [id]);
  expect(daily.rows).toEqual([{ interactions: 40 }]);
});

it('names an unknown account and what to do', async () => {
  const run = await cli(['rollups', 'rebuild', '--account', 'nope'], { DATABASE_URL: db.url });
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('no account with id "nope" (see `touchpoint accounts list`)');
});

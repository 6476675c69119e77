/**
 * Hourly rollups, worked by hand: a range inside one day reads its whole hours from the hourly
 * rollups and only its partial hours raw, and pending messages of hourly rows that straddle the
 * query instant are counted one by one, each against its own hour only.
 */
import 'reflect-metadata';
import { createAccount } from '../../src/accounts/accountStore';
import { ingestBatch } from '../../src/ingest/ingest';
import { channelTotals } from '../../src/metrics/channelTotals.sql';
import { checkFilter } from '../../src/metrics/filter';
import { interactionTotals } from '../../src/metrics/interactionTotals.sql';
import { createMemo, type Context } from '../../src/server/context';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

const at = (time: string) => `2026-03-10T${time}:00.000Z`;
const NOW = new Date(at('14:30'));

/** One interaction with one outbound SMS, SENT at its start and valid for `validityHours`. */
const interaction = (id: string, time: string, validityHours: number) => ({
  record: 'interaction', id, type: 'CONVERSATIONAL', startedAt: at(time), sender: 'S1', channel: 'SMS', endUserId: `u-${id}`,
  messages: [{ id: 'm1', direction: 'OUTBOUND', author: 'BOT', channel: 'SMS', sentAt: at(time), status: 'SENT', validityHours }],
});

let db: TestDatabase;
let accountId: number;
const context = (useRollups: boolean): Context => ({
  caller: { accountId, keyId: 'test', scopes: ['read'] }, db, requestId: 'hourly', now: NOW, memo: createMemo(), useRollups,
});

beforeAll(async () => {
  db = await createTestDatabase();
  accountId = (await createAccount(db.prisma, 'Hourly', 'hourly')).id;
  const records = [
    interaction('i0', '09:40', 1), // raw edge: lapsed at 10:40
    interaction('i1', '10:05', 2), // hour 10 straddles 14:30: lapsed at 12:05 ...
    interaction('i2', '10:20', 6), // ... still pending until 16:20
    interaction('i3', '11:10', 1), // hour 11 is settled: all lapsed (12:10)
    interaction('i4', '12:05', 1), // hour 12 straddles: lapsed at 13:05 ...
    interaction('i5', '12:40', 3), // ... pending until 15:40
    interaction('i6', '13:20', 1), // raw edge: lapsed at 14:20
    interaction('i7', '13:50', 1), // after the range
  ];
  const result = await ingestBatch(db.pool, accountId, records.map((value, index) => ({ index, value })));
  expect(result.rejected).toEqual([]);
}, 60_000);

afterAll(async () => {
  await db.drop();
});

it('keeps a row per hour, segment and channel', async () => {
  const { rows } = await db.pool.query(
    `SELECT hour::text, outbound, pending FROM "HourlyChannelRollup" WHERE "accountId" = $1 ORDER BY hour`,
    [accountId],
  );
  expect(rows).toEqual([
    { hour: '2026-03-10 09:00:00', outbound: 1, pending: 1 },
    { hour: '2026-03-10 10:00:00', outbound: 2, pending: 2 },
    { hour: '2026-03-10 11:00:00', outbound: 1, pending: 1 },
    { hour: '2026-03-10 12:00:00', outbound: 2, pending: 2 },
    { hour: '2026-03-10 13:00:00', outbound: 2, pending: 2 },
  ]);
});

it.each([true, false])('counts expiry at the query instant in whole hours and partial ones alike (rollups %s)', async (useRollups) => {
  const filter = checkFilter({ from: new Date(at('09:30')), to: new Date(at('13:45')) });
  // i0..i6 sent one each; i0, i1, i3, i4, i6 lapsed; i2 and i5 pending.
  expect(await channelTotals(context(useRollups), filter)).toEqual([
    { channel: 'SMS', inbound: 0, totalSent: 7, delivered: 0, rejected: 0, undeliverable: 0, expired: 5, pending: 2 },
  ]);
  expect((await interactionTotals(context(useRollups), filter)).total.interactions).toBe(7);
});

it('reads a range of whole hours only from the hourly rollups', async () => {
  const filter = checkFilter({ from: new Date(at('10:00')), to: new Date(at('12:00')) });
  expect(await channelTotals(context(true), filter)).toEqual([
    { channel: 'SMS', inbound: 0, totalSent: 3, delivered: 0, rejected: 0, undeliverable: 0, expired: 2, pending: 1 },
  ]);
  expect((await interactionTotals(context(true), filter)).total.interactions).toBe(3);
  // Proof that they are read: a changed hourly row changes the figure.
  const shift = (by: number) => db.pool.query(`UPDATE "HourlyChannelRollup" SET outbound = outbound + $2 WHERE "accountId" = $1 AND hour = '2026-03-10 10:00'`, [accountId, by]);
  await shift(100);
  try {
    expect((await channelTotals(context(true), filter))[0]!.totalSent).toBe(103);
  } finally {
    await shift(-100);
  }
});

/**
 * Distinct, returning and engaged users from the daily user bitmaps: a hand-worked fixture whose
 * users come across day boundaries, at the raw edges and on both sides of a bitmap chunk, then
 * random data and ranges compared with the raw path while batches keep changing days.
 */
import 'reflect-metadata';
import { createAccount } from '../../src/accounts/accountStore';
import { Random } from '../../src/demo/random';
import { ingestBatch } from '../../src/ingest/ingest';
import { userTotals as readTotals } from '../../src/metrics/audienceUsers.sql';
import { backgroundSettled } from '../../src/db/background';
import { checkFilter } from '../../src/metrics/filter';
import { inTransaction } from '../../src/db/transaction';
import { rebuildRollups } from '../../src/rollups/rollupWrites';
import { buildSegmentCells } from '../../src/rollups/segmentCells';
import { cellRanges, CHUNK_BITS, refreshAllUserBitmaps, refreshInBackground, refreshUserBitmaps, runPieces } from '../../src/rollups/userBitmaps';
import { createMemo, type Context } from '../../src/server/context';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { PROPERTY_SEED } from '../helpers/propertySeed';
import { countStatements } from '../helpers/statements';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const D1 = Date.UTC(2026, 8, 1);
const D2 = D1 + DAY;
const D3 = D2 + DAY;
const D4 = D3 + DAY;
const iso = (ms: number) => new Date(ms).toISOString();
const SENDERS = ['S1', 'S2', 'S3'];
const AUTOMATIONS = ['bot-a', 'bot-b'];

let db: TestDatabase;
let accountId: number;

/** The audience, once the refresh it started in the background (of the stale days it read raw) is done. */
async function userTotals(ctx: Context, filter: ReturnType<typeof checkFilter>) {
  const totals = await readTotals(ctx, filter);
  await backgroundSettled(db.pool);
  return totals;
}

function context(useRollups: boolean): Context {
  return { caller: { accountId, keyId: 'test', scopes: ['read'] }, db, requestId: 'users', now: new Date(D4 + 30 * DAY), memo: createMemo(), useRollups };
}

const users = (useRollups: boolean, from: number, to: number, senders: string[] = [], automationIds: string[] = [], versionIds: string[] = []) =>
  userTotals(context(useRollups), checkFilter({ from: new Date(from), to: new Date(to), senders, automationIds, versionIds }));

/** Engaged: the end user answered the opening outbound message. Sender S1 and no automation unless `segment` says otherwise. */
function interaction(id: string, user: string, at: number, engaged = false, segment: { sender?: string; automation?: string; version?: number } = {}): Record<string, unknown> {
  const messages = [{ id: 'm0', direction: 'OUTBOUND', author: 'BOT', channel: 'SMS', sentAt: iso(at) }];
  if (engaged) messages.push({ id: 'm1', direction: 'INBOUND', author: 'END_USER', channel: 'SMS', sentAt: iso(at + 60_000) });
  const automation = segment.automation
    ? { automation: { id: segment.automation, type: 'CHATBOT', name: segment.automation, automationVersionId: `${segment.automation}-v${segment.version ?? 1}`, versionId: String(segment.version ?? 1) } }
    : {};
  return { record: 'interaction', id, type: 'CONVERSATIONAL', startedAt: iso(at), channel: 'SMS', sender: segment.sender ?? 'S1', endUserId: user, messages, ...automation };
}

async function ingest(account: number, records: Record<string, unknown>[]) {
  const result = await ingestBatch(db.pool, account, records.map((value, index) => ({ index, value })));
  expect(result.rejected).toEqual([]);
}

beforeAll(async () => {
  db = await createTestDatabase();
  accountId = (await createAccount(db.prisma, 'Users', 'users')).id;
  // End-user IDs from here on straddle the first chunk boundary.
  await db.pool.query(`SELECT setval(pg_get_serial_sequence('"EndUser"', 'id'), ${CHUNK_BITS - 4})`);
}, 60_000);

afterAll(async () => {
  await db.drop();
});

describe('hand-worked: range D1 12:00 → D4 12:00 (whole days D2 and D3, raw edges on D1 and D4)', () => {
  const from = D1 + 12 * HOUR;
  const to = D4 + 12 * HOUR;

  beforeAll(async () => {
    await ingest(accountId, [
      interaction('a1', 'u1', D2 + HOUR), interaction('a2', 'u1', D3 + HOUR), //     returning across whole days
      interaction('b1', 'u2', D2 + HOUR), interaction('b2', 'u2', D2 + 2 * HOUR), // returning within one day
      interaction('c1', 'u3', D2 + HOUR), interaction('c2', 'u3', D1 + 20 * HOUR), // whole day + edge
      interaction('d1', 'u4', D1 + 13 * HOUR), interaction('d2', 'u4', D4 + HOUR), // both edges only
      interaction('e1', 'u5', D4 + 2 * HOUR), //                                     one edge visit
      interaction('f1', 'u6', D3 + HOUR, true), //                                    engaged, whole day
      interaction('g1', 'u7', D1 + HOUR), interaction('g2', 'u7', D2 + 3 * HOUR), //  the first one is outside the range
      interaction('h1', 'u8', D4 + 3 * HOUR, true), interaction('h2', 'u8', D2 + 4 * HOUR), // engaged at an edge
      interaction('k1', 'u9', D4 + 13 * HOUR), //                                     after the range
    ]);
    // The ten users got IDs on both sides of a chunk boundary.
    const { rows } = await db.pool.query('SELECT min(id) AS low, max(id) AS high FROM "EndUser" WHERE "accountId" = $1', [accountId]);
    expect(Math.floor(rows[0].low / CHUNK_BITS)).toBe(0);
    expect(Math.floor(rows[0].high / CHUNK_BITS)).toBe(1);
  });

  it('counts users, returning users (2+ interactions in the range) and engaged users', async () => {
    // unique u1..u8; returning u1, u2, u3, u4, u8; engaged u6, u8
    const expected = { uniqueUsers: 8, returningUsers: 5, engagedUsers: 2 };
    expect(await users(false, from, to)).toEqual(expected);
    expect(await users(true, from, to)).toEqual(expected);
    // Whole days only: D2..D4. u1, u2 return; u3, u7, u8 came once.
    expect(await users(true, D2, D4)).toEqual({ uniqueUsers: 6, returningUsers: 2, engagedUsers: 1 });
  });

  it('sets exactly the bits of the users of a day, at their IDs, in bitmaps of CHUNK_BITS bits', async () => {
    await users(true, from, to); // refreshes the days
    // D2: u1, u2 (twice), u3, u7, u8; nobody engaged. Positions from the users' IDs, chunk by chunk.
    const { rows: ids } = await db.pool.query<{ externalId: string; id: number }>(
      'SELECT "externalId", id FROM "EndUser" WHERE "accountId" = $1 AND "externalId" = ANY($2)', [accountId, ['u1', 'u2', 'u3', 'u7', 'u8']]);
    const expected = (who: string[]) => {
      const chunks: Record<number, number[]> = {};
      for (const { externalId, id } of ids) if (who.includes(externalId)) (chunks[Math.floor(id / CHUNK_BITS)] ??= []).push(id % CHUNK_BITS);
      return Object.fromEntries(Object.entries(chunks).map(([chunk, positions]) => [chunk, positions.sort((a, b) => a - b)]));
    };
    const { rows } = await db.pool.query<{ chunk: number; users: string; repeat: string; engaged: string }>(
      `SELECT chunk, users::text AS users, repeat::text AS repeat, engaged::text AS engaged FROM "DailyUserBitmap"
        WHERE "accountId" = $1 AND day = $2 AND segment = '*' ORDER BY chunk`, [accountId, iso(D2).slice(0, 10)]);
    const set = (column: 'users' | 'repeat' | 'engaged') => {
      const chunks: Record<number, number[]> = {};
      for (const row of rows) {
        expect(row[column]).toHaveLength(CHUNK_BITS);
        const positions = [...row[column]].flatMap((bit, position) => (bit === '1' ? [position] : []));
        if (positions.length > 0) chunks[row.chunk] = positions;
      }
      return chunks;
    };
    expect(set('users')).toEqual(expected(['u1', 'u2', 'u3', 'u7', 'u8']));
    expect(set('repeat')).toEqual(expected(['u2']));
    expect(set('engaged')).toEqual({});
  });

  it('reads the whole days from bitmaps, and only the edges from raw rows', async () => {
    await users(true, from, to); // refreshed already
    // Two statements at once, each over one half of the chunks (and of the edge users).
    const read = await countStatements(() => users(true, from, to));
    expect(read.statements).toBe(2);
    for (const text of read.texts) expect(text).toContain('"DailyUserBitmap"');
    // A list filter reads its segments' bitmaps (every interaction here is in one segment, sender S1),
    // once the first read has had the blocks of its partial days built.
    const first = await countStatements(() => users(true, from, to, ['S1']));
    expect(first.texts.filter((text) => text.includes('INSERT INTO "BlockUserBitmap"'))).toHaveLength(2);
    expect(first.result).toEqual({ uniqueUsers: 8, returningUsers: 5, engagedUsers: 2 });
    const listed = await countStatements(() => users(true, from, to, ['S1']));
    expect(listed.statements).toBe(2);
    for (const text of listed.texts) expect(text).toContain('"DailyUserBitmap"');
    expect(listed.result).toEqual({ uniqueUsers: 8, returningUsers: 5, engagedUsers: 2 });
    expect(await users(true, from, to, ['S2'])).toEqual({ uniqueUsers: 0, returningUsers: 0, engagedUsers: 0 });
  });

  it('follows an upsert that moves an interaction off a whole day, then a new engaged user', async () => {
    // The day the interaction leaves (D3, whole) is read raw; D1, where it lands, is a partial
    // edge read raw anyway. Both are over, so both are rebuilt in the background after the read.
    await ingest(accountId, [interaction('a2', 'u1', D1 + 2 * HOUR)]);
    const moved = await countStatements(() => users(true, from, to));
    expect(moved.result).toEqual({ uniqueUsers: 8, returningUsers: 4, engagedUsers: 2 }); // u1 came once
    expect(moved.texts.filter((text) => text.includes('INSERT INTO "DailyUserBitmap"'))).toHaveLength(2);
    await ingest(accountId, [interaction('x1', 'u10', D3 + 5 * HOUR, true)]);
    const expected = { uniqueUsers: 9, returningUsers: 4, engagedUsers: 3 };
    expect(await users(true, from, to)).toEqual(expected);
    expect(await users(false, from, to)).toEqual(expected);
    const { rows } = await db.pool.query('SELECT count(*) AS n FROM "StaleUserDay" WHERE "accountId" = $1 AND day >= $2 AND day < $3', [accountId, iso(D2), iso(D4)]);
    expect(rows[0].n).toBe(0);
  });
});

describe('hand-worked: filtered ranges read the bitmaps of their segments', () => {
  let account: number;
  const from = D1 + 12 * HOUR;
  const to = D4 + 12 * HOUR;
  const filtered = (useRollups: boolean, senders: string[], automationIds: string[] = [], versionIds: string[] = []) =>
    userTotals({ ...context(useRollups), caller: { accountId: account, keyId: 'test', scopes: ['read'] } },
      checkFilter({ from: new Date(from), to: new Date(to), senders, automationIds, versionIds }));

  beforeAll(async () => {
    account = (await createAccount(db.prisma, 'Segments', 'segment-users')).id;
    const A = { sender: 'A' };
    const B = { sender: 'B' };
    await ingest(account, [
      interaction('v1a', 'v1', D2 + HOUR, false, A), interaction('v1b', 'v1', D2 + 2 * HOUR, false, B), // two segments, one day
      interaction('v2a', 'v2', D2 + HOUR, false, A), interaction('v2b', 'v2', D3 + HOUR, false, A), //       one segment, two days
      interaction('v3a', 'v3', D2 + HOUR, false, A), interaction('v3b', 'v3', D2 + 3 * HOUR, false, A), // twice in one cell
      interaction('v4a', 'v4', D3 + HOUR, false, B), interaction('v4b', 'v4', D4 + HOUR, false, A), //       whole day B, edge A
      interaction('v5a', 'v5', D2 + 5 * HOUR, true, { sender: 'A', automation: 'X' }), //                   engaged with X
      interaction('v5b', 'v5', D3 + 5 * HOUR, false, { sender: 'A', automation: 'Y' }),
    ]);
  });

  it('keeps bitmaps per segment, for the whole day, and per sender, automation, version, and each pair of those', async () => {
    await filtered(true, []); // refreshes the days
    const { rows } = await db.pool.query(`SELECT id FROM "Automation" WHERE "accountId" = $1 AND "externalId" = 'X'`, [account]);
    const x = rows[0].id;
    const segments = await db.pool.query(`SELECT DISTINCT segment FROM "DailyUserBitmap" WHERE "accountId" = $1 AND day = $2 ORDER BY segment`, [account, iso(D2)]);
    // D2: v1a v2a v3a v3b from A, v1b from B, v5a from A with X.
    expect(segments.rows.map((row) => row.segment)).toEqual(
      ['*', `[${x}, "X-v1", "1", "A"]`, '[null, null, null, "A"]', '[null, null, null, "B"]',
        `automation+sender:[${x}, "A"]`, `automation:[${x}]`, 'sender:["A"]', 'sender:["B"]', 'version:["1"]', 'version+sender:["1", "A"]', `automation+version:[${x}, "1"]`].sort(),
    );
  });

  it.each([
    // senders, automations: expected (worked out from the records above)
    [['A'], [], { uniqueUsers: 5, returningUsers: 3, engagedUsers: 1 }], //       v1 v4 once in A; v2 v3 v5 twice
    [['A', 'B'], [], { uniqueUsers: 5, returningUsers: 5, engagedUsers: 1 }], //  v1 across cells of a day, v4 whole day + edge
    [['B'], [], { uniqueUsers: 2, returningUsers: 0, engagedUsers: 0 }], //       v1, v4 once each
    [[], ['X'], { uniqueUsers: 1, returningUsers: 0, engagedUsers: 1 }], //       v5 once with X
    [[], ['X', 'Y'], { uniqueUsers: 1, returningUsers: 1, engagedUsers: 1 }], //  v5 with X then Y
    [['A'], ['Y'], { uniqueUsers: 1, returningUsers: 0, engagedUsers: 0 }], //    v5b only
    [['B'], ['Y'], { uniqueUsers: 0, returningUsers: 0, engagedUsers: 0 }], //    Y only sends from A
    [[], [], { uniqueUsers: 5, returningUsers: 5, engagedUsers: 1 }],
  ])('senders %j, automations %j', async (senders, automationIds, expected) => {
    expect(await filtered(false, senders, automationIds)).toEqual(expected);
    const read = await countStatements(() => filtered(true, senders, automationIds));
    expect(read.result).toEqual(expected);
    expect(read.texts.some((text) => text.includes('FROM "DailyUserBitmap"'))).toBe(true);
  });

  it.each([
    // senders, versions: expected (worked out from the records above; only v5 has a version, 1)
    [['A'], ['1'], { uniqueUsers: 1, returningUsers: 1, engagedUsers: 1 }], //      v5a on D2 (engaged), v5b on D3: both from A
    [['A', 'B'], ['1'], { uniqueUsers: 1, returningUsers: 1, engagedUsers: 1 }],
    [['B'], ['1'], { uniqueUsers: 0, returningUsers: 0, engagedUsers: 0 }], //      version 1 only sends from A
    [['A'], ['2'], { uniqueUsers: 0, returningUsers: 0, engagedUsers: 0 }],
  ])('senders %j, versions %j: one cell per version and sender', async (senders, versionIds, expected) => {
    expect(await filtered(false, senders, [], versionIds)).toEqual(expected);
    const read = await countStatements(() => filtered(true, senders, [], versionIds));
    expect(read.result).toEqual(expected);
    expect(read.texts.some((text) => text.includes(`'version+sender:'`))).toBe(true);
  });

  it.each([
    // automations, versions: expected (v5a with X version 1 on D2, engaged; v5b with Y version 1 on D3)
    [['X'], ['1'], { uniqueUsers: 1, returningUsers: 0, engagedUsers: 1 }],
    [['X', 'Y'], ['1'], { uniqueUsers: 1, returningUsers: 1, engagedUsers: 1 }], // v5 once with each: returning across cells
    [['Y'], ['2'], { uniqueUsers: 0, returningUsers: 0, engagedUsers: 0 }],
  ])('automations %j, versions %j: one cell per automation and version', async (automationIds, versionIds, expected) => {
    expect(await filtered(false, [], automationIds, versionIds)).toEqual(expected);
    const read = await countStatements(() => filtered(true, [], automationIds, versionIds));
    expect(read.result).toEqual(expected);
    expect(read.texts.some((text) => text.includes(`'automation+version:'`))).toBe(true);
  });
});

describe('hand-worked: the whole quarters of partial days, from block bitmaps', () => {
  let account: number;
  const MINUTE = 60_000;
  // D1 10:37 → D3 12:20: raw D1 10:37-12:00, blocks 2 and 3 of D1, whole day D2, blocks 0 and 1 of D3, raw D3 12:00-12:20.
  const from = D1 + 10 * HOUR + 37 * MINUTE;
  const to = D3 + 12 * HOUR + 20 * MINUTE;
  const totals = (useRollups: boolean, senders: string[] = []) =>
    userTotals({ ...context(useRollups), caller: { accountId: account, keyId: 'test', scopes: ['read'] } },
      checkFilter({ from: new Date(from), to: new Date(to), senders }));
  const staleDays = async () =>
    (await db.pool.query(`SELECT to_char(day, 'YYYY-MM-DD') AS day FROM "StaleUserDay" WHERE "accountId" = $1 ORDER BY day`, [account])).rows.map((row) => row.day);
  const S1 = 'sender:["S1"]';
  /** A segment's blocks (of the given days, else all), as counts of users, repeat and engaged bits. */
  const blocksOf = async (segment: string, days?: string[]) =>
    (await db.pool.query(`SELECT to_char(day, 'YYYY-MM-DD') AS day, block, sum(bit_count(users))::int AS users,
                                 sum(bit_count(repeat))::int AS repeat, sum(bit_count(engaged))::int AS engaged
                            FROM "BlockUserBitmap" WHERE "accountId" = $1 AND segment = $2 AND ($3::date[] IS NULL OR day = ANY($3::date[]))
                           GROUP BY day, block ORDER BY day, block`, [account, segment, days ?? null])).rows;

  beforeAll(async () => {
    account = (await createAccount(db.prisma, 'Blocks', 'block-users')).id;
    await ingest(account, [
      interaction('p1', 'q1', D1 + 13 * HOUR), interaction('p4', 'q1', D2 + 5 * HOUR), //        block 2 of D1, then the whole day
      interaction('p2', 'q2', D1 + 20 * HOUR, true), interaction('p3', 'q2', D1 + 21 * HOUR), // twice in block 3 of D1, engaged
      interaction('p5', 'q3', D3 + HOUR), interaction('p8', 'q3', D1 + 9 * HOUR), //              block 0 of D3; the other before the range
      interaction('p6', 'q4', D1 + 11 * HOUR), //                                                  raw minutes before block 2
      interaction('p7', 'q5', D3 + 6 * HOUR + 10 * MINUTE), //                                     block 1 of D3
      interaction('p9', 'q6', D3 + 12 * HOUR + 10 * MINUTE), //                                    raw minutes after block 1
      interaction('p10', 'q7', D3 + 13 * HOUR), //                                                 after the range
    ]);
  });

  it('builds the blocks of a day: users, repeat and engaged per quarter', async () => {
    await refreshAllUserBitmaps(db.pool, account);
    const { rows: ids } = await db.pool.query<{ externalId: string; id: number }>('SELECT "externalId", id FROM "EndUser" WHERE "accountId" = $1', [account]);
    const id = (user: string) => ids.find((row) => row.externalId === user)!.id;
    const { rows } = await db.pool.query<{ day: string; block: number; chunk: number; users: string; repeat: string; engaged: string }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, block, chunk, users::text AS users, repeat::text AS repeat, engaged::text AS engaged
         FROM "BlockUserBitmap" WHERE "accountId" = $1 ORDER BY day, block, chunk`, [account]);
    const ones = (bits: string) => [...bits].flatMap((bit, position) => (bit === '1' ? [position] : []));
    const cell = (user: string) => ({ chunk: Math.floor(id(user) / CHUNK_BITS), position: id(user) % CHUNK_BITS });
    const blocks = rows.map((row) => ({ day: row.day, block: row.block, chunk: row.chunk, users: ones(row.users), repeat: ones(row.repeat), engaged: ones(row.engaged) }));
    const only = (day: string, block: number, users: string[], repeat: string[] = [], engaged: string[] = []) => {
      // the users' IDs straddle a chunk boundary: one row per chunk, in chunk order
      const byChunk = new Map<number, { users: number[]; repeat: number[]; engaged: number[] }>();
      const add = (who: string[], key: 'users' | 'repeat' | 'engaged') => {
        for (const user of who) {
          const { chunk, position } = cell(user);
          const entry = byChunk.get(chunk) ?? { users: [], repeat: [], engaged: [] };
          entry[key].push(position);
          byChunk.set(chunk, entry);
        }
      };
      add(users, 'users');
      add(repeat, 'repeat');
      add(engaged, 'engaged');
      return [...byChunk].sort(([a], [b]) => a - b).map(([chunk, bits]) => ({ day, block, chunk, users: bits.users.sort((a, b) => a - b), repeat: bits.repeat, engaged: bits.engaged }));
    };
    expect(blocks).toEqual([
      ...only('2026-09-01', 1, ['q3', 'q4']), //           D1 09:00 and 11:00
      ...only('2026-09-01', 2, ['q1']), //                 D1 13:00
      ...only('2026-09-01', 3, ['q2'], ['q2'], ['q2']), // D1 20:00 and 21:00
      ...only('2026-09-02', 0, ['q1']), //                 D2 05:00
      ...only('2026-09-03', 0, ['q3']), //                 D3 01:00
      ...only('2026-09-03', 1, ['q5']), //                 D3 06:10
      ...only('2026-09-03', 2, ['q6', 'q7']), //           D3 12:10 and 13:00
    ]);
  });

  it('reads the quarters inside the partial days from their blocks, and only the minutes around them raw', async () => {
    // unique q1..q6; returning q1 (block + whole day), q2 (twice in a block); engaged q2
    const expected = { uniqueUsers: 6, returningUsers: 2, engagedUsers: 1 };
    expect(await totals(false)).toEqual(expected);
    const read = await countStatements(() => totals(true));
    expect(read.result).toEqual(expected);
    expect(read.statements).toBe(2);
    for (const text of read.texts) expect(text).toContain('FROM "BlockUserBitmap"');
  });

  it('reads a filter\'s blocks once the first read that needed them had them built, and the raw rows until then', async () => {
    const expected = { uniqueUsers: 6, returningUsers: 2, engagedUsers: 1 };
    expect(await blocksOf(S1)).toEqual([]);
    const first = await countStatements(() => totals(true, ['S1']));
    expect(first.result).toEqual(expected);
    expect(first.texts.filter((text) => text.includes('INSERT INTO "BlockUserBitmap"'))).toHaveLength(2); // D1's and D3's
    // Every interaction here is S1's: the same users as all interactions' blocks of those days.
    expect(await blocksOf(S1)).toEqual(await blocksOf('*', ['2026-09-01', '2026-09-03']));
    const next = await countStatements(() => totals(true, ['S1']));
    expect(next.result).toEqual(expected);
    expect(next.statements).toBe(2);
    // Read from the blocks: take q2 (who came only in block 3 of D1) out of S1's block by hand, and
    // the filtered read loses q2 while the raw rows still hold q2.
    await db.pool.query(`UPDATE "BlockUserBitmap" c SET users = set_bit(c.users, u.id % ${CHUNK_BITS}, 0), repeat = set_bit(c.repeat, u.id % ${CHUNK_BITS}, 0),
                                engaged = set_bit(c.engaged, u.id % ${CHUNK_BITS}, 0)
                           FROM "EndUser" u WHERE u."accountId" = $1 AND u."externalId" = 'q2'
                            AND c."accountId" = $1 AND c.segment = $2 AND c.day = '2026-09-01' AND c.block = 3 AND c.chunk = u.id / ${CHUNK_BITS}`, [account, S1]);
    expect(await totals(true, ['S1'])).toEqual({ uniqueUsers: 5, returningUsers: 1, engagedUsers: 0 });
    // Without S1's blocks of D1, D1's quarters are read raw again, and the read has them built again.
    await db.pool.query(`DELETE FROM "BlockUserBitmap" WHERE "accountId" = $1 AND segment = $2 AND day = '2026-09-01'`, [account, S1]);
    expect(await totals(true, ['S1'])).toEqual(expected);
    expect(await blocksOf(S1)).toEqual(await blocksOf('*', ['2026-09-01', '2026-09-03']));
  });

  it('reads ranges without a whole day from blocks too: the last 24 hours, part of a day', async () => {
    const within = (useRollups: boolean, start: number, end: number) =>
      userTotals({ ...context(useRollups), caller: { accountId: account, keyId: 'test', scopes: ['read'] } },
        checkFilter({ from: new Date(start), to: new Date(end) }));
    // D1 10:37 → D2 10:37: q4 raw (D1 11:00), q1 in block 2 and block 0 of D2, q2 twice in block 3; q3's D1 09:00 is before
    const day = { uniqueUsers: 3, returningUsers: 2, engagedUsers: 1 };
    expect(await within(false, from, from + DAY)).toEqual(day);
    const read = await countStatements(() => within(true, from, from + DAY));
    expect(read.result).toEqual(day);
    expect(read.statements).toBe(2);
    for (const text of read.texts) expect(text).toContain('FROM "BlockUserBitmap"');
    // D1 12:00 → 24:00, blocks only: q1, and q2 twice and engaged
    const afternoon = { uniqueUsers: 2, returningUsers: 1, engagedUsers: 1 };
    expect(await within(false, D1 + 12 * HOUR, D2)).toEqual(afternoon);
    expect(await within(true, D1 + 12 * HOUR, D2)).toEqual(afternoon);
    // Shorter than a block: the raw rows, grouped, in one statement.
    const short = await countStatements(() => within(true, D1 + 10 * HOUR, D1 + 11 * HOUR + 30 * MINUTE));
    expect(short.result).toEqual({ uniqueUsers: 1, returningUsers: 0, engagedUsers: 0 }); // q4
    expect(short.statements).toBe(1);
    expect(short.texts[0]).not.toContain('BlockUserBitmap');
  });

  it('reads a stale edge day raw, without refreshing it in the request, and refreshes it in the background once over', async () => {
    // A new user in block 1 of D3: the batch marks D3 stale; its blocks no longer hold everyone.
    await ingest(account, [interaction('p11', 'q8', D3 + 7 * HOUR, true)]);
    expect(await staleDays()).toEqual(['2026-09-03']);
    const expected = { uniqueUsers: 7, returningUsers: 2, engagedUsers: 2 };
    expect(await totals(false)).toEqual(expected);
    const filter = checkFilter({ from: new Date(from), to: new Date(to) });
    const asOf = (now: number): Context => ({ ...context(true), now: new Date(now), caller: { accountId: account, keyId: 'test', scopes: ['read'] } });
    // Read on D3 itself ("today"): raw, and left stale.
    const today = await countStatements(() => readTotals(asOf(D3 + 13 * HOUR), filter));
    expect(today.result).toEqual(expected);
    expect(today.statements).toBe(2);
    for (const text of today.texts) expect(text).not.toContain('INSERT INTO');
    await backgroundSettled(db.pool);
    expect(await staleDays()).toEqual(['2026-09-03']);
    // Read once D3 is over: the same, and D3 is rebuilt in the background, blocks and all; the
    // refresh deletes the day's blocks of every segment, and builds those of all interactions.
    expect((await blocksOf(S1, ['2026-09-03'])).length).toBeGreaterThan(0);
    expect(await readTotals(asOf(D4 + 30 * DAY), filter)).toEqual(expected);
    await backgroundSettled(db.pool);
    expect(await staleDays()).toEqual([]);
    expect(await blocksOf(S1, ['2026-09-03'])).toEqual([]);
    expect(await totals(true)).toEqual(expected);
  });

  it('reads a day without blocks raw: one last refreshed before blocks existed', async () => {
    await db.pool.query(`DELETE FROM "BlockUserBitmap" WHERE "accountId" = $1 AND day = '2026-09-01'`, [account]);
    expect(await staleDays()).toEqual([]);
    // q2 came only in block 3 of D1: read raw, as before blocks, and counted
    expect(await totals(true)).toEqual({ uniqueUsers: 7, returningUsers: 2, engagedUsers: 2 });
  });
});

describe('whole ISO weeks are read from weekly bitmaps', () => {
  it('splits whole days into the weeks inside them and the days around them', () => {
    // 2026-09-01 is a Tuesday; the Mondays after it are 09-07, 09-14 and 09-21.
    expect(cellRanges({ from: '2026-09-01', to: '2026-09-22' })).toEqual({
      before: { from: '2026-09-01', to: '2026-09-07' }, weeks: { from: '2026-09-07', to: '2026-09-21' }, after: { from: '2026-09-21', to: '2026-09-22' },
    });
    expect(cellRanges({ from: '2026-09-07', to: '2026-09-14' })).toEqual({
      before: { from: '2026-09-07', to: '2026-09-07' }, weeks: { from: '2026-09-07', to: '2026-09-14' }, after: { from: '2026-09-14', to: '2026-09-14' },
    });
    // Seven days from a Wednesday hold no whole week: every day is a day cell.
    expect(cellRanges({ from: '2026-09-02', to: '2026-09-09' })).toEqual({
      before: { from: '2026-09-02', to: '2026-09-09' }, weeks: { from: '2026-09-09', to: '2026-09-09' }, after: { from: '2026-09-09', to: '2026-09-09' },
    });
  });

  describe('hand-worked: Wed 2026-09-02 12:00 → Tue 09-22 12:00 (days 09-03..09-06, weeks of 09-07 and 09-14, day 09-21)', () => {
    let account: number;
    const day = (date: number, hour: number) => Date.UTC(2026, 8, date, hour);
    const from = day(2, 12);
    const to = day(22, 12);
    const weekly = (useRollups: boolean, senders: string[] = []) =>
      userTotals({ ...context(useRollups), caller: { accountId: account, keyId: 'test', scopes: ['read'] } },
        checkFilter({ from: new Date(from), to: new Date(to), senders }));

    beforeAll(async () => {
      account = (await createAccount(db.prisma, 'Weeks', 'week-users')).id;
      await ingest(account, [
        interaction('w1a', 'w1', day(7, 9)), interaction('w1b', 'w1', day(13, 9)), //        Monday and Sunday of one week
        interaction('w2a', 'w2', day(8, 9)), interaction('w2b', 'w2', day(8, 10)), //        twice on one day of a week
        interaction('w3a', 'w3', day(9, 9)), interaction('w3b', 'w3', day(15, 9)), //        in each week once
        interaction('w4a', 'w4', day(5, 9)), interaction('w4b', 'w4', day(10, 9)), //        a day cell, then a week
        interaction('w5a', 'w5', day(16, 9)), interaction('w5b', 'w5', day(21, 9)), //       a week, then a day cell
        interaction('w6a', 'w6', day(11, 9), true), //                                       once, engaged
        interaction('w7a', 'w7', day(2, 13)), interaction('w7b', 'w7', day(17, 9)), //       the first edge, then a week
        interaction('w8a', 'w8', day(22, 10)), //                                            the last edge only
        interaction('w9a', 'w9', day(18, 9), true), interaction('w9b', 'w9', day(19, 9)), // engaged, twice in a week
        interaction('w10a', 'w10', day(1, 9)), interaction('w10b', 'w10', day(9, 11)), //    the first is before the range
        interaction('w11a', 'w11', day(8, 12), false, { sender: 'S2' }), interaction('w11b', 'w11', day(12, 9)), // two senders in one week
      ]);
    });

    it('counts users across weeks, the days around them and the edges', async () => {
      // unique w1..w11; returning w1 w2 w3 w4 w5 w7 w9 w11; engaged w6 w9
      const expected = { uniqueUsers: 11, returningUsers: 8, engagedUsers: 2 };
      expect(await weekly(false)).toEqual(expected);
      await weekly(true); // refreshes the days
      const read = await countStatements(() => weekly(true));
      expect(read.result).toEqual(expected);
      expect(read.statements).toBe(2);
      for (const text of read.texts) expect(text).toContain('FROM "WeeklyUserBitmap"');
    });

    it.each([
      [['S1'], { uniqueUsers: 11, returningUsers: 7, engagedUsers: 2 }], //         w11 came once from S1
      [['S2'], { uniqueUsers: 1, returningUsers: 0, engagedUsers: 0 }], //          w11
      [['S1', 'S2'], { uniqueUsers: 11, returningUsers: 8, engagedUsers: 2 }], //   w11's two segments in one week
    ])('senders %j read the weeks of their segments', async (senders, expected) => {
      expect(await weekly(false, senders)).toEqual(expected);
      expect(await weekly(true, senders)).toEqual(expected);
    });

    it('rebuilds a week when one of its days changes', async () => {
      // w1's Sunday moves before the range; w6 comes again on another day of its week.
      await ingest(account, [interaction('w1b', 'w1', day(1, 10)), interaction('w6b', 'w6', day(12, 15))]);
      const expected = { uniqueUsers: 11, returningUsers: 8, engagedUsers: 2 }; // w1 no longer returns, w6 does
      expect(await weekly(false)).toEqual(expected);
      expect(await weekly(true)).toEqual(expected);
      // Only the days of the week of 09-07 were marked; rebuilding it from its days gives the same rows.
      const week = async () =>
        (await db.pool.query(`SELECT segment, chunk, users::text, repeat::text, engaged::text FROM "WeeklyUserBitmap"
                               WHERE "accountId" = $1 AND week = '2026-09-07' ORDER BY segment, chunk`, [account])).rows;
      const maintained = await week();
      expect(maintained.length).toBeGreaterThan(0);
      await inTransaction(db.pool, (client) => rebuildRollups(client, account));
      expect(await week()).toEqual(maintained);
    });
  });
});

describe('the days around whole weeks, from run bitmaps', () => {
  it('reads the first or last 2 to 6 days of a week as one run, other days as days', () => {
    // 2026-09-03 is a Thursday: its week's last 4 days are a run; 09-14..09-18 are the first 5 of theirs.
    expect(runPieces({ from: '2026-09-03', to: '2026-09-07' })).toEqual([{ run: { first: '2026-09-03', days: 4 }, days: { from: '2026-09-03', to: '2026-09-07' } }]);
    expect(runPieces({ from: '2026-09-14', to: '2026-09-19' })).toEqual([{ run: { first: '2026-09-14', days: 5 }, days: { from: '2026-09-14', to: '2026-09-19' } }]);
    // One day is a day cell; days inside a week that touch neither end stay days.
    expect(runPieces({ from: '2026-09-13', to: '2026-09-14' })).toEqual([{ run: null, days: { from: '2026-09-13', to: '2026-09-14' } }]);
    expect(runPieces({ from: '2026-09-15', to: '2026-09-18' })).toEqual([{ run: null, days: { from: '2026-09-15', to: '2026-09-18' } }]);
    // Seven days from a Wednesday (no whole week): split at the Monday into a run on each side.
    expect(runPieces({ from: '2026-09-02', to: '2026-09-09' })).toEqual([
      { run: { first: '2026-09-02', days: 5 }, days: { from: '2026-09-02', to: '2026-09-07' } },
      { run: { first: '2026-09-07', days: 2 }, days: { from: '2026-09-07', to: '2026-09-09' } },
    ]);
    expect(runPieces({ from: '2026-09-07', to: '2026-09-07' })).toEqual([]);
  });

  describe('hand-worked: Thu 2026-09-03 → Sat 09-19 (run 09-03..09-06, week of 09-07, run 09-14..09-18)', () => {
    let account: number;
    const day = (date: number, hour: number) => Date.UTC(2026, 8, date, hour);
    const [from, to] = [day(3, 0), day(19, 0)];
    const read = (useRollups: boolean, senders: string[] = []) =>
      userTotals({ ...context(useRollups), caller: { accountId: account, keyId: 'test', scopes: ['read'] } },
        checkFilter({ from: new Date(from), to: new Date(to), senders }));
    const runBits = async (segment = '*') =>
      (await db.pool.query(`SELECT first::text, days, sum(bit_count(users))::int AS users, sum(bit_count(repeat))::int AS repeat,
                                   sum(bit_count(engaged))::int AS engaged
                              FROM "RunUserBitmap" WHERE "accountId" = $1 AND segment = $2
                               AND ((first = '2026-09-03' AND days = 4) OR (first = '2026-09-14' AND days = 5))
                             GROUP BY first, days ORDER BY first`, [account, segment])).rows;
    const S1 = 'sender:["S1"]';

    beforeAll(async () => {
      account = (await createAccount(db.prisma, 'Runs', 'run-users')).id;
      await ingest(account, [
        interaction('r1a', 'r1', day(3, 9)), interaction('r1b', 'r1', day(5, 9)), //          twice in the first run
        interaction('r2a', 'r2', day(4, 9)), interaction('r2b', 'r2', day(4, 10)), //         twice on one day of it
        interaction('r3a', 'r3', day(6, 9), true), //                                        once, engaged
        interaction('r4a', 'r4', day(5, 12)), interaction('r4b', 'r4', day(8, 9)), //         the run, then the week
        interaction('r5a', 'r5', day(14, 9)), interaction('r5b', 'r5', day(18, 9)), //        twice in the last run
        interaction('r6a', 'r6', day(16, 9)), //                                             once
        interaction('r7a', 'r7', day(2, 9)), interaction('r7b', 'r7', day(14, 10)), //        the first is before the range
        interaction('r8a', 'r8', day(19, 9)), //                                             after the range
        interaction('r9a', 'r9', day(13, 9)), interaction('r9b', 'r9', day(15, 9)), //        the week, then the run
        interaction('r10a', 'r10', day(17, 9), true), interaction('r10b', 'r10', day(18, 10)), // engaged, then again
      ]);
    });

    it('builds the runs of a week with its weekly bitmaps: users, repeat and engaged', async () => {
      await refreshAllUserBitmaps(db.pool, account);
      // 09-03..09-06: r1 r2 r3 r4, of whom r1 (two days) and r2 (one day twice) came twice, r3 engaged.
      // 09-14..09-18: r5 r6 r7 r9 r10, of whom r5 and r10 came twice, r10 engaged.
      expect(await runBits()).toEqual([
        { first: '2026-09-03', days: 4, users: 4, repeat: 2, engaged: 1 },
        { first: '2026-09-14', days: 5, users: 5, repeat: 2, engaged: 1 },
      ]);
      // A week has ten runs (its first 2 to 6 days, its last 2 to 6), stored when they hold users:
      // all of the weeks of 09-07 and 09-14, and 9 of the week of 08-31, whose Monday and Tuesday
      // hold nobody.
      const runs = await db.pool.query(`SELECT count(DISTINCT (first, days))::int AS n FROM "RunUserBitmap" WHERE "accountId" = $1 AND segment = '*'`, [account]);
      expect(runs.rows[0].n).toBe(29);
      // The segments' runs wait for a read that needs them.
      expect(await runBits(S1)).toEqual([]);
    });

    it('counts users across the runs and the week between them', async () => {
      // unique r1..r7 r9 r10; returning r1 r2 r4 r5 r9 r10; engaged r3 r10
      const expected = { uniqueUsers: 9, returningUsers: 6, engagedUsers: 2 };
      expect(await read(false)).toEqual(expected);
      const unfiltered = await countStatements(() => read(true));
      expect(unfiltered.result).toEqual(expected);
      for (const text of unfiltered.texts) expect(text).toContain('FROM "RunUserBitmap"');
      // Filtered by a sender: the first read reads the days of its runs, then has the two runs of its
      // segment built in the background (the helper waits for them); the next read reads them.
      const first = await countStatements(() => read(true, ['S1']));
      expect(first.result).toEqual(expected);
      expect(first.texts.filter((text) => text.includes('INSERT INTO "RunUserBitmap"'))).toHaveLength(2);
      // Every interaction here is S1's: the same users as all interactions' runs.
      expect(await runBits(S1)).toEqual([
        { first: '2026-09-03', days: 4, users: 4, repeat: 2, engaged: 1 },
        { first: '2026-09-14', days: 5, users: 5, repeat: 2, engaged: 1 },
      ]);
      const next = await countStatements(() => read(true, ['S1']));
      expect(next.result).toEqual(expected);
      expect(next.statements).toBe(2); // the two parts, and nothing built
      for (const text of next.texts) expect(text).toContain('FROM "RunUserBitmap"');
    });

    it('reads a run\'s figures from the run when it exists, and its days otherwise', async () => {
      // A run that disagreed with its days would show: take r3 (once, engaged, on 09-06) out of S1's
      // first run, by hand, and the filtered read loses r3, while the days still hold r3.
      await db.pool.query(`UPDATE "RunUserBitmap" r SET users = set_bit(r.users, u.id % ${CHUNK_BITS}, 0), engaged = set_bit(r.engaged, u.id % ${CHUNK_BITS}, 0)
                             FROM "EndUser" u WHERE u."accountId" = $1 AND u."externalId" = 'r3'
                              AND r."accountId" = $1 AND r.segment = $2 AND r.first = '2026-09-03' AND r.days = 4 AND r.chunk = u.id / ${CHUNK_BITS}`, [account, S1]);
      expect(await read(true, ['S1'])).toEqual({ uniqueUsers: 8, returningUsers: 6, engagedUsers: 1 });
      await db.pool.query(`DELETE FROM "RunUserBitmap" WHERE "accountId" = $1 AND segment = $2 AND first = '2026-09-03'`, [account, S1]);
      // Without it, the days answer again, and the read has it built again.
      expect(await read(true, ['S1'])).toEqual({ uniqueUsers: 9, returningUsers: 6, engagedUsers: 2 });
      expect(await runBits(S1)).toEqual([
        { first: '2026-09-03', days: 4, users: 4, repeat: 2, engaged: 1 },
        { first: '2026-09-14', days: 5, users: 5, repeat: 2, engaged: 1 },
      ]);
    });

    it('reads the days of a week without runs (one last rebuilt before runs existed), and has its runs built', async () => {
      const before = await runBits();
      await db.pool.query(`DELETE FROM "RunUserBitmap" WHERE "accountId" = $1 AND first >= '2026-09-14'`, [account]);
      const first = await countStatements(() => read(true));
      expect(first.result).toEqual({ uniqueUsers: 9, returningUsers: 6, engagedUsers: 2 });
      expect(first.texts.filter((text) => text.includes('INSERT INTO "RunUserBitmap"'))).toHaveLength(1);
      expect(await runBits()).toEqual(before);
      // A segment without interactions on a run's days has no run to build, and asks for none.
      await db.pool.query(`DELETE FROM "RunUserBitmap" WHERE "accountId" = $1 AND segment <> '*'`, [account]);
      await ingest(account, [interaction('r12a', 'r12', day(10, 9), false, { sender: 'S2' })]); // in the week only
      await refreshAllUserBitmaps(db.pool, account);
      await read(true, ['S1', 'S2']);
      const again = await countStatements(() => read(true, ['S1', 'S2']));
      expect(again.result).toEqual({ uniqueUsers: 10, returningUsers: 6, engagedUsers: 2 });
      expect(again.statements).toBe(2);
      expect((await db.pool.query(`SELECT DISTINCT segment FROM "RunUserBitmap" WHERE "accountId" = $1 ORDER BY segment`, [account])).rows)
        .toEqual([{ segment: '*' }, { segment: 'sender:["S1"]' }]);
    });

    it('rebuilds the runs with their week when one of its days changes', async () => {
      // r6 comes again on the Monday; r11 comes once on the Friday.
      await ingest(account, [interaction('r6b', 'r6', day(14, 15)), interaction('r11a', 'r11', day(18, 11))]);
      const expected = { uniqueUsers: 11, returningUsers: 7, engagedUsers: 2 }; // r12 too, S2's
      expect(await read(false)).toEqual(expected);
      expect(await read(true)).toEqual(expected); // refreshes the two days, their week and its runs
      expect((await runBits())[1]).toEqual({ first: '2026-09-14', days: 5, users: 6, repeat: 3, engaged: 1 });
      // The week's segment runs are gone with its rebuild (the other week's stay), and the next
      // filtered read has them built again from the new days.
      expect(await runBits(S1)).toEqual([{ first: '2026-09-03', days: 4, users: 4, repeat: 2, engaged: 1 }]);
      const ofS1 = { ...expected, uniqueUsers: 10 };
      expect(await read(false, ['S1'])).toEqual(ofS1);
      expect(await read(true, ['S1'])).toEqual(ofS1);
      expect((await runBits(S1))[1]).toEqual({ first: '2026-09-14', days: 5, users: 6, repeat: 3, engaged: 1 });
    });
  });
});

describe('concurrent refreshes of days of one week', () => {
  it('leave the week as its rebuild from the raw rows builds it', async () => {
    const account = (await createAccount(db.prisma, 'Concurrent weeks', 'concurrent-weeks')).id;
    const r = new Random(777 + PROPERTY_SEED);
    const monday = Date.UTC(2026, 8, 14);
    const weekRows = async () =>
      (await db.pool.query(`SELECT segment, chunk, users::text, repeat::text, engaged::text FROM "WeeklyUserBitmap"
                             WHERE "accountId" = $1 ORDER BY segment, chunk`, [account])).rows;
    for (let round = 0; round < 6; round++) {
      // Interactions move between two days of the week; both days are then refreshed at once.
      const [a, b] = [r.int(0, 3), r.int(4, 6)];
      await ingest(account, Array.from({ length: 40 }, (_, n) =>
        interaction(`cw-${n}`, `cu${r.int(1, 25)}`, monday + (r.chance(0.5) ? a : b) * DAY + r.int(0, DAY - 1), r.chance(0.3), { sender: r.pick(SENDERS) })));
      const day = (d: number) => ({ from: iso(monday + d * DAY).slice(0, 10), to: iso(monday + (d + 1) * DAY).slice(0, 10) });
      await Promise.all([refreshUserBitmaps(db.pool, account, day(a)), refreshUserBitmaps(db.pool, account, day(b))]);
      await refreshUserBitmaps(db.pool, account); // days the batch left, outside a and b
      const maintained = await weekRows();
      await inTransaction(db.pool, (client) => rebuildRollups(client, account));
      expect(await weekRows()).toEqual(maintained);
    }
  });
});

describe('stale whole days', () => {
  let account: number;
  // Whole days D1, D2 and D3 (D1 00:00 → D4 00:00).
  const read = (now: number, useRollups = true) =>
    readTotals({ ...context(useRollups), now: new Date(now), caller: { accountId: account, keyId: 'test', scopes: ['read'] } },
      checkFilter({ from: new Date(D1), to: new Date(D4) }));
  const staleDays = async () =>
    (await db.pool.query(`SELECT to_char(day, 'YYYY-MM-DD') AS day FROM "StaleUserDay" WHERE "accountId" = $1 ORDER BY day`, [account])).rows.map((row) => row.day);

  beforeAll(async () => {
    account = (await createAccount(db.prisma, 'Stale days', 'stale-days')).id;
    await ingest(account, [
      interaction('s1', 'w1', D1 + HOUR), interaction('s2', 'w1', D2 + HOUR), //   returning across days
      interaction('s3', 'w2', D2 + 2 * HOUR, true), //                             engaged
      interaction('s4', 'w3', D3 + HOUR), interaction('s5', 'w3', D3 + 2 * HOUR), // twice in a day
    ]);
    await refreshAllUserBitmaps(db.pool, account);
  });

  it('reads a stale whole day that is today from its raw rows, and leaves it stale', async () => {
    // A late change to D2: w4 comes, engaged, and w1's second visit moves off D2 to D3.
    await ingest(account, [interaction('s6', 'w4', D2 + 5 * HOUR, true), interaction('s2', 'w1', D3 + 5 * HOUR)]);
    expect(await staleDays()).toEqual(['2026-09-02', '2026-09-03']);
    // unique w1..w4; returning w1 (D1 and D3), w3 (twice on D3); engaged w2, w4
    const expected = { uniqueUsers: 4, returningUsers: 2, engagedUsers: 2 };
    expect(await read(D3 + HOUR, false)).toEqual(expected);
    // "Today" is D3: both halves find D2 and D3 stale, then read them raw; nothing is rebuilt.
    const stale = await countStatements(() => read(D3 + HOUR));
    expect(stale.result).toEqual(expected);
    expect(stale.statements).toBe(4);
    expect(stale.texts.some((text) => text.includes('INSERT INTO'))).toBe(false);
    await backgroundSettled(db.pool);
    // D2 is over: refreshed in the background after the read; D3, today, is not.
    expect(await staleDays()).toEqual(['2026-09-03']);
    const again = await countStatements(() => read(D3 + HOUR));
    expect(again.result).toEqual(expected);
    expect(again.statements).toBe(4);
  });

  it('refreshes the days that are over in the background, after which the bitmaps answer alone', async () => {
    const expected = { uniqueUsers: 4, returningUsers: 2, engagedUsers: 2 };
    expect(await read(D4 + 30 * DAY)).toEqual(expected);
    await backgroundSettled(db.pool);
    expect(await staleDays()).toEqual([]);
    const fresh = await countStatements(() => read(D4 + 30 * DAY));
    expect(fresh.result).toEqual(expected);
    expect(fresh.statements).toBe(2);
  });

  it('refreshes more than two stale whole days before reading them', async () => {
    // w5 on every whole day: unique w1..w5, returning w1, w3 and w5.
    await ingest(account, [interaction('s7', 'w5', D1 + 9 * HOUR), interaction('s8', 'w5', D2 + 9 * HOUR), interaction('s9', 'w5', D3 + 9 * HOUR)]);
    expect(await staleDays()).toEqual(['2026-09-01', '2026-09-02', '2026-09-03']);
    const expected = { uniqueUsers: 5, returningUsers: 3, engagedUsers: 2 };
    expect(await read(D4 + 30 * DAY, false)).toEqual(expected);
    const refreshing = await countStatements(() => read(D4 + 30 * DAY));
    expect(refreshing.result).toEqual(expected);
    expect(refreshing.texts.filter((text) => text.includes('INSERT INTO "DailyUserBitmap"'))).toHaveLength(3);
    expect(await staleDays()).toEqual([]);
  });

  it('marks no day for a rewrite that keeps what the bitmaps take, and both days for one that moves', async () => {
    // A CSAT answer, an analysis, a delivery report and the same interaction sent again change no bitmap.
    await ingest(account, [
      { record: 'csat', interactionId: 's4', score: 4, at: iso(D3 + 3 * HOUR) },
      { record: 'analysis', interactionId: 's3', outcome: 'SUCCESSFUL', sentiment: 'POSITIVE' },
      { record: 'messageStatus', interactionId: 's5', messageId: 'm0', status: 'DELIVERED', at: iso(D3 + 3 * HOUR) },
      interaction('s1', 'w1', D1 + HOUR),
    ]);
    expect(await staleDays()).toEqual([]);
    // s5 moves from D3 to D2 and to another end user: both days are marked.
    await ingest(account, [interaction('s5', 'w6', D2 + 6 * HOUR)]);
    expect(await staleDays()).toEqual(['2026-09-02', '2026-09-03']);
    // unique w1..w6; returning w1, w5 (w3 now came once); engaged w2, w4
    const expected = { uniqueUsers: 6, returningUsers: 2, engagedUsers: 2 };
    expect(await read(D4 + 30 * DAY, false)).toEqual(expected);
    expect(await read(D4 + 30 * DAY)).toEqual(expected);
    // Engagement is one of the inputs too: w6's interaction, answered, marks its day.
    await backgroundSettled(db.pool);
    await ingest(account, [interaction('s5', 'w6', D2 + 6 * HOUR, true)]);
    expect(await staleDays()).toEqual(['2026-09-02']);
    expect(await read(D4 + 30 * DAY)).toEqual({ ...expected, engagedUsers: 3 });
  });

  it('refreshes every day asked for while the account\'s refresh waits or runs', async () => {
    await backgroundSettled(db.pool);
    // w7 on every whole day marks the three of them.
    await ingest(account, [interaction('s10', 'w7', D1 + 10 * HOUR), interaction('s11', 'w7', D2 + 10 * HOUR), interaction('s12', 'w7', D3 + 10 * HOUR)]);
    expect(await staleDays()).toEqual(['2026-09-01', '2026-09-02', '2026-09-03']);
    // As the periods of a daily series ask, one day each in the same tick: the first queues the
    // account's job, the others find it queued (they were dropped, and their days stayed stale).
    for (const day of ['2026-09-01', '2026-09-02', '2026-09-03']) refreshInBackground(db.pool, account, [day], '2026-10-01');
    await backgroundSettled(db.pool);
    expect(await staleDays()).toEqual([]);
    // unique w1..w7; returning w1, w5, w7; engaged w2, w4, w6
    expect(await read(D4 + 30 * DAY)).toEqual({ uniqueUsers: 7, returningUsers: 3, engagedUsers: 3 });
    expect(await read(D4 + 30 * DAY, false)).toEqual({ uniqueUsers: 7, returningUsers: 3, engagedUsers: 3 });
  });
});

describe('refreshing every stale day at the end of a load', () => {
  it('refreshes them in two parts that share no week, to the bitmaps a rebuild from the raw rows builds', async () => {
    const account = (await createAccount(db.prisma, 'All stale days', 'all-stale')).id;
    const r = new Random(99 + PROPERTY_SEED);
    const start = Date.UTC(2026, 8, 2); // a Wednesday: the 22 days touch four weeks
    await ingest(account, Array.from({ length: 120 }, (_, n) =>
      interaction(`as-${n}`, `au${r.int(1, 40)}`, start + r.int(0, 22 * DAY - 1), r.chance(0.3), { sender: r.pick(SENDERS) })));
    const days = (await db.pool.query(`SELECT count(*)::int AS n FROM "StaleUserDay" WHERE "accountId" = $1`, [account])).rows[0].n;
    expect(days).toBeGreaterThan(15);
    const bitmaps = async () => ({
      daily: (await db.pool.query(`SELECT segment, day::text, chunk, users::text, repeat::text, engaged::text FROM "DailyUserBitmap"
                                    WHERE "accountId" = $1 ORDER BY segment, day, chunk`, [account])).rows,
      weekly: (await db.pool.query(`SELECT segment, week::text, chunk, users::text, repeat::text, engaged::text FROM "WeeklyUserBitmap"
                                     WHERE "accountId" = $1 ORDER BY segment, week, chunk`, [account])).rows,
      blocks: (await db.pool.query(`SELECT day::text, block, chunk, users::text, repeat::text, engaged::text FROM "BlockUserBitmap"
                                     WHERE "accountId" = $1 ORDER BY day, block, chunk`, [account])).rows,
      runs: (await db.pool.query(`SELECT first::text, days, chunk, users::text, repeat::text, engaged::text FROM "RunUserBitmap"
                                   WHERE "accountId" = $1 ORDER BY first, days, chunk`, [account])).rows,
    });
    const refreshed = await refreshAllUserBitmaps(db.pool, account);
    expect(refreshed.days).toBe(days);
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM "StaleUserDay" WHERE "accountId" = $1`, [account])).rows[0].n).toBe(0);
    const maintained = await bitmaps();
    expect(new Set(maintained.weekly.map((row) => row.week)).size).toBe(4);
    expect(new Set(maintained.blocks.map((row) => row.day)).size).toBe(days);
    // Ten runs a week but those without users: from Wed 09-02 to Wed 09-23, the week of 08-31 has
    // none on Mon-Tue, and the week of 09-21 none on Thu-Sun (its last 2, 3 and 4 days).
    expect(new Set(maintained.runs.map((row) => `${row.first}+${row.days}`)).size).toBe(10 + 10 + 9 + 7);
    await inTransaction(db.pool, (client) => rebuildRollups(client, account));
    expect(await bitmaps()).toEqual(maintained);
  });
});

describe('random data and ranges', () => {
  let other: number;

  beforeAll(async () => {
    other = (await createAccount(db.prisma, 'Other', 'other-users')).id;
  });

  it('matches the raw path after every batch, with upserts moving interactions between days', async () => {
    const r = new Random(424242 + PROPERTY_SEED);
    const start = D1 + 10 * DAY;
    const ids = Array.from({ length: 300 }, (_, n) => `r-${n}`);
    let compared = 0;
    let withWeeks = 0;
    let withBlocks = 0;
    let withRuns = 0;
    let segmentRunReads = 0;
    const wholeDaysOf = (from: number, to: number) => ({ from: iso(Math.ceil(from / DAY) * DAY).slice(0, 10), to: iso(Math.floor(to / DAY) * DAY).slice(0, 10) });
    // Whole days whose cells include a run (before or after the weeks inside them).
    const withRun = (days: { from: string; to: string }) => {
      if (days.from >= days.to) return false;
      const { before, after } = cellRanges(days);
      return [...runPieces(before), ...runPieces(after)].some((piece) => piece.run !== null);
    };
    for (let batch = 0; batch < 6; batch++) {
      const records = Array.from({ length: 120 }, () =>
        interaction(r.pick(ids), `ru${r.int(1, 150)}`, start + r.int(0, 20 * DAY - 1), r.chance(0.3), {
          sender: r.pick(SENDERS),
          automation: r.chance(0.5) ? r.pick(AUTOMATIONS) : undefined,
          version: r.int(1, 2),
        }),
      );
      await ingest(accountId, records);
      await ingest(other, records.slice(0, 30)); // the same users in another account never count
      // Every other batch, every day is refreshed: unfiltered ranges then read their edges' quarters
      // from the block bitmaps; after the other batches, some edge days are stale and read raw.
      if (batch % 2 === 1) await refreshAllUserBitmaps(db.pool, accountId);
      for (let n = 0; n < 16; n++) {
        // After a refresh, the first two ranges are unfiltered, start before noon (their first
        // day's last quarters are blocks) and hold a run, so that every seed reads both.
        const covering = batch % 2 === 1 && n < 2;
        let from: number;
        let to: number;
        do {
          // Ranges of up to 16 days over 20, so that many hold whole weeks with days around them.
          const whole = r.chance(0.3);
          from = whole ? start + r.int(0, 8) * DAY : start + r.int(-DAY, 8 * DAY);
          to = whole ? from + r.int(1, 16) * DAY : from + r.int(DAY, 16 * DAY);
        } while (covering && !(from % DAY > 0 && from % DAY <= 12 * HOUR && withRun(wholeDaysOf(from, to))));
        // Half the other ranges narrow by a random choice of senders and automations, some by a version.
        const senders = !covering && r.chance(0.5) ? SENDERS.filter(() => r.chance(0.5)) : [];
        const automations = !covering && r.chance(0.5) ? AUTOMATIONS.filter(() => r.chance(0.5)) : [];
        const versions = !covering && r.chance(0.3) ? [String(r.int(1, 2))] : [];
        const raw = await users(false, from, to, senders, automations, versions);
        const range = { from: iso(from), to: iso(to), senders, automations, versions };
        const read = await countStatements(() => users(true, from, to, senders, automations, versions));
        expect({ ...range, users: read.result }).toEqual({ ...range, users: raw });
        if (batch % 2 === 1 && read.texts.some((text) => text.includes('FROM "BlockUserBitmap"'))) withBlocks++;
        const filtered = senders.length + automations.length + versions.length > 0;
        if (batch % 2 === 1 && !filtered && withRun(wholeDaysOf(from, to))) withRuns++;
        if (filtered) {
          // Again, with the segments' runs and blocks the first read had built where its days were not stale.
          expect({ ...range, users: await users(true, from, to, senders, automations, versions) }).toEqual({ ...range, users: raw });
          if (withRun(wholeDaysOf(from, to))) segmentRunReads++;
        }
        if (raw.returningUsers > 0 && raw.returningUsers < raw.uniqueUsers) compared++;
        const wholeDays = wholeDaysOf(from, to);
        if (wholeDays.from < wholeDays.to && cellRanges(wholeDays).weeks.from < cellRanges(wholeDays).weeks.to) withWeeks++;
      }
    }
    expect(compared).toBeGreaterThan(40);
    expect(withWeeks).toBeGreaterThan(20);
    expect(withBlocks).toBeGreaterThan(5);
    expect(withRuns).toBeGreaterThan(5);
    expect(segmentRunReads).toBeGreaterThan(5);
  }, 120_000);

  it('rebuilds to the same bitmaps it maintained', async () => {
    const bitmaps = async () =>
      Promise.all([
        ...['DailyUserBitmap', 'WeeklyUserBitmap'].map(async (table) =>
          (await db.pool.query(`SELECT segment, ${table === 'DailyUserBitmap' ? 'day' : 'week'}::text AS start, chunk, users::text, repeat::text, engaged::text
                                  FROM "${table}" WHERE "accountId" = $1 ORDER BY segment, start, chunk`, [accountId])).rows),
        (await db.pool.query(`SELECT segment, day::text, block, chunk, users::text, repeat::text, engaged::text
                                FROM "BlockUserBitmap" WHERE "accountId" = $1 ORDER BY segment, day, block, chunk`, [accountId])).rows,
        (await db.pool.query(`SELECT segment, first::text, days, chunk, users::text, repeat::text, engaged::text
                                FROM "RunUserBitmap" WHERE "accountId" = $1 ORDER BY segment, first, days, chunk`, [accountId])).rows,
      ]);
    await users(true, D1, D1 + 40 * DAY); // refreshes every stale day in the range
    const maintained = await bitmaps();
    expect(maintained[0].length).toBeGreaterThan(5);
    expect(maintained[1].length).toBeGreaterThan(3);
    // The segments' blocks and runs the filtered reads above had built, kept through the batches'
    // changes (a day's refresh deletes its blocks, a week's its runs; the next read builds them).
    const ofSegments = (rows: Array<Record<string, string>>, key: (row: Record<string, string>) => string) =>
      [...new Map(rows.filter((row) => row.segment !== '*').map((row) => [key(row), row])).values()];
    const segmentBlocks = ofSegments(maintained[2], (row) => `${row.segment} ${row.day}`);
    const segmentRuns = ofSegments(maintained[3], (row) => `${row.segment} ${row.first} ${row.days}`);
    expect(segmentBlocks.length).toBeGreaterThan(5);
    expect(segmentRuns.length).toBeGreaterThan(5);
    expect(maintained[2].filter((row) => row.segment === '*').length).toBeGreaterThan(20);
    expect(maintained[3].filter((row) => row.segment === '*').length).toBeGreaterThan(20);
    // A rebuild builds all interactions' blocks and runs again and leaves the segments' to the
    // reads: built again from the rebuilt days, each is what was maintained.
    await inTransaction(db.pool, (client) => rebuildRollups(client, accountId));
    for (const { segment, day } of segmentBlocks) await buildSegmentCells(db.pool, accountId, { kind: 'blocks', day: day!, segments: [segment!] });
    for (const { segment, first, days } of segmentRuns) await buildSegmentCells(db.pool, accountId, { kind: 'run', first: first!, days: Number(days), segments: [segment!] });
    expect(await bitmaps()).toEqual(maintained);
  });
});

describe('how bitmap rows are stored', () => {
  it('keeps each bit string whole, uncompressed, inside its row (migration 20261124221407: toast_tuple_target 8160)', async () => {
    const account = (await createAccount(db.prisma, 'Stored', 'stored')).id;
    // Two users on one day: bitmaps almost all zeros, which pglz compresses to a few dozen bytes.
    await ingest(account, [interaction('s-1', 'stored-u1', D1 + HOUR), interaction('s-2', 'stored-u2', D1 + 2 * HOUR, true)]);
    await refreshAllUserBitmaps(db.pool, account);
    for (const table of ['DailyUserBitmap', 'WeeklyUserBitmap']) {
      const { rows } = await db.pool.query<{ sizes: number[] }>(
        `SELECT array_agg(DISTINCT pg_column_size(b.users) || ',' || pg_column_size(b.repeat) || ',' || pg_column_size(b.engaged)) AS sizes
           FROM "${table}" b WHERE b."accountId" = $1`,
        [account],
      );
      // 8192 bits are 1,024 bytes, after the bit string's 4-byte length and 4-byte bit count.
      expect({ table, sizes: rows[0]!.sizes }).toEqual({ table, sizes: ['1032,1032,1032'] });
    }
  });
});

/**
 * The GraphQL ingest mutation: per-record results by list position, the 1000-record limit, and
 * the `ingest` scope. Everything is checked in the database, not only in the response.
 */
import { createApiKey } from '../../src/accounts/accountStore';
import { startTestServer, type TestServer } from '../helpers/server';
import { D, dump, inbound, interaction, outbound, stored, T } from './helpers';

const INGEST = 'mutation($r: [JSONObject!]!) { ingest(records: $r) { stored rejected { index path reason } } }';

let t: TestServer;
let a: { id: number; apiKey: string };
let b: { id: number; apiKey: string };

beforeAll(async () => {
  t = await startTestServer();
  a = await t.createAccount('A');
  b = await t.createAccount('B');
});
afterAll(async () => t?.close());

const count = async (accountId: number) =>
  (await t.db.pool.query(`SELECT count(*)::int AS n FROM "Interaction" WHERE "accountId" = $1`, [accountId])).rows[0].n as number;

it('stores the good records and rejects the bad ones, each by its list position', async () => {
  const records = [
    /* 0 */ interaction('g-1', { messages: [inbound('m1', 0), outbound('m2', 1)] }),
    /* 1 */ { ...interaction('g-bad'), channel: 'whatsapp' },
    /* 2 */ { record: 'csat', interactionId: 'g-1', score: 5, at: T(60) },
    /* 3 */ { record: 'csat', interactionId: 'g-unknown', score: 5, at: T(60) },
    /* 4 */ { record: 'messageStatus', interactionId: 'g-1', messageId: 'm2', status: 'DELIVERED', at: T(2) },
    /* 5 */ { record: 'interaction' },
    /* 6 */ interaction('g-2', { endedAt: T(-1) }),
    /* 7 */ interaction('g-3'),
  ];
  const res = await t.request(INGEST, { r: records }, a.apiKey);
  expect(res.errors).toBeUndefined();
  expect(res.data).toEqual({
    ingest: {
      stored: 4,
      rejected: [
        { index: 1, path: 'channel', reason: 'must be a channel code of upper-case letters, digits and _, got "whatsapp"' },
        { index: 3, path: 'interactionId', reason: 'no interaction "g-unknown" in this account' },
        { index: 5, path: 'startedAt', reason: 'is required' },
        { index: 6, path: 'endedAt', reason: 'must not be before startedAt' },
      ],
    },
  });
  const g1 = (await stored(t.db.pool, a.id, 'g-1'))!;
  expect(g1.row).toMatchObject({ csatScore: 5, csatAt: D(60), engaged: false, inboundCount: 1, outboundCount: 1 });
  expect(g1.messages.find((m) => m.id === 'm2')).toMatchObject({ status: 'DELIVERED', statusAt: D(2) });
  expect(await stored(t.db.pool, a.id, 'g-3')).not.toBeNull();
  expect(await stored(t.db.pool, a.id, 'g-bad')).toBeNull();
  expect(await stored(t.db.pool, a.id, 'g-2')).toBeNull();
  expect(await count(b.id)).toBe(0);
});

it('a late record sent with another account\'s key is rejected and changes nothing there', async () => {
  const before = await dump(t.db.pool, a.id);
  const res = await t.request(INGEST, { r: [{ record: 'csat', interactionId: 'g-1', score: 1, at: T(90) }] }, b.apiKey);
  expect(res.data).toEqual({ ingest: { stored: 0, rejected: [{ index: 0, path: 'interactionId', reason: 'no interaction "g-1" in this account' }] } });
  expect(await dump(t.db.pool, a.id)).toEqual(before);
});

it('1000 records are accepted in one call', async () => {
  const records = Array.from({ length: 1000 }, (_, i) => interaction(`k-${i}`, { endUserId: `u-${i % 7}` }));
  const res = await t.request(INGEST, { r: records }, b.apiKey);
  expect(res.errors).toBeUndefined();
  expect(res.data).toEqual({ ingest: { stored: 1000, rejected: [] } });
  expect(await count(b.id)).toBe(1000);
  const { rows } = await t.db.pool.query(`SELECT count(*)::int AS n FROM "EndUser" WHERE "accountId" = $1`, [b.id]);
  expect(rows[0].n).toBe(7);
});

it('more than 1000 records: BAD_USER_INPUT and nothing stored', async () => {
  const before = await dump(t.db.pool);
  const records = Array.from({ length: 1001 }, (_, i) => interaction(`over-${i}`));
  const res = await t.request(INGEST, { r: records }, a.apiKey);
  expect(res.data ?? null).toBeNull();
  expect(res.errors).toHaveLength(1);
  expect(res.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringContaining('1001') });
  expect(res.errors![0]!.message).toContain('1000');
  expect(await dump(t.db.pool)).toEqual(before);
});

it('a key without the ingest scope: FORBIDDEN and nothing stored', async () => {
  const readOnly = await createApiKey(t.db.prisma, a.id, 'read only', ['read']);
  const before = await dump(t.db.pool);
  const res = await t.request(INGEST, { r: [interaction('forbidden-1'), { record: 'csat', interactionId: 'g-1', score: 1, at: T(99) }] }, readOnly.apiKey);
  expect(res.data ?? null).toBeNull();
  expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  expect(await dump(t.db.pool)).toEqual(before);
});

it('no key: UNAUTHENTICATED (401) and nothing stored', async () => {
  const before = await dump(t.db.pool);
  const res = await t.request(INGEST, { r: [interaction('anon-1')] }, null);
  expect(res.status).toBe(401);
  expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  expect(await dump(t.db.pool)).toEqual(before);
});

it('the ingest scope alone is enough', async () => {
  const ingestOnly = await createApiKey(t.db.prisma, a.id, 'ingest only', ['ingest']);
  const res = await t.request(INGEST, { r: [interaction('scoped-1')] }, ingestOnly.apiKey);
  expect(res.data).toEqual({ ingest: { stored: 1, rejected: [] } });
});

/**
 * Abuse limits, error masking, request IDs and what unauthenticated callers can learn.
 * Every rejection is paired with a control just under the limit that succeeds (and returns real
 * data), so that no check passes because the feature is broken in some other way.
 */
import { createAccount, createApiKey } from '../../src/accounts/accountStore';
import { connectDatabase, type Database } from '../../src/db/database';
import { ingestBatch } from '../../src/ingest/ingest';
import { startServer, type RunningServer } from '../../src/server/app';
import type { Logger } from '../../src/server/errors';
import { readLimits } from '../../src/server/limits/settings';
import { createEmptyDatabase, createTestDatabase, dropDatabase, type TestDatabase } from '../helpers/db';
import { REQUEST_ID } from '../helpers/server';
import { codes, dataOf, expectNothingInternal, gql, post, received, type Reply } from './http';

const FILTER = { from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z' };
const TOPICS = ['Billing', 'Delivery', 'Returns', 'Login', 'Other'];
const INGEST = 'mutation($r: [JSONObject!]!) { ingest(records: $r) { stored rejected { index reason } } }';

const interaction = (id: string, n: number, extra: Record<string, unknown> = {}) => ({
  record: 'interaction', id, type: 'CONVERSATIONAL',
  startedAt: new Date(Date.parse('2026-10-05T00:00:00Z') + n * 60_000).toISOString(),
  automation: { id: 'cb', type: 'CHATBOT', name: 'Bot' }, channel: 'SMS', endUserId: `u-${n % 40}`,
  messages: [{ id: 'm1', direction: 'INBOUND', author: 'END_USER', channel: 'SMS', sentAt: new Date(Date.parse('2026-10-05T00:00:00Z') + n * 60_000).toISOString() }],
  analysis: { outcome: n % 3 === 0 ? 'UNSUCCESSFUL' : 'SUCCESSFUL', topics: [{ name: TOPICS[n % TOPICS.length], resolved: n % 2 === 0 }], issues: n % 3 === 0 ? ['Bot did not understand'] : [] },
  ...extra,
});

async function seed(pool: Database["pool"], accountId: number, records: Record<string, unknown>[]) {
  for (let i = 0; i < records.length; i += 1000) {
    const result = await ingestBatch(pool, accountId, records.slice(i, i + 1000).map((value, index) => ({ index, value })));
    expect(result.rejected).toEqual([]);
  }
}

/** Every error of the reply (and the response header) carries the same request ID. */
function expectRequestId(reply: Reply): string {
  const id = reply.headers.get('x-request-id');
  expect(id).toMatch(REQUEST_ID);
  const bodies = Array.isArray(reply.body) ? reply.body : [reply.body];
  for (const body of bodies) {
    for (const error of body.errors ?? []) expect(error.extensions?.requestId).toBe(id);
  }
  return id!;
}

/** A rejection: exactly the one expected code, no data, the request ID, nothing internal. */
function expectRejected(reply: Reply, code: string, status: number): void {
  expect({ status: reply.status, codes: codes(reply) }).toEqual({ status, codes: [code] });
  expect(reply.body.data ?? undefined).toBeUndefined();
  expectRequestId(reply);
  expectNothingInternal(reply.text);
}

function capture(): Logger & { lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, error: (fields) => lines.push(fields) };
}

let db: TestDatabase;
let a: { id: number; apiKey: string };
/** A second key of account A, with its own rate-limit bucket. */
let a2: string;
let b: { id: number; apiKey: string };
let big: { id: number; apiKey: string };
/** Small limits so that each can be hit cheaply; production mode. */
let limited: RunningServer;
const limitedLog = capture();
/** Default limits (but a rate limit out of the way); production mode. */
let plain: RunningServer;
/** 60 requests a minute, bursts of 3. */
let rated: RunningServer;

const servers: RunningServer[] = [];
const pools: Database[] = [];

async function start(options: Omit<Parameters<typeof startServer>[0], 'port'>): Promise<RunningServer> {
  const server = await startServer({ port: 0, host: '127.0.0.1', ...options });
  servers.push(server);
  return server;
}

async function storedIds(accountId: number, prefix: string): Promise<string[]> {
  const { rows } = await db.pool.query(
    `SELECT "externalId" FROM "Interaction" WHERE "accountId" = $1 AND "externalId" LIKE $2 ORDER BY "externalId"`,
    [accountId, `${prefix}%`],
  );
  return rows.map((row) => row.externalId);
}

beforeAll(async () => {
  db = await createTestDatabase({ size: 10 });
  a = await createAccount(db.prisma, 'A');
  a2 = (await createApiKey(db.prisma, a.id, 'second', ['read', 'ingest', 'admin'])).apiKey;
  b = await createAccount(db.prisma, 'B');
  big = await createAccount(db.prisma, 'Big');
  await seed(db.pool, a.id, Array.from({ length: 30 }, (_, n) => interaction(`c-${n}`, n)));
  // Enough rows that the dashboard's statements take well over a millisecond.
  await seed(db.pool, big.id, Array.from({ length: 3000 }, (_, n) => interaction(`big-${n}`, n)));
  const lots = { ratePerMinute: 1_000_000, rateBurst: 1_000_000 };
  limited = await start({
    db,
    production: true,
    logger: limitedLog,
    limits: readLimits({ ...lots, maxDepth: 6, maxCost: 200, maxAliases: 3, maxBatchOperations: 3, maxBodyBytes: 20_000, maxIngestBodyBytes: 100_000 }),
  });
  plain = await start({ db, production: true, logger: capture(), limits: readLimits(lots) });
  rated = await start({ db, production: true, logger: capture(), limits: readLimits({ ratePerMinute: 60, rateBurst: 3 }) });
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  for (const pool of pools) await pool.close().catch(() => undefined);
  await db?.drop();
});

describe('query depth (DEPTH_LIMIT_EXCEEDED)', () => {
  // insights 0 › successful 1 › examples 2 › edges 3 › node 4 › automation 5 › name 6
  const DEPTH_6 = `query($f: InsightsFilter!) { insights(filter: $f) { successful { examples(first: 2) { edges { node { automation { name } } } } } } }`;
  // insights 0 › topics 1 › edges 2 › node 3 › examples 4 › edges 5 › node 6 › id 7
  const DEPTH_7 = `query($f: InsightsFilter!) { insights(filter: $f) { topics(first: 1) { edges { node { examples(first: 1) { edges { node { id } } } } } } } }`;

  it('answers a query exactly at the limit', async () => {
    const data = dataOf(await gql(limited.url, DEPTH_6, { f: FILTER }, a.apiKey));
    expect(data.insights.successful.examples.edges).toEqual([{ node: { automation: { name: 'Bot' } } }, { node: { automation: { name: 'Bot' } } }]);
    // The deeper query is fine where the limit is the default (12).
    const deeper = dataOf(await gql(plain.url, DEPTH_7, { f: FILTER }, a.apiKey));
    expect(deeper.insights.topics.edges[0].node.examples.edges).toHaveLength(1);
  });

  it('rejects one level more before anything runs', async () => {
    const reply = await gql(limited.url, DEPTH_7, { f: FILTER }, a.apiKey);
    expectRejected(reply, 'DEPTH_LIMIT_EXCEEDED', 400);
    expect(reply.body.errors[0].message).toMatch(/6 levels/);
  });

  it('counts levels through fragments', async () => {
    const viaFragments = (leaf: string) => `query($f: InsightsFilter!) { insights(filter: $f) { ...T } }
      fragment T on Insights { topics(first: 1) { edges { node { ...E } } } }
      fragment E on TopicDetails { examples(first: 1) { edges { node { ${leaf} } } } }`;
    // the same 7 levels as DEPTH_7, split over two fragments
    expectRejected(await gql(limited.url, viaFragments('id'), { f: FILTER }, a.apiKey), 'DEPTH_LIMIT_EXCEEDED', 400);
    // the same 6 levels as DEPTH_6, split over two fragments
    const control = `query($f: InsightsFilter!) { insights(filter: $f) { ...S } }
      fragment S on Insights { successful { ...X } }
      fragment X on OutcomeDrilldown { examples(first: 1) { edges { node { automation { name } } } } }`;
    expect(dataOf(await gql(limited.url, control, { f: FILTER }, a.apiKey)).insights.successful.examples.edges).toHaveLength(1);
  });

  it('answers unknown and cyclic fragments with a validation error, not an internal error', async () => {
    for (const query of [
      '{ ...Nope }',
      'query { senders ...A } fragment A on Query { ...B } fragment B on Query { ...A }',
    ]) {
      const reply = await gql(limited.url, query, {}, a.apiKey);
      expect({ query, status: reply.status, codes: codes(reply) }).toEqual({ query, status: 400, codes: expect.arrayContaining(['GRAPHQL_VALIDATION_FAILED']) });
      expect(codes(reply)).not.toContain('INTERNAL_SERVER_ERROR');
      expectRequestId(reply);
    }
  });
});

describe('query cost (COST_LIMIT_EXCEEDED)', () => {
  // id 1, node 1 + 1, edges 1 + 2, interactions 1 + 3·first, insights 1 + that: 2 + 3·first
  const LIST = (first: string) => `query($f: InsightsFilter!${first === '$n' ? ', $n: Int' : ''}) { insights(filter: $f) { interactions(first: ${first}) { edges { node { id } } } } }`;

  it('answers a query that costs exactly the limit (2 + 3·66 = 200)', async () => {
    const data = dataOf(await gql(limited.url, LIST('66'), { f: FILTER }, a.apiKey));
    expect(data.insights.interactions.edges).toHaveLength(30);
  });

  it('rejects one item more (203), saying the cost and the limit', async () => {
    const reply = await gql(limited.url, LIST('67'), { f: FILTER }, a.apiKey);
    expectRejected(reply, 'COST_LIMIT_EXCEEDED', 400);
    expect(reply.body.errors[0].extensions).toMatchObject({ cost: 203, maxCost: 200 });
  });

  it('reads first from variables', async () => {
    expectRejected(await gql(limited.url, LIST('$n'), { f: FILTER, n: 67 }, a.apiKey), 'COST_LIMIT_EXCEEDED', 400);
    expect(dataOf(await gql(limited.url, LIST('$n'), { f: FILTER, n: 66 }, a.apiKey)).insights.interactions.edges).toHaveLength(30);
  });

  it('multiplies nested lists: 10 issues × 10 examples is over, 5 × 10 is under, though each first is small', async () => {
    // examples 1 + 3·10 = 31, issues 1 + 31·k, unsuccessful 1 + that, insights 3 + 31·k
    const nested = (k: number) => `query($f: InsightsFilter!) { insights(filter: $f) { unsuccessful { issues(first: ${k}) { examples(first: 10) { edges { node { id } } } } } } }`;
    const over = await gql(limited.url, nested(10), { f: FILTER }, a.apiKey);
    expectRejected(over, 'COST_LIMIT_EXCEEDED', 400);
    expect(over.body.errors[0].extensions.cost).toBe(313);
    const under = dataOf(await gql(limited.url, nested(5), { f: FILTER }, a.apiKey));
    expect(under.insights.unsuccessful.issues).toHaveLength(1);
    expect(under.insights.unsuccessful.issues[0].examples.edges).toHaveLength(10);
  });

  it('answers variables that do not fit their declarations as BAD_USER_INPUT, not as an internal error', async () => {
    const bad = [
      { n: 'ten', f: FILTER }, // wrong type
      { n: 5 }, // a required variable missing
      { n: 5, f: { from: 'yesterday', to: FILTER.to } }, // an input field of the wrong form
    ];
    for (const variables of bad) {
      const reply = await gql(limited.url, LIST('$n'), variables, a.apiKey);
      expect({ variables, status: reply.status, codes: codes(reply) }).toEqual({ variables, status: 400, codes: ['BAD_USER_INPUT'] });
      expectRequestId(reply);
      expectNothingInternal(reply.text);
    }
    const unknownOperation = await post(limited.url, { query: LIST('$n'), variables: { f: FILTER, n: 5 }, operationName: 'Nope' }, a.apiKey);
    expect(unknownOperation.status).toBe(400);
    expect(codes(unknownOperation)).not.toContain('INTERNAL_SERVER_ERROR');
    expect(limitedLog.lines).toEqual([]);
  });
});

describe('aliases (ALIAS_LIMIT_EXCEEDED)', () => {
  it('answers 3 aliases and rejects 4, also when they hide in a fragment', async () => {
    expect(dataOf(await gql(limited.url, '{ a: automations { id } b: senders c: senders }', {}, a.apiKey))).toEqual({ a: [{ id: 'cb' }], b: [], c: [] });
    expectRejected(await gql(limited.url, '{ a: automations { id } b: senders c: senders d: senders }', {}, a.apiKey), 'ALIAS_LIMIT_EXCEEDED', 400);
    expectRejected(await gql(limited.url, '{ a: senders ...F } fragment F on Query { b: senders c: senders d: senders }', {}, a.apiKey), 'ALIAS_LIMIT_EXCEEDED', 400);
  });
});

describe('page size (first > 100 is BAD_USER_INPUT)', () => {
  const cases: Array<[string, (first: number) => string]> = [
    ['insights.interactions', (n) => `interactions(first: ${n}) { totalCount }`],
    ['insights.topics', (n) => `topics(first: ${n}) { totalCount }`],
    ['successful.examples', (n) => `successful { examples(first: ${n}) { totalCount } }`],
    ['successful.topics', (n) => `successful { topics(first: ${n}) { topic } }`],
    ['unsuccessful.issues', (n) => `unsuccessful { issues(first: ${n}) { issue } }`],
    ['unsuccessful.lowestPerformingTopics', (n) => `unsuccessful { lowestPerformingTopics(first: ${n}) { name } }`],
    ['csat.examples', (n) => `csat { examples(first: ${n}) { totalCount } }`],
  ];
  it.each(cases)('%s: 100 is answered, 101 is refused', async (_name, field) => {
    const query = (n: number) => `query($f: InsightsFilter!) { insights(filter: $f) { ${field(n)} } }`;
    const ok = dataOf(await gql(plain.url, query(100), { f: FILTER }, a.apiKey));
    expect(ok.insights).toBeTruthy();
    const reply = await gql(plain.url, query(101), { f: FILTER }, a.apiKey);
    expect(codes(reply)).toEqual(['BAD_USER_INPUT']);
    expect(reply.body.errors[0].message).toMatch(/first must be between 0 and 100, got 101/);
    expectRequestId(reply);
  });
});

describe('batched requests (BATCH_LIMIT_EXCEEDED)', () => {
  const op = (id: string) => ({ query: INGEST, variables: { r: [interaction(id, 1)] } });

  it('runs a batch of 3 operations', async () => {
    const reply = await post(limited.url, [op('batch3-a'), op('batch3-b'), op('batch3-c')], a.apiKey);
    expect(reply.status).toBe(200);
    expect(reply.body.map((r: any) => r.data.ingest.stored)).toEqual([1, 1, 1]);
    expect(await storedIds(a.id, 'batch3-')).toEqual(['batch3-a', 'batch3-b', 'batch3-c']);
  });

  it('refuses a batch of 4 as a whole: none of its operations runs', async () => {
    const reply = await post(limited.url, [op('batch4-a'), op('batch4-b'), op('batch4-c'), op('batch4-d')], a.apiKey);
    expectRejected(reply, 'BATCH_LIMIT_EXCEEDED', 400);
    expect(await storedIds(a.id, 'batch4-')).toEqual([]);
  });
});

describe('request body size (PAYLOAD_TOO_LARGE)', () => {
  /** A query body of exactly `bytes` bytes (the padding is a comment). */
  const padded = (bytes: number) => {
    const base = Buffer.byteLength(JSON.stringify({ query: '{ senders } # ' }));
    return { query: `{ senders } # ${'x'.repeat(bytes - base)}` };
  };
  /** About 600 bytes a record. */
  const records = (prefix: string, count: number) =>
    Array.from({ length: count }, (_, n) => interaction(`${prefix}-${n}`, n, { analysis: { outcome: 'SUCCESSFUL', summary: 's'.repeat(300) } }));
  const size = (body: unknown) => Buffer.byteLength(JSON.stringify(body));

  it('answers a query body just under the 20,000-byte limit and refuses one just over', async () => {
    const under = padded(19_990);
    expect(size(under)).toBe(19_990);
    expect(dataOf(await post(limited.url, under, a.apiKey))).toEqual({ senders: [] });
    const over = padded(20_010);
    expectRejected(await post(limited.url, over, a.apiKey), 'PAYLOAD_TOO_LARGE', 413);
  });

  it('lets an ingest mutation above 20,000 bytes through, up to the ingest limit', async () => {
    const body = { query: INGEST, variables: { r: records('ing', 100) } };
    expect(size(body)).toBeGreaterThan(40_000);
    expect(size(body)).toBeLessThan(100_000);
    expect(dataOf(await post(limited.url, body, a.apiKey)).ingest).toEqual({ stored: 100, rejected: [] });
  });

  it('refuses an ingest mutation above the ingest limit; nothing is stored', async () => {
    const body = { query: INGEST, variables: { r: records('toobig', 250) } };
    expect(size(body)).toBeGreaterThan(100_000);
    expectRejected(await post(limited.url, body, a.apiKey), 'PAYLOAD_TOO_LARGE', 413);
    expect(await storedIds(a.id, 'toobig-')).toEqual([]);
  });

  it('does not extend the ingest allowance to anything riding along with an ingest', async () => {
    const r = records('ride', 100);
    const card = { currency: 'EUR', agentPerMinute: 1, channels: [], automations: [] };
    // another field in the same mutation
    const withField = { query: 'mutation($r: [JSONObject!]!, $c: RateCardInput!) { ingest(records: $r) { stored } setRateCard(input: $c) { currency } }', variables: { r, c: card } };
    // another operation in the same document, chosen by operationName
    const withOperation = { query: `mutation I($r: [JSONObject!]!) { ingest(records: $r) { stored } } query Q { senders }`, variables: { r }, operationName: 'Q' };
    // a batch holding an ingest and a query
    const withBatch = [{ query: INGEST, variables: { r } }, { query: '{ senders }' }];
    for (const body of [withField, withOperation, withBatch]) {
      expect(size(body)).toBeGreaterThan(20_000);
      expectRejected(await post(limited.url, body, a.apiKey), 'PAYLOAD_TOO_LARGE', 413);
    }
    expect(await storedIds(a.id, 'ride-')).toEqual([]);
    expect(dataOf(await gql(limited.url, '{ rateCard { currency } }', {}, a.apiKey))).toEqual({ rateCard: null });
    // control: a batch of two ingests above 20,000 bytes is all ingest, and is accepted
    const twoIngests = [{ query: INGEST, variables: { r: r.slice(0, 50) } }, { query: INGEST, variables: { r: r.slice(50) } }];
    expect(size(twoIngests)).toBeGreaterThan(20_000);
    const reply = await post(limited.url, twoIngests, a.apiKey);
    expect(reply.body.map((x: any) => x.data.ingest.stored)).toEqual([50, 50]);
  });
});

describe('rate limit per API key (RATE_LIMITED)', () => {
  it('answers a burst of 3, refuses the 4th with 429 and retry-after, and the refused request does not run', async () => {
    for (let i = 0; i < 3; i++) expect(dataOf(await gql(rated.url, '{ senders }', {}, a.apiKey))).toEqual({ senders: [] });
    const reply = await gql(rated.url, INGEST, { r: [interaction('limited-1', 1)] }, a.apiKey);
    expectRejected(reply, 'RATE_LIMITED', 429);
    const retryAfter = reply.body.errors[0].extensions.retryAfterSeconds;
    expect(retryAfter).toBe(1); // 60 a minute: one token a second
    expect(reply.headers.get('retry-after')).toBe(String(retryAfter));
    expect(await storedIds(a.id, 'limited-')).toEqual([]);
  });

  it('answers again once retry-after has passed', async () => {
    let refused: Reply | undefined;
    for (let i = 0; i < 5 && !refused; i++) {
      const reply = await gql(rated.url, '{ senders }', {}, a.apiKey);
      if (codes(reply).includes('RATE_LIMITED')) refused = reply;
    }
    expect(refused).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 1000 * refused!.body.errors[0].extensions.retryAfterSeconds + 50));
    expect(dataOf(await gql(rated.url, '{ senders }', {}, a.apiKey))).toEqual({ senders: [] });
  });

  // A bucket that refills once a minute, so that nothing refills while these tests run.
  let strict: RunningServer;
  beforeAll(async () => {
    strict = await start({ db, production: true, logger: capture(), limits: readLimits({ ratePerMinute: 1, rateBurst: 3 }) });
  });

  it('keeps a separate bucket for another key of the same account, and for another account', async () => {
    for (let i = 0; i < 3; i++) dataOf(await gql(strict.url, '{ senders }', {}, a.apiKey));
    expect(codes(await gql(strict.url, '{ senders }', {}, a.apiKey))).toEqual(['RATE_LIMITED']);
    expect(dataOf(await gql(strict.url, '{ automations { id } }', {}, a2))).toEqual({ automations: [{ id: 'cb' }] });
    expect(dataOf(await gql(strict.url, '{ automations { id } }', {}, b.apiKey))).toEqual({ automations: [] });
    expect(codes(await gql(strict.url, '{ senders }', {}, a.apiKey))).toEqual(['RATE_LIMITED']);
  });

  it('charges every operation of a batched request', async () => {
    const key = (await createApiKey(db.prisma, a.id, 'batcher', ['read'])).apiKey;
    // 2 of the 3 tokens spent; a batch of 2 needs 2 and is refused as a whole...
    for (let i = 0; i < 2; i++) dataOf(await gql(strict.url, '{ senders }', {}, key));
    const refused = await post(strict.url, [{ query: '{ senders }' }, { query: '{ senders }' }], key);
    expect(refused.status).toBe(429);
    expect(codes(refused)).toEqual(['RATE_LIMITED']);
    expectRequestId(refused);
    // ...while the token that is left still answers one operation.
    expect(dataOf(await gql(strict.url, '{ senders }', {}, key))).toEqual({ senders: [] });

    const other = (await createApiKey(db.prisma, a.id, 'batcher 2', ['read'])).apiKey;
    const batch = await post(strict.url, [{ query: '{ senders }' }, { query: '{ senders }' }, { query: '{ senders }' }], other);
    expect(batch.body).toEqual([{ data: { senders: [] } }, { data: { senders: [] } }, { data: { senders: [] } }]);
    expect(codes(await gql(strict.url, '{ senders }', {}, other))).toEqual(['RATE_LIMITED']);
  });
});

describe('statement timeout (QUERY_TIMEOUT)', () => {
  const DASHBOARD = `query($f: InsightsFilter!) { insights(filter: $f) {
    performance { total { interactions successful unsuccessful } }
    audience { uniqueUsers engagedUsers }
    unsuccessful { count issues { issue affectedInteractions } }
    topics(first: 5) { totalCount edges { node { name interactions } } }
  } }`;

  it('cancels a slow statement and says so, without SQL; the same query answers without the timeout', async () => {
    const control = dataOf(await gql(plain.url, DASHBOARD, { f: FILTER }, big.apiKey));
    expect(control.insights.performance.total.interactions).toBe(3000);
    expect(control.insights.unsuccessful.issues).toEqual([{ issue: 'Bot did not understand', affectedInteractions: 1000 }]);

    // The pool applies statement_timeout to every connection (API keys are read through a
    // separate client, so that authentication is not what times out).
    const slow = connectDatabase(db.url, { size: 4, statementTimeoutMs: 1 });
    pools.push(slow);
    const { rows } = await slow.pool.query('SHOW statement_timeout');
    expect(rows[0].statement_timeout).toBe('1ms');
    const log = capture();
    const server = await start({ db: { pool: slow.pool, prisma: db.prisma, close: async () => undefined }, production: true, logger: log, limits: readLimits({ statementTimeoutMs: 1 }) });

    const reply = await gql(server.url, DASHBOARD, { f: FILTER }, big.apiKey);
    expect(reply.status).toBe(200);
    expect(reply.body.data).toBeNull();
    expect(codes(reply).length).toBeGreaterThan(0);
    expect(new Set(codes(reply))).toEqual(new Set(['QUERY_TIMEOUT']));
    for (const error of reply.body.errors) {
      expect(error.message).toMatch(/statement timeout/);
      expect(error.message).not.toMatch(/canceling statement|"Interaction"|accountId/);
    }
    expectRequestId(reply);
    expectNothingInternal(reply.text);
  });
});

describe('internal errors in production', () => {
  let broken: RunningServer;
  let brokenDev: RunningServer;
  const prodLog = capture();
  const devLog = capture();
  let deadName: string;

  beforeAll(async () => {
    // A pool whose database is gone: every statement fails with a server-side error that is no
    // client's fault. API keys are still read through the working Prisma client.
    const dead = await createEmptyDatabase();
    deadName = dead.name;
    const deadDb = connectDatabase(dead.url, { size: 2 });
    pools.push(deadDb);
    await dropDatabase(dead.name);
    const db2 = { pool: deadDb.pool, prisma: db.prisma, close: async () => undefined };
    broken = await start({ db: db2, production: true, logger: prodLog });
    brokenDev = await start({ db: db2, production: false, logger: devLog });
  });

  it('authenticates (control): a query that needs no SQL is answered', async () => {
    expect(dataOf(await gql(broken.url, '{ __typename }', {}, a.apiKey))).toEqual({ __typename: 'Query' });
  });

  it('masks the error, tags it with the request ID, and logs the real cause with that ID', async () => {
    const reply = await gql(broken.url, '{ senders }', {}, a.apiKey);
    expect(codes(reply)).toEqual(['INTERNAL_SERVER_ERROR']);
    expect(reply.body.errors[0].message).toMatch(/^Internal server error/);
    expect(reply.text).not.toContain(deadName);
    expect(reply.text).not.toMatch(/does not exist/);
    expectNothingInternal(reply.text);
    const requestId = expectRequestId(reply);

    const logged = prodLog.lines.filter((line) => line.requestId === requestId);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ account: a.id, path: ['senders'] });
    expect(String(logged[0]!.message)).toContain('does not exist');
    // the log line is one line of JSON
    expect(JSON.stringify(logged[0])).not.toContain('\n');
  });

  it('without production mode the same error shows its message (so the masking is what hid it), still without a stack', async () => {
    const reply = await gql(brokenDev.url, '{ senders }', {}, a.apiKey);
    expect(reply.body.errors[0].message).toContain(`database "${deadName}" does not exist`);
    expect(reply.text).not.toMatch(/stacktrace|\\n\s+at /);
    expectRequestId(reply);
  });

  it('gives each request its own ID', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) ids.add(expectRequestId(await gql(broken.url, '{ senders }', {}, a.apiKey)));
    expect(ids.size).toBe(3);
  });

  it('does not mask or log client errors', async () => {
    const before = limitedLog.lines.length;
    const reply = await gql(limited.url, 'query($f: InsightsFilter!) { insights(filter: $f) { interactions(first: 5) { edges { cursor } } } }', { f: { from: FILTER.to, to: FILTER.from } }, a.apiKey);
    expect(codes(reply)).toEqual(['BAD_USER_INPUT']);
    expect(reply.body.errors[0].message).not.toMatch(/Internal server error/);
    expectRequestId(reply);
    expect(limitedLog.lines.length).toBe(before);
  });

  it('tags errors raised before any operation runs (authentication, body checks) with a request ID too', async () => {
    expectRejected(await gql(limited.url, '{ senders }', {}, null), 'UNAUTHENTICATED', 401);
    expectRejected(await gql(limited.url, '{ senders }', {}, 'tp_unknown'), 'UNAUTHENTICATED', 401);
    const bad = await post(limited.url, '{"query": ', a.apiKey);
    expect(bad.status).toBe(400);
    expectRequestId(bad);
  });
});

describe('introspection and field suggestions', () => {
  const INTROSPECT = '{ __schema { types { name } } }';

  it('answers introspection with a valid key', async () => {
    const data = dataOf(await gql(plain.url, INTROSPECT, {}, a.apiKey));
    expect(data.__schema.types.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['Interaction', 'FunnelView', 'Query']));
  });

  it('refuses introspection, the federation SDL and __type without a valid key', async () => {
    for (const query of [INTROSPECT, '{ _service { sdl } }', '{ __type(name: "Interaction") { fields { name } } }']) {
      for (const key of [null, 'tp_unknown']) {
        const reply = await gql(plain.url, query, {}, key);
        expectRejected(reply, 'UNAUTHENTICATED', 401);
        expect(reply.text).not.toMatch(/Interaction|federation/);
      }
    }
  });

  it('gives no field suggestions without a valid key (with one it would)', async () => {
    const withKey = await gql(plain.url, '{ sendrs }', {}, a.apiKey);
    expect(withKey.body.errors[0].message).toMatch(/Did you mean "senders"/);
    const misspelt = [
      '{ sendrs }',
      `{ insights(filter: { from: "${FILTER.from}", to: "${FILTER.to}" }) { perfomance { total { interactions } } } }`,
      '{ interaction(id: "c-1") { transcrpt { text } } }',
    ];
    for (const query of misspelt) {
      for (const key of [null, 'tp_unknown']) {
        const reply = await gql(plain.url, query, {}, key);
        expectRejected(reply, 'UNAUTHENTICATED', 401);
        expect(reply.text).not.toMatch(/Did you mean|senders|performance|transcript/);
      }
    }
  });

  it('refuses a GET introspection without a key', async () => {
    const res = await fetch(`${plain.url}/graphql?query=${encodeURIComponent(INTROSPECT)}`, { headers: { 'apollo-require-preflight': 'true' } });
    const text = await res.text();
    received.push(text);
    expect(res.status).toBe(401);
    expect(JSON.parse(text).errors.map((e: any) => e.extensions.code)).toEqual(['UNAUTHENTICATED']);
    expect(text).not.toMatch(/Interaction/);
  });
});

describe('every response of this file', () => {
  it('was free of stack traces and source paths', () => {
    expect(received.length).toBeGreaterThan(50);
    for (const text of received) {
      expect(text).not.toMatch(/stacktrace|\\n\s+at |node_modules|\.ts:\d+/);
    }
  });
});

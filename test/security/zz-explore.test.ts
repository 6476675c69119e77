import { createAccount } from '../../src/accounts/accountStore';
import { startServer } from '../../src/server/app';
import { readLimits } from '../../src/server/limits/settings';
import { connectDatabase } from '../../src/db/database';
import { ingestBatch } from '../../src/ingest/ingest';
import { createTestDatabase, createEmptyDatabase, dropDatabase } from '../helpers/db';

async function post(url: string, body: unknown, key?: string) {
  const r = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) }, body: JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, headers: Object.fromEntries(r.headers), text };
}

it('explores', async () => {
  const db = await createTestDatabase();
  const a = await createAccount(db.prisma, 'A');
  const logs: unknown[] = [];
  const s = await startServer({ db, port: 0, limits: readLimits({ maxDepth: 4, ratePerMinute: 60, rateBurst: 3 }), production: true, logger: { error: (f) => logs.push(f) } });
  console.log(await post(s.url, { query: '{ senders }' }));
  console.log(await post(s.url, { query: '{ sendrs }' }));
  console.log(await post(s.url, { query: '{ sendrs }' }, a.apiKey));
  console.log(await post(s.url, [{ query: '{ senders }' }, { query: '{ automations { id } }' }], a.apiKey));
  console.log(await post(s.url, { query: '{ senders }' }, a.apiKey));
  console.log(await post(s.url, { query: '{ senders }' }, a.apiKey));
  console.log(await post(s.url, { query: '{ senders }' }, a.apiKey));
  console.log(await post(s.url, { query: '{ insights(filter: {from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z"}) { performance { total { interactions } } } }' }, 'x'));
  // dead pool
  const { name, url } = await createEmptyDatabase();
  const dead = connectDatabase(url);
  await dropDatabase(name);
  const s2 = await startServer({ db: { pool: dead.pool, prisma: db.prisma, close: async () => {} }, port: 0, production: true, logger: { error: (f) => logs.push(f) } });
  console.log(await post(s2.url, { query: '{ senders }' }, a.apiKey));
  const s3 = await startServer({ db: { pool: dead.pool, prisma: db.prisma, close: async () => {} }, port: 0, production: false, logger: { error: (f) => logs.push(f) } });
  console.log(await post(s3.url, { query: '{ senders }' }, a.apiKey));
  console.log(JSON.stringify(logs, null, 1).slice(0, 3000));
  // ingest speed
  let t0 = Date.now();
  for (let b = 0; b < 5; b++) {
    const batch = Array.from({ length: 1000 }, (_, i) => ({ index: i, value: { record: 'interaction', id: `x-${b}-${i}`, type: 'CONVERSATIONAL', startedAt: '2026-03-01T10:00:00Z', channel: 'SMS', endUserId: `u${i % 50}`, analysis: { outcome: 'SUCCESSFUL', topics: [{ name: 'T', resolved: true }] }, messages: [{ id: 'm1', direction: 'INBOUND', author: 'END_USER', channel: 'SMS', sentAt: '2026-03-01T10:00:00Z' }] } }));
    await ingestBatch(db.pool, a.id, batch);
  }
  console.log('ingest 5k ms', Date.now() - t0);
  const slow = connectDatabase(db.url, { statementTimeoutMs: 1 });
  const s4 = await startServer({ db: { pool: slow.pool, prisma: db.prisma, close: async () => {} }, port: 0, production: true, logger: { error: (f) => logs.push(f) } });
  const DASH = '{ insights(filter: {from: "2026-01-01T00:00:00Z", to: "2026-12-01T00:00:00Z"}) { performance { total { interactions } } audience { uniqueUsers } channels { channel } } }';
  t0 = Date.now();
  console.log(await post(s4.url, { query: DASH }, a.apiKey), Date.now() - t0);
  t0 = Date.now();
  console.log(await post(s.url, { query: DASH }, a.apiKey), Date.now() - t0);
  await Promise.all([s.stop(), s2.stop(), s3.stop(), s4.stop()]);
  await slow.pool.end(); await dead.pool.end().catch(() => {});
  await db.drop();
});

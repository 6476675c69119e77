/**
 * "Then ID" orders (example lists, transcripts) must not depend on the database's collation: the
 * test server's databases use C.UTF-8, where text sorts by code point anyway, so this file runs
 * the API over a database whose default collation is ICU en-US (a common server default), where
 * "a" sorts before "B". docs/decisions.md ties the transcript order to the `engaged` rule, which
 * breaks sentAt ties by message ID in code point order (src/ingest/derive.ts).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createAccount } from '../../src/accounts/accountStore';
import { connectDatabase, type Database } from '../../src/db/database';
import { migrate } from '../../src/db/migrate';
import { startServer, type RunningServer } from '../../src/server/app';
import { adminUrl, databaseUrl, dropDatabase } from '../helpers/db';
import { at } from './fixture';

let name: string;
let db: Database;
let server: RunningServer;
let apiKey: string;

async function request(document: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query: document, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data;
}

beforeAll(async () => {
  name = `tp_icu_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`);
  await admin.end();
  db = connectDatabase(databaseUrl(name), { size: 5 });
  await migrate(db.pool);
  server = await startServer({ db, port: 0, host: '127.0.0.1' });
  apiKey = (await createAccount(db.prisma, 'ICU')).apiKey;
  // interactions "B" and "a" start at the same instant; "a"'s messages "B" (inbound) and "a"
  // (outbound) are sent at the same instant
  const records = ['B', 'a', 'c'].map((id) => ({
    record: 'interaction', id, type: 'CONVERSATIONAL', startedAt: at(id === 'c' ? 0 : 1), channel: 'SMS', endUserId: 'u',
    messages: [
      { id: 'B', direction: 'INBOUND', author: 'END_USER', channel: 'SMS', sentAt: at(1) },
      { id: 'a', direction: 'OUTBOUND', author: 'BOT', channel: 'SMS', sentAt: at(1), status: 'SEEN' },
    ],
  }));
  const data = await request('mutation($r: [JSONObject!]!) { ingest(records: $r) { stored } }', { r: records });
  expect(data.ingest.stored).toBe(3);
});

afterAll(async () => {
  await server?.stop();
  await db?.close();
  if (name) await dropDatabase(name);
});

it('the database really sorts "a" before "B" (control)', async () => {
  const { rows } = await db.pool.query(`SELECT x FROM unnest(ARRAY['B', 'a']) x ORDER BY x`);
  expect(rows.map((r) => r.x)).toEqual(['a', 'B']);
});

it('orders example interactions that tie on startedAt by ID in code point order, across pages too', async () => {
  const page = `query($f: InsightsFilter!, $after: String) { insights(filter: $f) {
    interactions(first: 1, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } } }`;
  const f = { from: at(0), to: at(2) };
  const seen: string[] = [];
  let after: string | null = null;
  for (let i = 0; i < 5; i++) {
    const c: any = (await request(page, { f, after })).insights.interactions;
    seen.push(...c.edges.map((e: any) => e.node.id));
    if (!c.pageInfo.hasNextPage) break;
    after = c.pageInfo.endCursor;
  }
  expect(seen).toEqual(['B', 'a', 'c']);
  const one = await request('query($f: InsightsFilter!) { insights(filter: $f) { interactions { edges { node { id } } } } }', { f });
  expect(one.insights.interactions.edges.map((e: any) => e.node.id)).toEqual(['B', 'a', 'c']);
});

it('orders a transcript tie on sentAt by message ID in code point order, the order `engaged` uses', async () => {
  const data = await request('{ interaction(id: "a") { engaged transcript { id direction } } }');
  // By code point "B" (inbound) is the earliest message, so the only inbound message opened the
  // interaction and it is not engaged; the transcript must show that same order.
  expect(data.interaction).toEqual({ engaged: false, transcript: [{ id: 'B', direction: 'INBOUND' }, { id: 'a', direction: 'OUTBOUND' }] });
});

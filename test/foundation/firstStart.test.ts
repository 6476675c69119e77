import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { authenticate, ensureAccount } from '../../src/accounts/accountStore';
import { DEMO_INTERACTIONS, demoKeyFile, ensureDemo } from '../../src/demo/firstStart';
import { ingestBatch } from '../../src/ingest/ingest';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

let db: TestDatabase;
let dataDir: string;
beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tp-first-start-'));
});
afterAll(async () => {
  await db?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const count = async (table: string, accountId: number) =>
  (await db.pool.query(`SELECT count(*)::int AS n FROM "${table}" WHERE "accountId" = $1`, [accountId])).rows[0].n as number;

it('a first start interrupted while seeding (the demo account without a key) is completed by the next one, then left alone', async () => {
  // What an interrupted first start leaves: the demo account, part of its data, no key.
  const { id: demo } = await ensureAccount(db.prisma, 'Demo shop', 'demo');
  const partial = { record: 'interaction', id: 'half-seeded', type: 'CONVERSATIONAL', startedAt: new Date().toISOString(), channel: 'SMS', endUserId: 'u-1' };
  expect(await ingestBatch(db.pool, demo, [{ index: 0, value: partial }])).toEqual({ stored: 1, rejected: [] });

  const lines: string[] = [];
  const key = await ensureDemo(db, dataDir, (line) => lines.push(line));
  expect(lines).toEqual([expect.stringMatching(/^First start: creating the "demo" account/), expect.stringMatching(/^Demo data ready: /)]);
  expect(key).toMatch(/^tp_/);
  expect(fs.readFileSync(demoKeyFile(dataDir), 'utf8')).toBe(`${key}\n`);
  expect(await authenticate(db.prisma, key!)).toMatchObject({ accountId: demo });
  // One account, holding the whole demo (the seed's interactions and the one already there), with its funnels and rate card.
  expect((await db.pool.query(`SELECT "externalId" FROM "Account"`)).rows).toEqual([{ externalId: 'demo' }]);
  expect(await count('Interaction', demo)).toBe(DEMO_INTERACTIONS + 1);
  expect(await count('FunnelView', demo)).toBeGreaterThan(0);
  expect(await count('RateCard', demo)).toBe(1);

  // The next start finds the demo finished: same key, nothing seeded again.
  const again: string[] = [];
  expect(await ensureDemo(db, dataDir, (line) => again.push(line))).toBe(key);
  expect(again).toEqual([]);
  expect((await db.pool.query(`SELECT count(*)::int AS n FROM "ApiKey"`)).rows[0].n).toBe(1);
});

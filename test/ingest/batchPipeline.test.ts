/**
 * The bulk-load pipeline writes two batches at once, but the stored result must be the one of
 * writing them in order (ingest.md: records are applied in order). A batch that names an
 * interaction of the batch before it, or renames one of its automations or versions, waits for it.
 */
import { createAccount } from '../../src/accounts/accountStore';
import { batchPipeline } from '../../src/ingest/batchPipeline';
import { ingestBatch, validateBatch, type IngestResult, type PositionedRecord } from '../../src/ingest/ingest';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { inbound, interaction, outbound, T, type Json } from './helpers';

let db: TestDatabase;
/** Each test's account key, by the account's ID. */
const key: Record<string, number> = {};
beforeAll(async () => {
  db = await createTestDatabase();
  for (const id of ['late', 'names', 'versions', 'apart', 'beside']) key[id] = (await createAccount(db.prisma, id, id)).id;
});
afterAll(async () => db?.drop());

/** Pushes each list of records as one batch (positions numbered across batches), without waiting for them. */
async function pushAll(pipeline: ReturnType<typeof batchPipeline>, batches: Json[][]): Promise<void> {
  let index = 0;
  for (const records of batches) await pipeline.push(await validateBatch(records.map((value) => ({ index: index++, value }))));
}

/** Pushes each list of records as one batch (positions numbered across batches) and drains; returns each batch's result in order. */
async function load(accountId: number, batches: Json[][]): Promise<IngestResult[]> {
  const results: IngestResult[] = [];
  const pipeline = batchPipeline(db.pool, accountId, (result) => {
    results.push(result);
  });
  let index = 0;
  for (const records of batches) {
    const batch: PositionedRecord[] = records.map((value) => ({ index: index++, value }));
    await pipeline.push(await validateBatch(batch));
  }
  await pipeline.drain();
  return results;
}

/** A first batch that keeps its transaction busy: many interactions, each with a user of its own. */
const bulk = (prefix: string, n: number, extra: Json = {}) =>
  Array.from({ length: n }, (_, i) =>
    interaction(`${prefix}-${i}`, { endUserId: `${prefix}-user-${i}`, messages: [inbound('m1', 0), outbound('m2', 5)], ...extra }),
  );

it('a late record for an interaction of the batch before it waits for that batch, and is applied', async () => {
  const results = await load(key.late, [
    bulk('b1', 1500),
    [{ record: 'csat', interactionId: 'b1-1499', score: 2, at: T(60) }, { record: 'messageStatus', interactionId: 'b1-0', messageId: 'm2', status: 'SEEN', at: T(9) }],
  ]);
  expect(results.map((r) => [r.stored, r.rejected.length])).toEqual([[1500, 0], [2, 0]]);
  const { rows } = await db.pool.query(
    `SELECT "externalId", "csatScore" FROM "Interaction" WHERE "accountId" = ${key.late} AND "externalId" IN ('b1-1499', 'b1-0') ORDER BY 1`,
  );
  expect(rows).toEqual([{ externalId: 'b1-0', csatScore: null }, { externalId: 'b1-1499', csatScore: 2 }]);
  const seen = await db.pool.query(
    `SELECT m.status FROM "InteractionTranscript" t JOIN "Interaction" i ON i."accountId" = t."accountId" AND i.id = t."interactionId",
            LATERAL (SELECT e->>0 AS id, e->>6 AS status FROM json_array_elements(t.messages::json) AS x(e)) m
      WHERE t."accountId" = ${key.late} AND i."externalId" = 'b1-0' AND m.id = 'm2'`,
  );
  expect(seen.rows).toEqual([{ status: 'SEEN' }]);
});

it('the latest name of an automation wins across batches written at once', async () => {
  // The second batch has nothing else to do: written beside the first, it would rename first and lose.
  const automation = (name: string) => ({ automation: { id: 'bot', type: 'CHATBOT', name, automationVersionId: 'v1', versionId: '1' } });
  await load(key.names, [bulk('n1', 1500, automation('Old name')), [interaction('n2-0', automation('New name'))]]);
  const { rows } = await db.pool.query(`SELECT name FROM "Automation" WHERE "accountId" = ${key.names}`);
  expect(rows).toEqual([{ name: 'New name' }]);
});

it('the latest label of a version wins across batches written at once', async () => {
  const version = (label: string) => ({ automation: { id: 'bot', type: 'CHATBOT', name: 'Bot', automationVersionId: 'v1', versionId: label } });
  await load(key.versions, [bulk('v1', 1500, version('1.0')), [interaction('v2-0', version('1.1'))]]);
  const { rows } = await db.pool.query(`SELECT "versionId" FROM "AutomationVersion" WHERE "accountId" = ${key.versions}`);
  expect(rows).toEqual([{ versionId: '1.1' }]);
});

it('independent batches are all stored, reported in order, with their users and rollups counted once', async () => {
  const results = await load(key.apart, [bulk('a1', 700), bulk('a2', 600), bulk('a3', 500), [interaction('a1-0', { endUserId: 'a1-user-0' })]]);
  expect(results.map((r) => r.stored)).toEqual([700, 600, 500, 1]);
  const { rows } = await db.pool.query(
    `SELECT (SELECT count(*)::int FROM "Interaction" WHERE "accountId" = ${key.apart}) AS interactions,
            (SELECT count(*)::int FROM "EndUser" WHERE "accountId" = ${key.apart}) AS users,
            (SELECT sum(interactions)::int FROM "DailyInteractionRollup" WHERE "accountId" = ${key.apart}) AS rolled,
            (SELECT sum(inbound)::int FROM "DailyChannelRollup" WHERE "accountId" = ${key.apart}) AS inbound`,
  );
  // a1-0 sent again without messages: 1,800 interactions of 1,800 users; 1,799 with an inbound message.
  expect(rows).toEqual([{ interactions: 1800, users: 1800, rolled: 1800, inbound: 1799 }]);
});

it('late records for the batch being written go after it, and the rest of their batch goes beside it', async () => {
  expect(await ingestBatch(db.pool, key.beside, [{ index: 0, value: interaction('s-0') }])).toEqual({ stored: 1, rejected: [] });
  // Holds the first batch where it locks s-0, which it sends again.
  const holder = await db.pool.connect();
  const results: Array<[number, number]> = [];
  const pipeline = batchPipeline(db.pool, key.beside, (result, written) => {
    results.push([result.stored, written.valid.length]);
  });
  let storedBeside: unknown;
  try {
    await holder.query('BEGIN');
    await holder.query(`SELECT 1 FROM "Interaction" WHERE "accountId" = ${key.beside} AND "externalId" = 's-0' FOR UPDATE`);
    await pushAll(pipeline, [
      [interaction('s-0', { endUserId: 'u-again' }), interaction('s-1')],
      // The CSAT answer names s-1, of the batch before; s-2 names nothing of it.
      [{ record: 'csat', interactionId: 's-1', score: 4, at: T(60) }, interaction('s-2')],
    ]);
    storedBeside = await waitFor(async () => (await db.pool.query(`SELECT 1 FROM "Interaction" WHERE "accountId" = ${key.beside} AND "externalId" = 's-2'`)).rowCount === 1);
  } finally {
    await holder.query('COMMIT');
    holder.release();
  }
  await pipeline.drain();
  expect(storedBeside).toBe(true);
  // In the order written: the first batch, s-2 (beside it), then the CSAT answer (after it).
  expect(results).toEqual([[2, 2], [1, 1], [1, 1]]);
  const { rows } = await db.pool.query(`SELECT "externalId", "csatScore" FROM "Interaction" WHERE "accountId" = ${key.beside} ORDER BY 1`);
  expect(rows).toEqual([{ externalId: 's-0', csatScore: null }, { externalId: 's-1', csatScore: 4 }, { externalId: 's-2', csatScore: null }]);
});

/** Whether `condition` came true within 10 s (checked every 20 ms). */
async function waitFor(condition: () => Promise<boolean>): Promise<boolean> {
  for (const started = Date.now(); Date.now() - started < 10_000; await new Promise((resolve) => setTimeout(resolve, 20))) {
    if (await condition()) return true;
  }
  return false;
}

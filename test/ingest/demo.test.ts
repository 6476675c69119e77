/**
 * The demo dataset (src/demo): deterministic per seed, accepted in full by ingest, and covering
 * every case the dashboards show.
 */
import { createAccount } from '../../src/accounts/accountStore';
import { demoRecords, type DemoOptions } from '../../src/demo/generator';
import { seedDemoData } from '../../src/demo/seed';
import type { IngestResult } from '../../src/ingest/ingest';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { summaryCopiesMismatches, TABLES, type Json } from './helpers';

const HOUR = 3_600_000;
const END = new Date('2026-11-01T00:00:00Z');
const OPTIONS: DemoOptions = { interactions: 400, days: 30, seed: 1, end: END };

let db: TestDatabase;
const results: Record<string, IngestResult> = {};
/** The accounts' keys, by their IDs. */
const keys: Record<string, number> = {};

beforeAll(async () => {
  db = await createTestDatabase();
  for (const [id, seed] of [['seed1', 1], ['seed1-again', 1], ['seed2', 2]] as const) {
    keys[id] = (await createAccount(db.prisma, id, id)).id;
    results[id] = await seedDemoData(db.pool, keys[id]!, { ...OPTIONS, seed });
  }
});
afterAll(async () => db?.drop());

/** Every row of the account, with internal IDs replaced by the external IDs they stand for. */
async function portableDump(id: string): Promise<Record<string, string[]>> {
  const accountId = keys[id];
  const ids = async (table: string) =>
    new Map((await db.pool.query(`SELECT id, "externalId" FROM "${table}" WHERE "accountId" = $1`, [accountId])).rows.map((r) => [String(r.id), r.externalId as string]));
  const interactions = await ids('Interaction');
  const automations = await ids('Automation');
  const users = await ids('EndUser');
  const out: Record<string, string[]> = {};
  for (const table of Object.keys(TABLES)) {
    const { rows } = await db.pool.query(`SELECT * FROM "${table}" WHERE "accountId" = $1`, [accountId]);
    out[table] = rows
      .map((row: Json) => {
        const { accountId: _account, ...rest } = row;
        if ('interactionId' in rest) rest.interactionId = interactions.get(String(rest.interactionId));
        if ('automationId' in rest && rest.automationId !== null) rest.automationId = automations.get(String(rest.automationId));
        if (table === 'Interaction') rest.endUserId = users.get(String(rest.endUserId));
        if (['Interaction', 'Automation', 'EndUser'].includes(table)) delete rest.id;
        return JSON.stringify(rest);
      })
      .sort();
  }
  return out;
}

const one = async <T = any>(sql: string, params: unknown[] = [keys.seed1]): Promise<T[]> => (await db.pool.query(sql, params)).rows;

it('rejects nothing and stores every record it generates', () => {
  const generated = [...demoRecords(OPTIONS)];
  expect(results.seed1!.rejected).toEqual([]);
  expect(results.seed1!.stored).toBe(generated.length);
  expect(results.seed2!.rejected).toEqual([]);
  // it includes late records of each kind real sources send
  expect(new Set(generated.map((r) => r.record))).toEqual(new Set(['interaction', 'messageStatus', 'csat']));
  expect(generated.filter((r) => r.record === 'interaction')).toHaveLength(OPTIONS.interactions);
});

it('the same seed gives identical tables; another seed gives different ones', async () => {
  const first = await portableDump('seed1');
  expect(first.Interaction).toHaveLength(OPTIONS.interactions);
  expect(await portableDump('seed1-again')).toEqual(first);
  const other = await portableDump('seed2');
  expect(other.Interaction).toHaveLength(OPTIONS.interactions);
  expect(other).not.toEqual(first);
  expect(other.Interaction).not.toEqual(first.Interaction);
});

it('every interaction starts within the period [end - days, end)', async () => {
  const [range] = await one(`SELECT min("startedAt") AS min, max("startedAt") AS max FROM "Interaction" WHERE "accountId" = $1`);
  expect(range.min.getTime()).toBeGreaterThanOrEqual(END.getTime() - OPTIONS.days * 24 * HOUR);
  expect(range.max.getTime()).toBeLessThan(END.getTime());
});

/** Messages and log lines as rows: they are JSON in one transcript row per interaction, each an array of its fields. */
const MESSAGES = `(SELECT t."accountId", e->>1 AS direction, e->>3 AS channel, (e->>4)::timestamptz AS "sentAt", e->>6 AS status,
  (e->>7)::timestamptz AS "statusAt", (e->>8)::int AS "validityHours" FROM "InteractionTranscript" t, json_array_elements(t.messages::json) AS x(e)) m`;
const LOGS = `(SELECT t."accountId", (e->>0)::timestamptz AS at FROM "InteractionTranscript" t, json_array_elements(t.logs::json) AS x(e)) l`;

it('nothing happens after the end of the period (no messages, reports, steps, logs or answers from the future)', async () => {
  const after = await one(
    `SELECT 'message' AS what, count(*)::int AS n FROM ${MESSAGES} WHERE "accountId" = $1 AND ("sentAt" > $2 OR "statusAt" > $2)
     UNION ALL SELECT 'step', count(*)::int FROM "Interaction", unnest("stepAts") AS at WHERE "accountId" = $1 AND at > $2
     UNION ALL SELECT 'log', count(*)::int FROM ${LOGS} WHERE "accountId" = $1 AND at > $2
     UNION ALL SELECT 'interaction', count(*)::int FROM "Interaction" WHERE "accountId" = $1 AND ("endedAt" > $2 OR "escalatedAt" > $2 OR "csatAt" > $2)`,
    [keys.seed1, END],
  );
  expect(after).toEqual([{ what: 'message', n: 0 }, { what: 'step', n: 0 }, { what: 'log', n: 0 }, { what: 'interaction', n: 0 }]);
});

it('has every outbound status', async () => {
  const rows = await one(`SELECT DISTINCT status FROM ${MESSAGES} WHERE "accountId" = $1 AND direction = 'OUTBOUND' ORDER BY status`);
  expect(rows.map((r) => r.status).sort()).toEqual(['DELIVERED', 'EXPIRED', 'PENDING', 'REJECTED', 'SEEN', 'SENT', 'UNDELIVERABLE']);
});

it('has messages still PENDING or SENT both within and past their validity at the end of the period', async () => {
  const [row] = await one(
    `SELECT count(*) FILTER (WHERE "sentAt" + "validityHours" * interval '1 hour' >= $2)::int AS within,
            count(*) FILTER (WHERE "sentAt" + "validityHours" * interval '1 hour' < $2)::int AS past
       FROM ${MESSAGES} WHERE "accountId" = $1 AND status IN ('PENDING', 'SENT')`,
    [keys.seed1, END],
  );
  expect(row.within).toBeGreaterThan(0);
  expect(row.past).toBeGreaterThan(0);
});

it('has conversational and non-conversational interactions, and inbox-only ones without an automation', async () => {
  const rows = await one(
    `SELECT type, ("automationId" IS NULL) AS inbox, count(*)::int AS n FROM "Interaction" WHERE "accountId" = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  expect(rows.map(({ type, inbox }) => [type, inbox])).toEqual([['CONVERSATIONAL', false], ['CONVERSATIONAL', true], ['NON_CONVERSATIONAL', false]]);
});

it('has every automation type, each automation with several versions', async () => {
  const rows = await one(
    `SELECT a."externalId", a.type, count(DISTINCT i."automationVersionId")::int AS versions, count(DISTINCT i."versionId")::int AS labels
       FROM "Automation" a JOIN "Interaction" i ON i."accountId" = a."accountId" AND i."automationId" = a.id
      WHERE a."accountId" = $1 GROUP BY 1, 2`,
  );
  expect(new Set(rows.map((r) => r.type))).toEqual(new Set(['JOURNEY', 'CHATBOT', 'AI_AGENT']));
  for (const row of rows) expect({ automation: row.externalId, several: row.versions >= 2 && row.labels >= 2 }).toEqual({ automation: row.externalId, several: true });
  const [versions] = await one(`SELECT count(*)::int AS n FROM "AutomationVersion" WHERE "accountId" = $1`);
  expect(versions.n).toBe(rows.reduce((sum, r) => sum + r.versions, 0));
});

it('has several senders and message channels', async () => {
  const [row] = await one(
    `SELECT (SELECT count(DISTINCT sender) FROM "Interaction" WHERE "accountId" = $1)::int AS senders,
            (SELECT count(DISTINCT channel) FROM ${MESSAGES} WHERE "accountId" = $1)::int AS channels`,
  );
  expect(row.senders).toBeGreaterThanOrEqual(3);
  expect(row.channels).toBeGreaterThanOrEqual(3);
});

it('has CSAT answers of every score, sentiment, topics (resolved and not), issues and every outcome', async () => {
  const scores = await one(`SELECT DISTINCT "csatScore" AS s FROM "Interaction" WHERE "accountId" = $1 AND "csatScore" IS NOT NULL ORDER BY 1`);
  expect(scores.map((r) => r.s)).toEqual([1, 2, 3, 4, 5]);
  const [row] = await one(
    `SELECT (SELECT count(DISTINCT sentiment) FROM "Interaction" WHERE "accountId" = $1)::int AS sentiments,
            (SELECT count(DISTINCT resolved) FROM "InteractionTopic" WHERE "accountId" = $1)::int AS resolved,
            (SELECT count(DISTINCT name) FROM "InteractionTopic" WHERE "accountId" = $1)::int AS topics,
            (SELECT count(DISTINCT issue) FROM "InteractionIssue" WHERE "accountId" = $1)::int AS issues,
            (SELECT count(DISTINCT outcome) FROM "Interaction" WHERE "accountId" = $1)::int AS outcomes,
            (SELECT count(*) FROM "Interaction" WHERE "accountId" = $1 AND outcome IS NULL)::int AS unclassified,
            (SELECT count(*) FROM "Interaction" WHERE "accountId" = $1 AND escalated)::int AS escalated,
            (SELECT count(*) FROM "Interaction" WHERE "accountId" = $1 AND engaged)::int AS engaged`,
  );
  expect(row).toEqual({
    sentiments: 3, resolved: 2, topics: expect.any(Number), issues: expect.any(Number), outcomes: 3,
    unclassified: expect.any(Number), escalated: expect.any(Number), engaged: expect.any(Number),
  });
  expect(row.topics).toBeGreaterThanOrEqual(5);
  expect(row.issues).toBeGreaterThanOrEqual(3);
  expect(row.unclassified).toBeGreaterThan(0);
  expect(row.escalated).toBeGreaterThan(0);
  expect(row.engaged).toBeGreaterThan(0);
});

it('has funnel steps of every kind', async () => {
  const rows = await one(`SELECT DISTINCT unnest("stepKinds")::text AS kind FROM "Interaction" WHERE "accountId" = $1`);
  expect(rows.map((r) => r.kind).sort()).toEqual(['AI_AGENT_TOOL', 'DIALOG', 'JOURNEY_ELEMENT', 'SESSION_END', 'SESSION_START']);
});

it('summary rows copy their interaction\'s columns faithfully', async () => {
  expect(await summaryCopiesMismatches(db.pool)).toEqual([]);
});

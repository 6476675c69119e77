import type pg from 'pg';
import { ingestBatch, type IngestResult } from '../../src/ingest/ingest';

export type Json = Record<string, any>;

/** Ingests values as one batch, positioned 0, 1, 2, ... like the GraphQL mutation does. */
export function ingest(pool: pg.Pool, accountId: number, values: unknown[]): Promise<IngestResult> {
  return ingestBatch(pool, accountId, values.map((value, index) => ({ index, value })));
}

/** Ingests values that must all be accepted. */
export async function ingestOk(pool: pg.Pool, accountId: number, values: unknown[]): Promise<void> {
  const result = await ingest(pool, accountId, values);
  expect(result).toEqual({ stored: values.length, rejected: [] });
}

/** A timestamp `seconds` after 2026-10-03T09:00:00Z. */
export const T = (seconds = 0) => new Date(Date.UTC(2026, 9, 3, 9, 0, 0) + seconds * 1000).toISOString();
export const D = (seconds = 0) => new Date(T(seconds));

/** The smallest valid interaction record, with `extra` fields on top. */
export function interaction(id: string, extra: Json = {}): Json {
  return { record: 'interaction', id, type: 'CONVERSATIONAL', startedAt: T(0), channel: 'SMS', endUserId: `u-${id}`, ...extra };
}

export const inbound = (id: string, seconds: number, extra: Json = {}): Json => ({
  id, direction: 'INBOUND', author: 'END_USER', channel: 'SMS', sentAt: T(seconds), ...extra,
});
export const outbound = (id: string, seconds: number, extra: Json = {}): Json => ({
  id, direction: 'OUTBOUND', author: 'BOT', channel: 'SMS', sentAt: T(seconds), ...extra,
});

/** The two example lines of ingest.md ("Example"), verbatim. */
export const C1001_LINES = [
  `{"record":"interaction","id":"c-1001","type":"CONVERSATIONAL","startedAt":"2026-10-03T09:00:00Z","endedAt":"2026-10-03T09:07:30Z","automation":{"id":"cb-support","type":"CHATBOT","name":"Support bot","automationVersionId":"cv-12","versionId":"2"},"sender":"ShopWA","channel":"WHATSAPP","endUserId":"u-77","customerProfileId":"cp-77","escalation":{"at":"2026-10-03T09:04:00Z","agentId":"agent-3"},"messages":[{"id":"m1","direction":"INBOUND","author":"END_USER","channel":"WHATSAPP","sentAt":"2026-10-03T09:00:00Z","text":"Where is my parcel?"},{"id":"m2","direction":"OUTBOUND","author":"BOT","channel":"WHATSAPP","sentAt":"2026-10-03T09:00:05Z","text":"Let me check.","status":"SEEN","statusAt":"2026-10-03T09:00:09Z"},{"id":"m3","direction":"INBOUND","author":"END_USER","channel":"WHATSAPP","sentAt":"2026-10-03T09:03:40Z","text":"I want a person"},{"id":"m4","direction":"OUTBOUND","author":"AGENT","channel":"WHATSAPP","sentAt":"2026-10-03T09:05:00Z","text":"It ships today.","status":"DELIVERED","statusAt":"2026-10-03T09:05:02Z"}],"steps":[{"kind":"SESSION_START","at":"2026-10-03T09:00:00Z"},{"kind":"DIALOG","name":"Welcome","at":"2026-10-03T09:00:01Z"},{"kind":"DIALOG","name":"Agent handoff","at":"2026-10-03T09:03:50Z"},{"kind":"SESSION_END","at":"2026-10-03T09:07:30Z"}]}`,
  `{"record":"analysis","interactionId":"c-1001","outcome":"SUCCESSFUL","sentiment":"NEUTRAL","sentimentScore":0.1,"summary":"Customer asked for parcel status; an agent confirmed it ships today.","topics":[{"name":"Order status","resolved":true,"handleTimeSeconds":450}],"issues":["Long wait for an agent"]}`,
];

/** Every tenant table the ingest module writes, with its primary key for a stable order. */
export const TABLES: Record<string, string[]> = {
  Automation: ['accountId', 'id'],
  AutomationVersion: ['accountId', 'automationId', 'automationVersionId'],
  EndUser: ['accountId', 'id'],
  Interaction: ['accountId', 'id'],
  InteractionTranscript: ['accountId', 'interactionId'],
  InteractionChannel: ['accountId', 'interactionId', 'channel'],
  InteractionTopic: ['accountId', 'interactionId', 'name'],
  InteractionIssue: ['accountId', 'interactionId', 'issue'],
};

/** Every row of every ingest table (all accounts, or one), every column, internal IDs included. */
export async function dump(pool: pg.Pool, accountId?: number): Promise<Record<string, Json[]>> {
  const out: Record<string, Json[]> = {};
  for (const [table, key] of Object.entries(TABLES)) {
    const order = key.map((column) => `"${column}"`).join(', ');
    const where = accountId ? `WHERE "accountId" = $1` : '';
    const { rows } = await pool.query(`SELECT * FROM "${table}" ${where} ORDER BY ${order}`, accountId ? [accountId] : []);
    out[table] = rows;
  }
  return out;
}

/** One interaction as stored: its row and child rows (child rows without accountId/interactionId). */
export async function stored(pool: pg.Pool, accountId: number, externalId: string) {
  const { rows } = await pool.query(`SELECT * FROM "Interaction" WHERE "accountId" = $1 AND "externalId" = $2`, [accountId, externalId]);
  if (rows.length === 0) return null;
  const row = rows[0];
  const children = async (table: string, order: string) => {
    const result = await pool.query(
      `SELECT * FROM "${table}" WHERE "accountId" = $1 AND "interactionId" = $2 ORDER BY ${order}`,
      [accountId, row.id],
    );
    return result.rows.map(({ accountId: _a, interactionId: _i, ...rest }) => rest);
  };
  // Messages and log lines are stored as JSON in one transcript row, each an array of its fields
  // (in the order of ingest.md's table); as rows here.
  const transcript = async (items: string, order: string) =>
    (await pool.query(`SELECT x.* FROM "InteractionTranscript" t, ${items} WHERE t."accountId" = $1 AND t."interactionId" = $2 ORDER BY ${order}`, [accountId, row.id])).rows;
  return {
    row,
    messages: await transcript(
      `json_array_elements(t.messages::json) AS e(m), LATERAL (SELECT m->>0 AS id, m->>1 AS direction, m->>2 AS author, m->>3 AS channel, (m->>4)::timestamptz AS "sentAt",
                m->>5 AS text, m->>6 AS status, (m->>7)::timestamptz AS "statusAt", (m->>8)::int AS "validityHours") x`,
      'x.id',
    ),
    // The counts only: the summary rows also copy filter columns of the interaction (not ingest.md's concern).
    channels: (await children('InteractionChannel', 'channel')).map(
      ({ channel, inbound, outbound, delivered, rejected, undeliverable, expired, pending }) =>
        ({ channel, inbound, outbound, delivered, rejected, undeliverable, expired, pending }),
    ),
    // seq: the line's position in the record, from 0.
    logs: (await transcript(`json_array_elements(t.logs::json) WITH ORDINALITY AS e(log, n), LATERAL (SELECT (log->>0)::timestamptz AS at, log->>1 AS level, log->>2 AS message) x`, 'e.n'))
      .map((log, seq) => ({ seq, ...log })),
    // Steps are stored as arrays in the interaction's row; as rows here, seq their position from 0.
    steps: (
      await pool.query(
        `SELECT (x.n - 1)::int AS seq, x.kind::text AS kind, x.name, x.at
           FROM "Interaction" t, unnest(t."stepKinds", t."stepNames", t."stepAts") WITH ORDINALITY AS x(kind, name, at, n)
          WHERE t."accountId" = $1 AND t.id = $2 ORDER BY x.n`,
        [accountId, row.id],
      )
    ).rows,
    topics: (await children('InteractionTopic', 'seq')).map(({ name, resolved, handleTimeSeconds, seq }) => ({ name, resolved, handleTimeSeconds, seq })),
    issues: (await children('InteractionIssue', 'seq')).map(({ issue, seq }) => ({ issue, seq })),
  };
}

/**
 * Summary rows (channels, topics, issues) copy columns of their interaction so figures need no
 * join. Whatever those copies are, they must equal the interaction's own values after every
 * write, late records included: returns the rows where a copy differs, and orphan rows.
 * ("channel" is left out: in InteractionChannel it is the message channel, not the interaction's.)
 */
export async function summaryCopiesMismatches(pool: pg.Pool): Promise<Json[]> {
  const problems: Json[] = [];
  const interactionColumns = new Set(
    (await pool.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'Interaction'`)).rows.map((r) => r.column_name as string),
  );
  for (const table of ['InteractionChannel', 'InteractionTopic', 'InteractionIssue', 'InteractionTranscript']) {
    const { rows: columns } = await pool.query(`SELECT column_name FROM information_schema.columns WHERE table_name = $1`, [table]);
    const shared = columns
      .map((r) => r.column_name as string)
      .filter((c) => interactionColumns.has(c) && !['accountId', 'id', 'channel'].includes(c));
    const { rows: orphans } = await pool.query(
      `SELECT t.* FROM "${table}" t LEFT JOIN "Interaction" i ON i."accountId" = t."accountId" AND i.id = t."interactionId" WHERE i.id IS NULL`,
    );
    problems.push(...orphans.map((row) => ({ table, orphan: row })));
    if (shared.length === 0 || table === 'InteractionTranscript') continue;
    const list = (alias: string) => shared.map((c) => `${alias}."${c}"`).join(', ');
    const { rows } = await pool.query(
      `SELECT '${table}' AS "table", t."interactionId", ROW(${list('t')})::text AS copy, ROW(${list('i')})::text AS interaction
         FROM "${table}" t JOIN "Interaction" i ON i."accountId" = t."accountId" AND i.id = t."interactionId"
        WHERE ROW(${list('t')}) IS DISTINCT FROM ROW(${list('i')})`,
    );
    problems.push(...rows);
  }
  return problems;
}

export async function automationRow(pool: pg.Pool, accountId: number, externalId: string) {
  const { rows } = await pool.query(`SELECT * FROM "Automation" WHERE "accountId" = $1 AND "externalId" = $2`, [accountId, externalId]);
  return rows[0] ?? null;
}

/** A channel summary row with zeros for every count not given. */
export function channelRow(channel: string, counts: Partial<Record<'inbound' | 'outbound' | 'delivered' | 'rejected' | 'undeliverable' | 'expired' | 'pending', number>>) {
  return { channel, inbound: 0, outbound: 0, delivered: 0, rejected: 0, undeliverable: 0, expired: 0, pending: 0, ...counts };
}

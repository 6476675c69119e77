/**
 * A hand-built dataset for the drill-down tests. Every expected value in test/drilldowns/*.test.ts
 * is worked out by hand from the tables below (see the comments there), never read back from the code.
 *
 * Account A, 25 interactions in RANGE = [T0, T0 + 48 h) (`h` = hours after T0), and two outside it.
 * Outcome: (o) = explicit analysis outcome, otherwise derived from topic resolution.
 * Topics: B Billing, A Account, D Delivery, R Returns, C Coupons, W Warranty; `+` resolved, `-` not.
 *
 *  id   type h    handling  outcome          topics (handle s)         issues                      sentiment      csat
 *  c18  N    47.5 contained unclassified     -                         -                           -              -
 *  c15  C    44   contained unclassified     - (no analysis)           -                           -              3
 *  c13  C    40   contained UNSUCCESSFUL     A- R- C-(25)              Wrong answer                NEUTRAL -0.1   -
 *  e3   C    33   escalated UNSUCCESSFUL     B-                        Long wait                   NEGATIVE -0.6  1
 *  c1   C    30   contained SUCCESSFUL       A+ B+(30)                 -                           POSITIVE 0.9   5
 *  c4   C    30   contained SUCCESSFUL       A+(200) D+                -                           POSITIVE 0.5   4 (late csat record)
 *  c12  C    28   contained SUCCESSFUL (o)   B- C-(15)                 Wrong answer                POSITIVE 0.3   4
 *  e2   C    28   escalated SUCCESSFUL       B+(60) D+                 Slow reply                  POSITIVE 0.6   4
 *  c2   N    26   contained SUCCESSFUL       W+(90)                    -                           -              -
 *  c3   N    26   contained SUCCESSFUL (o)   -                         -                           -              -
 *  c19  N    25   contained unclassified     -                         -                           -              -
 *  c5   N    22   contained MIXED            B+ C-                     Long wait                   -              -
 *  e1   C    20   escalated SUCCESSFUL       B+(120)                   Long wait                   POSITIVE 0.8   5
 *  c10  C    18   contained UNSUCCESSFUL (o) B- R-                     Bot did not understand      NEGATIVE -0.2  3
 *  c7   C    18   contained UNSUCCESSFUL     B- A-(100)                Bot did not understand      NEGATIVE -0.4  2
 *  c9   N    18   contained UNSUCCESSFUL     D-                        -                           -              -
 *  e4   C    15   escalated MIXED (o)        -                         -                           NEUTRAL 0      3
 *  e5   C    12   escalated UNSUCCESSFUL (o) -   (inbox only)          Long wait, Bot did not und. NEGATIVE -0.9  -
 *  c6   N    10   contained MIXED            R+(45) B-  (late analysis) -                          NEUTRAL 0.1    -
 *  c11  N    7    contained UNSUCCESSFUL     R- D-                     Message not delivered       -              -
 *  c17  N    7    contained UNSUCCESSFUL (o) -                         Message not delivered       -              -
 *  c8   C    5    contained UNSUCCESSFUL     R- C-                     -                           NEGATIVE -0.8  1
 *  c14  C    2    contained UNSUCCESSFUL     B- A- D- W-               -                           NEGATIVE -0.5  1
 *  e6   C    1    escalated unclassified     - (no analysis, inbox)    -                           -              2 (late csat record)
 *  c16  C    0    contained unclassified     - (analysis w/o topics)   -                           NEUTRAL (none) 5
 *
 * Outside RANGE: x-before (T0 − 1 h, UNSUCCESSFUL, Billing and Legacy, issue Long wait) and
 * x-at-to (exactly T0 + 48 h, SUCCESSFUL, Billing, csat 5). Account B holds interactions with the
 * same IDs c1 and e3 (and b-only) with different data, a topic Secret and an issue Secret issue.
 */

import { startTestServer, type TestServer } from '../helpers/server';

export const HOUR = 3_600_000;
export const T0 = new Date('2026-03-02T00:00:00.000Z');
export const at = (hours: number, seconds = 0) => new Date(T0.getTime() + hours * HOUR + seconds * 1000).toISOString();
export const RANGE = { from: at(0), to: at(48) };

/** Every in-range interaction of account A, newest startedAt first, then ID (code point order). */
export const ALL_IN_ORDER = [
  'c18', 'c15', 'c13', 'e3', 'c1', 'c4', 'c12', 'e2', 'c2', 'c3', 'c19', 'c5', 'e1',
  'c10', 'c7', 'c9', 'e4', 'e5', 'c6', 'c11', 'c17', 'c8', 'c14', 'e6', 'c16',
];

type Topic = [name: string, resolved: boolean, handleTimeSeconds?: number];

interface Spec {
  id: string;
  type: 'C' | 'N';
  h: number;
  escalated?: boolean;
  outcome?: 'SUCCESSFUL' | 'MIXED' | 'UNSUCCESSFUL';
  topics?: Topic[];
  issues?: string[];
  sentiment?: 'POSITIVE' | 'NEUTRAL' | 'NEGATIVE';
  score?: number;
  csat?: number;
  /** No automation, no sender (handled in the inbox only). */
  inbox?: boolean;
  /** An analysis object even when empty. */
  analysis?: boolean;
  extra?: Record<string, unknown>;
}

const B = 'Billing', A = 'Account', D = 'Delivery', R = 'Returns', C = 'Coupons', W = 'Warranty';

export const cb = { id: 'cb', type: 'CHATBOT', name: 'Support bot', automationVersionId: 'cb-v2', versionId: '2' };
export const jr = { id: 'jr', type: 'JOURNEY', name: 'Welcome journey', automationVersionId: 'jr-v1', versionId: '1' };

function analysisOf(s: Spec): Record<string, unknown> | undefined {
  const a: Record<string, unknown> = {};
  if (s.outcome) a.outcome = s.outcome;
  if (s.sentiment) a.sentiment = s.sentiment;
  if (s.score !== undefined) a.sentimentScore = s.score;
  if (s.topics) a.topics = s.topics.map(([name, resolved, handle]) => ({ name, resolved, ...(handle === undefined ? {} : { handleTimeSeconds: handle }) }));
  if (s.issues) a.issues = s.issues;
  return Object.keys(a).length > 0 || s.analysis ? a : undefined;
}

function record(s: Spec, analysis = analysisOf(s)): Record<string, unknown> {
  const conversational = s.type === 'C';
  const channel = conversational ? 'WHATSAPP' : 'SMS';
  return {
    record: 'interaction',
    id: s.id,
    type: conversational ? 'CONVERSATIONAL' : 'NON_CONVERSATIONAL',
    startedAt: at(s.h),
    endedAt: at(s.h, 600),
    ...(s.inbox ? {} : { automation: conversational ? cb : jr, sender: conversational ? 'S-chat' : 'S-journey' }),
    channel,
    endUserId: `u-${s.id}`,
    ...(s.escalated ? { escalation: { at: at(s.h, 60), agentId: 'agent-1' } } : {}),
    messages: conversational
      ? [
          { id: 'm1', direction: 'INBOUND', author: 'END_USER', channel, sentAt: at(s.h), text: 'Hello' },
          { id: 'm2', direction: 'OUTBOUND', author: 'BOT', channel, sentAt: at(s.h, 5), text: 'Hi', status: 'DELIVERED' },
        ]
      : [{ id: 'm1', direction: 'OUTBOUND', author: 'SYSTEM', channel, sentAt: at(s.h), text: 'Welcome!', status: 'DELIVERED' }],
    ...(analysis ? { analysis } : {}),
    ...(s.csat !== undefined ? { csat: { score: s.csat, at: at(s.h, 900) } } : {}),
    ...s.extra,
  };
}

const SPECS: Spec[] = [
  { id: 'c18', type: 'N', h: 47.5 },
  { id: 'c15', type: 'C', h: 44, csat: 3 },
  { id: 'c13', type: 'C', h: 40, topics: [[A, false], [R, false], [C, false, 25]], issues: ['Wrong answer'], sentiment: 'NEUTRAL', score: -0.1 },
  { id: 'e3', type: 'C', h: 33, escalated: true, topics: [[B, false]], issues: ['Long wait'], sentiment: 'NEGATIVE', score: -0.6, csat: 1 },
  { id: 'c1', type: 'C', h: 30, topics: [[A, true], [B, true, 30]], sentiment: 'POSITIVE', score: 0.9, csat: 5 },
  { id: 'c4', type: 'C', h: 30, topics: [[A, true, 200], [D, true]], sentiment: 'POSITIVE', score: 0.5 }, // csat 4 comes late
  { id: 'c12', type: 'C', h: 28, outcome: 'SUCCESSFUL', topics: [[B, false], [C, false, 15]], issues: ['Wrong answer'], sentiment: 'POSITIVE', score: 0.3, csat: 4 },
  // e2 is built by hand below (interaction details)
  // c2 is built by hand below (interaction details)
  { id: 'c3', type: 'N', h: 26, outcome: 'SUCCESSFUL' },
  { id: 'c19', type: 'N', h: 25 },
  { id: 'c5', type: 'N', h: 22, topics: [[B, true], [C, false]], issues: ['Long wait'] },
  { id: 'e1', type: 'C', h: 20, escalated: true, topics: [[B, true, 120]], issues: ['Long wait'], sentiment: 'POSITIVE', score: 0.8, csat: 5 },
  { id: 'c10', type: 'C', h: 18, outcome: 'UNSUCCESSFUL', topics: [[B, false], [R, false]], issues: ['Bot did not understand'], sentiment: 'NEGATIVE', score: -0.2, csat: 3 },
  { id: 'c7', type: 'C', h: 18, topics: [[B, false], [A, false, 100]], issues: ['Bot did not understand'], sentiment: 'NEGATIVE', score: -0.4, csat: 2 },
  { id: 'c9', type: 'N', h: 18, topics: [[D, false]] },
  { id: 'e4', type: 'C', h: 15, escalated: true, outcome: 'MIXED', sentiment: 'NEUTRAL', score: 0, csat: 3 },
  // a repeated issue counts once (ingest.md)
  { id: 'e5', type: 'C', h: 12, escalated: true, inbox: true, outcome: 'UNSUCCESSFUL', issues: ['Long wait', 'Bot did not understand', 'Long wait'], sentiment: 'NEGATIVE', score: -0.9 },
  { id: 'c6', type: 'N', h: 10 }, // its analysis comes late
  { id: 'c11', type: 'N', h: 7, topics: [[R, false], [D, false]], issues: ['Message not delivered'] },
  { id: 'c17', type: 'N', h: 7, outcome: 'UNSUCCESSFUL', issues: ['Message not delivered'] },
  { id: 'c8', type: 'C', h: 5, topics: [[R, false], [C, false]], sentiment: 'NEGATIVE', score: -0.8, csat: 1 },
  { id: 'c14', type: 'C', h: 2, topics: [[B, false], [A, false], [D, false], [W, false]], sentiment: 'NEGATIVE', score: -0.5, csat: 1 },
  { id: 'e6', type: 'C', h: 1, escalated: true, inbox: true }, // csat 2 comes late
  { id: 'c16', type: 'C', h: 0, sentiment: 'NEUTRAL', csat: 5 },
];

/** The conversational interaction whose details are checked field by field (details.test.ts). */
export const E2 = {
  record: 'interaction',
  id: 'e2',
  type: 'CONVERSATIONAL',
  startedAt: at(28),
  endedAt: at(28, 300),
  automation: cb,
  sender: 'S-chat',
  channel: 'WHATSAPP',
  endUserId: 'u-e2',
  customerProfileId: 'cp-e2',
  escalation: { at: at(28, 90), agentId: 'agent-7' },
  // deliberately out of order; m1/m2 tie on sentAt, m10/m9 tie on sentAt ("m10" < "m9" by code point)
  messages: [
    { id: 'm9', direction: 'OUTBOUND', author: 'AGENT', channel: 'WHATSAPP', sentAt: at(28, 60) }, // no status: PENDING, no text
    { id: 'm2', direction: 'OUTBOUND', author: 'BOT', channel: 'WHATSAPP', sentAt: at(28, 5), text: 'Pick one', status: 'DELIVERED', statusAt: at(28, 6) },
    { id: 'm10', direction: 'INBOUND', author: 'END_USER', channel: 'WHATSAPP', sentAt: at(28, 60), text: 'Agent please' },
    { id: 'm1', direction: 'OUTBOUND', author: 'BOT', channel: 'WHATSAPP', sentAt: at(28, 5), text: 'Hello', status: 'SEEN', statusAt: at(28, 7) },
    { id: 'm3', direction: 'INBOUND', author: 'END_USER', channel: 'WHATSAPP', sentAt: at(28), text: 'Hi' },
  ],
  logs: [{ at: at(28, 90), level: 'WARN', message: 'handed over to an agent' }],
  analysis: {
    outcome: 'SUCCESSFUL',
    sentiment: 'POSITIVE',
    sentimentScore: 0.6,
    summary: 'Customer paid an invoice; the agent confirmed the delivery date.',
    topics: [{ name: B, resolved: true, handleTimeSeconds: 60 }, { name: D, resolved: true }],
    issues: ['Slow reply'],
  },
  csat: { score: 4, at: at(29) },
};

/** The non-conversational interaction whose details are checked field by field (details.test.ts). */
export const C2 = {
  record: 'interaction',
  id: 'c2',
  type: 'NON_CONVERSATIONAL',
  startedAt: at(26),
  automation: jr,
  sender: 'S-journey',
  channel: 'SMS',
  endUserId: 'u-c2',
  messages: [{ id: 'm1', direction: 'OUTBOUND', author: 'SYSTEM', channel: 'SMS', sentAt: at(26, 1), text: 'Welcome!', status: 'SENT', statusAt: at(26, 2) }],
  // deliberately out of order; two logs tie on `at` (kept in the order they were sent)
  logs: [
    { at: at(26, 3), level: 'ERROR', message: 'coupon service down' },
    { at: at(26, 0), level: 'INFO', message: 'journey started' },
    { at: at(26, 1), level: 'INFO', message: 'sent welcome' },
    { at: at(26, 1), level: 'WARN', message: 'slow gateway' },
  ],
  analysis: { topics: [{ name: W, resolved: true, handleTimeSeconds: 90 }] },
};

export function accountARecords(): Record<string, unknown>[] {
  return [
    ...SPECS.map((s) => record(s)),
    E2,
    C2,
    // outside the range
    record({ id: 'x-before', type: 'C', h: -1, topics: [[B, false], ['Legacy', false]], issues: ['Long wait'], sentiment: 'NEGATIVE', score: -1, csat: 1 }),
    record({ id: 'x-at-to', type: 'C', h: 48, topics: [[B, true, 999]], sentiment: 'POSITIVE', score: 1, csat: 5 }),
  ];
}

/** Late records, sent in a second call (their interactions are then read back from the database). */
export function accountALateRecords(): Record<string, unknown>[] {
  return [
    { record: 'csat', interactionId: 'c4', score: 4, at: at(31) },
    { record: 'csat', interactionId: 'e6', score: 2, at: at(2) },
    { record: 'analysis', interactionId: 'c6', sentiment: 'NEUTRAL', sentimentScore: 0.1, topics: [{ name: R, resolved: true, handleTimeSeconds: 45 }, { name: B, resolved: false }] },
  ];
}

/** Account B: the IDs c1 and e3 of account A with different data, plus b-only. */
export function accountBRecords(): Record<string, unknown>[] {
  return [
    record({ id: 'c1', type: 'C', h: 30, escalated: true, topics: [['Secret', false]], issues: ['Secret issue'], sentiment: 'NEGATIVE', score: -1, csat: 1 }),
    record({ id: 'e3', type: 'N', h: 33, topics: [[B, true]], sentiment: 'POSITIVE', score: 1, csat: 5 }),
    record({ id: 'b-only', type: 'C', h: 5, outcome: 'MIXED', topics: [['Secret', true], [R, false]] }),
  ];
}

// ---------------------------------------------------------------------------------------------
// Server setup shared by the test files (each file gets its own database).

export interface Setup {
  t: TestServer;
  a: { id: number; apiKey: string };
  b: { id: number; apiKey: string };
}

/**
 * A test server whose per-key rate limit does not get in the way of these tests (they send more
 * than a burst of requests with one key; the limiter is not what they test). Jest gives every test
 * file its own copy of process.env, so this does not leak into other files.
 */
export async function startUnthrottledServer(): Promise<TestServer> {
  process.env.TOUCHPOINT_RATE_LIMIT_PER_MINUTE ??= '1000000';
  process.env.TOUCHPOINT_RATE_LIMIT_BURST ??= '1000000';
  return startTestServer();
}

const INGEST = 'mutation($r: [JSONObject!]!) { ingest(records: $r) { stored rejected { index path reason } } }';

export async function ingest(t: TestServer, apiKey: string, records: Record<string, unknown>[]) {
  const res = await t.request(INGEST, { r: records }, apiKey);
  expect(res.errors).toBeUndefined();
  expect(res.data?.ingest).toEqual({ stored: records.length, rejected: [] });
}

export async function startWithFixture(): Promise<Setup> {
  const t = await startUnthrottledServer();
  try {
    const a = await t.createAccount('A');
    const b = await t.createAccount('B');
    await ingest(t, a.apiKey, accountARecords());
    await ingest(t, a.apiKey, accountALateRecords());
    await ingest(t, b.apiKey, accountBRecords());
    return { t, a, b };
  } catch (error) {
    await t.close(); // or the open server keeps Jest from exiting
    throw error;
  }
}

/** Runs a query that must succeed; returns its data. */
export async function query(t: TestServer, apiKey: string, document: string, variables: Record<string, unknown> = {}): Promise<any> {
  const res = await t.request(document, variables, apiKey);
  expect(res.errors).toBeUndefined();
  expect(res.status).toBe(200);
  return res.data;
}

/**
 * `insights(filter: $filter) { <selection> }` as account `apiKey`; `varDefs` declares extra
 * variables (e.g. `$after: String`).
 */
export async function insights(
  t: TestServer,
  apiKey: string,
  selection: string,
  filter: Record<string, unknown> = RANGE,
  variables: Record<string, unknown> = {},
  varDefs = '',
) {
  const data = await query(t, apiKey, `query($filter: InsightsFilter!${varDefs ? `, ${varDefs}` : ''}) { insights(filter: $filter) { ${selection} } }`, { filter, ...variables });
  return data.insights;
}

/** The IDs of a connection's nodes. */
export const ids = (connection: { edges: Array<{ node: { id: string } }> }) => connection.edges.map((e) => e.node.id);

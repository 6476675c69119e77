/**
 * No N+1: a page of example interactions with every nested field costs a fixed number of SQL
 * statements, whatever the page size (the nested rows come from one batched statement per kind).
 */
import { countStatements } from '../helpers/statements';
import { at, ingest, query, startUnthrottledServer } from './fixture';
import type { TestServer } from '../helpers/server';

let t: TestServer;
let key: string;

const COUNT = 120;
const AUTOMATIONS = [
  { id: 'bot', type: 'CHATBOT', name: 'Bot' },
  { id: 'jny', type: 'JOURNEY', name: 'Journey' },
  { id: 'ai', type: 'AI_AGENT', name: 'Agent' },
];
const pad = (n: number) => String(n).padStart(3, '0');

/**
 * Interaction n (0..119) starts at n minutes after T0 (so the newest first order is n = 119, 118, ...)
 * and has: automation AUTOMATIONS[n % 3] except every 10th (n % 10 === 9: inbox only), 3 messages,
 * 2 logs, topics T{n % 4} (resolved) and T{(n + 1) % 4} (not), issue I{n % 5}, customer cp-n for even n.
 */
function record(n: number) {
  const inbox = n % 10 === 9;
  return {
    record: 'interaction', id: `n${pad(n)}`, type: n % 2 === 0 ? 'CONVERSATIONAL' : 'NON_CONVERSATIONAL',
    startedAt: at(0, n * 60), endedAt: at(0, n * 60 + 30), channel: 'SMS', endUserId: `u${n}`,
    ...(inbox ? {} : { automation: AUTOMATIONS[n % 3], sender: 'S' }),
    ...(n % 2 === 0 ? { customerProfileId: `cp-${n}` } : {}),
    ...(n % 3 === 0 ? { escalation: { at: at(0, n * 60 + 10) } } : {}),
    messages: [
      { id: 'a', direction: 'INBOUND', author: 'END_USER', channel: 'SMS', sentAt: at(0, n * 60), text: `hi ${n}` },
      { id: 'b', direction: 'OUTBOUND', author: 'BOT', channel: 'SMS', sentAt: at(0, n * 60 + 1), status: 'DELIVERED' },
      { id: 'c', direction: 'INBOUND', author: 'END_USER', channel: 'SMS', sentAt: at(0, n * 60 + 2) },
    ],
    logs: [
      { at: at(0, n * 60 + 5), level: 'INFO', message: `second ${n}` },
      { at: at(0, n * 60), level: 'INFO', message: `first ${n}` },
    ],
    analysis: {
      topics: [{ name: `T${n % 4}`, resolved: true, handleTimeSeconds: n }, { name: `T${(n + 1) % 4}`, resolved: false }],
      issues: [`I${n % 5}`],
      sentiment: 'NEUTRAL',
    },
    csat: { score: (n % 5) + 1, at: at(1) },
  };
}

beforeAll(async () => {
  t = await startUnthrottledServer();
  key = (await t.createAccount('N')).apiKey;
  await ingest(t, key, Array.from({ length: COUNT }, (_, n) => record(n)));
});
afterAll(async () => t?.close());

const NODE = `id type startedAt endedAt durationSeconds automationVersionId versionId sender channel endUserId handling escalatedAt
  outcome sentiment sentimentScore csatScore engaged inboundMessages outboundMessages analysisSummary
  automation { id type name } topics { name resolved handleTimeSeconds } issues customer { id }
  transcript { id direction author channel sentAt text status statusAt } logs { at level message }`;
const PAGE = `query($filter: InsightsFilter!, $first: Int) { insights(filter: $filter) {
  interactions(first: $first) { totalCount edges { cursor node { ${NODE} } } pageInfo { hasNextPage endCursor } } } }`;
const FILTER = { from: at(0), to: at(24) };

/** What the generator says about interaction n, as the API shows it. */
function expectedNode(n: number) {
  const inbox = n % 10 === 9;
  return {
    id: `n${pad(n)}`,
    automation: inbox ? null : { id: AUTOMATIONS[n % 3]!.id, type: AUTOMATIONS[n % 3]!.type, name: AUTOMATIONS[n % 3]!.name },
    topics: [{ name: `T${n % 4}`, resolved: true, handleTimeSeconds: n }, { name: `T${(n + 1) % 4}`, resolved: false, handleTimeSeconds: null }],
    issues: [`I${n % 5}`],
    customer: n % 2 === 0 ? { id: `cp-${n}` } : null,
    transcript: ['a', 'b', 'c'],
    logs: [`first ${n}`, `second ${n}`],
    handling: n % 3 === 0 ? 'ESCALATED' : 'CONTAINED',
    outcome: 'MIXED', // one resolved topic, one not
    csatScore: (n % 5) + 1,
  };
}

const shape = (node: any) => ({
  id: node.id,
  automation: node.automation,
  topics: node.topics,
  issues: node.issues,
  customer: node.customer,
  transcript: node.transcript.map((m: any) => m.id),
  logs: node.logs.map((l: any) => l.message),
  handling: node.handling,
  outcome: node.outcome,
  csatScore: node.csatScore,
});

// authentication 1 + the page 1 + totalCount 1 + one batched statement per kind of nested row:
// automations 1, topics 1, issues 1, messages (transcript) 1, logs 1. `customer` needs none.
const EXPECTED_STATEMENTS = 1 + 1 + 1 + 5;

describe('a page of examples with every nested field', () => {
  it.each([100, 10])('first: %i costs exactly 8 statements', async (first) => {
    const { result, statements, texts } = await countStatements(() => t.request(PAGE, { filter: FILTER, first }, key));
    expect(result.errors).toBeUndefined();
    const connection = result.data!.insights.interactions;
    expect(connection.totalCount).toBe(COUNT);
    expect(connection.edges).toHaveLength(first);
    // newest first: n = 119, 118, ...
    const expectedIds = Array.from({ length: first }, (_, k) => COUNT - 1 - k);
    expect(connection.edges.map((e: any) => shape(e.node))).toEqual(expectedIds.map(expectedNode));
    expect(statements).toBe(EXPECTED_STATEMENTS);
    // one statement per nested kind, each for the whole page
    const batched = texts.filter((text) => /= ANY\(\$2::int(8|4)?\[\]\)/.test(text));
    expect(batched).toHaveLength(5);
  });

  it.each([
    [100, 50],
    [10, 5],
  ])('two example lists (first: %i and %i) in one request: one batch per list and kind, whatever their size', async (mixedFirst, escalatedFirst) => {
    const document = `query($filter: InsightsFilter!) { insights(filter: $filter) {
      mixed { examples(first: ${mixedFirst}) { edges { node { ${NODE} } } } }
      interactions(first: ${escalatedFirst}, handling: ESCALATED) { edges { node { ${NODE} } } } } }`;
    const { result, statements } = await countStatements(() => t.request(document, { filter: FILTER }, key));
    expect(result.errors).toBeUndefined();
    // every interaction is MIXED (one resolved topic, one not); n % 3 === 0 are escalated (40)
    expect(result.data!.insights.mixed.examples.edges).toHaveLength(mixedFirst);
    expect(result.data!.insights.interactions.edges).toHaveLength(Math.min(escalatedFirst, 40));
    // authentication + 2 pages + at most 5 nested kinds per list: the two pages arrive separately,
    // so each list's nodes are loaded in their own batch, minus what the other list already loaded
    // (which list comes first is a race: the 3 automations are often all cached by then). The
    // bound depends on the number of lists, never on their size.
    expect(statements).toBeGreaterThanOrEqual(1 + 2 + 5);
    expect(statements).toBeLessThanOrEqual(1 + 2 + 2 * 5);
  });

  it('interaction(id) for several IDs: one statement for the interactions, one per nested kind', async () => {
    const aliases = [119, 118, 109, 0, 1].map((n) => `i${n}: interaction(id: "n${pad(n)}") { ${NODE} }`).join('\n');
    const { result, statements } = await countStatements(() => t.request(`{ ${aliases} }`, {}, key));
    expect(result.errors).toBeUndefined();
    expect(shape(result.data!.i109)).toEqual(expectedNode(109));
    expect(shape(result.data!.i0)).toEqual(expectedNode(0));
    expect(statements).toBe(1 + 1 + 5);
  });
});

it('asks only for what is selected: a page of IDs costs authentication and the page', async () => {
  const { statements } = await countStatements(() => query(t, key, 'query($filter: InsightsFilter!) { insights(filter: $filter) { interactions(first: 100) { edges { node { id } } } } }', { filter: FILTER }));
  expect(statements).toBe(2);
});

/**
 * Account isolation. Accounts A and B hold the SAME interaction IDs (c-1, c-2, c-3), the same
 * automation IDs (cb, jr) and a funnel view of the same name, with different data; A also has
 * IDs B lacks (a-only, a-late, automation a-agent). For every entry point, B must never see or
 * change A's data, and each negative check has a control showing A's data really is there.
 * Then API-key scopes, and the per-request loaders (one request, IDs in both accounts).
 */
import { createAccount, createApiKey, revokeApiKey } from '../../src/accounts/accountStore';
import type { RunningServer } from '../../src/server/app';
import { startServer } from '../../src/server/app';
import { readLimits } from '../../src/server/limits/settings';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { codes, dataOf, gql, type Reply } from './http';

const BASE = Date.parse('2026-10-05T08:00:00Z');
const at = (minutes: number) => new Date(BASE + minutes * 60_000).toISOString();
const FILTER = { from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z' };

const aBot = { id: 'cb', type: 'CHATBOT', name: 'A bot' };
const bBot = { id: 'cb', type: 'CHATBOT', name: 'B bot' };
const inbound = (id: string, channel: string, minute: number, text?: string) => ({ id, direction: 'INBOUND', author: 'END_USER', channel, sentAt: at(minute), ...(text ? { text } : {}) });
const outbound = (id: string, channel: string, minute: number, extra: Record<string, unknown> = {}) => ({ id, direction: 'OUTBOUND', author: 'BOT', channel, sentAt: at(minute), ...extra });

const A_RECORDS = [
  {
    record: 'interaction', id: 'c-1', type: 'CONVERSATIONAL', startedAt: at(0), endedAt: at(10), automation: aBot,
    sender: 'A-sender', channel: 'WHATSAPP', endUserId: 'a-user-1', customerProfileId: 'a-profile-1',
    messages: [inbound('m1', 'WHATSAPP', 0, 'A secret text'), outbound('m2', 'WHATSAPP', 1, { text: 'A reply', status: 'DELIVERED', statusAt: at(2) })],
    steps: [{ kind: 'SESSION_START', at: at(0) }, { kind: 'DIALOG', name: 'A welcome', at: at(1) }, { kind: 'SESSION_END', at: at(10) }],
    analysis: { outcome: 'SUCCESSFUL', sentiment: 'POSITIVE', sentimentScore: 0.9, summary: 'A summary', topics: [{ name: 'Shared topic', resolved: true }, { name: 'A only topic', resolved: true }], issues: ['A issue'] },
    csat: { score: 5, at: at(11) },
  },
  {
    record: 'interaction', id: 'c-2', type: 'NON_CONVERSATIONAL', startedAt: at(20), endedAt: at(21),
    automation: { id: 'jr', type: 'JOURNEY', name: 'A journey' }, sender: 'A-sender', channel: 'SMS', endUserId: 'a-user-2',
    messages: [{ ...outbound('m1', 'SMS', 20, { status: 'REJECTED' }), author: 'SYSTEM' }],
    steps: [{ kind: 'JOURNEY_ELEMENT', name: 'A element', at: at(20) }],
    logs: [{ at: at(20), level: 'INFO', message: 'A log' }],
    analysis: { outcome: 'UNSUCCESSFUL', sentiment: 'NEGATIVE', topics: [{ name: 'Shared topic', resolved: false }], issues: ['Shared issue', 'A issue'] },
    csat: { score: 1, at: at(22) },
  },
  {
    record: 'interaction', id: 'c-3', type: 'CONVERSATIONAL', startedAt: at(30), automation: aBot, sender: 'A-sender', channel: 'WHATSAPP', endUserId: 'a-user-1',
    analysis: { outcome: 'MIXED', sentiment: 'NEUTRAL', topics: [{ name: 'Shared topic', resolved: true }] },
    csat: { score: 3, at: at(31) },
  },
  {
    record: 'interaction', id: 'a-only', type: 'CONVERSATIONAL', startedAt: at(40), automation: { id: 'a-agent', type: 'AI_AGENT', name: 'A agent' },
    sender: 'A-sender-2', channel: 'WHATSAPP', endUserId: 'a-user-3',
    steps: [{ kind: 'AI_AGENT_TOOL', name: 'A tool', at: at(40) }],
    analysis: { outcome: 'SUCCESSFUL', sentiment: 'POSITIVE', topics: [{ name: 'A only topic', resolved: true }] },
    csat: { score: 4, at: at(41) },
  },
  {
    record: 'interaction', id: 'a-late', type: 'CONVERSATIONAL', startedAt: at(50), automation: aBot, channel: 'SMS', endUserId: 'a-user-4',
    messages: [outbound('m1', 'SMS', 50, { status: 'SENT', statusAt: at(50) })],
  },
];

const B_RECORDS = [
  {
    record: 'interaction', id: 'c-1', type: 'CONVERSATIONAL', startedAt: at(5), endedAt: at(6), automation: bBot,
    sender: 'B-sender', channel: 'SMS', endUserId: 'b-user-1', customerProfileId: 'b-profile-1',
    messages: [inbound('m1', 'SMS', 5, 'B text')],
    steps: [{ kind: 'SESSION_START', at: at(5) }, { kind: 'DIALOG', name: 'B welcome', at: at(5) }],
    analysis: { outcome: 'UNSUCCESSFUL', sentiment: 'NEGATIVE', summary: 'B summary', topics: [{ name: 'Shared topic', resolved: false }], issues: ['Shared issue'] },
    csat: { score: 2, at: at(7) },
  },
  {
    record: 'interaction', id: 'c-2', type: 'NON_CONVERSATIONAL', startedAt: at(25), automation: { id: 'jr', type: 'JOURNEY', name: 'B journey' },
    sender: 'B-sender', channel: 'SMS', endUserId: 'b-user-2',
    messages: [{ ...outbound('m1', 'SMS', 25, { status: 'DELIVERED', statusAt: at(26) }), author: 'SYSTEM' }],
    steps: [{ kind: 'JOURNEY_ELEMENT', name: 'B element', at: at(25) }],
    analysis: { outcome: 'SUCCESSFUL', topics: [{ name: 'Shared topic', resolved: true }] },
  },
  { record: 'interaction', id: 'c-3', type: 'CONVERSATIONAL', startedAt: at(35), automation: bBot, sender: 'B-sender', channel: 'SMS', endUserId: 'b-user-1' },
];

/** What `interaction` returns, field by field (INTERACTION selects these). */
const INTERACTION = `id endUserId sender channel outcome csatScore analysisSummary customer { id } automation { id name }
  transcript { id text status } topics { name resolved } issues logs { message }`;
const A_C1 = {
  id: 'c-1', endUserId: 'a-user-1', sender: 'A-sender', channel: 'WHATSAPP', outcome: 'SUCCESSFUL', csatScore: 5, analysisSummary: 'A summary',
  customer: { id: 'a-profile-1' }, automation: { id: 'cb', name: 'A bot' },
  transcript: [{ id: 'm1', text: 'A secret text', status: null }, { id: 'm2', text: 'A reply', status: 'DELIVERED' }],
  topics: [{ name: 'Shared topic', resolved: true }, { name: 'A only topic', resolved: true }], issues: ['A issue'], logs: [],
};
const A_C2 = {
  id: 'c-2', endUserId: 'a-user-2', sender: 'A-sender', channel: 'SMS', outcome: 'UNSUCCESSFUL', csatScore: 1, analysisSummary: null,
  customer: null, automation: { id: 'jr', name: 'A journey' }, transcript: [{ id: 'm1', text: null, status: 'REJECTED' }],
  topics: [{ name: 'Shared topic', resolved: false }], issues: ['Shared issue', 'A issue'], logs: [{ message: 'A log' }],
};
const A_C3 = {
  id: 'c-3', endUserId: 'a-user-1', sender: 'A-sender', channel: 'WHATSAPP', outcome: 'MIXED', csatScore: 3, analysisSummary: null,
  customer: null, automation: { id: 'cb', name: 'A bot' }, transcript: [], topics: [{ name: 'Shared topic', resolved: true }], issues: [], logs: [],
};
const A_ONLY = {
  id: 'a-only', endUserId: 'a-user-3', sender: 'A-sender-2', channel: 'WHATSAPP', outcome: 'SUCCESSFUL', csatScore: 4, analysisSummary: null,
  customer: null, automation: { id: 'a-agent', name: 'A agent' }, transcript: [], topics: [{ name: 'A only topic', resolved: true }], issues: [], logs: [],
};
const B_C1 = {
  id: 'c-1', endUserId: 'b-user-1', sender: 'B-sender', channel: 'SMS', outcome: 'UNSUCCESSFUL', csatScore: 2, analysisSummary: 'B summary',
  customer: { id: 'b-profile-1' }, automation: { id: 'cb', name: 'B bot' }, transcript: [{ id: 'm1', text: 'B text', status: null }],
  topics: [{ name: 'Shared topic', resolved: false }], issues: ['Shared issue'], logs: [],
};
const B_C2 = {
  id: 'c-2', endUserId: 'b-user-2', sender: 'B-sender', channel: 'SMS', outcome: 'SUCCESSFUL', csatScore: null, analysisSummary: null,
  customer: null, automation: { id: 'jr', name: 'B journey' }, transcript: [{ id: 'm1', text: null, status: 'DELIVERED' }],
  topics: [{ name: 'Shared topic', resolved: true }], issues: [], logs: [],
};
const B_C3 = {
  id: 'c-3', endUserId: 'b-user-1', sender: 'B-sender', channel: 'SMS', outcome: null, csatScore: null, analysisSummary: null,
  customer: null, automation: { id: 'cb', name: 'B bot' }, transcript: [], topics: [], issues: [], logs: [],
};

const INGEST = 'mutation($r: [JSONObject!]!) { ingest(records: $r) { stored rejected { index path reason } } }';
const RATE_CARD = { currency: 'EUR', agentPerMinute: 0.5, channels: [{ channel: 'SMS', outboundMessage: 0.05, inboundMessage: 0.01 }], automations: [{ automationType: 'CHATBOT', perInteraction: 0.1 }] };
const SET_RATE_CARD = 'mutation($i: RateCardInput!) { setRateCard(input: $i) { currency } }';
const VIEW_FIELDS = 'id name automation { id name } versionId steps { kind name } isDefault';
const CREATE_VIEW = `mutation($i: FunnelViewInput!) { createFunnelView(input: $i) { ${VIEW_FIELDS} } }`;
const UPDATE_VIEW = `mutation($id: ID!, $i: FunnelViewInput!) { updateFunnelView(id: $id, input: $i) { ${VIEW_FIELDS} } }`;
const DELETE_VIEW = 'mutation($id: ID!) { deleteFunnelView(id: $id) }';
const SET_DEFAULT = `mutation($id: ID!) { setDefaultFunnelView(id: $id) { ${VIEW_FIELDS} } }`;
const VIEWS = `{ funnelViews { ${VIEW_FIELDS} } }`;
const FUNNEL = `query($v: ID, $from: DateTime!, $to: DateTime!) { funnel(viewId: $v, from: $from, to: $to) { status view { id name } steps { step { kind name } interactions } } }`;
const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { __typename
  ... on Interaction { ${INTERACTION} }
  ... on Automation { id name type }
  ... on FunnelView { id name viewAutomation: automation { id name } steps { kind name } isDefault } } }`;

let db: TestDatabase;
let server: RunningServer;
let url: string;
let a: { id: number; apiKey: string };
let b: { id: number; apiKey: string };
const views = { aMain: '', aSecond: '', bMain: '' };

async function ingest(apiKey: string, records: unknown[]) {
  const data = dataOf(await gql(url, INGEST, { r: records }, apiKey));
  expect(data.ingest.rejected).toEqual([]);
  return data.ingest;
}

async function createView(apiKey: string, input: Record<string, unknown>) {
  return dataOf(await gql(url, CREATE_VIEW, { i: input }, apiKey)).createFunnelView;
}

const asA = (query: string, variables: Record<string, unknown> = {}) => gql(url, query, variables, a.apiKey);
const asB = (query: string, variables: Record<string, unknown> = {}) => gql(url, query, variables, b.apiKey);
const insights = (selection: string, filter: Record<string, unknown> = FILTER) => `query { insights(filter: ${JSON.stringify(filter).replace(/"(\w+)":/g, '$1:')}) { ${selection} } }`;

function expectError(reply: Reply, code: string) {
  expect(codes(reply)).toEqual([code]);
  expect(JSON.stringify(reply.body.data ?? null)).not.toMatch(/a-user|A bot|A secret|a-profile|A summary/);
}

beforeAll(async () => {
  db = await createTestDatabase({ size: 10 });
  server = await startServer({ db, port: 0, host: '127.0.0.1', limits: readLimits({ ratePerMinute: 1_000_000, rateBurst: 1_000_000 }) });
  url = server.url;
  a = await createAccount(db.prisma, 'A');
  b = await createAccount(db.prisma, 'B');
  await ingest(a.apiKey, A_RECORDS);
  await ingest(b.apiKey, B_RECORDS);
  dataOf(await asA(SET_RATE_CARD, { i: RATE_CARD }));
  views.aMain = (await createView(a.apiKey, { name: 'Main', automationId: 'cb', steps: [{ kind: 'SESSION_START' }, { kind: 'STARTING_DIALOG', name: 'A welcome' }] })).id;
  views.aSecond = (await createView(a.apiKey, { name: 'Second', automationId: 'jr', steps: [{ kind: 'JOURNEY_ELEMENT', name: 'A element' }] })).id;
  views.bMain = (await createView(b.apiKey, { name: 'Main', automationId: 'cb', steps: [{ kind: 'SESSION_START' }] })).id;
});

afterAll(async () => {
  await server?.stop();
  await db?.drop();
});

describe('insights sections', () => {
  const SECTIONS = `performance { total { interactions successful mixed unsuccessful unclassified } }
    health { currency }
    audience { uniqueUsers csatResponses }
    channels { channel totalSent delivered rejected }
    sentiment { interactionsWithSentiment }
    csat { responses }`;

  it('A sees its own figures (control)', async () => {
    const d = dataOf(await asA(insights(SECTIONS))).insights;
    expect(d.performance.total).toEqual({ interactions: 5, successful: 2, mixed: 1, unsuccessful: 1, unclassified: 1 });
    expect(d.health.currency).toBe('EUR');
    expect(d.audience).toEqual({ uniqueUsers: 4, csatResponses: 4 });
    expect(d.channels.map((c: { channel: string; totalSent: number }) => [c.channel, c.totalSent]).sort()).toEqual([['SMS', 2], ['WHATSAPP', 1]]);
    expect(d.sentiment.interactionsWithSentiment).toBe(4);
    expect(d.csat.responses).toBe(4);
  });

  it('B sees only its own figures', async () => {
    const d = dataOf(await asB(insights(SECTIONS))).insights;
    expect(d).toEqual({
      performance: { total: { interactions: 3, successful: 1, mixed: 0, unsuccessful: 1, unclassified: 1 } },
      health: { currency: null },
      audience: { uniqueUsers: 2, csatResponses: 1 },
      channels: [{ channel: 'SMS', totalSent: 1, delivered: 1, rejected: 0 }],
      sentiment: { interactionsWithSentiment: 1 },
      csat: { responses: 1 },
    });
  });

  it('filters by A\'s senders and automations find nothing for B (control: they do for A)', async () => {
    const count = (filter: object) => insights('interactions { totalCount }', { ...FILTER, ...filter });
    expect(dataOf(await asA(count({ senders: ['A-sender'] }))).insights.interactions.totalCount).toBe(3);
    expect(dataOf(await asB(count({ senders: ['A-sender'] }))).insights.interactions.totalCount).toBe(0);
    expect(dataOf(await asA(count({ automationIds: ['a-agent'] }))).insights.interactions.totalCount).toBe(1);
    expect(dataOf(await asB(count({ automationIds: ['a-agent'] }))).insights.interactions.totalCount).toBe(0);
    // the same automation ID selects each account's own interactions
    expect(dataOf(await asA(count({ automationIds: ['cb'] }))).insights.interactions.totalCount).toBe(3);
    expect(dataOf(await asB(count({ automationIds: ['cb'] }))).insights.interactions.totalCount).toBe(2);
  });
});

describe('drill-downs and their examples', () => {
  const node = 'edges { node { id endUserId } }';
  const ids = (connection: { edges: Array<{ node: { id: string; endUserId: string } }> }) =>
    connection.edges.map((e) => `${e.node.id}/${e.node.endUserId}`).sort();

  it('outcome drill-downs list each account\'s own examples', async () => {
    const q = insights(`successful { count examples { ${node} } } unsuccessful { count examples { ${node} } issues { issue affectedInteractions examples { ${node} } } }`);
    const forA = dataOf(await asA(q)).insights;
    expect(forA.successful.count).toBe(2);
    expect(ids(forA.successful.examples)).toEqual(['a-only/a-user-3', 'c-1/a-user-1']);
    expect(ids(forA.unsuccessful.examples)).toEqual(['c-2/a-user-2']);
    expect(forA.unsuccessful.issues.map((i: any) => [i.issue, i.affectedInteractions, ids(i.examples)]).sort()).toEqual([
      ['A issue', 1, ['c-2/a-user-2']],
      ['Shared issue', 1, ['c-2/a-user-2']],
    ]);
    const forB = dataOf(await asB(q)).insights;
    expect(forB.successful.count).toBe(1);
    expect(ids(forB.successful.examples)).toEqual(['c-2/b-user-2']);
    expect(ids(forB.unsuccessful.examples)).toEqual(['c-1/b-user-1']);
    expect(forB.unsuccessful.issues.map((i: any) => [i.issue, i.affectedInteractions, ids(i.examples)])).toEqual([['Shared issue', 1, ['c-1/b-user-1']]]);
  });

  it('CSAT and sentiment examples', async () => {
    const q = insights(`csat { examples { edges { node { id csatScore } } } } sentiment { examples { edges { node { id sentiment } } } }`);
    const pairs = (c: any, field: string) => c.edges.map((e: any) => `${e.node.id}:${e.node[field]}`).sort();
    const forA = dataOf(await asA(q)).insights;
    expect(pairs(forA.csat.examples, 'csatScore')).toEqual(['a-only:4', 'c-1:5', 'c-2:1', 'c-3:3']);
    expect(pairs(forA.sentiment.examples, 'sentiment')).toEqual(['a-only:POSITIVE', 'c-1:POSITIVE', 'c-2:NEGATIVE', 'c-3:NEUTRAL']);
    const forB = dataOf(await asB(q)).insights;
    expect(pairs(forB.csat.examples, 'csatScore')).toEqual(['c-1:2']);
    expect(pairs(forB.sentiment.examples, 'sentiment')).toEqual(['c-1:NEGATIVE']);
  });

  it('topics: a topic only A has does not exist for B; a shared name counts each account\'s own', async () => {
    const q = insights(`topics { totalCount edges { node { name interactions } } }
      only: topic(name: "A only topic") { interactions examples { ${node} } }
      shared: topic(name: "Shared topic") { interactions examples { ${node} } }
      unsuccessful { topics { topic interactions } }
      byTopic: interactions(topic: "A only topic") { totalCount }
      byIssue: interactions(issue: "A issue") { totalCount }`);
    const forA = dataOf(await asA(q)).insights;
    expect(forA.topics.edges.map((e: any) => [e.node.name, e.node.interactions]).sort()).toEqual([['A only topic', 2], ['Shared topic', 3]]);
    expect(forA.only.interactions).toBe(2);
    expect(ids(forA.only.examples)).toEqual(['a-only/a-user-3', 'c-1/a-user-1']);
    expect(ids(forA.shared.examples)).toEqual(['c-1/a-user-1', 'c-2/a-user-2', 'c-3/a-user-1']);
    expect(forA.byTopic.totalCount).toBe(2);
    expect(forA.byIssue.totalCount).toBe(2);

    const forB = dataOf(await asB(q)).insights;
    expect(forB.topics).toEqual({ totalCount: 1, edges: [{ node: { name: 'Shared topic', interactions: 2 } }] });
    expect(forB.only).toBeNull();
    expect(forB.shared.interactions).toBe(2);
    expect(ids(forB.shared.examples)).toEqual(['c-1/b-user-1', 'c-2/b-user-2']);
    expect(forB.unsuccessful.topics).toEqual([{ topic: 'Shared topic', interactions: 1 }]);
    expect(forB.byTopic.totalCount).toBe(0);
    expect(forB.byIssue.totalCount).toBe(0);
  });
});

describe('interaction(id)', () => {
  const ONE = `query($id: ID!) { interaction(id: $id) { ${INTERACTION} } }`;

  it('the same ID gives each account its own interaction, with its own transcript, topics, issues, logs and automation', async () => {
    expect(dataOf(await asA(ONE, { id: 'c-1' })).interaction).toEqual(A_C1);
    expect(dataOf(await asA(ONE, { id: 'c-2' })).interaction).toEqual(A_C2);
    expect(dataOf(await asB(ONE, { id: 'c-1' })).interaction).toEqual(B_C1);
    expect(dataOf(await asB(ONE, { id: 'c-2' })).interaction).toEqual(B_C2);
  });

  it('an ID only A has is null for B', async () => {
    expect(dataOf(await asA(ONE, { id: 'a-only' })).interaction).toEqual(A_ONLY);
    expect(dataOf(await asB(ONE, { id: 'a-only' })).interaction).toBeNull();
  });
});

describe('cursors', () => {
  const lists: Array<[string, (after: string | null) => string, (d: any) => any]> = [
    ['insights.interactions', (after) => insights(`interactions(first: 1${after ? `, after: "${after}"` : ''}) { edges { node { id } } pageInfo { hasNextPage endCursor } }`), (d) => d.insights.interactions],
    ['insights.topics', (after) => insights(`topics(first: 1${after ? `, after: "${after}"` : ''}) { edges { node { name } } pageInfo { hasNextPage endCursor } }`), (d) => d.insights.topics],
    ['csat.examples', (after) => insights(`csat { examples(first: 1${after ? `, after: "${after}"` : ''}) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`), (d) => d.insights.csat.examples],
    ['successful.examples', (after) => insights(`successful { examples(first: 1${after ? `, after: "${after}"` : ''}) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`), (d) => d.insights.successful.examples],
  ];

  it.each(lists)('%s: A\'s endCursor opens A\'s next page, and is BAD_USER_INPUT for B', async (_name, query, pick) => {
    const first = pick(dataOf(await asA(query(null))));
    expect(first.pageInfo.hasNextPage).toBe(true);
    const cursor = first.pageInfo.endCursor as string;
    const next = pick(dataOf(await asA(query(cursor))));
    expect(next.edges).toHaveLength(1);
    expect(next.edges[0]).not.toEqual(first.edges[0]);

    const stolen = await asB(query(cursor));
    expect(codes(stolen)).toEqual(['BAD_USER_INPUT']);
    expect(stolen.body.data).toBeNull();
    // B's own cursors of the same list do work
    const own = pick(dataOf(await asB(query(null))));
    if (own.pageInfo.endCursor) expect(codes(await asB(query(own.pageInfo.endCursor)))).toEqual([]);
  });
});

describe('_entities', () => {
  const reps = () => [
    { __typename: 'Interaction', id: 'c-1' },
    { __typename: 'Interaction', id: 'a-only' },
    { __typename: 'Automation', id: 'cb' },
    { __typename: 'Automation', id: 'a-agent' },
    { __typename: 'FunnelView', id: views.aMain },
    { __typename: 'FunnelView', id: views.bMain },
    { __typename: 'FunnelView', id: views.aSecond },
  ];
  const aMain = () => ({ __typename: 'FunnelView', id: views.aMain, name: 'Main', viewAutomation: { id: 'cb', name: 'A bot' }, steps: [{ kind: 'SESSION_START', name: null }, { kind: 'STARTING_DIALOG', name: 'A welcome' }], isDefault: true });
  const bMain = () => ({ __typename: 'FunnelView', id: views.bMain, name: 'Main', viewAutomation: { id: 'cb', name: 'B bot' }, steps: [{ kind: 'SESSION_START', name: null }], isDefault: true });

  it('resolves Interaction, Automation and FunnelView representations in the caller\'s account only', async () => {
    expect(dataOf(await asA(ENTITIES, { r: reps() }))._entities).toEqual([
      { __typename: 'Interaction', ...A_C1 },
      { __typename: 'Interaction', ...A_ONLY },
      { __typename: 'Automation', id: 'cb', name: 'A bot', type: 'CHATBOT' },
      { __typename: 'Automation', id: 'a-agent', name: 'A agent', type: 'AI_AGENT' },
      aMain(),
      null,
      { __typename: 'FunnelView', id: views.aSecond, name: 'Second', viewAutomation: { id: 'jr', name: 'A journey' }, steps: [{ kind: 'JOURNEY_ELEMENT', name: 'A element' }], isDefault: false },
    ]);
    expect(dataOf(await asB(ENTITIES, { r: reps() }))._entities).toEqual([
      { __typename: 'Interaction', ...B_C1 },
      null,
      { __typename: 'Automation', id: 'cb', name: 'B bot', type: 'CHATBOT' },
      null,
      null,
      bMain(),
      null,
    ]);
  });
});

describe('funnel views', () => {
  const input = (name: string) => ({ name, automationId: 'jr', steps: [{ kind: 'JOURNEY_ELEMENT', name: 'A element' }] });

  it('funnelViews lists each account\'s own views, though both have one named Main', async () => {
    const forA = dataOf(await asA(VIEWS)).funnelViews;
    expect(forA.map((v: any) => [v.id, v.name, v.automation.name, v.isDefault])).toEqual([[views.aMain, 'Main', 'A bot', true], [views.aSecond, 'Second', 'A journey', false]]);
    const forB = dataOf(await asB(VIEWS)).funnelViews;
    expect(forB.map((v: any) => [v.id, v.name, v.automation.name, v.isDefault])).toEqual([[views.bMain, 'Main', 'B bot', true]]);
  });

  it('funnel(viewId) of A\'s view is NOT_FOUND for B; without viewId B gets its own default', async () => {
    const range = { from: FILTER.from, to: FILTER.to };
    expect(dataOf(await asA(FUNNEL, { v: views.aMain, ...range })).funnel).toEqual({
      status: 'OK', view: { id: views.aMain, name: 'Main' },
      steps: [{ step: { kind: 'SESSION_START', name: null }, interactions: 1 }, { step: { kind: 'STARTING_DIALOG', name: 'A welcome' }, interactions: 1 }],
    });
    for (const id of [views.aMain, views.aSecond]) expectError(await asB(FUNNEL, { v: id, ...range }), 'NOT_FOUND');
    expect(dataOf(await asB(FUNNEL, range)).funnel).toEqual({
      status: 'OK', view: { id: views.bMain, name: 'Main' }, steps: [{ step: { kind: 'SESSION_START', name: null }, interactions: 1 }],
    });
  });

  it('B cannot update A\'s view (A can, with the same input)', async () => {
    expectError(await asB(UPDATE_VIEW, { id: views.aSecond, i: input('Hijacked') }), 'NOT_FOUND');
    expect(dataOf(await asA(VIEWS)).funnelViews.map((v: any) => v.name)).toEqual(['Main', 'Second']);
    expect(dataOf(await asA(UPDATE_VIEW, { id: views.aSecond, i: input('Second') })).updateFunnelView.name).toBe('Second');
  });

  it('B cannot delete A\'s view (A can delete its own)', async () => {
    expect(dataOf(await asB(DELETE_VIEW, { id: views.aSecond })).deleteFunnelView).toBe(false);
    expect(dataOf(await asB(DELETE_VIEW, { id: views.aMain })).deleteFunnelView).toBe(false);
    expect(dataOf(await asA(VIEWS)).funnelViews.map((v: any) => v.id)).toEqual([views.aMain, views.aSecond]);
    const temp = await createView(a.apiKey, input('Temp'));
    expect(dataOf(await asA(DELETE_VIEW, { id: temp.id })).deleteFunnelView).toBe(true);
  });

  it('B cannot make A\'s view its default, nor move A\'s default (A can)', async () => {
    expectError(await asB(SET_DEFAULT, { id: views.aSecond }), 'NOT_FOUND');
    const defaults = async () => ({
      a: dataOf(await asA(VIEWS)).funnelViews.filter((v: any) => v.isDefault).map((v: any) => v.id),
      b: dataOf(await asB(VIEWS)).funnelViews.filter((v: any) => v.isDefault).map((v: any) => v.id),
    });
    expect(await defaults()).toEqual({ a: [views.aMain], b: [views.bMain] });
    expect(dataOf(await asA(SET_DEFAULT, { id: views.aSecond })).setDefaultFunnelView.isDefault).toBe(true);
    expect(await defaults()).toEqual({ a: [views.aSecond], b: [views.bMain] });
    dataOf(await asA(SET_DEFAULT, { id: views.aMain }));
  });

  it('B cannot build on A\'s automation: createFunnelView and funnelStepOptions refuse an automation only A has', async () => {
    const agentView = { name: 'Agent', automationId: 'a-agent', steps: [{ kind: 'AI_AGENT_TOOL', name: 'A tool' }] };
    expect(codes(await asB(CREATE_VIEW, { i: agentView }))).toEqual(['BAD_USER_INPUT']);
    expect(dataOf(await asB(VIEWS)).funnelViews).toHaveLength(1);
    const created = await createView(a.apiKey, agentView);
    expect(created.automation).toEqual({ id: 'a-agent', name: 'A agent' });
    dataOf(await asA(DELETE_VIEW, { id: created.id }));

    const OPTIONS = 'query($id: ID!) { funnelStepOptions(automationId: $id) { kind name } }';
    expect(dataOf(await asA(OPTIONS, { id: 'a-agent' })).funnelStepOptions).toEqual([{ kind: 'AI_AGENT_TOOL', name: 'A tool' }]);
    expect(codes(await asB(OPTIONS, { id: 'a-agent' }))).toEqual(['BAD_USER_INPUT']);
    // the shared automation ID: each account's own steps
    const names = async (as: typeof asA) => dataOf(await as(OPTIONS, { id: 'cb' })).funnelStepOptions.map((s: any) => s.name).filter(Boolean);
    expect(await names(asA)).toContain('A welcome');
    expect(await names(asA)).not.toContain('B welcome');
    expect(await names(asB)).toContain('B welcome');
    expect(await names(asB)).not.toContain('A welcome');
  });
});

describe('automations and senders', () => {
  it('lists each account\'s own', async () => {
    const q = '{ automations { id name type } senders }';
    expect(dataOf(await asA(q))).toEqual({
      automations: [{ id: 'a-agent', name: 'A agent', type: 'AI_AGENT' }, { id: 'cb', name: 'A bot', type: 'CHATBOT' }, { id: 'jr', name: 'A journey', type: 'JOURNEY' }],
      senders: ['A-sender', 'A-sender-2'],
    });
    expect(dataOf(await asB(q))).toEqual({
      automations: [{ id: 'cb', name: 'B bot', type: 'CHATBOT' }, { id: 'jr', name: 'B journey', type: 'JOURNEY' }],
      senders: ['B-sender'],
    });
  });
});

describe('rate card', () => {
  it('B does not see A\'s rate card, and setting its own leaves A\'s alone', async () => {
    const READ = '{ rateCard { currency agentPerMinute } }';
    expect(dataOf(await asA(READ)).rateCard).toEqual({ currency: 'EUR', agentPerMinute: 0.5 });
    expect(dataOf(await asB(READ)).rateCard).toBeNull();
    dataOf(await asB(SET_RATE_CARD, { i: { ...RATE_CARD, currency: 'USD', agentPerMinute: 9 } }));
    expect(dataOf(await asB(READ)).rateCard).toEqual({ currency: 'USD', agentPerMinute: 9 });
    expect(dataOf(await asA(READ)).rateCard).toEqual({ currency: 'EUR', agentPerMinute: 0.5 });
  });
});

describe('ingest', () => {
  const ONE = `query($id: ID!) { interaction(id: $id) { outcome csatScore sentiment transcript { id status } } }`;
  const late = [
    { record: 'csat', interactionId: 'a-late', score: 1, at: at(60) },
    { record: 'analysis', interactionId: 'a-late', outcome: 'UNSUCCESSFUL', sentiment: 'NEGATIVE' },
    { record: 'messageStatus', interactionId: 'a-late', messageId: 'm1', status: 'DELIVERED', at: at(61) },
  ];

  it('late records naming an interaction only A has are rejected for B and change nothing in A', async () => {
    const unchanged = { outcome: null, csatScore: null, sentiment: null, transcript: [{ id: 'm1', status: 'SENT' }] };
    expect(dataOf(await asA(ONE, { id: 'a-late' })).interaction).toEqual(unchanged);
    const result = dataOf(await asB(INGEST, { r: late })).ingest;
    expect(result.stored).toBe(0);
    expect(result.rejected.map((r: { index: number }) => r.index)).toEqual([0, 1, 2]);
    expect(dataOf(await asA(ONE, { id: 'a-late' })).interaction).toEqual(unchanged);
    expect(dataOf(await asB(ONE, { id: 'a-late' })).interaction).toBeNull();
    // control: the same records are valid, and apply, for A
    expect(await ingest(a.apiKey, late)).toEqual({ stored: 3, rejected: [] });
    expect(dataOf(await asA(ONE, { id: 'a-late' })).interaction).toEqual({ outcome: 'UNSUCCESSFUL', csatScore: 1, sentiment: 'NEGATIVE', transcript: [{ id: 'm1', status: 'DELIVERED' }] });
  });

  it('records naming an ID both accounts have change only the caller\'s interaction', async () => {
    await ingest(b.apiKey, [
      { record: 'csat', interactionId: 'c-1', score: 4, at: at(90) },
      { record: 'analysis', interactionId: 'c-3', outcome: 'SUCCESSFUL', summary: 'B again' },
      { ...B_RECORDS[1], endUserId: 'b-user-9' },
    ]);
    const Q = `query { c1: interaction(id: "c-1") { csatScore } c2: interaction(id: "c-2") { endUserId } c3: interaction(id: "c-3") { outcome analysisSummary } }`;
    expect(dataOf(await asB(Q))).toEqual({ c1: { csatScore: 4 }, c2: { endUserId: 'b-user-9' }, c3: { outcome: 'SUCCESSFUL', analysisSummary: 'B again' } });
    expect(dataOf(await asA(Q))).toEqual({ c1: { csatScore: 5 }, c2: { endUserId: 'a-user-2' }, c3: { outcome: 'MIXED', analysisSummary: null } });
  });
});

describe('API key scopes', () => {
  let readOnly: string;
  let ingestOnly: string;
  const outside = (id: string) => ({ record: 'interaction', id, type: 'CONVERSATIONAL', startedAt: '2025-01-01T00:00:00Z', channel: 'SMS', endUserId: 'scope-user' });
  const countOf = async (id: string) => (await db.pool.query(`SELECT count(*)::int AS n FROM "Interaction" WHERE "accountId" = $1 AND "externalId" = $2`, [a.id, id])).rows[0].n;

  beforeAll(async () => {
    readOnly = (await createApiKey(db.prisma, a.id, 'read only', ['read'])).apiKey;
    ingestOnly = (await createApiKey(db.prisma, a.id, 'ingest only', ['ingest'])).apiKey;
  });

  it('a read-only key reads (control) but gets FORBIDDEN on ingest, setRateCard and the view mutations, which change nothing', async () => {
    expect(dataOf(await gql(url, insights('performance { total { interactions } }'), {}, readOnly)).insights.performance.total.interactions).toBe(5);

    expect(codes(await gql(url, INGEST, { r: [outside('ro-1')] }, readOnly))).toEqual(['FORBIDDEN']);
    expect(await countOf('ro-1')).toBe(0);
    expect(codes(await gql(url, SET_RATE_CARD, { i: { ...RATE_CARD, currency: 'GBP' } }, readOnly))).toEqual(['FORBIDDEN']);
    expect(codes(await gql(url, CREATE_VIEW, { i: { name: 'RO', automationId: 'cb', steps: [{ kind: 'SESSION_START' }] } }, readOnly))).toEqual(['FORBIDDEN']);
    expect(codes(await gql(url, UPDATE_VIEW, { id: views.aSecond, i: { name: 'RO', automationId: 'jr', steps: [{ kind: 'JOURNEY_ELEMENT', name: 'x' }] } }, readOnly))).toEqual(['FORBIDDEN']);
    expect(codes(await gql(url, DELETE_VIEW, { id: views.aSecond }, readOnly))).toEqual(['FORBIDDEN']);
    expect(codes(await gql(url, SET_DEFAULT, { id: views.aSecond }, readOnly))).toEqual(['FORBIDDEN']);

    expect(dataOf(await asA('{ rateCard { currency } }')).rateCard).toEqual({ currency: 'EUR' });
    expect(dataOf(await asA(VIEWS)).funnelViews.map((v: any) => [v.name, v.isDefault])).toEqual([['Main', true], ['Second', false]]);
    // the same mutations work with A's full key
    expect(await ingest(a.apiKey, [outside('full-1')])).toEqual({ stored: 1, rejected: [] });
  });

  it('an ingest-only key ingests (control) but reads nothing: FORBIDDEN on every query, _entities included', async () => {
    expect(dataOf(await gql(url, INGEST, { r: [outside('io-1')] }, ingestOnly)).ingest.stored).toBe(1);
    expect(await countOf('io-1')).toBe(1);
    const reads: Array<[string, Record<string, unknown>]> = [
      [insights('performance { total { interactions } }'), {}],
      [`query($id: ID!) { interaction(id: $id) { ${INTERACTION} } }`, { id: 'c-1' }],
      [ENTITIES, { r: [{ __typename: 'Interaction', id: 'c-1' }, { __typename: 'Automation', id: 'cb' }, { __typename: 'FunnelView', id: views.aMain }] }],
      [VIEWS, {}],
      [FUNNEL, { v: views.aMain, from: FILTER.from, to: FILTER.to }],
      ['query($id: ID!) { funnelStepOptions(automationId: $id) { kind name } }', { id: 'cb' }],
      ['{ automations { id name } }', {}],
      ['{ senders }', {}],
      ['{ rateCard { currency } }', {}],
    ];
    for (const [query, variables] of reads) {
      const reply = await gql(url, query, variables, ingestOnly);
      expect({ query, codes: codes(reply) }).toEqual({ query, codes: ['FORBIDDEN'] });
      expect(JSON.stringify(reply.body.data ?? null)).not.toMatch(/a-user|A bot|A secret|a-profile|EUR|A-sender|Main/);
      // control: the full key reads the same
      expect(codes(await gql(url, query, variables, a.apiKey))).toEqual([]);
    }
  });

  it('a revoked key is UNAUTHENTICATED (it worked before); another account cannot revoke A\'s key', async () => {
    const key = await createApiKey(db.prisma, a.id, 'soon revoked', ['read', 'ingest', 'admin']);
    expect(dataOf(await gql(url, '{ senders }', {}, key.apiKey)).senders).toEqual(['A-sender', 'A-sender-2']);
    expect(await revokeApiKey(db.prisma, b.id, key.id)).toBe(false);
    expect(dataOf(await gql(url, '{ senders }', {}, key.apiKey)).senders).toEqual(['A-sender', 'A-sender-2']);
    expect(await revokeApiKey(db.prisma, a.id, key.id)).toBe(true);
    for (const query of ['{ senders }', insights('performance { total { interactions } }')]) {
      const reply = await gql(url, query, {}, key.apiKey);
      expect(reply.status).toBe(401);
      expect(codes(reply)).toEqual(['UNAUTHENTICATED']);
      expect(reply.body.data).toBeUndefined();
    }
    const write = await gql(url, INGEST, { r: [outside('revoked-1')] }, key.apiKey);
    expect(codes(write)).toEqual(['UNAUTHENTICATED']);
    expect(await countOf('revoked-1')).toBe(0);
  });
});

describe('per-request loaders are keyed by the caller\'s account', () => {
  const Q = `query($r: [_Any!]!) {
    one: interaction(id: "c-2") { ${INTERACTION} }
    _entities(representations: $r) { ... on Interaction { ${INTERACTION} } ... on Automation { id name } } }`;
  const reps = [
    { __typename: 'Interaction', id: 'c-1' }, { __typename: 'Interaction', id: 'c-2' }, { __typename: 'Interaction', id: 'c-3' },
    { __typename: 'Interaction', id: 'a-only' }, { __typename: 'Automation', id: 'cb' }, { __typename: 'Automation', id: 'jr' },
  ];
  // as the ingest tests above left them
  const expectedA = () => ({
    one: A_C2,
    _entities: [A_C1, A_C2, A_C3, A_ONLY, { id: 'cb', name: 'A bot' }, { id: 'jr', name: 'A journey' }],
  });
  const expectedB = () => ({
    one: { ...B_C2, endUserId: 'b-user-9' },
    _entities: [
      { ...B_C1, csatScore: 4 }, { ...B_C2, endUserId: 'b-user-9' }, { ...B_C3, outcome: 'SUCCESSFUL', analysisSummary: 'B again' },
      null, { id: 'cb', name: 'B bot' }, { id: 'jr', name: 'B journey' },
    ],
  });

  it('one request of B over IDs both accounts hold returns only B\'s rows and children (A\'s are there: control)', async () => {
    expect(dataOf(await asA(Q, { r: reps }))).toEqual(expectedA());
    expect(dataOf(await asB(Q, { r: reps }))).toEqual(expectedB());
  });

  it('concurrent requests of A and B never share a batch', async () => {
    const replies = await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? asA(Q, { r: reps }) : asB(Q, { r: reps }))));
    replies.forEach((reply, i) => expect(dataOf(reply)).toEqual(i % 2 === 0 ? expectedA() : expectedB()));
  });
});

/**
 * `Query.interaction(id)`: everything stored for an interaction (metrics.md "Interaction details"),
 * and tenancy of details and drill-downs: two accounts hold interactions with the same IDs.
 * The records checked here are E2 and C2 in fixture.ts.
 */
import { at, ids, insights, query, RANGE, startWithFixture, type Setup } from './fixture';

let s: Setup;
beforeAll(async () => {
  s = await startWithFixture();
});
afterAll(async () => s?.t.close());

const FIELDS = `id type startedAt endedAt durationSeconds automation { id type name } automationVersionId versionId sender channel
  endUserId handling escalatedAt outcome sentiment sentimentScore csatScore engaged inboundMessages outboundMessages
  topics { name resolved handleTimeSeconds } issues analysisSummary customer { id }
  transcript { id direction author channel sentAt text status statusAt } logs { at level message }`;

const interaction = async (id: string, apiKey = s.a.apiKey) =>
  (await query(s.t, apiKey, `query($id: ID!) { interaction(id: $id) { ${FIELDS} } }`, { id })).interaction;

const message = (id: string, direction: string, author: string, sentAt: string, text: string | null, status: string | null, statusAt: string | null, channel = 'WHATSAPP') =>
  ({ id, direction, author, channel, sentAt, text, status, statusAt });

describe('interaction(id)', () => {
  it('a conversational interaction: every field', async () => {
    expect(await interaction('e2')).toEqual({
      id: 'e2',
      type: 'CONVERSATIONAL',
      startedAt: at(28),
      endedAt: at(28, 300),
      durationSeconds: 300,
      automation: { id: 'cb', type: 'CHATBOT', name: 'Support bot' },
      automationVersionId: 'cb-v2',
      versionId: '2',
      sender: 'S-chat',
      channel: 'WHATSAPP',
      endUserId: 'u-e2',
      handling: 'ESCALATED',
      escalatedAt: at(28, 90),
      outcome: 'SUCCESSFUL',
      sentiment: 'POSITIVE',
      sentimentScore: 0.6,
      csatScore: 4,
      // opened by the inbound m3, and m10 is a second inbound one
      engaged: true,
      inboundMessages: 2,
      outboundMessages: 3,
      topics: [
        { name: 'Billing', resolved: true, handleTimeSeconds: 60 },
        { name: 'Delivery', resolved: true, handleTimeSeconds: null },
      ],
      issues: ['Slow reply'],
      analysisSummary: 'Customer paid an invoice; the agent confirmed the delivery date.',
      customer: { id: 'cp-e2' },
      // sentAt order, then ID: m1/m2 tie at +5 s, m10/m9 tie at +60 s ("m10" < "m9")
      transcript: [
        message('m3', 'INBOUND', 'END_USER', at(28), 'Hi', null, null),
        message('m1', 'OUTBOUND', 'BOT', at(28, 5), 'Hello', 'SEEN', at(28, 7)),
        message('m2', 'OUTBOUND', 'BOT', at(28, 5), 'Pick one', 'DELIVERED', at(28, 6)),
        message('m10', 'INBOUND', 'END_USER', at(28, 60), 'Agent please', null, null),
        // an outbound message sent without a status is PENDING (ingest.md)
        message('m9', 'OUTBOUND', 'AGENT', at(28, 60), null, 'PENDING', null),
      ],
      // "everything stored": a conversational interaction's logs are returned too (documented decision)
      logs: [{ at: at(28, 90), level: 'WARN', message: 'handed over to an agent' }],
    });
  });

  it('a non-conversational interaction: logs by `at` (ties in the order sent), no customer, open', async () => {
    expect(await interaction('c2')).toEqual({
      id: 'c2',
      type: 'NON_CONVERSATIONAL',
      startedAt: at(26),
      endedAt: null,
      durationSeconds: null,
      automation: { id: 'jr', type: 'JOURNEY', name: 'Welcome journey' },
      automationVersionId: 'jr-v1',
      versionId: '1',
      sender: 'S-journey',
      channel: 'SMS',
      endUserId: 'u-c2',
      handling: 'CONTAINED',
      escalatedAt: null,
      outcome: 'SUCCESSFUL', // its only topic is resolved
      sentiment: null,
      sentimentScore: null,
      csatScore: null,
      engaged: false,
      inboundMessages: 0,
      outboundMessages: 1,
      topics: [{ name: 'Warranty', resolved: true, handleTimeSeconds: 90 }],
      issues: [],
      analysisSummary: null,
      customer: null,
      transcript: [message('m1', 'OUTBOUND', 'SYSTEM', at(26, 1), 'Welcome!', 'SENT', at(26, 2), 'SMS')],
      logs: [
        { at: at(26, 0), level: 'INFO', message: 'journey started' },
        { at: at(26, 1), level: 'INFO', message: 'sent welcome' },
        { at: at(26, 1), level: 'WARN', message: 'slow gateway' },
        { at: at(26, 3), level: 'ERROR', message: 'coupon service down' },
      ],
    });
  });

  it('an inbox-only interaction has no automation, version or sender; late records show', async () => {
    const e6 = await interaction('e6');
    expect(e6).toMatchObject({
      automation: null, automationVersionId: null, versionId: null, sender: null, handling: 'ESCALATED', outcome: null,
      csatScore: 2, // the late csat record
      topics: [], issues: [], analysisSummary: null, sentiment: null,
    });
    const c6 = await interaction('c6');
    // the late analysis
    expect(c6).toMatchObject({ outcome: 'MIXED', sentiment: 'NEUTRAL', sentimentScore: 0.1, topics: [{ name: 'Returns', resolved: true, handleTimeSeconds: 45 }, { name: 'Billing', resolved: false, handleTimeSeconds: null }] });
  });

  it('is null for an unknown ID', async () => {
    expect(await interaction('nope')).toBeNull();
    expect(await interaction('E2')).toBeNull(); // IDs are case-sensitive
  });

  it("is null for another account's ID, which that account sees (control)", async () => {
    expect(await interaction('b-only')).toBeNull();
    expect(await interaction('b-only', s.b.apiKey)).toMatchObject({ id: 'b-only', outcome: 'MIXED' });
    expect(await interaction('e2', s.b.apiKey)).toBeNull();
  });

  it('gives each account its own interaction for a shared ID, with its own nested rows', async () => {
    const mine = await interaction('c1');
    const theirs = await interaction('c1', s.b.apiKey);
    expect(mine).toMatchObject({ handling: 'CONTAINED', outcome: 'SUCCESSFUL', csatScore: 5, issues: [], topics: [{ name: 'Account', resolved: true, handleTimeSeconds: null }, { name: 'Billing', resolved: true, handleTimeSeconds: 30 }] });
    expect(theirs).toMatchObject({ handling: 'ESCALATED', outcome: 'UNSUCCESSFUL', csatScore: 1, issues: ['Secret issue'], topics: [{ name: 'Secret', resolved: false, handleTimeSeconds: null }] });
    expect(mine.transcript).toHaveLength(2);
    expect(theirs.transcript).toHaveLength(2);
  });

  it('serves several IDs in one request', async () => {
    const data = await query(s.t, s.a.apiKey, `{ x: interaction(id: "e2") { id topics { name } } y: interaction(id: "c2") { id topics { name } } z: interaction(id: "b-only") { id } }`);
    expect(data).toEqual({ x: { id: 'e2', topics: [{ name: 'Billing' }, { name: 'Delivery' }] }, y: { id: 'c2', topics: [{ name: 'Warranty' }] }, z: null });
  });
});

describe('tenancy of drill-downs', () => {
  const DRILL = `successful { count examples { edges { node { id type } } } topics { topic interactions } }
    mixed { count examples { edges { node { id } } } }
    unsuccessful { count types examples { edges { node { id type topics { name } } } } topics { topic interactions }
      issues { issue affectedInteractions impact examples { edges { node { id } } } } lowestPerformingTopics { name } }
    csat { responses positivePercentage negativePercentage examples { edges { node { id csatScore } } } }
    sentiment { interactionsWithSentiment positivePercentage negativePercentage examples { edges { node { id } } } }
    topics { totalCount edges { node { name interactions successRate } } }
    interactions { totalCount edges { node { id } } }`;

  it("account B sees only its own (control for A's figures)", async () => {
    const b = await insights(s.t, s.b.apiKey, DRILL);
    // B: e3 N SUCCESSFUL (Billing+, csat 5, POSITIVE); c1 C escalated UNSUCCESSFUL (Secret-, Secret issue, csat 1, NEGATIVE);
    // b-only C MIXED (Secret+, Returns-)
    expect(b.successful).toEqual({ count: 1, examples: { edges: [{ node: { id: 'e3', type: 'NON_CONVERSATIONAL' } }] }, topics: [{ topic: 'Billing', interactions: 1 }] });
    expect(b.mixed).toEqual({ count: 1, examples: { edges: [{ node: { id: 'b-only' } }] } });
    expect(b.unsuccessful).toEqual({
      count: 1,
      types: ['CONVERSATIONAL'],
      examples: { edges: [{ node: { id: 'c1', type: 'CONVERSATIONAL', topics: [{ name: 'Secret' }] } }] },
      topics: [{ topic: 'Secret', interactions: 1 }],
      issues: [{ issue: 'Secret issue', affectedInteractions: 1, impact: 100, examples: { edges: [{ node: { id: 'c1' } }] } }],
      lowestPerformingTopics: [],
    });
    expect(b.csat).toEqual({ responses: 2, positivePercentage: 50, negativePercentage: 50, examples: { edges: [{ node: { id: 'e3', csatScore: 5 } }, { node: { id: 'c1', csatScore: 1 } }] } });
    expect(b.sentiment).toEqual({ interactionsWithSentiment: 2, positivePercentage: 50, negativePercentage: 50, examples: { edges: [{ node: { id: 'e3' } }, { node: { id: 'c1' } }] } });
    // Secret: c1- b-only+ = 2 at 50 %; Billing e3+ = 1; Returns b-only- = 1
    expect(b.topics).toEqual({
      totalCount: 3,
      edges: [{ node: { name: 'Secret', interactions: 2, successRate: 50 } }, { node: { name: 'Billing', interactions: 1, successRate: 100 } }, { node: { name: 'Returns', interactions: 1, successRate: 0 } }],
    });
    expect(b.interactions).toEqual({ totalCount: 3, edges: [{ node: { id: 'e3' } }, { node: { id: 'c1' } }, { node: { id: 'b-only' } }] });
    expect((await insights(s.t, s.b.apiKey, 'topic(name: "Secret") { interactions }')).topic).toEqual({ interactions: 2 });
  });

  it("account A never sees B's interactions, topics or issues, even under shared IDs", async () => {
    const a = await insights(s.t, s.a.apiKey, DRILL);
    expect(a.successful.count).toBe(7);
    expect(a.mixed.count).toBe(3);
    expect(a.unsuccessful.count).toBe(10);
    expect(a.csat.responses).toBe(14);
    expect(a.sentiment.interactionsWithSentiment).toBe(15);
    expect(a.topics.totalCount).toBe(6);
    expect(a.interactions.totalCount).toBe(25);
    const text = JSON.stringify(a);
    expect(text).not.toContain('Secret');
    expect(text).not.toContain('b-only');
    // A's e3 and c1 are A's: e3 conversational with Billing, c1 contained and successful
    const e3 = a.unsuccessful.examples.edges.find((e: any) => e.node.id === 'e3');
    expect(e3.node).toEqual({ id: 'e3', type: 'CONVERSATIONAL', topics: [{ name: 'Billing' }] });
    expect(ids(a.successful.examples)).toContain('c1');
    expect(ids(a.unsuccessful.examples)).not.toContain('c1');
    expect(a.unsuccessful.issues.map((i: any) => i.issue)).toEqual(['Bot did not understand', 'Long wait', 'Message not delivered', 'Wrong answer']);
    expect((await insights(s.t, s.a.apiKey, 'topic(name: "Secret") { interactions }', RANGE)).topic).toBeNull();
  });
});

/**
 * Derived columns (metrics.md definitions, computed at ingest), worked out by hand: the example
 * interaction of ingest.md and edge cases of engagement, outcome, times and channel summaries.
 */
import { createAccount } from '../../src/accounts/accountStore';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { automationRow, C1001_LINES, channelRow, D, inbound, ingestOk, interaction, outbound, stored, summaryCopiesMismatches, T } from './helpers';

/** The account's key (its ID is 'acc'). */
let ACC: number;
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  ACC = (await createAccount(db.prisma, 'Account', 'acc')).id;
});
afterAll(async () => db?.drop());

const at = (iso: string) => new Date(iso);

describe('the example interaction c-1001 of ingest.md', () => {
  let s: NonNullable<Awaited<ReturnType<typeof stored>>>;

  beforeAll(async () => {
    await ingestOk(db.pool, ACC, C1001_LINES.map((line) => JSON.parse(line)));
    s = (await stored(db.pool, ACC, 'c-1001'))!;
  });

  it('is conversational, escalated, engaged and successful', () => {
    expect(s.row).toMatchObject({
      type: 'CONVERSATIONAL',
      escalated: true,
      // it opened with an inbound message (m1, 09:00:00) and has a second one (m3)
      engaged: true,
      // the analysis says SUCCESSFUL; its one topic is resolved too
      hasAnalysis: true,
      analysisOutcome: 'SUCCESSFUL',
      outcome: 'SUCCESSFUL',
      topicCount: 1,
      resolvedTopics: 1,
      sentiment: 'NEUTRAL',
      sentimentScore: 0.1,
      summary: 'Customer asked for parcel status; an agent confirmed it ships today.',
    });
  });

  it('has 2 inbound and 2 outbound messages; duration 450 s; agent time 210 s', () => {
    expect(s.row).toMatchObject({
      inboundCount: 2, // m1, m3
      outboundCount: 2, // m2, m4
      startedAt: at('2026-10-03T09:00:00Z'),
      endedAt: at('2026-10-03T09:07:30Z'),
      durationSeconds: 7 * 60 + 30, // 09:00:00 → 09:07:30
      escalatedAt: at('2026-10-03T09:04:00Z'),
      escalationAgentId: 'agent-3',
      agentSeconds: 3 * 60 + 30, // 09:04:00 → 09:07:30
      csatScore: null,
      csatAt: null,
    });
  });

  it('has one WhatsApp channel summary: both outbound messages delivered (SEEN counts as delivered)', () => {
    expect(s.channels).toEqual([channelRow('WHATSAPP', { inbound: 2, outbound: 2, delivered: 2 })]);
  });

  it('keeps everything sent: automation, version, sender, profile, messages, steps, topic, issue', async () => {
    const automation = await automationRow(db.pool, ACC, 'cb-support');
    expect(automation).toMatchObject({ type: 'CHATBOT', name: 'Support bot' });
    expect(s.row).toMatchObject({
      automationId: automation.id, automationType: 'CHATBOT', automationVersionId: 'cv-12', versionId: '2',
      sender: 'ShopWA', channel: 'WHATSAPP', customerProfileId: 'cp-77',
    });
    const { rows: versions } = await db.pool.query(`SELECT "automationId", "automationVersionId", "versionId" FROM "AutomationVersion" WHERE "accountId" = $1`, [ACC]);
    expect(versions).toEqual([{ automationId: automation.id, automationVersionId: 'cv-12', versionId: '2' }]);
    const { rows: users } = await db.pool.query(`SELECT id FROM "EndUser" WHERE "accountId" = $1 AND "externalId" = 'u-77'`, [ACC]);
    expect(s.row.endUserId).toBe(users[0].id);
    const m = (id: string, direction: string, author: string, sentAt: string, text: string, status: string | null = null, statusAt: string | null = null) =>
      ({ id, direction, author, channel: 'WHATSAPP', sentAt: at(sentAt), text, status, statusAt: statusAt && at(statusAt), validityHours: 48 });
    expect(s.messages).toEqual([
      m('m1', 'INBOUND', 'END_USER', '2026-10-03T09:00:00Z', 'Where is my parcel?'),
      m('m2', 'OUTBOUND', 'BOT', '2026-10-03T09:00:05Z', 'Let me check.', 'SEEN', '2026-10-03T09:00:09Z'),
      m('m3', 'INBOUND', 'END_USER', '2026-10-03T09:03:40Z', 'I want a person'),
      m('m4', 'OUTBOUND', 'AGENT', '2026-10-03T09:05:00Z', 'It ships today.', 'DELIVERED', '2026-10-03T09:05:02Z'),
    ]);
    expect(s.steps).toEqual([
      { seq: 0, kind: 'SESSION_START', name: null, at: at('2026-10-03T09:00:00Z') },
      { seq: 1, kind: 'DIALOG', name: 'Welcome', at: at('2026-10-03T09:00:01Z') },
      { seq: 2, kind: 'DIALOG', name: 'Agent handoff', at: at('2026-10-03T09:03:50Z') },
      { seq: 3, kind: 'SESSION_END', name: null, at: at('2026-10-03T09:07:30Z') },
    ]);
    expect(s.topics).toEqual([{ name: 'Order status', resolved: true, handleTimeSeconds: 450, seq: 0 }]);
    expect(s.issues).toEqual([{ issue: 'Long wait for an agent', seq: 0 }]);
    expect(s.logs).toEqual([]);
  });
});

describe('engaged: an inbound message beyond the one that opened the interaction', () => {
  const cases: Array<[string, string, ReturnType<typeof inbound>[], boolean, number, number]> = [
    ['first message outbound, 1 inbound', 'eng-1', [outbound('m1', 0), inbound('m2', 10)], true, 1, 1],
    ['first message inbound, only 1 inbound', 'eng-2', [inbound('m1', 0), outbound('m2', 5), outbound('m3', 9)], false, 1, 2],
    ['first message inbound, 2 inbound', 'eng-3', [inbound('m1', 0), outbound('m2', 5), inbound('m3', 9)], true, 2, 1],
    ['first message outbound, no inbound', 'eng-4', [outbound('m1', 0), outbound('m2', 5)], false, 0, 2],
    ['no messages', 'eng-5', [], false, 0, 0],
    // "order in the list does not matter": the earliest by sentAt is outbound
    ['listed inbound first but sent after an outbound', 'eng-6', [inbound('m2', 10), outbound('m1', 0)], true, 1, 1],
    // the earliest by sentAt is the only inbound
    ['listed outbound first but sent after the only inbound', 'eng-7', [outbound('m2', 10), inbound('m1', 0)], false, 1, 1],
    ['inbound messages on different channels count together', 'eng-8', [inbound('m1', 0), inbound('m2', 5, { channel: 'WHATSAPP' })], true, 2, 0],
  ];

  beforeAll(async () => {
    await ingestOk(db.pool, ACC, cases.map(([, id, messages]) => interaction(id, { messages })));
  });

  it.each(cases)('%s', async (_what, id, _messages, engaged, inboundCount, outboundCount) => {
    expect((await stored(db.pool, ACC, id))!.row).toMatchObject({ engaged, inboundCount, outboundCount });
  });
});

describe('outcome: the analysis outcome, else from topics, else unclassified', () => {
  const topic = (name: string, resolved: boolean) => ({ name, resolved });
  const cases: Array<[string, string, object | undefined, string | null, number, number]> = [
    ['every topic resolved', 'out-1', { topics: [topic('A', true), topic('B', true)] }, 'SUCCESSFUL', 2, 2],
    ['no topic resolved', 'out-2', { topics: [topic('A', false), topic('B', false)] }, 'UNSUCCESSFUL', 2, 0],
    ['some topics resolved', 'out-3', { topics: [topic('A', true), topic('B', false), topic('C', false)] }, 'MIXED', 3, 1],
    ['the analysis outcome wins over topics', 'out-4', { outcome: 'UNSUCCESSFUL', topics: [topic('A', true)] }, 'UNSUCCESSFUL', 1, 1],
    ['an analysis outcome without topics', 'out-5', { outcome: 'MIXED' }, 'MIXED', 0, 0],
    ['no analysis', 'out-6', undefined, null, 0, 0],
    ['an analysis with an empty topic list', 'out-7', { topics: [], sentiment: 'POSITIVE' }, null, 0, 0],
    ['an analysis with no topics field', 'out-8', { summary: 'nothing to say' }, null, 0, 0],
  ];

  beforeAll(async () => {
    await ingestOk(db.pool, ACC, cases.map(([, id, analysis]) => interaction(id, analysis ? { analysis } : {})));
  });

  it.each(cases)('%s', async (_what, id, analysis, outcome, topicCount, resolvedTopics) => {
    const s = (await stored(db.pool, ACC, id))!;
    expect(s.row).toMatchObject({ hasAnalysis: analysis !== undefined, outcome, topicCount, resolvedTopics });
    expect(s.topics).toHaveLength(topicCount);
  });
});

describe('duration and agent time', () => {
  beforeAll(async () => {
    await ingestOk(db.pool, ACC, [
      interaction('time-1', { escalation: { at: T(60) } }), // open
      interaction('time-2', { endedAt: T(90), escalation: { at: T(120) } }), // takeover stamped after the end
      interaction('time-3', { endedAt: T(90) }), // not escalated
      interaction('time-4', { startedAt: '2026-10-03T09:00:00.250Z', endedAt: '2026-10-03T09:00:01Z', escalation: { at: '2026-10-03T09:00:00.500+00:00' } }),
    ]);
  });

  it('an open escalated interaction has no duration and no agent time', async () => {
    expect((await stored(db.pool, ACC, 'time-1'))!.row).toMatchObject({ escalated: true, durationSeconds: null, agentSeconds: null });
  });

  it('a takeover stamped after the end counts 0 agent seconds (the code\'s documented choice)', async () => {
    expect((await stored(db.pool, ACC, 'time-2'))!.row).toMatchObject({ escalated: true, durationSeconds: 90, agentSeconds: 0 });
  });

  it('an ended interaction without escalation has a duration and no agent time', async () => {
    expect((await stored(db.pool, ACC, 'time-3'))!.row).toMatchObject({ escalated: false, durationSeconds: 90, agentSeconds: null });
  });

  it('fractions of a second are kept', async () => {
    expect((await stored(db.pool, ACC, 'time-4'))!.row).toMatchObject({ durationSeconds: 0.75, agentSeconds: 0.5 });
  });
});

describe('channel summaries: per message channel, outbound counted by final status', () => {
  let s: NonNullable<Awaited<ReturnType<typeof stored>>>;

  beforeAll(async () => {
    await ingestOk(db.pool, ACC, [
      interaction('ch-1', {
        channel: 'LIVE_CHAT', // the interaction's channel is not a message channel
        messages: [
          inbound('i1', 0),
          outbound('o1', 1), // no status: PENDING
          outbound('o2', 2, { status: 'PENDING' }),
          outbound('o3', 3, { status: 'SENT', statusAt: T(4), validityHours: 1 }), // long past its validity: still "pending" here, expiry is decided at query time
          outbound('o4', 4, { status: 'DELIVERED', statusAt: T(5) }),
          outbound('o5', 5, { status: 'SEEN' }),
          outbound('o6', 6, { status: 'REJECTED' }),
          outbound('o7', 7, { status: 'UNDELIVERABLE' }),
          outbound('o8', 8, { status: 'EXPIRED' }),
          inbound('w1', 9, { channel: 'WHATSAPP' }),
          inbound('w2', 10, { channel: 'WHATSAPP' }),
          outbound('w3', 11, { channel: 'WHATSAPP', status: 'SENT' }),
          outbound('e1', 12, { channel: 'EMAIL', author: 'SYSTEM', status: 'DELIVERED' }),
        ],
      }),
    ]);
    s = (await stored(db.pool, ACC, 'ch-1'))!;
  });

  it('one row per message channel', () => {
    expect(s.channels).toEqual([
      channelRow('EMAIL', { outbound: 1, delivered: 1 }),
      // delivered: o4 DELIVERED, o5 SEEN; pending: o1 (none), o2 PENDING, o3 SENT
      channelRow('SMS', { inbound: 1, outbound: 8, delivered: 2, rejected: 1, undeliverable: 1, expired: 1, pending: 3 }),
      channelRow('WHATSAPP', { inbound: 2, outbound: 1, pending: 1 }),
    ]);
    expect(s.row).toMatchObject({ inboundCount: 3, outboundCount: 10 });
  });

  it('an outbound message without a status is stored PENDING with no statusAt; inbound messages have no status; validity defaults to 48 h', () => {
    const byId = Object.fromEntries(s.messages.map((m) => [m.id, m]));
    expect(byId.o1).toMatchObject({ status: 'PENDING', statusAt: null, validityHours: 48 });
    expect(byId.o3).toMatchObject({ status: 'SENT', statusAt: D(4), validityHours: 1 });
    expect(byId.i1).toMatchObject({ status: null, statusAt: null });
    expect(byId.w1).toMatchObject({ status: null, channel: 'WHATSAPP' });
  });
});

describe('after all of the above', () => {
  it('summary rows copy their interaction\'s columns faithfully', async () => {
    expect(await summaryCopiesMismatches(db.pool)).toEqual([]);
  });
});

describe('first and last dialog (funnels\' starting and ending dialogs)', () => {
  it('are the earliest and latest DIALOG steps, ties by record order, whatever order the steps are listed in', async () => {
    await ingestOk(db.pool, ACC, [
      interaction('dlg-1', {
        endedAt: T(20),
        steps: [
          { kind: 'SESSION_START', at: T(0) }, // 1
          { kind: 'DIALOG', name: 'A', at: T(5) }, // 2
          { kind: 'DIALOG', name: 'B', at: T(1) }, // 3: earliest, listed before C
          { kind: 'DIALOG', name: 'C', at: T(1) }, // 4
          { kind: 'JOURNEY_ELEMENT', name: 'not a dialog', at: T(30) }, // 5
          { kind: 'DIALOG', name: 'D', at: T(9) }, // 6
          { kind: 'DIALOG', name: 'E', at: T(9) }, // 7: latest, listed after D
          { kind: 'SESSION_START', at: T(0) }, // 8
        ],
      }),
      interaction('dlg-none', { steps: [{ kind: 'SESSION_START', at: T(0) }, { kind: 'AI_AGENT_TOOL', name: 'lookup', at: T(1) }] }),
    ]);
    const { rows } = await db.pool.query(
      `SELECT "externalId", "firstDialog", "lastDialog" FROM "Interaction" WHERE "accountId" = $1 AND "externalId" LIKE 'dlg-%' ORDER BY 1`,
      [ACC],
    );
    expect(rows).toEqual([
      { externalId: 'dlg-1', firstDialog: 3, lastDialog: 7 },
      { externalId: 'dlg-none', firstDialog: null, lastDialog: null },
    ]);
  });
});

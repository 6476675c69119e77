/**
 * Bad records (ingest.md "Bad records"): each is rejected with its position, the field path and a
 * one-line reason; valid records in the same batch are still stored; a rejected record changes
 * nothing (whole-table dumps before and after, every account).
 */
import { createAccount } from '../../src/accounts/accountStore';
import type { IngestResult } from '../../src/ingest/ingest';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { D, dump, inbound, ingest, ingestOk, interaction, outbound, stored, summaryCopiesMismatches, T, type Json } from './helpers';

/** The accounts' keys (their IDs are 'acc' and 'other'). */
let ACC: number;
let OTHER: number;
const ID_128 = 'i'.repeat(128);
const ID_129 = 'i'.repeat(129);

const omit = (object: Json, ...keys: string[]) => Object.fromEntries(Object.entries(object).filter(([k]) => !keys.includes(k)));
const bad = (extra: Json) => interaction('bad', extra);
const late = {
  status: (extra: Json = {}) => ({ record: 'messageStatus', interactionId: 'base-1', messageId: 'm2', status: 'DELIVERED', at: T(100), ...extra }),
  csat: (extra: Json = {}) => ({ record: 'csat', interactionId: 'base-1', score: 4, at: T(100), ...extra }),
  analysis: (extra: Json = {}) => ({ record: 'analysis', interactionId: 'base-1', topics: [{ name: 'Returns', resolved: true }], ...extra }),
};

/** [what, record, expected path, what the reason must say] */
const CASES: Array<[string, unknown, string | null, RegExp]> = [
  // The record as a whole, and its kind
  ['unknown record kind', { record: 'message', id: 'x' }, 'record', /^must be one of interaction, messageStatus, csat, analysis, got "message"$/],
  ['no record kind', omit(interaction('x'), 'record'), 'record', /^is required: one of interaction, messageStatus, csat, analysis$/],
  ['record kind of the wrong type', { ...interaction('x'), record: 1 }, 'record', /^must be one of .*, got 1$/],
  ['a JSON list, not an object', [interaction('x')], null, /must be a JSON object/],
  ['JSON null', null, null, /must be a JSON object/],
  ['a JSON string', 'interaction', null, /must be a JSON object/],

  // Missing required fields, top-level and nested
  ['missing id', omit(interaction('x'), 'id'), 'id', /^is required$/],
  ['missing type', omit(bad({}), 'type'), 'type', /^is required$/],
  ['missing startedAt', omit(bad({}), 'startedAt'), 'startedAt', /^is required$/],
  ['missing channel', omit(bad({}), 'channel'), 'channel', /^is required$/],
  ['missing endUserId', omit(bad({}), 'endUserId'), 'endUserId', /^is required$/],
  ['missing automation.name', bad({ automation: { id: 'cb', type: 'CHATBOT' } }), 'automation.name', /^is required$/],
  ['missing automation.id', bad({ automation: { type: 'CHATBOT', name: 'Bot' } }), 'automation.id', /^is required$/],
  ['missing automation.type', bad({ automation: { id: 'cb', name: 'Bot' } }), 'automation.type', /^is required$/],
  ['missing escalation.at', bad({ escalation: { agentId: 'a-1' } }), 'escalation.at', /^is required$/],
  ['missing messages[1].sentAt', bad({ messages: [inbound('m1', 0), omit(outbound('m2', 5), 'sentAt')] }), 'messages[1].sentAt', /^is required$/],
  ['missing messages[0].direction', bad({ messages: [omit(inbound('m1', 0), 'direction')] }), 'messages[0].direction', /^is required$/],
  ['missing messages[0].id', bad({ messages: [omit(inbound('m1', 0), 'id')] }), 'messages[0].id', /^is required$/],
  ['missing messages[0].channel', bad({ messages: [omit(inbound('m1', 0), 'channel')] }), 'messages[0].channel', /^is required$/],
  ['missing logs[0].message', bad({ logs: [{ at: T(0), level: 'INFO' }] }), 'logs[0].message', /^is required$/],
  ['missing steps[0].at', bad({ steps: [{ kind: 'SESSION_START' }] }), 'steps[0].at', /^is required$/],
  ['DIALOG step without its name', bad({ steps: [{ kind: 'SESSION_START', at: T(0) }, { kind: 'DIALOG', at: T(1) }] }), 'steps[1].name', /^is required$/],
  ['JOURNEY_ELEMENT step without its name', bad({ steps: [{ kind: 'JOURNEY_ELEMENT', at: T(1) }] }), 'steps[0].name', /^is required$/],
  ['AI_AGENT_TOOL step without its name', bad({ steps: [{ kind: 'AI_AGENT_TOOL', at: T(1) }] }), 'steps[0].name', /^is required$/],
  ['missing csat.at', bad({ csat: { score: 4 } }), 'csat.at', /^is required$/],
  ['missing analysis.topics[0].resolved', bad({ analysis: { topics: [{ name: 'Returns' }] } }), 'analysis.topics[0].resolved', /^is required$/],
  ['messageStatus without status', omit(late.status(), 'status'), 'status', /^is required$/],
  ['messageStatus without messageId', omit(late.status(), 'messageId'), 'messageId', /^is required$/],
  ['csat without score', omit(late.csat(), 'score'), 'score', /^is required$/],
  ['csat without at', omit(late.csat(), 'at'), 'at', /^is required$/],
  ['analysis without interactionId', omit(late.analysis(), 'interactionId'), 'interactionId', /^is required$/],

  // Wrong types
  ['id a number', bad({ id: 42 }), 'id', /^must be a string, got 42$/],
  ['startedAt a number (epoch ms)', bad({ startedAt: 1790931600000 }), 'startedAt', /^must be an RFC 3339 timestamp string, got 1790931600000$/],
  ['messages an object', bad({ messages: {} }), 'messages', /^must be a list, got an object$/],
  ['automation a string', bad({ automation: 'cb-support' }), 'automation', /^must be an object, got "cb-support"$/],
  ['messages[0] a string', bad({ messages: ['hello'] }), 'messages[0]', /^must be an object, got "hello"$/],
  ['messages[0].text a number', bad({ messages: [inbound('m1', 0, { text: 5 })] }), 'messages[0].text', /^must be a string, got 5$/],
  ['topics[0].resolved a string', late.analysis({ topics: [{ name: 'Returns', resolved: 'yes' }] }), 'topics[0].resolved', /^must be true or false, got "yes"$/],
  ['sentimentScore a string', late.analysis({ sentimentScore: '0.5' }), 'sentimentScore', /^must be a number, got "0.5"$/],
  ['csat.score a string', bad({ csat: { score: '5', at: T(9) } }), 'csat.score', /^must be a number, got "5"$/],
  ['issues[1] a number', late.analysis({ issues: ['Long wait', 3] }), 'issues[1]', /must be a non-empty string/],
  ['issues[0] empty', late.analysis({ issues: [''] }), 'issues[0]', /must be a non-empty string/],
  ['topics a string', late.analysis({ topics: 'Returns' }), 'topics', /^must be a list, got "Returns"$/],

  // Bad enum values
  ['type CHAT', bad({ type: 'CHAT' }), 'type', /^must be one of CONVERSATIONAL, NON_CONVERSATIONAL, got "CHAT"$/],
  ['type with a line break (the reason stays one line)', bad({ type: 'CHAT\nBOT' }), 'type', /^must be one of CONVERSATIONAL, NON_CONVERSATIONAL, got "CHAT\\nBOT"$/],
  ['automation.type in lower case', bad({ automation: { id: 'cb', type: 'chatbot', name: 'Bot' } }), 'automation.type', /^must be one of JOURNEY, CHATBOT, AI_AGENT, got "chatbot"$/],
  ['direction IN', bad({ messages: [inbound('m1', 0, { direction: 'IN' })] }), 'messages[0].direction', /^must be one of INBOUND, OUTBOUND, got "IN"$/],
  ['author ROBOT', bad({ messages: [outbound('m1', 0, { author: 'ROBOT' })] }), 'messages[0].author', /^must be one of END_USER, BOT, AGENT, SYSTEM, got "ROBOT"$/],
  ['message status READ', bad({ messages: [outbound('m1', 0, { status: 'READ' })] }), 'messages[0].status', /^must be one of PENDING, SENT, DELIVERED, SEEN, REJECTED, UNDELIVERABLE, EXPIRED, got "READ"$/],
  ['log level DEBUG', bad({ logs: [{ at: T(0), level: 'DEBUG', message: 'x' }] }), 'logs[0].level', /^must be one of INFO, WARN, ERROR, got "DEBUG"$/],
  ['step kind PAGE', bad({ steps: [{ kind: 'PAGE', name: 'x', at: T(0) }] }), 'steps[0].kind', /^must be one of JOURNEY_ELEMENT, DIALOG, SESSION_START, SESSION_END, AI_AGENT_TOOL, got "PAGE"$/],
  ['analysis outcome GOOD', late.analysis({ outcome: 'GOOD' }), 'outcome', /^must be one of SUCCESSFUL, MIXED, UNSUCCESSFUL, got "GOOD"$/],
  ['analysis sentiment HAPPY', bad({ analysis: { sentiment: 'HAPPY' } }), 'analysis.sentiment', /^must be one of POSITIVE, NEUTRAL, NEGATIVE, got "HAPPY"$/],
  ['messageStatus status READ', late.status({ status: 'READ' }), 'status', /^must be one of PENDING, .*EXPIRED, got "READ"$/],

  // Timestamps
  ['startedAt without an offset', bad({ startedAt: '2026-10-03T09:00:00' }), 'startedAt', /^must be an RFC 3339 timestamp with an offset, like .*, got "2026-10-03T09:00:00"$/],
  ['startedAt a date only', bad({ startedAt: '2026-10-03' }), 'startedAt', /RFC 3339 timestamp with an offset/],
  ['startedAt with a bare hour offset', bad({ startedAt: '2026-10-03T09:00:00+02' }), 'startedAt', /RFC 3339 timestamp with an offset/],
  ['endedAt 2026-02-30', bad({ endedAt: '2026-02-30T10:00:00Z' }), 'endedAt', /^is not a real date and time, got "2026-02-30T10:00:00Z"$/],
  ['startedAt 2026-02-29 (not a leap year)', bad({ startedAt: '2026-02-29T10:00:00Z' }), 'startedAt', /^is not a real date and time/],
  ['startedAt month 13', bad({ startedAt: '2026-13-01T10:00:00Z' }), 'startedAt', /^is not a real date and time/],
  ['startedAt hour 24', bad({ startedAt: '2026-10-03T24:00:00Z' }), 'startedAt', /^is not a real date and time/],
  ['offset +24:00', bad({ startedAt: '2026-10-03T09:00:00+24:00' }), 'startedAt', /^is not a real date and time/],
  ['messages[1].statusAt without offset', bad({ messages: [inbound('m1', 0), outbound('m2', 5, { status: 'SENT', statusAt: '2026-10-03 09:00:06' })] }), 'messages[1].statusAt', /RFC 3339 timestamp with an offset/],
  ['messageStatus at 2026-02-30', late.status({ at: '2026-02-30T00:00:00Z' }), 'at', /^is not a real date and time/],
  ['csat.at without offset', bad({ csat: { score: 4, at: '2026-10-03T09:10:00' } }), 'csat.at', /RFC 3339 timestamp with an offset/],
  ['endedAt before startedAt', bad({ startedAt: T(60), endedAt: T(59) }), 'endedAt', /^must not be before startedAt$/],
  ['year 0000 (PostgreSQL has no year 0)', bad({ startedAt: '0000-01-01T00:00:00Z' }), 'startedAt', /^must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z/],
  ['year 0001 with a positive offset (UTC is in year 0)', bad({ startedAt: '0001-01-01T00:00:00+01:00' }), 'startedAt', /^must be between 0001/],
  ['year 9999 with a negative offset (UTC is in year 10000)', bad({ startedAt: '9999-12-31T23:59:59-05:00' }), 'startedAt', /^must be between 0001/],

  // CSAT 1..5, whole numbers
  ['csat.score 0', bad({ csat: { score: 0, at: T(9) } }), 'csat.score', /^must be between 1 and 5, got 0$/],
  ['csat.score 6', bad({ csat: { score: 6, at: T(9) } }), 'csat.score', /^must be between 1 and 5, got 6$/],
  ['csat.score 4.5', bad({ csat: { score: 4.5, at: T(9) } }), 'csat.score', /^must be a whole number, got 4.5$/],
  ['csat record score 0', late.csat({ score: 0 }), 'score', /^must be between 1 and 5, got 0$/],
  ['csat record score 3.5', late.csat({ score: 3.5 }), 'score', /^must be a whole number, got 3.5$/],

  // sentimentScore in [-1, 1]
  ['analysis.sentimentScore 1.5', bad({ analysis: { sentimentScore: 1.5 } }), 'analysis.sentimentScore', /^must be between -1 and 1, got 1.5$/],
  ['analysis record sentimentScore -1.01', late.analysis({ sentimentScore: -1.01 }), 'sentimentScore', /^must be between -1 and 1, got -1.01$/],
  ['handleTimeSeconds negative', late.analysis({ topics: [{ name: 'Returns', resolved: true, handleTimeSeconds: -1 }] }), 'topics[0].handleTimeSeconds', /^must be between 0 and/],

  // Channel codes
  ['channel sms', bad({ channel: 'sms' }), 'channel', /^must be a channel code of upper-case letters, digits and _, got "sms"$/],
  ['channel WHATS-APP', bad({ channel: 'WHATS-APP' }), 'channel', /^must be a channel code .*, got "WHATS-APP"$/],
  ['channel LIVE CHAT (a space)', bad({ channel: 'LIVE CHAT' }), 'channel', /^must be a channel code/],
  ['channel empty', bad({ channel: '' }), 'channel', /^must not be empty$/],
  ['messages[0].channel sms', bad({ messages: [inbound('m1', 0, { channel: 'sms' })] }), 'messages[0].channel', /^must be a channel code .*, got "sms"$/],

  // IDs: non-empty, at most 128 characters
  ['id empty', bad({ id: '' }), 'id', /^must not be empty$/],
  ['id of 129 characters', bad({ id: ID_129 }), 'id', /^must be at most 128 characters, got 129$/],
  ['endUserId of 129 characters', bad({ endUserId: ID_129 }), 'endUserId', /^must be at most 128 characters, got 129$/],
  ['automation.id empty', bad({ automation: { id: '', type: 'CHATBOT', name: 'Bot' } }), 'automation.id', /^must not be empty$/],
  ['automation.automationVersionId of 129 characters', bad({ automation: { id: 'cb', type: 'CHATBOT', name: 'Bot', automationVersionId: ID_129 } }), 'automation.automationVersionId', /^must be at most 128 characters/],
  ['customerProfileId empty', bad({ customerProfileId: '' }), 'customerProfileId', /^must not be empty$/],
  ['escalation.agentId of 129 characters', bad({ escalation: { at: T(5), agentId: ID_129 } }), 'escalation.agentId', /^must be at most 128 characters/],
  ['messages[0].id empty', bad({ messages: [inbound('', 0)] }), 'messages[0].id', /^must not be empty$/],
  ['csat record interactionId empty', late.csat({ interactionId: '' }), 'interactionId', /^must not be empty$/],
  ['messageStatus messageId of 129 characters', late.status({ messageId: ID_129 }), 'messageId', /^must be at most 128 characters/],

  // validityHours 1..720
  ['validityHours 0', bad({ messages: [outbound('m1', 0, { validityHours: 0 })] }), 'messages[0].validityHours', /^must be between 1 and 720, got 0$/],
  ['validityHours 721', bad({ messages: [outbound('m1', 0, { validityHours: 721 })] }), 'messages[0].validityHours', /^must be between 1 and 720, got 721$/],
  ['validityHours 1.5', bad({ messages: [outbound('m1', 0, { validityHours: 1.5 })] }), 'messages[0].validityHours', /^must be a whole number, got 1.5$/],
  ['validityHours "48"', bad({ messages: [outbound('m1', 0, { validityHours: '48' })] }), 'messages[0].validityHours', /^must be a number, got "48"$/],

  // Uniqueness within one record
  ['duplicate message IDs', bad({ messages: [inbound('m1', 0), outbound('m2', 5), outbound('m1', 9)] }), 'messages[2].id', /"m1" is also the ID of messages\[0\]/],
  ['duplicate topic names in an analysis record', late.analysis({ topics: [{ name: 'Returns', resolved: true }, { name: 'Returns', resolved: false }] }), 'topics[1].name', /"Returns" appears twice \(first at topics\[0\]\)/],
  ['duplicate topic names in an interaction analysis', bad({ analysis: { topics: [{ name: 'A', resolved: true }, { name: 'B', resolved: true }, { name: 'A', resolved: true }] } }), 'analysis.topics[2].name', /"A" appears twice/],

  // Message direction rules
  ['status on an inbound message', bad({ messages: [inbound('m1', 0, { status: 'DELIVERED' })] }), 'messages[0].status', /applies to outbound messages only/],
  ['inbound message written by a BOT', bad({ messages: [inbound('m1', 0, { author: 'BOT' })] }), 'messages[0].author', /must be END_USER for an INBOUND message/],
  ['outbound message written by END_USER', bad({ messages: [outbound('m1', 0, { author: 'END_USER' })] }), 'messages[0].author', /must be BOT, AGENT or SYSTEM for an OUTBOUND message/],

  // Unknown fields (the code's choice: a misspelt optional field is an error, not silently dropped)
  ['unknown field escalaton', bad({ escalaton: { at: T(5) } }), 'escalaton', /^unknown field; expected one of record, id, type/],
  ['unknown nested field automation.label', bad({ automation: { id: 'cb', type: 'CHATBOT', name: 'Bot', label: 'x' } }), 'automation.label', /^unknown field/],

  // Text PostgreSQL cannot store must be rejected, not fail the whole batch
  ['NUL character in messages[0].text', bad({ messages: [inbound('m1', 0, { text: 'a\u0000b' })] }), 'messages[0].text', /NUL character/],
  ['NUL character in an ID', bad({ id: 'x\u0000' }), 'id', /NUL character/],
  ['NUL character in an issue', late.analysis({ issues: ['a\u0000'] }), 'issues[0]', /NUL character/],
  ['NUL character in a log message', bad({ logs: [{ at: T(0), level: 'INFO', message: '\u0000' }] }), 'logs[0].message', /NUL character/],
  ['unpaired surrogate in sender', bad({ sender: 'Shop\ud800' }), 'sender', /unpaired surrogate/],

  // Late records whose interaction or message does not exist
  ['messageStatus for an unknown interaction', late.status({ interactionId: 'nope' }), 'interactionId', /^no interaction "nope" in this account$/],
  ['csat for an unknown interaction', late.csat({ interactionId: 'nope' }), 'interactionId', /^no interaction "nope" in this account$/],
  ['analysis for an unknown interaction', late.analysis({ interactionId: 'nope' }), 'interactionId', /^no interaction "nope" in this account$/],
  ['messageStatus for an unknown message', late.status({ messageId: 'm9' }), 'messageId', /^interaction "base-1" has no message "m9"$/],
  ['messageStatus for an inbound message', late.status({ messageId: 'm1' }), 'messageId', /message "m1" is inbound; delivery reports apply to outbound messages/],

  // Late records for an interaction that exists only in another account
  ['csat for another account\'s interaction', late.csat({ interactionId: 'theirs-1', score: 1 }), 'interactionId', /^no interaction "theirs-1" in this account$/],
  ['messageStatus for another account\'s interaction', late.status({ interactionId: 'theirs-1', messageId: 'm1', status: 'REJECTED', at: T(3600) }), 'interactionId', /^no interaction "theirs-1" in this account$/],
  ['analysis for another account\'s interaction', late.analysis({ interactionId: 'theirs-1', outcome: 'UNSUCCESSFUL' }), 'interactionId', /^no interaction "theirs-1" in this account$/],
];

/** A rich stored interaction in ACC, which rejected late records name. */
const BASE = interaction('base-1', {
  endedAt: T(600),
  automation: { id: 'cb-support', type: 'CHATBOT', name: 'Support bot', automationVersionId: 'cv-1', versionId: '1' },
  sender: 'ShopSMS',
  customerProfileId: 'cp-1',
  escalation: { at: T(300), agentId: 'agent-1' },
  messages: [
    inbound('m1', 0, { text: 'Hi\ttab\nnewline\\backslash' }),
    outbound('m2', 5, { text: '', status: 'SENT', statusAt: T(6), validityHours: 24 }),
    outbound('m3', 7, { channel: 'WHATSAPP', author: 'AGENT' }),
  ],
  logs: [{ at: T(1), level: 'WARN', message: 'slow' }],
  steps: [{ kind: 'SESSION_START', at: T(0) }, { kind: 'DIALOG', name: 'Welcome', at: T(1) }],
  analysis: { sentiment: 'NEGATIVE', sentimentScore: -0.25, summary: 'Asked twice.', topics: [{ name: 'Order status', resolved: false, handleTimeSeconds: 12.5 }], issues: ['Long wait'] },
  csat: { score: 2, at: T(700) },
});
const THEIRS = interaction('theirs-1', {
  automation: { id: 'cb-support', type: 'CHATBOT', name: 'Their bot' },
  messages: [outbound('m1', 0, { status: 'SENT', statusAt: T(1) })],
  csat: { score: 5, at: T(10) },
});

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  ACC = (await createAccount(db.prisma, 'Account', 'acc')).id;
  OTHER = (await createAccount(db.prisma, 'Other', 'other')).id;
  await ingestOk(db.pool, ACC, [BASE]);
  await ingestOk(db.pool, OTHER, [THEIRS]);
});
afterAll(async () => db?.drop());

describe('a batch of bad records only', () => {
  let before: Awaited<ReturnType<typeof dump>>;
  let result: IngestResult;

  beforeAll(async () => {
    before = await dump(db.pool);
    result = await ingest(db.pool, ACC, CASES.map(([, record]) => record));
  });

  it('stores nothing and rejects every record, in position order', () => {
    expect(result.stored).toBe(0);
    expect(result.rejected.map((r) => r.index)).toEqual(CASES.map((_, i) => i));
  });

  it.each(CASES.map(([what, , path, reason], i) => [what, i, path, reason] as const))('%s', (_what, i, path, reason) => {
    const rejection = result.rejected.find((r) => r.index === i);
    expect(rejection).toEqual({ index: i, path, reason: expect.stringMatching(reason) });
    expect(rejection!.reason).not.toMatch(/[\r\n]/);
  });

  it('changes nothing in any table of any account (the interactions late records named included)', async () => {
    expect(await dump(db.pool)).toEqual(before);
  });
});

describe('bad records mixed with good ones in one batch', () => {
  let result: IngestResult;

  beforeAll(async () => {
    const batch: unknown[] = [];
    CASES.forEach(([, record], i) => batch.push(interaction(`good-${i}`, { endUserId: 'u-good' }), record));
    // A valid late record for base-1 after all the rejected ones that named it.
    batch.push(late.csat({ score: 3, at: T(800) }));
    result = await ingest(db.pool, ACC, batch);
  });

  it('rejects exactly the bad ones, at their positions, with the same paths and reasons', () => {
    expect(result.rejected).toEqual(
      CASES.map(([, , path, reason], i) => ({ index: 2 * i + 1, path, reason: expect.stringMatching(reason) })),
    );
    expect(result.stored).toBe(CASES.length + 1);
  });

  it('stores every good one', async () => {
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM "Interaction" WHERE "accountId" = $1 AND "externalId" LIKE 'good-%'`,
      [ACC],
    );
    expect(rows[0].n).toBe(CASES.length);
    const base = await stored(db.pool, ACC, 'base-1');
    expect({ score: base!.row.csatScore, at: base!.row.csatAt }).toEqual({ score: 3, at: D(800) });
  });

  it('leaves the other account exactly as it was', async () => {
    const theirs = await stored(db.pool, OTHER, 'theirs-1');
    expect(theirs!.row).toMatchObject({ csatScore: 5, csatAt: D(10), hasAnalysis: false, outcome: null });
    expect(theirs!.messages).toEqual([expect.objectContaining({ id: 'm1', status: 'SENT', statusAt: D(1) })]);
    const { rows } = await db.pool.query(`SELECT name FROM "Automation" WHERE "accountId" = $1`, [OTHER]);
    expect(rows).toEqual([{ name: 'Their bot' }]);
  });
});

describe('values at the edge of what is allowed are accepted as sent', () => {
  beforeAll(async () => {
    await ingestOk(db.pool, ACC, [
      interaction(ID_128, { endUserId: ID_128, customerProfileId: ID_128 }),
      interaction('edge-1', {
        startedAt: '2026-10-03T11:00:00+02:00',
        endedAt: '2026-10-03t09:00:00.5z',
        channel: 'LIVE_CHAT',
        messages: [outbound('m1', 0, { validityHours: 1, text: '' }), outbound('m2', 0, { validityHours: 720, channel: 'RCS2' })],
        analysis: { sentimentScore: -1 },
        csat: { score: 1, at: '2028-02-29T23:59:59-00:30' },
      }),
      interaction('edge-2', { startedAt: T(10), endedAt: T(10), analysis: { sentimentScore: 1 }, csat: { score: 5, at: T(10) } }),
      // null for an optional field means "absent"
      interaction('edge-3', { endedAt: null, automation: null, escalation: null, messages: null, analysis: null, csat: null }),
    ].map((r) => JSON.parse(JSON.stringify(r))));
  });

  it('128-character IDs', async () => {
    const s = await stored(db.pool, ACC, ID_128);
    expect(s!.row.customerProfileId).toBe(ID_128);
    const { rows } = await db.pool.query(`SELECT "externalId" FROM "EndUser" WHERE "accountId" = $1 AND id = $2`, [ACC, s!.row.endUserId]);
    expect(rows).toEqual([{ externalId: ID_128 }]);
  });

  it('offsets, lower-case t/z and fractions are read as the instant they name; bounds of every range', async () => {
    const s = await stored(db.pool, ACC, 'edge-1');
    expect(s!.row).toMatchObject({
      startedAt: new Date('2026-10-03T09:00:00.000Z'),
      endedAt: new Date('2026-10-03T09:00:00.500Z'),
      durationSeconds: 0.5,
      sentimentScore: -1,
      csatScore: 1,
      csatAt: new Date('2028-03-01T00:29:59.000Z'),
    });
    expect(s!.messages.map((m) => [m.id, m.validityHours, m.channel, m.text])).toEqual([['m1', 1, 'SMS', ''], ['m2', 720, 'RCS2', null]]);
    const two = await stored(db.pool, ACC, 'edge-2');
    expect(two!.row).toMatchObject({ sentimentScore: 1, csatScore: 5, durationSeconds: 0 });
  });

  it('null optional fields are treated as absent', async () => {
    const s = await stored(db.pool, ACC, 'edge-3');
    expect(s!.row).toMatchObject({ endedAt: null, automationId: null, escalatedAt: null, hasAnalysis: false, csatScore: null });
    expect(s!.messages).toEqual([]);
  });
});

describe('after all of the above', () => {
  it('summary rows copy their interaction\'s columns faithfully', async () => {
    expect(await summaryCopiesMismatches(db.pool)).toEqual([]);
  });
});

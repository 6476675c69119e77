/**
 * Merging and idempotency (ingest.md): upserts replace everything, late records follow their
 * rules, records apply in order, and sending the same data twice changes nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAccount } from '../../src/accounts/accountStore';
import { importNdjson } from '../../src/ingest/ndjson';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { automationRow, channelRow, D, dump, inbound, ingest, ingestOk, interaction, outbound, stored, summaryCopiesMismatches, T, type Json } from './helpers';

/** The accounts' keys (their IDs are 'acc' and 'other'). */
let ACC: number;
let OTHER: number;
let TWICE: number;
let TWICE_FILE: number;
let db: TestDatabase;
let tmp: string;

beforeAll(async () => {
  db = await createTestDatabase();
  ACC = (await createAccount(db.prisma, 'Account', 'acc')).id;
  OTHER = (await createAccount(db.prisma, 'Other', 'other')).id;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tp-merge-'));
});
afterAll(async () => {
  await db?.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const status = (interactionId: string, messageId: string, s: string, seconds: number) =>
  ({ record: 'messageStatus', interactionId, messageId, status: s, at: T(seconds) });
const csat = (interactionId: string, score: number, seconds: number) => ({ record: 'csat', interactionId, score, at: T(seconds) });

describe('an interaction sent again replaces everything in it', () => {
  const v1 = interaction('up-1', {
    endedAt: T(600),
    automation: { id: 'cb-up', type: 'CHATBOT', name: 'Bot', automationVersionId: 'up-v1', versionId: '1' },
    sender: 'S1',
    customerProfileId: 'cp-1',
    escalation: { at: T(100), agentId: 'agent-1' },
    messages: [inbound('m1', 0, { text: 'old' }), outbound('m2', 5, { status: 'SEEN', statusAt: T(6) }), inbound('m3', 10)],
    logs: [{ at: T(0), level: 'INFO', message: 'a' }, { at: T(1), level: 'ERROR', message: 'b' }],
    steps: [{ kind: 'SESSION_START', at: T(0) }, { kind: 'DIALOG', name: 'Welcome', at: T(1) }, { kind: 'SESSION_END', at: T(600) }],
    analysis: { outcome: 'SUCCESSFUL', sentiment: 'POSITIVE', sentimentScore: 0.9, summary: 'old', topics: [{ name: 'A', resolved: true }, { name: 'B', resolved: true }], issues: ['X', 'Y'] },
    csat: { score: 5, at: T(700) },
  });
  const v2 = interaction('up-1', {
    type: 'NON_CONVERSATIONAL',
    startedAt: T(1000),
    channel: 'EMAIL',
    endUserId: 'u-other',
    automation: { id: 'j-up', type: 'JOURNEY', name: 'Journey' },
    messages: [outbound('m1', 1000, { channel: 'EMAIL', author: 'SYSTEM', text: 'new' }), outbound('m9', 1001, { channel: 'EMAIL', author: 'SYSTEM', status: 'EXPIRED' })],
    logs: [{ at: T(1000), level: 'WARN', message: 'c' }],
    analysis: { topics: [{ name: 'C', resolved: false }] },
  });
  let first: NonNullable<Awaited<ReturnType<typeof stored>>>;
  let second: NonNullable<Awaited<ReturnType<typeof stored>>>;

  beforeAll(async () => {
    await ingestOk(db.pool, ACC, [v1]);
    first = (await stored(db.pool, ACC, 'up-1'))!;
    await ingestOk(db.pool, ACC, [v2]);
    second = (await stored(db.pool, ACC, 'up-1'))!;
  });

  it('keeps the internal ID', () => {
    expect(second.row.id).toBe(first.row.id);
  });

  it('replaces every field; whatever the new record leaves out is gone', async () => {
    const journey = await automationRow(db.pool, ACC, 'j-up');
    const { rows: users } = await db.pool.query(`SELECT id FROM "EndUser" WHERE "accountId" = $1 AND "externalId" = 'u-other'`, [ACC]);
    expect(second.row).toMatchObject({
      type: 'NON_CONVERSATIONAL', startedAt: D(1000), endedAt: null, channel: 'EMAIL', sender: null, customerProfileId: null,
      automationId: journey.id, automationVersionId: null, versionId: null, automationType: 'JOURNEY', endUserId: users[0].id,
      escalatedAt: null, escalationAgentId: null, escalated: false, agentSeconds: null, durationSeconds: null,
      csatScore: null, csatAt: null,
      hasAnalysis: true, analysisOutcome: null, sentiment: null, sentimentScore: null, summary: null,
      outcome: 'UNSUCCESSFUL', topicCount: 1, resolvedTopics: 0,
      inboundCount: 0, outboundCount: 2, engaged: false,
    });
  });

  it('keeps only the new child rows', () => {
    expect(second.messages).toEqual([
      { id: 'm1', direction: 'OUTBOUND', author: 'SYSTEM', channel: 'EMAIL', sentAt: D(1000), text: 'new', status: 'PENDING', statusAt: null, validityHours: 48 },
      { id: 'm9', direction: 'OUTBOUND', author: 'SYSTEM', channel: 'EMAIL', sentAt: D(1001), text: null, status: 'EXPIRED', statusAt: null, validityHours: 48 },
    ]);
    expect(second.channels).toEqual([channelRow('EMAIL', { outbound: 2, pending: 1, expired: 1 })]);
    expect(second.logs).toEqual([{ seq: 0, at: D(1000), level: 'WARN', message: 'c' }]);
    expect(second.steps).toEqual([]);
    expect(second.topics).toEqual([{ name: 'C', resolved: false, handleTimeSeconds: null, seq: 0 }]);
    expect(second.issues).toEqual([]);
  });

  it('an interaction sent again without analysis has none (unclassified)', async () => {
    await ingestOk(db.pool, ACC, [{ ...v2, analysis: undefined }]);
    const third = (await stored(db.pool, ACC, 'up-1'))!;
    expect(third.row).toMatchObject({ id: first.row.id, hasAnalysis: false, outcome: null, topicCount: 0, resolvedTopics: 0 });
    expect(third.topics).toEqual([]);
  });

  it('the same external ID in another account is a different interaction, untouched', async () => {
    await ingestOk(db.pool, OTHER, [v1]);
    const before = await dump(db.pool, OTHER);
    await ingestOk(db.pool, ACC, [v1, v2]);
    expect(await dump(db.pool, OTHER)).toEqual(before);
  });
});

describe('sending the same data twice leaves exactly the same data, internal IDs included', () => {
  const records: Json[] = [
    interaction('id-1', {
      automation: { id: 'cb-id', type: 'CHATBOT', name: 'Bot', automationVersionId: 'id-v1', versionId: '1' },
      messages: [inbound('m1', 0), outbound('m2', 5, { status: 'SENT', statusAt: T(6) }), outbound('m3', 7, { status: 'SEEN', statusAt: T(20) })],
      steps: [{ kind: 'SESSION_START', at: T(0) }],
      analysis: { topics: [{ name: 'A', resolved: true }], issues: ['X', 'X'] },
    }),
    interaction('id-2', { endUserId: 'u-shared', automation: { id: 'cb-id', type: 'CHATBOT', name: 'Bot renamed', automationVersionId: 'id-v2', versionId: '2' }, logs: [{ at: T(1), level: 'INFO', message: 'x\ty' }] }),
    interaction('id-3', { endUserId: 'u-shared', csat: { score: 2, at: T(9) } }),
    status('id-1', 'm2', 'DELIVERED', 30),
    status('id-1', 'm3', 'DELIVERED', 10), // older than the stored SEEN: changes nothing
    csat('id-1', 4, 60),
    { record: 'analysis', interactionId: 'id-2', sentiment: 'NEGATIVE', topics: [{ name: 'B', resolved: false }], issues: ['Y'] },
    interaction('id-4', { messages: [outbound('m1', 0)] }),
    status('id-4', 'm1', 'UNDELIVERABLE', 1),
  ];
  const file = () => path.join(tmp, 'twice.ndjson');

  it('through ingest batches', async () => {
    TWICE = (await createAccount(db.prisma, 'Twice', 'twice')).id;
    await ingestOk(db.pool, TWICE, records);
    const once = await dump(db.pool, TWICE);
    expect(once.Interaction).toHaveLength(4);
    await ingestOk(db.pool, TWICE, records);
    expect(await dump(db.pool, TWICE)).toEqual(once);
  });

  it('through the same NDJSON file imported twice (batches of 2)', async () => {
    TWICE_FILE = (await createAccount(db.prisma, 'Twice file', 'twice-file')).id;
    fs.writeFileSync(file(), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const one = await importNdjson(db.pool, TWICE_FILE, file(), { batchSize: 2 });
    expect(one).toMatchObject({ stored: records.length, rejected: 0, rejectedFile: null });
    const once = await dump(db.pool, TWICE_FILE);
    const two = await importNdjson(db.pool, TWICE_FILE, file(), { batchSize: 2 });
    expect(two).toMatchObject({ stored: records.length, rejected: 0 });
    expect(await dump(db.pool, TWICE_FILE)).toEqual(once);
    // and the same data as the batch route gives, up to internal IDs
    const viaBatch = await stored(db.pool, TWICE, 'id-1');
    const viaFile = await stored(db.pool, TWICE_FILE, 'id-1');
    const strip = (s: typeof viaBatch) => ({ ...s, row: { ...s!.row, accountId: null, id: null, automationId: null, endUserId: null } });
    expect(strip(viaFile)).toEqual(strip(viaBatch));
  });
});

describe('end users', () => {
  it('get dense internal IDs: a batch of known users takes no number from the sequence', async () => {
    const account = (await createAccount(db.prisma, 'Dense', 'dense-users')).id;
    const sent = (ids: string[], users: string[]) => ingestOk(db.pool, account, ids.map((id, n) => interaction(id, { endUserId: users[n] })));
    const idsOf = async () =>
      Object.fromEntries((await db.pool.query('SELECT "externalId", id FROM "EndUser" WHERE "accountId" = $1', [account])).rows.map((r) => [r.externalId, Number(r.id)]));
    await sent(['d1', 'd2', 'd3'], ['du-a', 'du-b', 'du-c']);
    const first = await idsOf();
    // Three batches that only name known users, then one new user: the next number.
    await sent(['d4', 'd5'], ['du-a', 'du-b']);
    await sent(['d6'], ['du-c']);
    await sent(['d1', 'd2', 'd3', 'd7'], ['du-c', 'du-b', 'du-a', 'du-d']);
    const after = await idsOf();
    const highest = Math.max(first['du-a']!, first['du-b']!, first['du-c']!);
    expect(after).toEqual({ ...first, 'du-d': highest + 1 });
  });
});

describe('delivery reports: the latest time wins', () => {
  // m2: SENT at 10 s; m3: no status at all (PENDING, no statusAt); m4: SENT without statusAt
  const record = interaction('dr-1', {
    messages: [
      inbound('m1', 0),
      outbound('m2', 5, { status: 'SENT', statusAt: T(10) }),
      outbound('m3', 6),
      outbound('m4', 7, { status: 'SENT', channel: 'WHATSAPP' }),
    ],
  });
  const message = async (id: string) => (await stored(db.pool, ACC, 'dr-1'))!.messages.find((m) => m.id === id)!;

  beforeAll(async () => {
    await ingestOk(db.pool, ACC, [record]);
  });

  it('a report older than the stored statusAt is accepted (stored counts it) but changes nothing', async () => {
    const before = await dump(db.pool, ACC);
    expect(await ingest(db.pool, ACC, [status('dr-1', 'm2', 'REJECTED', 9)])).toEqual({ stored: 1, rejected: [] });
    expect(await dump(db.pool, ACC)).toEqual(before);
  });

  it('a newer report replaces status and statusAt; the channel summary follows', async () => {
    await ingestOk(db.pool, ACC, [status('dr-1', 'm2', 'DELIVERED', 20)]);
    expect(await message('m2')).toMatchObject({ status: 'DELIVERED', statusAt: D(20) });
    const s = (await stored(db.pool, ACC, 'dr-1'))!;
    // SMS: m2 delivered, m3 pending; WHATSAPP: m4 SENT (pending)
    expect(s.channels).toEqual([channelRow('SMS', { inbound: 1, outbound: 2, delivered: 1, pending: 1 }), channelRow('WHATSAPP', { outbound: 1, pending: 1 })]);
  });

  it('a report at exactly the stored statusAt is not "before" it, so it applies', async () => {
    await ingestOk(db.pool, ACC, [status('dr-1', 'm2', 'SEEN', 20)]);
    expect(await message('m2')).toMatchObject({ status: 'SEEN', statusAt: D(20) });
  });

  it('a message stored without statusAt takes any report, even one dated before it was sent', async () => {
    await ingestOk(db.pool, ACC, [status('dr-1', 'm3', 'UNDELIVERABLE', 1), status('dr-1', 'm4', 'EXPIRED', 2)]);
    expect(await message('m3')).toMatchObject({ status: 'UNDELIVERABLE', statusAt: D(1) });
    expect(await message('m4')).toMatchObject({ status: 'EXPIRED', statusAt: D(2) });
    const s = (await stored(db.pool, ACC, 'dr-1'))!;
    expect(s.channels).toEqual([
      channelRow('SMS', { inbound: 1, outbound: 2, delivered: 1, undeliverable: 1 }),
      channelRow('WHATSAPP', { outbound: 1, expired: 1 }),
    ]);
  });

  it('several reports in one batch apply in order: latest time wins whatever the order', async () => {
    const result = await ingest(db.pool, ACC, [
      status('dr-1', 'm2', 'REJECTED', 50),
      status('dr-1', 'm2', 'DELIVERED', 40), // older than the one before it: nothing
      status('dr-1', 'm2', 'SEEN', 45), // still older than 50: nothing
    ]);
    expect(result).toEqual({ stored: 3, rejected: [] });
    expect(await message('m2')).toMatchObject({ status: 'REJECTED', statusAt: D(50) });
  });

  it('reports for an interaction sent earlier in the same batch apply to it', async () => {
    const result = await ingest(db.pool, ACC, [
      interaction('dr-2', { messages: [outbound('m1', 0, { status: 'SENT', statusAt: T(5) })] }),
      status('dr-2', 'm1', 'DELIVERED', 4), // older: nothing
      status('dr-2', 'm1', 'SEEN', 6),
    ]);
    expect(result).toEqual({ stored: 3, rejected: [] });
    const s = (await stored(db.pool, ACC, 'dr-2'))!;
    expect(s.messages[0]).toMatchObject({ status: 'SEEN', statusAt: D(6) });
    expect(s.channels).toEqual([channelRow('SMS', { outbound: 1, delivered: 1 })]);
  });
});

describe('csat and analysis records', () => {
  beforeAll(async () => {
    await ingestOk(db.pool, ACC, [
      interaction('late-1', {
        messages: [inbound('m1', 0)],
        analysis: {
          outcome: 'SUCCESSFUL', sentiment: 'POSITIVE', sentimentScore: 0.5, summary: 'first',
          topics: [{ name: 'A', resolved: true, handleTimeSeconds: 30 }, { name: 'B', resolved: true }], issues: ['X', 'Y'],
        },
        csat: { score: 2, at: T(100) },
      }),
    ]);
  });

  it('a csat record replaces the earlier answer, whatever its time', async () => {
    await ingestOk(db.pool, ACC, [csat('late-1', 5, 200)]);
    expect((await stored(db.pool, ACC, 'late-1'))!.row).toMatchObject({ csatScore: 5, csatAt: D(200) });
    await ingestOk(db.pool, ACC, [csat('late-1', 1, 50)]);
    expect((await stored(db.pool, ACC, 'late-1'))!.row).toMatchObject({ csatScore: 1, csatAt: D(50) });
  });

  it('an analysis record replaces the whole earlier analysis: old topics and issues are gone', async () => {
    await ingestOk(db.pool, ACC, [{ record: 'analysis', interactionId: 'late-1', topics: [{ name: 'C', resolved: false }, { name: 'A', resolved: true }], issues: ['Z', 'Z', 'W', 'Z'] }]);
    const s = (await stored(db.pool, ACC, 'late-1'))!;
    expect(s.row).toMatchObject({
      hasAnalysis: true, analysisOutcome: null, sentiment: null, sentimentScore: null, summary: null,
      outcome: 'MIXED', topicCount: 2, resolvedTopics: 1,
      csatScore: 1, // the analysis leaves the csat alone
    });
    expect(s.topics).toEqual([
      { name: 'C', resolved: false, handleTimeSeconds: null, seq: 0 },
      { name: 'A', resolved: true, handleTimeSeconds: null, seq: 1 },
    ]);
    // a repeated issue counts once
    expect(s.issues).toEqual([{ issue: 'Z', seq: 0 }, { issue: 'W', seq: 1 }]);
  });

  it('an empty analysis record leaves an analysis with nothing in it (unclassified)', async () => {
    await ingestOk(db.pool, ACC, [{ record: 'analysis', interactionId: 'late-1' }]);
    const s = (await stored(db.pool, ACC, 'late-1'))!;
    expect(s.row).toMatchObject({ hasAnalysis: true, outcome: null, topicCount: 0, resolvedTopics: 0, summary: null });
    expect([s.topics, s.issues]).toEqual([[], []]);
  });

  it('a repeated issue in an interaction\'s own analysis counts once too', async () => {
    await ingestOk(db.pool, ACC, [interaction('late-2', { analysis: { issues: ['Long wait', 'Long wait'] } })]);
    expect((await stored(db.pool, ACC, 'late-2'))!.issues).toEqual([{ issue: 'Long wait', seq: 0 }]);
  });
});

describe('records of one batch apply in their order', () => {
  it('interaction, then a csat for it, then the interaction again: the csat is gone', async () => {
    const result = await ingest(db.pool, ACC, [interaction('ord-1'), csat('ord-1', 4, 10), interaction('ord-1', { sender: 'again' })]);
    expect(result).toEqual({ stored: 3, rejected: [] });
    expect((await stored(db.pool, ACC, 'ord-1'))!.row).toMatchObject({ sender: 'again', csatScore: null, csatAt: null });
  });

  it('interaction, then a csat for it: the csat is kept', async () => {
    expect(await ingest(db.pool, ACC, [interaction('ord-2'), csat('ord-2', 4, 10)])).toEqual({ stored: 2, rejected: [] });
    expect((await stored(db.pool, ACC, 'ord-2'))!.row).toMatchObject({ csatScore: 4, csatAt: D(10) });
  });

  it('a late record before its (new) interaction in the same batch is rejected; the interaction is stored without it', async () => {
    const result = await ingest(db.pool, ACC, [
      csat('ord-3', 4, 10),
      { record: 'analysis', interactionId: 'ord-3', outcome: 'SUCCESSFUL' },
      interaction('ord-3', { messages: [outbound('m1', 0)] }),
      status('ord-3', 'm1', 'DELIVERED', 5),
    ]);
    expect(result).toEqual({
      stored: 2,
      rejected: [
        { index: 0, path: 'interactionId', reason: 'no interaction "ord-3" in this account' },
        { index: 1, path: 'interactionId', reason: 'no interaction "ord-3" in this account' },
      ],
    });
    const s = (await stored(db.pool, ACC, 'ord-3'))!;
    expect(s.row).toMatchObject({ csatScore: null, hasAnalysis: false });
    expect(s.messages[0]).toMatchObject({ status: 'DELIVERED', statusAt: D(5) });
  });

  it('a late record for a stored interaction, then the interaction again in the same batch: the new record wins', async () => {
    await ingestOk(db.pool, ACC, [interaction('ord-4', { csat: { score: 3, at: T(1) } })]);
    expect(await ingest(db.pool, ACC, [csat('ord-4', 5, 10), interaction('ord-4'), csat('ord-4', 1, 20), interaction('ord-4', { sender: 'last' })]))
      .toEqual({ stored: 4, rejected: [] });
    expect((await stored(db.pool, ACC, 'ord-4'))!.row).toMatchObject({ sender: 'last', csatScore: null });
  });
});

describe('the automation name: the latest one seen wins', () => {
  const bot = (name: string, type = 'CHATBOT') => ({ id: 'cb-name', type, name });

  it('a later batch renames the automation', async () => {
    await ingestOk(db.pool, ACC, [interaction('an-old', { automation: bot('Old name') })]);
    expect(await automationRow(db.pool, ACC, 'cb-name')).toMatchObject({ name: 'Old name', type: 'CHATBOT' });
    await ingestOk(db.pool, ACC, [interaction('an-new', { automation: bot('New name') })]);
    expect(await automationRow(db.pool, ACC, 'cb-name')).toMatchObject({ name: 'New name' });
  });

  it('late records re-writing the older interaction do not bring its older name back', async () => {
    const id = (await automationRow(db.pool, ACC, 'cb-name')).id;
    await ingestOk(db.pool, ACC, [interaction('an-msgs', { messages: [outbound('m1', 0)] })]);
    await ingestOk(db.pool, ACC, [
      csat('an-old', 4, 10),
      { record: 'analysis', interactionId: 'an-old', topics: [{ name: 'A', resolved: true }] },
    ]);
    expect(await automationRow(db.pool, ACC, 'cb-name')).toMatchObject({ id, name: 'New name' });
    expect((await stored(db.pool, ACC, 'an-old'))!.row).toMatchObject({ automationId: id, csatScore: 4, outcome: 'SUCCESSFUL' });
  });

  it('within one batch, the record that comes last wins, whatever the interaction IDs', async () => {
    // z-… sorts after a-…, but comes first in the batch
    await ingestOk(db.pool, ACC, [interaction('z-name', { automation: bot('Name 1') }), interaction('a-name', { automation: bot('Name 2') })]);
    expect(await automationRow(db.pool, ACC, 'cb-name')).toMatchObject({ name: 'Name 2' });
    // the same interaction sent again after another one: its second record is the latest
    await ingestOk(db.pool, ACC, [
      interaction('b-name', { automation: bot('Name 3') }),
      interaction('c-name', { automation: bot('Name 4') }),
      interaction('b-name', { automation: bot('Name 5') }),
    ]);
    expect(await automationRow(db.pool, ACC, 'cb-name')).toMatchObject({ name: 'Name 5' });
  });

  it('within one batch, a late record for an older interaction does not undo a newer name', async () => {
    await ingestOk(db.pool, ACC, [interaction('an-newest', { automation: bot('Newest') }), csat('an-old', 2, 30), csat('z-name', 2, 30)]);
    expect(await automationRow(db.pool, ACC, 'cb-name')).toMatchObject({ name: 'Newest' });
  });
});

describe('steps', () => {
  // Steps are stored as array literals written through COPY: every character those give a meaning
  // (separators, quotes, escapes, braces, the word NULL, line breaks) must come back as sent, and
  // so must unnamed steps and their order, also when a late record rewrites the interaction.
  const names = ['a,b', 'say "hi"', 'back\\slash', '{braces}', 'NULL', 'line\nbreak\ttab', ' padded ', 'ünïcødé 🚀'];
  const steps = [
    { kind: 'SESSION_START', at: T(0) },
    ...names.map((name, i) => ({ kind: 'DIALOG', name, at: T(10 - i) })),
    { kind: 'SESSION_END', at: T(600) },
  ];
  const expected = steps.map((st, seq) => ({ seq, kind: st.kind, name: 'name' in st ? st.name : null, at: new Date(st.at) }));

  it('are stored as sent, in record order', async () => {
    await ingestOk(db.pool, ACC, [interaction('steps-1', { endedAt: T(600), steps })]);
    expect((await stored(db.pool, ACC, 'steps-1'))!.steps).toEqual(expected);
  });

  it('are kept as sent when a late record rewrites their interaction', async () => {
    await ingestOk(db.pool, ACC, [csat('steps-1', 4, 700)]);
    const after = (await stored(db.pool, ACC, 'steps-1'))!;
    expect(after.row.csatScore).toBe(4);
    expect(after.steps).toEqual(expected);
  });
});

describe('summary rows', () => {
  it('their copies of interaction columns equal the interaction after everything above (late records included)', async () => {
    expect(await summaryCopiesMismatches(db.pool)).toEqual([]);
  });
});

/**
 * The import's fast path (scanInteraction) must give every interaction line it takes exactly the
 * rows the reference path (JSON.parse, validateRecord, encodeInteraction) gives it, and leave every
 * line the reference path rejects. Checked on the demo data, on hand-written lines that exercise
 * what the fast path reads itself (escapes, non-ASCII text, whitespace, key order, timestamp forms,
 * numbers, derived columns), on lines it must leave, and on 30,000 random mutations of valid lines.
 * What the reference path stores is checked by hand in derive.test.ts, merge.test.ts and
 * validation.test.ts; import.test.ts checks hand-worked values of lines taken by the fast path.
 */
import { BatchMemory } from '../../src/common/bufferPool';
import { demoRecords } from '../../src/demo/generator';
import { encodeInteraction } from '../../src/ingest/encode';
import { FieldError } from '../../src/ingest/fieldReader';
import { applyLateRecord } from '../../src/ingest/fold';
import type { InteractionRecord, LateRecord } from '../../src/ingest/records';
import { scanInteraction, scanPatched, type ScannerPatch } from '../../src/ingest/scanInteraction';
import { validateRecord } from '../../src/ingest/validate';
import { PROPERTY_SEED } from '../helpers/propertySeed';
import { inbound, interaction, outbound, T, type Json } from './helpers';

/** What the reference path makes of a line: the interaction's IDs, automation, start and rows; null when it rejects the line or it is not an interaction. */
function reference(bytes: Buffer) {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return null;
  }
  try {
    const record = validateRecord(value);
    if (record.record !== 'interaction') return null;
    const { lines, ...counts } = encodeInteraction(record, new BatchMemory());
    return { id: record.id, endUserId: record.endUserId, automation: record.automation, startedAt: record.startedAt.getTime(), lines: lines.toString('latin1'), counts };
  } catch (error) {
    if (error instanceof FieldError) return null;
    throw error;
  }
}

/** The fast path's result in the same shape. */
function fast(bytes: Buffer) {
  const scanned = scanInteraction(bytes, 0, bytes.length, new BatchMemory());
  if (!scanned) return null;
  const { lines, ...counts } = scanned.encoded;
  const automation = scanned.automation && { ...scanned.automation };
  return { id: scanned.id, endUserId: scanned.endUserId, automation, startedAt: scanned.startedAt.getTime(), lines: lines.toString('latin1'), counts };
}

/** The line's bytes, as a file holds them: the fast path must not read past the end it is given. */
function inFile(line: string | Buffer): Buffer {
  const bytes = typeof line === 'string' ? Buffer.from(line) : line;
  const file = Buffer.concat([Buffer.from('{"x":1}\n'), bytes, Buffer.from('\n{"record":"interaction"}')]);
  return file.subarray(8, 8 + bytes.length);
}

function expectSame(line: string | Buffer) {
  const bytes = inFile(line);
  const expected = reference(bytes);
  expect(expected).not.toBeNull();
  expect(fast(bytes)).toEqual(expected);
}

function expectLeft(line: string | Buffer) {
  expect(fast(inFile(line))).toBeNull();
}

const line = (record: Json) => JSON.stringify(record);

it('reads every interaction of the demo data as the reference path does', () => {
  let interactions = 0;
  for (const record of demoRecords({ interactions: 3000, days: 10, seed: 11, end: new Date('2026-11-01T00:00:00Z') })) {
    const text = JSON.stringify(record);
    if (record.record !== 'interaction') {
      expectLeft(text);
      continue;
    }
    interactions++;
    expectSame(text);
  }
  expect(interactions).toBe(3000);
});

describe('takes and encodes as the reference path does', () => {
  const full = interaction('full-1', {
    endedAt: T(600),
    automation: { id: 'bot-1', type: 'CHATBOT', name: 'Support bot', automationVersionId: 'v-9', versionId: '3' },
    sender: 'ShopWA',
    customerProfileId: 'cp-1',
    escalation: { at: T(300), agentId: 'agent-1' },
    messages: [
      inbound('m1', 0, { text: 'He said "hi"\nthen\tleft \\ back\b\f\r' }),
      outbound('m2', 5, { text: 'Élodie 日本 🎉', status: 'SEEN', statusAt: T(9) }),
      outbound('m3', 7, { channel: 'WHATSAPP', status: 'SENT', validityHours: 2 }),
      outbound('m4', 8, { channel: 'WHATSAPP', validityHours: 1 }),
      outbound('m5', 8, { status: 'REJECTED' }),
      outbound('m6', 9, { status: 'UNDELIVERABLE', text: '' }),
      outbound('m7', 10, { status: 'EXPIRED' }),
      inbound('m8', 11, { statusAt: T(12) }),
    ],
    logs: [{ at: T(1), level: 'INFO', message: 'ran "x"\n' }, { at: T(2), level: 'ERROR', message: 'ünïcödé' }],
    steps: [
      { kind: 'SESSION_START', at: T(0) },
      { kind: 'DIALOG', name: 'Welcome, friend', at: T(3) },
      { kind: 'DIALOG', name: 'NULL', at: T(1) },
      { kind: 'DIALOG', name: 'Late {brace}', at: T(3) },
      { kind: 'SESSION_END', name: 'end', at: T(600) },
    ],
    analysis: {
      outcome: null,
      sentiment: 'NEGATIVE',
      sentimentScore: -0.25,
      summary: 'Asked "where?"\nAnswered\\done\t\b\f',
      topics: [{ name: 'Order status', resolved: true, handleTimeSeconds: 12.5 }, { name: 'Refund', resolved: false }],
      issues: ['Slow', 'Slow', 'Wrong answer', 'Slow'],
    },
    csat: { score: 4, at: T(700) },
  });

  it('a record with every field, escapes, non-ASCII text, repeated issues, every status and dialog ties', () => expectSame(line(full)));

  it('the same record with its keys in another order and whitespace between every token', () => {
    const reversed = (value: unknown): unknown =>
      Array.isArray(value) ? value.map(reversed)
        : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversed(v)])) : value;
    expectSame(JSON.stringify(reversed(full), null, '\t').replace(/\n/g, ' \r'));
  });

  it.each([
    ['the smallest record', interaction('min-1')],
    ['null for every optional field', interaction('null-1', {
      endedAt: null, automation: null, sender: null, customerProfileId: null, escalation: null, messages: null, logs: null, steps: null, analysis: null, csat: null,
    })],
    ['optional fields null inside objects', interaction('null-2', {
      automation: { id: 'j-1', type: 'JOURNEY', name: 'J', automationVersionId: null, versionId: null },
      escalation: { at: T(5), agentId: null },
      messages: [outbound('m1', 0, { text: null, status: null, statusAt: null, validityHours: null })],
      steps: [{ kind: 'SESSION_START', name: null, at: T(1) }],
      analysis: { outcome: null, sentiment: null, sentimentScore: null, summary: null, topics: null, issues: null },
    })],
    ['an empty analysis', interaction('empty-analysis', { analysis: {} })],
    ['topics deciding the outcome: all resolved', interaction('o-1', { analysis: { topics: [{ name: 'a', resolved: true }, { name: 'b', resolved: true }] } })],
    ['topics deciding the outcome: none resolved', interaction('o-2', { analysis: { topics: [{ name: 'a', resolved: false }] } })],
    ['topics deciding the outcome: some resolved', interaction('o-3', { analysis: { topics: [{ name: 'a', resolved: false }, { name: 'b', resolved: true }] } })],
    ['an explicit outcome over topics', interaction('o-4', { analysis: { outcome: 'MIXED', topics: [{ name: 'a', resolved: true }] } })],
    ['first message inbound by time, tied with an outbound one by ID', interaction('e-1', { messages: [outbound('b', 5), inbound('a', 5), inbound('c', 9)] })],
    ['first message outbound by ID among equal times', interaction('e-2', { messages: [inbound('b', 5), outbound('a', 5)] })],
    ['escalation after the end', interaction('a-1', { endedAt: T(10), escalation: { at: T(20) } })],
    ['an open escalated interaction', interaction('a-2', { escalation: { at: T(20) } })],
    ['a NON_CONVERSATIONAL journey run with logs only', interaction('j-1', {
      type: 'NON_CONVERSATIONAL', automation: { id: 'jr', type: 'JOURNEY', name: 'Welcome journey' },
      logs: [{ at: T(0), level: 'WARN', message: 'x' }], steps: [{ kind: 'JOURNEY_ELEMENT', name: 'Send SMS', at: T(0) }],
    })],
    ['an AI agent with tools', interaction('ai-1', {
      automation: { id: 'ai', type: 'AI_AGENT', name: 'Agent' }, steps: [{ kind: 'AI_AGENT_TOOL', name: 'lookup', at: T(2) }],
    })],
  ])('%s', (_name, record) => expectSame(line(record)));

  it.each([
    ['offsets', '2026-10-03T11:00:00+02:00'],
    ['a negative offset across midnight', '2026-12-31T23:30:00-01:00'],
    ['lower-case t and z', '2026-10-03t09:00:00.250z'],
    ['a short fraction', '2026-10-03T09:00:00.5Z'],
    ['a long fraction', '2026-10-03T09:00:00.123999Z'],
    ['whole seconds', '2026-10-03T09:00:00Z'],
    ['a leap day', '2028-02-29T00:00:00Z'],
    ['year 0050', '0050-06-01T00:00:00Z'],
    ['year 1', '0001-01-01T00:00:00Z'],
    ['the last instant', '9999-12-31T23:59:59.999Z'],
  ])('timestamps: %s', (_name, at) => {
    expectSame(line(interaction('t-1', {
      startedAt: at, endedAt: at, escalation: { at }, csat: { score: 1, at },
      messages: [outbound('m1', 0, { sentAt: at, statusAt: at })], logs: [{ at, level: 'INFO', message: 'x' }], steps: [{ kind: 'DIALOG', name: 'd', at }],
    })));
  });

  it.each(['0', '-0', '0.5', '-1', '1', '1e-7', '-2.5E-1', '0.1', '1.0', '12345678901234567890e-20'])('numbers: sentiment score %s', (score) => {
    expectSame(line(interaction('n-1', { analysis: { sentimentScore: 0 } })).replace('"sentimentScore":0', `"sentimentScore":${score}`));
  });

  it.each(['1', '720', '48.0', '4.8e1', '2E2'])('numbers: validity hours %s', (hours) => {
    expectSame(line(interaction('n-2', { messages: [outbound('m1', 0, { validityHours: 9 })] })).replace('"validityHours":9', `"validityHours":${hours}`));
  });

  it('handle times and CSAT scores as JSON spells them', () => {
    expectSame(line(interaction('n-3', { csat: { score: 5, at: T(1) }, analysis: { topics: [{ name: 'x', resolved: true, handleTimeSeconds: 1 }] } }))
      .replace('"score":5', '"score":5.0').replace('"handleTimeSeconds":1', '"handleTimeSeconds":1e9'));
  });

  it('strings at their length limits', () => {
    expectSame(line(interaction('x'.repeat(128), {
      endUserId: 'u'.repeat(128), sender: 's'.repeat(256), channel: 'C'.repeat(64),
      analysis: { summary: 'y'.repeat(100_000), issues: ['i'.repeat(500)], topics: [{ name: 't'.repeat(500), resolved: true }] },
    })));
  });
});

describe('leaves to the reference path', () => {
  it.each([
    ['a late record', line({ record: 'csat', interactionId: 'x', score: 3, at: T(0) })],
    ['a blank line', '   '],
    ['a byte order mark', `\uFEFF${line(interaction('bom'))}`],
    ['malformed JSON', '{"record":"interaction","id":'],
    ['trailing text', `${line(interaction('t'))} x`],
    ['two objects', `${line(interaction('t'))}{}`],
    ['an unknown field', line(interaction('u', { escalaton: { at: T(0) } }))],
    ['an unknown nested field', line(interaction('u', { csat: { score: 1, at: T(0), note: 'x' } }))],
    ['a repeated key', line(interaction('r')).replace('"channel":"SMS"', '"channel":"SMS","channel":"RCS"')],
    ['a \\u escape', line(interaction('é')).replace('é', '\\u00e9')],
    ['an escape in an ID', line(interaction('a"b'))],
    ['an escape in a step name', line(interaction('s', { steps: [{ kind: 'DIALOG', name: 'say "hi"', at: T(0) }] }))],
    ['an escaped slash in a text', line(interaction('s', { messages: [inbound('m', 0, { text: 'x' })] })).replace('"text":"x"', '"text":"a\\/b"')],
    ['a missing id', line(interaction('m', { id: undefined }))],
    ['a null channel', line(interaction('m', { channel: null }))],
    ['an empty ID', line(interaction(''))],
    ['an ID over 128 characters', line(interaction('x'.repeat(129)))],
    ['a channel in lower case', line(interaction('c', { channel: 'sms' }))],
    ['an unknown type', line(interaction('t', { type: 'CHAT' }))],
    ['a timestamp without an offset', line(interaction('t', { startedAt: '2026-10-03T09:00:00' }))],
    ['a date that does not exist', line(interaction('t', { startedAt: '2026-02-30T09:00:00Z' }))],
    ['year 0000', line(interaction('t', { startedAt: '0000-06-01T00:00:00Z' }))],
    ['endedAt before startedAt', line(interaction('t', { endedAt: T(-1) }))],
    ['a number as a string', line(interaction('t', { csat: { score: '4', at: T(0) } }))],
    ['CSAT outside 1..5', line(interaction('t', { csat: { score: 6, at: T(0) } }))],
    ['a fractional CSAT', line(interaction('t', { csat: { score: 4.5, at: T(0) } }))],
    ['a sentiment score outside [-1, 1]', line(interaction('t', { analysis: { sentimentScore: 1.01 } }))],
    ['an infinite handle time', line(interaction('t', { analysis: { topics: [{ name: 'x', resolved: true, handleTimeSeconds: 1 }] } })).replace('"handleTimeSeconds":1', '"handleTimeSeconds":1e999')],
    ['a number with a leading zero', line(interaction('t', { csat: { score: 4, at: T(0) } })).replace('"score":4', '"score":04')],
    ['a number with a plus sign', line(interaction('t', { csat: { score: 4, at: T(0) } })).replace('"score":4', '"score":+4')],
    ['validity hours over 720', line(interaction('t', { messages: [outbound('m', 0, { validityHours: 721 })] }))],
    ['an inbound message with a status', line(interaction('t', { messages: [inbound('m', 0, { status: 'SEEN' })] }))],
    ['an inbound message by the bot', line(interaction('t', { messages: [inbound('m', 0, { author: 'BOT' })] }))],
    ['an outbound message by the end user', line(interaction('t', { messages: [outbound('m', 0, { author: 'END_USER' })] }))],
    ['repeated message IDs', line(interaction('t', { messages: [inbound('m', 0), outbound('m', 1)] }))],
    ['repeated message IDs among many', line(interaction('t', { messages: [...Array.from({ length: 20 }, (_, i) => inbound(`m${i}`, i)), inbound('m3', 30)] }))],
    ['a repeated topic', line(interaction('t', { analysis: { topics: [{ name: 'a', resolved: true }, { name: 'a', resolved: false }] } }))],
    ['a dialog without a name', line(interaction('t', { steps: [{ kind: 'DIALOG', at: T(0) }] }))],
    ['an empty step name', line(interaction('t', { steps: [{ kind: 'SESSION_START', name: '', at: T(0) }] }))],
    ['an empty sender', line(interaction('t', { sender: '' }))],
    ['an empty log message', line(interaction('t', { logs: [{ at: T(0), level: 'INFO', message: '' }] }))],
    ['an empty issue', line(interaction('t', { analysis: { issues: [''] } }))],
    ['an issue that is not a string', line(interaction('t', { analysis: { issues: [1] } }))],
    ['messages that are not a list', line(interaction('t', { messages: {} }))],
    ['an automation without a name', line(interaction('t', { automation: { id: 'a', type: 'CHATBOT' } }))],
    ['a record that is a list', '[1,2]'],
    ['true for an object', line(interaction('t', { escalation: true }))],
  ])('%s', (_name, text) => {
    expectLeft(text);
  });

  it('invalid UTF-8 (which the reference path reads as U+FFFD)', () => {
    const [head, tail] = line(interaction('bad-utf8', { messages: [inbound('m', 0, { text: 'AB' })] })).split('AB');
    expectLeft(Buffer.concat([Buffer.from(head!), Buffer.from([0xc3, 0x28]), Buffer.from(tail!)]));
    expectLeft(Buffer.concat([Buffer.from(head!), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from(tail!)]));
  });

  it('a raw control character inside a string', () => {
    expectLeft(line(interaction('t', { messages: [inbound('m', 0, { text: 'AB' })] })).replace('AB', 'A\u0001B'));
  });
});

/** A small deterministic generator (mulberry32). */
function random(seed: number) {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

it('never takes a line the reference path rejects, and encodes every one it takes the same, over 30,000 random mutations of valid lines', () => {
  const next = random(42 + PROPERTY_SEED);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const lines = [...demoRecords({ interactions: 300, days: 3, seed: 5 + PROPERTY_SEED, end: new Date('2026-11-01T00:00:00Z') })]
    .filter((r) => r.record === 'interaction').map((r) => Buffer.from(JSON.stringify(r)));
  const pieces = ['"', '\\', '\\"', '\\n', '\\u0041', ' ', '\t', ',', ':', '{', '}', '[', ']', 'null', 'true', '0', '-', '.', 'e', '9', 'Z', '+', 'é', '\u0000', 'T', ''].map((p) => Buffer.from(p));
  let taken = 0;
  for (let n = 0; n < 30_000; n++) {
    const original = pick(lines);
    let bytes = original;
    for (let edits = 1 + Math.floor(next() * 3); edits > 0; edits--) {
      // Half the edits open a string value (after `":"`), where most of them keep the record valid.
      const valueStarts = [...bytes.toString('latin1').matchAll(/":"/g)].map((m) => m.index! + 3);
      const at = next() < 0.5 ? pick(valueStarts) : Math.floor(next() * bytes.length);
      const cut = next() < 0.5 ? Math.floor(next() * 3) : 0;
      bytes = Buffer.concat([bytes.subarray(0, at), next() < 0.7 ? pick(pieces) : Buffer.from([Math.floor(next() * 256)]), bytes.subarray(at + cut)]);
    }
    const file = inFile(bytes);
    const got = fast(file);
    if (got === null) continue;
    taken++;
    const expected = reference(file);
    if (expected === null || JSON.stringify(got) !== JSON.stringify(expected)) {
      // Shows the line; toEqual then shows the difference.
      expect({ line: bytes.toString('latin1'), got }).toEqual({ line: bytes.toString('latin1'), got: expected });
    }
  }
  // Mutations inside texts, names and IDs leave valid records: the comparison covered those.
  expect(taken).toBeGreaterThan(2000);
});

describe('applies CSAT answers and delivery reports of its batch as the reference path does (scanPatched)', () => {
  type Patch = { record: 'csat'; score: number; at: number } | { record: 'messageStatus'; messageId: string; status: string; at: number };

  /** The reference: the record parsed and checked, each late record applied by applyLateRecord (its rejection noted), then encoded. */
  function referencePatched(bytes: Buffer, patches: Patch[]) {
    const state = validateRecord(JSON.parse(bytes.toString('utf8'))) as InteractionRecord;
    const problems = patches.map((patch) => {
      try {
        applyLateRecord(state, validateRecord({ ...patch, interactionId: state.id, at: T(patch.at) }) as LateRecord);
        return null;
      } catch (error) {
        if (!(error instanceof FieldError)) throw error;
        return `${error.path}: ${error.message}`;
      }
    });
    const { lines, ...counts } = encodeInteraction(state, new BatchMemory());
    return { lines: lines.toString('latin1'), counts, problems };
  }

  function fastPatched(bytes: Buffer, patches: Patch[]) {
    const id = JSON.parse(bytes.toString('utf8')).id;
    const late = patches.map((patch) => validateRecord({ ...patch, interactionId: id, at: T(patch.at) }) as ScannerPatch);
    const { encoded: { lines, ...counts }, problems } = scanPatched(bytes, 0, bytes.length, late, new BatchMemory());
    return { lines: lines.toString('latin1'), counts, problems: problems.map((p) => p && `${p.path}: ${p.message}`) };
  }

  function expectSamePatched(record: Json, patches: Patch[]) {
    const bytes = inFile(line(record));
    const expected = referencePatched(bytes, patches);
    expect(fastPatched(bytes, patches)).toEqual(expected);
    return expected;
  }

  const chat = interaction('p-1', {
    messages: [
      inbound('m1', 0),
      outbound('m2', 5, { status: 'DELIVERED', statusAt: T(9) }),
      outbound('m3', 7),
      outbound('mé', 8, { channel: 'SMS', status: 'SENT', statusAt: T(8), text: 'Ünïcode' }),
    ],
    analysis: { outcome: null, sentiment: 'POSITIVE', sentimentScore: 0.5, summary: null, topics: [{ name: 'Billing', resolved: true }], issues: [] },
  });

  it('a CSAT answer on an interaction without one, then a second that replaces it (the topic rows carry the score)', () => {
    const { lines } = expectSamePatched(chat, [{ record: 'csat', score: 2, at: 60 }, { record: 'csat', score: 5, at: 50 }]);
    // The interaction row's CSAT score and time in binary COPY: an int2 field of 5, then a
    // timestamptz field of microseconds since 2000-01-01 UTC.
    const at = Buffer.alloc(12);
    at.writeInt32BE(8);
    at.writeBigInt64BE((BigInt(Date.parse(T(50))) - BigInt(Date.UTC(2000, 0, 1))) * 1000n, 4);
    expect(lines).toContain(Buffer.concat([Buffer.from([0, 0, 0, 2, 0, 5]), at]).toString('latin1'));
  });

  it('reports later, equal and earlier than the status they meet; one on a message without a status; one on a non-ASCII ID', () => {
    expectSamePatched(chat, [
      { record: 'messageStatus', messageId: 'm2', status: 'SEEN', at: 20 },
      { record: 'messageStatus', messageId: 'm2', status: 'REJECTED', at: 20 },
      { record: 'messageStatus', messageId: 'm2', status: 'DELIVERED', at: 10 },
      { record: 'messageStatus', messageId: 'm3', status: 'EXPIRED', at: 1 },
      { record: 'messageStatus', messageId: 'mé', status: 'UNDELIVERABLE', at: 30 },
    ]);
  });

  it('rejects a report for a message the interaction does not have, or for an inbound one, and still applies the others', () => {
    const { problems } = expectSamePatched(chat, [
      { record: 'messageStatus', messageId: 'm9', status: 'SEEN', at: 20 },
      { record: 'csat', score: 3, at: 60 },
      { record: 'messageStatus', messageId: 'm1', status: 'SEEN', at: 20 },
      { record: 'messageStatus', messageId: 'm3', status: 'SEEN', at: 20 },
    ]);
    expect(problems).toEqual([
      'messageId: interaction "p-1" has no message "m9"',
      null,
      'messageId: message "m1" is inbound; delivery reports apply to outbound messages',
      null,
    ]);
  });

  it('random late records on the demo data', () => {
    const next = random(7 + PROPERTY_SEED);
    const statuses = ['SENT', 'DELIVERED', 'SEEN', 'REJECTED', 'UNDELIVERABLE', 'EXPIRED', 'PENDING'];
    let compared = 0;
    for (const record of demoRecords({ interactions: 400, days: 2, seed: 3 + PROPERTY_SEED, end: new Date('2026-11-01T00:00:00Z') })) {
      if (record.record !== 'interaction') continue;
      const messageIds = ((record as { messages?: Array<{ id: string }> }).messages ?? []).map((m) => m.id);
      const start = Date.parse(String((record as { startedAt: string }).startedAt)) - Date.parse(T(0));
      const patches: Patch[] = Array.from({ length: Math.floor(next() * 4) }, (): Patch => {
        const at = Math.round(start / 1000 + (next() - 0.3) * 7200);
        if (next() < 0.3) return { record: 'csat', score: 1 + Math.floor(next() * 5), at };
        const messageId = next() < 0.9 && messageIds.length > 0 ? messageIds[Math.floor(next() * messageIds.length)]! : 'missing';
        return { record: 'messageStatus', messageId, status: statuses[Math.floor(next() * statuses.length)]!, at };
      });
      expectSamePatched(record as Json, patches);
      compared++;
    }
    expect(compared).toBe(400);
  });
});

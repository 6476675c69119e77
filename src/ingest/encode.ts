import type { BatchMemory } from '../common/bufferPool';
import { BinaryWriter, TEXT_OID } from '../common/copyRows';
import { storedLogs, storedMessages } from '../interactions/transcriptRows';
import { deriveInteraction } from './derive';
import type { InteractionRecord } from './records';

/**
 * An interaction's rows as binary COPY rows (common/copyRows.ts), without the internal IDs, which
 * are only known when it is written (write.ts puts them first). Bulk loads encode an interaction
 * record as soon as it has passed its checks and keep only these bytes until its batch is written:
 * the parsed and checked objects (about 3.5 kB and sixty objects per demo interaction) then die
 * young, where living as long as their batch they were copied by every young-generation collection
 * and then promoted. One buffer per interaction: its bytes live outside the JavaScript heap.
 */
export interface EncodedInteraction {
  /**
   * The rows, each its byte length (int32) and then its fields, in this order: the interaction
   * (INTERACTION_COLUMNS, after its own, its automation's and its end user's internal IDs), its
   * transcript (TRANSCRIPT_COLUMNS, after its ID), then its channel, topic and issue rows, each
   * after its own and its automation's internal IDs (FILTER_COLUMNS carry the automation).
   */
  lines: Buffer;
  /** How many channel and topic rows there are; the remaining rows are issues. */
  channels: number;
  topics: number;
}

/**
 * The interaction's columns as encoded. The step kinds come first: an enum array, whose element
 * type CopyRows writes (it differs from database to database), at a place it can find.
 */
export const INTERACTION_COLUMNS = [
  'stepKinds', 'externalId', 'type', 'startedAt', 'endedAt', 'automationVersionId', 'versionId', 'sender',
  'channel', 'customerProfileId', 'escalatedAt', 'escalationAgentId', 'csatScore', 'csatAt', 'hasAnalysis',
  'analysisOutcome', 'sentiment', 'sentimentScore', 'summary', 'automationType', 'outcome', 'escalated',
  'engaged', 'inboundCount', 'outboundCount', 'durationSeconds', 'agentSeconds', 'topicCount', 'resolvedTopics',
  'stepNames', 'stepAts', 'firstDialog', 'lastDialog',
];

/** The interaction's filter columns that its summary rows copy so that figures over them need no join (the automation is an ID, written first). */
const FILTER_COLUMNS = ['startedAt', 'automationVersionId', 'versionId', 'sender'];

export const TRANSCRIPT_COLUMNS = ['messages', 'logs'];
export const CHANNEL_COLUMNS = [
  'channel', 'inbound', 'outbound', 'delivered', 'rejected', 'undeliverable', 'expired', 'pending',
  'pendingExpiries', 'pendingExpiresMin', 'pendingExpiresMax', ...FILTER_COLUMNS,
];
export const TOPIC_COLUMNS = ['name', 'resolved', 'handleTimeSeconds', 'seq', ...FILTER_COLUMNS, 'type', 'escalated', 'outcome', 'sentimentScore', 'csatScore'];
export const ISSUE_COLUMNS = ['issue', 'seq', ...FILTER_COLUMNS, 'escalated', 'outcome'];

const ms = (instant: Date | null | undefined) => (instant ? instant.getTime() : null);

const writer = new BinaryWriter();

/** The rows of an interaction in its final state (derived columns computed here: derive.ts), in the column types of its tables. */
export function encodeInteraction(s: InteractionRecord, memory: BatchMemory): EncodedInteraction {
  const d = deriveInteraction(s);
  const a = s.analysis;
  const w = writer;
  const automation = s.automation;
  const filters = () => {
    w.timestamptz(s.startedAt.getTime());
    w.text(automation?.automationVersionId ?? null);
    w.text(automation?.versionId ?? null);
    w.text(s.sender);
  };

  let row = w.open();
  if (s.steps.length === 0) w.null();
  else {
    const at = w.openArray(0, s.steps.length, false);
    for (const step of s.steps) w.text(step.kind);
    w.close(at);
  }
  w.text(s.id); w.text(s.type); w.timestamptz(s.startedAt.getTime()); w.timestamptz(ms(s.endedAt));
  w.text(automation?.automationVersionId ?? null); w.text(automation?.versionId ?? null); w.text(s.sender);
  w.text(s.channel); w.text(s.customerProfileId); w.timestamptz(ms(s.escalation?.at)); w.text(s.escalation?.agentId ?? null);
  w.int2(s.csat?.score ?? null); w.timestamptz(ms(s.csat?.at)); w.bool(a !== null);
  w.text(a?.outcome ?? null); w.text(a?.sentiment ?? null); w.float8(a?.sentimentScore ?? null); w.text(a?.summary ?? null);
  w.text(automation?.type ?? null); w.text(d.outcome); w.bool(d.escalated);
  w.bool(d.engaged); w.int4(d.inboundCount); w.int4(d.outboundCount); w.float8(d.durationSeconds); w.float8(d.agentSeconds);
  w.int4(d.topicCount); w.int4(d.resolvedTopics);
  if (s.steps.length === 0) (w.null(), w.null());
  else {
    let at = w.openArray(TEXT_OID, s.steps.length, s.steps.some((step) => step.name === null));
    for (const step of s.steps) w.text(step.name);
    w.close(at);
    w.timestamptzArray(s.steps.map((step) => step.at.getTime()));
  }
  w.int4(d.firstDialog); w.int4(d.lastDialog);
  w.close(row);

  row = w.open();
  w.text(storedMessages(s.messages)); w.text(storedLogs(s.logs));
  w.close(row);

  for (const c of d.channels) {
    row = w.open();
    w.text(c.channel);
    for (const count of [c.inbound, c.outbound, c.delivered, c.rejected, c.undeliverable, c.expired, c.pending]) w.int4(count);
    const expiries = c.pendingExpiries.map((e) => e.getTime());
    w.timestamptzArray(expiries); w.timestamptz(expiries[0] ?? null); w.timestamptz(expiries.at(-1) ?? null);
    filters();
    w.close(row);
  }
  const topics = a?.topics ?? [];
  topics.forEach((t, seq) => {
    row = w.open();
    w.text(t.name); w.bool(t.resolved); w.float8(t.handleTimeSeconds); w.int4(seq);
    filters();
    w.text(s.type); w.bool(d.escalated); w.text(d.outcome); w.float8(a!.sentimentScore); w.int2(s.csat?.score ?? null);
    w.close(row);
  });
  (a?.issues ?? []).forEach((issue, seq) => {
    row = w.open();
    w.text(issue); w.int4(seq);
    filters();
    w.bool(d.escalated); w.text(d.outcome);
    w.close(row);
  });
  return { lines: w.take(memory), channels: d.channels.length, topics: topics.length };
}

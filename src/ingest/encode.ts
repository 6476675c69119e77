import { copyLine } from '../common/copyRows';
import { storedLogs, storedMessages } from '../interactions/transcriptRows';
import { deriveInteraction } from './derive';
import type { InteractionRecord } from './records';

/**
 * An interaction's rows as lines of COPY text, without the internal IDs, which are only known when
 * it is written (write.ts puts them first). Bulk loads encode an interaction record as soon as it
 * has passed its checks and keep only these bytes until its batch is written: the parsed and
 * checked objects (about 3.5 kB and sixty objects per demo interaction) then die young, where
 * living as long as their batch they were copied by every young-generation collection and then
 * promoted. One buffer per interaction: its bytes live outside the JavaScript heap.
 */
export interface EncodedInteraction {
  /**
   * The rows in UTF-8, each line ending in \n (COPY text escapes line breaks in values), in this
   * order: the interaction (INTERACTION_COLUMNS, after its own, its automation's and its end user's
   * internal IDs), its transcript (TRANSCRIPT_COLUMNS, after its ID), then its channel, topic and
   * issue lines, each after its own and its automation's internal IDs (FILTER_COLUMNS carry the
   * automation).
   */
  lines: Buffer;
  /** How many channel and topic lines there are; the remaining lines are issues. */
  channels: number;
  topics: number;
}

export const INTERACTION_COLUMNS = [
  'externalId', 'type', 'startedAt', 'endedAt', 'automationVersionId', 'versionId', 'sender',
  'channel', 'customerProfileId', 'escalatedAt', 'escalationAgentId', 'csatScore', 'csatAt', 'hasAnalysis',
  'analysisOutcome', 'sentiment', 'sentimentScore', 'summary', 'automationType', 'outcome', 'escalated',
  'engaged', 'inboundCount', 'outboundCount', 'durationSeconds', 'agentSeconds', 'topicCount', 'resolvedTopics',
  'stepKinds', 'stepNames', 'stepAts', 'firstDialog', 'lastDialog',
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

/** The rows of an interaction in its final state (derived columns computed here: derive.ts). */
export function encodeInteraction(s: InteractionRecord): EncodedInteraction {
  const d = deriveInteraction(s);
  const a = s.analysis;
  const steps = s.steps.length > 0 ? s.steps : null;
  let lines = copyLine([
    s.id, s.type, s.startedAt, s.endedAt, s.automation?.automationVersionId ?? null, s.automation?.versionId ?? null, s.sender,
    s.channel, s.customerProfileId, s.escalation?.at ?? null, s.escalation?.agentId ?? null, s.csat?.score ?? null, s.csat?.at ?? null, a !== null,
    a?.outcome ?? null, a?.sentiment ?? null, a?.sentimentScore ?? null, a?.summary ?? null, s.automation?.type ?? null, d.outcome, d.escalated,
    d.engaged, d.inboundCount, d.outboundCount, d.durationSeconds, d.agentSeconds, d.topicCount, d.resolvedTopics,
    steps?.map((st) => st.kind) ?? null, steps?.map((st) => st.name) ?? null, steps?.map((st) => st.at) ?? null, d.firstDialog, d.lastDialog,
  ]);
  lines += `\n${copyLine([storedMessages(s.messages), storedLogs(s.logs)])}\n`;
  const filters = copyLine([s.startedAt, s.automation?.automationVersionId ?? null, s.automation?.versionId ?? null, s.sender]);
  for (const c of d.channels) {
    const expiries = c.pendingExpiries;
    const counts = [c.channel, c.inbound, c.outbound, c.delivered, c.rejected, c.undeliverable, c.expired, c.pending];
    lines += `${copyLine([...counts, expiries, expiries[0] ?? null, expiries.at(-1) ?? null])}\t${filters}\n`;
  }
  const topics = a?.topics ?? [];
  topics.forEach((t, seq) => {
    lines += `${copyLine([t.name, t.resolved, t.handleTimeSeconds, seq])}\t${filters}\t${copyLine([s.type, d.escalated, d.outcome, a!.sentimentScore, s.csat?.score ?? null])}\n`;
  });
  (a?.issues ?? []).forEach((issue, seq) => {
    lines += `${copyLine([issue, seq])}\t${filters}\t${copyLine([d.escalated, d.outcome])}\n`;
  });
  return { lines: Buffer.from(lines), channels: d.channels.length, topics: topics.length };
}

import { MessageDirection, MessageStatus, Outcome, StepKind } from '../generated/prisma/enums';
import type { AnalysisRecord, InteractionRecord } from './records';

/**
 * Everything metrics.md derives from one interaction's own records, computed once when the
 * interaction is stored (and again when a late record changes it), so queries only aggregate.
 */
export interface DerivedInteraction {
  escalated: boolean;
  outcome: Outcome | null;
  engaged: boolean;
  inboundCount: number;
  outboundCount: number;
  durationSeconds: number | null;
  agentSeconds: number | null;
  topicCount: number;
  resolvedTopics: number;
  channels: ChannelSummary[];
  /** Positions (from 1) of the first and last dialog step by time, ties by record order; null without dialogs. */
  firstDialog: number | null;
  lastDialog: number | null;
}

export interface ChannelSummary {
  channel: string;
  inbound: number;
  outbound: number;
  delivered: number;
  rejected: number;
  undeliverable: number;
  expired: number;
  pending: number;
  /** sentAt + validityHours of each PENDING or SENT message, ascending. */
  pendingExpiries: Date[];
}

/** The analysis outcome when given; otherwise from topic resolution; otherwise unclassified (null). */
export function effectiveOutcome(analysis: AnalysisRecord | null): Outcome | null {
  if (!analysis) return null;
  if (analysis.outcome) return analysis.outcome;
  const topics = analysis.topics.length;
  if (topics === 0) return null;
  const resolved = analysis.topics.filter((topic) => topic.resolved).length;
  if (resolved === topics) return Outcome.SUCCESSFUL;
  if (resolved === 0) return Outcome.UNSUCCESSFUL;
  return Outcome.MIXED;
}

/**
 * Engaged: the end user sent an inbound message beyond the one that opened the interaction —
 * at least 2 inbound messages when the earliest message (by sentAt, then ID) is inbound, at
 * least 1 otherwise.
 */
export function isEngaged(messages: InteractionRecord['messages']): boolean {
  let inbound = 0;
  let first: InteractionRecord['messages'][number] | undefined;
  // getTime, not < on the Dates: comparing Dates converts both through valueOf on every call.
  let firstAt = 0;
  for (const message of messages) {
    if (message.direction === MessageDirection.INBOUND) inbound++;
    const at = message.sentAt.getTime();
    if (!first || at < firstAt || (at === firstAt && message.id < first.id)) (first = message), (firstAt = at);
  }
  if (!first) return false;
  return inbound >= (first.direction === MessageDirection.INBOUND ? 2 : 1);
}

const seconds = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 1000;

/** The funnels' starting and ending dialogs (metrics.md): the earliest and latest DIALOG step, ties by record order. */
function dialogEnds(steps: InteractionRecord['steps']): { firstDialog: number | null; lastDialog: number | null } {
  let first = -1;
  let last = -1;
  steps.forEach((step, i) => {
    if (step.kind !== StepKind.DIALOG) return;
    const at = step.at.getTime();
    if (first < 0 || at < steps[first]!.at.getTime()) first = i;
    if (last < 0 || at >= steps[last]!.at.getTime()) last = i;
  });
  return { firstDialog: first < 0 ? null : first + 1, lastDialog: last < 0 ? null : last + 1 };
}

export function deriveInteraction(interaction: InteractionRecord): DerivedInteraction {
  const channels = new Map<string, ChannelSummary>();
  let inboundCount = 0;
  for (const message of interaction.messages) {
    let summary = channels.get(message.channel);
    if (!summary) {
      summary = { channel: message.channel, inbound: 0, outbound: 0, delivered: 0, rejected: 0, undeliverable: 0, expired: 0, pending: 0, pendingExpiries: [] };
      channels.set(message.channel, summary);
    }
    if (message.direction === MessageDirection.INBOUND) {
      inboundCount++;
      summary.inbound++;
      continue;
    }
    summary.outbound++;
    switch (message.status) {
      case MessageStatus.DELIVERED:
      case MessageStatus.SEEN:
        summary.delivered++;
        break;
      case MessageStatus.REJECTED:
        summary.rejected++;
        break;
      case MessageStatus.UNDELIVERABLE:
        summary.undeliverable++;
        break;
      case MessageStatus.EXPIRED:
        summary.expired++;
        break;
      default:
        summary.pending++;
        summary.pendingExpiries.push(new Date(message.sentAt.getTime() + message.validityHours * 3_600_000));
    }
  }
  const { endedAt, escalation, analysis } = interaction;
  const topics = analysis?.topics ?? [];
  return {
    escalated: escalation !== null,
    outcome: effectiveOutcome(analysis),
    engaged: isEngaged(interaction.messages),
    inboundCount,
    outboundCount: interaction.messages.length - inboundCount,
    durationSeconds: endedAt ? seconds(interaction.startedAt, endedAt) : null,
    // Agent time runs from the takeover to the end; a takeover stamped after the end counts as 0.
    agentSeconds: escalation && endedAt ? Math.max(0, seconds(escalation.at, endedAt)) : null,
    topicCount: topics.length,
    resolvedTopics: topics.filter((topic) => topic.resolved).length,
    channels: [...channels.values()].map((c) => ({ ...c, pendingExpiries: c.pendingExpiries.sort((a, b) => a.getTime() - b.getTime()) })),
    ...dialogEnds(interaction.steps),
  };
}

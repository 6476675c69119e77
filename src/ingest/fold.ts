import { MessageDirection } from '../generated/prisma/enums';
import type { InteractionRecord, LateRecord, MessageStatusRecord } from './records';
import { FieldError } from './fieldReader';

/**
 * An interaction as it will be written: the latest `interaction` record with the late records
 * after it applied. `stored` is set when the state was read back from the database (a late record
 * for an interaction of an earlier batch); its automation and end user are then kept as stored,
 * so that re-writing it never renames an automation with an older name.
 */
export interface InteractionState extends InteractionRecord {
  stored?: { id: number; automationId: number | null; endUserId: number };
}

/** Applies one late record to the state of its interaction (ingest.md merge rules). */
export function applyLateRecord(state: InteractionState, record: LateRecord): void {
  switch (record.record) {
    case 'csat':
      // A survey answer replaces any earlier one.
      state.csat = { score: record.score, at: record.at };
      return;
    case 'analysis': {
      const { record: _kind, interactionId: _id, ...analysis } = record;
      // An analysis replaces the whole earlier analysis.
      state.analysis = analysis;
      return;
    }
    case 'messageStatus': {
      const message = state.messages.find((m) => m.id === record.messageId);
      const problem = deliveryReportProblem(record, message?.direction);
      if (problem) throw problem;
      if (message && reportReplaces(record, message.statusAt?.getTime() ?? null)) {
        message.status = record.status;
        message.statusAt = record.at;
      }
      return;
    }
  }
}

/**
 * Why a delivery report cannot apply to its message (ingest.md), or null when it can: the
 * interaction has no message with its ID (`direction` undefined), or that message is inbound.
 * The import's fast path applies reports by these rules too (scanInteraction.ts: scanPatched).
 */
export function deliveryReportProblem(record: MessageStatusRecord, direction: MessageDirection | undefined): FieldError | null {
  if (direction === undefined) return new FieldError('messageId', `interaction "${record.interactionId}" has no message "${record.messageId}"`);
  if (direction !== MessageDirection.OUTBOUND) {
    return new FieldError('messageId', `message "${record.messageId}" is inbound; delivery reports apply to outbound messages`);
  }
  return null;
}

/** Whether a delivery report replaces a message's status stamped `statusAt` (epoch ms): the latest time wins, and a status without a time takes any report. */
export function reportReplaces(record: MessageStatusRecord, statusAt: number | null): boolean {
  return statusAt === null || record.at.getTime() >= statusAt;
}

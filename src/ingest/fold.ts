import type { InteractionRecord, LateRecord } from './records';
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
      if (!message) {
        throw new FieldError('messageId', `interaction "${record.interactionId}" has no message "${record.messageId}"`);
      }
      if (message.direction !== 'OUTBOUND') {
        throw new FieldError('messageId', `message "${record.messageId}" is inbound; delivery reports apply to outbound messages`);
      }
      // The status with the latest time wins; a message stored without statusAt takes any report.
      if (message.statusAt && record.at < message.statusAt) return;
      message.status = record.status;
      message.statusAt = record.at;
      return;
    }
  }
}

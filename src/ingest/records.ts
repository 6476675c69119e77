import type {
  AutomationType,
  InteractionType,
  LogLevel,
  MessageAuthor,
  MessageDirection,
  MessageStatus,
  Outcome,
  Sentiment,
  StepKind,
} from '../generated/prisma/enums';

/** Records as ingest.md defines them, after validation (timestamps parsed to Dates). */

export interface MessageRecord {
  id: string;
  direction: MessageDirection;
  author: MessageAuthor;
  channel: string;
  sentAt: Date;
  text: string | null;
  /** null for inbound messages; an outbound message without a status is PENDING. */
  status: MessageStatus | null;
  statusAt: Date | null;
  validityHours: number;
}

export interface LogRecord {
  at: Date;
  level: LogLevel;
  message: string;
}

export interface StepRecord {
  kind: StepKind;
  name: string | null;
  at: Date;
}

export interface TopicRecord {
  name: string;
  resolved: boolean;
  handleTimeSeconds: number | null;
}

export interface AnalysisRecord {
  outcome: Outcome | null;
  sentiment: Sentiment | null;
  sentimentScore: number | null;
  summary: string | null;
  topics: TopicRecord[];
  /** Distinct, in first-seen order. */
  issues: string[];
}

export interface CsatRecord {
  score: number;
  at: Date;
}

export interface AutomationRef {
  id: string;
  type: AutomationType;
  name: string;
  automationVersionId: string | null;
  versionId: string | null;
}

export interface InteractionRecord {
  record: 'interaction';
  id: string;
  type: InteractionType;
  startedAt: Date;
  endedAt: Date | null;
  automation: AutomationRef | null;
  sender: string | null;
  channel: string;
  endUserId: string;
  customerProfileId: string | null;
  escalation: { at: Date; agentId: string | null } | null;
  messages: MessageRecord[];
  logs: LogRecord[];
  steps: StepRecord[];
  analysis: AnalysisRecord | null;
  csat: CsatRecord | null;
}

export interface MessageStatusRecord {
  record: 'messageStatus';
  interactionId: string;
  messageId: string;
  status: MessageStatus;
  at: Date;
}

export interface CsatLateRecord extends CsatRecord {
  record: 'csat';
  interactionId: string;
}

export interface AnalysisLateRecord extends AnalysisRecord {
  record: 'analysis';
  interactionId: string;
}

export type IngestRecord = InteractionRecord | MessageStatusRecord | CsatLateRecord | AnalysisLateRecord;
export type LateRecord = MessageStatusRecord | CsatLateRecord | AnalysisLateRecord;

/** Why a record was not stored: where it was, which field, and a one-line reason. */
export interface Rejection {
  /** Position of the record: list index (GraphQL) or line number (import). */
  index: number;
  /** The field, e.g. `messages[2].sentAt`; null when the record as a whole is at fault. */
  path: string | null;
  reason: string;
}

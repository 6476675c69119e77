import { CHANNEL_CODE } from '../common/formats';
import {
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
import { checkText, FieldError, FieldReader, MAX_LENGTH, type Path } from './fieldReader';
import type {
  AnalysisRecord,
  IngestRecord,
  InteractionRecord,
  MessageRecord,
  StepRecord,
} from './records';

const values = <T extends Record<string, string>>(e: T) => Object.freeze(Object.values(e)) as ReadonlyArray<T[keyof T]>;

/** The values each enum field takes (the import's fast path, scanInteraction.ts, reads them by these lists too). */
export const ENUM_VALUES = {
  direction: values(MessageDirection),
  author: values(MessageAuthor),
  status: values(MessageStatus),
  stepKind: values(StepKind),
  outcome: values(Outcome),
  sentiment: values(Sentiment),
  interactionType: values(InteractionType),
  automationType: values(AutomationType),
  logLevel: values(LogLevel),
};
const RECORD_KINDS = ['interaction', 'messageStatus', 'csat', 'analysis'] as const;
const CHANNEL = { max: MAX_LENGTH.channel, pattern: CHANNEL_CODE, patternHint: 'must be a channel code of upper-case letters, digits and _' };
/** Step kinds whose steps must have a name. */
export const NAMED_STEPS: ReadonlySet<string> = new Set([StepKind.JOURNEY_ELEMENT, StepKind.DIALOG, StepKind.AI_AGENT_TOOL]);
const TEXT_MAX = MAX_LENGTH.text;
const NAME_MAX = MAX_LENGTH.name;

/**
 * The fields each object of a record may have; any other is rejected. The import's fast path
 * (scanInteraction.ts) reads interaction records by these lists too.
 */
export const FIELDS_OF = {
  interaction: [
    'record', 'id', 'type', 'startedAt', 'endedAt', 'automation', 'sender', 'channel', 'endUserId',
    'customerProfileId', 'escalation', 'messages', 'logs', 'steps', 'analysis', 'csat',
  ],
  automation: ['id', 'type', 'name', 'automationVersionId', 'versionId'],
  escalation: ['at', 'agentId'],
  message: ['id', 'direction', 'author', 'channel', 'sentAt', 'text', 'status', 'statusAt', 'validityHours'],
  log: ['at', 'level', 'message'],
  step: ['kind', 'name', 'at'],
  analysis: ['outcome', 'sentiment', 'sentimentScore', 'summary', 'topics', 'issues'],
  topic: ['name', 'resolved', 'handleTimeSeconds'],
  csat: ['score', 'at'],
} as const;

function message(value: unknown, path: Path): MessageRecord {
  const r = FieldReader.of(value, path, FIELDS_OF.message);
  const direction = r.enumValue('direction', ENUM_VALUES.direction);
  const author = r.enumValue('author', ENUM_VALUES.author);
  if (direction === MessageDirection.INBOUND && author !== MessageAuthor.END_USER) {
    throw new FieldError(r.path('author'), `must be END_USER for an INBOUND message (inbound messages are written by the end user), got "${author}"`);
  }
  if (direction === MessageDirection.OUTBOUND && author === MessageAuthor.END_USER) {
    throw new FieldError(r.path('author'), 'must be BOT, AGENT or SYSTEM for an OUTBOUND message, got "END_USER"');
  }
  const status = r.optionalEnum('status', ENUM_VALUES.status);
  if (status !== null && direction === MessageDirection.INBOUND) {
    throw new FieldError(r.path('status'), 'applies to outbound messages only');
  }
  return {
    id: r.id('id'),
    direction,
    author,
    channel: r.string('channel', CHANNEL),
    sentAt: r.timestamp('sentAt'),
    text: r.optionalString('text', { max: TEXT_MAX, allowEmpty: true }),
    status: direction === MessageDirection.OUTBOUND ? (status ?? MessageStatus.PENDING) : null,
    statusAt: r.optionalTimestamp('statusAt'),
    validityHours: r.optionalInteger('validityHours', 1, 720) ?? 48,
  };
}

function step(value: unknown, path: Path): StepRecord {
  const r = FieldReader.of(value, path, FIELDS_OF.step);
  const kind = r.enumValue('kind', ENUM_VALUES.stepKind);
  return {
    kind,
    name: NAMED_STEPS.has(kind) ? r.string('name', { max: NAME_MAX }) : r.optionalString('name', { max: NAME_MAX }),
    at: r.timestamp('at'),
  };
}

/** The analysis fields, shared by the `analysis` record and an interaction's `analysis` object. */
function analysisFields(r: FieldReader): AnalysisRecord {
  const topicNames = new Map<string, number>();
  const topics = r.list('topics', (element, path, i) => {
    const t = FieldReader.of(element, path, FIELDS_OF.topic);
    const name = t.string('name', { max: NAME_MAX });
    const first = topicNames.get(name);
    if (first !== undefined) throw new FieldError(t.path('name'), `"${name}" appears twice (first at topics[${first}]); a topic may appear once per analysis`);
    topicNames.set(name, i);
    return { name, resolved: t.boolean('resolved'), handleTimeSeconds: t.optionalNumber('handleTimeSeconds', 0, 1e9) };
  });
  const issues = r.list('issues', (element, path) => {
    if (typeof element !== 'string' || element.length === 0) throw new FieldError(path(), 'must be a non-empty string');
    if (element.length > NAME_MAX) throw new FieldError(path(), `must be at most ${NAME_MAX} characters`);
    checkText(path, element);
    return element;
  });
  return {
    outcome: r.optionalEnum('outcome', ENUM_VALUES.outcome),
    sentiment: r.optionalEnum('sentiment', ENUM_VALUES.sentiment),
    sentimentScore: r.optionalNumber('sentimentScore', -1, 1),
    summary: r.optionalString('summary', { max: TEXT_MAX, allowEmpty: true }),
    topics,
    // A repeated issue counts once (ingest.md).
    issues: [...new Set(issues)],
  };
}

function interaction(r: FieldReader): InteractionRecord {
  const startedAt = r.timestamp('startedAt');
  const endedAt = r.optionalTimestamp('endedAt');
  if (endedAt && endedAt < startedAt) throw new FieldError('endedAt', 'must not be before startedAt');

  let automation: InteractionRecord['automation'] = null;
  if (r.has('automation')) {
    const a = FieldReader.of(r.raw('automation'), 'automation', FIELDS_OF.automation);
    automation = {
      id: a.id('id'),
      type: a.enumValue('type', ENUM_VALUES.automationType),
      name: a.string('name', { max: NAME_MAX }),
      automationVersionId: a.optionalId('automationVersionId'),
      versionId: a.optionalId('versionId'),
    };
  }
  let escalation: InteractionRecord['escalation'] = null;
  if (r.has('escalation')) {
    const e = FieldReader.of(r.raw('escalation'), 'escalation', FIELDS_OF.escalation);
    escalation = { at: e.timestamp('at'), agentId: e.optionalId('agentId') };
  }
  const messageIds = new Map<string, number>();
  const messages = r.list('messages', (element, path, i) => {
    const m = message(element, path);
    const first = messageIds.get(m.id);
    if (first !== undefined) throw new FieldError(`${path()}.id`, `"${m.id}" is also the ID of messages[${first}]; message IDs are unique within an interaction`);
    messageIds.set(m.id, i);
    return m;
  });
  const logs = r.list('logs', (element, path) => {
    const l = FieldReader.of(element, path, FIELDS_OF.log);
    return { at: l.timestamp('at'), level: l.enumValue('level', ENUM_VALUES.logLevel), message: l.string('message', { max: TEXT_MAX }) };
  });
  let csat: InteractionRecord['csat'] = null;
  if (r.has('csat')) {
    const c = FieldReader.of(r.raw('csat'), 'csat', FIELDS_OF.csat);
    csat = { score: c.integer('score', 1, 5), at: c.timestamp('at') };
  }
  return {
    record: 'interaction',
    id: r.id('id'),
    type: r.enumValue('type', ENUM_VALUES.interactionType),
    startedAt,
    endedAt,
    automation,
    sender: r.optionalString('sender', { max: MAX_LENGTH.sender }),
    channel: r.string('channel', CHANNEL),
    endUserId: r.id('endUserId'),
    customerProfileId: r.optionalId('customerProfileId'),
    escalation,
    messages,
    logs,
    steps: r.list('steps', step),
    analysis: r.has('analysis') ? analysisFields(FieldReader.of(r.raw('analysis'), 'analysis', FIELDS_OF.analysis)) : null,
    csat,
  };
}

const FIELDS: Record<(typeof RECORD_KINDS)[number], readonly string[]> = {
  interaction: FIELDS_OF.interaction,
  messageStatus: ['record', 'interactionId', 'messageId', 'status', 'at'],
  csat: ['record', 'interactionId', 'score', 'at'],
  analysis: ['record', 'interactionId', ...FIELDS_OF.analysis],
};

/** Checks one record against ingest.md; throws a FieldError naming the field at fault. */
export function validateRecord(value: unknown): IngestRecord {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new FieldError(null, 'a record must be a JSON object');
  }
  const kind = (value as Record<string, unknown>).record;
  if (typeof kind !== 'string' || !(RECORD_KINDS as readonly string[]).includes(kind)) {
    throw new FieldError('record', kind === undefined ? `is required: one of ${RECORD_KINDS.join(', ')}` : `must be one of ${RECORD_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  }
  const r = FieldReader.of(value, '', FIELDS[kind as keyof typeof FIELDS]);
  switch (kind) {
    case 'interaction':
      return interaction(r);
    case 'messageStatus':
      return {
        record: 'messageStatus',
        interactionId: r.id('interactionId'),
        messageId: r.id('messageId'),
        status: r.enumValue('status', ENUM_VALUES.status),
        at: r.timestamp('at'),
      };
    case 'csat':
      return { record: 'csat', interactionId: r.id('interactionId'), score: r.integer('score', 1, 5), at: r.timestamp('at') };
    default:
      return { record: 'analysis', interactionId: r.id('interactionId'), ...analysisFields(r) };
  }
}

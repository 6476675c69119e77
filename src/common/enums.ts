import { registerEnumType } from 'type-graphql';
import {
  AutomationType,
  InteractionType,
  LogLevel,
  MessageAuthor,
  MessageDirection,
  MessageStatus,
  Outcome,
  Sentiment,
} from '../generated/prisma/enums';

/**
 * The contract's enums. Where the database has the same enum, the GraphQL one is that enum, so a
 * value read from PostgreSQL is already the API value.
 */
export { AutomationType, InteractionType, LogLevel, MessageAuthor, MessageDirection, MessageStatus, Outcome, Sentiment };

export enum Handling {
  CONTAINED = 'CONTAINED',
  ESCALATED = 'ESCALATED',
}

export enum CsatRating {
  POSITIVE = 'POSITIVE',
  NEUTRAL = 'NEUTRAL',
  NEGATIVE = 'NEGATIVE',
}

registerEnumType(Handling, { name: 'Handling', description: 'ESCALATED: a human agent was involved; CONTAINED: automation only.' });
registerEnumType(CsatRating, { name: 'CsatRating', description: 'POSITIVE: score 4-5, NEUTRAL: 3, NEGATIVE: 1-2.' });
registerEnumType(Outcome, { name: 'Outcome' });
registerEnumType(InteractionType, { name: 'InteractionType' });
registerEnumType(Sentiment, { name: 'Sentiment' });
registerEnumType(AutomationType, { name: 'AutomationType' });
registerEnumType(MessageDirection, { name: 'MessageDirection' });
registerEnumType(MessageAuthor, { name: 'MessageAuthor' });
registerEnumType(MessageStatus, { name: 'MessageStatus' });
registerEnumType(LogLevel, { name: 'LogLevel' });

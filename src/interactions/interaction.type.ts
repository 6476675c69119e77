import { Directive, Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Handling, InteractionType, LogLevel, MessageAuthor, MessageDirection, MessageStatus, Outcome, Sentiment } from '../common/enums';
import { DateTime } from '../common/scalars';

@Directive('@key(fields: "id", resolvable: false)')
@ObjectType({ description: "Owned by the Customer Profiles subgraph; this service only references it." })
export class CustomerProfile {
  @Field(() => ID) id!: string;
}

@ObjectType()
export class InteractionTopic {
  @Field() name!: string;
  @Field() resolved!: boolean;
  @Field(() => Float, { nullable: true }) handleTimeSeconds!: number | null;
}

@ObjectType()
export class Message {
  @Field(() => ID) id!: string;
  @Field(() => MessageDirection) direction!: MessageDirection;
  @Field(() => MessageAuthor) author!: MessageAuthor;
  @Field() channel!: string;
  @Field(() => DateTime) sentAt!: Date;
  @Field(() => String, { nullable: true }) text!: string | null;
  @Field(() => MessageStatus, { nullable: true, description: 'Outbound messages only; null for inbound.' }) status!: MessageStatus | null;
  @Field(() => DateTime, { nullable: true }) statusAt!: Date | null;
}

@ObjectType()
export class InteractionLog {
  @Field(() => DateTime) at!: Date;
  @Field(() => LogLevel) level!: LogLevel;
  @Field() message!: string;
}

/** An interaction as stored, with the internal keys its nested fields are loaded by. */
@Directive('@key(fields: "id")')
@ObjectType({ description: 'One conversation or automated flow run, with everything stored about it.' })
export class Interaction {
  internalId!: number;
  automationInternalId!: number | null;
  customerProfileId!: string | null;
  escalated!: boolean;

  @Field(() => ID) id!: string;
  @Field(() => InteractionType) type!: InteractionType;
  @Field(() => DateTime) startedAt!: Date;
  @Field(() => DateTime, { nullable: true }) endedAt!: Date | null;
  @Field(() => Float, { nullable: true }) durationSeconds!: number | null;
  @Field(() => ID, { nullable: true }) automationVersionId!: string | null;
  @Field(() => ID, { nullable: true }) versionId!: string | null;
  @Field(() => String, { nullable: true }) sender!: string | null;
  @Field() channel!: string;
  @Field(() => ID) endUserId!: string;
  @Field(() => Outcome, { nullable: true, description: 'The analysis outcome, else derived from topic resolution; null when unclassified.' }) outcome!: Outcome | null;
  @Field(() => Sentiment, { nullable: true }) sentiment!: Sentiment | null;
  @Field(() => Float, { nullable: true }) sentimentScore!: number | null;
  @Field(() => Int, { nullable: true }) csatScore!: number | null;
  @Field({ description: 'The end user sent an inbound message beyond the one that opened the interaction.' }) engaged!: boolean;
  @Field(() => Int) inboundMessages!: number;
  @Field(() => Int) outboundMessages!: number;
  @Field(() => String, { nullable: true }) analysisSummary!: string | null;
  @Field(() => DateTime, { nullable: true, description: 'When a human agent took over; null for contained interactions.' }) escalatedAt!: Date | null;

  @Field(() => Handling)
  get handling(): Handling {
    return this.escalated ? Handling.ESCALATED : Handling.CONTAINED;
  }
}

/**
 * Columns that build an Interaction, for `SELECT ... FROM "Interaction" i`. The end user's external
 * ID is looked up by key for each row returned: as a join, an account the planner's statistics have
 * not seen (a new account in a large database, until ANALYZE samples it) looked like one of a row,
 * and PostgreSQL read all of the account's end users for every interaction and filtered them.
 */
export const INTERACTION_COLUMNS = `
  i.id AS "internalId", i."automationId" AS "automationInternalId", i."customerProfileId", i.escalated,
  i."externalId" AS id, i.type, i."startedAt", i."endedAt", i."durationSeconds", i."automationVersionId",
  i."versionId", i.sender, i.channel,
  (SELECT u."externalId" FROM "EndUser" u WHERE u."accountId" = i."accountId" AND u.id = i."endUserId") AS "endUserId",
  i.outcome, i.sentiment, i."sentimentScore",
  i."csatScore", i.engaged, i."inboundCount" AS "inboundMessages", i."outboundCount" AS "outboundMessages",
  i.summary AS "analysisSummary", i."escalatedAt"`;

export function toInteraction(row: Record<string, unknown>): Interaction {
  return Object.assign(new Interaction(), row);
}

import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Handling, Outcome } from '../common/enums';
import { PageInfo } from '../common/pagination';
import type { Filter } from '../metrics/filter';

export enum TopicOrder {
  INTERACTIONS_DESC = 'INTERACTIONS_DESC',
  SUCCESS_RATE_ASC = 'SUCCESS_RATE_ASC',
  NAME_ASC = 'NAME_ASC',
}
registerEnumType(TopicOrder, { name: 'TopicOrder', description: 'Ties are broken by interactions descending, then name.' });

/** The interactions of one outcome (and handling tab, when given) among the filtered ones. */
export class OutcomeScope {
  constructor(
    readonly filter: Filter,
    readonly outcome: Outcome,
    readonly handling: Handling | null,
  ) {}
}

// Not a subclass of each other: their shared fields come from one resolver factory
// (drilldowns.resolver.ts), so the GraphQL types stay independent.
@ObjectType({ description: 'Filtered interactions of one outcome, optionally of one handling tab.' })
export class OutcomeDrilldown extends OutcomeScope {}

@ObjectType({ description: 'The unsuccessful interactions, with detected issues and the lowest-performing topics.' })
export class UnsuccessfulDrilldown extends OutcomeScope {}

@ObjectType()
export class TopicCount {
  @Field() topic!: string;
  @Field(() => Int) interactions!: number;
}

@ObjectType()
export class IssueImpact {
  constructor(
    readonly filter: Filter,
    readonly handling: Handling | null,
  ) {}

  @Field() issue!: string;
  @Field(() => Int, { description: 'Unsuccessful interactions with this issue.' }) affectedInteractions!: number;
  @Field(() => Float, { description: 'affectedInteractions / unsuccessful interactions × 100.' }) impact!: number;
}

@ObjectType()
export class CsatDrilldown {
  constructor(readonly filter: Filter) {}
  @Field(() => Int) responses!: number;
  @Field(() => Float, { nullable: true, description: '% of answers with score 4-5.' }) positivePercentage!: number | null;
  @Field(() => Float, { nullable: true, description: '% of answers with score 1-2.' }) negativePercentage!: number | null;
}

@ObjectType()
export class SentimentDrilldown {
  constructor(readonly filter: Filter) {}
  @Field(() => Int) interactionsWithSentiment!: number;
  @Field(() => Float, { nullable: true }) positivePercentage!: number | null;
  @Field(() => Float, { nullable: true }) negativePercentage!: number | null;
}

@ObjectType({ description: 'One topic over the filtered interactions that have it.' })
export class TopicDetails {
  /** The filter and handling tab the details were computed over; examples use the same. */
  filter!: Filter;
  handling!: Handling | null;

  @Field() name!: string;
  @Field(() => Int) interactions!: number;
  @Field(() => Float, { nullable: true, description: '% of interactions whose entry for this topic is resolved.' }) successRate!: number | null;
  @Field(() => Float, { nullable: true, description: '% of interactions that were contained.' }) containmentRate!: number | null;
  @Field(() => Float, { nullable: true, description: 'Mean sentimentScore of those that have one.' }) averageSentiment!: number | null;
  @Field(() => Float, { nullable: true, description: 'Mean CSAT score of those that have one.' }) averageCsat!: number | null;
  @Field(() => Float, { nullable: true, description: 'Mean handleTimeSeconds of the topic entries that have one.' }) averageHandleTimeSeconds!: number | null;
}

@ObjectType()
export class TopicEdge {
  @Field() cursor!: string;
  @Field(() => TopicDetails) node!: TopicDetails;
}

@ObjectType()
export class TopicConnection {
  constructor(
    readonly filter: Filter,
    readonly edgesPromise: Promise<{ edges: TopicEdge[]; hasNextPage: boolean }>,
  ) {}
}

export { PageInfo };

import { Field, Float, Int, ObjectType } from 'type-graphql';
import { DateTime } from '../common/scalars';
import type { Filter } from './filter';

@ObjectType({ description: 'Metrics and drill-downs for one filter. Every section is computed only when asked for.' })
export class Insights {
  constructor(readonly filter: Filter) {}
}

@ObjectType({ description: 'Interactions by effective outcome; the four outcome counts add up to interactions.' })
export class OutcomeCounts {
  @Field(() => Int) interactions!: number;
  @Field(() => Int) successful!: number;
  @Field(() => Int) mixed!: number;
  @Field(() => Int) unsuccessful!: number;
  @Field(() => Int, { description: 'No analysis outcome and no analysed topics.' }) unclassified!: number;
}

@ObjectType()
export class InteractionPerformance {
  @Field(() => OutcomeCounts) total!: OutcomeCounts;
  @Field(() => OutcomeCounts, { description: 'Automation only: no human agent involved.' }) contained!: OutcomeCounts;
  @Field(() => OutcomeCounts, { description: 'A human agent was involved.' }) escalated!: OutcomeCounts;
}

@ObjectType()
export class InteractionHealth {
  @Field(() => Float, { nullable: true, description: '0-100: weighted success (0.5), sentiment (0.25) and topic resolution (0.25) over the defined components.' })
  score!: number | null;

  @Field(() => Float, { nullable: true, description: 'Mean endedAt - startedAt over interactions that have ended.' })
  averageDurationSeconds!: number | null;

  @Field(() => Float, { nullable: true, description: "Estimated cost / interactions, from the account's rate card; null without one." })
  estimatedCostPerInteraction!: number | null;

  @Field(() => String, { nullable: true, description: "The rate card's currency." })
  currency!: string | null;
}

@ObjectType()
export class AudienceEngagement {
  @Field(() => Int) uniqueUsers!: number;
  @Field(() => Int, { description: 'Users with two or more interactions.' }) returningUsers!: number;
  @Field(() => Int, { description: 'Users with at least one engaged interaction.' }) engagedUsers!: number;
  @Field(() => Int) notEngagedUsers!: number;
  @Field(() => Int) csatResponses!: number;
  @Field(() => Float, { nullable: true, description: '% of CSAT answers with score 4 or 5.' }) csat!: number | null;
  @Field(() => Float, { nullable: true, description: '% of CSAT answers with score 1 or 2.' }) csatNegative!: number | null;
  @Field(() => Float, { nullable: true }) csatAverage!: number | null;
  @Field(() => Float, { nullable: true, description: '% of interactions with a sentiment that are POSITIVE.' }) sentimentPositive!: number | null;
  @Field(() => Float, { nullable: true, description: '% of interactions with a sentiment that are NEGATIVE.' }) sentimentNegative!: number | null;
  @Field(() => Float, { nullable: true }) averageInboundMessages!: number | null;
  @Field(() => Float, { nullable: true }) averageOutboundMessages!: number | null;
}

@ObjectType({ description: 'Delivery of outbound messages on one channel.' })
export class ChannelHealth {
  @Field() channel!: string;
  @Field(() => Int) totalSent!: number;
  @Field(() => Int, { description: 'DELIVERED or SEEN.' }) delivered!: number;
  @Field(() => Float, { nullable: true, description: 'delivered / totalSent × 100.' }) deliveryRate!: number | null;
  @Field(() => Int) rejected!: number;
  @Field(() => Int, { description: 'EXPIRED, plus PENDING or SENT past sentAt + validityHours at the time of the query.' }) expired!: number;
  @Field(() => Int) undeliverable!: number;
  @Field(() => Int, { description: 'PENDING or SENT and not expired.' }) pending!: number;
}

@ObjectType({ description: "One period of a series: the dashboard's sections for the filter's interactions that started in [from, to)." })
export class InsightsPeriod {
  constructor(readonly filter: Filter) {}

  @Field(() => DateTime, { description: "The period's start, or the range's start for the first period." })
  get from(): Date {
    return this.filter.from;
  }

  @Field(() => DateTime, { description: "The next period's start, or the range's end for the last period." })
  get to(): Date {
    return this.filter.to;
  }
}

@ObjectType({ description: "One group of a breakdown: the dashboard's sections for the filter narrowed to the group's automation, version or sender." })
export class InsightsGroup {
  @Field({ description: "The automation's ID, the version number or the sender." }) key: string;
  @Field(() => Int, { description: "The group's interactions (its performance.total.interactions), by which groups are ordered." }) interactions: number;

  constructor(
    readonly filter: Filter,
    key: string,
    interactions: number,
    /** The automation's internal ID, for AUTOMATION groups. */
    readonly automationId: number | null,
  ) {
    this.key = key;
    this.interactions = interactions;
  }
}

import { Arg, Ctx, FieldResolver, Int, Resolver, Root, type ClassType } from 'type-graphql';
import { CsatRating, Handling, InteractionType, Outcome, Sentiment } from '../common/enums';
import { checkFirst, PageInfo } from '../common/pagination';
import { InteractionConnection, interactionConnection } from '../interactions/interactionConnection';
import { Insights } from '../metrics/insights.types';
import { interactionTotals } from '../metrics/interactionTotals.sql';
import { percent } from '../metrics/ratios';
import type { Context } from '../server/context';
import {
  CsatDrilldown,
  IssueImpact,
  OutcomeDrilldown,
  OutcomeScope,
  SentimentDrilldown,
  TopicConnection,
  TopicCount,
  TopicDetails,
  TopicEdge,
  TopicOrder,
  UnsuccessfulDrilldown,
} from './drilldown.types';
import { unsuccessfulIssues } from './issueImpact.sql';
import { outcomeSummary } from './outcomeBreakdown.sql';
import { decodeTopicCursor, lowestPerformingTopics, topicCounts, topicDetails, topicPage, topicTotal } from './topicStats.sql';

/** The drill-down fields of `insights`. */
@Resolver(() => Insights)
export class InsightsDrilldownResolver {
  @FieldResolver(() => OutcomeDrilldown)
  successful(@Root() insights: Insights, @Arg('handling', () => Handling, { nullable: true }) handling: Handling | null): OutcomeDrilldown {
    return new OutcomeDrilldown(insights.filter, Outcome.SUCCESSFUL, handling ?? null);
  }

  @FieldResolver(() => OutcomeDrilldown)
  mixed(@Root() insights: Insights, @Arg('handling', () => Handling, { nullable: true }) handling: Handling | null): OutcomeDrilldown {
    return new OutcomeDrilldown(insights.filter, Outcome.MIXED, handling ?? null);
  }

  @FieldResolver(() => UnsuccessfulDrilldown)
  unsuccessful(@Root() insights: Insights, @Arg('handling', () => Handling, { nullable: true }) handling: Handling | null): UnsuccessfulDrilldown {
    return new UnsuccessfulDrilldown(insights.filter, Outcome.UNSUCCESSFUL, handling ?? null);
  }

  @FieldResolver(() => CsatDrilldown)
  async csat(@Root() insights: Insights, @Ctx() ctx: Context): Promise<CsatDrilldown> {
    const t = await interactionTotals(ctx, insights.filter);
    return Object.assign(new CsatDrilldown(insights.filter), {
      responses: t.csatResponses,
      positivePercentage: percent(t.csatPositive, t.csatResponses),
      negativePercentage: percent(t.csatNegative, t.csatResponses),
    });
  }

  @FieldResolver(() => SentimentDrilldown)
  async sentiment(@Root() insights: Insights, @Ctx() ctx: Context): Promise<SentimentDrilldown> {
    const t = await interactionTotals(ctx, insights.filter);
    return Object.assign(new SentimentDrilldown(insights.filter), {
      interactionsWithSentiment: t.withSentiment,
      positivePercentage: percent(t.positive, t.withSentiment),
      negativePercentage: percent(t.negative, t.withSentiment),
    });
  }

  @FieldResolver(() => TopicConnection, { description: 'Topics of the filtered interactions with their details.' })
  topics(
    @Root() insights: Insights,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { defaultValue: 20, nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('orderBy', () => TopicOrder, { defaultValue: TopicOrder.INTERACTIONS_DESC, nullable: true }) orderBy: TopicOrder | null,
  ): TopicConnection {
    const order = orderBy ?? TopicOrder.INTERACTIONS_DESC;
    const key = after ? decodeTopicCursor(ctx, order, after) : null;
    const page = topicPage(ctx, { filter: insights.filter }, order, checkFirst(first, 20), key);
    page.catch(() => undefined); // reported by the edges/pageInfo that await it
    return new TopicConnection(insights.filter, page);
  }

  @FieldResolver(() => TopicDetails, { nullable: true, description: 'Null when no filtered interaction has this topic.' })
  topic(@Root() insights: Insights, @Ctx() ctx: Context, @Arg('name') name: string): Promise<TopicDetails | null> {
    return topicDetails(ctx, { filter: insights.filter, name });
  }

  @FieldResolver(() => InteractionConnection, { description: 'The filtered interactions narrowed by the arguments, newest startedAt first, then ID.' })
  interactions(
    @Root() insights: Insights,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { defaultValue: 20, nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('outcome', () => Outcome, { nullable: true }) outcome: Outcome | null,
    @Arg('handling', () => Handling, { nullable: true }) handling: Handling | null,
    @Arg('type', () => InteractionType, { nullable: true }) type: InteractionType | null,
    @Arg('sentiment', () => Sentiment, { nullable: true }) sentiment: Sentiment | null,
    @Arg('csat', () => CsatRating, { nullable: true }) csat: CsatRating | null,
    @Arg('topic', () => String, { nullable: true }) topic: string | null,
    @Arg('issue', () => String, { nullable: true }) issue: string | null,
  ): InteractionConnection {
    return interactionConnection(ctx, insights.filter, { outcome, handling, type, sentiment, csat, topic, issue }, first, after, 20);
  }
}

/** Fields shared by the three outcome drill-downs (type-graphql's resolver inheritance). */
function outcomeDrilldownFields<T extends OutcomeScope>(objectType: ClassType<T>) {
  @Resolver(() => objectType)
  abstract class OutcomeDrilldownFields {
    @FieldResolver(() => Int)
    async count(@Root() d: T, @Ctx() ctx: Context): Promise<number> {
      return (await outcomeSummary(ctx, d.filter, d.outcome, d.handling)).count;
    }

    @FieldResolver(() => [InteractionType], { description: 'The interaction types that occur, CONVERSATIONAL first.' })
    async types(@Root() d: T, @Ctx() ctx: Context): Promise<InteractionType[]> {
      return (await outcomeSummary(ctx, d.filter, d.outcome, d.handling)).types;
    }

    @FieldResolver(() => InteractionConnection)
    examples(
      @Root() d: T,
      @Ctx() ctx: Context,
      @Arg('type', () => InteractionType, { nullable: true }) type: InteractionType | null,
      @Arg('first', () => Int, { defaultValue: 10, nullable: true }) first: number | null,
      @Arg('after', () => String, { nullable: true }) after: string | null,
    ): InteractionConnection {
      return interactionConnection(ctx, d.filter, { outcome: d.outcome, handling: d.handling, type }, first, after);
    }

    @FieldResolver(() => [TopicCount], { description: 'Topics handled in these interactions, most first, then name.' })
    topics(@Root() d: T, @Ctx() ctx: Context, @Arg('first', () => Int, { defaultValue: 10, nullable: true }) first: number | null): Promise<TopicCount[]> {
      return topicCounts(ctx, { filter: d.filter, outcome: d.outcome, handling: d.handling }, checkFirst(first, 10));
    }
  }
  return OutcomeDrilldownFields;
}

@Resolver(() => OutcomeDrilldown)
export class OutcomeDrilldownResolver extends outcomeDrilldownFields(OutcomeDrilldown) {}

@Resolver(() => UnsuccessfulDrilldown)
export class UnsuccessfulDrilldownResolver extends outcomeDrilldownFields(UnsuccessfulDrilldown) {
  @FieldResolver(() => [IssueImpact], { description: 'Detected issues by impact, then name.' })
  async issues(@Root() d: UnsuccessfulDrilldown, @Ctx() ctx: Context, @Arg('first', () => Int, { defaultValue: 10, nullable: true }) first: number | null): Promise<IssueImpact[]> {
    const [rows, summary] = await Promise.all([
      unsuccessfulIssues(ctx, d.filter, d.handling, checkFirst(first, 10)),
      outcomeSummary(ctx, d.filter, Outcome.UNSUCCESSFUL, d.handling),
    ]);
    return rows.map((row) =>
      Object.assign(new IssueImpact(d.filter, d.handling), { issue: row.issue, affectedInteractions: row.affected, impact: percent(row.affected, summary.count)! }),
    );
  }

  @FieldResolver(() => [TopicDetails], { description: "Topics with at least 5 interactions by success rate ascending, over all of the tab's interactions." })
  lowestPerformingTopics(@Root() d: UnsuccessfulDrilldown, @Ctx() ctx: Context, @Arg('first', () => Int, { defaultValue: 5, nullable: true }) first: number | null): Promise<TopicDetails[]> {
    return lowestPerformingTopics(ctx, { filter: d.filter, handling: d.handling }, checkFirst(first, 5));
  }
}

@Resolver(() => IssueImpact)
export class IssueImpactResolver {
  @FieldResolver(() => InteractionConnection)
  examples(
    @Root() issue: IssueImpact,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { defaultValue: 10, nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): InteractionConnection {
    return interactionConnection(ctx, issue.filter, { outcome: Outcome.UNSUCCESSFUL, handling: issue.handling, issue: issue.issue }, first, after);
  }
}

@Resolver(() => CsatDrilldown)
export class CsatDrilldownResolver {
  @FieldResolver(() => InteractionConnection, { description: 'Interactions with a CSAT answer, optionally of one rating.' })
  examples(
    @Root() d: CsatDrilldown,
    @Ctx() ctx: Context,
    @Arg('rating', () => CsatRating, { nullable: true }) rating: CsatRating | null,
    @Arg('first', () => Int, { defaultValue: 10, nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): InteractionConnection {
    return interactionConnection(ctx, d.filter, { csat: rating, hasCsat: true }, first, after);
  }
}

@Resolver(() => SentimentDrilldown)
export class SentimentDrilldownResolver {
  @FieldResolver(() => InteractionConnection, { description: 'Interactions with a sentiment, optionally of one sentiment.' })
  examples(
    @Root() d: SentimentDrilldown,
    @Ctx() ctx: Context,
    @Arg('sentiment', () => Sentiment, { nullable: true }) sentiment: Sentiment | null,
    @Arg('first', () => Int, { defaultValue: 10, nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): InteractionConnection {
    return interactionConnection(ctx, d.filter, { sentiment, hasSentiment: true }, first, after);
  }
}

@Resolver(() => TopicDetails)
export class TopicDetailsResolver {
  @FieldResolver(() => InteractionConnection, { description: 'The interactions with this topic (of the same handling tab, under a drill-down).' })
  examples(
    @Root() topic: TopicDetails,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { defaultValue: 10, nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): InteractionConnection {
    return interactionConnection(ctx, topic.filter, { topic: topic.name, handling: topic.handling }, first, after);
  }
}

@Resolver(() => TopicConnection)
export class TopicConnectionResolver {
  @FieldResolver(() => Int)
  totalCount(@Root() c: TopicConnection, @Ctx() ctx: Context): Promise<number> {
    return topicTotal(ctx, { filter: c.filter });
  }

  @FieldResolver(() => [TopicEdge])
  async edges(@Root() c: TopicConnection): Promise<TopicEdge[]> {
    return (await c.edgesPromise).edges;
  }

  @FieldResolver(() => PageInfo)
  async pageInfo(@Root() c: TopicConnection): Promise<PageInfo> {
    const { edges, hasNextPage } = await c.edgesPromise;
    return { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null };
  }
}

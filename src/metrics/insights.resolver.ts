import { Arg, Args, ArgsType, Authorized, type ClassType, Ctx, Field, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { automationLoader } from '../automations/automation.store';
import { Automation } from '../automations/automation.type';
import { checkFirst } from '../common/pagination';
import type { Context } from '../server/context';
import { checkFilter, type Filter, InsightsFilter } from './filter';
import { GROUP_LIST, groupKeys, InsightsDimension } from './breakdown.sql';
import { AudienceEngagement, ChannelHealth, Insights, InsightsGroup, InsightsPeriod, InteractionHealth, InteractionPerformance } from './insights.types';
import { mostPeriods, periodsOf, SeriesInterval } from './periods';
import { audienceOf, channelsOf, healthOf, performanceOf } from './sections';

@ArgsType()
class SeriesArgs {
  @Field(() => SeriesInterval) interval!: SeriesInterval;

  @Field(() => String, { defaultValue: 'UTC', description: "An IANA time zone (such as 'Europe/Paris'): where days, weeks and months start." })
  timeZone!: string;
}

/**
 * The dashboard's sections on a type whose objects hold a filter: `insights`, each period of its
 * series and each group of its breakdown. A class per type, as type-graphql's resolver
 * inheritance wants.
 */
function dashboardSections<T extends { filter: Filter }>(objectType: ClassType<T>) {
  @Resolver(() => objectType)
  abstract class DashboardSectionsResolver {
    @FieldResolver(() => InteractionPerformance)
    performance(@Root() root: T, @Ctx() ctx: Context): Promise<InteractionPerformance> {
      return performanceOf(ctx, root.filter);
    }

    @FieldResolver(() => InteractionHealth)
    health(@Root() root: T, @Ctx() ctx: Context): Promise<InteractionHealth> {
      return healthOf(ctx, root.filter);
    }

    @FieldResolver(() => AudienceEngagement)
    audience(@Root() root: T, @Ctx() ctx: Context): Promise<AudienceEngagement> {
      return audienceOf(ctx, root.filter);
    }

    @FieldResolver(() => [ChannelHealth], { description: 'Outbound delivery per channel, by totalSent descending, then name.' })
    channels(@Root() root: T, @Ctx() ctx: Context): Promise<ChannelHealth[]> {
      return channelsOf(ctx, root.filter);
    }
  }
  return DashboardSectionsResolver;
}

/** `insights` and its sections. Each runs its SQL only when asked for; sections share it within a request. */
@Resolver(() => Insights)
export class InsightsResolver extends dashboardSections(Insights) {
  @Authorized('read')
  @Query(() => Insights, { description: 'Metrics and drill-downs for one filter. Every section is computed only when asked for.' })
  insights(@Arg('filter', () => InsightsFilter) filter: InsightsFilter): Insights {
    return new Insights(checkFilter(filter));
  }

  @FieldResolver(() => [InsightsPeriod], {
    description:
      "The range cut into periods (local hours, days, ISO weeks from Monday or calendar months in timeZone; the first and last clipped to the range), each with the dashboard's sections. Each section costs one statement for all periods.",
    complexity: ({ args, childComplexity }) => 1 + childComplexity * mostPeriods(args.interval as SeriesInterval),
  })
  series(@Root() insights: Insights, @Args(() => SeriesArgs) { interval, timeZone }: SeriesArgs): InsightsPeriod[] {
    const { filter } = insights;
    return periodsOf(filter.from, filter.to, interval, timeZone).map((span) => new InsightsPeriod({ ...filter, ...span }));
  }

  @FieldResolver(() => [InsightsGroup], {
    description:
      "The first (10 by default, at most 100) automations, version numbers or senders with the most filtered interactions (then by key), each with the dashboard's sections for the filter narrowed to it. Interactions without that dimension (inbox-only ones have no automation) form no group. Each section costs one statement for all groups.",
  })
  async breakdown(
    @Root() insights: Insights,
    @Ctx() ctx: Context,
    @Arg('by', () => InsightsDimension) by: InsightsDimension,
    @Arg('first', () => Int, { defaultValue: 10 }) first: number,
  ): Promise<InsightsGroup[]> {
    const { filter } = insights;
    const keys = await groupKeys(ctx, filter, by, checkFirst(first, 10));
    return keys.map(({ key, automationId, interactions }) => new InsightsGroup({ ...filter, [GROUP_LIST[by]]: [key] }, key, interactions, automationId));
  }
}

/** The sections of one group of a breakdown, and its automation. */
@Resolver(() => InsightsGroup)
export class InsightsGroupResolver extends dashboardSections(InsightsGroup) {
  @FieldResolver(() => Automation, { nullable: true, description: 'The automation, in AUTOMATION groups; null in the others.' })
  async automation(@Root() group: InsightsGroup, @Ctx() ctx: Context): Promise<Automation | null> {
    return group.automationId === null ? null : automationLoader(ctx).load(group.automationId);
  }
}

/** The sections of one period of a series: those of `insights`, for the period's part of the range. */
@Resolver(() => InsightsPeriod)
export class InsightsPeriodResolver extends dashboardSections(InsightsPeriod) {}

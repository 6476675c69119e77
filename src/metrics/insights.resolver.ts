import { Arg, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { readRateCard } from '../rateCard/rateCard.store';
import type { Context } from '../server/context';
import { userTotals } from './audienceUsers.sql';
import { channelTotals } from './channelTotals.sql';
import { checkFilter, InsightsFilter } from './filter';
import { estimatedCost, healthScore } from './health';
import { AudienceEngagement, ChannelHealth, Insights, InteractionHealth, InteractionPerformance } from './insights.types';
import { interactionTotals } from './interactionTotals.sql';
import { percent, ratio } from './ratios';

/** Sections of `insights`. Each runs its SQL only when asked for; sections share it within a request. */
@Resolver(() => Insights)
export class InsightsResolver {
  @Authorized('read')
  @Query(() => Insights, { description: 'Metrics and drill-downs for one filter. Every section is computed only when asked for.' })
  insights(@Arg('filter', () => InsightsFilter) filter: InsightsFilter): Insights {
    return new Insights(checkFilter(filter));
  }

  @FieldResolver(() => InteractionPerformance)
  async performance(@Root() insights: Insights, @Ctx() ctx: Context): Promise<InteractionPerformance> {
    const { total, contained, escalated } = await interactionTotals(ctx, insights.filter);
    return { total, contained, escalated };
  }

  @FieldResolver(() => InteractionHealth)
  async health(@Root() insights: Insights, @Ctx() ctx: Context): Promise<InteractionHealth> {
    const [totals, card] = await Promise.all([
      interactionTotals(ctx, insights.filter),
      ctx.memo('rateCard', () => readRateCard(ctx.db.pool, ctx.caller.accountId)),
    ]);
    let costPerInteraction: number | null = null;
    if (card) {
      const channels = await channelTotals(ctx, insights.filter);
      costPerInteraction = ratio(estimatedCost(card, totals, channels), totals.total.interactions);
    }
    return {
      score: healthScore(totals),
      averageDurationSeconds: totals.averageDurationSeconds,
      estimatedCostPerInteraction: costPerInteraction,
      currency: card?.currency ?? null,
    };
  }

  @FieldResolver(() => AudienceEngagement)
  async audience(@Root() insights: Insights, @Ctx() ctx: Context): Promise<AudienceEngagement> {
    const [t, users] = await Promise.all([interactionTotals(ctx, insights.filter), userTotals(ctx, insights.filter)]);
    return {
      ...users,
      notEngagedUsers: users.uniqueUsers - users.engagedUsers,
      csatResponses: t.csatResponses,
      csat: percent(t.csatPositive, t.csatResponses),
      csatNegative: percent(t.csatNegative, t.csatResponses),
      csatAverage: t.csatAverage,
      sentimentPositive: percent(t.positive, t.withSentiment),
      sentimentNegative: percent(t.negative, t.withSentiment),
      averageInboundMessages: ratio(t.inboundMessages, t.total.interactions),
      averageOutboundMessages: ratio(t.outboundMessages, t.total.interactions),
    };
  }

  @FieldResolver(() => [ChannelHealth], { description: 'Outbound delivery per channel, by totalSent descending, then name.' })
  async channels(@Root() insights: Insights, @Ctx() ctx: Context): Promise<ChannelHealth[]> {
    const channels = await channelTotals(ctx, insights.filter);
    return channels
      .filter((c) => c.totalSent > 0)
      .map(({ inbound: _inbound, ...c }) => ({ ...c, deliveryRate: percent(c.delivered, c.totalSent) }));
  }
}

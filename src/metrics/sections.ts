import { readRateCard } from '../rateCard/rateCard.store';
import type { Context } from '../server/context';
import { userTotals } from './audienceUsers.sql';
import { channelTotals } from './channelTotals.sql';
import type { Filter } from './filter';
import { estimatedCost, healthScore } from './health';
import type { AudienceEngagement, ChannelHealth, InteractionHealth, InteractionPerformance } from './insights.types';
import { interactionTotals } from './interactionTotals.sql';
import { percent, ratio } from './ratios';

/**
 * The dashboard's sections for one filter, as `insights` and each period of its `series` answer
 * them. Sections asked for together share their SQL (the totals, users and channels of a filter
 * are computed once per request).
 */
export async function performanceOf(ctx: Context, filter: Filter): Promise<InteractionPerformance> {
  const { total, contained, escalated } = await interactionTotals(ctx, filter);
  return { total, contained, escalated };
}

export async function healthOf(ctx: Context, filter: Filter): Promise<InteractionHealth> {
  const [totals, card] = await Promise.all([interactionTotals(ctx, filter), ctx.memo('rateCard', () => readRateCard(ctx.db.pool, ctx.caller.accountId))]);
  let costPerInteraction: number | null = null;
  if (card) {
    const channels = await channelTotals(ctx, filter);
    costPerInteraction = ratio(estimatedCost(card, totals, channels), totals.total.interactions);
  }
  return {
    score: healthScore(totals),
    averageDurationSeconds: totals.averageDurationSeconds,
    estimatedCostPerInteraction: costPerInteraction,
    currency: card?.currency ?? null,
  };
}

export async function audienceOf(ctx: Context, filter: Filter): Promise<AudienceEngagement> {
  const [t, users] = await Promise.all([interactionTotals(ctx, filter), userTotals(ctx, filter)]);
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

export async function channelsOf(ctx: Context, filter: Filter): Promise<ChannelHealth[]> {
  const channels = await channelTotals(ctx, filter);
  return channels.filter((c) => c.totalSent > 0).map(({ inbound: _inbound, ...c }) => ({ ...c, deliveryRate: percent(c.delivered, c.totalSent) }));
}

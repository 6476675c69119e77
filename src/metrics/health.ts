import type { RateCard } from '../rateCard/rateCard.types';
import type { ChannelTotals } from './channelTotals.sql';
import type { InteractionTotals } from './interactionTotals.sql';
import { ratio } from './ratios';

/**
 * The health score: 100 × Σ wᵢ·cᵢ / Σ wᵢ over the components that are defined (metrics.md):
 * success (0.5), sentiment (0.25), topic resolution (0.25). Null when none is defined.
 */
export function healthScore(t: InteractionTotals): number | null {
  const classified = t.total.successful + t.total.mixed + t.total.unsuccessful;
  const components: Array<[weight: number, value: number | null]> = [
    [0.5, ratio(t.total.successful + 0.5 * t.total.mixed, classified)],
    [0.25, t.withSentiment === 0 ? null : (1 + (t.positive - t.negative) / t.withSentiment) / 2],
    [0.25, ratio(t.resolvedTopics, t.topics)],
  ];
  let weighted = 0;
  let weights = 0;
  for (const [weight, value] of components) {
    if (value === null) continue;
    weighted += weight * value;
    weights += weight;
  }
  return weights === 0 ? null : (100 * weighted) / weights;
}

/**
 * Total estimated cost: per channel, inbound and outbound messages at the channel's prices; per
 * automation type, interactions at its price; human-agent minutes at the agent price. A price
 * missing from the rate card counts as 0.
 */
export function estimatedCost(card: RateCard, t: InteractionTotals, channels: ChannelTotals[]): number {
  const prices = new Map(card.channels.map((price) => [price.channel, price]));
  let cost = 0;
  for (const channel of channels) {
    const price = prices.get(channel.channel);
    if (price) cost += channel.inbound * price.inboundMessage + channel.totalSent * price.outboundMessage;
  }
  for (const price of card.automations) cost += t.byAutomationType[price.automationType] * price.perInteraction;
  cost += (t.agentSeconds / 60) * card.agentPerMinute;
  return cost;
}

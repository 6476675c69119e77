import type { PrismaClient } from '../generated/prisma/client';
import { badUserInput } from '../common/errors';
import { CHANNEL_CODE } from '../common/formats';
import type { RateCard, RateCardInput } from './rateCard.types';

export async function readRateCard(prisma: PrismaClient, accountId: number): Promise<RateCard | null> {
  const card = await prisma.rateCard.findUnique({
    where: { accountId },
    include: { channels: { orderBy: { channel: 'asc' } }, automations: { orderBy: { automationType: 'asc' } } },
  });
  if (!card) return null;
  return {
    currency: card.currency,
    agentPerMinute: card.agentPerMinute,
    channels: card.channels.map(({ channel, outboundMessage, inboundMessage }) => ({ channel, outboundMessage, inboundMessage })),
    automations: card.automations.map(({ automationType, perInteraction }) => ({ automationType, perInteraction })),
  };
}

function checkPrice(value: number, field: string): void {
  if (!Number.isFinite(value) || value < 0) throw badUserInput(`${field} must be a price of 0 or more`, field);
}

export function validateRateCard(input: RateCardInput): void {
  if (!/^[A-Z]{3}$/.test(input.currency)) {
    throw badUserInput('currency must be an ISO 4217 code of three upper-case letters, e.g. EUR', 'input.currency');
  }
  checkPrice(input.agentPerMinute, 'input.agentPerMinute');
  const channels = new Set<string>();
  input.channels.forEach((price, i) => {
    const field = `input.channels[${i}]`;
    if (!CHANNEL_CODE.test(price.channel)) {
      throw badUserInput(`${field}.channel must be a channel code of upper-case letters, digits and _`, `${field}.channel`);
    }
    if (channels.has(price.channel)) throw badUserInput(`${field}.channel ${price.channel} is listed twice`, `${field}.channel`);
    channels.add(price.channel);
    checkPrice(price.outboundMessage, `${field}.outboundMessage`);
    checkPrice(price.inboundMessage, `${field}.inboundMessage`);
  });
  const types = new Set<string>();
  input.automations.forEach((price, i) => {
    const field = `input.automations[${i}]`;
    if (types.has(price.automationType)) {
      throw badUserInput(`${field}.automationType ${price.automationType} is listed twice`, `${field}.automationType`);
    }
    types.add(price.automationType);
    checkPrice(price.perInteraction, `${field}.perInteraction`);
  });
}

/** Replaces the account's rate card as a whole. */
export async function writeRateCard(prisma: PrismaClient, accountId: number, input: RateCardInput): Promise<RateCard> {
  validateRateCard(input);
  await prisma.$transaction([
    prisma.rateCard.deleteMany({ where: { accountId } }),
    prisma.rateCard.create({
      data: {
        accountId,
        currency: input.currency,
        agentPerMinute: input.agentPerMinute,
        channels: { create: input.channels.map((price) => ({ ...price })) },
        automations: { create: input.automations.map((price) => ({ ...price })) },
      },
    }),
  ]);
  return (await readRateCard(prisma, accountId))!;
}

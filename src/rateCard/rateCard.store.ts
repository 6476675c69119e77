import type pg from 'pg';
import type { Database } from '../db/database';
import { badUserInput } from '../common/errors';
import { CHANNEL_CODE } from '../common/formats';
import type { RateCard, RateCardInput } from './rateCard.types';

/**
 * The account's rate card in one statement. Prisma reads a card with its two price lists in
 * three round trips; health reads it on every dashboard request, beside the statements that
 * compute figures, so it is read here like they are.
 */
export async function readRateCard(pool: pg.Pool, accountId: number): Promise<RateCard | null> {
  const { rows } = await pool.query<RateCard>(
    `SELECT c.currency, c."agentPerMinute",
            coalesce((SELECT json_agg(json_build_object('channel', p.channel, 'outboundMessage', p."outboundMessage", 'inboundMessage', p."inboundMessage") ORDER BY p.channel)
                        FROM "RateCardChannel" p WHERE p."accountId" = c."accountId"), '[]') AS channels,
            coalesce((SELECT json_agg(json_build_object('automationType', p."automationType", 'perInteraction', p."perInteraction") ORDER BY p."automationType")
                        FROM "RateCardAutomation" p WHERE p."accountId" = c."accountId"), '[]') AS automations
       FROM "RateCard" c WHERE c."accountId" = $1`,
    [accountId],
  );
  return rows[0] ?? null;
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
export async function writeRateCard({ prisma, pool }: Database, accountId: number, input: RateCardInput): Promise<RateCard> {
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
  return (await readRateCard(pool, accountId))!;
}

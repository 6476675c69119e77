import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../server/context';
import { readRateCard, writeRateCard } from './rateCard.store';
import { RateCard, RateCardInput } from './rateCard.types';

@Resolver(() => RateCard)
export class RateCardResolver {
  @Authorized('read')
  @Query(() => RateCard, { nullable: true, description: "The account's rate card; null until one is set." })
  rateCard(@Ctx() ctx: Context): Promise<RateCard | null> {
    return readRateCard(ctx.db.pool, ctx.caller.accountId);
  }

  @Authorized('admin')
  @Mutation(() => RateCard, { description: 'Replaces the rate card used for estimatedCostPerInteraction.' })
  setRateCard(@Arg('input', () => RateCardInput) input: RateCardInput, @Ctx() ctx: Context): Promise<RateCard> {
    return writeRateCard(ctx.db, ctx.caller.accountId, input);
  }
}

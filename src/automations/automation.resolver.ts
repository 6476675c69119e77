import { Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../server/context';
import { listAutomations, listSenders } from './automation.store';
import { Automation } from './automation.type';

@Resolver(() => Automation)
export class AutomationResolver {
  @Authorized('read')
  @Query(() => [Automation], { description: "The account's journeys, chatbots and AI agents, by name." })
  automations(@Ctx() ctx: Context): Promise<Automation[]> {
    return listAutomations(ctx.db.pool, ctx.caller.accountId);
  }

  @Authorized('read')
  @Query(() => [String], { description: 'Every sender identity seen in interactions, in alphabetical order.' })
  senders(@Ctx() ctx: Context): Promise<string[]> {
    return listSenders(ctx.db.pool, ctx.caller.accountId);
  }
}

import { Arg, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { automationLoader } from '../automations/automation.store';
import { Automation } from '../automations/automation.type';
import type { Context } from '../server/context';
import { interactionsByExternalId } from './interaction.store';
import { CustomerProfile, Interaction, InteractionLog, InteractionTopic, Message } from './interaction.type';
import { issuesLoader, logsLoader, messagesLoader, topicsLoader } from './interaction.loaders';

@Resolver(() => Interaction)
export class InteractionResolver {
  @Authorized('read')
  @Query(() => Interaction, { nullable: true, description: 'One interaction of the account with everything stored about it; null when unknown.' })
  interaction(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Interaction | null> {
    return interactionsByExternalId(ctx).load(id);
  }

  @FieldResolver(() => Automation, { nullable: true, description: 'Null for interactions handled only in the inbox.' })
  automation(@Root() interaction: Interaction, @Ctx() ctx: Context): Promise<Automation | null> | null {
    return interaction.automationInternalId === null ? null : automationLoader(ctx).load(interaction.automationInternalId);
  }

  @FieldResolver(() => [InteractionTopic])
  topics(@Root() interaction: Interaction, @Ctx() ctx: Context): Promise<InteractionTopic[]> {
    return topicsLoader(ctx).load(interaction.internalId);
  }

  @FieldResolver(() => [String])
  issues(@Root() interaction: Interaction, @Ctx() ctx: Context): Promise<string[]> {
    return issuesLoader(ctx).load(interaction.internalId);
  }

  @FieldResolver(() => [Message], { description: 'Every stored message, in sentAt order, then ID.' })
  transcript(@Root() interaction: Interaction, @Ctx() ctx: Context): Promise<Message[]> {
    return messagesLoader(ctx).load(interaction.internalId);
  }

  @FieldResolver(() => [InteractionLog], { description: 'What ran (mostly for non-conversational interactions), by time.' })
  logs(@Root() interaction: Interaction, @Ctx() ctx: Context): Promise<InteractionLog[]> {
    return logsLoader(ctx).load(interaction.internalId);
  }

  @FieldResolver(() => CustomerProfile, { nullable: true, description: "Reference to the Customer Profiles subgraph's entity; null when unknown." })
  customer(@Root() interaction: Interaction): CustomerProfile | null {
    return interaction.customerProfileId ? { id: interaction.customerProfileId } : null;
  }
}

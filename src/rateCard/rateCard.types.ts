import { Field, Float, InputType, ObjectType } from 'type-graphql';
import { AutomationType } from '../common/enums';

@ObjectType()
export class ChannelPrice {
  @Field() channel!: string;
  @Field(() => Float, { description: 'Price of one outbound message on this channel.' }) outboundMessage!: number;
  @Field(() => Float, { description: 'Price of one inbound message on this channel.' }) inboundMessage!: number;
}

@ObjectType()
export class AutomationPrice {
  @Field(() => AutomationType) automationType!: AutomationType;
  @Field(() => Float, { description: 'Price of one interaction run by an automation of this type.' }) perInteraction!: number;
}

@ObjectType({ description: 'Prices used to estimate the cost of interactions. A price not listed counts as 0.' })
export class RateCard {
  @Field({ description: 'ISO 4217 code, e.g. EUR.' }) currency!: string;
  @Field(() => [ChannelPrice]) channels!: ChannelPrice[];
  @Field(() => [AutomationPrice]) automations!: AutomationPrice[];
  @Field(() => Float, { description: 'Price of one minute of human-agent time.' }) agentPerMinute!: number;
}

@InputType()
export class ChannelPriceInput {
  @Field() channel!: string;
  @Field(() => Float) outboundMessage!: number;
  @Field(() => Float) inboundMessage!: number;
}

@InputType()
export class AutomationPriceInput {
  @Field(() => AutomationType) automationType!: AutomationType;
  @Field(() => Float) perInteraction!: number;
}

@InputType()
export class RateCardInput {
  @Field() currency!: string;
  @Field(() => [ChannelPriceInput]) channels!: ChannelPriceInput[];
  @Field(() => [AutomationPriceInput]) automations!: AutomationPriceInput[];
  @Field(() => Float) agentPerMinute!: number;
}

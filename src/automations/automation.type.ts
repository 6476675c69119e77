import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { AutomationType } from '../common/enums';

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A journey, chatbot or AI agent, as named by its latest interaction.' })
export class Automation {
  /** Internal integer key; never exposed. */
  internalId!: number;

  @Field(() => ID, { description: 'The automation ID of the source system.' })
  id!: string;

  @Field(() => AutomationType)
  type!: AutomationType;

  @Field()
  name!: string;
}

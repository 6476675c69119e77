import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A record that was not stored, and why. It changed nothing.' })
export class RejectedRecord {
  @Field(() => Int, { description: 'Position of the record in the `records` list (0-based).' })
  index!: number;

  @Field(() => String, { nullable: true, description: 'The field at fault, e.g. `messages[2].sentAt`; null when the whole record is.' })
  path!: string | null;

  @Field({ description: 'One line saying what is wrong.' })
  reason!: string;
}

@ObjectType()
export class IngestResult {
  @Field(() => Int, { description: 'Records accepted, including late reports that changed nothing.' })
  stored!: number;

  @Field(() => [RejectedRecord])
  rejected!: RejectedRecord[];
}

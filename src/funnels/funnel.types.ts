import { Directive, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { FunnelStepKind } from './funnelStepKind';

export { FunnelStepKind };
registerEnumType(FunnelStepKind, {
  name: 'FunnelStepKind',
  description: 'STARTING_DIALOG / ENDING_DIALOG: the first / last DIALOG step of an interaction.',
});

export enum FunnelStatus {
  OK = 'OK',
  NO_DATA = 'NO_DATA',
  NOT_CONFIGURED = 'NOT_CONFIGURED',
}
registerEnumType(FunnelStatus, { name: 'FunnelStatus' });

@ObjectType()
export class FunnelStep {
  @Field(() => FunnelStepKind) kind!: FunnelStepKind;
  @Field(() => String, { nullable: true, description: 'The element, dialog or tool name; null for session start and end.' }) name!: string | null;
}

@InputType()
export class FunnelStepInput {
  @Field(() => FunnelStepKind) kind!: FunnelStepKind;
  @Field(() => String, { nullable: true }) name?: string | null;
}

@InputType()
export class FunnelViewInput {
  @Field({ description: '1 to 100 characters.' }) name!: string;
  @Field(() => ID) automationId!: string;
  @Field(() => ID, { nullable: true, description: 'Only interactions of this version ID of the automation.' }) versionId?: string | null;
  @Field(() => [FunnelStepInput], { description: '1 to 20 steps whose kinds fit the automation type.' }) steps!: FunnelStepInput[];
}

/** A saved view; `automationInternalId` loads its automation. */
@Directive('@key(fields: "id")')
@ObjectType({ description: 'A saved funnel: one automation (optionally one version) and its ordered steps.' })
export class FunnelView {
  automationInternalId!: number;
  createdAt!: Date;

  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => ID, { nullable: true }) versionId!: string | null;
  @Field(() => [FunnelStep]) steps!: FunnelStep[];
}

@ObjectType()
export class FunnelStepResult {
  @Field(() => FunnelStep) step!: FunnelStep;
  @Field(() => Int, { description: 'Interactions that reached this step in order.' }) interactions!: number;
  @Field(() => Float, { nullable: true, description: 'interactions / interactions at step 1 × 100.' }) conversionRate!: number | null;
  @Field(() => Int, { description: 'Reached the previous step but not this one (0 for step 1).' }) dropOff!: number;
}

@ObjectType()
export class Funnel {
  @Field(() => FunnelStatus) status!: FunnelStatus;
  @Field(() => String, { nullable: true }) message!: string | null;
  @Field(() => FunnelView, { nullable: true }) view!: FunnelView | null;
  @Field(() => [FunnelStepResult]) steps!: FunnelStepResult[];
}

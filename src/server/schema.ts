import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import '../common/enums';
import { AutomationResolver } from '../automations/automation.resolver';
import {
  CsatDrilldownResolver,
  InsightsDrilldownResolver,
  IssueImpactResolver,
  OutcomeDrilldownResolver,
  SentimentDrilldownResolver,
  TopicConnectionResolver,
  TopicDetailsResolver,
  UnsuccessfulDrilldownResolver,
} from '../drilldowns/drilldowns.resolver';
import { FunnelViewResolver } from '../funnels/funnel.resolver';
import { IngestResolver } from '../ingest/ingest.resolver';
import { InteractionResolver } from '../interactions/interaction.resolver';
import { InteractionConnectionResolver } from '../interactions/interactionConnection';
import { InsightsGroupResolver, InsightsPeriodResolver, InsightsResolver } from '../metrics/insights.resolver';
import { RateCardResolver } from '../rateCard/rateCard.resolver';
import { scopeAuthChecker } from './authChecker';

/** Every resolver of the API; each domain folder contributes its own. */
export const resolvers: NonEmptyArray<Function> = [
  AutomationResolver,
  IngestResolver,
  InsightsResolver,
  InsightsPeriodResolver,
  InsightsGroupResolver,
  InsightsDrilldownResolver,
  OutcomeDrilldownResolver,
  UnsuccessfulDrilldownResolver,
  IssueImpactResolver,
  CsatDrilldownResolver,
  SentimentDrilldownResolver,
  TopicDetailsResolver,
  TopicConnectionResolver,
  InteractionResolver,
  InteractionConnectionResolver,
  FunnelViewResolver,
  RateCardResolver,
];

let built: Promise<GraphQLSchema> | undefined;

/** The executable schema (built once per process: type-graphql's metadata is global). */
export function buildTouchpointSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers,
    authChecker: scopeAuthChecker,
    // Input rules are checked by each domain with messages that name the field.
    validate: false,
  });
  return built;
}

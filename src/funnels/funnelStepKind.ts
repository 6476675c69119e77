import { registerEnumType } from 'type-graphql';

// Apart from funnel.types.ts: ingest computes funnel reach with it, and must load without the
// decorated GraphQL classes (scripts that ingest do not load reflect-metadata).
export enum FunnelStepKind {
  JOURNEY_ELEMENT = 'JOURNEY_ELEMENT',
  STARTING_DIALOG = 'STARTING_DIALOG',
  ENDING_DIALOG = 'ENDING_DIALOG',
  SESSION_START = 'SESSION_START',
  SESSION_END = 'SESSION_END',
  AI_AGENT_TOOL = 'AI_AGENT_TOOL',
}
registerEnumType(FunnelStepKind, {
  name: 'FunnelStepKind',
  description: 'STARTING_DIALOG / ENDING_DIALOG: the first / last DIALOG step of an interaction.',
});

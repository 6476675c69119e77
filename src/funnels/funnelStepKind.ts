// Apart from funnel.types.ts, which registers it with GraphQL: ingest computes funnel reach with
// it, and loads neither the decorated GraphQL classes (scripts that ingest do not load
// reflect-metadata) nor type-graphql itself (0.13 s of every `touchpoint import`'s start).
export enum FunnelStepKind {
  JOURNEY_ELEMENT = 'JOURNEY_ELEMENT',
  STARTING_DIALOG = 'STARTING_DIALOG',
  ENDING_DIALOG = 'ENDING_DIALOG',
  SESSION_START = 'SESSION_START',
  SESSION_END = 'SESSION_END',
  AI_AGENT_TOOL = 'AI_AGENT_TOOL',
}

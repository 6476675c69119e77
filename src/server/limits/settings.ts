import { intFromEnv as env } from '../../config/env';

/** The abuse limits, each overridable by an environment variable (README: "Limits"). */
export interface Limits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxBatchOperations: number;
  maxBodyBytes: number;
  maxIngestBodyBytes: number;
  statementTimeoutMs: number;
  ratePerMinute: number;
  rateBurst: number;
}

export function readLimits(overrides: Partial<Limits> = {}): Limits {
  return {
    maxDepth: env('TOUCHPOINT_MAX_DEPTH', 12),
    maxCost: env('TOUCHPOINT_MAX_COST', 20_000),
    maxAliases: env('TOUCHPOINT_MAX_ALIASES', 30),
    maxBatchOperations: env('TOUCHPOINT_MAX_BATCH_OPERATIONS', 10),
    maxBodyBytes: env('TOUCHPOINT_MAX_BODY_BYTES', 1_000_000),
    maxIngestBodyBytes: env('TOUCHPOINT_MAX_INGEST_BODY_BYTES', 16_000_000),
    statementTimeoutMs: env('TOUCHPOINT_STATEMENT_TIMEOUT_MS', 15_000),
    ratePerMinute: env('TOUCHPOINT_RATE_LIMIT_PER_MINUTE', 600),
    rateBurst: env('TOUCHPOINT_RATE_LIMIT_BURST', 60),
    ...overrides,
  };
}

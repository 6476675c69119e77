import path from 'node:path';

/** Runtime settings, read once from the environment. Every knob is documented in the README. */
export interface Settings {
  /** An external PostgreSQL 15+; when unset, an embedded PostgreSQL is run from dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  port: number;
  host: string;
  /** Connections in the pool of one process. */
  poolSize: number;
  /** How long a request may wait for a free connection before failing. */
  poolAcquireTimeoutMs: number;
  /** Whether figures read whole days from the rollups (TOUCHPOINT_ROLLUPS=off reads raw rows only). */
  useRollups: boolean;
}

/** A positive whole number from the environment, or `fallback` when unset. */
export function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${name} must be a positive integer, got "${raw}"`);
  }
  return value;
}

/** `on` or `off` from the environment, or `fallback` when unset. */
export function onOffFromEnv(name: string, fallback: boolean): boolean {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw !== 'on' && raw !== 'off') throw new Error(`${name} must be "on" or "off", got "${raw}"`);
  return raw === 'on';
}

export function readSettings(): Settings {
  return {
    databaseUrl: process.env.DATABASE_URL || undefined,
    dataDir: path.resolve(process.env.TOUCHPOINT_DATA_DIR || '.data'),
    port: intFromEnv('PORT', 4000),
    host: process.env.HOST || '127.0.0.1',
    poolSize: intFromEnv('TOUCHPOINT_POOL_SIZE', 10),
    poolAcquireTimeoutMs: intFromEnv('TOUCHPOINT_POOL_ACQUIRE_TIMEOUT_MS', 5_000),
    useRollups: onOffFromEnv('TOUCHPOINT_ROLLUPS', true),
  };
}

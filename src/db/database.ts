import pg from 'pg';
import type { PrismaClient } from '../generated/prisma/client';
import { backgroundSettled } from './background';

/**
 * One process's connections: a pg pool for the SQL that computes figures and writes batches,
 * and a Prisma client over the same pool for the plain CRUD (views, rate cards, keys).
 */
export interface Database {
  pool: pg.Pool;
  prisma: PrismaClient;
  close(): Promise<void>;
}

export interface PoolOptions {
  size?: number;
  /** How long a caller waits for a free connection before getting an error (not hanging). */
  acquireTimeoutMs?: number;
  /** Longest a single statement may run before PostgreSQL cancels it. */
  statementTimeoutMs?: number;
  /** Client-side deadline of a statement, for a server that does not answer at all. */
  queryTimeoutMs?: number;
}

// COUNT(*) is int8 and comes back as a string by default; figures stay well inside 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

/**
 * The planner's price of starting parallel workers, raised from 1,000 for this service's sessions:
 * figures read a few hundred rollup rows and a few thousand raw edge rows in several statements at
 * once, and workers started for such statements cost more than they save (an Append over rollups
 * and two edges took 7 ms in a Gather for 1.5 ms of work). Scans of millions of rows (the raw
 * path) still go parallel. At 10 M interactions the 10:37 to 10:37 dashboards went from 61-70 to
 * 54-55 ms p50.
 */
const PARALLEL_SETUP_COST = 10_000;

/**
 * This service's sessions never JIT-compile: its statements run for milliseconds, and a series'
 * statement (a subquery per period) is large and, by the planner's cost, over `jit_above_cost`.
 * On a PostgreSQL 15.18 of its own with the default `jit` on, the channels statement of a 30-day
 * daily series at 1 M interactions compiled 1,710 functions in 3.7 s to run for 20 ms (the embedded
 * server has `jit` off too, src/db/embedded.ts).
 */
const SESSION_SETTINGS = `-c parallel_setup_cost=${PARALLEL_SETUP_COST} -c jit=off`;

export function connectDatabase(url: string, options: PoolOptions = {}): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.size ?? 10,
    connectionTimeoutMillis: options.acquireTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs,
    query_timeout: options.queryTimeoutMs,
    application_name: 'touchpoint',
    options: SESSION_SETTINGS,
  });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on('error', () => undefined);
  let prisma: PrismaClient | undefined;
  return {
    pool,
    get prisma() {
      return (prisma ??= prismaOver(pool));
    },
    close: async () => {
      await backgroundSettled(pool);
      await prisma?.$disconnect();
      await pool.end();
    },
  };
}

/**
 * A Prisma client over the pool, loaded on first use: bulk imports and seeding use only the pool,
 * and loading Prisma's client took 50 ms and about 10 MB of each such run.
 */
function prismaOver(pool: pg.Pool): PrismaClient {
  const { PrismaClient } = require('../generated/prisma/client') as typeof import('../generated/prisma/client');
  const { PrismaPg } = require('@prisma/adapter-pg') as typeof import('@prisma/adapter-pg');
  return new PrismaClient({ adapter: new PrismaPg(pool) });
}

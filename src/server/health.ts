import type { Request, Response } from 'express';
import type pg from 'pg';
import type { Database } from '../db/database';

const CHECK_TIMEOUT_MS = 2_000;

/**
 * 200 when PostgreSQL answers within two seconds, 503 otherwise. The check's own query times out
 * on the client side, so a hung database does not leave pool connections stuck behind checks.
 * The reason is not given: the error would show the database's address to anyone.
 */
export function healthHandler(db: Database) {
  return async (_req: Request, res: Response) => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        // query_timeout is a node-postgres option its type definitions do not list.
        db.pool.query({ text: 'SELECT 1', query_timeout: CHECK_TIMEOUT_MS } as pg.QueryConfig),
        // Waiting for a connection (when none is free or the server does not answer) counts too.
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
        }),
      ]);
      res.status(200).json({ status: 'ok', database: 'reachable' });
    } catch {
      res.status(503).json({ status: 'unavailable', database: 'unreachable' });
    } finally {
      clearTimeout(timer);
    }
  };
}

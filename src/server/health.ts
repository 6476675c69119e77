import type { Request, Response } from 'express';
import type { Database } from '../db/database';

/** 200 when PostgreSQL answers within two seconds, 503 otherwise. */
export function healthHandler(db: Database) {
  return async (_req: Request, res: Response) => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        db.pool.query('SELECT 1'),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timed out')), 2_000);
        }),
      ]);
      res.status(200).json({ status: 'ok', database: 'reachable' });
    } catch (error) {
      res.status(503).json({ status: 'unavailable', database: 'unreachable', reason: (error as Error).message });
    } finally {
      // Otherwise every health check leaves a 2 s timer behind (keeps a stopping process alive).
      clearTimeout(timer);
    }
  };
}

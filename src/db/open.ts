import type { Settings } from '../config/env';
import { connectDatabase, type Database, type PoolOptions } from './database';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded';
import { migrate } from './migrate';
import { backfillRollups } from '../rollups/rebuild';

export interface OpenDatabase {
  db: Database;
  url: string;
  embedded: EmbeddedDatabase | undefined;
  /** Closes the pool and, when this process started the embedded PostgreSQL, stops it. */
  close(): Promise<void>;
}

/** The database of DATABASE_URL, or the embedded one (started, or joined when already running). */
export async function openDatabase(
  settings: Settings,
  options: { migrate?: boolean; pool?: PoolOptions } = {},
): Promise<OpenDatabase> {
  const embedded = settings.databaseUrl ? undefined : await startEmbeddedDatabase(settings.dataDir);
  const url = settings.databaseUrl ?? embedded!.url;
  if (options.migrate !== false) {
    // On a pool of their own: migrations may run long, the service's pool has statement deadlines.
    const migrator = connectDatabase(url, { size: 1 });
    try {
      await backfillRollups(migrator.pool, await migrate(migrator.pool));
    } catch (error) {
      await embedded?.stop();
      throw error;
    } finally {
      await migrator.close();
    }
  }
  const db = connectDatabase(url, {
    size: settings.poolSize,
    acquireTimeoutMs: settings.poolAcquireTimeoutMs,
    ...options.pool,
  });
  return {
    db,
    url,
    embedded,
    close: async () => {
      await db.close();
      await embedded?.stop();
    },
  };
}

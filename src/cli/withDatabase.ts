import { readSettings } from '../config/env';
import { openDatabase, type OpenDatabase } from '../db/open';

/**
 * Runs a CLI command with the database: the external one, the embedded one the server is
 * running, or an embedded one started (and stopped) for this command alone.
 */
export async function withDatabase<T>(work: (open: OpenDatabase) => Promise<T>, options: { migrate?: boolean } = {}): Promise<T> {
  const open = await openDatabase(readSettings(), { migrate: options.migrate ?? true, pool: { size: 4 } });
  try {
    return await work(open);
  } finally {
    await open.close();
  }
}

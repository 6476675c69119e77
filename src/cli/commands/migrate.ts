import { migrate } from '../../db/migrate';
import { backfillRollups } from '../../rollups/rebuild';
import { withDatabase } from '../withDatabase';
import { parseOptions } from '../usage';

export async function migrateCommand(argv: string[]): Promise<number> {
  parseOptions(argv, {});
  return withDatabase(async ({ db }) => {
    const applied = await migrate(db.pool);
    await backfillRollups(db.pool, applied);
    process.stdout.write(applied.length ? `applied ${applied.join(', ')}\n` : 'database is up to date\n');
    return 0;
  }, { migrate: false });
}

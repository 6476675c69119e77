import { rebuildAccounts } from '../../rollups/rebuild';
import { resolveAccount } from '../resolveAccount';
import { parseOptions, UsageError } from '../usage';
import { withDatabase } from '../withDatabase';

/** `touchpoint rollups rebuild [--account ID]`: recomputes the daily rollups from the raw rows. */
export async function rollupsCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'rebuild') throw new UsageError(sub ? `unknown rollups command "${sub}"` : 'rollups needs a command: rebuild');
  const { values } = parseOptions(rest, { account: { type: 'string' } });
  return withDatabase(async ({ db }) => {
    const accounts = values.account ? [await resolveAccount(db.pool, values.account)] : undefined;
    const started = Date.now();
    const written = await rebuildAccounts(db.pool, accounts);
    for (const [account, tables] of written) {
      const rows = Object.entries(tables).map(([table, n]) => `${table} ${n}`).join(', ');
      process.stdout.write(`rebuilt rollups of ${account}: ${rows}\n`);
    }
    process.stdout.write(`done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return 0;
  });
}

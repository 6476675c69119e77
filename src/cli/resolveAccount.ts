import type pg from 'pg';
import type { AccountIds } from '../accounts/accountStore';
import { UsageError } from './usage';

/**
 * The account named by --account, or the only account there is when it is omitted. Plain SQL, not
 * Prisma: this is all the import command would use Prisma for, and its first query loads Prisma's
 * query engine, about 70 MB of the import's 300 MB budget.
 */
export async function resolveAccount(pool: pg.Pool, requested: string | undefined): Promise<AccountIds> {
  if (requested) {
    const { rows } = await pool.query<AccountIds>('SELECT id, "externalId" FROM "Account" WHERE "externalId" = $1', [requested]);
    if (rows.length === 0) throw new UsageError(`no account with id "${requested}" (see \`touchpoint accounts list\`)`);
    return rows[0]!;
  }
  const { rows: accounts } = await pool.query<AccountIds>('SELECT id, "externalId" FROM "Account" ORDER BY id LIMIT 2');
  if (accounts.length === 1) return accounts[0]!;
  throw new UsageError(
    accounts.length === 0
      ? 'there is no account yet: create one with `touchpoint accounts create --name NAME`'
      : '--account is required when there is more than one account (see `touchpoint accounts list`)',
  );
}

import type pg from 'pg';
import { UsageError } from './usage';

/**
 * The account named by --account, or the only account there is when it is omitted. Plain SQL, not
 * Prisma: this is all the import command would use Prisma for, and its first query loads Prisma's
 * query engine, about 70 MB of the import's 300 MB budget.
 */
export async function resolveAccount(pool: pg.Pool, requested: string | undefined): Promise<string> {
  if (requested) {
    const { rows } = await pool.query<{ id: string }>('SELECT id FROM "Account" WHERE id = $1', [requested]);
    if (rows.length === 0) throw new UsageError(`no account with id "${requested}" (see \`touchpoint accounts list\`)`);
    return rows[0]!.id;
  }
  const { rows: accounts } = await pool.query<{ id: string }>('SELECT id FROM "Account" ORDER BY id LIMIT 2');
  if (accounts.length === 1) return accounts[0]!.id;
  throw new UsageError(
    accounts.length === 0
      ? 'there is no account yet: create one with `touchpoint accounts create --name NAME`'
      : '--account is required when there is more than one account (see `touchpoint accounts list`)',
  );
}

import type { PrismaClient } from '../generated/prisma/client';
import { UsageError } from './usage';

/** The account named by --account, or the only account there is when it is omitted. */
export async function resolveAccount(prisma: PrismaClient, requested: string | undefined): Promise<string> {
  if (requested) {
    const account = await prisma.account.findUnique({ where: { id: requested } });
    if (!account) throw new UsageError(`no account with id "${requested}" (see \`touchpoint accounts list\`)`);
    return account.id;
  }
  const accounts = await prisma.account.findMany({ take: 2, select: { id: true } });
  if (accounts.length === 1) return accounts[0]!.id;
  throw new UsageError(
    accounts.length === 0
      ? 'there is no account yet: create one with `touchpoint accounts create --name NAME`'
      : '--account is required when there is more than one account (see `touchpoint accounts list`)',
  );
}

import { createAccount } from '../../accounts/accountStore';
import { withDatabase } from '../withDatabase';
import { parseOptions, required, UsageError } from '../usage';

export async function accountsCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'create') {
    const { values } = parseOptions(rest, { name: { type: 'string' }, id: { type: 'string' } });
    const name = required(values.name, '--name');
    return withDatabase(async ({ db }) => {
      const account = await createAccount(db.prisma, name, values.id);
      process.stdout.write(JSON.stringify({ id: account.externalId, name: account.name, apiKey: account.apiKey }) + '\n');
      return 0;
    });
  }
  if (sub === 'list') {
    parseOptions(rest, {});
    return withDatabase(async ({ db }) => {
      const accounts = await db.prisma.account.findMany({ orderBy: { createdAt: 'asc' } });
      for (const account of accounts) {
        process.stdout.write(JSON.stringify({ id: account.externalId, name: account.name, createdAt: account.createdAt }) + '\n');
      }
      return 0;
    });
  }
  throw new UsageError(sub ? `unknown accounts command "${sub}"` : 'accounts needs a command: create or list');
}

import { createApiKey, listApiKeys, revokeApiKey } from '../../accounts/accountStore';
import { parseScopes, SCOPES } from '../../accounts/apiKeys';
import { resolveAccount } from '../resolveAccount';
import { withDatabase } from '../withDatabase';
import { parseOptions, required, UsageError } from '../usage';

export async function keysCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'create') {
    const { values } = parseOptions(rest, {
      account: { type: 'string' },
      name: { type: 'string' },
      scopes: { type: 'string' },
    });
    const externalId = required(values.account, '--account');
    let scopes;
    try {
      scopes = parseScopes(values.scopes ?? SCOPES.join(','));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    return withDatabase(async ({ db }) => {
      const account = await resolveAccount(db.pool, externalId);
      const key = await createApiKey(db.prisma, account.id, values.name ?? 'key', scopes);
      process.stdout.write(JSON.stringify({ id: key.id, accountId: externalId, scopes: key.scopes, apiKey: key.apiKey }) + '\n');
      return 0;
    });
  }
  if (sub === 'list') {
    const { values } = parseOptions(rest, { account: { type: 'string' } });
    const externalId = required(values.account, '--account');
    return withDatabase(async ({ db }) => {
      const account = await resolveAccount(db.pool, externalId);
      for (const key of await listApiKeys(db.prisma, account.id)) process.stdout.write(JSON.stringify(key) + '\n');
      return 0;
    });
  }
  if (sub === 'revoke') {
    const { values } = parseOptions(rest, { account: { type: 'string' }, key: { type: 'string' } });
    const externalId = required(values.account, '--account');
    const keyId = required(values.key, '--key');
    return withDatabase(async ({ db }) => {
      const account = await resolveAccount(db.pool, externalId);
      if (!(await revokeApiKey(db.prisma, account.id, keyId))) {
        process.stderr.write(`touchpoint: no active key ${keyId} in account ${externalId} (see \`touchpoint keys list --account ${externalId}\`)\n`);
        return 1;
      }
      process.stdout.write(JSON.stringify({ revoked: keyId }) + '\n');
      return 0;
    });
  }
  throw new UsageError(sub ? `unknown keys command "${sub}"` : 'keys needs a command: create, list or revoke');
}

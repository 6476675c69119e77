import { createApiKey, listApiKeys, revokeApiKey } from '../../accounts/accountStore';
import { parseScopes, SCOPES } from '../../accounts/apiKeys';
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
    const accountId = required(values.account, '--account');
    let scopes;
    try {
      scopes = parseScopes(values.scopes ?? SCOPES.join(','));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    return withDatabase(async ({ db }) => {
      const key = await createApiKey(db.prisma, accountId, values.name ?? 'key', scopes);
      process.stdout.write(JSON.stringify({ id: key.id, accountId, scopes: key.scopes, apiKey: key.apiKey }) + '\n');
      return 0;
    });
  }
  if (sub === 'list') {
    const { values } = parseOptions(rest, { account: { type: 'string' } });
    const accountId = required(values.account, '--account');
    return withDatabase(async ({ db }) => {
      for (const key of await listApiKeys(db.prisma, accountId)) process.stdout.write(JSON.stringify(key) + '\n');
      return 0;
    });
  }
  if (sub === 'revoke') {
    const { values } = parseOptions(rest, { account: { type: 'string' }, key: { type: 'string' } });
    const accountId = required(values.account, '--account');
    const keyId = required(values.key, '--key');
    return withDatabase(async ({ db }) => {
      if (!(await revokeApiKey(db.prisma, accountId, keyId))) {
        process.stderr.write(`touchpoint: no active key ${keyId} in account ${accountId} (see \`touchpoint keys list --account ${accountId}\`)\n`);
        return 1;
      }
      process.stdout.write(JSON.stringify({ revoked: keyId }) + '\n');
      return 0;
    });
  }
  throw new UsageError(sub ? `unknown keys command "${sub}"` : 'keys needs a command: create, list or revoke');
}

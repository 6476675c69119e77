import { demoEnd } from '../../demo/generator';
import { seedDemoData } from '../../demo/seed';
import { resolveAccount } from '../resolveAccount';
import { withDatabase } from '../withDatabase';
import { parseOptions, positiveInt } from '../usage';

export async function seedCommand(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, {
    account: { type: 'string' },
    interactions: { type: 'string' },
    days: { type: 'string' },
    seed: { type: 'string' },
  });
  const interactions = positiveInt(values.interactions, '--interactions', 10_000);
  const days = positiveInt(values.days, '--days', 30);
  const seed = positiveInt(values.seed, '--seed', 1);
  return withDatabase(async ({ db }) => {
    const account = await resolveAccount(db.pool, values.account);
    const started = Date.now();
    const result = await seedDemoData(db.pool, account.id, { interactions, days, seed, end: demoEnd() }, (stored) =>
      process.stderr.write(`seed: ${stored} records stored\r`),
    );
    process.stderr.write('\n');
    process.stdout.write(JSON.stringify({ account: account.externalId, interactions, days, seed, stored: result.stored, rejected: result.rejected.length, seconds: (Date.now() - started) / 1000 }) + '\n');
    return result.rejected.length > 0 ? 1 : 0;
  });
}

import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { createAccount } from '../accounts/accountStore';
import type { PrismaClient } from '../generated/prisma/client';
import { demoEnd } from './generator';
import { seedDemoData } from './seed';

export const DEMO_INTERACTIONS = 50_000;

/** Where the demo key is kept on this machine, so a restarted server can show it again. */
export function demoKeyFile(dataDir: string): string {
  return path.join(dataDir, 'demo-api-key');
}

/**
 * On the first start of an embedded database with no accounts: a `demo` account with 50,000
 * interactions over the last 30 days, so a newcomer sees real figures at once. Returns the demo
 * key when there is one on this machine.
 */
export async function ensureDemo(
  db: { pool: pg.Pool; prisma: PrismaClient },
  dataDir: string,
  log: (line: string) => void,
): Promise<string | undefined> {
  const keyFile = demoKeyFile(dataDir);
  if ((await db.prisma.account.count()) > 0) {
    return fs.existsSync(keyFile) ? fs.readFileSync(keyFile, 'utf8').trim() : undefined;
  }
  log(`First start: creating the "demo" account with ${DEMO_INTERACTIONS.toLocaleString('en')} interactions over the last 30 days (--no-demo skips this)…`);
  const account = await createAccount(db.prisma, 'Demo shop', 'demo');
  fs.writeFileSync(keyFile, account.apiKey + '\n', { mode: 0o600 });
  const started = Date.now();
  const result = await seedDemoData(db.pool, account.id, { interactions: DEMO_INTERACTIONS, days: 30, seed: 1, end: demoEnd() });
  log(`Demo data ready: ${result.stored.toLocaleString('en')} records in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return account.apiKey;
}

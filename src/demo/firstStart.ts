import fs from 'node:fs';
import path from 'node:path';
import { createDefaultApiKey, ensureAccount } from '../accounts/accountStore';
import { demoEnd } from './generator';
import { seedDemoData } from './seed';
import { demoRateCard, demoFunnelViews } from './catalog';
import { writeRateCard } from '../rateCard/rateCard.store';
import { createView } from '../funnels/funnelView.store';
import { createMemo, type Context } from '../server/context';
import type { Database } from '../db/database';

export const DEMO_INTERACTIONS = 50_000;
const DEMO_ACCOUNT = 'demo';

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
  db: Database,
  dataDir: string,
  log: (line: string) => void,
): Promise<string | undefined> {
  const keyFile = demoKeyFile(dataDir);
  if (!(await firstStartPending(db))) {
    return fs.existsSync(keyFile) ? fs.readFileSync(keyFile, 'utf8').trim() : undefined;
  }
  log(`First start: creating the "demo" account with ${DEMO_INTERACTIONS.toLocaleString('en')} interactions over the last 30 days (--no-demo skips this)…`);
  const started = Date.now();
  // The account's key is created last: a first start interrupted while seeding finds the demo
  // account without a key next time and seeds it again (records are upserts), instead of keeping
  // half a dataset.
  const { id: accountId } = await ensureAccount(db.prisma, 'Demo shop', DEMO_ACCOUNT);
  const result = await seedDemoData(db.pool, accountId, { interactions: DEMO_INTERACTIONS, days: 30, seed: 1, end: demoEnd() });
  // A rate card and saved funnels, so cost and funnel figures show at once too.
  await writeRateCard(db, accountId, demoRateCard);
  await db.pool.query(`DELETE FROM "FunnelView" WHERE "accountId" = $1`, [accountId]);
  await db.pool.query(`DELETE FROM "DefaultFunnelView" WHERE "accountId" = $1`, [accountId]);
  const ctx: Context = { caller: { accountId, keyId: 'demo', scopes: ['admin'] }, db, requestId: 'demo', now: new Date(), memo: createMemo(), useRollups: true };
  for (const view of demoFunnelViews) await createView(ctx, view);
  const key = await createDefaultApiKey(db.prisma, accountId);
  fs.writeFileSync(keyFile, key.apiKey + '\n', { mode: 0o600 });
  log(`Demo data ready: ${result.stored.toLocaleString('en')} records in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return key.apiKey;
}

/** No account yet, or only the demo account of a first start interrupted before its key was created. */
async function firstStartPending(db: Database): Promise<boolean> {
  const { rows } = await db.pool.query<{ externalId: string; keys: number }>(
    `SELECT a."externalId", (SELECT count(*)::int FROM "ApiKey" k WHERE k."accountId" = a.id) AS keys FROM "Account" a LIMIT 2`,
  );
  if (rows.length === 0) return true;
  return rows.length === 1 && rows[0]!.externalId === DEMO_ACCOUNT && rows[0]!.keys === 0;
}

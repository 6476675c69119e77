/**
 * SIGTERM during `touchpoint import`: the batch being written is committed, nothing after it
 * starts, the command says how to finish, and running it again ends with the full data.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAccount } from '../../src/accounts/accountStore';
import { demoRecords } from '../../src/demo/generator';
import { BIN, cliEnv, ROOT } from '../helpers/cli';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

const INTERACTIONS = 6000;

let db: TestDatabase;
let file: string;
let records: number;

beforeAll(async () => {
  db = await createTestDatabase();
  await createAccount(db.prisma, 'Importer', 'imp');
  file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tp-signal-')), 'demo.ndjson');
  const lines = [...demoRecords({ interactions: INTERACTIONS, days: 10, seed: 3, end: new Date('2026-10-01T00:00:00Z') })].map((r) => JSON.stringify(r));
  records = lines.length;
  fs.writeFileSync(file, lines.join('\n') + '\n');
});
afterAll(async () => {
  await db.drop();
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
});

function runImport(onStarted?: (child: ReturnType<typeof spawn>) => void) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'import', file, '--account', 'imp', '--batch-size', '100'], { cwd: ROOT, env: cliEnv({ DATABASE_URL: db.url }), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c) => (stdout += c));
    child.stderr!.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    onStarted?.(child);
  });
}

const count = async () => (await db.pool.query(`SELECT count(*)::int AS n FROM "Interaction" WHERE "accountId" = (SELECT id FROM "Account" WHERE "externalId" = 'imp')`)).rows[0].n as number;

it('stops after the batch in flight on SIGTERM, and a second run completes the import', async () => {
  const interrupted = await runImport((child) => {
    // One signal only: a second one would (as for any CLI) end the process at once.
    let sent = false;
    const poll = setInterval(async () => {
      if (!sent && (await count()) > 0 && !sent) {
        sent = true;
        clearInterval(poll);
        child.kill('SIGTERM');
      }
    }, 20);
  });
  expect({ code: interrupted.code, stderr: interrupted.stderr, stdout: interrupted.stdout }).toMatchObject({ code: 3 });
  expect(interrupted.stderr).toContain('SIGTERM: finishing the batches being written, then stopping');
  expect(interrupted.stderr).toContain('run the same command again to finish it');
  const partial = JSON.parse(interrupted.stdout.trim());
  expect(partial.interrupted).toBe(true);
  expect(partial.rejected).toBe(0);
  // Stopped early, and whatever it reported stored is in the database (whole batches only).
  expect(partial.stored).toBeLessThan(records);
  expect(partial.stored % 100).toBe(0);
  const afterStop = await count();
  expect(afterStop).toBeGreaterThan(0);
  expect(afterStop).toBeLessThan(INTERACTIONS);

  const again = await runImport();
  expect(again.code).toBe(0);
  expect(JSON.parse(again.stdout.trim())).toMatchObject({ stored: records, rejected: 0 });
  expect(await count()).toBe(INTERACTIONS);
}, 120_000);

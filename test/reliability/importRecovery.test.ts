/**
 * `touchpoint import` killed at an arbitrary point (SIGKILL: no clean-up, the batch being written
 * is cut off mid-transaction) and run again ends with exactly the data of one clean import.
 *
 * Reference: the file imported once, to completion, into database X. Then, for each kill point,
 * a fresh database Y: the import is started, killed once enough interactions exist, and run again
 * to completion; Y must then equal X table by table. Surrogate integer IDs differ between
 * databases, so rows are compared by external IDs (a canonical dump).
 *
 * The CLI runs from dist/ (`npx tsc -p tsconfig.json` after changing src/); X and Y are written
 * by the same build, so the comparison does not depend on it being current.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAccount } from '../../src/accounts/accountStore';
import { demoRecords } from '../../src/demo/generator';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/touchpoint.js');
if (!fs.existsSync(path.join(ROOT, 'dist/cli/main.js'))) {
  throw new Error('dist/ is missing: run `npm run build` before this test.');
}

const ACCOUNT = 'acme';
const INTERACTIONS = 3000;
const BATCH_SIZE = 200;

type Json = Record<string, any>;

function cliEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['DATABASE_URL', 'TOUCHPOINT_DATA_DIR', 'PORT', 'HOST', 'NODE_OPTIONS', 'NODE_ENV']) delete base[name];
  return { ...base, ...env };
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function startImport(file: string, url: string): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, [BIN, 'import', file, '--account', ACCOUNT, '--batch-size', String(BATCH_SIZE)], {
    cwd: ROOT,
    env: cliEnv({ DATABASE_URL: url }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<Run>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`touchpoint import did not finish in 40 s\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, 40_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done };
}

/** A complete import: exit 0 and one summary line saying every line was stored. */
async function importToCompletion(file: string, db: TestDatabase, lines: number): Promise<number> {
  const started = Date.now();
  const run = await startImport(file, db.url).done;
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
  const summary = JSON.parse(run.stdout.trim());
  expect(summary).toMatchObject({ account: ACCOUNT, stored: lines, rejected: 0, rejectedFile: null });
  return Date.now() - started;
}

/** The key of the account ACCOUNT names in this database. */
const accountKey = async (db: TestDatabase) =>
  (await db.pool.query(`SELECT id FROM "Account" WHERE "externalId" = $1`, [ACCOUNT])).rows[0].id as number;

const interactionCount = async (db: TestDatabase) =>
  (await db.pool.query(`SELECT count(*)::int AS n FROM "Interaction" WHERE "accountId" = $1`, [await accountKey(db)])).rows[0].n as number;

/** Keys sorted, so that equal rows serialise equally. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

const CHILD_TABLES = ['InteractionTranscript', 'InteractionChannel', 'InteractionTopic', 'InteractionIssue'];

/**
 * Every row the import writes, as sorted canonical lines per table: integer surrogate keys
 * (Interaction.id, EndUser.id, Automation.id and every column referring to them) are replaced by
 * the external IDs they stand for.
 */
async function canonicalDump(db: TestDatabase): Promise<Record<string, string[]>> {
  const account = await accountKey(db);
  const q = async (sql: string) => (await db.pool.query(sql, [account])).rows as Json[];
  const strip = (rows: Json[], drop: string[]) =>
    rows
      .map((row) => {
        const copy = { ...row };
        for (const column of ['accountId', ...drop]) delete copy[column];
        return canonical(copy);
      })
      .sort();
  const hasColumn = async (table: string, column: string) =>
    (await db.pool.query(`SELECT 1 FROM information_schema.columns WHERE table_name = $1 AND column_name = $2`, [table, column])).rowCount === 1;

  const dump: Record<string, string[]> = {
    Automation: strip(await q(`SELECT * FROM "Automation" WHERE "accountId" = $1`), ['id']),
    AutomationVersion: strip(
      await q(`SELECT v.*, a."externalId" AS "automation" FROM "AutomationVersion" v
                 JOIN "Automation" a ON a."accountId" = v."accountId" AND a.id = v."automationId" WHERE v."accountId" = $1`),
      ['automationId'],
    ),
    EndUser: strip(await q(`SELECT * FROM "EndUser" WHERE "accountId" = $1`), ['id']),
    Interaction: strip(
      await q(`SELECT i.*, u."externalId" AS "endUser", a."externalId" AS "automation" FROM "Interaction" i
                 JOIN "EndUser" u ON u."accountId" = i."accountId" AND u.id = i."endUserId"
                 LEFT JOIN "Automation" a ON a."accountId" = i."accountId" AND a.id = i."automationId"
                WHERE i."accountId" = $1`),
      ['id', 'endUserId', 'automationId'],
    ),
  };
  for (const table of CHILD_TABLES) {
    const automation = await hasColumn(table, 'automationId');
    dump[table] = strip(
      await q(`SELECT t.*, i."externalId" AS "interaction"${automation ? ', a."externalId" AS "automation"' : ''}
                 FROM "${table}" t
                 LEFT JOIN "Interaction" i ON i."accountId" = t."accountId" AND i.id = t."interactionId"
                 ${automation ? 'LEFT JOIN "Automation" a ON a."accountId" = t."accountId" AND a.id = t."automationId"' : ''}
                WHERE t."accountId" = $1`),
      ['interactionId', 'automationId'],
    );
  }
  return dump;
}

/** Per table: row count and a digest; and for tables that differ, a few rows found on one side only. */
function differences(expected: Record<string, string[]>, actual: Record<string, string[]>) {
  const digest = (rows: string[]) => createHash('sha256').update(rows.join('\n')).digest('hex').slice(0, 16);
  const out: Json[] = [];
  for (const table of Object.keys(expected)) {
    const e = expected[table]!;
    const a = actual[table]!;
    if (digest(e) === digest(a)) continue;
    const inA = new Set(a);
    const inE = new Set(e);
    out.push({
      table,
      rows: { expected: e.length, actual: a.length },
      missing: e.filter((row) => !inA.has(row)).slice(0, 3),
      unexpected: a.filter((row) => !inE.has(row)).slice(0, 3),
    });
  }
  return out;
}

let tmp: string;
let file: string;
let lines: number;
let reference: TestDatabase;
let expected: Record<string, string[]>;
const databases: TestDatabase[] = [];

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tp-recovery-'));
  file = path.join(tmp, 'demo.ndjson');
  const records = [...demoRecords({ interactions: INTERACTIONS, days: 30, seed: 2026, end: new Date('2026-11-01T00:00:00Z') })];
  lines = records.length;
  fs.writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');

  reference = await createTestDatabase();
  databases.push(reference);
  await createAccount(reference.prisma, 'Acme', ACCOUNT);
  const ms = await importToCompletion(file, reference, lines);
  console.log(`reference import: ${lines} records (${INTERACTIONS} interactions) in ${ms} ms`);
  expected = await canonicalDump(reference);
});

afterAll(async () => {
  for (const db of databases) await db.drop().catch(() => undefined);
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

it('the reference holds the whole file: every interaction and its child rows', () => {
  expect(expected.Interaction).toHaveLength(INTERACTIONS);
  for (const table of ['Automation', 'AutomationVersion', 'EndUser', ...CHILD_TABLES]) expect({ table, empty: expected[table]!.length === 0 }).toEqual({ table, empty: false });
});

describe.each([
  ['early (after ~10 % of the interactions)', 300],
  ['late (after ~60 % of the interactions)', 1800],
])('killed %s with SIGKILL, then run again', (_name, killAt) => {
  let db: TestDatabase;
  let partial = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    databases.push(db);
    await createAccount(db.prisma, 'Acme', ACCOUNT);
  });

  it('is killed while it runs, with part of the file stored', async () => {
    const { child, done } = startImport(file, db.url);
    let exited = false;
    void done.then(() => (exited = true));
    const started = Date.now();
    let seen = 0;
    while (!exited && Date.now() - started < 30_000) {
      seen = await interactionCount(db);
      if (seen >= killAt) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(exited).toBe(false);
    child.kill('SIGKILL');
    const run = await done;
    expect(run.signal).toBe('SIGKILL');
    partial = await interactionCount(db);
    console.log(`killed at ${seen} interactions seen, ${partial} stored after the kill, ${Date.now() - started} ms after the start`);
    expect(partial).toBeGreaterThanOrEqual(killAt);
    expect(partial).toBeLessThan(INTERACTIONS);
  });

  it('run again to completion, the database equals the reference import, table by table', async () => {
    await importToCompletion(file, db, lines);
    const actual = await canonicalDump(db);
    expect(differences(expected, actual)).toEqual([]);
    expect(Object.fromEntries(Object.entries(actual).map(([t, rows]) => [t, rows.length]))).toEqual(
      Object.fromEntries(Object.entries(expected).map(([t, rows]) => [t, rows.length])),
    );
  });

  it('(the comparison is not blind: a changed message of one interaction shows up as a difference)', async () => {
    const { rows } = await db.pool.query(
      `UPDATE "InteractionTranscript" SET messages = replace(messages::text, '"OUTBOUND","BOT","', '"OUTBOUND","BOT","(changed) ')::json
        WHERE ctid = (SELECT ctid FROM "InteractionTranscript" WHERE "accountId" = $1 AND messages::text LIKE '%"OUTBOUND","BOT","%' ORDER BY "interactionId" LIMIT 1)
        RETURNING "interactionId"`,
      [await accountKey(db)],
    );
    expect(rows).toHaveLength(1);
    expect(differences(expected, await canonicalDump(db)).map((d) => [d.table, d.missing.length, d.unexpected.length])).toEqual([['InteractionTranscript', 1, 1]]);
  });
});

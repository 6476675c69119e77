import pg from 'pg';
import { INITDB_FLAGS, POSTGRES_FLAGS } from '../../src/db/embedded';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

/** The service's sessions price parallel workers out of small statements and never JIT-compile (see SESSION_SETTINGS). */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.drop());

it('sets parallel_setup_cost to 10000 and jit off on its own connections only', async () => {
  const settings = "SELECT current_setting('parallel_setup_cost') AS parallel, current_setting('jit') AS jit";
  expect((await db.pool.query(settings)).rows).toEqual([{ parallel: '10000', jit: 'off' }]);
  const other = new pg.Client({ connectionString: db.url });
  await other.connect();
  try {
    // The server's defaults (the tests' instance, like a server of DATABASE_URL, keeps jit on).
    expect((await other.query(settings)).rows).toEqual([{ parallel: '1000', jit: 'on' }]);
  } finally {
    await other.end();
  }
});

/** A value of the embedded instance's settings: `-c name=value`, or `--name=value` of initdb. */
const flag = (flags: readonly string[], prefix: string) => flags.find((f) => f.startsWith(prefix))!.slice(prefix.length);

// The tests' own instance (test/setup/global-setup.mjs) copies these settings by hand; a server of
// DATABASE_URL keeps its own.
(process.env.TOUCHPOINT_TEST_EMBEDDED ? it : it.skip)('the tests run on the embedded instance\'s page cost and collation', async () => {
  const { rows } = await db.pool.query(
    `SELECT current_setting('random_page_cost') AS "randomPageCost", datlocprovider AS provider, datlocale AS locale, pg_encoding_to_char(encoding) AS encoding
       FROM pg_database WHERE datname = current_database()`,
  );
  expect(rows).toEqual([{
    randomPageCost: flag(POSTGRES_FLAGS, 'random_page_cost='),
    provider: flag(INITDB_FLAGS, '--locale-provider=').charAt(0),
    locale: flag(INITDB_FLAGS, '--builtin-locale='),
    encoding: flag(INITDB_FLAGS, '--encoding='),
  }]);
});

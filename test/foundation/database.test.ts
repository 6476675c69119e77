import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

/** The service's sessions price parallel workers out of small statements (see PARALLEL_SETUP_COST). */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.drop());

it('sets parallel_setup_cost to 10000 on its own connections only', async () => {
  const { rows } = await db.pool.query('SHOW parallel_setup_cost');
  expect(rows).toEqual([{ parallel_setup_cost: '10000' }]);
  const other = new pg.Client({ connectionString: db.url });
  await other.connect();
  try {
    expect((await other.query('SHOW parallel_setup_cost')).rows).toEqual([{ parallel_setup_cost: '1000' }]);
  } finally {
    await other.end();
  }
});

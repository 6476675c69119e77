import { createAccount } from '../../src/accounts/accountStore';
import { connectDatabase, type Database } from '../../src/db/database';
import { startServer, type RunningServer } from '../../src/server/app';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

/** With every connection taken, a request fails after the acquire timeout instead of hanging. */
let base: TestDatabase;
let db: Database;
let server: RunningServer;
let apiKey: string;

beforeAll(async () => {
  base = await createTestDatabase();
  apiKey = (await createAccount(base.prisma, 'A')).apiKey;
  db = connectDatabase(base.url, { size: 1, acquireTimeoutMs: 300 });
  server = await startServer({ db, port: 0 });
});
afterAll(async () => {
  await server.stop();
  await db.close();
  await base.drop();
});

const query = () =>
  fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query: '{ automations { id } }' }),
  });

it('fails fast with SERVICE_UNAVAILABLE while the pool is exhausted, and works once a connection is free', async () => {
  const held = await db.pool.connect();
  try {
    const started = Date.now();
    const res = await query();
    const elapsed = Date.now() - started;
    const body = (await res.json()) as { data?: unknown; errors: Array<{ extensions: { code: string } }> };
    expect(res.status).toBe(503);
    expect(body.errors[0]!.extensions.code).toBe('SERVICE_UNAVAILABLE');
    expect(body.data).toBeUndefined();
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(3_000);
  } finally {
    held.release();
  }
  const res = await query();
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ data: { automations: [] } });
});

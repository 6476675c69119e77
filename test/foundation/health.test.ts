import { connectDatabase, type Database } from '../../src/db/database';
import { startServer, type RunningServer } from '../../src/server/app';
import { freePort } from '../../src/common/freePort';

// The server over a database that is not there: nothing listens on the port of its URL.
// Health must say so quickly and GraphQL requests must fail fast instead of hanging.

let db: Database;
let server: RunningServer;

beforeAll(async () => {
  const port = await freePort();
  db = connectDatabase(`postgresql://postgres:nothing@127.0.0.1:${port}/touchpoint`, { size: 2, acquireTimeoutMs: 1_000 });
  server = await startServer({ db, port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await server?.stop();
  await db?.close();
});

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

it('GET /health answers 503 within 3 s, saying the database is unreachable', async () => {
  const { value: res, ms } = await timed(() => fetch(`${server.url}/health`, { signal: AbortSignal.timeout(5_000) }));
  expect(res.status).toBe(503);
  expect(await res.json()).toMatchObject({ status: 'unavailable', database: 'unreachable' });
  expect(ms).toBeLessThan(3_000);
});

it('a GraphQL request with a well-formed key fails fast with an error, not a hang', async () => {
  const { value: res, ms } = await timed(() =>
    fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer tp_${'A'.repeat(43)}` },
      body: JSON.stringify({ query: '{ __typename }' }),
      signal: AbortSignal.timeout(5_000),
    }),
  );
  expect(ms).toBeLessThan(3_000);
  expect(res.status).toBe(503);
  const body = (await res.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  expect(body.data ?? null).toBeNull();
  expect(body.errors).toHaveLength(1);
  expect(body.errors![0]!.extensions?.code).toBe('SERVICE_UNAVAILABLE');
  // The client learns the database is down, not our source code or the database's address.
  expect(body.errors![0]!.message).not.toMatch(/\/src\/|prisma|127\.0\.0\.1|:\d{4,5}\b/i);
});

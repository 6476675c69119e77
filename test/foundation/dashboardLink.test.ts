import fs from 'node:fs';
import path from 'node:path';
import { DASHBOARD_QUERY, dashboardLink } from '../../src/demo/dashboardLink';
import { demoEnd } from '../../src/demo/generator';
import { seedDemoData } from '../../src/demo/seed';
import { startTestServer, type TestServer } from '../helpers/server';

// The link the first start prints beside the demo key: GraphiQL with the dashboard query over
// the last 30 days, which must run and show the demo's real figures.
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t?.close());

const paramsOf = (link: string) => {
  const url = new URL(link);
  return { path: url.pathname, query: url.searchParams.get('query'), variables: JSON.parse(url.searchParams.get('variables')!) };
};

it('covers the 30 UTC days up to and including today', () => {
  const { path: at, query, variables } = paramsOf(dashboardLink('http://127.0.0.1:4000', new Date('2026-12-07T10:15:00Z')));
  expect(at).toBe('/graphql');
  expect(query).toBe(DASHBOARD_QUERY);
  expect(variables).toEqual({ filter: { from: '2026-11-08T00:00:00.000Z', to: '2026-12-08T00:00:00.000Z' } });
});

it('is the README quickstart\'s first query', () => {
  expect(fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8')).toContain(DASHBOARD_QUERY);
});

it('holds a query that gives the demo data\'s figures over its range', async () => {
  const account = await t.createAccount('Demo shop');
  const now = new Date();
  await seedDemoData(t.db.pool, account.id, { interactions: 1_500, days: 30, seed: 3, end: demoEnd(now) });
  // (That a browser opening such a link gets GraphiQL with them is test/browser/graphiql.test.ts's.)
  const { query, variables } = paramsOf(dashboardLink(t.url, now));
  const result = await t.request(query!, variables, account.apiKey);
  expect(result.errors).toBeUndefined();
  const { from, to } = variables.filter;
  const { rows } = await t.db.pool.query(
    `SELECT count(*)::int AS interactions, count(DISTINCT "endUserId")::int AS users
       FROM "Interaction" WHERE "accountId" = $1 AND "startedAt" >= $2 AND "startedAt" < $3`,
    [account.id, from, to],
  );
  expect(rows[0].interactions).toBeGreaterThan(1_000); // the 30 days hold most of the demo's
  const insights = result.data!.insights;
  expect(insights.performance.total.interactions).toBe(rows[0].interactions);
  expect(insights.audience.uniqueUsers).toBe(rows[0].users);
  expect(insights.channels.length).toBeGreaterThan(1);
}, 60_000);

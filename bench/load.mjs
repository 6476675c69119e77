// npm run bench:load [-- --seconds 60 --connections 50 --interactions 100000]
//
// Sustained load on the real GraphQL server: seeds N demo interactions over 30 days into an
// embedded database under .bench/load (once; reused while it holds the same N), starts the server
// in this process (pool, statement timeout and limits as `touchpoint serve` sets them, the rate
// limit raised), and drives it over loopback with autocannon from a child process (so the load
// generator does not share the server's event loop or memory) for --seconds with --connections
// concurrent connections. Each request is one of: the dashboard query (40 %), the unsuccessful
// drill-down with issues and examples (20 %), a topic's details (20 %), a page of interactions
// (20 %), each over a random 7-30-day window of the seeded month, a third of them filtered to one
// automation.
//
// Prints throughput (req/s), p50/p99 latency, non-2xx responses and GraphQL errors (by code), and
// the server process's RSS sampled every second: the mean of the first 20 s against the mean of
// the last 20 s (halves of the run when it is shorter than 40 s). Stops by itself.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const DAY = 86_400_000;
const END = new Date('2026-11-01T00:00:00Z');
const ACCOUNT = 'load';
// Its key in every tenant table, once found or created.
let KEY;
const AUTOMATIONS = ['j-welcome', 'j-cart', 'cb-support', 'cb-sales', 'ai-concierge'];
const TOPICS = ['Order status', 'Returns', 'Delivery address', 'Payment failed', 'Product advice', 'Pricing', 'Warranty claim', 'Account access', 'Complaint'];
const OUTCOMES = ['SUCCESSFUL', 'MIXED', 'UNSUCCESSFUL'];

const DASHBOARD = `query Dashboard($filter: InsightsFilter!) { insights(filter: $filter) {
  performance { total { interactions successful mixed unsuccessful unclassified } contained { interactions successful } escalated { interactions successful } }
  health { score averageDurationSeconds estimatedCostPerInteraction currency }
  audience { uniqueUsers returningUsers engagedUsers notEngagedUsers csatResponses csat csatNegative csatAverage sentimentPositive sentimentNegative averageInboundMessages averageOutboundMessages }
  channels { channel totalSent delivered deliveryRate rejected expired undeliverable pending } } }`;
const UNSUCCESSFUL = `query Unsuccessful($filter: InsightsFilter!) { insights(filter: $filter) { unsuccessful {
  count types topics { topic interactions }
  issues { issue affectedInteractions impact examples(first: 10) { totalCount edges { node { id startedAt outcome automation { name } topics { name resolved } } } } } } } }`;
const TOPIC = `query Topic($filter: InsightsFilter!, $name: String!) { insights(filter: $filter) { topic(name: $name) {
  interactions successRate containmentRate averageSentiment averageCsat averageHandleTimeSeconds
  examples(first: 10) { totalCount edges { node { id issues customer { id } } } } } } }`;
const PAGE = `query Page($filter: InsightsFilter!, $outcome: Outcome) { insights(filter: $filter) {
  interactions(first: 20, outcome: $outcome) { totalCount pageInfo { hasNextPage endCursor }
    edges { node { id startedAt channel outcome handling csatScore automation { name } topics { name resolved } } } } } }`;

const pick = (list) => list[Math.floor(Math.random() * list.length)];

/** A random 7-30-day window inside the seeded month, a third of the time for one automation. */
function randomFilter() {
  const days = 7 + Math.floor(Math.random() * 24);
  const earliest = END.getTime() - 30 * DAY;
  const from = earliest + Math.floor(Math.random() * (30 - days + 1)) * DAY + Math.floor(Math.random() * 24) * 3_600_000;
  const filter = { from: new Date(from).toISOString(), to: new Date(Math.min(from + days * DAY, END.getTime())).toISOString() };
  if (Math.random() < 1 / 3) filter.automationIds = [pick(AUTOMATIONS)];
  return filter;
}

function randomOperation() {
  const r = Math.random();
  const filter = randomFilter();
  if (r < 0.4) return { name: 'dashboard', query: DASHBOARD, variables: { filter } };
  if (r < 0.6) return { name: 'unsuccessful', query: UNSUCCESSFUL, variables: { filter } };
  if (r < 0.8) return { name: 'topic', query: TOPIC, variables: { filter, name: pick(TOPICS) } };
  return { name: 'page', query: PAGE, variables: { filter, outcome: Math.random() < 0.5 ? pick(OUTCOMES) : null } };
}

// ---------------------------------------------------------------------------------------------
// The load generator (child process): node bench/load.mjs --driver URL KEY SECONDS CONNECTIONS
// Prints one JSON line with autocannon's result and the GraphQL error counts.
// ---------------------------------------------------------------------------------------------
if (process.argv[2] === '--driver') {
  const [url, apiKey, seconds, connections] = process.argv.slice(3);
  const { default: autocannon } = await import('autocannon');
  const graphqlErrors = {};
  const byOperation = {};
  let unparsable = 0;
  const result = await autocannon({
    url: `${url}/graphql`,
    connections: Number(connections),
    duration: Number(seconds),
    timeout: 30,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        setupRequest(request, context) {
          const operation = randomOperation();
          context.operation = operation.name;
          byOperation[operation.name] = (byOperation[operation.name] ?? 0) + 1;
          return { ...request, body: JSON.stringify({ query: operation.query, variables: operation.variables }) };
        },
        onResponse(status, body, context) {
          let parsed;
          try {
            parsed = JSON.parse(body);
          } catch {
            unparsable++;
            return;
          }
          for (const error of parsed.errors ?? []) {
            const key = `${context.operation}: ${error.extensions?.code ?? 'NO_CODE'} ${String(error.message).slice(0, 80)}`;
            graphqlErrors[key] = (graphqlErrors[key] ?? 0) + 1;
          }
        },
      },
    ],
  });
  process.stdout.write(JSON.stringify({ result, graphqlErrors, byOperation, unparsable }) + '\n');
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// The server side (this process).
// ---------------------------------------------------------------------------------------------
const { deleteAccount, dist, openBenchDatabase, requireBuilt } = await import('./lib.mjs');
requireBuilt();
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    connections: { type: 'string', default: '50' },
    interactions: { type: 'string', default: '100000' },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const interactions = Number(values.interactions);
for (const [name, value] of Object.entries({ seconds, connections, interactions })) {
  if (!Number.isInteger(value) || value <= 0) {
    console.error(`--${name} must be a positive integer`);
    process.exit(2);
  }
}

const open = await openBenchDatabase('load');
const { createAccount, createApiKey } = await import(dist('accounts/accountStore.js'));
const { seedDemoData } = await import(dist('demo/seed.js'));
const { startServer } = await import(dist('server/app.js'));
const { readLimits } = await import(dist('server/limits/settings.js'));
const { readSettings } = await import(dist('config/env.js'));
const { connectDatabase } = await import(dist('db/database.js'));

{
  const { db } = open;
  const account = await db.prisma.account.findUnique({ where: { externalId: ACCOUNT } });
  KEY = account?.id;
  const stored = account ? (await db.pool.query('SELECT count(*) AS n FROM "Interaction" WHERE "accountId" = $1', [KEY])).rows[0].n : 0;
  if (stored !== interactions) {
    if (account) await deleteAccount(db.pool, KEY);
    KEY = (await createAccount(db.prisma, 'Load test', ACCOUNT)).id;
    const started = Date.now();
    let last = 0;
    const result = await seedDemoData(db.pool, KEY, { interactions, days: 30, seed: 42, end: END }, (n) => {
      if (Date.now() - last > 10_000) (last = Date.now(), console.log(`seeding: ${n} records`));
    });
    if (result.rejected.length > 0) throw new Error(`seeding rejected ${result.rejected.length} records: ${JSON.stringify(result.rejected.slice(0, 3))}`);
    console.log(`seeded ${interactions} interactions in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    await db.pool.query('VACUUM ANALYZE');
  }
}
// A rate card, so the dashboard's cost figures are computed too.
await open.db.prisma.rateCard.deleteMany({ where: { accountId: KEY } });
await open.db.prisma.rateCard.create({ data: { accountId: KEY, currency: 'EUR', agentPerMinute: 0.4,
  channels: { create: [{ channel: 'SMS', outboundMessage: 0.05, inboundMessage: 0.01 }, { channel: 'WHATSAPP', outboundMessage: 0.02, inboundMessage: 0.005 }] },
  automations: { create: [{ automationType: 'CHATBOT', perInteraction: 0.1 }, { automationType: 'AI_AGENT', perInteraction: 0.3 }] } } });
await open.db.pool.query(`DELETE FROM "ApiKey" WHERE "accountId" = $1 AND name = 'load'`, [KEY]);
const key = await createApiKey(open.db.prisma, KEY, 'load', ['read']);

// The server's own pool, as `touchpoint serve` builds it (size, acquire timeout, statement timeout).
const settings = readSettings();
const limits = readLimits({ ratePerMinute: 100_000_000, rateBurst: 10_000_000 });
const serverDb = connectDatabase(open.url, {
  size: settings.poolSize,
  acquireTimeoutMs: settings.poolAcquireTimeoutMs,
  statementTimeoutMs: limits.statementTimeoutMs,
});
// Internal errors the server logs, during the load and after it (requests still running when
// autocannon closes its connections at the end).
const logged = { during: {}, after: {} };
let loadOver = false;
const server = await startServer({
  db: serverDb,
  port: 0,
  host: '127.0.0.1',
  limits,
  production: true,
  logger: {
    error: (fields) => {
      const into = loadOver ? logged.after : logged.during;
      into[fields.message] = (into[fields.message] ?? 0) + 1;
    },
  },
});

// Every operation once, checked, before the load (and as a warm-up).
for (let i = 0; i < 8; i++) {
  const operation = randomOperation();
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key.apiKey}` },
    body: JSON.stringify({ query: operation.query, variables: operation.variables }),
  });
  const body = await response.json();
  if (response.status !== 200 || body.errors) throw new Error(`${operation.name} failed before the load: ${response.status} ${JSON.stringify(body.errors)}`);
}
for (const [name, query, variables] of [
  ['dashboard', DASHBOARD, { filter: randomFilter() }],
  ['unsuccessful', UNSUCCESSFUL, { filter: randomFilter() }],
  ['topic', TOPIC, { filter: randomFilter(), name: 'Order status' }],
  ['page', PAGE, { filter: randomFilter(), outcome: 'UNSUCCESSFUL' }],
]) {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key.apiKey}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (response.status !== 200 || body.errors) throw new Error(`${name} failed before the load: ${response.status} ${JSON.stringify(body.errors)}`);
}

console.log(`load: ${connections} connections for ${seconds} s against ${server.url} (${interactions.toLocaleString('en')} interactions; server pool ${settings.poolSize})`);
const rss = [];
const heap = [];
const sampler = setInterval(() => {
  const usage = process.memoryUsage();
  rss.push(usage.rss / 1024 / 1024);
  heap.push(usage.heapUsed / 1024 / 1024);
}, 1000);

const driver = spawn(process.execPath, [fileURLToPath(import.meta.url), '--driver', server.url, key.apiKey, String(seconds), String(connections)], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
let output = '';
driver.stdout.on('data', (chunk) => (output += chunk));
// It stops by itself: autocannon ends after --seconds; this is the backstop.
const backstop = setTimeout(() => driver.kill('SIGKILL'), (seconds + 60) * 1000);
const code = await new Promise((resolve) => driver.on('close', resolve));
clearTimeout(backstop);
clearInterval(sampler);
loadOver = true;

// Requests whose connection autocannon closed at the end still run: let them finish before the
// pool closes (otherwise they fail with "Cannot use a pool after calling end on the pool").
await server.stop();
for (let waited = 0; waited < 30_000 && (serverDb.pool.totalCount > serverDb.pool.idleCount || serverDb.pool.waitingCount > 0); waited += 100) {
  await new Promise((resolve) => setTimeout(resolve, 100));
}
await serverDb.close();
await open.close();

if (code !== 0 || !output.trim()) {
  console.error(`the load generator failed (exit ${code})`);
  process.exit(1);
}
const { result, graphqlErrors, byOperation, unparsable } = JSON.parse(output.trim().split('\n').at(-1));
const mean = (list) => list.reduce((a, b) => a + b, 0) / Math.max(list.length, 1);
const window = Math.min(20, Math.floor(rss.length / 2));
const first = mean(rss.slice(0, window));
const last = mean(rss.slice(-window));
const errorsTotal = Object.values(graphqlErrors).reduce((a, b) => a + b, 0);

console.log(`\nrequests: ${result.requests.total} completed in ${result.duration.toFixed(1)} s (sent by operation: ${JSON.stringify(byOperation)})`);
console.table({
  'throughput (req/s)': { value: result.requests.average.toFixed(1) },
  'latency p50 (ms)': { value: result.latency.p50 },
  'latency p99 (ms)': { value: result.latency.p99 },
  'latency max (ms)': { value: result.latency.max },
  'non-2xx responses': { value: result.non2xx },
  'connection errors / timeouts': { value: `${result.errors} / ${result.timeouts}` },
  'GraphQL errors': { value: errorsTotal + unparsable },
});
if (errorsTotal > 0) console.log('GraphQL errors by operation and code:', graphqlErrors);
if (unparsable > 0) console.log(`responses that were not JSON: ${unparsable}`);
if (Object.keys(logged.during).length > 0) console.log('internal errors the server logged during the load:', logged.during);
if (Object.keys(logged.after).length > 0) console.log('internal errors the server logged after the load (requests abandoned by the client):', logged.after);
console.log(
  `RSS (server process, ${rss.length} samples, 1/s): first ${window} s mean ${first.toFixed(0)} MB, last ${window} s mean ${last.toFixed(0)} MB, ` +
    `growth ${(last - first >= 0 ? '+' : '') + (last - first).toFixed(1)} MB (${(((last - first) / first) * 100).toFixed(1)} %); ` +
    `heap used ${mean(heap.slice(0, window)).toFixed(0)} -> ${mean(heap.slice(-window)).toFixed(0)} MB; peak RSS ${Math.max(...rss).toFixed(0)} MB`,
);
if (window < 20) console.log(`(the run is shorter than 40 s: the RSS windows are its first and second halves)`);
process.exit(0);

// npm run bench [-- --interactions N]: seeds N demo interactions over 30 days into an embedded
// database under .bench/ (once; reused while it holds the same N), then runs the dashboard query
// (performance, health, audience, channels) through the real GraphQL server, warm, 30 times each
// for the whole month and for one automation over one week, and the same figures by a plain
// hand-written SQL query over the raw tables (messages, topics) for comparison. Prints p50/p95.
import { parseArgs } from 'node:util';
import { dist, openBenchDatabase, peakRssMb, percentile, requireBuilt } from './lib.mjs';

requireBuilt();
const { values } = parseArgs({ options: { interactions: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '30' }, 'raw-runs': { type: 'string', default: '5' } } });
const interactions = Number(values.interactions);
const runs = Number(values.runs);
// The raw-table reference is slow by nature; fewer runs of it keep the benchmark short.
const rawRuns = Number(values['raw-runs']);
const END = new Date('2026-11-01T00:00:00Z');
const DAY = 86_400_000;

const open = await openBenchDatabase(`dashboard-${interactions}`);
const { db } = open;
const { createAccount } = await import(dist('accounts/accountStore.js'));
const { seedDemoData } = await import(dist('demo/seed.js'));
const { startServer } = await import(dist('server/app.js'));
const { createApiKey } = await import(dist('accounts/accountStore.js'));

let account = await db.prisma.account.findUnique({ where: { id: 'bench' } });
const stored = account ? (await db.pool.query('SELECT count(*) AS n FROM "Interaction" WHERE "accountId" = $1', ['bench'])).rows[0].n : 0;
if (stored !== interactions) {
  if (account) await db.pool.query(`DELETE FROM "Account" WHERE id = 'bench'`);
  for (const table of ['Interaction', 'Message', 'InteractionChannel', 'InteractionLog', 'InteractionStep', 'InteractionTopic', 'InteractionIssue', 'EndUser', 'Automation', 'AutomationVersion', 'ApiKey', 'RateCard', 'RateCardChannel', 'RateCardAutomation']) {
    await db.pool.query(`DELETE FROM "${table}" WHERE "accountId" = 'bench'`);
  }
  await createAccount(db.prisma, 'bench', 'bench');
  const started = Date.now();
  let last = 0;
  await seedDemoData(db.pool, 'bench', { interactions, days: 30, seed: 42, end: END }, (n) => {
    if (Date.now() - last > 10_000) (last = Date.now(), console.log(`seeding: ${n} records`));
  });
  console.log(`seeded ${interactions} interactions in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  await db.pool.query('VACUUM ANALYZE');
}
await db.prisma.rateCard.deleteMany({ where: { accountId: 'bench' } });
await db.prisma.rateCard.create({ data: { accountId: 'bench', currency: 'EUR', agentPerMinute: 0.4,
  channels: { create: [{ channel: 'SMS', outboundMessage: 0.05, inboundMessage: 0.01 }, { channel: 'WHATSAPP', outboundMessage: 0.02, inboundMessage: 0.005 }] },
  automations: { create: [{ automationType: 'CHATBOT', perInteraction: 0.1 }, { automationType: 'AI_AGENT', perInteraction: 0.3 }] } } });
const key = await createApiKey(db.prisma, 'bench', 'bench', ['read', 'admin']);
const server = await startServer({ db, port: 0 });

const DASHBOARD = `query($filter: InsightsFilter!) { insights(filter: $filter) {
  performance { total { interactions successful mixed unsuccessful unclassified } contained { interactions successful } escalated { interactions successful } }
  health { score averageDurationSeconds estimatedCostPerInteraction currency }
  audience { uniqueUsers returningUsers engagedUsers notEngagedUsers csatResponses csat csatNegative csatAverage sentimentPositive sentimentNegative averageInboundMessages averageOutboundMessages }
  channels { channel totalSent delivered deliveryRate rejected expired undeliverable pending } } }`;

async function graphql(query, variables) {
  const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key.apiKey}` }, body: JSON.stringify({ query, variables }) });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

// The same figures from the raw tables, the way one would write them without derived columns.
async function rawSql(filter) {
  const args = ['bench', filter.from, filter.to];
  let where = `i."accountId" = $1 AND i."startedAt" >= $2 AND i."startedAt" < $3`;
  if (filter.automationIds) (args.push(filter.automationIds), (where += ` AND i."automationId" IN (SELECT id FROM "Automation" WHERE "accountId" = $1 AND "externalId" = ANY($${args.length}))`));
  const q = (sql) => db.pool.query(sql, args);
  await Promise.all([
    q(`SELECT count(*), count(*) FILTER (WHERE i."escalatedAt" IS NOT NULL),
              count(*) FILTER (WHERE coalesce(i."analysisOutcome"::text, CASE WHEN t.n = 0 OR t.n IS NULL THEN NULL WHEN t.r = t.n THEN 'SUCCESSFUL' WHEN t.r = 0 THEN 'UNSUCCESSFUL' ELSE 'MIXED' END) = 'SUCCESSFUL'),
              avg(extract(epoch FROM i."endedAt" - i."startedAt")), avg(i."csatScore"), count(i.sentiment)
         FROM "Interaction" i LEFT JOIN LATERAL (SELECT count(*) n, count(*) FILTER (WHERE resolved) r FROM "InteractionTopic" x WHERE x."accountId" = i."accountId" AND x."interactionId" = i.id) t ON true
        WHERE ${where}`),
    q(`SELECT count(*), count(*) FILTER (WHERE n >= 2), count(*) FILTER (WHERE engaged) FROM (
         SELECT u."externalId", count(*) n, bool_or(m.inbound >= CASE WHEN m.first_inbound THEN 2 ELSE 1 END) engaged
           FROM "Interaction" i JOIN "EndUser" u ON u."accountId" = i."accountId" AND u.id = i."endUserId"
           LEFT JOIN LATERAL (SELECT count(*) FILTER (WHERE direction = 'INBOUND') inbound,
                                     (array_agg(direction ORDER BY "sentAt", id))[1] = 'INBOUND' first_inbound
                                FROM "Message" m WHERE m."accountId" = i."accountId" AND m."interactionId" = i.id) m ON true
          WHERE ${where} GROUP BY u."externalId") x`),
    q(`SELECT m.channel, count(*) FILTER (WHERE direction = 'OUTBOUND'), count(*) FILTER (WHERE status IN ('DELIVERED','SEEN')),
              count(*) FILTER (WHERE status = 'EXPIRED' OR (status IN ('PENDING','SENT') AND m."sentAt" + m."validityHours" * interval '1 hour' < now()))
         FROM "Interaction" i JOIN "Message" m ON m."accountId" = i."accountId" AND m."interactionId" = i.id
        WHERE ${where} GROUP BY m.channel`),
  ]);
}

async function measure(name, work, count = runs) {
  await work(); // warm
  const times = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  times.sort((x, y) => x - y);
  return { name, runs: count, p50: percentile(times, 50).toFixed(0), p95: percentile(times, 95).toFixed(0) };
}

const month = { from: new Date(END.getTime() - 30 * DAY).toISOString(), to: END.toISOString() };
const week = { from: new Date(END.getTime() - 14 * DAY).toISOString(), to: new Date(END.getTime() - 7 * DAY).toISOString(), automationIds: ['cb-support'] };
const rows = [
  await measure('dashboard, whole month (GraphQL)', () => graphql(DASHBOARD, { filter: month })),
  await measure('dashboard, whole month (raw SQL)', () => rawSql(month), rawRuns),
  await measure('dashboard, 1 automation, 1 week (GraphQL)', () => graphql(DASHBOARD, { filter: week })),
  await measure('dashboard, 1 automation, 1 week (raw SQL)', () => rawSql(week), rawRuns),
];
const DRILLDOWN = `query($filter: InsightsFilter!) { insights(filter: $filter) { unsuccessful {
  count types topics { topic interactions }
  issues { issue affectedInteractions impact examples(first: 10) { totalCount edges { node { id startedAt outcome automation { name } topics { name resolved } } } } }
  lowestPerformingTopics { name interactions successRate containmentRate averageSentiment averageCsat averageHandleTimeSeconds
    examples(first: 10) { edges { node { id handling transcript { id status } } } } } } } }`;
const TOPIC = `query($filter: InsightsFilter!) { insights(filter: $filter) { topic(name: "Order status") {
  interactions successRate containmentRate averageSentiment averageCsat averageHandleTimeSeconds
  examples(first: 10) { totalCount edges { node { id issues customer { id } } } } } } }`;
const views = await graphql('{ funnelViews { id name } }');
let view = views.funnelViews.find((v) => v.name === 'bench: welcome journey');
if (!view) {
  const steps = ['Entry', 'Send welcome', 'Wait 1 day', 'Send discount', 'Exit'].map((name) => ({ kind: 'JOURNEY_ELEMENT', name }));
  view = (await graphql('mutation($i: FunnelViewInput!) { createFunnelView(input: $i) { id } }', { i: { name: 'bench: welcome journey', automationId: 'j-welcome', steps } })).createFunnelView;
}
const FUNNEL = `query($view: ID!, $from: DateTime!, $to: DateTime!) { funnel(viewId: $view, from: $from, to: $to) { status steps { interactions conversionRate dropOff } } }`;
const extra = [
  await measure('unsuccessful drill-down: issues, lowest topics, 10 examples each (month)', () => graphql(DRILLDOWN, { filter: month })),
  await measure('topic details with 10 examples (month)', () => graphql(TOPIC, { filter: month })),
  await measure('5-step funnel (month)', () => graphql(FUNNEL, { view: view.id, from: month.from, to: month.to })),
];
console.log(`\n${interactions.toLocaleString('en')} interactions, ${runs} warm runs each (ms)`);
console.table([...rows, ...extra]);
console.log(`peak RSS of this process (server + driver): ${peakRssMb()} MB`);
await server.stop();
await open.close();
process.exit(0);

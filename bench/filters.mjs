// npm run bench:filters [-- --interactions N --days D --max-turns T --runs R]   (defaults: 1,000,000, 90, 8, 20)
//
// Issue 9 asks for the dashboard under 100 ms p95 for any 30-day range and any combination of
// automation, version and sender filters. `npm run bench` times a few; this times ten filter
// combinations (one or three senders, one or two automations, one or two versions, pairs of
// those, and all three kinds at once, which reads the rollups' own segments) over two 30-day
// ranges whose partial days both hold data, both ending the day before the last: midnight in New
// York to midnight, and 10:37 to 10:37 UTC. It runs on the database `npm run
// bench` seeded with the same N, D and T (run that first), on a server of the rollup path in this
// process. Per combination: the first read (which reads days and raw rows, and has the filter's
// runs and blocks built in the background), then, once that work is done, R timed reads (p50,
// p95, slowest), and whether the answer equals the raw path's (`TOUCHPOINT_ROLLUPS=off`).
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { DASHBOARD, dashboardDatabase, dist, machineCheck, openBenchDatabase, percentile, requireBuilt, startBenchServers } from './lib.mjs';

requireBuilt();
const { values } = parseArgs({
  options: {
    interactions: { type: 'string', default: '1000000' },
    days: { type: 'string', default: '90' },
    'max-turns': { type: 'string', default: '8' },
    runs: { type: 'string', default: '20' },
  },
});
const [interactions, days, maxTurns, runs] = [values.interactions, values.days, values['max-turns'], values.runs].map(Number);
if (![interactions, days, maxTurns, runs].every((n) => Number.isInteger(n) && n > 0) || days < 31) {
  console.error('--interactions, --max-turns and --runs take positive integers, --days 31 or more (the ranges reach 31 days back)');
  process.exit(1);
}
const open = await openBenchDatabase(dashboardDatabase(interactions, days, maxTurns));
const { db } = open;
const { rows } = await db.pool.query(`SELECT id FROM "Account" WHERE "externalId" = 'bench'`);
if (rows.length === 0) {
  console.error(`no benchmark data here: run npm run bench -- --interactions ${interactions} --days ${days} first`);
  await open.close();
  process.exit(1);
}
const { backgroundSettled } = await import(dist('db/background.js'));
const servers = await startBenchServers(db, rows[0].id, ['read']);
const dashboard = (path, filter) => servers.graphql(path, DASHBOARD, { filter });

const END = Date.parse('2026-11-01T00:00:00Z');
const DAY = 86_400_000;
const MINUTE = 60_000;
const ranges = [
  ['New York midnight to midnight, ending the day before the last', END - 31 * DAY + 240 * MINUTE, END - DAY + 240 * MINUTE],
  ['10:37 to 10:37 UTC, ending the day before the last', END - 30 * DAY + 637 * MINUTE, END - DAY + 637 * MINUTE],
];
const filters = [
  { senders: ['ShopWA'] },
  { senders: ['ShopWA', 'shop.example', 'ShopSMS'] },
  { automationIds: ['cb-support'] },
  { automationIds: ['j-cart', 'ai-concierge'] },
  { versionIds: ['3'] },
  { versionIds: ['2', '3'] },
  { automationIds: ['ai-concierge'], senders: ['ShopWA', 'shop.example'] },
  { versionIds: ['2'], senders: ['ShopWA', 'shop.example'] },
  { automationIds: ['cb-support', 'j-welcome'], versionIds: ['3'] },
  { automationIds: ['j-cart'], versionIds: ['2'], senders: ['ShopWA', 'ShopSMS'] },
];
console.log(await machineCheck(db.pool));
const ms = (n) => n.toFixed(1);
const lines = [];
let mismatches = 0;
for (const [range, from, to] of ranges) {
  for (const narrowing of filters) {
    const filter = { from: new Date(from).toISOString(), to: new Date(to).toISOString(), ...narrowing };
    let started = performance.now();
    const first = await dashboard('rollup', filter);
    const firstMs = performance.now() - started;
    await backgroundSettled(db.pool);
    const times = [];
    for (let i = 0; i < runs; i++) {
      started = performance.now();
      await dashboard('rollup', filter);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const identical = isDeepStrictEqual(first, await dashboard('raw', filter)) && isDeepStrictEqual(await dashboard('rollup', filter), first);
    if (!identical) mismatches++;
    lines.push(`| ${range} | ${JSON.stringify(narrowing)} | ${first.insights.performance.total.interactions.toLocaleString('en')} | ${ms(firstMs)} | ${ms(percentile(times, 50))} | ${ms(percentile(times, 95))} | ${ms(times.at(-1))} | ${identical ? 'yes' : 'no'} |`);
    console.log(lines.at(-1));
  }
}
console.log(`\n${interactions.toLocaleString('en')} interactions over ${days} days, rollup path, ${runs} timed reads each; ms`);
console.log('| range | filter | interactions | first read | p50 | p95 | slowest | identical to the raw path |');
console.log('|---|---|---|---|---|---|---|---|');
for (const line of lines) console.log(line);
console.log(await machineCheck(db.pool));
await servers.stop();
await open.close();
process.exit(mismatches === 0 ? 0 : 2);

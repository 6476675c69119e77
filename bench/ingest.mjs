// npm run bench:ingest [-- --interactions N]: generates an NDJSON file of demo records, imports it
// into a fresh embedded database with the import command's code path, then sends a part of it
// through the GraphQL mutation, and prints interactions/s, messages/s and peak RSS.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { dist, openBenchDatabase, peakRssMb, requireBuilt, root } from './lib.mjs';

requireBuilt();
const { values } = parseArgs({ options: { interactions: { type: 'string', default: '200000' }, graphql: { type: 'string', default: '20000' } } });
const interactions = Number(values.interactions);
const { demoRecords } = await import(dist('demo/generator.js'));
const { importNdjson } = await import(dist('ingest/ndjson.js'));
const { createAccount } = await import(dist('accounts/accountStore.js'));

const file = path.join(root, '.bench', `ingest-${interactions}.ndjson`);
fs.mkdirSync(path.dirname(file), { recursive: true });
let messages = 0;
let records = 0;
{
  const out = fs.createWriteStream(file);
  for (const record of demoRecords({ interactions, days: 30, seed: 7, end: new Date('2026-11-01T00:00:00Z') })) {
    if (record.record === 'interaction') messages += record.messages.length;
    records++;
    if (!out.write(JSON.stringify(record) + '\n')) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
}
console.log(`file: ${records} records (${interactions} interactions, ${messages} messages), ${(fs.statSync(file).size / 1e6).toFixed(0)} MB`);

const open = await openBenchDatabase('ingest', { fresh: true });
const account = await createAccount(open.db.prisma, 'bench', 'bench');
let started = Date.now();
const summary = await importNdjson(open.db.pool, account.id, file);
let seconds = (Date.now() - started) / 1000;
console.log(`import:  ${summary.stored} stored, ${summary.rejected} rejected in ${seconds.toFixed(1)} s`);
console.log(`         ${Math.round(interactions / seconds)} interactions/s, ${Math.round(messages / seconds)} messages/s`);

// The GraphQL path: the same records as mutation calls of 1,000 records over HTTP.
const { startServer } = await import(dist('server/app.js'));
const server = await startServer({ db: open.db, port: 0 });
const gqlAccount = await createAccount(open.db.prisma, 'bench-graphql', 'bench-graphql');
const gqlInteractions = Number(values.graphql);
const batches = [];
let batch = [];
for (const record of demoRecords({ interactions: gqlInteractions, days: 30, seed: 8, end: new Date('2026-11-01T00:00:00Z') })) {
  batch.push(record);
  if (batch.length === 1000) (batches.push(batch), (batch = []));
}
if (batch.length) batches.push(batch);
started = Date.now();
for (const records of batches) {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${gqlAccount.apiKey}` },
    body: JSON.stringify({ query: 'mutation($r:[JSONObject!]!){ingest(records:$r){stored rejected{index reason}}}', variables: { r: records } }),
  });
  const body = await res.json();
  if (body.errors || body.data.ingest.rejected.length) throw new Error(JSON.stringify(body).slice(0, 500));
}
seconds = (Date.now() - started) / 1000;
console.log(`graphql: ${gqlInteractions} interactions in ${seconds.toFixed(1)} s = ${Math.round(gqlInteractions / seconds)} interactions/s`);
console.log(`peak RSS: ${peakRssMb()} MB (this process: generator, importer and server)`);
await server.stop();
await open.close();

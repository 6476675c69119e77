// npm run bench:ingest [-- --interactions N --max-turns T]: generates an NDJSON file of demo records
// (conversations of 1 to T turns, 8 by default: about 6 messages per interaction, the workload of
// issues 3 and 9; the demo's 5 gives about 4.4), imports it
// into a fresh embedded database with the `touchpoint import` command (a child process, as users
// run it), then sends demo records through the GraphQL mutation from one caller and from two at
// once, and prints interactions/s, messages/s, the peak RSS of the import command and of this
// process, and the CPU seconds each step took on each side (Node, PostgreSQL).
import { parseArgs } from 'node:util';
import { dist, machineCheck, openBenchDatabase, peakRssMb, postgresCpuSeconds, requireBuilt, runImport, writeIngestFile } from './lib.mjs';

requireBuilt();
const { values } = parseArgs({
  options: { interactions: { type: 'string', default: '200000' }, graphql: { type: 'string', default: '20000' }, 'max-turns': { type: 'string', default: '8' } },
});
const interactions = Number(values.interactions);
const maxTurns = Number(values['max-turns']);
const { demoRecords } = await import(dist('demo/generator.js'));
const { createAccount } = await import(dist('accounts/accountStore.js'));

const { file, messages } = await writeIngestFile(interactions, maxTurns);
const open = await openBenchDatabase('ingest', { fresh: true });
const account = await createAccount(open.db.prisma, 'bench');
console.log(await machineCheck(open.db.pool));
const postgresBefore = await postgresCpuSeconds(open.db.pool);
const { summary, seconds, rssMb, cpuSeconds } = await runImport(file, account.externalId);
// The command's connections have ended; their processes are counted once the server has reaped them.
await new Promise((resolve) => setTimeout(resolve, 500));
const postgresCpu = (await postgresCpuSeconds(open.db.pool)) - postgresBefore;
console.log(`import:  ${summary.stored} stored, ${summary.rejected} rejected in ${seconds.toFixed(1)} s (touchpoint import, peak RSS ${Math.round(rssMb)} MB)`);
console.log(`         CPU: the command ${cpuSeconds.toFixed(1)} s, PostgreSQL ${postgresCpu.toFixed(1)} s`);
console.log(`         ${Math.round(interactions / seconds)} interactions/s, ${Math.round(messages / seconds)} messages/s`);

// The GraphQL path: demo records as mutation calls of 1,000 records over HTTP, from one caller
// (each call waits for the previous one), then from two callers at once (a partner's parallel
// uploads: one call's validation overlaps the other's writes). Each run has an account of its own.
const { startServer } = await import(dist('server/app.js'));
const server = await startServer({ db: open.db, port: 0 });
const gqlInteractions = Number(values.graphql);

/**
 * The demo records as calls of 1,000 records for each of `callers` callers. A caller gets every
 * record of the interactions it sends (late records name their interaction): records of one
 * interaction sent by two callers at once could land before the interaction itself.
 */
function mutationCalls(seed, callers) {
  const streams = Array.from({ length: callers }, () => ({ calls: [], batch: [] }));
  let n = 0;
  const streamOf = new Map();
  for (const record of demoRecords({ interactions: gqlInteractions, days: 30, seed, end: new Date('2026-11-01T00:00:00Z'), maxTurns })) {
    const interaction = record.record === 'interaction' ? record.id : record.interactionId;
    if (!streamOf.has(interaction)) streamOf.set(interaction, n++ % callers);
    const stream = streams[streamOf.get(interaction)];
    stream.batch.push(record);
    if (stream.batch.length === 1000) (stream.calls.push(stream.batch), (stream.batch = []));
  }
  for (const stream of streams) if (stream.batch.length) stream.calls.push(stream.batch);
  return streams.map((stream) => stream.calls);
}

async function sendAll(name, streams) {
  const callers = streams.length;
  const account = await createAccount(open.db.prisma, name);
  // Bodies are serialized before the clock starts: a partner's serialization runs on its own
  // machine, while this process is also the server.
  const bodies = streams.map((calls) =>
    calls.map((records) => JSON.stringify({ query: 'mutation($r:[JSONObject!]!){ingest(records:$r){stored rejected{index reason}}}', variables: { r: records } })),
  );
  const started = Date.now();
  const [processBefore, postgresBefore] = [process.cpuUsage(), await postgresCpuSeconds(open.db.pool)];
  await Promise.all(bodies.map(async (calls) => {
    for (const request of calls) {
      const res = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${account.apiKey}` },
        body: request,
      });
      const body = await res.json();
      if (body.errors || body.data.ingest.rejected.length) throw new Error(JSON.stringify(body).slice(0, 500));
    }
  }));
  const seconds = (Date.now() - started) / 1000;
  const { user, system } = process.cpuUsage(processBefore);
  const postgresCpu = (await postgresCpuSeconds(open.db.pool)) - postgresBefore;
  console.log(`graphql: ${gqlInteractions} interactions from ${callers === 1 ? 'one caller' : `${callers} callers at once`} in ${seconds.toFixed(1)} s = ${Math.round(gqlInteractions / seconds)} interactions/s` +
    ` (CPU: this process, server and callers, ${((user + system) / 1e6).toFixed(1)} s; PostgreSQL ${postgresCpu.toFixed(1)} s)`);
}

await sendAll('bench-graphql', mutationCalls(8, 1));
await sendAll('bench-graphql-2', mutationCalls(9, 2));
console.log(await machineCheck(open.db.pool));
console.log(`peak RSS: ${peakRssMb()} MB (this process: generator and server)`);
await server.stop();
await open.close();

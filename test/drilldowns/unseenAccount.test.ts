/**
 * Lists and counts of interactions narrowed by topic or issue, for an account the planner's
 * statistics have not seen: a new account in a database analyzed before it came (in a large
 * database ANALYZE's sample can miss it for a long while). PostgreSQL takes such an account for one
 * of a row; joined, its topic, issue and end-user rows were read in full for every interaction and
 * filtered (a drill-down's examples took 4.2 s at 19 k interactions in the 10 M benchmark
 * database). Each is now looked up by key (interactionList.sql.ts).
 */
import { countStatements, INIT_PLAN_VALUE } from '../helpers/statements';
import { startTestServer, type TestServer } from '../helpers/server';
import { inbound, ingestOk, interaction, outbound, T } from '../ingest/helpers';

let t: TestServer;
let small: { id: number; apiKey: string };

// s-0 ... s-11, one an hour: Billing on the even ones, the issue "Late reply" on every third,
// unsuccessful when odd. End users u-0 ... u-3 (i mod 4).
const smallRecords = Array.from({ length: 12 }, (_, i) => [
  interaction(`s-${i}`, { startedAt: T(i * 3600), endUserId: `u-${i % 4}` }),
  {
    record: 'analysis', interactionId: `s-${i}`, outcome: i % 2 ? 'UNSUCCESSFUL' : 'SUCCESSFUL',
    topics: i % 2 === 0 ? [{ name: 'Billing', resolved: true }] : [], issues: i % 3 === 0 ? ['Late reply'] : [],
  },
]).flat();

beforeAll(async () => {
  t = await startTestServer();
  const big = await t.createAccount('big');
  const many = (from: number) => Array.from({ length: 1000 }, (_, i) => interaction(`b-${from + i}`, {
    startedAt: T((from + i) * 60), analysis: { outcome: 'UNSUCCESSFUL', topics: [{ name: 'Billing', resolved: false }], issues: ['Late reply'] },
  }));
  await ingestOk(t.db.pool, big.id, many(0));
  await ingestOk(t.db.pool, big.id, many(1000));
  await t.db.pool.query('ANALYZE');
  small = await t.createAccount('small');
  await ingestOk(t.db.pool, small.id, smallRecords);
}, 60_000);
afterAll(() => t?.close());

test('the planner takes the new account for one of a row (what this file is about)', async () => {
  const plan = await t.db.pool.query(`EXPLAIN (FORMAT JSON) SELECT 1 FROM "Interaction" WHERE "accountId" = ${small.id}`);
  expect(plan.rows[0]['QUERY PLAN'][0].Plan['Plan Rows']).toBe(1);
});

test.each([
  ['topic: "Billing"', ['s-10', 's-8', 's-6', 's-4', 's-2', 's-0']],
  ['issue: "Late reply"', ['s-9', 's-6', 's-3', 's-0']],
  ['issue: "Late reply", outcome: UNSUCCESSFUL', ['s-9', 's-3']],
  ['topic: "Billing", issue: "Late reply"', ['s-6', 's-0']],
  // A narrowing the rollups cannot count alone: the count reads the interactions.
  ['topic: "Billing", type: CONVERSATIONAL', ['s-10', 's-8', 's-6', 's-4', 's-2', 's-0']],
])('interactions(%s): the right ones, each row looked up by key', async (args, expected) => {
  const query = `{ insights(filter: { from: "${T(-1)}", to: "${T(86_400)}" }) {
    interactions(first: 4, ${args}) { totalCount edges { node { id endUserId } } } } }`;
  const { result, texts, values } = await countStatements(() => t.request(query, {}, small.apiKey));
  expect(result.errors).toBeUndefined();
  const page = result.data!.insights.interactions;
  expect(page.totalCount).toBe(expected.length);
  expect(page.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(expected.slice(0, 4));
  expect(page.edges.map((e: { node: { endUserId: string } }) => e.node.endUserId)).toEqual(
    expected.slice(0, 4).map((id) => `u-${Number(id.slice(2)) % 4}`),
  );
  const reads = texts.map((text, i) => ({ text, values: values[i] })).filter(({ text }) => /FROM "Interaction" i\b/.test(text));
  expect(reads.length).toBeGreaterThan(0);
  for (const read of reads) {
    const { rows } = await t.db.pool.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${read.text}`, read.values);
    const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
    // Joined, the child and end-user scans were searched by the account alone and their rows
    // compared with each interaction's ID (a join filter).
    expect(plan).not.toMatch(/Join Filter/);
  }
});

test('its transcript and logs are read through the primary key (ingest leaves the transcripts\' statistics to autovacuum)', async () => {
  await ingestOk(t.db.pool, small.id, [interaction('s-t', {
    startedAt: T(100), messages: [outbound('m2', 105, { text: 'How can I help?' }), inbound('m1', 101, { text: 'Hi' })],
    logs: [{ at: T(102), level: 'WARN', message: 'slow reply' }],
  })]);
  const query = '{ interaction(id: "s-t") { transcript { id text } logs { level message } } }';
  const { result, texts, values } = await countStatements(() => t.request(query, {}, small.apiKey));
  expect(result.errors).toBeUndefined();
  expect(result.data!.interaction).toEqual({
    transcript: [{ id: 'm1', text: 'Hi' }, { id: 'm2', text: 'How can I help?' }],
    logs: [{ level: 'WARN', message: 'slow reply' }],
  });
  const reads = texts.map((text, i) => ({ text, values: values[i] })).filter(({ text }) => text.includes('FROM "InteractionTranscript"'));
  expect(reads).toHaveLength(2);
  for (const read of reads) {
    const { rows } = await t.db.pool.query(`EXPLAIN (COSTS OFF) ${read.text}`, read.values);
    const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
    // The account is an InitPlan's value (src/common/sql.ts, ofAccount).
    expect(plan).toMatch(new RegExp(String.raw`Index Scan using "InteractionTranscript_pkey" on "InteractionTranscript" t\n\s+Index Cond: \(\("accountId" = ${INIT_PLAN_VALUE}\) AND \("interactionId" = ANY`));
  }
});

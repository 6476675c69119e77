/**
 * Pages of a narrowing that few interactions match. A page reads the interactions newest first
 * until it is full; a narrowed page looks at the day before where it starts first, and when that
 * does not fill it, starts where the rollups' counts per day say enough matches begin
 * (narrowingCounts.sql.ts). Over 90 days of the 10 M benchmark account, a narrowing that matched
 * nothing read every interaction: 8 to 17 s a page.
 *
 * Ten days of one interaction an hour (2026-10-01 to 10-10), successful and conversational, each
 * by its own end user, with three exceptions that are escalated, not conversations, and
 * successful: r1 (Oct 2 05:00), r2 (Oct 4 07:00) and r3 (Oct 4 08:00). The range starts and ends
 * mid-day (Oct 1 10:37 to Oct 10 13:05), so its edges are read from hourly rollups and raw rows.
 */
import { countStatements } from '../helpers/statements';
import { interaction } from '../ingest/helpers';
import { at, hourlyFixture, ids, type HourlyFixture } from './hourlyFixture';

const RARE: Record<string, string> = { [at(1, 5)]: 'r1', [at(3, 7)]: 'r2', [at(3, 8)]: 'r3' };

let fixture: HourlyFixture;
const query = (selection: string, raw = false) => fixture.query(selection, raw);

beforeAll(async () => {
  fixture = await hourlyFixture('sparse', (startedAt, day, hour) => {
    const rare = RARE[startedAt];
    return interaction(rare ?? `c-${day}-${hour}`, {
      startedAt,
      ...(rare ? { type: 'NON_CONVERSATIONAL', escalation: { at: startedAt } } : {}),
      analysis: { outcome: 'SUCCESSFUL', sentiment: rare === 'r1' ? 'NEGATIVE' : 'POSITIVE' },
    });
  });
}, 60_000);
afterAll(async () => {
  await fixture?.close();
});

const PAGE = (args: string) => `examples(${args}) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } }`;

test('a narrowing whose matches are days back: the newest first, page by page, with its count', async () => {
  const tab = async (after: string | null) => (await query(`successful(handling: ESCALATED) { count ${PAGE(`type: NON_CONVERSATIONAL, first: 2${after ? `, after: "${after}"` : ''}`)} }`)).successful;
  const { result: first, texts } = await countStatements(() => tab(null));
  expect(first.count).toBe(3);
  expect(first.examples.totalCount).toBe(3);
  expect(ids(first.examples)).toEqual(['r3', 'r2']);
  expect(first.examples.pageInfo.hasNextPage).toBe(true);
  // The day before the range's end holds none: the page started again where the counts per day put the matches.
  expect(texts.filter((text) => /OVER \(ORDER BY day DESC\)/.test(text))).toHaveLength(1);
  const second = await tab(first.examples.pageInfo.endCursor);
  expect(ids(second.examples)).toEqual(['r1']);
  expect(second.examples.pageInfo.hasNextPage).toBe(false);
});

test('a page whose first look finds some of its rows and the counts the rest, days before', async () => {
  const page = async (first: number, after: string | null) => (await query(
    `interactions(first: ${first}, outcome: SUCCESSFUL, handling: ESCALATED${after ? `, after: "${after}"` : ''}) { edges { node { id } } pageInfo { hasNextPage endCursor } }`,
  )).interactions;
  const one = await page(1, null);
  expect(ids(one)).toEqual(['r3']);
  // After r3 (Oct 4 08:00) the day looked at first holds r2 (07:00); r1 lies two days before it.
  const { result: rest, texts } = await countStatements(() => page(2, one.pageInfo.endCursor));
  expect(ids(rest)).toEqual(['r2', 'r1']);
  expect(rest.pageInfo.hasNextPage).toBe(false);
  expect(texts.filter((text) => /OVER \(ORDER BY day DESC\)/.test(text))).toHaveLength(1);
});

test.each([
  ['interactions(first: 5, outcome: SUCCESSFUL, handling: ESCALATED, type: NON_CONVERSATIONAL)', ['r3', 'r2', 'r1']],
  // Two of outcome, sentiment and CSAT: no rollup counts them together, so the page reads the range.
  ['interactions(first: 5, outcome: SUCCESSFUL, sentiment: NEGATIVE)', ['r1']],
  ['interactions(first: 5, handling: ESCALATED, sentiment: NEGATIVE)', ['r1']],
  // None match.
  ['interactions(first: 5, outcome: MIXED)', []],
  ['interactions(first: 5, handling: ESCALATED, type: CONVERSATIONAL)', []],
])('%s: the same on the rollup and raw paths', async (field, expected) => {
  const selection = field.replace(')', ') { totalCount edges { node { id } } pageInfo { hasNextPage } }');
  const [rollup, reference] = [await query(selection), await query(selection, true)];
  expect(rollup).toEqual(reference);
  expect(ids(rollup.interactions)).toEqual(expected);
  expect(rollup.interactions.totalCount).toBe(expected.length);
});

test('a narrowing that fills its page within the last day reads no counts', async () => {
  const { result, texts } = await countStatements(() => query(`successful { ${PAGE('first: 3')} }`));
  expect(ids(result.successful.examples)).toEqual(['c-9-13', 'c-9-12', 'c-9-11']);
  expect(texts.filter((text) => /OVER \(ORDER BY day DESC\)/.test(text))).toHaveLength(0);
});

/**
 * Keyset pagination of interaction and topic lists, `first` limits, and signed cursors
 * (bound to the account and the list they came from).
 */
import { countStatements } from '../helpers/statements';
import { ALL_IN_ORDER, at, ingest, insights, RANGE, startWithFixture, type Setup } from './fixture';

let s: Setup;
beforeAll(async () => {
  s = await startWithFixture();
});
afterAll(async () => s?.t.close());

const INTERACTIONS_PAGE = `query($filter: InsightsFilter!, $first: Int, $after: String) { insights(filter: $filter) {
  interactions(first: $first, after: $after) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } }`;
const TOPICS_PAGE = `query($filter: InsightsFilter!, $first: Int, $after: String, $orderBy: TopicOrder) { insights(filter: $filter) {
  topics(first: $first, after: $after, orderBy: $orderBy) { totalCount edges { cursor node { name interactions successRate } } pageInfo { hasNextPage endCursor } } } }`;

interface Page<T> {
  totalCount: number;
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

async function page<T>(document: string, field: 'interactions' | 'topics', variables: Record<string, unknown>, apiKey = s.a.apiKey): Promise<Page<T>> {
  const res = await s.t.request(document, { filter: RANGE, ...variables }, apiKey);
  expect(res.errors).toBeUndefined();
  return res.data!.insights[field];
}

/** Follows endCursor until hasNextPage is false; returns every page. */
async function walk<T>(document: string, field: 'interactions' | 'topics', variables: Record<string, unknown>): Promise<Array<Page<T>>> {
  const pages: Array<Page<T>> = [];
  let after: string | null = null;
  for (;;) {
    const p: Page<T> = await page<T>(document, field, { ...variables, after });
    pages.push(p);
    if (p.edges.length > 0) expect(p.pageInfo.endCursor).toBe(p.edges.at(-1)!.cursor);
    if (!p.pageInfo.hasNextPage) return pages;
    after = p.pageInfo.endCursor;
    expect(pages.length).toBeLessThan(50); // no endless loop
  }
}

/**
 * A request that must fail with BAD_USER_INPUT naming `field`, with no data (`data` is null: the
 * error reaches the non-null `insights`), or, with `nullableParent`, that field of insights null.
 */
async function expectBadInput(document: string, variables: Record<string, unknown>, field: string, apiKey = s.a.apiKey, nullableParent: string | null = null) {
  const res = await s.t.request(document, { filter: RANGE, ...variables }, apiKey);
  if (nullableParent) expect(res.data).toEqual({ insights: { [nullableParent]: null } });
  else expect(res.data ?? null).toBeNull();
  expect(res.errors).toHaveLength(1);
  expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
}

describe('interaction lists', () => {
  it('walks all 25 interactions 4 at a time: no duplicates, no gaps, the order of one big page', async () => {
    const pages = await walk<{ id: string }>(INTERACTIONS_PAGE, 'interactions', { first: 4 });
    expect(pages.map((p) => p.edges.length)).toEqual([4, 4, 4, 4, 4, 4, 1]);
    expect(pages.map((p) => p.pageInfo.hasNextPage)).toEqual([true, true, true, true, true, true, false]);
    expect(pages.every((p) => p.totalCount === 25)).toBe(true);
    const walked = pages.flatMap((p) => p.edges.map((e) => e.node.id));
    const big = await page<{ id: string }>(INTERACTIONS_PAGE, 'interactions', { first: 100 });
    expect(big.edges.map((e) => e.node.id)).toEqual(ALL_IN_ORDER);
    expect(walked).toEqual(ALL_IN_ORDER);
    expect(new Set(walked).size).toBe(25);
  });

  it('walks a narrowed list across ties on startedAt', async () => {
    // CONVERSATIONAL, first 2: the pairs c1/c4 (30 h), c12/e2 (28 h) and c10/c7 (18 h) tie on startedAt
    const document = INTERACTIONS_PAGE.replace('interactions(first: $first, after: $after)', 'interactions(first: $first, after: $after, type: CONVERSATIONAL)');
    const pages = await walk<{ id: string }>(document, 'interactions', { first: 2 });
    const conversational = ALL_IN_ORDER.filter((id) => !['c18', 'c2', 'c3', 'c19', 'c5', 'c9', 'c6', 'c11', 'c17'].includes(id));
    expect(pages.flatMap((p) => p.edges.map((e) => e.node.id))).toEqual(conversational);
    expect(conversational).toHaveLength(16);
    expect(pages).toHaveLength(8);
  });

  it('first: 0 gives no edges but the total', async () => {
    const p = await page<{ id: string }>(INTERACTIONS_PAGE, 'interactions', { first: 0 });
    expect(p.edges).toEqual([]);
    expect(p.totalCount).toBe(25);
  });

  it('pages by keyset, not OFFSET: the same statements on every page, none with OFFSET', async () => {
    const first = await countStatements(() => page<{ id: string }>(INTERACTIONS_PAGE, 'interactions', { first: 4 }));
    let after = first.result.pageInfo.endCursor;
    for (let n = 2; n < 6; n++) after = (await page<{ id: string }>(INTERACTIONS_PAGE, 'interactions', { first: 4, after })).pageInfo.endCursor;
    const sixth = await countStatements(() => page<{ id: string }>(INTERACTIONS_PAGE, 'interactions', { first: 4, after }));
    expect(sixth.result.edges.map((e) => e.node.id)).toEqual(ALL_IN_ORDER.slice(20, 24));
    // authentication, the page, the total count
    expect(first.statements).toBe(3);
    expect(sixth.statements).toBe(first.statements);
    // (Prisma's API key lookup, a findUnique, is sent with LIMIT/OFFSET; the list statements are ours)
    const ours = [...first.texts, ...sixth.texts].filter((text) => !text.includes('"ApiKey"'));
    expect(ours).toHaveLength(4);
    for (const text of ours) expect(text).not.toMatch(/\boffset\b/i);
  });

  it('continues after the row of the cursor even when newer rows arrive between pages', async () => {
    const k = await s.t.createAccount('K');
    const rec = (n: number) => ({
      record: 'interaction', id: `k${String(n).padStart(2, '0')}`, type: 'CONVERSATIONAL', startedAt: at(n), channel: 'SMS', endUserId: 'u',
    });
    await ingest(s.t, k.apiKey, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(rec));
    const p1 = await page<{ id: string }>(INTERACTIONS_PAGE, 'interactions', { first: 4 }, k.apiKey);
    expect(p1.edges.map((e) => e.node.id)).toEqual(['k10', 'k09', 'k08', 'k07']);
    await ingest(s.t, k.apiKey, [11, 12].map(rec)); // newer: they sort before the first page
    const p2 = await page<{ id: string }>(INTERACTIONS_PAGE, 'interactions', { first: 4, after: p1.pageInfo.endCursor }, k.apiKey);
    // with OFFSET 4 this would be k08 k07 k06 k05 (repeating two rows)
    expect(p2.edges.map((e) => e.node.id)).toEqual(['k06', 'k05', 'k04', 'k03']);
    expect(p2.totalCount).toBe(12);
  });
});

describe('topic lists', () => {
  // Topics over RANGE (fixture.ts): Billing 10 (40 %), Account 5 (40 %), Delivery 5 (40 %), Returns 5 (20 %),
  // Coupons 4 (0 %), Warranty 2 (50 %)
  it.each([
    ['INTERACTIONS_DESC', ['Billing', 'Account', 'Delivery', 'Returns', 'Coupons', 'Warranty']],
    ['SUCCESS_RATE_ASC', ['Coupons', 'Returns', 'Billing', 'Account', 'Delivery', 'Warranty']],
    ['NAME_ASC', ['Account', 'Billing', 'Coupons', 'Delivery', 'Returns', 'Warranty']],
  ])('%s: walks 2 at a time (page ends inside tie groups) in the order of one big page', async (orderBy, expected) => {
    const pages = await walk<{ name: string }>(TOPICS_PAGE, 'topics', { first: 2, orderBy });
    expect(pages.map((p) => p.edges.map((e) => e.node.name))).toEqual([expected.slice(0, 2), expected.slice(2, 4), expected.slice(4, 6)]);
    expect(pages.map((p) => p.pageInfo.hasNextPage)).toEqual([true, true, false]);
    expect(pages.every((p) => p.totalCount === 6)).toBe(true);
    const big = await page<{ name: string }>(TOPICS_PAGE, 'topics', { first: 100, orderBy });
    expect(big.edges.map((e) => e.node.name)).toEqual(expected);
    const four = await walk<{ name: string }>(TOPICS_PAGE, 'topics', { first: 4, orderBy });
    expect(four.map((p) => p.edges.map((e) => e.node.name))).toEqual([expected.slice(0, 4), expected.slice(4)]);
  });

  it('SUCCESS_RATE_ASC pages one at a time across rates that are not whole numbers', async () => {
    // automation cb (every conversational one but the inbox-only e5, e6):
    // Billing e1+ e2+ e3 c1+ c7 c10 c12 c14 = 8, 37.5 %; Account c1+ c4+ c7 c13 c14 = 5, 40 %;
    // Delivery e2+ c4+ c14 = 3, 66.67 %; Returns c8 c10 c13 = 3, 0 %; Coupons c8 c12 c13 = 3, 0 %; Warranty c14 = 1, 0 %
    const filter = { ...RANGE, automationIds: ['cb'] };
    const pages = await walk<{ name: string; successRate: number }>(TOPICS_PAGE, 'topics', { filter, first: 1, orderBy: 'SUCCESS_RATE_ASC' });
    expect(pages.map((p) => p.edges.map((e) => e.node.name))).toEqual([['Coupons'], ['Returns'], ['Warranty'], ['Billing'], ['Account'], ['Delivery']]);
    expect(pages.at(-1)!.edges[0]!.node.successRate).toBeCloseTo(200 / 3, 10);
    expect(pages[3]!.edges[0]!.node.successRate).toBe(37.5);
  });

  it('SUCCESS_RATE_ASC continues after cursors holding rates like 1/7, 1/6 and 1/3', async () => {
    const k = await s.t.createAccount('KR');
    // i1..i7: W on all 7 (i1 resolved) = 14.29 %; V on i1..i6 (i1) = 16.67 %; X on i1..i3 (i1) = 33.33 %;
    // Y on i4..i6 (i4) = 33.33 %; Z on i1..i3 (i1, i2) = 66.67 %
    const topics = (n: number) => [
      { name: 'W', resolved: n === 1 },
      ...(n <= 6 ? [{ name: 'V', resolved: n === 1 }] : []),
      ...(n <= 3 ? [{ name: 'X', resolved: n === 1 }, { name: 'Z', resolved: n <= 2 }] : []),
      ...(n >= 4 && n <= 6 ? [{ name: 'Y', resolved: n === 4 }] : []),
    ];
    await ingest(s.t, k.apiKey, [1, 2, 3, 4, 5, 6, 7].map((n) => ({
      record: 'interaction', id: `i${n}`, type: 'CONVERSATIONAL', startedAt: at(n), channel: 'SMS', endUserId: 'u', analysis: { topics: topics(n) },
    })));
    const pages: Array<Page<{ name: string; successRate: number }>> = [];
    let after: string | null = null;
    do {
      const p: Page<{ name: string; successRate: number }> = await page(TOPICS_PAGE, 'topics', { first: 1, orderBy: 'SUCCESS_RATE_ASC', after }, k.apiKey);
      pages.push(p);
      after = p.pageInfo.hasNextPage ? p.pageInfo.endCursor : null;
    } while (after && pages.length < 10);
    expect(pages.map((p) => p.edges.map((e) => e.node.name))).toEqual([['W'], ['V'], ['X'], ['Y'], ['Z']]);
    expect(pages.map((p) => p.edges[0]!.node.successRate)).toEqual([100 / 7, 100 / 6, 100 / 3, 100 / 3, 200 / 3].map((r) => expect.closeTo(r, 10)));
  });

  it('pages by keyset: topics added between pages do not shift the next page', async () => {
    const k = await s.t.createAccount('KT');
    const rec = (id: string, topics: string[]) => ({
      record: 'interaction', id, type: 'CONVERSATIONAL', startedAt: at(1), channel: 'SMS', endUserId: 'u',
      analysis: { topics: topics.map((name) => ({ name, resolved: true })) },
    });
    await ingest(s.t, k.apiKey, [rec('k1', ['Bravo', 'Charlie', 'Delta', 'Echo'])]);
    const p1 = await page<{ name: string }>(TOPICS_PAGE, 'topics', { first: 2, orderBy: 'NAME_ASC' }, k.apiKey);
    expect(p1.edges.map((e) => e.node.name)).toEqual(['Bravo', 'Charlie']);
    await ingest(s.t, k.apiKey, [rec('k2', ['Alpha'])]);
    const p2 = await page<{ name: string }>(TOPICS_PAGE, 'topics', { first: 2, orderBy: 'NAME_ASC', after: p1.pageInfo.endCursor }, k.apiKey);
    expect(p2.edges.map((e) => e.node.name)).toEqual(['Delta', 'Echo']);
    expect(p2.totalCount).toBe(5);
  });

  it('costs the same statements on every page, none with OFFSET', async () => {
    const p1 = await countStatements(() => page<{ name: string }>(TOPICS_PAGE, 'topics', { first: 2, orderBy: 'SUCCESS_RATE_ASC' }));
    const p2 = await countStatements(() => page<{ name: string }>(TOPICS_PAGE, 'topics', { first: 2, orderBy: 'SUCCESS_RATE_ASC', after: p1.result.pageInfo.endCursor }));
    expect(p2.result.edges.map((e) => e.node.name)).toEqual(['Billing', 'Account']);
    expect(p1.statements).toBe(3); // authentication, the page, the total
    expect(p2.statements).toBe(p1.statements);
    const ours = [...p1.texts, ...p2.texts].filter((text) => !text.includes('"ApiKey"'));
    expect(ours).toHaveLength(4);
    for (const text of ours) expect(text).not.toMatch(/\boffset\b/i);
  });
});

describe('first', () => {
  const docs: Array<[string, string, string | null]> = [
    ['insights.interactions', 'interactions(first: $first) { totalCount }', null],
    ['insights.topics', 'topics(first: $first) { totalCount }', null],
    ['outcome examples', 'successful { examples(first: $first) { totalCount } }', null],
    ['outcome topics', 'mixed(handling: CONTAINED) { topics(first: $first) { topic } }', null],
    ['issues', 'unsuccessful { issues(first: $first) { issue } }', null],
    ['issue examples', 'unsuccessful { issues { examples(first: $first) { totalCount } } }', null],
    ['lowest-performing topics', 'unsuccessful { lowestPerformingTopics(first: $first) { name } }', null],
    ['CSAT examples', 'csat { examples(first: $first) { totalCount } }', null],
    ['sentiment examples', 'sentiment { examples(first: $first) { totalCount } }', null],
    // `topic` is nullable: the error nulls it, not the whole response
    ['topic examples', 'topic(name: "Billing") { examples(first: $first) { totalCount } }', 'topic'],
  ];

  it.each(docs)('%s: 101 and -1 are BAD_USER_INPUT naming `first`; 100 is accepted', async (_name, selection, nullableParent) => {
    const document = `query($filter: InsightsFilter!, $first: Int) { insights(filter: $filter) { ${selection} } }`;
    await expectBadInput(document, { first: 101 }, 'first', s.a.apiKey, nullableParent);
    await expectBadInput(document, { first: -1 }, 'first', s.a.apiKey, nullableParent);
    const ok = await s.t.request(document, { filter: RANGE, first: 100 }, s.a.apiKey);
    expect(ok.errors).toBeUndefined();
  });

  it('names `first` in the message', async () => {
    const res = await s.t.request(INTERACTIONS_PAGE, { filter: RANGE, first: 101 }, s.a.apiKey);
    expect(res.errors![0]!.message).toMatch(/first/);
  });
});

describe('cursors', () => {
  let interactionsCursor: string;
  let topicsCursor: string;
  beforeAll(async () => {
    interactionsCursor = (await page<{ id: string }>(INTERACTIONS_PAGE, 'interactions', { first: 4 })).pageInfo.endCursor!;
    topicsCursor = (await page<{ name: string }>(TOPICS_PAGE, 'topics', { first: 2 })).pageInfo.endCursor!;
  });

  /** Replaces the character at `index` by another one. */
  const change = (cursor: string, index: number, to?: string) => {
    const i = index < 0 ? cursor.length + index : index;
    const replacement = to ?? (cursor[i] === 'A' ? 'B' : 'A');
    return cursor.slice(0, i) + replacement + cursor.slice(i + 1);
  };

  it('the untampered cursor works (control)', async () => {
    const p = await page<{ id: string }>(INTERACTIONS_PAGE, 'interactions', { first: 4, after: interactionsCursor });
    expect(p.edges.map((e) => e.node.id)).toEqual(ALL_IN_ORDER.slice(4, 8));
  });

  it('refuses a cursor with one character of the payload changed', async () => {
    const [payload] = interactionsCursor.split('.');
    for (const index of [0, Math.floor(payload!.length / 2), payload!.length - 1]) {
      await expectBadInput(INTERACTIONS_PAGE, { first: 4, after: change(interactionsCursor, index) }, 'after');
    }
  });

  it('refuses a cursor with one character of the signature changed, the last one included', async () => {
    const dot = interactionsCursor.indexOf('.');
    await expectBadInput(INTERACTIONS_PAGE, { first: 4, after: change(interactionsCursor, dot + 1) }, 'after');
    await expectBadInput(INTERACTIONS_PAGE, { first: 4, after: change(interactionsCursor, dot + 5) }, 'after');
    // The last of 22 base64url characters carries 2 bits of the 16-byte signature and 4 unused ones:
    // every other character must be refused too, even those that decode to the same bytes.
    const last = interactionsCursor.at(-1)!;
    for (const to of 'AQgwBCDEFGHIJKLMNOP') {
      if (to !== last) await expectBadInput(INTERACTIONS_PAGE, { first: 4, after: change(interactionsCursor, -1, to) }, 'after');
    }
  });

  it('refuses a cursor with characters added', async () => {
    for (const after of [`${interactionsCursor}A`, `${interactionsCursor}=`, `${interactionsCursor}.x`, `x${interactionsCursor}`]) {
      await expectBadInput(INTERACTIONS_PAGE, { first: 4, after }, 'after');
    }
  });

  it('refuses garbage', async () => {
    // an unsigned payload, even one of the right shape, is refused
    for (const after of ['nonsense', '.', 'a.b', Buffer.from('["interactions",["2026-03-02T00:00:00.000Z","c1"]]').toString('base64url')]) {
      await expectBadInput(INTERACTIONS_PAGE, { first: 4, after }, 'after');
    }
  });

  it("refuses account A's cursor for account B (which works with its own)", async () => {
    await expectBadInput(INTERACTIONS_PAGE, { first: 4, after: interactionsCursor }, 'after', s.b.apiKey);
    await expectBadInput(TOPICS_PAGE, { first: 2, after: topicsCursor }, 'after', s.b.apiKey);
    const own = await page<{ id: string }>(INTERACTIONS_PAGE, 'interactions', { first: 1 }, s.b.apiKey);
    // account B: e3 (33 h), c1 (30 h), b-only (5 h)
    expect(own.edges.map((e) => e.node.id)).toEqual(['e3']);
    const next = await page<{ id: string }>(INTERACTIONS_PAGE, 'interactions', { first: 5, after: own.pageInfo.endCursor }, s.b.apiKey);
    expect(next.edges.map((e) => e.node.id)).toEqual(['c1', 'b-only']);
  });

  it("refuses one list's cursor on another list", async () => {
    await expectBadInput(INTERACTIONS_PAGE, { first: 4, after: topicsCursor }, 'after');
    await expectBadInput(TOPICS_PAGE, { first: 2, after: interactionsCursor }, 'after');
    // a topics cursor of one order used with another order
    await expectBadInput(TOPICS_PAGE, { first: 2, after: topicsCursor, orderBy: 'NAME_ASC' }, 'after');
    await expectBadInput(TOPICS_PAGE, { first: 2, after: topicsCursor, orderBy: 'SUCCESS_RATE_ASC' }, 'after');
    // and on the example lists of drill-downs
    const examples = 'query($filter: InsightsFilter!, $after: String) { insights(filter: $filter) { successful { examples(after: $after) { totalCount } } } }';
    await expectBadInput(examples, { after: topicsCursor }, 'after');
  });
});

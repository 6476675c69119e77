import { createApiKey } from '../../src/accounts/accountStore';
import { startTestServer, type TestServer } from '../helpers/server';
import {
  A, B, BASE, C, CREATE, DELETE, FUNNEL, INGEST, iso, je, MINUTE, RANGE, SET_DEFAULT, sleep, UPDATE, VIEWS,
} from './fixture';

let t: TestServer;

type Account = { id: number; apiKey: string };

/** One interaction per automation, so that the account knows `jr` (journey), `cb` (chatbot) and `ai` (AI agent). */
async function seedAutomations(account: Account, journeyName = 'Offer journey') {
  const record = (id: string, automation: object, steps: object[]) => ({
    record: 'interaction', id, type: 'CONVERSATIONAL', startedAt: iso(BASE), channel: 'SMS', endUserId: 'u1', automation, steps,
  });
  const res = await t.request(INGEST, {
    r: [
      record('j', { id: 'jr', type: 'JOURNEY', name: journeyName, versionId: '1' }, [{ kind: 'JOURNEY_ELEMENT', name: A, at: iso(BASE + MINUTE) }]),
      record('c', { id: 'cb', type: 'CHATBOT', name: 'Support bot' }, [{ kind: 'SESSION_START', at: iso(BASE) }]),
      record('a', { id: 'ai', type: 'AI_AGENT', name: 'Refund agent' }, [{ kind: 'AI_AGENT_TOOL', name: 'lookup', at: iso(BASE) }]),
    ],
  }, account.apiKey);
  expect(res.errors).toBeUndefined();
  expect(res.data!.ingest.rejected).toEqual([]);
}

async function newAccount(name: string): Promise<Account> {
  const account = await t.createAccount(name);
  await seedAutomations(account);
  return account;
}

async function create(account: Account, name: string, steps: object[] = [je(A)], automationId = 'jr', versionId?: string) {
  const res = await t.request(CREATE, { i: { name, automationId, steps, ...(versionId ? { versionId } : {}) } }, account.apiKey);
  expect(res.errors).toBeUndefined();
  return res.data!.createFunnelView as { id: string; name: string; isDefault: boolean };
}

async function list(account: Account): Promise<Array<{ id: string; name: string; isDefault: boolean; [k: string]: unknown }>> {
  const res = await t.request(VIEWS, {}, account.apiKey);
  expect(res.errors).toBeUndefined();
  return res.data!.funnelViews;
}

async function defaultOf(account: Account): Promise<string[]> {
  return (await list(account)).filter((v) => v.isDefault).map((v) => v.id);
}

async function defaultRows(account: Account): Promise<string[]> {
  const { rows } = await t.db.pool.query(`SELECT "viewId" FROM "DefaultFunnelView" WHERE "accountId" = $1`, [account.id]);
  return rows.map((row) => row.viewId);
}

function expectError(res: { data?: unknown; errors?: Array<{ extensions?: Record<string, unknown> }> }, code: string, field?: string) {
  expect(res.errors).toHaveLength(1);
  expect(res.errors![0]!.extensions).toMatchObject({ code, ...(field ? { field } : {}) });
}

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t?.close());

describe('create, read, update, delete', () => {
  let acc: Account;
  beforeAll(async () => {
    acc = await newAccount('crud');
  });

  it('creates a view and lists it with its automation, version and normalised steps', async () => {
    const res = await t.request(CREATE, {
      i: { name: '  Offer funnel  ', automationId: 'jr', versionId: '1', steps: [{ kind: 'JOURNEY_ELEMENT', name: ` ${A} ` }, je(B)] },
    }, acc.apiKey);
    expect(res.errors).toBeUndefined();
    const view = res.data!.createFunnelView;
    expect(view).toEqual({
      id: expect.any(String), name: 'Offer funnel', versionId: '1', isDefault: true,
      automation: { id: 'jr', type: 'JOURNEY' },
      steps: [{ kind: 'JOURNEY_ELEMENT', name: A }, { kind: 'JOURNEY_ELEMENT', name: B }],
    });
    expect(await list(acc)).toEqual([view]);
  });

  it('accepts each automation type with the kinds that fit it, 100-character names and 20 steps', async () => {
    const chatbot = await create(acc, 'x'.repeat(100), [
      { kind: 'SESSION_START' }, { kind: 'STARTING_DIALOG', name: 'Welcome' }, { kind: 'ENDING_DIALOG', name: 'Bye' }, { kind: 'SESSION_END', name: '' },
    ], 'cb');
    expect(chatbot).toMatchObject({
      name: 'x'.repeat(100), isDefault: false, versionId: null, automation: { id: 'cb', type: 'CHATBOT' },
      steps: [{ kind: 'SESSION_START', name: null }, { kind: 'STARTING_DIALOG', name: 'Welcome' }, { kind: 'ENDING_DIALOG', name: 'Bye' }, { kind: 'SESSION_END', name: null }],
    });
    const agent = await create(acc, 'Agent', [{ kind: 'AI_AGENT_TOOL', name: 'lookup' }], 'ai');
    expect(agent).toMatchObject({ automation: { id: 'ai', type: 'AI_AGENT' }, isDefault: false });
    const twenty = await create(acc, 'Twenty', Array.from({ length: 20 }, (_, i) => je(`e${i}`)));
    expect(twenty).toMatchObject({ steps: expect.arrayContaining([je('e19')]) });
    expect((twenty as unknown as { steps: unknown[] }).steps).toHaveLength(20);
  });

  it.each([
    ['an empty name', { name: '' }, 'input.name'],
    ['a blank name', { name: '   ' }, 'input.name'],
    ['a 101-character name', { name: 'x'.repeat(101) }, 'input.name'],
    ['no steps', { steps: [] }, 'input.steps'],
    ['21 steps', { steps: Array.from({ length: 21 }, (_, i) => je(`e${i}`)) }, 'input.steps'],
    ['a chatbot kind in a journey view', { steps: [je(A), { kind: 'SESSION_START' }] }, 'input.steps[1].kind'],
    ['a tool in a journey view', { steps: [{ kind: 'AI_AGENT_TOOL', name: 'lookup' }] }, 'input.steps[0].kind'],
    ['a journey element in a chatbot view', { automationId: 'cb', steps: [je(A)] }, 'input.steps[0].kind'],
    ['a starting dialog in an AI agent view', { automationId: 'ai', steps: [{ kind: 'STARTING_DIALOG', name: 'Welcome' }] }, 'input.steps[0].kind'],
    ['a journey element without name', { steps: [je(A), { kind: 'JOURNEY_ELEMENT' }] }, 'input.steps[1].name'],
    ['a starting dialog with a blank name', { automationId: 'cb', steps: [{ kind: 'STARTING_DIALOG', name: ' ' }] }, 'input.steps[0].name'],
    ['an ending dialog without name', { automationId: 'cb', steps: [{ kind: 'ENDING_DIALOG', name: null }] }, 'input.steps[0].name'],
    ['a tool without name', { automationId: 'ai', steps: [{ kind: 'AI_AGENT_TOOL' }] }, 'input.steps[0].name'],
    ['a name on SESSION_START', { automationId: 'cb', steps: [{ kind: 'SESSION_START', name: 'web' }] }, 'input.steps[0].name'],
    ['a name on SESSION_END', { automationId: 'cb', steps: [{ kind: 'SESSION_START' }, { kind: 'SESSION_END', name: 'x' }] }, 'input.steps[1].name'],
    ['an unknown automationId', { automationId: 'nope' }, 'input.automationId'],
  ])('rejects %s with BAD_USER_INPUT naming the field', async (_name, change, field) => {
    const input = { name: 'Bad', automationId: 'jr', steps: [je(A)], ...change };
    const res = await t.request(CREATE, { i: input }, acc.apiKey);
    expect(res.data).toBeNull();
    expectError(res, 'BAD_USER_INPUT', field);
    expect(res.errors![0]!.extensions!.field).toBe(field);
  });

  it('stored nothing for the rejected inputs', async () => {
    // (one list for all the cases above: the API key's rate limit has a burst of 60 requests)
    expect((await list(acc)).map((v) => v.name)).toEqual(['Offer funnel', 'x'.repeat(100), 'Agent', 'Twenty']);
  });

  it('updates a view in place, keeping its id and default flag', async () => {
    const [first] = await list(acc);
    const res = await t.request(UPDATE, { id: first!.id, i: { name: 'Renamed', automationId: 'cb', steps: [{ kind: 'SESSION_START' }] } }, acc.apiKey);
    expect(res.errors).toBeUndefined();
    const updated = {
      id: first!.id, name: 'Renamed', versionId: null, isDefault: true,
      automation: { id: 'cb', type: 'CHATBOT' }, steps: [{ kind: 'SESSION_START', name: null }],
    };
    expect(res.data!.updateFunnelView).toEqual(updated);
    const after = await list(acc);
    expect(after[0]).toEqual(updated);
    expect(after).toHaveLength(4);
  });

  it('validates updates like creates, and leaves the view unchanged', async () => {
    const [first] = await list(acc);
    const res = await t.request(UPDATE, { id: first!.id, i: { name: '', automationId: 'cb', steps: [{ kind: 'SESSION_START' }] } }, acc.apiKey);
    expectError(res, 'BAD_USER_INPUT', 'input.name');
    expect((await list(acc))[0]).toEqual(first);
  });

  it('answers NOT_FOUND for an update of an unknown id, false for its delete', async () => {
    const res = await t.request(UPDATE, { id: 'no-such-view', i: { name: 'X', automationId: 'jr', steps: [je(A)] } }, acc.apiKey);
    expect(res.data).toBeNull();
    expectError(res, 'NOT_FOUND');
    const del = await t.request(DELETE, { id: 'no-such-view' }, acc.apiKey);
    expect(del.errors).toBeUndefined();
    expect(del.data).toEqual({ deleteFunnelView: false });
    const setDefault = await t.request(SET_DEFAULT, { id: 'no-such-view' }, acc.apiKey);
    expectError(setDefault, 'NOT_FOUND');
    const f = await t.request(FUNNEL, { ...RANGE, viewId: 'no-such-view' }, acc.apiKey);
    expectError(f, 'NOT_FOUND');
  });

  it('answers FORBIDDEN to a read-only key for every mutation, and serves it the queries', async () => {
    const views = await list(acc);
    const readOnly = await createApiKey(t.db.prisma, acc.id, 'reader', ['read']);
    const input = { name: 'Reader', automationId: 'jr', steps: [je(A)] };
    for (const [query, variables] of [
      [CREATE, { i: input }],
      [UPDATE, { id: views[1]!.id, i: input }],
      [DELETE, { id: views[1]!.id }],
      [SET_DEFAULT, { id: views[1]!.id }],
    ] as const) {
      const res = await t.request(query, variables, readOnly.apiKey);
      expect(res.data).toBeNull();
      expectError(res, 'FORBIDDEN');
    }
    expect(await list(acc)).toEqual(views); // nothing changed
    const read = await t.request(VIEWS, {}, readOnly.apiKey);
    expect(read.errors).toBeUndefined();
    expect(read.data!.funnelViews).toEqual(views);
  });

  it('answers FORBIDDEN to a key without the read scope for the queries', async () => {
    const adminOnly = await createApiKey(t.db.prisma, acc.id, 'admin only', ['admin']);
    for (const [query, variables] of [
      [VIEWS, {}],
      [FUNNEL, { ...RANGE }],
      ['query { funnelStepOptions(automationId: "jr") { kind name } }', {}],
    ] as const) {
      expectError(await t.request(query, variables, adminOnly.apiKey), 'FORBIDDEN');
    }
  });
});

describe('the default view', () => {
  it('follows the first-view, setDefault and delete-the-default rules, down to no view at all', async () => {
    const acc = await newAccount('defaults');
    const noView = await t.request(FUNNEL, { ...RANGE }, acc.apiKey);
    expect(noView.errors).toBeUndefined();
    expect(noView.data!.funnel).toMatchObject({ status: 'NOT_CONFIGURED', view: null, steps: [] });

    // Distinct creation times, so "oldest" is unambiguous.
    const v1 = await create(acc, 'V1');
    await sleep(15);
    const v2 = await create(acc, 'V2');
    await sleep(15);
    const v3 = await create(acc, 'V3');
    await sleep(15);
    const v4 = await create(acc, 'V4');
    expect([v1.isDefault, v2.isDefault, v3.isDefault, v4.isDefault]).toEqual([true, false, false, false]);
    expect((await list(acc)).map((v) => v.name)).toEqual(['V1', 'V2', 'V3', 'V4']); // oldest first
    expect(await defaultOf(acc)).toEqual([v1.id]);
    expect(await defaultRows(acc)).toEqual([v1.id]);

    // setDefault moves it: exactly one default
    const set = await t.request(SET_DEFAULT, { id: v3.id }, acc.apiKey);
    expect(set.errors).toBeUndefined();
    expect(set.data!.setDefaultFunnelView).toMatchObject({ id: v3.id, isDefault: true });
    expect(await defaultOf(acc)).toEqual([v3.id]);
    expect(await defaultRows(acc)).toEqual([v3.id]);
    const f = await t.request(FUNNEL, { ...RANGE }, acc.apiKey);
    expect(f.data!.funnel).toMatchObject({ status: 'OK', view: { id: v3.id, isDefault: true } });

    // deleting the default V3 makes the OLDEST remaining one (V1, not V2 or V4) the default
    expect((await t.request(DELETE, { id: v3.id }, acc.apiKey)).data).toEqual({ deleteFunnelView: true });
    expect(await defaultOf(acc)).toEqual([v1.id]);

    // deleting a view that is not the default leaves the default alone
    await t.request(SET_DEFAULT, { id: v4.id }, acc.apiKey);
    expect((await t.request(DELETE, { id: v1.id }, acc.apiKey)).data).toEqual({ deleteFunnelView: true });
    expect(await defaultOf(acc)).toEqual([v4.id]);

    // V2 is older than V4
    expect((await t.request(DELETE, { id: v4.id }, acc.apiKey)).data).toEqual({ deleteFunnelView: true });
    expect(await defaultOf(acc)).toEqual([v2.id]);
    expect(await defaultRows(acc)).toEqual([v2.id]);

    // deleting the last view leaves none
    expect((await t.request(DELETE, { id: v2.id }, acc.apiKey)).data).toEqual({ deleteFunnelView: true });
    expect(await list(acc)).toEqual([]);
    expect(await defaultRows(acc)).toEqual([]);
    const none = await t.request(FUNNEL, { ...RANGE }, acc.apiKey);
    expect(none.errors).toBeUndefined();
    expect(none.data!.funnel).toMatchObject({ status: 'NOT_CONFIGURED', view: null, steps: [] });

    // ... and the next view created is the default again
    const v5 = await create(acc, 'V5');
    expect(v5.isDefault).toBe(true);
    expect(await defaultRows(acc)).toEqual([v5.id]);
  });

  it('reports isDefault as of each mutation when one document holds several (mutations run in order)', async () => {
    const acc = await newAccount('one document');
    const v1 = await create(acc, 'V1');
    await sleep(15);
    const v2 = await create(acc, 'V2');
    const res = await t.request(`mutation($a: ID!, $b: ID!, $i: FunnelViewInput!) {
      x: setDefaultFunnelView(id: $b) { id isDefault }
      y: setDefaultFunnelView(id: $a) { id isDefault }
      z: deleteFunnelView(id: $a)
      w: createFunnelView(input: $i) { id isDefault }
      v: setDefaultFunnelView(id: $b) { id isDefault }
    }`, { a: v1.id, b: v2.id, i: { name: 'V3', automationId: 'jr', steps: [je(A)] } }, acc.apiKey);
    expect(res.errors).toBeUndefined();
    // x moves the default to V2, y back to V1; z deletes V1, so the oldest remaining (V2) is the default;
    // w's new V3 is not; v sets V2 again.
    expect(res.data).toEqual({
      x: { id: v2.id, isDefault: true },
      y: { id: v1.id, isDefault: true },
      z: true,
      w: { id: expect.any(String), isDefault: false },
      v: { id: v2.id, isDefault: true },
    });
    expect(await defaultRows(acc)).toEqual([v2.id]);
  });

  it('keeps exactly one default under 20 concurrent creates and 20 concurrent setDefault calls', async () => {
    const acc = await newAccount('concurrency');
    const created = await Promise.all(Array.from({ length: 20 }, (_, i) => create(acc, `C${i}`)));
    expect(created.filter((v) => v.isDefault).length).toBeLessThanOrEqual(1);
    expect(await defaultOf(acc)).toHaveLength(1);
    expect(await defaultRows(acc)).toHaveLength(1);

    const ids = created.map((v) => v.id);
    const results = await Promise.all(ids.map((id) => t.request(SET_DEFAULT, { id }, acc.apiKey)));
    for (const [i, res] of results.entries()) {
      expect(res.errors).toBeUndefined();
      expect(res.data!.setDefaultFunnelView.id).toBe(ids[i]);
    }
    const defaults = await defaultOf(acc);
    expect(defaults).toHaveLength(1);
    expect(ids).toContain(defaults[0]);
    expect(await defaultRows(acc)).toEqual(defaults);
    expect(await list(acc)).toHaveLength(20);
  });
});

describe('tenancy', () => {
  let a: Account;
  let b: Account;
  let aViews: Array<{ id: string; name: string }>;
  let bView: { id: string };

  beforeAll(async () => {
    a = await newAccount('tenant A');
    b = await t.createAccount('tenant B');
    await seedAutomations(b, 'B journey'); // B has automations with the same external IDs (jr, cb, ai)
    aViews = [await create(a, 'A default'), await create(a, 'A second', [je(A), je(C)])];
    bView = await create(b, 'B own');
  });

  it('lists only the caller\'s views, each with its own default', async () => {
    expect((await list(a)).map((v) => [v.id, v.isDefault])).toEqual([[aViews[0]!.id, true], [aViews[1]!.id, false]]);
    expect((await list(b)).map((v) => [v.id, v.isDefault])).toEqual([[bView.id, true]]);
  });

  it('answers NOT_FOUND for another account\'s view in funnel()', async () => {
    const own = await t.request(FUNNEL, { ...RANGE, viewId: aViews[1]!.id }, a.apiKey);
    expect(own.errors).toBeUndefined();
    expect(own.data!.funnel.status).toBe('OK');
    const foreign = await t.request(FUNNEL, { ...RANGE, viewId: aViews[1]!.id }, b.apiKey);
    expect(foreign.data).toBeNull();
    expectError(foreign, 'NOT_FOUND');
  });

  it('does not let B update, delete or make default A\'s views', async () => {
    const update = await t.request(UPDATE, { id: aViews[1]!.id, i: { name: 'Hijacked', automationId: 'jr', steps: [je(B)] } }, b.apiKey);
    expect(update.data).toBeNull();
    expectError(update, 'NOT_FOUND');

    const del = await t.request(DELETE, { id: aViews[0]!.id }, b.apiKey);
    expect(del.errors).toBeUndefined();
    expect(del.data).toEqual({ deleteFunnelView: false });

    const setDefault = await t.request(SET_DEFAULT, { id: aViews[1]!.id }, b.apiKey);
    expect(setDefault.data).toBeNull();
    expectError(setDefault, 'NOT_FOUND');

    // A's views are untouched: names, steps and default
    const after = await list(a);
    expect(after.map((v) => [v.id, v.name, v.isDefault])).toEqual([
      [aViews[0]!.id, 'A default', true],
      [aViews[1]!.id, 'A second', false],
    ]);
    expect(after[1]!.steps).toEqual([je(A), je(C)]);
    expect(await defaultRows(a)).toEqual([aViews[0]!.id]);
    // and B's default is still its own view
    expect(await defaultRows(b)).toEqual([bView.id]);
    expect((await list(b)).map((v) => v.id)).toEqual([bView.id]);
  });

  it('does not let B put A\'s automation in a view', async () => {
    const onlyA = await t.request(INGEST, {
      r: [{ record: 'interaction', id: 'x', type: 'CONVERSATIONAL', startedAt: iso(BASE), channel: 'SMS', endUserId: 'u', automation: { id: 'a-only', type: 'JOURNEY', name: 'A only' } }],
    }, a.apiKey);
    expect(onlyA.data!.ingest.rejected).toEqual([]);
    expect((await create(a, 'A only view', [je(A)], 'a-only')).id).toEqual(expect.any(String)); // control
    const res = await t.request(CREATE, { i: { name: 'B view', automationId: 'a-only', steps: [je(A)] } }, b.apiKey);
    expectError(res, 'BAD_USER_INPUT', 'input.automationId');
  });
});

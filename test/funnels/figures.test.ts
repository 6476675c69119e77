import { createApiKey } from '../../src/accounts/accountStore';
import { startTestServer, type TestServer } from '../helpers/server';
import { countStatements } from '../helpers/statements';
import {
  A, agentRecords, B, BASE, C, chatbotRecords, CREATE, FUNNEL, HOUR, INGEST, iso, je, journeyRecords, OPTIONS, RANGE,
} from './fixture';

// Every expected value below is worked out by hand from the tables in ./fixture.ts.

let t: TestServer;
let a: { id: number; apiKey: string };
let other: { id: number; apiKey: string };
const views: Record<string, string> = {};

type StepIn = { kind: string; name?: string | null };
const ss = { kind: 'SESSION_START' };
const se = { kind: 'SESSION_END' };
const start = (name: string) => ({ kind: 'STARTING_DIALOG', name });
const end = (name: string) => ({ kind: 'ENDING_DIALOG', name });
const tool = (name: string) => ({ kind: 'AI_AGENT_TOOL', name });

async function createView(key: string, name: string, automationId: string, steps: StepIn[], versionId?: string) {
  const res = await t.request(CREATE, { i: { name, automationId, steps, ...(versionId ? { versionId } : {}) } }, a.apiKey);
  expect(res.errors).toBeUndefined();
  views[key] = res.data!.createFunnelView.id;
}

async function funnel(variables: Record<string, unknown>, apiKey = a.apiKey) {
  const res = await t.request(FUNNEL, { ...RANGE, ...variables }, apiKey);
  expect(res.errors).toBeUndefined();
  return res.data!.funnel;
}

/** [step, interactions, conversionRate, dropOff] rows → the expected FunnelStepResult list. */
function rows(...expected: Array<[StepIn, number, number | null, number]>) {
  return expected.map(([step, interactions, conversionRate, dropOff]) => ({
    step: { kind: step.kind, name: step.name ?? null },
    interactions,
    conversionRate: conversionRate === null ? null : expect.closeTo(conversionRate, 10),
    dropOff,
  }));
}

beforeAll(async () => {
  t = await startTestServer();
  a = await t.createAccount('A');
  other = await t.createAccount('Other');
  const res = await t.request(INGEST, { r: [...journeyRecords(), ...chatbotRecords(), ...agentRecords()] }, a.apiKey);
  expect(res.errors).toBeUndefined();
  expect(res.data!.ingest).toEqual({ stored: 19, rejected: [] });

  // J1 is the account's first view, hence its default.
  await createView('J1', 'Offer funnel', 'jr', [je(A), je(B), je(C)]);
  await createView('J2', 'Offer funnel, version 2', 'jr', [je(A), je(B)], '2');
  await createView('AA', 'Offer twice', 'jr', [je(A), je(A)]);
  await createView('CA', 'Buy then offer', 'jr', [je(C), je(A)]);
  await createView('NEVER', 'Never reached', 'jr', [je('never'), je(A)]);
  await createView('C1', 'Bot session', 'cb', [ss, start('Welcome'), end('Handoff'), se]);
  await createView('C2', 'Billing to welcome', 'cb', [start('Billing'), end('Welcome')]);
  await createView('C3', 'Welcome only', 'cb', [start('Welcome'), end('Welcome')]);
  await createView('AI', 'Refunds', 'ai', [tool('lookup'), tool('refund')]);
});
afterAll(async () => t?.close());

describe('funnelStepOptions', () => {
  const options = async (automationId: string, versionId?: string, apiKey = a.apiKey) => {
    const res = await t.request(OPTIONS, { a: automationId, ...(versionId ? { v: versionId } : {}) }, apiKey);
    expect(res.errors).toBeUndefined();
    return res.data!.funnelStepOptions;
  };

  it('lists a journey\'s elements by name, never a step kind that does not fit a journey (j5\'s stray tool)', async () => {
    expect(await options('jr')).toEqual([
      { kind: 'JOURNEY_ELEMENT', name: 'buy' },
      { kind: 'JOURNEY_ELEMENT', name: 'click link' },
      { kind: 'JOURNEY_ELEMENT', name: 'send offer' },
    ]);
  });

  it('lists only the elements seen in interactions of the given version ID', async () => {
    // version 2: j7 (A, B), j11 (A); no C
    expect(await options('jr', '2')).toEqual([
      { kind: 'JOURNEY_ELEMENT', name: 'click link' },
      { kind: 'JOURNEY_ELEMENT', name: 'send offer' },
    ]);
    expect(await options('jr', '1')).toHaveLength(3);
    expect(await options('jr', '9')).toEqual([]);
  });

  it('lists a chatbot\'s starting and ending dialogs separately, in funnel order, session steps without name', async () => {
    // first dialogs: Welcome (c1, c2, c4, c5), Billing (c3), Goodbye (c6); c1's Billing is in the middle.
    // last dialogs: Handoff (c1, c4), Welcome (c2, c3, c5), Goodbye (c6). c5's SESSION_START carries a name.
    expect(await options('cb')).toEqual([
      { kind: 'SESSION_START', name: null },
      { kind: 'STARTING_DIALOG', name: 'Billing' },
      { kind: 'STARTING_DIALOG', name: 'Goodbye' },
      { kind: 'STARTING_DIALOG', name: 'Welcome' },
      { kind: 'ENDING_DIALOG', name: 'Goodbye' },
      { kind: 'ENDING_DIALOG', name: 'Handoff' },
      { kind: 'ENDING_DIALOG', name: 'Welcome' },
      { kind: 'SESSION_END', name: null },
    ]);
  });

  it('lists session start and end only when they occur in the version\'s interactions', async () => {
    expect(await options('cb', '1')).toEqual([ // c1, c2, c5
      { kind: 'SESSION_START', name: null },
      { kind: 'STARTING_DIALOG', name: 'Welcome' },
      { kind: 'ENDING_DIALOG', name: 'Handoff' },
      { kind: 'ENDING_DIALOG', name: 'Welcome' },
      { kind: 'SESSION_END', name: null },
    ]);
    expect(await options('cb', '2')).toEqual([ // c3, c4: a session start (c4) but no session end
      { kind: 'SESSION_START', name: null },
      { kind: 'STARTING_DIALOG', name: 'Billing' },
      { kind: 'STARTING_DIALOG', name: 'Welcome' },
      { kind: 'ENDING_DIALOG', name: 'Handoff' },
      { kind: 'ENDING_DIALOG', name: 'Welcome' },
    ]);
    expect(await options('cb', '3')).toEqual([ // c6: one dialog, no session steps
      { kind: 'STARTING_DIALOG', name: 'Goodbye' },
      { kind: 'ENDING_DIALOG', name: 'Goodbye' },
    ]);
  });

  it('lists an AI agent\'s tools, not a stray journey element', async () => {
    expect(await options('ai')).toEqual([
      { kind: 'AI_AGENT_TOOL', name: 'lookup' },
      { kind: 'AI_AGENT_TOOL', name: 'refund' },
    ]);
  });

  it('rejects an unknown automation, and one of another account, with BAD_USER_INPUT', async () => {
    for (const [automationId, apiKey] of [['nope', a.apiKey], ['jr', other.apiKey]] as const) {
      const res = await t.request(OPTIONS, { a: automationId }, apiKey);
      expect(res.data).toBeNull();
      expect(res.errors).toHaveLength(1);
      expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'automationId' });
    }
  });
});

describe('funnel figures', () => {
  const J1_RANGE = rows([je(A), 8, 100, 0], [je(B), 5, 62.5, 3], [je(C), 3, 37.5, 2]);

  it('counts ordered reach: out-of-order, repeated and same-instant occurrences (journey A → B → C)', async () => {
    // step 1 (A anywhere): j9 j1 j2 j3 j4 j6 j7 j11 = 8 (j5 has no A; j8, j10 are outside the range)
    // step 2 (B at/after A): j1, j3 (A@1 → B@3), j4 (A@3 → B@4, not B@2), j6 (same instant), j7 = 5
    //   not j2 (its only B is before A), not j9/j11 (no B)
    // step 3 (C at/after B's time): j1, j3 (C@4 ≥ B@3, although A@5 comes later), j6 = 3
    //   not j4 (C@3 is after A@3 but before the qualifying B@4), not j7 (no C)
    const f = await funnel({ viewId: views.J1 });
    expect(f).toEqual({ status: 'OK', message: null, view: { id: views.J1, isDefault: true }, steps: J1_RANGE });
  });

  it('uses the earliest QUALIFYING occurrence, not the earliest one (C → A)', async () => {
    // step 1 (C): j1 j3 j4 j5 j6 = 5
    // step 2 (A at/after C): j3 (C@4 → A@5; its A@1 is too early), j4 (C@3 → A@3), j6 (C@1 → A@1) = 3
    //   not j1 (C@3, A@1 only), not j5 (no A)
    const f = await funnel({ viewId: views.CA });
    expect(f.steps).toEqual(rows([je(C), 5, 100, 0], [je(A), 3, 60, 2]));
  });

  it('lets one occurrence satisfy two consecutive identical steps (the documented literal reading of "at or after")', async () => {
    // Every interaction with an A reaches step 2 through the very same occurrence, e.g. j9 has a single A.
    const f = await funnel({ viewId: views.AA });
    expect(f.steps).toEqual(rows([je(A), 8, 100, 0], [je(A), 8, 100, 0]));
  });

  it('gives conversionRate null (and dropOff 0) when nobody reaches step 1', async () => {
    const f = await funnel({ viewId: views.NEVER });
    expect(f.steps).toEqual(rows([je('never'), 0, null, 0], [je(A), 0, null, 0]));
  });

  it('restricts a version-specific view to interactions of that version ID', async () => {
    // version 2: j7 (A@1, B@2) and j11 (A@1)
    const f = await funnel({ viewId: views.J2 });
    expect(f.steps).toEqual(rows([je(A), 2, 100, 0], [je(B), 1, 50, 1]));
  });

  it('takes interactions whose startedAt is in [from, to)', async () => {
    // [BASE + 1 ms, BASE + 24 h + 1 ms): j9 (A only) leaves, j8 (A, B, C) comes in
    let f = await funnel({ viewId: views.J1, from: iso(BASE + 1), to: iso(BASE + 24 * HOUR + 1) });
    expect(f.steps).toEqual(rows([je(A), 8, 100, 0], [je(B), 6, 75, 2], [je(C), 4, 50, 2]));
    // [BASE − 1 ms, BASE + 24 h): j10 (A, B, C) comes in, j9 stays, j8 (startedAt = to) stays out
    f = await funnel({ viewId: views.J1, from: iso(BASE - 1), to: RANGE.to });
    expect(f.steps).toEqual(rows([je(A), 9, 100, 0], [je(B), 6, 600 / 9, 3], [je(C), 4, 400 / 9, 2]));
    // a range with no interaction at all
    f = await funnel({ viewId: views.J1, from: iso(BASE + 30 * HOUR), to: iso(BASE + 40 * HOUR) });
    expect(f.steps).toEqual(rows([je(A), 0, null, 0], [je(B), 0, null, 0], [je(C), 0, null, 0]));
  });

  it('picks the first and last DIALOG per interaction for starting and ending dialogs (chatbot session)', async () => {
    // SESSION_START: c1@0, c2@0, c4@0, c5@2 (named "web") = 4; not c3, c6
    // STARTING_DIALOG Welcome at/after it: c1 (Welcome@1), c2 (Welcome@1), c4 (Welcome@3, listed after Handoff@5) = 3
    //   not c5: its first dialog Welcome@1 is before its session start @2
    // ENDING_DIALOG Handoff at/after that: c1 (Handoff@3), c4 (Handoff@5) = 2; c2 ends with Welcome
    // SESSION_END at/after that: c1 (@4) = 1; c4 has no session end
    const f = await funnel({ viewId: views.C1 });
    expect(f.steps).toEqual(rows([ss, 4, 100, 0], [start('Welcome'), 3, 75, 1], [end('Handoff'), 2, 50, 1], [se, 1, 25, 1]));
  });

  it('does not take a dialog in the middle as a starting dialog; ties on `at` go by position', async () => {
    // STARTING_DIALOG Billing: only c3 (Billing@1 listed before Welcome@1); c1's Billing@2 is in the middle.
    // ENDING_DIALOG Welcome: c3's last dialog is Welcome@1 (same instant, later position).
    const f = await funnel({ viewId: views.C2 });
    expect(f.steps).toEqual(rows([start('Billing'), 1, 100, 0], [end('Welcome'), 1, 100, 0]));
  });

  it('lets the one dialog of an interaction be both its starting and ending dialog', async () => {
    // STARTING_DIALOG Welcome: c1 c2 c4 c5 = 4 (c3 starts with Billing, c6 with Goodbye)
    // ENDING_DIALOG Welcome at/after it: c2 and c5, whose single Welcome@1 is both first and last dialog = 2;
    //   c1 and c4 end with Handoff
    const f = await funnel({ viewId: views.C3 });
    expect(f.steps).toEqual(rows([start('Welcome'), 4, 100, 0], [end('Welcome'), 2, 50, 2]));
  });

  it('counts AI agent tools in order', async () => {
    // lookup: a1, a2 = 2; refund at/after lookup: a1 (refund@2 ≥ lookup@1) = 1; a2's refund@1 is before lookup@2
    const f = await funnel({ viewId: views.AI });
    expect(f.steps).toEqual(rows([tool('lookup'), 2, 100, 0], [tool('refund'), 1, 50, 1]));
  });

  it('uses the default view when viewId is omitted', async () => {
    const f = await funnel({});
    expect(f).toEqual({ status: 'OK', message: null, view: { id: views.J1, isDefault: true }, steps: J1_RANGE });
  });

  it('reports NO_DATA with the exact message and no steps when the filter\'s automations exclude the view\'s', async () => {
    for (const viewId of [views.J1, undefined]) {
      const f = await funnel({ viewId, filter: { ...RANGE, automationIds: ['cb'] } });
      expect(f).toEqual({ status: 'NO_DATA', message: 'No data for your filter selection.', view: { id: views.J1, isDefault: true }, steps: [] });
    }
    const unknown = await funnel({ viewId: views.C1, filter: { ...RANGE, automationIds: ['nope'] } });
    expect(unknown).toMatchObject({ status: 'NO_DATA', message: 'No data for your filter selection.', steps: [] });
    // control: the view's automation among others
    const ok = await funnel({ viewId: views.J1, filter: { ...RANGE, automationIds: ['cb', 'jr'] } });
    expect(ok.status).toBe('OK');
    expect(ok.steps).toEqual(J1_RANGE);
  });

  it('ignores the global filter\'s range, versions and senders: only the view and the funnel\'s own range count', async () => {
    const filter = {
      from: '2025-01-01T00:00:00Z', to: '2025-01-02T00:00:00Z', // no interaction in this range
      automationIds: ['jr'], automationVersionIds: ['jr-v2'], versionIds: ['2'], senders: ['nobody'],
    };
    const f = await funnel({ viewId: views.J1, filter });
    expect(f).toEqual({ status: 'OK', message: null, view: { id: views.J1, isDefault: true }, steps: J1_RANGE });
  });

  it('answers a read-only key', async () => {
    const readOnly = await createApiKey(t.db.prisma, a.id, 'reader', ['read']);
    const f = await funnel({ viewId: views.J1 }, readOnly.apiKey);
    expect(f.steps).toEqual(J1_RANGE);
  });
});

describe('one statement per funnel', () => {
  it.each([['C1', 'chatbot view with dialog steps'], ['J1', 'journey view']])('%s (%s) counts its stored reach in exactly one statement', async (key) => {
    const { result, texts } = await countStatements(() => t.request(FUNNEL, { ...RANGE, viewId: views[key] }, a.apiKey));
    expect(result.errors).toBeUndefined();
    expect(result.data!.funnel.status).toBe('OK');
    expect(texts.filter((text) => text.includes('"FunnelReach"'))).toHaveLength(1);
    expect(texts.filter((text) => text.includes('"Interaction"'))).toHaveLength(0);
  });
});

/**
 * A hand-built dataset for the conversion-funnel tests. Every expected figure in
 * test/funnels/*.test.ts is worked out by hand from the tables below, never read back from the code.
 *
 * Times: interaction `startedAt` = BASE + hours; a step's `at` = its interaction's startedAt + minutes
 * (written `@m` below). Steps are listed in the record in the order shown, which is NOT always time order.
 *
 * Journey `jr` (elements A = "send offer", B = "click link", C = "buy"; the sorted names are
 * buy < click link < send offer, the reverse of the funnel order):
 *
 *  id   version startedAt        steps (list order)                  reach of [A, B, C]
 *  j9   1       BASE exactly     A@1                                 1
 *  j1   1       +1 h             A@1 B@2 C@3                         3
 *  j2   1       +2 h             B@1 A@2                             1 (B only before A)
 *  j3   1       +3 h             A@5 B@3 C@4 A@1                     3 (A@1 counts; C@4 is after B@3)
 *  j4   1       +4 h             A@3 B@2 C@3 B@4                     2 (B@4 qualifies; C@3 is before it)
 *  j5   1       +5 h             C@1, AI_AGENT_TOOL "stray"@2         0
 *  j6   1       +6 h             A@1 B@1 C@1                         3 (same instant: "at or after")
 *  j7   2       +7 h             A@1 B@2                             2
 *  j11  2       +8 h             A@1                                 1
 *  j8   1       BASE + 24 h      A@1 B@2 C@3                         outside [BASE, BASE + 24 h)
 *  j10  1       BASE − 1 ms      A@1 B@2 C@3                         outside [BASE, BASE + 24 h)
 *
 * Chatbot `cb` (SS = SESSION_START, SE = SESSION_END, D(x) = DIALOG x):
 *
 *  id  version startedAt  steps (list order)                                   first dialog  last dialog
 *  c1  1       +1 h       SS@0 D(Welcome)@1 D(Billing)@2 D(Handoff)@3 SE@4     Welcome@1     Handoff@3
 *  c2  1       +2 h       SS@0 D(Welcome)@1 SE@2                               Welcome@1     Welcome@1
 *  c3  2       +3 h       D(Billing)@1 D(Welcome)@1                            Billing@1     Welcome@1  (same `at`: by position)
 *  c4  2       +4 h       SS@0 D(Handoff)@5 D(Welcome)@3                       Welcome@3     Handoff@5  (by `at`, not position)
 *  c5  1       +5 h       D(Welcome)@1 SS("web")@2 SE@3                        Welcome@1     Welcome@1
 *  c6  3       +6 h       D(Goodbye)@1                                         Goodbye@1     Goodbye@1
 *
 * AI agent `ai` (tools): a1 (+1 h) lookup@1 refund@2; a2 (+2 h) refund@1 lookup@2 and a stray
 * JOURNEY_ELEMENT "oops"@3.
 */
export const HOUR = 3_600_000;
export const MINUTE = 60_000;
export const BASE = Date.parse('2026-10-01T00:00:00Z');
export const iso = (ms: number) => new Date(ms).toISOString();
export const RANGE = { from: iso(BASE), to: iso(BASE + 24 * HOUR) };

export const A = 'send offer';
export const B = 'click link';
export const C = 'buy';

type Step = { kind: string; name?: string; at: string };

const journey = (version: string) => ({ id: 'jr', type: 'JOURNEY', name: 'Offer journey', automationVersionId: `jr-v${version}`, versionId: version });
const chatbot = (version: string) => ({ id: 'cb', type: 'CHATBOT', name: 'Support bot', automationVersionId: `cb-v${version}`, versionId: version });
const agent = { id: 'ai', type: 'AI_AGENT', name: 'Refund agent', automationVersionId: 'ai-v1', versionId: '1' };

function interaction(id: string, startedAt: number, automation: object, steps: Array<[kind: string, name: string | null, minutes: number]>, type = 'CONVERSATIONAL') {
  return {
    record: 'interaction',
    id,
    type,
    startedAt: iso(startedAt),
    endedAt: iso(startedAt + 30 * MINUTE),
    automation,
    sender: 'S1',
    channel: 'SMS',
    endUserId: `u-${id}`,
    steps: steps.map(([kind, name, minutes]): Step => ({ kind, ...(name === null ? {} : { name }), at: iso(startedAt + minutes * MINUTE) })),
  };
}

const el = (name: string, m: number): [string, string, number] => ['JOURNEY_ELEMENT', name, m];
const dlg = (name: string, m: number): [string, string, number] => ['DIALOG', name, m];
const tool = (name: string, m: number): [string, string, number] => ['AI_AGENT_TOOL', name, m];
const ss = (m: number, name: string | null = null): [string, string | null, number] => ['SESSION_START', name, m];
const se = (m: number): [string, null, number] => ['SESSION_END', null, m];

export function journeyRecords() {
  const j = (id: string, version: string, startedAt: number, steps: Array<[string, string | null, number]>) =>
    interaction(id, startedAt, journey(version), steps, 'NON_CONVERSATIONAL');
  return [
    j('j9', '1', BASE, [el(A, 1)]),
    j('j1', '1', BASE + 1 * HOUR, [el(A, 1), el(B, 2), el(C, 3)]),
    j('j2', '1', BASE + 2 * HOUR, [el(B, 1), el(A, 2)]),
    j('j3', '1', BASE + 3 * HOUR, [el(A, 5), el(B, 3), el(C, 4), el(A, 1)]),
    j('j4', '1', BASE + 4 * HOUR, [el(A, 3), el(B, 2), el(C, 3), el(B, 4)]),
    j('j5', '1', BASE + 5 * HOUR, [el(C, 1), tool('stray', 2)]),
    j('j6', '1', BASE + 6 * HOUR, [el(A, 1), el(B, 1), el(C, 1)]),
    j('j7', '2', BASE + 7 * HOUR, [el(A, 1), el(B, 2)]),
    j('j11', '2', BASE + 8 * HOUR, [el(A, 1)]),
    j('j8', '1', BASE + 24 * HOUR, [el(A, 1), el(B, 2), el(C, 3)]),
    j('j10', '1', BASE - 1, [el(A, 1), el(B, 2), el(C, 3)]),
  ];
}

export function chatbotRecords() {
  return [
    interaction('c1', BASE + 1 * HOUR, chatbot('1'), [ss(0), dlg('Welcome', 1), dlg('Billing', 2), dlg('Handoff', 3), se(4)]),
    interaction('c2', BASE + 2 * HOUR, chatbot('1'), [ss(0), dlg('Welcome', 1), se(2)]),
    interaction('c3', BASE + 3 * HOUR, chatbot('2'), [dlg('Billing', 1), dlg('Welcome', 1)]),
    interaction('c4', BASE + 4 * HOUR, chatbot('2'), [ss(0), dlg('Handoff', 5), dlg('Welcome', 3)]),
    interaction('c5', BASE + 5 * HOUR, chatbot('1'), [dlg('Welcome', 1), ss(2, 'web'), se(3)]),
    interaction('c6', BASE + 6 * HOUR, chatbot('3'), [dlg('Goodbye', 1)]),
  ];
}

export function agentRecords() {
  return [
    interaction('a1', BASE + 1 * HOUR, agent, [tool('lookup', 1), tool('refund', 2)]),
    interaction('a2', BASE + 2 * HOUR, agent, [tool('refund', 1), tool('lookup', 2), el('oops', 3)]),
  ];
}

export const INGEST = 'mutation($r: [JSONObject!]!) { ingest(records: $r) { stored rejected { index path reason } } }';

export const VIEW_FIELDS = 'id name versionId isDefault automation { id type } steps { kind name }';
export const CREATE = `mutation($i: FunnelViewInput!) { createFunnelView(input: $i) { ${VIEW_FIELDS} } }`;
export const UPDATE = `mutation($id: ID!, $i: FunnelViewInput!) { updateFunnelView(id: $id, input: $i) { ${VIEW_FIELDS} } }`;
export const DELETE = 'mutation($id: ID!) { deleteFunnelView(id: $id) }';
export const SET_DEFAULT = `mutation($id: ID!) { setDefaultFunnelView(id: $id) { ${VIEW_FIELDS} } }`;
export const VIEWS = `{ funnelViews { ${VIEW_FIELDS} } }`;
export const FUNNEL = `query($viewId: ID, $from: DateTime!, $to: DateTime!, $filter: InsightsFilter) {
  funnel(viewId: $viewId, from: $from, to: $to, filter: $filter) {
    status message view { id isDefault } steps { step { kind name } interactions conversionRate dropOff }
  } }`;
export const OPTIONS = 'query($a: ID!, $v: ID) { funnelStepOptions(automationId: $a, versionId: $v) { kind name } }';

export const je = (name: string) => ({ kind: 'JOURNEY_ELEMENT', name });
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

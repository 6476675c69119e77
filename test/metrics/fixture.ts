/**
 * A small hand-built dataset whose every figure the metrics tests work out by hand.
 * Times are relative to T0 (three days before the start of the current UTC day), because
 * pending vs expired depends on the real time of the query.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const NOW_AT_BUILD = Date.now();
export const T0 = new Date(Math.floor(NOW_AT_BUILD / DAY) * DAY - 3 * DAY);
export const at = (ms: number) => new Date(T0.getTime() + ms).toISOString();
export const agoHours = (hours: number) => new Date(NOW_AT_BUILD - hours * HOUR).toISOString();
export const RANGE = { from: T0.toISOString(), to: new Date(T0.getTime() + 3 * DAY).toISOString() };

const cb = (version: 1 | 2) => ({ id: 'cb', type: 'CHATBOT', name: 'Support bot', automationVersionId: `cb-v${version}`, versionId: String(version) });
const jr = { id: 'jr', type: 'JOURNEY', name: 'Welcome', automationVersionId: 'jr-v1', versionId: '1' };
const msg = (id: string, direction: 'INBOUND' | 'OUTBOUND', channel: string, sentAt: string, extra: Record<string, unknown> = {}) => ({
  id, direction, author: direction === 'INBOUND' ? 'END_USER' : 'BOT', channel, sentAt, ...extra,
});

export function accountARecords(): Record<string, unknown>[] {
  const t1 = HOUR, t2 = 2 * HOUR, t3 = 3 * HOUR, t4 = 4 * HOUR, t5 = 5 * HOUR;
  return [
    { // I1: escalated, engaged, SUCCESSFUL; agent 210 s; csat 5
      record: 'interaction', id: 'c-1', type: 'CONVERSATIONAL', startedAt: at(t1), endedAt: at(t1 + 450_000),
      automation: cb(1), sender: 'S1', channel: 'WHATSAPP', endUserId: 'u1',
      escalation: { at: at(t1 + 240_000), agentId: 'agent-1' },
      messages: [
        msg('m1', 'INBOUND', 'WHATSAPP', at(t1)),
        msg('m2', 'OUTBOUND', 'WHATSAPP', at(t1 + 5_000), { status: 'SEEN', statusAt: at(t1 + 9_000) }),
        msg('m3', 'INBOUND', 'WHATSAPP', at(t1 + 220_000)),
        { ...msg('m4', 'OUTBOUND', 'WHATSAPP', at(t1 + 300_000), { status: 'DELIVERED', statusAt: at(t1 + 302_000) }), author: 'AGENT' },
      ],
      analysis: { outcome: 'SUCCESSFUL', sentiment: 'NEUTRAL', sentimentScore: 0.1, topics: [{ name: 'Order status', resolved: true, handleTimeSeconds: 450 }], issues: ['Long wait'] },
      csat: { score: 5, at: at(t1 + 500_000) },
    },
    { // I2: contained, engaged (first message outbound, 1 inbound), MIXED from topics; csat 3
      record: 'interaction', id: 'c-2', type: 'CONVERSATIONAL', startedAt: at(t2), endedAt: at(t2 + 60_000),
      automation: cb(2), sender: 'S1', channel: 'WHATSAPP', endUserId: 'u1',
      messages: [
        msg('m1', 'OUTBOUND', 'WHATSAPP', at(t2), { status: 'DELIVERED', statusAt: at(t2 + 1_000) }),
        msg('m2', 'INBOUND', 'WHATSAPP', at(t2 + 10_000)),
      ],
      analysis: { sentiment: 'POSITIVE', sentimentScore: 0.8, topics: [{ name: 'Returns', resolved: false }, { name: 'Order status', resolved: true }] },
      csat: { score: 3, at: at(t2 + 70_000) },
    },
    { // I3: contained, not engaged (opened by its only inbound), UNSUCCESSFUL from topics, open; csat 1
      record: 'interaction', id: 'c-3', type: 'CONVERSATIONAL', startedAt: at(t3),
      automation: cb(2), sender: 'S2', channel: 'SMS', endUserId: 'u2',
      messages: [
        msg('m1', 'INBOUND', 'SMS', at(t3)),
        msg('m2', 'OUTBOUND', 'SMS', agoHours(47)), // no status: PENDING, 1 h of validity left
        msg('m3', 'OUTBOUND', 'SMS', agoHours(49), { status: 'SENT', statusAt: agoHours(49) }), // past 48 h: expired
        msg('m4', 'OUTBOUND', 'SMS', agoHours(2), { status: 'SENT', validityHours: 1 }), // past 1 h: expired
      ],
      analysis: { sentiment: 'NEGATIVE', sentimentScore: -0.7, topics: [{ name: 'Returns', resolved: false }], issues: ['Bot did not understand'] },
      csat: { score: 1, at: at(t3 + 1_000) },
    },
    { // I4: journey, non-conversational, unclassified, every final failure status
      record: 'interaction', id: 'j-4', type: 'NON_CONVERSATIONAL', startedAt: at(t4), endedAt: at(t4 + 3_600_000),
      automation: jr, sender: 'S2', channel: 'SMS', endUserId: 'u3',
      messages: [
        { ...msg('m1', 'OUTBOUND', 'SMS', at(t4), { status: 'REJECTED' }), author: 'SYSTEM' },
        { ...msg('m2', 'OUTBOUND', 'SMS', at(t4), { status: 'EXPIRED' }), author: 'SYSTEM' },
        { ...msg('m3', 'OUTBOUND', 'SMS', at(t4), { status: 'UNDELIVERABLE' }), author: 'SYSTEM' },
      ],
      logs: [{ at: at(t4), level: 'INFO', message: 'started' }],
    },
    { // I5: inbox only, escalated at its start (agent 600 s), explicit UNSUCCESSFUL beats resolved topics
      record: 'interaction', id: 'c-5', type: 'CONVERSATIONAL', startedAt: at(t5), endedAt: at(t5 + 600_000),
      channel: 'LIVE_CHAT', endUserId: 'u2', escalation: { at: at(t5) },
      messages: [
        msg('m1', 'INBOUND', 'LIVE_CHAT', at(t5)),
        { ...msg('m2', 'OUTBOUND', 'LIVE_CHAT', at(t5 + 30_000), { status: 'DELIVERED' }), author: 'AGENT' },
        msg('m3', 'INBOUND', 'LIVE_CHAT', at(t5 + 60_000)),
      ],
      analysis: { outcome: 'UNSUCCESSFUL', sentiment: 'NEGATIVE', sentimentScore: -0.5, topics: [{ name: 'Complaint', resolved: true }] },
    },
    { // before the range
      record: 'interaction', id: 'c-6', type: 'CONVERSATIONAL', startedAt: at(-HOUR), automation: cb(1), sender: 'S1', channel: 'WHATSAPP', endUserId: 'u4',
      messages: [msg('m1', 'OUTBOUND', 'WHATSAPP', at(-HOUR), { status: 'DELIVERED' })],
    },
    { // exactly at `to`: outside the half-open range
      record: 'interaction', id: 'c-7', type: 'CONVERSATIONAL', startedAt: RANGE.to, automation: cb(1), sender: 'S1', channel: 'WHATSAPP', endUserId: 'u4',
      analysis: { outcome: 'SUCCESSFUL' },
    },
    { // I8: exactly at `from`: inside; analysis with no topics and no outcome: unclassified
      record: 'interaction', id: 'c-8', type: 'CONVERSATIONAL', startedAt: RANGE.from, automation: cb(1), sender: 'S1', channel: 'WHATSAPP', endUserId: 'u5',
      analysis: { topics: [], summary: 'nothing to classify' },
    },
  ];
}

/** Another account holding the same interaction IDs with different data. */
export function accountBRecords(): Record<string, unknown>[] {
  return ['c-1', 'c-2', 'c-3'].map((id, n) => ({
    record: 'interaction', id, type: 'CONVERSATIONAL', startedAt: at((n + 1) * HOUR), endedAt: at((n + 1) * HOUR + 1_000),
    automation: cb(1), sender: 'S1', channel: 'WHATSAPP', endUserId: `b-user-${n}`,
    messages: [msg('m1', 'OUTBOUND', 'WHATSAPP', at(HOUR), { status: 'REJECTED' })],
    analysis: { outcome: 'SUCCESSFUL', sentiment: 'POSITIVE' },
    csat: { score: 4, at: at(2 * HOUR) },
  }));
}

export const RATE_CARD = {
  currency: 'EUR',
  agentPerMinute: 0.5,
  channels: [
    { channel: 'SMS', outboundMessage: 0.05, inboundMessage: 0.01 },
    { channel: 'WHATSAPP', outboundMessage: 0.02, inboundMessage: 0 },
  ],
  automations: [
    { automationType: 'CHATBOT', perInteraction: 0.1 },
    { automationType: 'JOURNEY', perInteraction: 0.03 },
  ],
};

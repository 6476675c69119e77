import { AUTOMATIONS, BOT_LINES, INBOX, ISSUES, SENDERS, USER_LINES, type DemoAutomation } from './catalog';
import { Random } from './random';

export interface DemoOptions {
  interactions: number;
  days: number;
  seed: number;
  /** The end of the period; interactions start in [end - days, end). */
  end: Date;
  /**
   * The most turns of a conversation (each 1 to this many, evenly); 5 by default, about 4.4
   * messages per interaction over the whole mix. The benchmarks raise it to 8 for the workload
   * issues 3 and 9 describe, about 6 messages per interaction.
   */
  maxTurns?: number;
}

type Json = Record<string, unknown>;

/** Demo periods end at the start of the current hour, so a seed gives the same data within the hour. */
export function demoEnd(now = new Date()): Date {
  const end = new Date(now);
  end.setUTCMinutes(0, 0, 0);
  return end;
}
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

const OUTBOUND_STATUS = [
  ['DELIVERED', 52], ['SEEN', 26], ['SENT', 5], ['PENDING', 5], ['REJECTED', 3], ['UNDELIVERABLE', 3], ['EXPIRED', 6],
] as const;

/**
 * A deterministic, realistic stream of ingest records (ingest.md): journeys, chatbots and an AI
 * agent with several versions, inbox-only conversations, several senders and channels, delivery
 * reports of every status (some still pending, some past their validity), transcripts and logs,
 * topics, issues, sentiment, CSAT and funnel steps. About one interaction in eight is followed by
 * late records (a delivery report, a CSAT answer or a re-analysis), as real sources send them.
 */
export function* demoRecords(options: DemoOptions): Generator<Json> {
  const random = new Random(options.seed);
  const end = options.end.getTime();
  const span = options.days * 24 * HOUR;
  const users = Math.max(1, Math.round(options.interactions / 3));
  const pickers: Array<readonly [DemoAutomation | null, number]> = [
    ...AUTOMATIONS.map((a) => [a, a.weight] as const),
    [null, INBOX.weight],
  ];
  const late: Json[] = [];
  for (let n = 0; n < options.interactions; n++) {
    // Spread evenly over the period, jittered, so every day has data.
    const startedAt = end - span + Math.floor(((n + random.next()) / options.interactions) * span);
    const automation = random.weighted(pickers);
    const ref = automation ? automationRef(random, automation, startedAt, end, span) : null;
    const record = automation?.type === 'JOURNEY'
      ? journey(random, n, startedAt, automation, ref!, end)
      : conversation(random, n, startedAt, automation, ref, end, options.maxTurns ?? 5);
    record.endUserId = `u-${random.int(1, users)}`;
    if (random.chance(0.6)) record.customerProfileId = `cp-${record.endUserId}`;
    yield record;
    lateRecordsFor(random, record, late, end);
    // Late records arrive a little after their interaction.
    while (late.length > 0 && (late.length > 50 || random.chance(0.3))) yield late.shift()!;
  }
  yield* late;
}

function automationRef(random: Random, automation: DemoAutomation, startedAt: number, end: number, span: number): Json {
  // Newer versions take over as time goes on.
  const age = 1 - (end - startedAt) / span;
  const version = Math.min(automation.versions, 1 + Math.floor(age * automation.versions + random.next() * 0.8));
  return { id: automation.id, type: automation.type, name: automation.name, automationVersionId: `${automation.id}-v${version}`, versionId: String(version) };
}

function outboundStatus(random: Random, sentAt: number, end: number): Json {
  const status = random.weighted(OUTBOUND_STATUS);
  // Messages sent in the last two days may still be on their way.
  const pending = status === 'PENDING' || status === 'SENT';
  if (pending && end - sentAt > 48 * HOUR && random.chance(0.5)) return { status: 'DELIVERED', statusAt: iso(sentAt + 4_000) };
  if (status === 'PENDING') return {};
  const statusAt = sentAt + random.int(1, 30) * 1000;
  // A report due after the end of the period has not arrived yet: the message is still PENDING.
  return statusAt > end ? {} : { status, statusAt: iso(statusAt) };
}

function journey(random: Random, n: number, startedAt: number, automation: DemoAutomation, ref: Json, end: number): Json {
  const channel = random.pick(automation.channels);
  const reached = random.weighted([[2, 3], [3, 3], [4, 2], [5, 3]] as const);
  const steps: Json[] = [];
  const logs: Json[] = [];
  const messages: Json[] = [];
  let at = startedAt;
  // A journey still running at the end of the period has reached only the elements before it.
  for (let i = 0; i < reached && at < end; i++) {
    const name = automation.steps[i]!;
    steps.push({ kind: 'JOURNEY_ELEMENT', name, at: iso(at) });
    logs.push({ at: iso(at), level: 'INFO', message: `Entered "${name}"` });
    if (name.startsWith('Send') && at + 1000 < end) {
      messages.push({ id: `m${messages.length + 1}`, direction: 'OUTBOUND', author: 'SYSTEM', channel, sentAt: iso(at + 1000), text: `${automation.name}: ${name.toLowerCase()}`, validityHours: random.pick([24, 48, 72]), ...outboundStatus(random, at, end) });
    }
    at += random.int(60, 3 * 3600) * 1000;
  }
  if (at < end) {
    if (messages.some((m) => m.status === 'REJECTED')) logs.push({ at: iso(at), level: 'ERROR', message: 'A message was rejected by the channel' });
    else if (random.chance(0.05)) logs.push({ at: iso(at), level: 'WARN', message: 'Contact has no consent for marketing on this channel' });
  }
  return {
    record: 'interaction', id: `j-${n}`, type: 'NON_CONVERSATIONAL', startedAt: iso(startedAt),
    ...(at < end ? { endedAt: iso(at) } : {}),
    automation: ref,
    sender: SENDERS[channel], channel, messages, logs, steps,
  };
}

function conversation(random: Random, n: number, startedAt: number, automation: DemoAutomation | null, ref: Json | null, end: number, maxTurns: number): Json {
  const channel = random.pick(automation?.channels ?? INBOX.channels);
  const escalate = automation === null || random.chance(automation.type === 'CHATBOT' ? 0.25 : 0.15);
  const userFirst = random.chance(0.8);
  const turns = random.int(1, maxTurns);
  const messages: Json[] = [];
  let at = startedAt;
  const add = (direction: 'INBOUND' | 'OUTBOUND', author: string, text: string) => {
    // A conversation still going on at the end of the period has only the messages before it.
    if (at >= end) return;
    messages.push({
      id: `m${messages.length + 1}`, direction, author, channel, sentAt: iso(at), text,
      ...(direction === 'OUTBOUND' ? outboundStatus(random, at, end) : {}),
    });
    at += random.int(5, 120) * 1000;
  };
  if (!userFirst) add('OUTBOUND', automation ? 'BOT' : 'AGENT', 'Hi! We have news about your order.');
  const escalationTurn = escalate ? random.int(0, turns - 1) : -1;
  let escalatedAt: number | null = null;
  for (let t = 0; t < turns; t++) {
    if (t === 0 || random.chance(0.7)) add('INBOUND', 'END_USER', random.pick(USER_LINES));
    if (t === escalationTurn && at < end) {
      escalatedAt = at;
      at += random.int(30, 600) * 1000;
    }
    add('OUTBOUND', escalatedAt !== null || !automation ? 'AGENT' : 'BOT', random.pick(BOT_LINES));
  }
  const steps: Json[] = [];
  if (automation?.type === 'CHATBOT') {
    steps.push({ kind: 'SESSION_START', at: iso(startedAt) });
    const dialogs = random.int(1, 4);
    for (let d = 0; d < dialogs; d++) {
      const name = d === 0 ? 'Welcome' : random.pick(automation.steps.slice(1));
      steps.push({ kind: 'DIALOG', name, at: iso(startedAt + (d + 1) * 2000) });
    }
    if (random.chance(0.85)) steps.push({ kind: 'SESSION_END', at: iso(at) });
  } else if (automation?.type === 'AI_AGENT') {
    const tools = random.int(0, 3);
    for (let k = 0; k < tools; k++) steps.push({ kind: 'AI_AGENT_TOOL', name: random.pick(automation.steps), at: iso(startedAt + (k + 1) * 3000) });
  }
  const topicNames = automation?.topics ?? INBOX.topics;
  const record: Json = {
    record: 'interaction', id: `c-${n}`, type: 'CONVERSATIONAL', startedAt: iso(startedAt),
    ...(at < end && random.chance(0.97) ? { endedAt: iso(at) } : {}),
    ...(ref ? { automation: ref } : {}),
    sender: SENDERS[channel], channel, messages,
    steps: steps.filter((step) => Date.parse(step.at as string) < end),
    ...(escalatedAt !== null ? { escalation: { at: iso(escalatedAt), agentId: `agent-${random.int(1, 12)}` } } : {}),
  };
  if (random.chance(0.85)) record.analysis = analysis(random, topicNames, escalatedAt !== null);
  if (random.chance(0.3) && at + 60_000 < end) record.csat = { score: random.weighted([[1, 1], [2, 1], [3, 2], [4, 3], [5, 4]] as const), at: iso(at + 60_000) };
  return record;
}

function analysis(random: Random, topicNames: string[], escalated: boolean): Json {
  const count = random.weighted([[0, 1], [1, 6], [2, 3]] as const);
  const names = new Set<string>();
  while (names.size < count) names.add(random.pick(topicNames));
  const resolveRate = escalated ? 0.6 : 0.75;
  const topics = [...names].map((name) => ({
    name,
    resolved: random.chance(resolveRate),
    ...(random.chance(0.8) ? { handleTimeSeconds: random.int(20, 900) } : {}),
  }));
  const score = Math.round((random.next() * 2 - 1) * 100) / 100;
  const result: Json = {
    sentiment: score > 0.25 ? 'POSITIVE' : score < -0.25 ? 'NEGATIVE' : 'NEUTRAL',
    sentimentScore: score,
    summary: topics.length ? `Customer asked about ${[...names].join(' and ').toLowerCase()}.` : 'Small talk, no inquiry.',
    topics,
  };
  const unresolved = topics.filter((t) => !t.resolved).length;
  if (random.chance(0.5) && topics.length > 0) {
    result.outcome = unresolved === 0 ? 'SUCCESSFUL' : unresolved === topics.length ? 'UNSUCCESSFUL' : 'MIXED';
  }
  if (unresolved > 0) result.issues = [random.pick(ISSUES), ...(random.chance(0.3) ? [random.pick(ISSUES)] : [])];
  return result;
}

/** Late records that arrived before the end of the period. */
function lateRecordsFor(random: Random, record: Json, late: Json[], end: number): void {
  const messages = record.messages as Json[];
  const open = messages.find((m) => m.direction === 'OUTBOUND' && (m.status === undefined || m.status === 'SENT'));
  if (open && random.chance(0.5) && Date.parse(open.sentAt as string) + 30_000 <= end) {
    const sentAt = Date.parse(open.sentAt as string);
    late.push({ record: 'messageStatus', interactionId: record.id, messageId: open.id, status: random.pick(['DELIVERED', 'SEEN', 'SENT']), at: iso(sentAt + 30_000) });
  }
  if (record.type === 'CONVERSATIONAL' && !record.csat && random.chance(0.05) && Date.parse(record.startedAt as string) + 2 * HOUR <= end) {
    late.push({ record: 'csat', interactionId: record.id, score: random.int(1, 5), at: iso(Date.parse(record.startedAt as string) + 2 * HOUR) });
  }
}

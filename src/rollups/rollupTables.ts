/**
 * The rollups and how one raw row projects onto a rollup row. Everything else (rebuild,
 * maintenance at ingest, the facts that figures are read from) is generated from these
 * definitions, so the rollup path and the raw path compute a figure from the same expressions.
 */

/** How a column combines: added up, or the bounds of pending expiry instants (which only widen). */
export type Combine = 'sum' | 'min' | 'max';

export interface Measure {
  name: string;
  /** The value one raw row contributes (on the definition's alias). */
  expr: string;
  combine: Combine;
}

/** The time bucket of a rollup row: a UTC day (column `day`, date) or a UTC hour (column `hour`, its start as a UTC timestamp). */
export type Grain = 'day' | 'hour';

export interface RollupTable {
  table: string;
  grain: Grain;
  /** The raw table a rollup row summarises, its alias in `expr`s, and its column naming the interaction. */
  source: string;
  alias: string;
  interactionColumn: 'id' | 'interactionId';
  /** Key columns after accountId, day and segment. */
  keys: Array<[name: string, expr: string]>;
  measures: Measure[];
  /** The same rollup per UTC hour, read for the whole hours of partial days at a range's edges. */
  hourly?: RollupTable;
}

/** The filter dimensions every rollup row carries (so the insights filter applies to rollups unchanged). */
export const DIMENSIONS = ['automationId', 'automationVersionId', 'versionId', 'sender'];

/** The UTC day of an interaction's start: rollups are per UTC day; other edges are read raw. */
export const dayOf = (alias: string) => `(${alias}."startedAt" AT TIME ZONE 'UTC')::date`;

/** The UTC hour of an interaction's start, as a UTC timestamp (date_trunc of a timestamptz would truncate in the session's zone, whose offset need not be whole hours). */
export const hourOf = (alias: string) => `date_trunc('hour', ${alias}."startedAt" AT TIME ZONE 'UTC')`;

/** The bucket of a row of the raw table, for a rollup of this grain. */
export const bucketOf = (grain: Grain, alias: string) => (grain === 'day' ? dayOf(alias) : hourOf(alias));

export const DAY_MS = 86_400_000;
let lastDay = { day: NaN, text: '' };

/** The same UTC day of an instant, as YYYY-MM-DD. The last day's text is kept: ingest asks for the day of every interaction, and a batch's are mostly one or two. */
export function isoDay(instant: Date): string {
  const day = Math.floor(instant.getTime() / DAY_MS);
  if (day !== lastDay.day) lastDay = { day, text: new Date(day * DAY_MS).toISOString().slice(0, 10) };
  return lastDay.text;
}

/** The UTC timestamp of an instant, as YYYY-MM-DDTHH:MM:SS (hourly rollups' buckets). */
export const isoHour = (instant: Date) => instant.toISOString().slice(0, 19);

/** The columns `dimensions` (all the filter dimensions by default) of the row `alias`, comma-separated. */
export const dimensionColumns = (alias: string, dimensions: string[] = DIMENSIONS) =>
  dimensions.map((d) => `${alias}."${d}"`).join(', ');

/** The filter dimensions as one key (JSON keeps NULL and '' apart, and needs no separator). */
export const segmentOf = (alias: string) => `json_build_array(${dimensionColumns(alias)})::text`;

const sum = (name: string, expr: string): Measure => ({ name, expr, combine: 'sum' });
/** 1 when the condition holds, 0 otherwise (also when it is NULL). */
const count = (name: string, condition: string): Measure => sum(name, `coalesce((${condition})::int, 0)`);
/** Milliseconds, so that sums are exact integers: durations are stored to the millisecond. */
const millis = (column: string) => `coalesce(round(${column} * 1000), 0)::int8`;
/** Scores arrive as float8; numeric sums of them are exact, so averages do not depend on summing order. */
const exact = (column: string) => `coalesce(${column}::numeric, 0)`;

const hourly = (t: RollupTable): RollupTable => ({ ...t, table: t.table.replace(/^Daily/, 'Hourly'), grain: 'hour' });

export const INTERACTIONS: RollupTable = {
  table: 'DailyInteractionRollup',
  grain: 'day',
  source: 'Interaction',
  alias: 'i',
  interactionColumn: 'id',
  keys: [['escalated', 'i.escalated'], ['type', 'i.type']],
  measures: [
    sum('interactions', '1'),
    count('successful', `i.outcome = 'SUCCESSFUL'`),
    count('mixed', `i.outcome = 'MIXED'`),
    count('unsuccessful', `i.outcome = 'UNSUCCESSFUL'`),
    count('ended', 'i."durationSeconds" IS NOT NULL'),
    sum('durationMs', millis('i."durationSeconds"')),
    count('withSentiment', 'i.sentiment IS NOT NULL'),
    count('positive', `i.sentiment = 'POSITIVE'`),
    count('negative', `i.sentiment = 'NEGATIVE'`),
    sum('topics', 'i."topicCount"'),
    sum('resolvedTopics', 'i."resolvedTopics"'),
    count('csatResponses', 'i."csatScore" IS NOT NULL'),
    count('csatPositive', 'i."csatScore" >= 4'),
    count('csatNegative', 'i."csatScore" <= 2'),
    sum('csatSum', 'coalesce(i."csatScore", 0)'),
    sum('inboundMessages', 'i."inboundCount"'),
    sum('outboundMessages', 'i."outboundCount"'),
    sum('agentMs', millis('i."agentSeconds"')),
    count('journeys', `i."automationType" = 'JOURNEY'`),
    count('chatbots', `i."automationType" = 'CHATBOT'`),
    count('aiAgents', `i."automationType" = 'AI_AGENT'`),
  ],
};

export const TOPICS: RollupTable = {
  table: 'DailyTopicRollup',
  grain: 'day',
  source: 'InteractionTopic',
  alias: 't',
  interactionColumn: 'interactionId',
  keys: [['escalated', 't.escalated'], ['outcome', `coalesce(t.outcome::text, '')`], ['name', 't.name']],
  measures: [
    sum('interactions', '1'),
    count('resolved', 't.resolved'),
    count('sentimentCount', 't."sentimentScore" IS NOT NULL'),
    sum('sentimentSum', exact('t."sentimentScore"')),
    count('csatCount', 't."csatScore" IS NOT NULL'),
    sum('csatSum', 'coalesce(t."csatScore", 0)'),
    count('handleCount', 't."handleTimeSeconds" IS NOT NULL'),
    sum('handleSum', exact('t."handleTimeSeconds"')),
  ],
};

export const ISSUES: RollupTable = {
  table: 'DailyIssueRollup',
  grain: 'day',
  source: 'InteractionIssue',
  alias: 'x',
  interactionColumn: 'interactionId',
  keys: [['escalated', 'x.escalated'], ['outcome', `coalesce(x.outcome::text, '')`], ['issue', 'x.issue']],
  measures: [sum('interactions', '1')],
};

export const CHANNELS: RollupTable = {
  table: 'DailyChannelRollup',
  grain: 'day',
  source: 'InteractionChannel',
  alias: 'ic',
  interactionColumn: 'interactionId',
  keys: [['channel', 'ic.channel']],
  measures: [
    ...['inbound', 'outbound', 'delivered', 'rejected', 'undeliverable', 'expired', 'pending'].map((c) => sum(c, `ic.${c}`)),
    { name: 'pendingExpiresMin', expr: 'ic."pendingExpiresMin"', combine: 'min' },
    { name: 'pendingExpiresMax', expr: 'ic."pendingExpiresMax"', combine: 'max' },
  ],
};

// Interaction totals and channels back the dashboard, whose ranges often start and end mid-day;
// topics and issues back drill-downs, fast enough with raw partial days.
export const HOURLY_INTERACTIONS = (INTERACTIONS.hourly = hourly(INTERACTIONS));
export const HOURLY_CHANNELS = (CHANNELS.hourly = hourly(CHANNELS));

export const ROLLUPS = [INTERACTIONS, TOPICS, ISSUES, CHANNELS, HOURLY_INTERACTIONS, HOURLY_CHANNELS];

/** The key columns of a rollup row after accountId, in primary-key order. */
export const keyNames = (t: RollupTable) => [t.grain, 'segment', ...t.keys.map(([name]) => name)];

/**
 * One raw row projected onto the rollup's columns: day, segment, keys, dimensions and measures.
 * Without the segment when the caller groups first (the segment is a function of the dimensions).
 */
export function projection(t: RollupTable, withSegment = true): string {
  const a = t.alias;
  return [
    `${bucketOf(t.grain, a)} AS ${t.grain}`,
    ...(withSegment ? [`${segmentOf(a)} AS segment`] : []),
    ...t.keys.map(([name, expr]) => `${expr} AS "${name}"`),
    dimensionColumns(a),
    ...t.measures.map((m) => `${m.expr} AS "${m.name}"`),
  ].join(', ');
}

import type { SqlParams } from '../common/sql';
import { dimensionConditions, type Filter } from '../metrics/filter';
import { DAY_MS, DIMENSIONS, isoDay, isoHour, keyNames, projection, type RollupTable } from './rollupTables';
import { wholeUnits, type Span } from './spans';

const HOUR_MS = 3_600_000;

/**
 * A filter's range as whole UTC days (read from daily rollups), whole UTC hours of the partial
 * days (read from hourly rollups, when asked for) and what remains at its edges (read raw); all
 * raw without rollups.
 */
export interface RangeParts {
  days: Span | null;
  hours: Span[];
  edges: Span[];
}

export function splitRange(from: Date, to: Date, useRollups = true, hourly = false): RangeParts {
  if (!useRollups) return { days: null, hours: [], edges: [{ from, to }] };
  const { whole: days, rest } = wholeUnits(from, to, DAY_MS);
  if (!hourly) return { days, hours: [], edges: rest };
  const hours: Span[] = [];
  const edges: Span[] = [];
  for (const partial of rest) {
    const { whole, rest: minutes } = wholeUnits(partial.from, partial.to, HOUR_MS);
    if (whole) hours.push(whole);
    edges.push(...minutes);
  }
  return { days, hours, edges };
}

/** The rollup rows (alias r) of the buckets in a span of whole days or hours (as the rollup's grain). */
export function bucketsIn(params: SqlParams, t: RollupTable, span: Span): string {
  const [from, to] = t.grain === 'day' ? [isoDay(span.from), isoDay(span.to)] : [isoHour(span.from), isoHour(span.to)];
  const type = t.grain === 'day' ? 'date' : 'timestamp';
  return `r."${t.grain}" >= ${params.add(from, type)} AND r."${t.grain}" < ${params.add(to, type)}`;
}

/** The instant a rollup row's bucket (alias r) starts. */
export const bucketStart = (t: RollupTable) => (t.grain === 'day' ? `r.day::timestamp AT TIME ZONE 'UTC'` : `r.hour AT TIME ZONE 'UTC'`);

/** Extra columns of the facts, with their expression on rollup rows (alias r) and on raw rows. */
export interface ExtraColumn {
  name: string;
  rollup: string;
  raw: string;
}

/** The facts' columns on a rollup row: its day (an hourly row's too), segment, keys, dimensions and measures. */
const columns = (t: RollupTable) => [
  t.grain === 'day' ? 'r.day' : 'r.hour::date AS day',
  ...['segment', ...keyNames(t).slice(2), ...DIMENSIONS, ...t.measures.map((m) => m.name)].map((c) => `r."${c}"`),
];

/** Rollup rows of the whole days (or hours, as the rollup's grain) of a span in the filter, in the facts' column order. */
function rollupRows(params: SqlParams, accountId: number, filter: Filter, t: RollupTable, span: Span, extra: ExtraColumn[] = [], condition = 'true'): string {
  return `SELECT ${[...columns(t), ...extra.map((e) => `${e.rollup} AS "${e.name}"`)].join(', ')}
      FROM "${t.table}" r
     WHERE ${dimensionConditions(params, accountId, filter, 'r')}
       AND ${bucketsIn(params, t, span)} AND ${condition}`;
}

/** Raw rows started in [from, to) projected onto rollup rows of one interaction each (the reference for every figure). */
function rawRows(params: SqlParams, accountId: number, filter: Filter, t: RollupTable, range: Span, extra: ExtraColumn[] = [], condition = 'true'): string {
  const a = t.alias;
  return `SELECT ${[projection(t), ...extra.map((e) => `${e.raw} AS "${e.name}"`)].join(', ')}
      FROM "${t.source}" ${a}
     WHERE ${dimensionConditions(params, accountId, filter, a)}
       AND ${a}."startedAt" >= ${params.add(range.from, 'timestamptz')} AND ${a}."startedAt" < ${params.add(range.to, 'timestamptz')} AND ${condition}`;
}

/**
 * Where the facts of a range come from: the rollup (daily, or its hourly one) and span of each run
 * of whole days or hours, and the raw edges left over. Rollups with hourly ones read the whole
 * hours of partial days from those; all raw without rollups.
 */
export function factSources(filter: Filter, t: RollupTable, useRollups: boolean): { buckets: Array<[RollupTable, Span]>; edges: Span[] } {
  const { days, hours, edges } = splitRange(filter.from, filter.to, useRollups, t.hourly !== undefined);
  const buckets: Array<[RollupTable, Span]> = hours.map((span) => [t.hourly!, span]);
  if (days) buckets.unshift([t, days]);
  return { buckets, edges };
}

/**
 * The facts behind a figure: one row per rollup row of the whole UTC days in the filter's range,
 * per hourly rollup row of the whole hours of its partial days (rollups that have hourly ones),
 * and per raw row of the rest at its edges, all with the rollup's columns (and `extra` ones). Summing a
 * measure over the facts gives the same number as summing it over the raw rows of the whole
 * range, which is what `useRollups: false` does (the reference path, and the fallback while
 * rollups are being rebuilt).
 */
export function facts(params: SqlParams, accountId: number, filter: Filter, t: RollupTable, useRollups: boolean, extra: ExtraColumn[] = []): string {
  const { buckets, edges } = factSources(filter, t, useRollups);
  return [
    ...buckets.map(([rollup, span]) => rollupRows(params, accountId, filter, rollup, span, extra)),
    ...edges.map((edge) => rawRows(params, accountId, filter, t, edge, extra)),
  ].join('\n    UNION ALL\n    ');
}

import type { SqlParams } from '../common/sql';
import { dimensionConditions, type Filter } from '../metrics/filter';
import { DIMENSIONS, isoDay, keyNames, projection, type RollupTable } from './rollupTables';

const DAY_MS = 86_400_000;

/** A filter's range as whole UTC days (read from rollups) and the partial days at its edges (read raw); all raw without rollups. */
export interface RangeParts {
  days: { from: Date; to: Date } | null;
  edges: Array<{ from: Date; to: Date }>;
}

export function splitRange(from: Date, to: Date, useRollups = true): RangeParts {
  if (!useRollups) return { days: null, edges: [{ from, to }] };
  const firstDay = new Date(Math.ceil(from.getTime() / DAY_MS) * DAY_MS);
  const endDay = new Date(Math.floor(to.getTime() / DAY_MS) * DAY_MS);
  if (firstDay >= endDay) return { days: null, edges: [{ from, to }] };
  const edges = [
    { from, to: firstDay },
    { from: endDay, to },
  ].filter((edge) => edge.from < edge.to);
  return { days: { from: firstDay, to: endDay }, edges };
}

/** Extra columns of the facts, with their expression on rollup rows (alias r) and on raw rows. */
export interface ExtraColumn {
  name: string;
  rollup: string;
  raw: string;
}

const columns = (t: RollupTable) => ['day', 'segment', ...keyNames(t).slice(2), ...DIMENSIONS, ...t.measures.map((m) => m.name)];

/** Rollup rows of whole days in the filter, in the facts' column order. */
export function rollupRows(params: SqlParams, accountId: string, filter: Filter, t: RollupTable, days: { from: Date; to: Date }, extra: ExtraColumn[] = [], condition = 'true'): string {
  return `SELECT ${[...columns(t).map((c) => `r."${c}"`), ...extra.map((e) => `${e.rollup} AS "${e.name}"`)].join(', ')}
      FROM "${t.table}" r
     WHERE ${dimensionConditions(params, accountId, filter, 'r')}
       AND r.day >= ${params.add(isoDay(days.from), 'date')} AND r.day < ${params.add(isoDay(days.to), 'date')} AND ${condition}`;
}

/** Raw rows started in [from, to) projected onto rollup rows of one interaction each (the reference for every figure). */
export function rawRows(params: SqlParams, accountId: string, filter: Filter, t: RollupTable, range: { from: Date; to: Date }, extra: ExtraColumn[] = [], condition = 'true'): string {
  const a = t.alias;
  return `SELECT ${[projection(t), ...extra.map((e) => `${e.raw} AS "${e.name}"`)].join(', ')}
      FROM "${t.source}" ${a}
     WHERE ${dimensionConditions(params, accountId, filter, a)}
       AND ${a}."startedAt" >= ${params.add(range.from, 'timestamptz')} AND ${a}."startedAt" < ${params.add(range.to, 'timestamptz')} AND ${condition}`;
}

/**
 * The facts behind a figure: one row per rollup row of the whole UTC days in the filter's range
 * plus one per raw row of the partial days at its edges, all with the rollup's columns. Summing a
 * measure over the facts gives the same number as summing it over the raw rows of the whole
 * range, which is what `useRollups: false` does (the reference path, and the fallback while
 * rollups are being rebuilt).
 */
export function facts(params: SqlParams, accountId: string, filter: Filter, t: RollupTable, useRollups: boolean): string {
  const { days, edges } = splitRange(filter.from, filter.to, useRollups);
  const parts = edges.map((edge) => rawRows(params, accountId, filter, t, edge));
  if (days) parts.unshift(rollupRows(params, accountId, filter, t, days));
  return parts.join('\n    UNION ALL\n    ');
}

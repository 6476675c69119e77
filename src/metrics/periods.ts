import { registerEnumType } from 'type-graphql';
import { badUserInput } from '../common/errors';
import type { Span } from '../rollups/spans';
import { MAX_RANGE_DAYS } from './filter';

export enum SeriesInterval {
  HOUR = 'HOUR',
  DAY = 'DAY',
  WEEK = 'WEEK',
  MONTH = 'MONTH',
}

registerEnumType(SeriesInterval, { name: 'SeriesInterval', description: 'The length of the periods of a series.' });

/** Periods a series may hold: a daily series of 200 days, an hourly one of 8 days; longer ranges take a longer interval. */
export const MAX_PERIODS = 200;

const HOUR_MS = 3_600_000;

/** The most periods `interval` can cut the longest range into (MAX_PERIODS at most): the series' cost estimate. */
export function mostPeriods(interval: SeriesInterval): number {
  const days = { HOUR: 1 / 24, DAY: 1, WEEK: 7, MONTH: 28 }[interval];
  return Math.min(MAX_PERIODS, Math.ceil(MAX_RANGE_DAYS / days) + 1);
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** Throws a BAD_USER_INPUT naming `timeZone` unless it is an IANA time zone this runtime knows. */
function checkTimeZone(timeZone: string): void {
  try {
    localFormat(timeZone);
  } catch {
    throw badUserInput(`timeZone '${timeZone}' is not an IANA time zone; use a name such as 'UTC', 'Europe/Paris' or 'America/New_York'`, 'timeZone');
  }
}

function localFormat(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** The wall clock in `timeZone` at instant `t`, as if it were UTC (milliseconds dropped). */
function wallClock(t: number, timeZone: string): number {
  const parts = Object.fromEntries(localFormat(timeZone).formatToParts(new Date(t)).map((p) => [p.type, Number(p.value)]));
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
}

/**
 * The first instant of the local calendar day `day` (a UTC midnight standing for the local date)
 * in `timeZone`: its midnight under the offset of the day before or of the day after, the earlier
 * if both are (a day that ends summer time has one midnight). Where the clocks jump over
 * midnight, the day starts when they land: the first instant whose wall clock is on that day.
 */
function localMidnight(day: number, timeZone: string): number {
  const offsets = [day - 86_400_000, day + 86_400_000].map((near) => wallClock(near, timeZone) - Math.floor(near / 1000) * 1000);
  const exact = offsets.map((offset) => day - offset).filter((t) => wallClock(t, timeZone) === day);
  if (exact.length > 0) return Math.min(...exact);
  let [before, after] = [day - 15 * HOUR_MS, day + 15 * HOUR_MS];
  while (after - before > 1000) {
    const middle = before + Math.floor((after - before) / 2000) * 1000;
    if (wallClock(middle, timeZone) >= day) after = middle;
    else before = middle;
  }
  return after;
}

/**
 * [from, to) cut where `interval`'s periods start in `timeZone`: hours of elapsed time from the
 * start of the local hour holding `from`; local days; ISO weeks from Monday; calendar months. The
 * first and last periods are clipped to the range, so their figures add up to the range's.
 */
export function periodsOf(from: Date, to: Date, interval: SeriesInterval, timeZone: string): Span[] {
  checkTimeZone(timeZone);
  const starts: number[] = [];
  const [begin, end] = [from.getTime(), to.getTime()];
  if (interval === SeriesInterval.HOUR) {
    const intoHour = (wallClock(begin, timeZone) % HOUR_MS) + (begin % 1000);
    for (let t = begin - intoHour; t < end && starts.length <= MAX_PERIODS; t += HOUR_MS) starts.push(t);
  } else {
    const local = new Date(wallClock(begin, timeZone));
    const year = local.getUTCFullYear();
    let [month, date] = [local.getUTCMonth(), local.getUTCDate()];
    if (interval === SeriesInterval.WEEK) date -= (local.getUTCDay() + 6) % 7;
    if (interval === SeriesInterval.MONTH) date = 1;
    for (let t = localMidnight(Date.UTC(year, month, date), timeZone); t < end && starts.length <= MAX_PERIODS; ) {
      // A local date the clocks skipped (Apia, 30 Dec 2011) starts when the next one does: no period.
      if (t > (starts.at(-1) ?? -Infinity)) starts.push(t);
      if (interval === SeriesInterval.DAY) date += 1;
      else if (interval === SeriesInterval.WEEK) date += 7;
      else month += 1;
      t = localMidnight(Date.UTC(year, month, date), timeZone);
    }
  }
  if (starts.length > MAX_PERIODS) {
    throw badUserInput(`the range holds more than ${MAX_PERIODS} periods of one ${interval.toLowerCase()}; use a longer interval or a shorter range`, 'interval');
  }
  return starts.map((start, n) => ({
    from: new Date(Math.max(start, begin)),
    to: new Date(Math.min(starts[n + 1] ?? end, end)),
  }));
}

/**
 * Timestamps as records send them: RFC 3339 text with a mandatory offset. Read byte by byte (the
 * import's fast path reads them straight from the file's bytes, scanInteraction.ts); text from a
 * parsed record goes through the same reading.
 */

const T = 84;
const Z = 90;
const DOT = 46;

// Instants PostgreSQL's timestamptz takes from an ISO string: UTC years 0001 to 9999 (it has no
// year 0, and Date#toISOString writes years past 9999 as +010000, which it cannot read).
export const MIN_INSTANT = Date.parse('0001-01-01T00:00:00Z');
export const MAX_INSTANT = Date.parse('9999-12-31T23:59:59.999Z');

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MS_IN_DAY = 86_400_000;

/** The decimal digit at `i`, or -1. */
function digitAt(b: Uint8Array, i: number): number {
  const d = b[i]! - 48;
  return d >= 0 && d <= 9 ? d : -1;
}

/** The two-digit number at `i`, or -1. */
function twoDigitsAt(b: Uint8Array, i: number): number {
  const tens = digitAt(b, i);
  const ones = digitAt(b, i + 1);
  return tens < 0 || ones < 0 ? -1 : tens * 10 + ones;
}

/** Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Hinnant's days_from_civil): what Date.UTC computes, without its call. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/**
 * The instant (epoch milliseconds) of the RFC 3339 date-time with a mandatory offset, Z or ±hh:mm
 * (`2026-10-03T09:00:00.25+02:00`; T and Z in either case; fractions past milliseconds cut off, as
 * Date does), in the ASCII bytes b[s..e); 'form' when they are not one, 'calendar' when its fields
 * name no real date and time. Read byte by byte: ingest reads about fifteen of these per
 * interaction, and a regular expression with its captures took three quarters of a microsecond
 * each.
 */
export function readInstantAt(b: Uint8Array, s: number, e: number): number | 'form' | 'calendar' {
  if (e - s < 20 || b[s + 4] !== 45 || b[s + 7] !== 45 || (b[s + 10] !== T && b[s + 10] !== 116) || b[s + 13] !== 58 || b[s + 16] !== 58) return 'form';
  const dayStart = sameDateAsLast(b, s) ? lastDayStart : dayStartAt(b, s);
  if (dayStart === 'form') return 'form';
  const hour = twoDigitsAt(b, s + 11);
  const minute = twoDigitsAt(b, s + 14);
  const second = twoDigitsAt(b, s + 17);
  if (hour < 0 || minute < 0 || second < 0) return 'form';
  let i = s + 19;
  let ms = 0;
  if (i < e && b[i] === DOT) {
    const first = ++i;
    for (; i < e && digitAt(b, i) >= 0; i++) if (i - first < 3) ms = ms * 10 + digitAt(b, i);
    if (i === first) return 'form';
    for (let n = i - first; n < 3; n++) ms *= 10;
  }
  // Z (UTC), or ±hh:mm.
  let offsetMinutes = 0;
  const utc = (b[i] === Z || b[i] === 122) && i + 1 === e;
  if (!utc) {
    if ((b[i] !== 43 && b[i] !== 45) || i + 6 !== e || b[i + 3] !== 58) return 'form';
    const hours = twoDigitsAt(b, i + 1);
    const minutes = twoDigitsAt(b, i + 4);
    if (hours < 0 || minutes < 0) return 'form';
    if (hours > 23 || minutes > 59) return 'calendar';
    offsetMinutes = (b[i] === 45 ? -1 : 1) * (hours * 60 + minutes);
  }
  // A date that names no day is reported after every mistake of form, as the whole text's.
  if (dayStart === 'calendar' || hour > 23 || minute > 59 || second > 59) return 'calendar';
  return dayStart + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + ms;
}

/**
 * The date (YYYY-MM-DD) readInstantAt last read, and its first millisecond (UTC): the fifteen or
 * so timestamps of a record mostly fall on one day, and reading the date took about a third of
 * readInstantAt.
 */
const lastDate = new Uint8Array(10);
let lastDayStart = Number.NaN;

function sameDateAsLast(b: Uint8Array, s: number): boolean {
  for (let i = 0; i < 10; i++) if (b[s + i] !== lastDate[i]) return false;
  return true;
}

/** The first millisecond (UTC) of the date at b[s..s+10), remembered as the last date read; 'form' or 'calendar' when it is not one. */
function dayStartAt(b: Uint8Array, s: number): number | 'form' | 'calendar' {
  const century = twoDigitsAt(b, s);
  const yearOfCentury = twoDigitsAt(b, s + 2);
  const month = twoDigitsAt(b, s + 5);
  const day = twoDigitsAt(b, s + 8);
  if (century < 0 || yearOfCentury < 0 || month < 0 || day < 0) return 'form';
  const year = century * 100 + yearOfCentury;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const monthDays = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  if (monthDays === undefined || day < 1 || day > monthDays) return 'calendar';
  for (let i = 0; i < 10; i++) lastDate[i] = b[s + i]!;
  lastDayStart = daysFromCivil(year, month, day) * MS_IN_DAY;
  return lastDayStart;
}

/** The epoch milliseconds of the timestamp in b[s..e) when ingest takes it (readInstantAt, within the years 0001-9999), else null. */
export function acceptedInstantAt(b: Uint8Array, s: number, e: number): number | null {
  const instant = readInstantAt(b, s, e);
  return typeof instant === 'number' && instant >= MIN_INSTANT && instant <= MAX_INSTANT ? instant : null;
}

let scratch = new Uint8Array(64);

/** A string's characters as bytes, for the readings above (a character past ASCII becomes 0xFF, which no form has). */
function bytesOf(text: string): Uint8Array {
  if (text.length > scratch.length) scratch = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    scratch[i] = c < 0x80 ? c : 0xff;
  }
  return scratch;
}

/** readInstantAt of a string. */
export function readInstant(text: string): number | 'form' | 'calendar' {
  return readInstantAt(bytesOf(text), 0, text.length);
}

/**
 * How toISOString's text for a timestamp read from b[s..e) is made: 'same' when the timestamp is
 * in that form already (UTC with milliseconds, upper-case T and Z), 'add ms' when it is UTC
 * without a fraction (".000" goes before its Z), null otherwise (written anew from the instant).
 */
export function isoFormAt(b: Uint8Array, s: number, e: number): 'same' | 'add ms' | null {
  if (e - s === 24 && b[s + 10] === T && b[s + 19] === DOT && b[s + 23] === Z) return 'same';
  if (e - s === 20 && b[s + 10] === T && b[s + 19] === Z) return 'add ms';
  return null;
}

/** What toISOString gives for the instant `ms` read from `text` (isoFormAt). */
export function isoText(ms: number, text: string): string {
  const form = isoFormAt(bytesOf(text), 0, text.length);
  return form === 'same' ? text : form === 'add ms' ? `${text.slice(0, 19)}.000Z` : new Date(ms).toISOString();
}

/**
 * A timestamp read from a record, which keeps its ISO 8601 text (`toISOString()`, `toJSON()`).
 * Ingest writes every timestamp it reads as that text, about fifteen per interaction: into the
 * transcript's JSON and into COPY and array parameters. Date builds the text anew each time, and
 * JSON.stringify goes through toJSON for it; together they took about a second of the import's
 * CPU per 100,000 interactions. Records that already send the canonical form
 * (`2026-10-01T08:00:00.000Z`) give their own text, with no work at all.
 *
 * It is a Date for everything else. Ingest never changes a Date in place (that would leave the
 * text behind).
 */
export class Instant extends Date {
  private readonly iso: string;

  /** `text` is the RFC 3339 form that `ms` was read from (readInstant). */
  constructor(ms: number, text: string) {
    super(ms);
    this.iso = isoText(ms, text);
  }

  override toISOString(): string {
    return this.iso;
  }

  override toJSON(): string {
    return this.iso;
  }
}

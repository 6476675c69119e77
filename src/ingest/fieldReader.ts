import { Instant } from './instant';

/** A record field that breaks ingest.md: its path and why. */
export class FieldError extends Error {
  constructor(
    readonly path: string | null,
    reason: string,
  ) {
    super(reason);
  }
}

const MAX_ID_LENGTH = 128;
// Instants PostgreSQL's timestamptz takes from an ISO string: UTC years 0001 to 9999 (it has no
// year 0, and Date#toISOString writes years past 9999 as +010000, which it cannot read).
const MIN_INSTANT = Date.parse('0001-01-01T00:00:00Z');
const MAX_INSTANT = Date.parse('9999-12-31T23:59:59.999Z');
// In a /u pattern a surrogate pair is one code point, so this matches unpaired surrogates only.
const UNPAIRED_SURROGATE = /\p{Cs}/u;

/**
 * Where a field is, as text or as a function making it: paths are only read in error messages,
 * and building one for every field checked (`messages[3].text`) was a tenth of the checks' time.
 */
export type Path = string | null | (() => string);

const pathText = (path: Path) => (typeof path === 'function' ? path() : path);

/**
 * Text PostgreSQL can store unchanged: no NUL character (text columns cannot hold it, and one
 * would fail the whole batch) and no unpaired UTF-16 surrogate (it would be stored as U+FFFD,
 * silently changing the value, so two distinct IDs could become one).
 */
export function checkText(path: Path, value: string): void {
  if (value.includes('\u0000')) throw new FieldError(pathText(path), 'must not contain the NUL character (\\u0000)');
  if (UNPAIRED_SURROGATE.test(value)) throw new FieldError(pathText(path), 'must be valid Unicode text, got an unpaired surrogate (\\uD800-\\uDFFF)');
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
// Date.UTC reads years 0-99 as 1900-1999; 400 Gregorian years later the calendar is the same, and
// exactly 146,097 days have passed.
const MS_IN_400_YEARS = 146_097 * 86_400_000;

/** The decimal digit at `i`, or -1. */
function digitAt(text: string, i: number): number {
  const d = text.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : -1;
}

/** The two-digit number at `i`, or -1. */
function twoDigitsAt(text: string, i: number): number {
  const tens = digitAt(text, i);
  const ones = digitAt(text, i + 1);
  return tens < 0 || ones < 0 ? -1 : tens * 10 + ones;
}

/**
 * The instant (epoch milliseconds) of an RFC 3339 date-time with a mandatory offset, Z or ±hh:mm
 * (`2026-10-03T09:00:00.25+02:00`; T and Z in either case; fractions past milliseconds cut off, as
 * Date does); 'form' when the text is not one, 'calendar' when its fields name no real date and
 * time. Read character by character: ingest reads about fifteen of these per interaction, and a
 * regular expression with its captures took three quarters of a microsecond each.
 */
export function readInstant(text: string): number | 'form' | 'calendar' {
  const c = (i: number) => text.charCodeAt(i);
  if (text.length < 20 || c(4) !== 45 || c(7) !== 45 || (c(10) !== 84 && c(10) !== 116) || c(13) !== 58 || c(16) !== 58) return 'form';
  const century = twoDigitsAt(text, 0);
  const yearOfCentury = twoDigitsAt(text, 2);
  const month = twoDigitsAt(text, 5);
  const day = twoDigitsAt(text, 8);
  const hour = twoDigitsAt(text, 11);
  const minute = twoDigitsAt(text, 14);
  const second = twoDigitsAt(text, 17);
  if (century < 0 || yearOfCentury < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return 'form';
  let i = 19;
  let ms = 0;
  if (c(i) === 46) {
    const first = ++i;
    for (; digitAt(text, i) >= 0; i++) if (i - first < 3) ms = ms * 10 + digitAt(text, i);
    if (i === first) return 'form';
    for (let n = i - first; n < 3; n++) ms *= 10;
  }
  // Z (UTC), or ±hh:mm.
  let offsetMinutes = 0;
  const utc = (c(i) === 90 || c(i) === 122) && i + 1 === text.length;
  if (!utc) {
    if ((c(i) !== 43 && c(i) !== 45) || i + 6 !== text.length || c(i + 3) !== 58) return 'form';
    const hours = twoDigitsAt(text, i + 1);
    const minutes = twoDigitsAt(text, i + 4);
    if (hours < 0 || minutes < 0) return 'form';
    if (hours > 23 || minutes > 59) return 'calendar';
    offsetMinutes = (c(i) === 45 ? -1 : 1) * (hours * 60 + minutes);
  }
  const year = century * 100 + yearOfCentury;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const monthDays = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  if (monthDays === undefined || day < 1 || day > monthDays || hour > 23 || minute > 59 || second > 59) return 'calendar';
  return Date.UTC(year + 400, month - 1, day, hour, minute, second, ms) - MS_IN_400_YEARS - offsetMinutes * 60_000;
}

type Json = Record<string, unknown>;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  // JSON-quoted, so a value with a line break or control character still gives a one-line reason.
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/**
 * Reads the fields of one JSON object, checking each against the record format. Every failure
 * throws a FieldError carrying the full path of the field (`messages[2].sentAt`).
 */
export class FieldReader {
  constructor(
    private readonly object: Json,
    private readonly prefix: Path,
    private readonly known: readonly string[],
  ) {
    for (const key of Object.keys(object)) {
      if (!known.includes(key)) throw new FieldError(this.path(key), `unknown field; expected one of ${known.join(', ')}`);
    }
  }

  static of(value: unknown, path: Path, known: readonly string[]): FieldReader {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new FieldError(pathText(path) || null, `must be an object, got ${describe(value)}`);
    }
    return new FieldReader(value as Json, path, known);
  }

  path(key: string): string {
    const prefix = pathText(this.prefix);
    return prefix ? `${prefix}.${key}` : key;
  }

  has(key: string): boolean {
    return this.object[key] !== undefined && this.object[key] !== null;
  }

  raw(key: string): unknown {
    return this.object[key];
  }

  private present(key: string): unknown {
    const value = this.object[key];
    if (value === undefined || value === null) throw new FieldError(this.path(key), 'is required');
    return value;
  }

  string(key: string, options: { max?: number; pattern?: RegExp; patternHint?: string } = {}): string {
    const value = this.present(key);
    if (typeof value !== 'string') throw new FieldError(this.path(key), `must be a string, got ${describe(value)}`);
    if (value.length === 0) throw new FieldError(this.path(key), 'must not be empty');
    checkText(() => this.path(key), value);
    if (options.max !== undefined && value.length > options.max) {
      throw new FieldError(this.path(key), `must be at most ${options.max} characters, got ${value.length}`);
    }
    if (options.pattern && !options.pattern.test(value)) {
      throw new FieldError(this.path(key), `${options.patternHint ?? 'has the wrong form'}, got ${describe(value)}`);
    }
    return value;
  }

  optionalString(key: string, options: { max?: number; allowEmpty?: boolean } = {}): string | null {
    if (!this.has(key)) return null;
    const value = this.object[key];
    if (typeof value !== 'string') throw new FieldError(this.path(key), `must be a string, got ${describe(value)}`);
    if (value.length === 0 && !options.allowEmpty) throw new FieldError(this.path(key), 'must not be empty');
    checkText(() => this.path(key), value);
    if (options.max !== undefined && value.length > options.max) {
      throw new FieldError(this.path(key), `must be at most ${options.max} characters, got ${value.length}`);
    }
    return value;
  }

  id(key: string): string {
    return this.string(key, { max: MAX_ID_LENGTH });
  }

  optionalId(key: string): string | null {
    return this.has(key) ? this.id(key) : null;
  }

  enumValue<T extends string>(key: string, values: readonly T[]): T {
    const value = this.present(key);
    if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
      throw new FieldError(this.path(key), `must be one of ${values.join(', ')}, got ${describe(value)}`);
    }
    return value as T;
  }

  optionalEnum<T extends string>(key: string, values: readonly T[]): T | null {
    return this.has(key) ? this.enumValue(key, values) : null;
  }

  timestamp(key: string): Date {
    const value = this.present(key);
    if (typeof value !== 'string') {
      throw new FieldError(this.path(key), `must be an RFC 3339 timestamp string, got ${describe(value)}`);
    }
    const instant = readInstant(value);
    if (instant === 'form') {
      throw new FieldError(
        this.path(key),
        `must be an RFC 3339 timestamp with an offset, like 2026-10-01T08:00:00Z, got ${describe(value)}`,
      );
    }
    if (instant === 'calendar') throw new FieldError(this.path(key), `is not a real date and time, got ${describe(value)}`);
    if (!(instant >= MIN_INSTANT && instant <= MAX_INSTANT)) {
      throw new FieldError(this.path(key), `must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, got ${describe(value)}`);
    }
    return new Instant(instant, value);
  }

  optionalTimestamp(key: string): Date | null {
    return this.has(key) ? this.timestamp(key) : null;
  }

  boolean(key: string): boolean {
    const value = this.present(key);
    if (typeof value !== 'boolean') throw new FieldError(this.path(key), `must be true or false, got ${describe(value)}`);
    return value;
  }

  number(key: string, min: number, max: number): number {
    const value = this.present(key);
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new FieldError(this.path(key), `must be a number, got ${describe(value)}`);
    }
    if (value < min || value > max) throw new FieldError(this.path(key), `must be between ${min} and ${max}, got ${value}`);
    return value;
  }

  optionalNumber(key: string, min: number, max: number): number | null {
    return this.has(key) ? this.number(key, min, max) : null;
  }

  integer(key: string, min: number, max: number): number {
    const value = this.number(key, min, max);
    if (!Number.isInteger(value)) throw new FieldError(this.path(key), `must be a whole number, got ${value}`);
    return value;
  }

  optionalInteger(key: string, min: number, max: number): number | null {
    return this.has(key) ? this.integer(key, min, max) : null;
  }

  /** Each element of an optional list, read with its own path (`messages[3]`). */
  list<T>(key: string, read: (element: unknown, path: () => string, index: number) => T): T[] {
    if (!this.has(key)) return [];
    const value = this.object[key];
    if (!Array.isArray(value)) throw new FieldError(this.path(key), `must be a list, got ${describe(value)}`);
    return value.map((element, i) => read(element, () => `${this.path(key)}[${i}]`, i));
  }
}

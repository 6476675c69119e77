import { Instant, MAX_INSTANT, MIN_INSTANT, readInstant } from './instant';

/** A record field that breaks ingest.md: its path and why. */
export class FieldError extends Error {
  constructor(
    readonly path: string | null,
    reason: string,
  ) {
    super(reason);
  }
}

/** The longest string each kind of field takes, in characters (UTF-16 code units, as JavaScript counts them). */
export const MAX_LENGTH = { id: 128, name: 500, text: 100_000, sender: 256, channel: 64 } as const;
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
    return this.string(key, { max: MAX_LENGTH.id });
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

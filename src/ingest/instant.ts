const T = 84;
const Z = 90;
const DOT = 46;

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
    this.iso = canonical(text) ? text : wholeSecondsUtc(text) ? `${text.slice(0, 19)}.000Z` : super.toISOString();
  }

  override toISOString(): string {
    return this.iso;
  }

  override toJSON(): string {
    return this.iso;
  }
}

/** UTC with milliseconds, upper-case T and Z: what toISOString writes for years 0001-9999. */
const canonical = (text: string) =>
  text.length === 24 && text.charCodeAt(10) === T && text.charCodeAt(19) === DOT && text.charCodeAt(23) === Z;

/** UTC without a fraction, upper-case T and Z. */
const wholeSecondsUtc = (text: string) => text.length === 20 && text.charCodeAt(10) === T && text.charCodeAt(19) === Z;

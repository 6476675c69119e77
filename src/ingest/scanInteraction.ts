import { isUtf8 } from 'node:buffer';
import { type AutomationType, MessageAuthor, MessageDirection, MessageStatus, Outcome, StepKind } from '../generated/prisma/enums';
import type { BatchMemory } from '../common/bufferPool';
import { BinaryWriter, TEXT_OID, TIMESTAMPTZ_OID } from '../common/copyRows';
import type { EncodedInteraction } from './encode';
import { type FieldError, MAX_LENGTH } from './fieldReader';
import { deliveryReportProblem, reportReplaces } from './fold';
import { acceptedInstantAt, isoFormAt } from './instant';
import type { AutomationRef, CsatLateRecord, MessageStatusRecord } from './records';
import { ENUM_VALUES, FIELDS_OF, NAMED_STEPS } from './validate';

/**
 * The import's fast path: an `interaction` line read straight from its UTF-8 bytes into the binary COPY
 * rows encodeInteraction writes for it, byte for byte, without JSON.parse, checked record objects
 * or strings for anything but the few IDs a batch needs. Parsing, checking and encoding the records
 * of a 100 k import took 3.5 s of the importer's 8 s of CPU, and the objects they made another
 * second of garbage collection; the importer's one thread was the import's bottleneck.
 *
 * It takes only what it can read completely and returns null for everything else: other record
 * kinds, any broken rule, and forms it leaves alone (\u escapes, repeated keys, escapes outside
 * message texts, log messages and summaries, invalid UTF-8, strings longer in bytes than their
 * limit in characters). Those lines go through JSON.parse, validateRecord and encodeInteraction,
 * which stay the reference and the one place that words rejections. test/ingest/scanInteraction
 * holds the two paths to the same bytes.
 */
export interface ScannedInteraction {
  id: string;
  endUserId: string;
  automation: AutomationRef | null;
  startedAt: Date;
  encoded: EncodedInteraction;
}

/** The late records the fast path applies to an interaction it reads (scanPatched). */
export type ScannerPatch = CsatLateRecord | MessageStatusRecord;

/** An interaction line read again with late records applied: its rows, and each record's rejection (null for applied ones). */
export interface PatchedInteraction {
  encoded: EncodedInteraction;
  problems: Array<FieldError | null>;
}

/** Thrown to leave a line to the reference path. */
const GIVE_UP = Symbol('left to JSON.parse and validateRecord');

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_LIST = 0x5b;
const CLOSE_LIST = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const TAB = 0x09;
const LINE_BREAK = 0x0a;

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
/** A channel code's bytes: upper-case letters, digits and _ (CHANNEL_CODE). */
const isChannelByte = (c: number) => (c >= 0x41 && c <= 0x5a) || isDigit(c) || c === 0x5f;

/** A fixed list of names (field names, enum values), found by their bytes without making a string. */
class Names<T extends string> {
  private readonly byLength: Uint8Array[][] = [];
  private readonly indexes: number[][] = [];

  /**
   * For a list of an object's fields: those the object being read has had so far (a field may come
   * once). No kind of object holds another of its kind, so one mask per kind is enough.
   */
  seen = 0;

  constructor(readonly list: readonly T[]) {
    list.forEach((name, index) => {
      const bytes = Buffer.from(name, 'latin1');
      (this.byLength[bytes.length] ??= []).push(bytes);
      (this.indexes[bytes.length] ??= []).push(index);
    });
  }

  /** The position in the list of the name spelled by b[s..e), or -1. */
  indexOf(b: Uint8Array, s: number, e: number): number {
    const candidates = this.byLength[e - s];
    if (candidates === undefined) return -1;
    next: for (let c = 0; c < candidates.length; c++) {
      const bytes = candidates[c]!;
      for (let i = 0; i < bytes.length; i++) if (b[s + i] !== bytes[i]) continue next;
      return this.indexes[e - s]![c]!;
    }
    return -1;
  }
}

/** Name lists by key, each found by its bytes. */
type NamesOf<T> = { [K in keyof T]: T[K] extends ReadonlyArray<infer E extends string> ? Names<E> : never };
const namesOf = <T extends Record<string, readonly string[]>>(lists: T) =>
  Object.fromEntries(Object.entries(lists).map(([key, list]) => [key, new Names(list)])) as NamesOf<T>;

/** The enum values (validate.ts ENUM_VALUES) and the fields of each kind of object (FIELDS_OF). */
const ENUMS = namesOf(ENUM_VALUES);
const FIELDS = namesOf(FIELDS_OF);

/** A string token's content: b[s..e), and whether it holds escapes. -1 for an absent (or null) string. */
interface Span {
  s: number;
  e: number;
  escaped: boolean;
}

// Not frozen: a frozen object has a map of its own, and code that met both deoptimized.
const NONE: Span = { s: -1, e: -1, escaped: false };

/** How many automations the scanner remembers (InteractionScanner.automationRef). */
const RECENT_AUTOMATIONS = 16;

const RECORD_KIND = { bytes: Buffer.from('interaction'), span: { s: 0, e: 'interaction'.length, escaped: false } };

/** A timestamp token: its instant, where its text is, and how toISOString's text is made from it (isoFormAt). */
interface Stamp {
  ms: number;
  s: number;
  e: number;
  form: 'same' | 'add ms' | null;
}

interface Message {
  id: Span;
  outbound: boolean;
  author: string;
  channel: Span;
  sentAt: Stamp;
  text: Span;
  /** null for inbound messages. */
  status: string | null;
  statusAt: Stamp | null;
  validityHours: number;
}

interface Step {
  kind: string;
  name: Span;
  at: Stamp;
}

interface Topic {
  name: Span;
  resolved: boolean;
  handleTimeSeconds: number | null;
}

/** The byte a JSON escape's letter stands for (InteractionScanner.string takes only these). */
const UNESCAPED: Record<number, number> = { [QUOTE]: QUOTE, [BACKSLASH]: BACKSLASH, 0x62: 0x08, 0x66: 0x0c, 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09 };

/**
 * The rows being written, as binary COPY rows (common/copyRows.ts), reused record after record.
 * `source` is the line being read, which spans and stamps point into.
 */
class Output extends BinaryWriter {
  source: Uint8Array = Buffer.alloc(0);

  /** The source's bytes s..e, inside a field. */
  bytes(s: number, e: number): void {
    this.raw(this.source, s, e);
  }

  /** A string token without escapes as a text field (or NULL). */
  span(span: Span): void {
    if (span === NONE) this.null();
    else this.field(this.source, span.s, span.e);
  }

  /** A timestamp as a timestamptz field (or NULL). */
  stamp(stamp: Stamp | null | undefined): void {
    this.timestamptz(stamp ? stamp.ms : null);
  }

  /** A timestamp as toISOString writes it, inside a field (the transcript's JSON). */
  isoStamp({ ms, s, e, form }: Stamp): void {
    if (form === 'same') return this.bytes(s, e);
    if (form === null) return this.ascii(new Date(ms).toISOString());
    this.bytes(s, s + 19);
    this.ascii('.000Z');
  }

  /** A small non-negative integer's digits, inside a field. */
  digits(value: number): void {
    if (value < 10) this.byte(0x30 + value);
    else this.ascii(String(value));
  }

  /** A string token's JSON (the token itself, quotes included), inside a field. */
  jsonString(span: Span): void {
    this.byte(QUOTE);
    this.bytes(span.s, span.e);
    this.byte(QUOTE);
  }

  /** A string token's value as a text field: its escapes decoded. */
  decodedText(span: Span): void {
    if (!span.escaped) return this.span(span);
    const at = this.open();
    for (let i = span.s; i < span.e; i++) {
      const c = this.source[i]!;
      this.byte(c === BACKSLASH ? UNESCAPED[this.source[++i]!]! : c);
    }
    this.close(at);
  }
}

interface ChannelSummary {
  channel: Span;
  /** In CHANNEL_COLUMNS order: inbound, outbound, delivered, rejected, undeliverable, expired, pending. */
  counts: number[];
  /** When each pending message expires (epoch ms). */
  expiries: number[];
}

/**
 * The scanner keeps the record it is reading in its fields, reset for every line (lines are
 * scanned one at a time, synchronously).
 */
class InteractionScanner {
  private b: Buffer = Buffer.alloc(0);
  private p = 0;
  private end = 0;
  /** Bytes past ASCII were seen: the line must then be valid UTF-8. */
  private high = false;
  private readonly out = new Output();

  private kind = false;
  private id = NONE;
  private type = '';
  private startedAt: Stamp | null = null;
  private endedAt: Stamp | null = null;
  private automation: { id: Span; type: string; name: Span; automationVersionId: Span; versionId: Span } | null = null;
  private sender = NONE;
  private channel = NONE;
  private endUserId = NONE;
  private customerProfileId = NONE;
  private escalation: { at: Stamp; agentId: Span } | null = null;
  private messages: Message[] = [];
  private logs: Array<{ at: Stamp; level: string; message: Span }> = [];
  private steps: Step[] = [];
  private analysis: {
    outcome: string | null; sentiment: string | null; sentimentScore: number | null; summary: Span; topics: Topic[]; issues: Span[];
  } | null = null;
  private csat: { score: number; at: Stamp } | null = null;

  private reset(line: Buffer, start: number, end: number): void {
    this.b = line;
    this.p = start;
    this.end = end;
    this.high = false;
    this.kind = false;
    this.id = this.sender = this.channel = this.endUserId = this.customerProfileId = NONE;
    this.type = '';
    this.startedAt = this.endedAt = null;
    this.automation = this.escalation = this.analysis = this.csat = null;
    this.messages = [];
    this.logs = [];
    this.steps = [];
  }

  scan(line: Buffer, start: number, end: number, memory: BatchMemory): ScannedInteraction {
    const startedAt = this.read(line, start, end);
    return {
      id: this.decoded(this.id),
      endUserId: this.decoded(this.endUserId),
      automation: this.automation && this.automationRef(this.automation),
      startedAt: new Date(startedAt.ms),
      encoded: this.encode(startedAt, memory),
    };
  }

  scanPatched(line: Buffer, start: number, end: number, patches: readonly ScannerPatch[], memory: BatchMemory): PatchedInteraction {
    const startedAt = this.read(line, start, end);
    const problems = patches.map((patch) => this.apply(patch));
    return { encoded: this.encode(startedAt, memory), problems };
  }

  /**
   * A late record applied to the record read, as applyLateRecord applies it to a checked record
   * (fold.ts): what it stamps is written as toISOString writes it, as the reference path does.
   */
  private apply(patch: ScannerPatch): FieldError | null {
    const at: Stamp = { ms: patch.at.getTime(), s: 0, e: 0, form: null };
    if (patch.record === 'csat') {
      this.csat = { score: patch.score, at };
      return null;
    }
    const message = this.messages.find((m) => this.decoded(m.id) === patch.messageId);
    const problem = deliveryReportProblem(patch, message && (message.outbound ? MessageDirection.OUTBOUND : MessageDirection.INBOUND));
    if (problem) return problem;
    if (message && reportReplaces(patch, message.statusAt ? message.statusAt.ms : null)) {
      message.status = patch.status;
      message.statusAt = at;
    }
    return null;
  }

  /** Reads the interaction of line[start..end) into the scanner's fields (throws GIVE_UP for what it leaves); returns its start. */
  private read(line: Buffer, start: number, end: number): Stamp {
    this.reset(line, start, end);
    this.readInteraction();
    this.whitespace();
    if (this.p !== this.end) throw GIVE_UP;
    const startedAt = this.startedAt;
    if (!this.kind || this.id === NONE || this.type === '' || !startedAt || this.channel === NONE || this.endUserId === NONE) throw GIVE_UP;
    if (this.endedAt !== null && this.endedAt.ms < startedAt.ms) throw GIVE_UP;
    if (this.high && !isUtf8(line.subarray(start, end))) throw GIVE_UP;
    if (repeats(this.b, this.messages.map((m) => m.id))) throw GIVE_UP;
    if (this.analysis && repeats(this.b, this.analysis.topics.map((t) => t.name))) throw GIVE_UP;
    return startedAt;
  }

  /** Automations seen lately, most recent first: their fields' bytes (id, name, version, label) and type. */
  private readonly recentAutomations: Array<{ fields: Array<Uint8Array | null>; ref: AutomationRef }> = [];

  /**
   * The automation as a batch needs it. Records of an import name a few automations over and
   * over, and each batch keeps its records' references until written: a recent one with the same
   * bytes is handed out again rather than five more strings per record for the collector to copy.
   */
  private automationRef(a: NonNullable<InteractionScanner['automation']>): AutomationRef {
    const spans = [a.id, a.name, a.automationVersionId, a.versionId];
    next: for (const recent of this.recentAutomations) {
      if (recent.ref.type !== a.type) continue;
      for (let i = 0; i < spans.length; i++) {
        const bytes = recent.fields[i]!;
        const span = spans[i]!;
        if (bytes === null ? span !== NONE : span === NONE || !sameBytes(this.b, span, { s: 0, e: bytes.length, escaped: false }, bytes)) continue next;
      }
      return recent.ref;
    }
    const ref: AutomationRef = {
      id: this.decoded(a.id),
      type: a.type as AutomationType,
      name: this.decoded(a.name),
      automationVersionId: a.automationVersionId === NONE ? null : this.decoded(a.automationVersionId),
      versionId: a.versionId === NONE ? null : this.decoded(a.versionId),
    };
    this.recentAutomations.unshift({ fields: spans.map((span) => (span === NONE ? null : Uint8Array.prototype.slice.call(this.b, span.s, span.e))), ref });
    if (this.recentAutomations.length > RECENT_AUTOMATIONS) this.recentAutomations.pop();
    return ref;
  }

  private readInteraction(): void {
    const fields = FIELDS.interaction;
    for (let field = this.firstField(fields); field !== null; field = this.nextField(fields)) {
      switch (field) {
        case 'record':
          // Other kinds are late records: the reference path takes them.
          if (!sameBytes(this.b, this.string(false), RECORD_KIND.span, RECORD_KIND.bytes)) throw GIVE_UP;
          this.kind = true;
          break;
        case 'id': this.id = this.idSpan(); break;
        case 'type': this.type = this.enumValue(ENUMS.interactionType); break;
        case 'startedAt': this.startedAt = this.stamp(); break;
        case 'endedAt': if (!this.isNull()) this.endedAt = this.stamp(); break;
        case 'automation': if (!this.isNull()) this.readAutomation(); break;
        case 'sender': if (!this.isNull()) this.sender = this.text(MAX_LENGTH.sender, false); break;
        case 'channel': this.channel = this.channelCode(); break;
        case 'endUserId': this.endUserId = this.idSpan(); break;
        case 'customerProfileId': if (!this.isNull()) this.customerProfileId = this.idSpan(); break;
        case 'escalation': if (!this.isNull()) this.readEscalation(); break;
        case 'messages': for (let more = this.firstElement(); more; more = this.nextElement()) this.messages.push(this.message()); break;
        case 'logs': for (let more = this.firstElement(); more; more = this.nextElement()) this.logs.push(this.log()); break;
        case 'steps': for (let more = this.firstElement(); more; more = this.nextElement()) this.steps.push(this.step()); break;
        case 'analysis': if (!this.isNull()) this.readAnalysis(); break;
        case 'csat': if (!this.isNull()) this.readCsat(); break;
      }
    }
  }

  // Reading JSON.

  private at(p: number): number {
    return p < this.end ? this.b[p]! : -1;
  }

  private whitespace(): void {
    for (;;) {
      const c = this.at(this.p);
      if (c !== 0x20 && c !== TAB && c !== LINE_BREAK && c !== 0x0d) return;
      this.p++;
    }
  }

  private expect(c: number): void {
    this.whitespace();
    if (this.at(this.p) !== c) throw GIVE_UP;
    this.p++;
  }

  /** Reads `null` when it comes next. */
  private isNull(): boolean {
    this.whitespace();
    const p = this.p;
    if (this.at(p) !== 0x6e || this.at(p + 1) !== 0x75 || this.at(p + 2) !== 0x6c || this.at(p + 3) !== 0x6c) return false;
    this.p += 4;
    return true;
  }

  /** The last string token read (token): its content b[tokenStart..tokenEnd), and whether it holds escapes. */
  private tokenStart = 0;
  private tokenEnd = 0;
  private tokenEscaped = false;

  /**
   * Reads a string token into tokenStart, tokenEnd and tokenEscaped, without making a span: most
   * tokens are field names, enum values and timestamps, read once where they are (a span for each
   * field name was a fifth of the scanner's allocations). Escapes are taken where `escapes`
   * allows them, and only those whose JSON.stringify writes the same way back
   * (\" \\ \b \f \n \r \t), so the token is that string's JSON as the reference path writes it.
   */
  private token(escapes: boolean): void {
    this.expect(QUOTE);
    const b = this.b;
    const end = this.end;
    const s = this.p;
    let p = s;
    let escaped = false;
    for (;;) {
      if (p >= end) throw GIVE_UP;
      const c = b[p]!;
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        const next = this.at(p + 1);
        if (!escapes || !(next === QUOTE || next === BACKSLASH || next === 0x62 || next === 0x66 || next === 0x6e || next === 0x72 || next === 0x74)) throw GIVE_UP;
        escaped = true;
        p += 2;
        continue;
      }
      if (c < 0x20) throw GIVE_UP;
      if (c >= 0x80) this.high = true;
      p++;
    }
    this.p = p + 1;
    this.tokenStart = s;
    this.tokenEnd = p;
    this.tokenEscaped = escaped;
  }

  /** A string token kept as a span (IDs, names, texts). */
  private string(escapes: boolean): Span {
    this.token(escapes);
    return { s: this.tokenStart, e: this.tokenEnd, escaped: this.tokenEscaped };
  }

  /** A non-empty string of at most `max` characters (bytes, here: a longer one is left to the reference path). */
  private text(max: number, escapes: boolean): Span {
    const span = this.string(escapes);
    if (span.e === span.s || span.e - span.s > max) throw GIVE_UP;
    return span;
  }

  /** A string of any length up to `max`, escapes allowed (message texts, summaries). */
  private anyText(max: number): Span {
    const span = this.string(true);
    if (span.e - span.s > max) throw GIVE_UP;
    return span;
  }

  private idSpan(): Span {
    return this.text(MAX_LENGTH.id, false);
  }

  private channelCode(): Span {
    const span = this.text(MAX_LENGTH.channel, false);
    for (let i = span.s; i < span.e; i++) if (!isChannelByte(this.b[i]!)) throw GIVE_UP;
    return span;
  }

  private enumValue<T extends string>(names: Names<T>): T {
    this.token(false);
    const index = names.indexOf(this.b, this.tokenStart, this.tokenEnd);
    if (index < 0) throw GIVE_UP;
    return names.list[index]!;
  }

  /** A timestamp (RFC 3339 with an offset, years 0001-9999). */
  private stamp(): Stamp {
    this.token(false);
    const s = this.tokenStart;
    const e = this.tokenEnd;
    const ms = acceptedInstantAt(this.b, s, e);
    if (ms === null) throw GIVE_UP;
    return { ms, s, e, form: isoFormAt(this.b, s, e) };
  }

  /** A JSON number, as JSON.parse reads it. */
  private number(): number {
    this.whitespace();
    const s = this.p;
    let p = s;
    if (this.at(p) === MINUS) p++;
    if (this.at(p) === 0x30) p++;
    else if (isDigit(this.at(p))) while (isDigit(this.at(p))) p++;
    else throw GIVE_UP;
    let integer = true;
    if (this.at(p) === DOT) {
      integer = false;
      if (!isDigit(this.at(++p))) throw GIVE_UP;
      while (isDigit(this.at(p))) p++;
    }
    if ((this.at(p) | 0x20) === 0x65) {
      integer = false;
      if (this.at(++p) === PLUS || this.at(p) === MINUS) p++;
      if (!isDigit(this.at(p))) throw GIVE_UP;
      while (isDigit(this.at(p))) p++;
    }
    this.p = p;
    if (!integer || p - s > 15) return Number(this.b.toString('latin1', s, p));
    const negative = this.b[s] === MINUS;
    let value = 0;
    for (let i = negative ? s + 1 : s; i < p; i++) value = value * 10 + this.b[i]! - 0x30;
    return negative ? -value : value;
  }

  private numberIn(min: number, max: number): number {
    const value = this.number();
    if (!(value >= min && value <= max)) throw GIVE_UP;
    return value;
  }

  private integerIn(min: number, max: number): number {
    const value = this.numberIn(min, max);
    if (!Number.isInteger(value)) throw GIVE_UP;
    return value;
  }

  private boolean(): boolean {
    this.whitespace();
    const p = this.p;
    if (this.at(p) === 0x74 && this.at(p + 1) === 0x72 && this.at(p + 2) === 0x75 && this.at(p + 3) === 0x65) {
      this.p += 4;
      return true;
    }
    if (this.at(p) === 0x66 && this.at(p + 1) === 0x61 && this.at(p + 2) === 0x6c && this.at(p + 3) === 0x73 && this.at(p + 4) === 0x65) {
      this.p += 5;
      return false;
    }
    throw GIVE_UP;
  }

  /** Opens an object of `fields`: the name of its first field (its value comes next), or null when it has none. */
  private firstField<T extends string>(fields: Names<T>): T | null {
    this.expect(OPEN_OBJECT);
    fields.seen = 0;
    this.whitespace();
    if (this.at(this.p) !== CLOSE_OBJECT) return this.fieldName(fields);
    this.p++;
    return null;
  }

  /** The name of the object's next field, or null at its end. */
  private nextField<T extends string>(fields: Names<T>): T | null {
    this.whitespace();
    const c = this.at(this.p++);
    if (c === COMMA) return this.fieldName(fields);
    if (c !== CLOSE_OBJECT) throw GIVE_UP;
    return null;
  }

  /** A field's name and its colon; an unknown or repeated field is left to the reference path. */
  private fieldName<T extends string>(fields: Names<T>): T {
    this.token(false);
    const index = fields.indexOf(this.b, this.tokenStart, this.tokenEnd);
    if (index < 0 || fields.seen & (1 << index)) throw GIVE_UP;
    fields.seen |= 1 << index;
    this.expect(COLON);
    return fields.list[index]!;
  }

  /** Opens a list (null for none): whether an element comes next. */
  private firstElement(): boolean {
    if (this.isNull()) return false;
    this.expect(OPEN_LIST);
    this.whitespace();
    if (this.at(this.p) !== CLOSE_LIST) return true;
    this.p++;
    return false;
  }

  /** Whether another element of the list comes next. */
  private nextElement(): boolean {
    this.whitespace();
    const c = this.at(this.p++);
    if (c === COMMA) return true;
    if (c !== CLOSE_LIST) throw GIVE_UP;
    return false;
  }

  private readAutomation(): void {
    const a = { id: NONE, type: '', name: NONE, automationVersionId: NONE, versionId: NONE };
    const fields = FIELDS.automation;
    for (let field = this.firstField(fields); field !== null; field = this.nextField(fields)) {
      switch (field) {
        case 'id': a.id = this.idSpan(); break;
        case 'type': a.type = this.enumValue(ENUMS.automationType); break;
        case 'name': a.name = this.text(MAX_LENGTH.name, false); break;
        case 'automationVersionId': if (!this.isNull()) a.automationVersionId = this.idSpan(); break;
        case 'versionId': if (!this.isNull()) a.versionId = this.idSpan(); break;
      }
    }
    if (a.id === NONE || a.type === '' || a.name === NONE) throw GIVE_UP;
    this.automation = a;
  }

  private readEscalation(): void {
    let at: Stamp | null = null;
    let agentId = NONE;
    const fields = FIELDS.escalation;
    for (let field = this.firstField(fields); field !== null; field = this.nextField(fields)) {
      if (field === 'at') at = this.stamp();
      else if (!this.isNull()) agentId = this.idSpan();
    }
    if (at === null) throw GIVE_UP;
    this.escalation = { at, agentId };
  }

  private message(): Message {
    let id = NONE;
    let direction = '';
    let author = '';
    let channel = NONE;
    let sentAt: Stamp | null = null;
    let text = NONE;
    let status: string | null = null;
    let statusAt: Stamp | null = null;
    let validityHours = 48;
    const fields = FIELDS.message;
    for (let field = this.firstField(fields); field !== null; field = this.nextField(fields)) {
      switch (field) {
        case 'id': id = this.idSpan(); break;
        case 'direction': direction = this.enumValue(ENUMS.direction); break;
        case 'author': author = this.enumValue(ENUMS.author); break;
        case 'channel': channel = this.channelCode(); break;
        case 'sentAt': sentAt = this.stamp(); break;
        case 'text': if (!this.isNull()) text = this.anyText(MAX_LENGTH.text); break;
        case 'status': if (!this.isNull()) status = this.enumValue(ENUMS.status); break;
        case 'statusAt': if (!this.isNull()) statusAt = this.stamp(); break;
        case 'validityHours': if (!this.isNull()) validityHours = this.integerIn(1, 720); break;
      }
    }
    if (id === NONE || direction === '' || author === '' || channel === NONE || sentAt === null) throw GIVE_UP;
    const outbound = direction === MessageDirection.OUTBOUND;
    // Inbound messages are the end user's, outbound ones never; a status is for outbound messages only.
    if (outbound === (author === MessageAuthor.END_USER) || (!outbound && status !== null)) throw GIVE_UP;
    return {
      id, outbound, author, channel, sentAt, text,
      status: outbound ? (status ?? MessageStatus.PENDING) : null, statusAt, validityHours,
    };
  }

  private log(): { at: Stamp; level: string; message: Span } {
    let at: Stamp | null = null;
    let level = '';
    let message = NONE;
    const fields = FIELDS.log;
    for (let field = this.firstField(fields); field !== null; field = this.nextField(fields)) {
      switch (field) {
        case 'at': at = this.stamp(); break;
        case 'level': level = this.enumValue(ENUMS.logLevel); break;
        case 'message': message = this.text(MAX_LENGTH.text, true); break;
      }
    }
    if (at === null || level === '' || message === NONE) throw GIVE_UP;
    return { at, level, message };
  }

  private step(): Step {
    let kind = '';
    let name = NONE;
    let at: Stamp | null = null;
    const fields = FIELDS.step;
    for (let field = this.firstField(fields); field !== null; field = this.nextField(fields)) {
      switch (field) {
        case 'kind': kind = this.enumValue(ENUMS.stepKind); break;
        case 'name': if (!this.isNull()) name = this.text(MAX_LENGTH.name, false); break;
        case 'at': at = this.stamp(); break;
      }
    }
    if (kind === '' || at === null || (name === NONE && NAMED_STEPS.has(kind))) throw GIVE_UP;
    return { kind, name, at };
  }

  private readAnalysis(): void {
    let outcome: string | null = null;
    let sentiment: string | null = null;
    let sentimentScore: number | null = null;
    let summary = NONE;
    const topics: Topic[] = [];
    const issues: Span[] = [];
    const fields = FIELDS.analysis;
    for (let field = this.firstField(fields); field !== null; field = this.nextField(fields)) {
      switch (field) {
        case 'outcome': if (!this.isNull()) outcome = this.enumValue(ENUMS.outcome); break;
        case 'sentiment': if (!this.isNull()) sentiment = this.enumValue(ENUMS.sentiment); break;
        case 'sentimentScore': if (!this.isNull()) sentimentScore = this.numberIn(-1, 1); break;
        case 'summary': if (!this.isNull()) summary = this.anyText(MAX_LENGTH.text); break;
        case 'topics': for (let more = this.firstElement(); more; more = this.nextElement()) topics.push(this.topic()); break;
        case 'issues': for (let more = this.firstElement(); more; more = this.nextElement()) issues.push(this.text(MAX_LENGTH.name, false)); break;
      }
    }
    this.analysis = { outcome, sentiment, sentimentScore, summary, topics, issues };
  }

  private topic(): Topic {
    let name = NONE;
    let resolved: boolean | null = null;
    let handleTimeSeconds: number | null = null;
    const fields = FIELDS.topic;
    for (let field = this.firstField(fields); field !== null; field = this.nextField(fields)) {
      switch (field) {
        case 'name': name = this.text(MAX_LENGTH.name, false); break;
        case 'resolved': resolved = this.boolean(); break;
        case 'handleTimeSeconds': if (!this.isNull()) handleTimeSeconds = this.numberIn(0, 1e9); break;
      }
    }
    if (name === NONE || resolved === null) throw GIVE_UP;
    return { name, resolved, handleTimeSeconds };
  }

  private readCsat(): void {
    let score: number | null = null;
    let at: Stamp | null = null;
    const fields = FIELDS.csat;
    for (let field = this.firstField(fields); field !== null; field = this.nextField(fields)) {
      if (field === 'score') score = this.integerIn(1, 5);
      else at = this.stamp();
    }
    if (score === null || at === null) throw GIVE_UP;
    this.csat = { score, at };
  }

  /** A span's string, for the IDs and names a batch needs. */
  private decoded(span: Span): string {
    return this.b.toString(this.high ? 'utf8' : 'latin1', span.s, span.e);
  }

  // Writing the rows: encodeInteraction's rows, in its order and its binary COPY form.

  private encode(startedAt: Stamp, memory: BatchMemory): EncodedInteraction {
    const out = this.out;
    out.source = this.b;
    const a = this.analysis;
    const messages = this.messages;

    let inbound = 0;
    let first: Message | null = null;
    const channels: ChannelSummary[] = [];
    for (const m of messages) {
      if (!m.outbound) inbound++;
      if (!first || m.sentAt.ms < first.sentAt.ms || (m.sentAt.ms === first.sentAt.ms && this.decoded(m.id) < this.decoded(first.id))) first = m;
      let summary: ChannelSummary | null = null;
      for (const c of channels) if (sameBytes(this.b, c.channel, m.channel)) summary = c;
      if (!summary) channels.push((summary = { channel: m.channel, counts: [0, 0, 0, 0, 0, 0, 0], expiries: [] }));
      if (m.outbound) summary.counts[1]!++;
      const count = countOf(m);
      summary.counts[count]!++;
      if (count === PENDING) summary.expiries.push(m.sentAt.ms + m.validityHours * 3_600_000);
    }
    const engaged = first !== null && inbound >= (first.outbound ? 1 : 2);
    const topics = a ? a.topics : [];
    let resolved = 0;
    for (const t of topics) if (t.resolved) resolved++;
    const outcome = !a ? null : a.outcome ?? (topics.length === 0 ? null : resolved === topics.length ? Outcome.SUCCESSFUL : resolved === 0 ? Outcome.UNSUCCESSFUL : Outcome.MIXED);
    const escalation = this.escalation;
    const ended = this.endedAt;
    const automation = this.automation;

    // The interaction (INTERACTION_COLUMNS), the step kinds first.
    const steps = this.steps;
    let row = out.open();
    if (steps.length === 0) out.null();
    else {
      const at = out.openArray(0, steps.length, false);
      for (const step of steps) out.text(step.kind);
      out.close(at);
    }
    out.span(this.id);
    out.text(this.type);
    out.stamp(startedAt);
    out.stamp(ended);
    out.span(automation ? automation.automationVersionId : NONE);
    out.span(automation ? automation.versionId : NONE);
    out.span(this.sender);
    out.span(this.channel);
    out.span(this.customerProfileId);
    out.stamp(escalation?.at);
    out.span(escalation ? escalation.agentId : NONE);
    out.int2(this.csat ? this.csat.score : null);
    out.stamp(this.csat?.at);
    out.bool(a !== null);
    out.text(a ? a.outcome : null);
    out.text(a ? a.sentiment : null);
    out.float8(a ? a.sentimentScore : null);
    if (a && a.summary !== NONE) out.decodedText(a.summary);
    else out.null();
    out.text(automation ? automation.type : null);
    out.text(outcome);
    out.bool(escalation !== null);
    out.bool(engaged);
    out.int4(inbound);
    out.int4(messages.length - inbound);
    out.float8(ended === null ? null : (ended.ms - startedAt.ms) / 1000);
    out.float8(escalation && ended !== null ? Math.max(0, (ended.ms - escalation.at.ms) / 1000) : null);
    out.int4(topics.length);
    out.int4(resolved);
    if (steps.length === 0) (out.null(), out.null(), out.null(), out.null());
    else {
      let at = out.openArray(TEXT_OID, steps.length, steps.some((step) => step.name === NONE));
      for (const step of steps) out.span(step.name);
      out.close(at);
      at = out.openArray(TIMESTAMPTZ_OID, steps.length, false);
      for (const step of steps) out.stamp(step.at);
      out.close(at);
      const [firstDialog, lastDialog] = dialogEnds(steps);
      out.int4(firstDialog);
      out.int4(lastDialog);
    }
    out.close(row);

    // The transcript: the messages and logs as transcriptRows.ts stores them (JSON text).
    row = out.open();
    let field = out.open();
    out.byte(OPEN_LIST);
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!;
      out.ascii(i > 0 ? ',["' : '["');
      out.bytes(m.id.s, m.id.e);
      out.ascii(m.outbound ? '","OUTBOUND","' : '","INBOUND","');
      out.ascii(m.author);
      out.ascii('","');
      out.bytes(m.channel.s, m.channel.e);
      out.ascii('","');
      out.isoStamp(m.sentAt);
      out.ascii('",');
      if (m.text === NONE) out.ascii('null');
      else out.jsonString(m.text);
      out.byte(COMMA);
      if (m.status === null) out.ascii('null');
      else (out.byte(QUOTE), out.ascii(m.status), out.byte(QUOTE));
      out.byte(COMMA);
      if (m.statusAt === null) out.ascii('null');
      else (out.byte(QUOTE), out.isoStamp(m.statusAt), out.byte(QUOTE));
      out.byte(COMMA);
      out.digits(m.validityHours);
      out.byte(CLOSE_LIST);
    }
    out.byte(CLOSE_LIST);
    out.close(field);
    field = out.open();
    out.byte(OPEN_LIST);
    for (let i = 0; i < this.logs.length; i++) {
      const l = this.logs[i]!;
      out.ascii(i > 0 ? ',["' : '["');
      out.isoStamp(l.at);
      out.ascii('","');
      out.ascii(l.level);
      out.ascii('",');
      out.jsonString(l.message);
      out.byte(CLOSE_LIST);
    }
    out.byte(CLOSE_LIST);
    out.close(field);
    out.close(row);

    for (const { channel, counts, expiries } of channels) {
      row = out.open();
      out.span(channel);
      for (const count of counts) out.int4(count);
      expiries.sort((x, y) => x - y);
      out.timestamptzArray(expiries);
      out.timestamptz(expiries.length > 0 ? expiries[0]! : null);
      out.timestamptz(expiries.length > 0 ? expiries[expiries.length - 1]! : null);
      this.filters(startedAt);
      out.close(row);
    }
    for (let seq = 0; seq < topics.length; seq++) {
      const t = topics[seq]!;
      row = out.open();
      out.span(t.name);
      out.bool(t.resolved);
      out.float8(t.handleTimeSeconds);
      out.int4(seq);
      this.filters(startedAt);
      out.text(this.type);
      out.bool(escalation !== null);
      out.text(outcome);
      out.float8(a!.sentimentScore);
      out.int2(this.csat ? this.csat.score : null);
      out.close(row);
    }
    // A repeated issue counts once (ingest.md).
    const issues = a ? a.issues : [];
    let seq = 0;
    for (let i = 0; i < issues.length; i++) {
      let repeated = false;
      for (let j = 0; j < i && !repeated; j++) repeated = sameBytes(this.b, issues[j]!, issues[i]!);
      if (repeated) continue;
      row = out.open();
      out.span(issues[i]!);
      out.int4(seq++);
      this.filters(startedAt);
      out.bool(escalation !== null);
      out.text(outcome);
      out.close(row);
    }
    return { lines: out.take(memory), channels: channels.length, topics: topics.length };
  }

  /** The interaction's filter columns, which its summary rows repeat (encode.ts FILTER_COLUMNS). */
  private filters(startedAt: Stamp): void {
    const out = this.out;
    const automation = this.automation;
    out.stamp(startedAt);
    out.span(automation ? automation.automationVersionId : NONE);
    out.span(automation ? automation.versionId : NONE);
    out.span(this.sender);
  }
}

/** The channel summary's counts, in CHANNEL_COLUMNS order: inbound, outbound, delivered, rejected, undeliverable, expired, pending. */
const PENDING = 6;
/** The count a message adds to besides `outbound` (derive.ts): by direction, then by final status. */
function countOf(m: Message): number {
  if (!m.outbound) return 0;
  switch (m.status) {
    case MessageStatus.DELIVERED:
    case MessageStatus.SEEN:
      return 2;
    case MessageStatus.REJECTED:
      return 3;
    case MessageStatus.UNDELIVERABLE:
      return 4;
    case MessageStatus.EXPIRED:
      return 5;
    default:
      return PENDING;
  }
}

/** Whether span `x` of `b` holds the same bytes as span `y` of `other` (of `b` when not given). */
function sameBytes(b: Uint8Array, x: Span, y: Span, other: Uint8Array = b): boolean {
  if (x.e - x.s !== y.e - y.s) return false;
  for (let i = 0; i < x.e - x.s; i++) if (b[x.s + i] !== other[y.s + i]) return false;
  return true;
}

/** Whether two of the spans spell the same string (their tokens hold no escapes, so equal strings are equal bytes). */
function repeats(b: Uint8Array, spans: Span[]): boolean {
  if (spans.length > 16) {
    const seen = new Set(spans.map((s) => Buffer.from(b.buffer, b.byteOffset + s.s, s.e - s.s).toString('latin1')));
    return seen.size < spans.length;
  }
  for (let i = 1; i < spans.length; i++) for (let j = 0; j < i; j++) if (sameBytes(b, spans[i]!, spans[j]!)) return true;
  return false;
}

/** The positions (from 1) of the earliest and latest dialog step, ties by record order (derive.ts). */
function dialogEnds(steps: Step[]): [number | null, number | null] {
  let first = -1;
  let last = -1;
  steps.forEach((step, i) => {
    if (step.kind !== StepKind.DIALOG) return;
    if (first < 0 || step.at.ms < steps[first]!.at.ms) first = i;
    if (last < 0 || step.at.ms >= steps[last]!.at.ms) last = i;
  });
  return [first < 0 ? null : first + 1, last < 0 ? null : last + 1];
}

const scanner = new InteractionScanner();

/** The interaction record of line[start..end) with its rows, or null when the line is left to the reference path. */
export function scanInteraction(line: Buffer, start: number, end: number, memory: BatchMemory): ScannedInteraction | null {
  try {
    return scanner.scan(line, start, end, memory);
  } catch (error) {
    if (error === GIVE_UP) return null;
    throw error;
  }
}

/**
 * The rows of an interaction line scanInteraction took, with late records of its batch applied
 * in order (ingest.md merge rules). Read again from its bytes rather than parsed, checked and
 * encoded by the reference path: about one interaction in nine of an import had a delivery report
 * or a CSAT answer in its own batch, and their reference path took a tenth of the importer's CPU.
 */
export function scanPatched(line: Buffer, start: number, end: number, patches: readonly ScannerPatch[], memory: BatchMemory): PatchedInteraction {
  try {
    return scanner.scanPatched(line, start, end, patches, memory);
  } catch (error) {
    // The line was taken once; the same bytes read the same way.
    if (error === GIVE_UP) throw new Error('scanPatched: a line scanInteraction took was left on a second reading');
    throw error;
  }
}

import type { LogRecord, MessageRecord } from '../ingest/records';

/**
 * An interaction's messages and logs are stored as JSON text in one InteractionTranscript row
 * (prisma/schema.prisma says why): each message and log line an array of its fields in the order
 * below, not an object naming them. Key names were 45 % of a transcript's bytes, which ingest
 * writes for every interaction and PostgreSQL parses, validates and logs (58 MB against 99 MB of
 * COPY data per 100,000 demo interactions; the transcript COPY took a third less time). This file
 * is the stored format's one definition: the writer for ingest, and FROM items that turn the arrays
 * of transcript rows aliased `t` back into typed rows, for the transcript loaders and for ingest
 * reading a stored interaction.
 */

/** A message's fields in stored order, with their types as read back. */
const MESSAGE_FIELDS = [
  ['id', 'text'], ['direction', 'text'], ['author', 'text'], ['channel', 'text'], ['sentAt', 'timestamptz'],
  ['text', 'text'], ['status', 'text'], ['statusAt', 'timestamptz'], ['validityHours', 'int'],
] as const;

/** A log line's fields in stored order. */
const LOG_FIELDS = [['at', 'timestamptz'], ['level', 'text'], ['message', 'text']] as const;

const json = JSON.stringify;

/**
 * The messages as stored (the order of MESSAGE_FIELDS). Written out here rather than by
 * JSON.stringify of arrays of the fields: a quarter faster, and ingest writes about four per
 * interaction. Enum values and timestamps (ISO text) need no escaping.
 */
export function storedMessages(messages: readonly MessageRecord[]): string {
  let out = '[';
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    out += `${i === 0 ? '' : ','}[${json(m.id)},"${m.direction}","${m.author}",${json(m.channel)},"${m.sentAt.toISOString()}",${m.text === null ? 'null' : json(m.text)},` +
      `${m.status === null ? 'null' : `"${m.status}"`},${m.statusAt === null ? 'null' : `"${m.statusAt.toISOString()}"`},${m.validityHours}]`;
  }
  return out + ']';
}

/** The log lines as stored (the order of LOG_FIELDS). */
export function storedLogs(logs: readonly LogRecord[]): string {
  return logs.length === 0 ? '[]' : JSON.stringify(logs.map((l) => [l.at, l.level, l.message]));
}

/** The fields of the stored element `e` as columns named after them. */
const columnsOf = (fields: ReadonlyArray<readonly [string, string]>) =>
  fields.map(([name, type], i) => `${type === 'text' ? `e->>${i}` : `(e->>${i})::${type}`} AS "${name}"`).join(', ');

/** The messages of `t`, as rows `m` with the columns of a message record. */
export const MESSAGE_ROWS = `LATERAL (SELECT ${columnsOf(MESSAGE_FIELDS)} FROM json_array_elements(t.messages::json) AS x(e)) m`;

/** The log lines of `t`, as rows `l`, with `seq` their position in the record (from 1). */
export const LOG_ROWS = `LATERAL (SELECT ${columnsOf(LOG_FIELDS)}, x.seq FROM json_array_elements(t.logs::json) WITH ORDINALITY AS x(e, seq)) l`;

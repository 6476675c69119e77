/**
 * An interaction's messages and logs are stored as JSON arrays in one InteractionTranscript row
 * (prisma/schema.prisma says why). These FROM items turn the arrays of transcript rows aliased `t`
 * back into typed rows, for the transcript loaders and for ingest reading a stored interaction.
 */

/** The messages of `t`, as rows `m` with the columns of a message record. */
export const MESSAGE_ROWS = `json_to_recordset(t.messages) AS m(
  id text, direction text, author text, channel text, "sentAt" timestamptz, text text, status text, "statusAt" timestamptz, "validityHours" int)`;

/** The log lines of `t`, as rows `l`, with `seq` their position in the record (from 1). */
export const LOG_ROWS = `ROWS FROM (json_to_recordset(t.logs) AS (at timestamptz, level text, message text)) WITH ORDINALITY AS l(at, level, message, seq)`;

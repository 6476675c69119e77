/**
 * An interaction's steps are stored as arrays in its row (prisma/schema.prisma says why). This FROM
 * item turns the arrays of an interaction row aliased `s` back into one row `st` per step, for
 * funnels and for ingest reading a stored interaction.
 */

/**
 * The steps of `s` as rows `st` (kind, name, at), with `seq` their position in the record (from 1).
 * By subscript: a third faster than unnest(s.kinds, s.names, s.ats) WITH ORDINALITY over the
 * steps of an automation (1 M interactions, 150,000 rows).
 */
export const STEP_ROWS = `LATERAL (SELECT s."stepKinds"[i] AS kind, s."stepNames"[i] AS name, s."stepAts"[i] AS at, i AS seq FROM generate_subscripts(s."stepKinds", 1) AS i) st`;

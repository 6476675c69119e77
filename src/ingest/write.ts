import type pg from 'pg';
import { bulkInsert, type Column } from '../common/bulkInsert';
import { CopyRows } from '../common/copyRows';
import { ofAccount } from '../common/sql';
import { inTransaction } from '../db/transaction';
import { keyLookupAlone } from './keyLookups';
import {
  CHANNEL_COLUMNS, INTERACTION_COLUMNS, ISSUE_COLUMNS, TOPIC_COLUMNS, TRANSCRIPT_COLUMNS, type EncodedInteraction,
} from './encode';
import type { InteractionState } from './fold';
import type { AutomationRef } from './records';

/** The tables holding an interaction's child rows, rewritten with it. */
export const CHILD_TABLES = ['InteractionTranscript', 'InteractionChannel', 'InteractionTopic', 'InteractionIssue'];

/** Integer IDs of the automations and end users that fresh interaction records name. */
export interface References {
  automationIds: Map<string, number>;
  endUserIds: Map<string, number>;
}

const UNIQUE_VIOLATION = '23505';

/**
 * End users and automations are created in transactions of their own that commit without
 * waiting for the WAL flush. A batch naming them commits after them, and whatever makes that
 * batch durable (its own commit, or the flush at the end of a bulk load) flushes theirs too: the
 * WAL is one sequence. So no stored interaction can name a row a crash lost, and a lost one is
 * created again by the next batch that names it. Waiting made
 * every batch flush the other batch's megabytes of WAL before its own transaction could begin:
 * sampling a 1 M import's connections every 10 ms found an end-user insert waiting on the WAL in
 * 345 of 5,379 samples.
 */
const REFERENCE_COMMIT = { asyncCommit: true } as const;

const byKey = <T>([a]: [string, T], [b]: [string, T]) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Internal IDs by external ID of rows of `table` (keyed by accountId and externalId), inserting
 * the missing ones as `rowOf` describes them (`columns`, externalId first), in statements of their
 * own on the pool (outside any transaction: an insert may fail and be replaced, below). Known rows
 * are looked up first and only the missing ones inserted: an insert that conflicts still takes a
 * number from the ID sequence, and user bitmaps grow with the spread of end-user IDs (sending
 * every user of every batch to INSERT ... ON CONFLICT left 3 IDs per user at 10 M interactions).
 */
async function numberByExternalId(
  pool: pg.Pool,
  table: string,
  accountId: number,
  externalIds: string[],
  columns: Column[],
  rowOf: (externalId: string) => unknown[],
): Promise<Map<string, number>> {
  const sorted = [...new Set(externalIds)].sort();
  const ids = new Map<string, number>();
  // A key lookup (keyLookups.ts), in a transaction of its own for its plan setting.
  const lookUp = async (wanted: string[]) => {
    const { rows } = await keyLookupAlone<{ id: number; externalId: string }>(
      pool, `lookUp${table}`, `SELECT id, "externalId" FROM "${table}" WHERE "accountId" = $1 AND "externalId" = ANY($2::text[])`, [accountId, wanted],
    );
    for (const row of rows) ids.set(row.externalId, row.id);
  };
  if (sorted.length === 0) return ids;
  await lookUp(sorted);
  const missing = sorted.filter((id) => !ids.has(id));
  if (missing.length === 0) return ids;
  // Committed without waiting for the disk (REFERENCE_COMMIT says why).
  const insert = (suffix: string) =>
    inTransaction(pool, (client) => bulkInsert<{ id: number; externalId: string }>(client, table, accountId, columns, missing.map(rowOf), suffix), REFERENCE_COMMIT);
  // A plain insert first: ON CONFLICT's speculative insertion was a third of the statement's
  // time. It fails only when a concurrent batch created one of the rows meanwhile (its sequence
  // numbers stay unused), and the insert that skips existing rows then takes over.
  let created: Array<{ id: number; externalId: string }>;
  try {
    created = await insert('RETURNING id, "externalId"');
  } catch (error) {
    if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
    created = await insert('ON CONFLICT DO NOTHING RETURNING id, "externalId"');
  }
  for (const row of created) ids.set(row.externalId, row.id);
  // Rows a concurrent batch created in the meantime (the insert waited for it, then skipped them).
  const raced = missing.filter((id) => !ids.has(id));
  if (raced.length > 0) await lookUp(raced);
  return ids;
}

/**
 * Internal IDs of end users by external ID, creating the missing ones (numberByExternalId).
 *
 * Ingest calls it on the pool, before and outside a batch's transaction: an end user row is only
 * the number that stands for an external ID (no figure reads it), and created inside the batch it
 * made every concurrent batch naming the same new user wait for the whole first transaction
 * (sampled during two overlapping imports: 70 % of the second's time). Like a sequence number, it
 * stays taken if the batch then fails; the batch's next attempt finds it.
 */
export function upsertEndUsers(pool: pg.Pool, accountId: number, externalIds: string[]): Promise<Map<string, number>> {
  return numberByExternalId(pool, 'EndUser', accountId, externalIds, [['externalId', 'text']], (id) => [id]);
}

/**
 * The automations records name, each object once, in the order of its last naming: replayed in
 * that order, a map keyed by any of their fields keeps the latest record's value, as it would
 * replaying every record. A batch's records share a few objects (the import's scanner hands out
 * one per automation it met lately), so the maps below build a key per automation, not per record.
 */
export function namedAutomations(automations: Iterable<AutomationRef | null>): AutomationRef[] {
  const last = new Set<AutomationRef>();
  for (const automation of automations) {
    if (!automation) continue;
    last.delete(automation);
    last.add(automation);
  }
  return [...last];
}

/** The latest automation (type and name) of each external ID among `named` (namedAutomations), in ID order. */
function latestAutomations(named: readonly AutomationRef[]): Array<[string, { type: string; name: string }]> {
  const latest = new Map<string, { type: string; name: string }>();
  for (const automation of named) latest.set(automation.id, automation);
  return [...latest].sort(byKey);
}

/** The latest label of each version among `named` (namedAutomations), as [automation ID, version ID, label] in key order. */
function latestVersions(named: readonly AutomationRef[], automationIds: Map<string, number>): Array<[number, string, string | null]> {
  const versions = new Map<string, [number, string, string | null]>();
  for (const a of named) {
    if (!a.automationVersionId) continue;
    const automationId = automationIds.get(a.id)!;
    versions.set(`${automationId}\u0000${a.automationVersionId}`, [automationId, a.automationVersionId, a.versionId]);
  }
  return [...versions.entries()].sort(byKey).map(([, row]) => row);
}

/**
 * Creates the automations and versions that fresh interaction records name and the account lacks
 * (with the batch's latest name, type and label), and returns every named automation's internal
 * ID. Called on the pool before the batch's transaction, as upsertEndUsers: created inside it, a
 * new automation or version made every concurrent batch naming it wait for the whole transaction
 * (an import's second transaction waited 0.9 s per 100 k interactions on versions alone). A row
 * created for a batch that then fails only names an automation the records did name; the batch's
 * next attempt finds it. Renames happen inside the transaction (renameReferences).
 */
export async function createReferences(pool: pg.Pool, accountId: number, named: readonly AutomationRef[]): Promise<Map<string, number>> {
  const automations = new Map(latestAutomations(named));
  const ids = await numberByExternalId(
    pool, 'Automation', accountId, [...automations.keys()],
    [['externalId', 'text'], ['type', '"AutomationType"'], ['name', 'text']],
    (id) => [id, automations.get(id)!.type, automations.get(id)!.name],
  );
  const versions = latestVersions(named, ids);
  if (versions.length > 0) {
    // Only the missing ones are inserted (the anti-join): known versions take no lock at all.
    await pool.query(
      `INSERT INTO "AutomationVersion" ("accountId", "automationId", "automationVersionId", "versionId")
       SELECT $1, u.automation, u.version, u.label FROM unnest($2::int4[], $3::text[], $4::text[]) AS u(automation, version, label)
        WHERE NOT EXISTS (SELECT 1 FROM "AutomationVersion" v WHERE v."accountId" = $1 AND v."automationId" = u.automation AND v."automationVersionId" = u.version)
       ON CONFLICT DO NOTHING`,
      [accountId, versions.map((v) => v[0]), versions.map((v) => v[1]), versions.map((v) => v[2])],
    );
  }
  return ids;
}

/**
 * Gives automations and versions the latest name, type and label of the batch's records (in
 * record order). Rows are only updated (and so locked until commit) when something changes:
 * every batch names the same few automations, and locking them would serialise concurrent ingest.
 * Runs before any interaction row is locked: every batch takes its locks in the same order
 * (references, then interactions by ID), so concurrent batches cannot deadlock.
 */
export async function renameReferences(client: pg.PoolClient, accountId: number, named: readonly AutomationRef[], automationIds: Map<string, number>): Promise<void> {
  const automations = latestAutomations(named);
  if (automations.length === 0) return;
  await client.query(
    `UPDATE "Automation" a SET type = u.type::"AutomationType", name = u.name
       FROM unnest($2::text[], $3::text[], $4::text[]) AS u(id, type, name)
      WHERE a."accountId" = $1 AND a."externalId" = u.id AND (a.name <> u.name OR a.type::text <> u.type)`,
    [accountId, automations.map(([id]) => id), automations.map(([, a]) => a.type), automations.map(([, a]) => a.name)],
  );
  const versions = latestVersions(named, automationIds);
  if (versions.length === 0) return;
  await client.query(
    `UPDATE "AutomationVersion" v SET "versionId" = u.label
       FROM unnest($2::int4[], $3::text[], $4::text[]) AS u(automation, version, label)
      WHERE v."accountId" = $1 AND v."automationId" = u.automation AND v."automationVersionId" = u.version
        AND v."versionId" IS DISTINCT FROM u.label`,
    [accountId, versions.map((v) => v[0]), versions.map((v) => v[1]), versions.map((v) => v[2])],
  );
}

const stepKindTypes = new WeakMap<pg.ClientBase, number>();

/** The OID of the step kinds' enum type, which binary COPY rows name (CopyRows), looked up once per connection. */
async function stepKindType(client: pg.ClientBase): Promise<number> {
  let oid = stepKindTypes.get(client);
  if (oid === undefined) {
    const { rows } = await client.query<{ oid: number }>(`SELECT '"StepKind"'::regtype::oid::int4 AS oid`);
    stepKindTypes.set(client, (oid = rows[0]!.oid));
  }
  return oid;
}

/** Retried by inTransaction like a serialization failure (SQLSTATE 40001), which it is. */
function raceWithConcurrentBatch(): Error {
  return Object.assign(new Error('a concurrent batch stored an interaction of this batch first; retrying'), { code: '40001' });
}

/** What writing an interaction takes: its external IDs, its automation, and its rows. */
export interface WritableInteraction {
  id: string;
  endUserId: string;
  automation: AutomationRef | null;
  /** Set when read back from the database: its automation and end user are kept as stored (InteractionState says why). */
  stored?: InteractionState['stored'];
  encoded: EncodedInteraction;
}

/**
 * Writes the final state of each interaction: the row with its derived columns and all its child
 * rows. A stored interaction keeps its internal ID; its rows are deleted and written anew, so that
 * every row goes in by COPY. Interactions must be distinct by ID; the stored ones must be locked
 * already (lockInteractions: `stored`). Returns the internal IDs.
 */
export async function writeInteractions(
  client: pg.PoolClient,
  accountId: number,
  unsorted: WritableInteraction[],
  refs: References,
  stored: ReadonlyMap<string, { id: number }>,
): Promise<number[]> {
  if (unsorted.length === 0) return [];
  const items = [...unsorted].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ids = items.map((s) => stored.get(s.id)?.id ?? 0);
  const replaced = ids.filter((id) => id !== 0);
  if (replaced.length > 0) {
    await client.query(`DELETE FROM "Interaction" WHERE ${ofAccount('"accountId"')} AND id = ANY($2::int8[])`, [accountId, replaced]);
    for (const table of CHILD_TABLES) {
      await client.query(`DELETE FROM "${table}" WHERE ${ofAccount('"accountId"')} AND "interactionId" = ANY($2::int8[])`, [accountId, replaced]);
    }
  }
  // New ones are numbered from the table's sequence. Every row is copied: COPY without conflict
  // handling took about a third less of PostgreSQL's time than INSERT ... ON CONFLICT over unnested arrays.
  const fresh = items.length - replaced.length;
  if (fresh > 0) {
    // The sequence is looked up once (an initPlan): as nextval's argument it was resolved per row, 8 times the cost.
    const { rows } = await client.query<{ id: number }>(
      `SELECT nextval((SELECT pg_get_serial_sequence('"Interaction"', 'id'))::regclass) AS id FROM generate_series(1, $1)`,
      [fresh],
    );
    let next = 0;
    ids.forEach((id, i) => id === 0 && (ids[i] = rows[next++]!.id));
  }

  const owned = (columns: string[]) => ['interactionId', 'automationId', ...columns];
  const interactions = new CopyRows(accountId, ['id', 'automationId', 'endUserId', ...INTERACTION_COLUMNS], 3, await stepKindType(client));
  const transcripts = new CopyRows(accountId, ['interactionId', ...TRANSCRIPT_COLUMNS], 1);
  const channels = new CopyRows(accountId, owned(CHANNEL_COLUMNS), 2);
  const topics = new CopyRows(accountId, owned(TOPIC_COLUMNS), 2);
  const issues = new CopyRows(accountId, owned(ISSUE_COLUMNS), 2);
  items.forEach((s, i) => {
    const automationId = s.automation ? (s.stored ? s.stored.automationId : refs.automationIds.get(s.automation.id)!) : null;
    const endUserId = s.stored ? s.stored.endUserId : refs.endUserIds.get(s.endUserId)!;
    const { lines, channels: channelRows, topics: topicRows } = s.encoded;
    // The internal IDs the encoded rows leave out come first (the column lists above start with them).
    const id = ids[i]!;
    let at = interactions.add(lines, 0, id, automationId, endUserId);
    at = transcripts.add(lines, at, id);
    for (let n = 0; n < channelRows; n++) at = channels.add(lines, at, id, automationId);
    for (let n = 0; n < topicRows; n++) at = topics.add(lines, at, id, automationId);
    while (at < lines.length) at = issues.add(lines, at, id, automationId);
  });
  try {
    await interactions.copyInto(client, 'Interaction');
  } catch (error) {
    // A concurrent batch stored one of these IDs after lockInteractions looked (the copy waited
    // for it to commit). Running again sees it stored, and subtracts its state from the rollups.
    if ((error as { constraint?: string }).constraint === 'Interaction_accountId_externalId_key') throw raceWithConcurrentBatch();
    throw error;
  }
  await transcripts.copyInto(client, 'InteractionTranscript');
  await channels.copyInto(client, 'InteractionChannel');
  await topics.copyInto(client, 'InteractionTopic');
  await issues.copyInto(client, 'InteractionIssue');
  return ids;
}

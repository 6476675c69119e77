import type pg from 'pg';
import { bulkInsert, type Column } from '../common/bulkInsert';
import { copyRows } from '../common/copyRows';
import { deriveInteraction } from './derive';
import type { InteractionState } from './fold';
import type { InteractionRecord } from './records';

const INTERACTION_COLUMNS: Column[] = [
  ['externalId', 'text'], ['type', '"InteractionType"'], ['startedAt', 'timestamptz'], ['endedAt', 'timestamptz'],
  ['automationId', 'int4'], ['automationVersionId', 'text'], ['versionId', 'text'], ['sender', 'text'],
  ['channel', 'text'], ['endUserId', 'int4'], ['customerProfileId', 'text'], ['escalatedAt', 'timestamptz'],
  ['escalationAgentId', 'text'], ['csatScore', 'int2'], ['csatAt', 'timestamptz'], ['hasAnalysis', 'bool'],
  ['analysisOutcome', '"Outcome"'], ['sentiment', '"Sentiment"'], ['sentimentScore', 'float8'], ['summary', 'text'],
  ['automationType', '"AutomationType"'], ['outcome', '"Outcome"'], ['escalated', 'bool'], ['engaged', 'bool'], ['inboundCount', 'int4'],
  ['outboundCount', 'int4'], ['durationSeconds', 'float8'], ['agentSeconds', 'float8'], ['topicCount', 'int4'],
  ['resolvedTopics', 'int4'],
];
const REPLACE_INTERACTION =
  `ON CONFLICT ("accountId", "externalId") DO UPDATE SET ` +
  INTERACTION_COLUMNS.filter(([name]) => name !== 'externalId')
    .map(([name]) => `"${name}" = EXCLUDED."${name}"`)
    .join(', ');

/** Columns of the interaction copied into its summary rows so that figures over them need no join. */
const FILTER_COLUMNS = ['startedAt', 'automationId', 'automationVersionId', 'versionId', 'sender'];

/** The tables holding an interaction's child rows, rewritten with it. */
export const CHILD_TABLES = ['InteractionTranscript', 'InteractionChannel', 'InteractionSteps', 'InteractionTopic', 'InteractionIssue'];

/** Integer IDs of the automations and end users that fresh interaction records name. */
export interface References {
  automationIds: Map<string, number>;
  endUserIds: Map<string, number>;
}

const byKey = <T>([a]: [string, T], [b]: [string, T]) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Internal IDs by external ID of rows of `table` (keyed by accountId and externalId), inserting
 * the missing ones as `rowOf` describes them (`columns`, externalId first). Known rows are looked
 * up first and only the missing ones inserted: an insert that conflicts still takes a number from
 * the ID sequence, and user bitmaps grow with the spread of end-user IDs (sending every user of
 * every batch to INSERT ... ON CONFLICT left 3 IDs per user at 10 M interactions).
 */
async function numberByExternalId(
  client: pg.Pool | pg.ClientBase,
  table: string,
  accountId: string,
  externalIds: string[],
  columns: Column[],
  rowOf: (externalId: string) => unknown[],
): Promise<Map<string, number>> {
  const sorted = [...new Set(externalIds)].sort();
  const ids = new Map<string, number>();
  const lookUp = async (wanted: string[]) => {
    const { rows } = await client.query<{ id: number; externalId: string }>(
      `SELECT id, "externalId" FROM "${table}" WHERE "accountId" = $1 AND "externalId" = ANY($2::text[])`,
      [accountId, wanted],
    );
    for (const row of rows) ids.set(row.externalId, row.id);
  };
  if (sorted.length === 0) return ids;
  await lookUp(sorted);
  const missing = sorted.filter((id) => !ids.has(id));
  if (missing.length === 0) return ids;
  const created = await bulkInsert<{ id: number; externalId: string }>(
    client, table, accountId, columns, missing.map(rowOf), 'ON CONFLICT DO NOTHING RETURNING id, "externalId"',
  );
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
export function upsertEndUsers(client: pg.Pool | pg.ClientBase, accountId: string, externalIds: string[]): Promise<Map<string, number>> {
  return numberByExternalId(client, 'EndUser', accountId, externalIds, [['externalId', 'text']], (id) => [id]);
}

/** The latest automation (type and name) each fresh interaction record names, by external ID, in ID order. */
function latestAutomations(records: InteractionRecord[]): Array<[string, { type: string; name: string }]> {
  const latest = new Map<string, { type: string; name: string }>();
  for (const record of records) if (record.automation) latest.set(record.automation.id, record.automation);
  return [...latest].sort(byKey);
}

/** The latest label of each version the records name, as [automation ID, version ID, label] in key order. */
function latestVersions(records: InteractionRecord[], automationIds: Map<string, number>): Array<[number, string, string | null]> {
  const versions = new Map<string, [number, string, string | null]>();
  for (const record of records) {
    const a = record.automation;
    if (!a?.automationVersionId) continue;
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
export async function createReferences(client: pg.Pool | pg.ClientBase, accountId: string, records: InteractionRecord[]): Promise<Map<string, number>> {
  const automations = new Map(latestAutomations(records));
  const ids = await numberByExternalId(
    client, 'Automation', accountId, [...automations.keys()],
    [['externalId', 'text'], ['type', '"AutomationType"'], ['name', 'text']],
    (id) => [id, automations.get(id)!.type, automations.get(id)!.name],
  );
  const versions = latestVersions(records, ids);
  if (versions.length > 0) {
    // Only the missing ones are inserted (the anti-join): known versions take no lock at all.
    await client.query(
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
export async function renameReferences(client: pg.PoolClient, accountId: string, records: InteractionRecord[], automationIds: Map<string, number>): Promise<void> {
  const automations = latestAutomations(records);
  if (automations.length === 0) return;
  await client.query(
    `UPDATE "Automation" a SET type = u.type::"AutomationType", name = u.name
       FROM unnest($2::text[], $3::text[], $4::text[]) AS u(id, type, name)
      WHERE a."accountId" = $1 AND a."externalId" = u.id AND (a.name <> u.name OR a.type::text <> u.type)`,
    [accountId, automations.map(([id]) => id), automations.map(([, a]) => a.type), automations.map(([, a]) => a.name)],
  );
  const versions = latestVersions(records, automationIds);
  if (versions.length === 0) return;
  await client.query(
    `UPDATE "AutomationVersion" v SET "versionId" = u.label
       FROM unnest($2::int4[], $3::text[], $4::text[]) AS u(automation, version, label)
      WHERE v."accountId" = $1 AND v."automationId" = u.automation AND v."automationVersionId" = u.version
        AND v."versionId" IS DISTINCT FROM u.label`,
    [accountId, versions.map((v) => v[0]), versions.map((v) => v[1]), versions.map((v) => v[2])],
  );
}

/** Retried by inTransaction like a serialization failure (SQLSTATE 40001), which it is. */
function raceWithConcurrentBatch(): Error {
  return Object.assign(new Error('a concurrent batch stored an interaction of this batch first; retrying'), { code: '40001' });
}

/**
 * Writes the final state of each interaction: the row with its derived columns (replacing a
 * stored one, which keeps its internal ID) and all its child rows. States must be distinct by ID;
 * the stored ones must be locked already (lockInteractions: `stored`). Returns the internal IDs.
 */
export async function writeInteractions(
  client: pg.PoolClient,
  accountId: string,
  unsorted: InteractionState[],
  refs: References,
  stored: ReadonlyMap<string, { id: number }>,
): Promise<number[]> {
  if (unsorted.length === 0) return [];
  const states = [...unsorted].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const automationId = (s: InteractionState) => (s.automation ? (s.stored ? s.stored.automationId : refs.automationIds.get(s.automation.id)) : null);
  const endUserIds = refs.endUserIds;

  const derived = states.map(deriveInteraction);
  const interactionRow = (s: InteractionState, i: number) => {
    const d = derived[i]!;
    const a = s.analysis;
    return [
      s.id, s.type, s.startedAt, s.endedAt,
      automationId(s), s.automation?.automationVersionId ?? null, s.automation?.versionId ?? null, s.sender,
      s.channel, s.stored ? s.stored.endUserId : endUserIds.get(s.endUserId), s.customerProfileId, s.escalation?.at ?? null,
      s.escalation?.agentId ?? null, s.csat?.score ?? null, s.csat?.at ?? null, a !== null,
      a?.outcome ?? null, a?.sentiment ?? null, a?.sentimentScore ?? null, a?.summary ?? null,
      s.automation?.type ?? null, d.outcome, d.escalated, d.engaged, d.inboundCount,
      d.outboundCount, d.durationSeconds, d.agentSeconds, d.topicCount,
      d.resolvedTopics,
    ];
  };
  const ids = states.map((s) => stored.get(s.id)?.id ?? 0);
  const replacing = states.flatMap((s, i) => (stored.has(s.id) ? [i] : []));
  const fresh = states.flatMap((s, i) => (stored.has(s.id) ? [] : [i]));

  // Stored interactions keep their row and internal ID; their child rows are written anew.
  await bulkInsert(client, 'Interaction', accountId, INTERACTION_COLUMNS, replacing.map((i) => interactionRow(states[i]!, i)), REPLACE_INTERACTION);
  const replaced = replacing.map((i) => ids[i]!);
  if (replaced.length > 0) {
    for (const table of CHILD_TABLES) {
      await client.query(`DELETE FROM "${table}" WHERE "accountId" = $1 AND "interactionId" = ANY($2::int8[])`, [accountId, replaced]);
    }
  }
  // New ones are numbered from the table's sequence and copied: COPY without conflict handling
  // took about a third less of PostgreSQL's time than INSERT ... ON CONFLICT over unnested arrays.
  if (fresh.length > 0) {
    // The sequence is looked up once (an initPlan): as nextval's argument it was resolved per row, 8 times the cost.
    const { rows } = await client.query<{ id: number }>(
      `SELECT nextval((SELECT pg_get_serial_sequence('"Interaction"', 'id'))::regclass) AS id FROM generate_series(1, $1)`,
      [fresh.length],
    );
    fresh.forEach((i, n) => (ids[i] = rows[n]!.id));
    try {
      await copyRows(client, 'Interaction', accountId, ['id', ...INTERACTION_COLUMNS.map(([name]) => name)], fresh.map((i) => [ids[i], ...interactionRow(states[i]!, i)]));
    } catch (error) {
      // A concurrent batch stored one of these IDs after lockInteractions looked (the copy waited
      // for it to commit). Running again sees it stored, and subtracts its state from the rollups.
      if ((error as { constraint?: string }).constraint === 'Interaction_accountId_externalId_key') throw raceWithConcurrentBatch();
      throw error;
    }
  }

  const transcripts: unknown[][] = [];
  const channels: unknown[][] = [];
  const steps: unknown[][] = [];
  const topics: unknown[][] = [];
  const issues: unknown[][] = [];
  states.forEach((s, i) => {
    const id = ids[i]!;
    // As the records sent them (InteractionTranscript, read back by interactions/transcriptRows.ts).
    transcripts.push([id, JSON.stringify(s.messages), JSON.stringify(s.logs)]);
    const d = derived[i]!;
    // The copies of the interaction's filter columns that summary rows carry (FILTER_COLUMNS).
    const filterValues = [s.startedAt, automationId(s), s.automation?.automationVersionId ?? null, s.automation?.versionId ?? null, s.sender];
    for (const c of d.channels) {
      const expiries = c.pendingExpiries;
      channels.push([
        id, c.channel, c.inbound, c.outbound, c.delivered, c.rejected, c.undeliverable, c.expired, c.pending,
        expiries, expiries[0] ?? null, expiries.at(-1) ?? null, ...filterValues,
      ]);
    }
    if (s.steps.length > 0) {
      steps.push([id, s.steps.map((st) => st.kind), s.steps.map((st) => st.name), s.steps.map((st) => st.at), d.firstDialog, d.lastDialog, ...filterValues]);
    }
    s.analysis?.topics.forEach((t, seq) =>
      topics.push([id, t.name, t.resolved, t.handleTimeSeconds, seq, ...filterValues, s.type, d.escalated, d.outcome, s.analysis!.sentimentScore, s.csat?.score ?? null]),
    );
    s.analysis?.issues.forEach((issue, seq) => issues.push([id, issue, seq, ...filterValues, d.escalated, d.outcome]));
  });
  await copyRows(client, 'InteractionTranscript', accountId, ['interactionId', 'messages', 'logs'], transcripts);
  await copyRows(client, 'InteractionChannel', accountId, ['interactionId', 'channel', 'inbound', 'outbound', 'delivered', 'rejected', 'undeliverable', 'expired', 'pending', 'pendingExpiries', 'pendingExpiresMin', 'pendingExpiresMax', ...FILTER_COLUMNS], channels);
  await copyRows(client, 'InteractionSteps', accountId, ['interactionId', 'kinds', 'names', 'ats', 'firstDialog', 'lastDialog', ...FILTER_COLUMNS], steps);
  await copyRows(client, 'InteractionTopic', accountId, ['interactionId', 'name', 'resolved', 'handleTimeSeconds', 'seq', ...FILTER_COLUMNS, 'type', 'escalated', 'outcome', 'sentimentScore', 'csatScore'], topics);
  await copyRows(client, 'InteractionIssue', accountId, ['interactionId', 'issue', 'seq', ...FILTER_COLUMNS, 'escalated', 'outcome'], issues);
  return ids;
}

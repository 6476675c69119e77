import { setImmediate } from 'node:timers/promises';
import type pg from 'pg';
import { BatchMemory } from '../common/bufferPool';
import { inTransaction } from '../db/transaction';
import { isoDay } from '../rollups/rollupTables';
import { applyToRollups, storedContributions } from '../rollups/rollupWrites';
import { markChangedDays } from '../rollups/userBitmaps';
import { updateFunnelReach } from '../funnels/funnelReach';
import { FieldError } from './fieldReader';
import { encodeInteraction } from './encode';
import { foldBatch } from './foldBatch';
import { loadInteractionStates, lockInteractions } from './load';
import type { AutomationRef, InteractionRecord, LateRecord, Rejection } from './records';
import { scanPatched, type PatchedInteraction, type ScannedInteraction, type ScannerPatch } from './scanInteraction';
import { keepStatisticsFresh } from './tableStatistics';
import { validateRecord } from './validate';
import { createReferences, namedAutomations, renameReferences, upsertEndUsers, writeInteractions, type References, type WritableInteraction } from './write';

/** A record with its position in the caller's input (list index or line number). */
export interface PositionedRecord {
  index: number;
  value: unknown;
}

export interface IngestResult {
  /** Accepted records, including late reports that changed nothing. */
  stored: number;
  rejected: Rejection[];
}

// Deadlocks and races between batches sharing new IDs (both retried) grow with concurrent writers.
const MAX_ATTEMPTS = 10;

/**
 * The attempt from which a batch runs alone among its account's batches (takeIngestLock). Batches
 * of one account run side by side, each holding the account's ingest lock shared. Two that store
 * the same new interaction race: the later one's COPY waits for the earlier one's commit, fails and
 * runs again (write.ts, raceWithConcurrentBatch), as after a deadlock. With eight writers over one
 * set of IDs on a slow host, one batch lost that race ten times running, and its caller got the
 * error (a CI run of test/reliability/concurrentIngest.test.ts, 6 Dec 2026). From this attempt a
 * batch takes the lock exclusively: it waits for the batches in flight, holds new ones back, and
 * can neither race nor deadlock with any of them.
 */
export const RUN_ALONE_FROM_ATTEMPT = 4;

/** The advisory lock class of the ingest lock (two-key form: this class, then the account). */
const INGEST_LOCK_CLASS = 0x7470_696e; // 'tpin'

/** Takes the account's ingest lock for this transaction: shared, or exclusive from RUN_ALONE_FROM_ATTEMPT. */
export async function takeIngestLock(client: pg.ClientBase, accountId: number, attempt: number): Promise<void> {
  const lock = attempt >= RUN_ALONE_FROM_ATTEMPT ? 'pg_advisory_xact_lock' : 'pg_advisory_xact_lock_shared';
  await client.query(`SELECT ${lock}($1::int4, $2::int4)`, [INGEST_LOCK_CLASS, accountId]);
}

/**
 * An interaction record that passed its checks, kept as its rows (encode.ts says why) and what the
 * batch needs besides: its IDs, automation and day. A late record of the same batch that patches
 * it reads the full record again from its source.
 */
export interface CheckedInteraction extends WritableInteraction {
  record: 'interaction';
  startedAt: Date;
  source: RecordSource;
}

/**
 * Where a checked interaction's record is read again from, when a late record of its batch patches
 * it. One object per record, its methods shared: an import's batch keeps every record's until it
 * is written, and as closures they were five objects a record for the minor collections to copy.
 */
export interface RecordSource {
  /** The record anew (checked again from its source): a fresh object each call, for late records to patch. */
  full(): InteractionRecord;
  /** For lines the import's fast path took: the rows read again with CSAT answers and delivery reports applied (scanPatched), cut from `memory`. */
  patched?(patches: readonly ScannerPatch[], memory: BatchMemory): PatchedInteraction;
}

/** A record read again from what `read` returns (the parsed value, or its text parsed anew). */
class ParsedSource implements RecordSource {
  constructor(private readonly read: () => unknown) {}

  full(): InteractionRecord {
    return validateRecord(this.read()) as InteractionRecord;
  }
}

/** A record read again from its line (bytes start..end of `line`) by JSON.parse, or by the fast path with patches. */
class LineSource implements RecordSource {
  constructor(
    private readonly line: Buffer,
    private readonly start: number,
    private readonly end: number,
  ) {}

  full(): InteractionRecord {
    return validateRecord(JSON.parse(this.line.toString('utf8', this.start, this.end))) as InteractionRecord;
  }

  patched(patches: readonly ScannerPatch[], memory: BatchMemory): PatchedInteraction {
    return scanPatched(this.line, this.start, this.end, patches, memory);
  }
}

export type CheckedRecord = CheckedInteraction | LateRecord;

/**
 * A batch checked record by record: the records to apply in order, the ones already rejected, and
 * the memory its interactions' encoded rows are in (given back once the batch is written).
 */
export interface ValidatedBatch {
  valid: Array<{ index: number; record: CheckedRecord }>;
  rejected: Rejection[];
  memory: BatchMemory;
}

/** A batch with no records yet, and memory of its own. */
export const emptyBatch = (): ValidatedBatch => ({ valid: [], rejected: [], memory: new BatchMemory() });

/**
 * Records parsed (ndjson.ts), generated (demo/seed.ts) or validated between two turns of the
 * event loop, about a millisecond of work. A batch's checks take tens of milliseconds, parsing a
 * file's read as long: done in one go they held up the replies PostgreSQL sends meanwhile for the
 * batch being written (import, seed, or another caller's mutation), and the database sat "idle in
 * transaction" 34 % of an import (24 % after; seeding 100 k took 9.5-10.0 s without turns, 7.7-7.9
 * s with them).
 */
export const RECORDS_PER_TURN = 20;

/**
 * Checks one record on its own (no database) and adds it to the batch being built, as valid or
 * rejected. Bulk loads check each record as soon as it is read: the parsed JSON is then garbage
 * before the next minor collection instead of living as long as its batch, and the import's
 * collections copied (and took) correspondingly less.
 */
export function addChecked(batch: ValidatedBatch, index: number, value: unknown, source: () => unknown = () => value): void {
  if (value instanceof FieldError) {
    batch.rejected.push({ index, path: value.path, reason: value.message });
    return;
  }
  try {
    const record = validateRecord(value);
    if (record.record !== 'interaction') {
      batch.valid.push({ index, record });
      return;
    }
    const { id, endUserId, automation, startedAt } = record;
    batch.valid.push({ index, record: { record: 'interaction', id, endUserId, automation, startedAt, encoded: encodeInteraction(record, batch.memory), source: new ParsedSource(source) } });
  } catch (error) {
    if (!(error instanceof FieldError)) throw error;
    batch.rejected.push({ index, path: error.path, reason: error.message });
  }
}

/**
 * Adds an interaction the import's fast path read straight from bytes start..end of `line`
 * (scanInteraction.ts, its rows cut from the batch's memory) to the batch being built.
 */
export function addScanned(batch: ValidatedBatch, index: number, scanned: ScannedInteraction, line: Buffer, start: number, end: number): void {
  const { id, endUserId, automation, startedAt, encoded } = scanned;
  batch.valid.push({ index, record: { record: 'interaction', id, endUserId, automation, startedAt, encoded, source: new LineSource(line, start, end) } });
}

/** Checks every record of a batch on its own (no database): the first half of ingestBatch. */
export async function validateBatch(batch: PositionedRecord[]): Promise<ValidatedBatch> {
  const validated = emptyBatch();
  for (let i = 0; i < batch.length; i++) {
    if (i > 0 && i % RECORDS_PER_TURN === 0) await setImmediate();
    addChecked(validated, batch[i]!.index, batch[i]!.value);
  }
  return validated;
}

/**
 * The one way records get into Touchpoint (GraphQL `ingest`, `touchpoint import` and `touchpoint
 * seed` all call this). A batch is applied in its order inside one transaction: every valid
 * record is stored, every invalid one is rejected with its position and changes nothing.
 */
export async function ingestBatch(pool: pg.Pool, accountId: number, batch: PositionedRecord[]): Promise<IngestResult> {
  return storeBatch(pool, accountId, await validateBatch(batch));
}

/**
 * Applies a validated batch in one transaction: the second half of ingestBatch. A batch of a bulk
 * load (`bulk`: import, seed) commits without waiting for the disk, and does not wait for the
 * statistics it may have started (keepStatisticsFresh): the load's next batches are already under
 * way, and finishBulkLoad flushes the commits and settles the statistics at its end.
 */
export async function storeBatch(pool: pg.Pool, accountId: number, { valid, rejected: invalid, memory }: ValidatedBatch, { bulk = false } = {}): Promise<IngestResult> {
  const rejected = [...invalid];
  if (valid.length === 0) return { stored: 0, rejected };
  const fresh = valid.map(({ record }) => record).filter((r): r is CheckedInteraction => r.record === 'interaction');
  // Numbers for new end users, automations and versions are taken before the transaction (write.ts says why).
  const endUserIds = await upsertEndUsers(pool, accountId, fresh.map((r) => r.endUserId));
  const automations = namedAutomations(fresh.map((r) => r.automation));
  const automationIds = await createReferences(pool, accountId, automations);
  const refs: References = { endUserIds, automationIds };
  const late = await inTransaction(
    pool,
    async (client, attempt) => {
      await takeIngestLock(client, accountId, attempt);
      return applyInOrder(client, accountId, valid, automations, refs, memory);
    },
    { attempts: MAX_ATTEMPTS, asyncCommit: bulk },
  );
  // Committed: no attempt reads the batch's encoded rows any more. (After a failure they are left
  // to the collector.)
  memory.release();
  rejected.push(...late);
  const statistics = keepStatisticsFresh(pool, accountId, fresh.length);
  if (!bulk) await statistics;
  rejected.sort((a, b) => a.index - b.index);
  return { stored: valid.length - late.length, rejected };
}

/** Folds the batch into final interaction states in record order and writes them; returns the late records rejected. */
async function applyInOrder(
  client: pg.PoolClient,
  accountId: number,
  valid: Array<{ index: number; record: CheckedRecord }>,
  automations: readonly AutomationRef[],
  refs: References,
  memory: BatchMemory,
): Promise<Rejection[]> {
  // Late records whose interaction is not sent earlier in this batch need the stored one.
  const sentBefore = new Set<string>();
  const fromDatabase = new Set<string>();
  for (const { record } of valid) {
    if (record.record === 'interaction') sentBefore.add(record.id);
    else if (!sentBefore.has(record.interactionId)) fromDatabase.add(record.interactionId);
  }
  // Locks in one order for every batch: references (automations, versions), then the
  // interaction rows by ID. Concurrent batches then never wait on each other in a cycle.
  await renameReferences(client, accountId, automations, refs.automationIds);
  const existing = await lockInteractions(client, accountId, [...sentBefore, ...fromDatabase]);
  const stored = await loadInteractionStates(client, accountId, [...fromDatabase].sort());

  // Rows encoded anew (patched interactions) are cut from the batch's memory too: a transaction
  // that runs again cuts its own, and all are given back once the batch has committed.
  const { states, rejected } = foldBatch(valid, stored, memory);
  // The rollups follow the raw rows in this transaction: out with the old state, in with the new,
  // written last (applyToRollups says why). User bitmaps are only marked stale, on the days
  // new interactions land on and, where a rewrite changed what the bitmaps take, the days
  // rewritten ones leave and land on.
  const replaced = [...states.keys()].flatMap((id) => existing.get(id) ?? []);
  const contributions = await storedContributions(client, accountId, replaced.map((r) => r.id));
  const writable = [...states.values()].map((s) => ('encoded' in s ? s : { ...s, encoded: encodeInteraction(s, memory) }));
  const internalIds = await writeInteractions(client, accountId, writable, refs, existing);
  await updateFunnelReach(client, accountId, internalIds);
  // A day's stale mark is shared like its rollup rows (a new one makes other batches wait for this one to end).
  const newDays = [...states].filter(([id]) => !existing.has(id)).map(([, s]) => isoDay(s.startedAt));
  await markChangedDays(client, accountId, newDays, replaced);
  await applyToRollups(client, accountId, internalIds, contributions);
  return rejected;
}

import type { BatchMemory } from '../common/bufferPool';
import { FieldError } from './fieldReader';
import { applyLateRecord, type InteractionState } from './fold';
import type { CheckedInteraction, CheckedRecord, RecordSource } from './ingest';
import type { LateRecord, Rejection } from './records';
import type { ScannerPatch } from './scanInteraction';

/**
 * The source of an interaction whose gathered records applyGathered wrote into its rows (at the
 * end of its batch, or when an interaction record replaced it): nothing reads it again.
 */
const PATCHED: RecordSource = {
  full() {
    throw new Error('foldBatch: an interaction patched by reading its line again was read again');
  },
};

/** A batch's interactions in their final state, in the order of their latest interaction records, and the late records rejected. */
export interface FoldedBatch {
  states: Map<string, CheckedInteraction | InteractionState>;
  rejected: Rejection[];
}

/**
 * Applies a batch's records in order (ingest.md merge rules): an interaction record replaces
 * the state of its ID, a late record patches the state of its interaction, from this batch or
 * `stored` (read from the database). The batch's own records are never changed: a retried
 * transaction folds the same input again.
 *
 * Interactions stay as checked (their encoded rows) until a late record patches them. CSAT answers
 * and delivery reports for a line the import's fast path took are gathered and applied in one
 * reading of its line again (`source.patched`, scanPatched); an analysis, or a record checked by the
 * reference path, patches the full record read anew (`source.full`), the gathered ones applied first.
 */
export function foldBatch(
  valid: ReadonlyArray<{ index: number; record: CheckedRecord }>,
  stored: ReadonlyMap<string, InteractionState>,
  memory: BatchMemory,
): FoldedBatch {
  const states = new Map<string, CheckedInteraction | InteractionState>();
  const rejected: Rejection[] = [];
  const reject = (index: number, error: unknown) => {
    if (!(error instanceof FieldError)) throw error;
    rejected.push({ index, path: error.path, reason: error.message });
  };
  const apply = (state: InteractionState, index: number, record: LateRecord) => {
    try {
      applyLateRecord(state, record);
    } catch (error) {
      reject(index, error);
    }
  };
  /** Whether records for this state are gathered and applied by reading its line again. */
  const rereadable = (state: CheckedInteraction | InteractionState | undefined): state is CheckedInteraction =>
    state !== undefined && 'source' in state && state.source.patched !== undefined;
  const gathered = new Map<string, Array<{ index: number; record: ScannerPatch }>>();

  /** The gathered records of a fast-path interaction applied by reading its line again. */
  const applyGathered = (id: string) => {
    const patches = gathered.get(id);
    const state = states.get(id);
    if (!patches || !rereadable(state)) return;
    gathered.delete(id);
    const { encoded, problems } = state.source.patched!(patches.map((p) => p.record), memory);
    problems.forEach((problem, i) => problem && reject(patches[i]!.index, problem));
    // Its patches are in its rows now: read anew, it would be without them.
    states.set(id, { ...state, encoded, source: PATCHED });
  };

  for (const { index, record } of valid) {
    if (record.record === 'interaction') {
      // Records gathered for the state it replaces still apply to that one (and may be rejected).
      applyGathered(record.id);
      // Delete first: the map's order is then the order of the latest interaction records, which
      // decides the automation name when several name one automation ("the latest one seen wins").
      states.delete(record.id);
      states.set(record.id, record);
      continue;
    }
    let state = states.get(record.interactionId);
    if (rereadable(state) && record.record !== 'analysis') {
      let patches = gathered.get(record.interactionId);
      if (!patches) gathered.set(record.interactionId, (patches = []));
      patches.push({ index, record });
      continue;
    }
    if (state && 'source' in state) {
      const full = state.source.full();
      for (const patch of gathered.get(record.interactionId) ?? []) apply(full, patch.index, patch.record);
      gathered.delete(record.interactionId);
      states.set(record.interactionId, (state = full));
    }
    if (!state) {
      state = stored.get(record.interactionId);
      if (state) states.set(record.interactionId, state);
    }
    if (!state) {
      rejected.push({ index, path: 'interactionId', reason: `no interaction "${record.interactionId}" in this account` });
      continue;
    }
    apply(state, index, record);
  }
  for (const id of [...gathered.keys()]) applyGathered(id);
  return { states, rejected };
}

/**
 * validateBatch hands the event loop back between slices of a batch: a batch being written meanwhile
 * (the import's previous batch, another caller's mutation) gets its database replies handled at once
 * instead of after the whole batch's checks.
 */
import { validateBatch } from '../../src/ingest/ingest';
import { FieldError } from '../../src/ingest/fieldReader';
import { interaction } from './helpers';

/** Turns of the event loop taken while `work` runs. */
async function turnsDuring<T>(work: () => Promise<T>): Promise<{ result: T; turns: number }> {
  let turns = 0;
  let done = false;
  const tick = () => {
    if (done) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  const result = await work();
  done = true;
  return { result, turns };
}

it('yields to the event loop every 20 records and keeps every record in its place', async () => {
  // 100 records: 96 valid, a malformed line at 10, an unknown kind at 50, a bad timestamp at 70, a bad enum at 99.
  const batch = Array.from({ length: 100 }, (_, index) => ({ index: index + 1, value: interaction(`v-${index}`) as unknown }));
  batch[10]!.value = new FieldError(null, 'not valid JSON: Unexpected end of JSON input');
  batch[50]!.value = { record: 'note' };
  batch[70]!.value = interaction('bad-time', { startedAt: '2026-10-03 09:00:00' });
  batch[99]!.value = interaction('bad-type', { type: 'CHAT' });

  const { result, turns } = await turnsDuring(() => validateBatch(batch));

  // 100 records in slices of 20: the loop turns between slices 1-2, 2-3, 3-4 and 4-5.
  expect(turns).toBeGreaterThanOrEqual(4);
  expect(result.valid.map((v) => v.index)).toEqual(batch.map((b) => b.index).filter((i) => ![11, 51, 71, 100].includes(i)));
  expect(result.rejected.map(({ index, path }) => [index, path])).toEqual([[11, null], [51, 'record'], [71, 'startedAt'], [100, 'type']]);
});

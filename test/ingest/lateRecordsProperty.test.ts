/**
 * An import applies a batch's late records to the interactions of that batch by reading their
 * lines again with the records applied (scanPatched), or by patching the full record when an
 * analysis comes (foldBatch). Whatever the interleaving, the stored data and the rejections must
 * be those of the reference path (every record parsed and checked, applied one by one): random
 * files of interactions sent and re-sent, CSAT answers, delivery reports (some for missing or
 * inbound messages) and analyses, imported with small batches, against the same records sent
 * through ingestBatch in the same batches.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAccount } from '../../src/accounts/accountStore';
import { Random } from '../../src/demo/random';
import { ingestBatch, type IngestResult } from '../../src/ingest/ingest';
import { importNdjson } from '../../src/ingest/ndjson';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { PROPERTY_SEED } from '../helpers/propertySeed';
import { inbound, interaction, outbound, stored, T, type Json } from './helpers';

let db: TestDatabase;
let tmp: string;
beforeAll(async () => {
  db = await createTestDatabase();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tp-late-'));
});
afterAll(async () => {
  await db?.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const STATUSES = ['SENT', 'DELIVERED', 'SEEN', 'REJECTED', 'UNDELIVERABLE', 'EXPIRED', 'PENDING'];
const IDS = ['r-1', 'r-2', 'r-3', 'r-4', 'r-5'];

function randomRecords(r: Random, n: number): Json[] {
  const records: Json[] = [];
  for (let i = 0; i < n; i++) {
    const interactionId = r.pick(IDS);
    const kind = r.next();
    if (kind < 0.3) {
      const messages = Array.from({ length: r.int(0, 4) }, (_, m) =>
        r.chance(0.3)
          ? inbound(`m${m + 1}`, m)
          : outbound(`m${m + 1}`, m, r.chance(0.5) ? { status: r.pick(STATUSES), statusAt: T(m + r.int(0, 20)) } : {}),
      );
      records.push(interaction(interactionId, { messages, ...(r.chance(0.2) ? { csat: { score: r.int(1, 5), at: T(r.int(0, 50)) } } : {}) }));
    } else if (kind < 0.55) {
      records.push({ record: 'messageStatus', interactionId, messageId: `m${r.int(1, 5)}`, status: r.pick(STATUSES), at: T(r.int(0, 30)) });
    } else if (kind < 0.8) {
      records.push({ record: 'csat', interactionId, score: r.int(1, 5), at: T(r.int(0, 60)) });
    } else {
      const topics = Array.from({ length: r.int(0, 2) }, (_, t) => ({ name: `Topic ${t}`, resolved: r.chance(0.5) }));
      records.push({ record: 'analysis', interactionId, sentiment: r.pick(['POSITIVE', 'NEGATIVE', null]), topics });
    }
  }
  return records;
}

/** Every interaction of the account as stored, without internal IDs. */
async function storedAll(accountId: number) {
  const all: Record<string, unknown> = {};
  for (const id of IDS) {
    const s = await stored(db.pool, accountId, id);
    all[id] = s && { ...s, row: { ...s.row, accountId: null, id: null, endUserId: null } };
  }
  return all;
}

it.each([1, 2, 3, 4, 5, 6, 7, 8])('random file %i: the import stores and rejects what the reference path does', async (seed) => {
  const r = new Random(seed * 7919 + PROPERTY_SEED * 104_729);
  const records = randomRecords(r, 200);
  const batchSize = r.int(3, 12);
  const [viaFile, viaBatches] = await Promise.all([`file-${seed}`, `batches-${seed}`].map(async (id) => (await createAccount(db.prisma, id, id)).id));

  const file = path.join(tmp, `late-${seed}.ndjson`);
  fs.writeFileSync(file, records.map((record) => JSON.stringify(record)).join('\n') + '\n');
  const imported = await importNdjson(db.pool, viaFile!, file, { batchSize });
  const fileRejections = imported.rejected === 0 ? [] : fs.readFileSync(`${file}.rejected.ndjson`, 'utf8').trim().split('\n')
    .map((text) => JSON.parse(text)).map(({ line, path, reason }) => ({ index: line - 1, path, reason }));

  const results: IngestResult[] = [];
  for (let start = 0; start < records.length; start += batchSize) {
    const batch = records.slice(start, start + batchSize).map((value, i) => ({ index: start + i, value }));
    results.push(await ingestBatch(db.pool, viaBatches!, batch));
  }
  const batchRejections = results.flatMap((result) => result.rejected);

  // The file lists a batch's rejections when it is written; late records moved to the next batch (batchPipeline) come later.
  expect(fileRejections.sort((a, b) => a.index - b.index)).toEqual(batchRejections);
  // Not blind: the files hold late records that are rejected and ones that change stored data.
  expect(batchRejections.length).toBeGreaterThan(0);
  expect(await storedAll(viaFile!)).toEqual(await storedAll(viaBatches!));
});

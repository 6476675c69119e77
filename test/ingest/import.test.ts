/**
 * `touchpoint import FILE` run as users run it (the built CLI): rejected lines go to
 * FILE.rejected.ndjson, counts are printed, the exit code says whether anything was rejected.
 * Run `npx tsc -p tsconfig.json` (or `npm run build`) after changing src/: the CLI runs from dist/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAccount } from '../../src/accounts/accountStore';
import { FINISHING_LINE } from '../../src/cli/progress';
import { importNdjson, type ImportProgress } from '../../src/ingest/ndjson';
import { cli, requireBuilt, startServe, stopAll, type Run, type Serving } from '../helpers/cli';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { D, inbound, interaction, outbound, stored, T } from './helpers';

requireBuilt();

/** The one JSON summary line an import prints on stdout. */
function summary(run: Run) {
  const lines = run.stdout.split('\n').filter((line) => line.trim() !== '');
  expect({ lines: lines.length, stderr: run.stderr }).toEqual({ lines: 1, stderr: expect.any(String) });
  return JSON.parse(lines[0]!);
}

const readRejected = (file: string) =>
  fs.readFileSync(`${file}.rejected.ndjson`, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));

const line = (record: unknown) => JSON.stringify(record);
const csat = (interactionId: string, score: number, seconds: number) => ({ record: 'csat', interactionId, score, at: T(seconds) });
const status = (interactionId: string, messageId: string, s: string, seconds: number) =>
  ({ record: 'messageStatus', interactionId, messageId, status: s, at: T(seconds) });

let tmp: string;
/** The importer account's key (it is named 'imp' on the command line). */
let IMP: number;
let ELSE: number;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tp-import-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('with DATABASE_URL', () => {
  let db: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    env = { DATABASE_URL: db.url };
    IMP = (await createAccount(db.prisma, 'Importer', 'imp')).id;
    ELSE = (await createAccount(db.prisma, 'Someone else', 'else')).id;
  });
  afterAll(async () => db?.drop());

  it('writes each rejected line with its 1-based line number (blank lines count), path, reason and text; prints counts; exits 1', async () => {
    const file = path.join(tmp, 'mixed.ndjson');
    const lines = [
      /* 1 */ line(interaction('imp-1', { messages: [inbound('m0', 0), outbound('m1', 1)] })),
      /* 2 */ '',
      /* 3 */ '{"record":"interaction","id":',
      /* 4 */ '{"record":"note","id":"x"}',
      /* 5 */ line(csat('imp-1', 4, 60)),
      /* 6 */ '   \t',
      /* 7 */ line(interaction('imp-2', { messages: [inbound('m1', 0), { ...outbound('m2', 5), sentAt: undefined }] })),
      /* 8 */ '[1,2]',
      /* 9 */ line(status('imp-1', 'm1', 'DELIVERED', 30)),
      /* 10 */ line(status('imp-1', 'm7', 'DELIVERED', 30)),
      /* 11 */ line(csat('nope', 5, 60)),
    ];
    fs.writeFileSync(file, lines.join('\n') + '\n');

    const run = await cli(['import', file, '--account', 'imp'], env);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 1, stderr: expect.stringContaining(`6 record(s) rejected; see ${file}.rejected.ndjson`) });
    expect(summary(run)).toEqual({ account: 'imp', stored: 3, rejected: 6, seconds: expect.any(Number), rejectedFile: `${file}.rejected.ndjson` });

    expect(readRejected(file)).toEqual([
      { line: 3, path: null, reason: expect.stringMatching(/^not valid JSON: \S.*$/), record: lines[2] },
      { line: 4, path: 'record', reason: 'must be one of interaction, messageStatus, csat, analysis, got "note"', record: lines[3] },
      { line: 7, path: 'messages[1].sentAt', reason: 'is required', record: lines[6] },
      { line: 8, path: null, reason: 'a record must be a JSON object', record: '[1,2]' },
      { line: 10, path: 'messageId', reason: 'interaction "imp-1" has no message "m7"', record: lines[9] },
      { line: 11, path: 'interactionId', reason: 'no interaction "nope" in this account', record: lines[10] },
    ]);

    const s = (await stored(db.pool, IMP, 'imp-1'))!;
    expect(s.row).toMatchObject({ csatScore: 4, csatAt: D(60) });
    expect(s.messages.find((m) => m.id === 'm1')).toMatchObject({ status: 'DELIVERED', statusAt: D(30) });
    expect(await stored(db.pool, IMP, 'imp-2')).toBeNull();
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM "Interaction" WHERE "accountId" = $1`, [ELSE]);
    expect(rows[0].n).toBe(0);
  });

  it('a clean file exits 0, prints rejected 0, and removes the rejected file of an earlier run', async () => {
    const file = path.join(tmp, 'clean.ndjson');
    fs.writeFileSync(`${file}.rejected.ndjson`, '{"line":1}\n');
    fs.writeFileSync(file, ['', line(interaction('clean-1')), '', '', line(csat('clean-1', 5, 10)), ''].join('\n'));
    const run = await cli(['import', file, '--account', 'imp'], env);
    expect(run.code).toBe(0);
    expect(summary(run)).toEqual({ account: 'imp', stored: 2, rejected: 0, seconds: expect.any(Number), rejectedFile: null });
    expect(fs.existsSync(`${file}.rejected.ndjson`)).toBe(false);
    expect((await stored(db.pool, IMP, 'clean-1'))!.row).toMatchObject({ csatScore: 5 });
  });

  describe('a file bigger than one batch (--batch-size 3; CRLF line ends)', () => {
    const lines = [
      /* batch 1 */
      line(interaction('b-1', { messages: [outbound('m1', 0, { status: 'SENT', statusAt: T(1) })] })),
      line(interaction('b-2', { automation: { id: 'j-b', type: 'JOURNEY', name: 'Old name' } })),
      line(interaction('b-3')),
      /* batch 2: late records for interactions of batch 1 */
      line(status('b-1', 'm1', 'SEEN', 5)),
      '',
      line(csat('b-2', 3, 10)),
      line(interaction('b-4', { automation: { id: 'j-b', type: 'JOURNEY', name: 'New name' } })),
      /* batch 3 */
      line({ record: 'analysis', interactionId: 'b-4', topics: [{ name: 'A', resolved: false }] }),
      line(csat('b-9', 1, 10)), // before its interaction: rejected
      line(interaction('b-9')),
    ];
    const file = () => path.join(tmp, 'batches.ndjson');

    beforeAll(() => fs.writeFileSync(file(), lines.join('\r\n') + '\r\n'));

    it('applies a late record of batch 2 to an interaction of batch 1; prints progress lines on stderr', async () => {
      const run = await cli(['import', file(), '--account', 'imp', '--batch-size', '3'], env);
      expect(run.code).toBe(1);
      expect(summary(run)).toMatchObject({ stored: 8, rejected: 1 });
      expect(run.stderr).toMatch(/^import: \d+% \| \d+ records\/s \| stored \d+ \| rejected \d+$/m);
      // after the lines, before the bitmaps and statistics: the last line of the run's progress
      expect(run.stderr.split('\n').filter((l) => l.startsWith('import: ')).at(-1)).toBe(FINISHING_LINE);
      expect(readRejected(file())).toEqual([
        { line: 9, path: 'interactionId', reason: 'no interaction "b-9" in this account', record: lines[8] },
      ]);
      const b1 = (await stored(db.pool, IMP, 'b-1'))!;
      expect(b1.messages[0]).toMatchObject({ status: 'SEEN', statusAt: D(5) });
      expect(b1.channels[0]).toMatchObject({ delivered: 1, pending: 0 });
      expect((await stored(db.pool, IMP, 'b-2'))!.row).toMatchObject({ csatScore: 3 });
      expect((await stored(db.pool, IMP, 'b-4'))!.row).toMatchObject({ outcome: 'UNSUCCESSFUL' });
      expect((await stored(db.pool, IMP, 'b-9'))!.row).toMatchObject({ csatScore: null });
      const { rows } = await db.pool.query(`SELECT name FROM "Automation" WHERE "accountId" = ${IMP} AND "externalId" = 'j-b'`);
      expect(rows).toEqual([{ name: 'New name' }]); // the late csat for b-2 in batch 2 did not bring back "Old name"
    });

    it('writes batch by batch, in file order (progress after each batch written)', async () => {
      const BATCHES = (await createAccount(db.prisma, 'Batches', 'batches')).id;
      const progress: ImportProgress[] = [];
      const result = await importNdjson(db.pool, BATCHES, file(), { batchSize: 3, onProgress: (p) => progress.push(p) });
      // Batch 2 renames j-b, so it waits for batch 1; batch 3's analysis of b-4 (of batch 2) is
      // written after the rest of batch 3 (the rejected csat and b-9), which went beside batch 2.
      expect(progress.map((p) => [p.stored, p.rejected, p.finishing])).toEqual([[3, 0, false], [6, 0, false], [7, 1, false], [8, 1, false], [8, 1, true]]);
      expect(result).toMatchObject({ lines: 9, stored: 8, rejected: 1 }); // 10 lines, one blank
    });
  });

  it('a batch also ends after 8 MB of lines, so files of long transcripts keep memory bounded', async () => {
    const file = path.join(tmp, 'long.ndjson');
    // Ten lines of just over 1 MiB each (12 messages of 90,000 characters): the eighth takes a batch past 8 MiB.
    const text = 'x'.repeat(90_000);
    const messages = Array.from({ length: 12 }, (_, m) => outbound(`m${m}`, m, { text }));
    fs.writeFileSync(file, Array.from({ length: 10 }, (_, i) => line(interaction(`long-${i}`, { messages }))).join('\n') + '\n');
    const LONG = (await createAccount(db.prisma, 'Long', 'long')).id;
    const progress: ImportProgress[] = [];
    await importNdjson(db.pool, LONG, file, { onProgress: (p) => progress.push(p) });
    expect(progress.map((p) => [p.stored, p.finishing])).toEqual([[8, false], [10, false], [10, true]]);
    expect(progress.at(-1)!.bytesRead).toBe(fs.statSync(file).size);
    expect((await stored(db.pool, LONG, 'long-9'))!.messages.map((m: { text: string }) => m.text.length)).toEqual(Array(12).fill(90_000));
  });

  it('runs the import in a child process whose heap is capped (256 MB, marked after 300 % growth), so RSS stays flat on large files', async () => {
    const probe = path.join(tmp, 'probe.cjs');
    const out = path.join(tmp, 'probe.ndjson');
    fs.writeFileSync(probe, `process.on('exit', () => require('fs').appendFileSync(${JSON.stringify(out)}, JSON.stringify({ execArgv: process.execArgv, limitMb: require('v8').getHeapStatistics().heap_size_limit / 2 ** 20, main: require.main?.filename }) + '\\n'));`);
    const file = path.join(tmp, 'capped.ndjson');
    fs.writeFileSync(file, line(interaction('cap-1')) + '\n');
    const run = await cli(['import', file, '--account', 'imp'], { ...env, NODE_OPTIONS: `--require ${probe}` });
    expect(run.code).toBe(0);
    const processes = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    // The launcher, then the capped child that did the import.
    expect(processes).toHaveLength(2);
    const child = processes.find((p) => p.execArgv.includes('--max-old-space-size=256'));
    expect(child).toBeDefined();
    expect(child.limitMb).toBeLessThan(400);
    // ...and whose old space may outgrow its live objects by 300 % before V8 marks it for a full collection.
    expect(child.execArgv).toContain('--heap-growing-percent=300');
    expect((await stored(db.pool, IMP, 'cap-1'))!.row).toMatchObject({ type: 'CONVERSATIONAL' });
  });

  it('lines end at \\n only: a lone \\r is whitespace inside a record, text across 1 MiB reads stays whole, the last line needs no line break', async () => {
    const file = path.join(tmp, 'edges.ndjson');
    // Three- and four-byte characters (210 kB a message) around the 1 MiB read boundaries of the
    // first line, 2.5 MB; the lines after it end in the read its end is in.
    const text = '€😀'.repeat(30_000);
    const messages = Array.from({ length: 12 }, (_, i) => outbound(`m${String(i).padStart(2, '0')}`, i, { text: `${i}${text}` }));
    const lines = [
      line(interaction('edge-1', { messages })),
      // JSON allows \r as whitespace between tokens; readline used to cut the line there.
      `{"record":"interaction",\r"id":"edge-2",\r${line(interaction('edge-2')).slice('{"record":"interaction","id":"edge-2",'.length)}`,
      line(csat('edge-2', 4, 10)),
    ];
    fs.writeFileSync(file, lines.join('\n'));
    const EDGES = (await createAccount(db.prisma, 'Edges', 'edges')).id;
    const result = await importNdjson(db.pool, EDGES, file);
    expect(result).toMatchObject({ lines: 3, stored: 3, rejected: 0 });
    const texts = (await stored(db.pool, EDGES, 'edge-1'))!.messages.map((m: { text: string }) => m.text);
    // Compared whole, but reported briefly: a difference would print 2.5 MB.
    expect(texts.map((t: string) => [t.length, t.slice(0, 3)])).toEqual(messages.map((m) => [String(m.text).length, String(m.text).slice(0, 3)]));
    expect(texts.every((t: string, i: number) => t === messages[i]!.text)).toBe(true);
    expect((await stored(db.pool, EDGES, 'edge-2'))!.row).toMatchObject({ csatScore: 4 });
  });

  it('late records of an interaction in their own batch apply in record order, around an analysis and a re-sent interaction', async () => {
    const file = path.join(tmp, 'same-batch.ndjson');
    const lines = [
      /* 1 */ line(interaction('o-1', { messages: [inbound('m1', 0), outbound('m2', 5), outbound('m3', 6, { status: 'DELIVERED', statusAt: T(7) })] })),
      /* 2 */ line(status('o-1', 'm2', 'DELIVERED', 20)),
      /* 3 */ line(status('o-1', 'm1', 'SEEN', 20)),
      /* 4 */ line(csat('o-1', 2, 30)),
      // The analysis needs the full record: lines 2 and 4 are applied to it first.
      /* 5 */ line({ record: 'analysis', interactionId: 'o-1', outcome: 'SUCCESSFUL', topics: [{ name: 'Billing', resolved: false }] }),
      /* 6 */ line(status('o-1', 'm3', 'SEEN', 8)),
      /* 7 */ line(interaction('o-2', { messages: [outbound('m1', 0)] })),
      /* 8 */ line(status('o-2', 'm1', 'REJECTED', 3)),
      /* 9 */ line(status('o-2', 'm5', 'SEEN', 3)),
      // Sent again: lines 8 and 9 applied to the first o-2, which this one replaces.
      /* 10 */ line(interaction('o-2', { messages: [outbound('m1', 0), outbound('m2', 1)] })),
      /* 11 */ line(status('o-2', 'm2', 'SEEN', 4)),
      /* 12 */ line(csat('o-2', 5, 9)),
      // Earlier than m2's SEEN at 4 s: changes nothing, and still counts as stored (ingest.md).
      /* 13 */ line(status('o-2', 'm2', 'DELIVERED', 3)),
    ];
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const SAME = (await createAccount(db.prisma, 'Same batch', 'same-batch')).id;
    expect(await importNdjson(db.pool, SAME, file)).toMatchObject({ lines: 13, stored: 11, rejected: 2 });
    expect(readRejected(file)).toEqual([
      { line: 3, path: 'messageId', reason: 'message "m1" is inbound; delivery reports apply to outbound messages', record: lines[2] },
      { line: 9, path: 'messageId', reason: 'interaction "o-2" has no message "m5"', record: lines[8] },
    ]);
    const one = (await stored(db.pool, SAME, 'o-1'))!;
    expect(one.row).toMatchObject({ csatScore: 2, csatAt: D(30), analysisOutcome: 'SUCCESSFUL', outcome: 'SUCCESSFUL', topicCount: 1, resolvedTopics: 0 });
    expect(one.messages.map((m: { id: string; status: string | null; statusAt: Date | null }) => [m.id, m.status, m.statusAt])).toEqual([
      ['m1', null, null], ['m2', 'DELIVERED', D(20)], ['m3', 'SEEN', D(8)],
    ]);
    expect(one.channels).toEqual([{ channel: 'SMS', inbound: 1, outbound: 2, delivered: 2, rejected: 0, undeliverable: 0, expired: 0, pending: 0 }]);
    const two = (await stored(db.pool, SAME, 'o-2'))!;
    expect(two.row).toMatchObject({ csatScore: 5, csatAt: D(9) });
    expect(two.messages.map((m: { id: string; status: string | null; statusAt: Date | null }) => [m.id, m.status, m.statusAt])).toEqual([
      ['m1', 'PENDING', null], ['m2', 'SEEN', D(4)],
    ]);
  });

  it('a byte order mark at the start of the file is not part of the first record', async () => {
    const file = path.join(tmp, 'bom.ndjson');
    fs.writeFileSync(file, '\uFEFF' + line(interaction('bom-1')) + '\n' + line(csat('bom-1', 2, 5)) + '\n');
    expect(await importNdjson(db.pool, IMP, file)).toMatchObject({ stored: 2, rejected: 0, rejectedFile: null });
    expect((await stored(db.pool, IMP, 'bom-1'))!.row).toMatchObject({ csatScore: 2 });
  });

  it('an unknown --account exits 2 and stores nothing', async () => {
    const file = path.join(tmp, 'unknown-account.ndjson');
    fs.writeFileSync(file, line(interaction('ua-1')) + '\n');
    const run = await cli(['import', file, '--account', 'no-such-account'], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no account with id "no-such-account"');
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM "Interaction" WHERE "externalId" = 'ua-1'`);
    expect(rows[0].n).toBe(0);
  });
});

describe('while the server runs on the embedded database (DATABASE_URL unset)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let serving: Serving | undefined;

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tp-import-data-'));
    fs.chmodSync(dataDir, 0o755);
    env = { TOUCHPOINT_DATA_DIR: dataDir };
  });
  afterAll(async () => {
    await stopAll(serving, dataDir);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('imports into the running server\'s database; the server sees the records at once', async () => {
    serving = await startServe(env);
    const { url } = serving;

    const created = await cli(['accounts', 'create', '--name', 'Live', '--id', 'live'], env);
    expect(created.code).toBe(0);
    const { apiKey } = JSON.parse(created.stdout);

    const file = path.join(tmp, 'live.ndjson');
    fs.writeFileSync(file, [line(interaction('live-1', { messages: [outbound('m1', 0)] })), line(status('live-1', 'm1', 'DELIVERED', 3)), 'not json'].join('\n') + '\n');
    const run = await cli(['import', file], env); // the only account: --account may be left out
    expect(run.code).toBe(1);
    expect(summary(run)).toMatchObject({ account: 'live', stored: 2, rejected: 1 });
    expect(readRejected(file)).toEqual([{ line: 3, path: null, reason: expect.stringMatching(/^not valid JSON/), record: 'not json' }]);

    // The server finds the imported interaction (a late record for it is accepted) and its message.
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({
        query: 'mutation($r: [JSONObject!]!) { ingest(records: $r) { stored rejected { index path reason } } }',
        variables: { r: [status('live-1', 'm1', 'SEEN', 9), status('live-1', 'm2', 'SEEN', 9), csat('live-2', 5, 9)] },
      }),
    });
    expect(await response.json()).toEqual({
      data: {
        ingest: {
          stored: 1,
          rejected: [
            { index: 1, path: 'messageId', reason: 'interaction "live-1" has no message "m2"' },
            { index: 2, path: 'interactionId', reason: 'no interaction "live-2" in this account' },
          ],
        },
      },
    });

    serving.child.kill('SIGTERM');
    expect(await serving.exit).toEqual({ code: 0, signal: null });
  });
});

import fs from 'node:fs';
import { BULK_BATCH_RECORDS } from '../../ingest/batchPipeline';
import { importNdjson } from '../../ingest/ndjson';
import { importProgressReporter } from '../progress';
import { resolveAccount } from '../resolveAccount';
import { withDatabase } from '../withDatabase';
import { parseOptions, positiveInt, UsageError } from '../usage';

export async function importCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, { account: { type: 'string' }, 'batch-size': { type: 'string' } }, 1);
  const file = positionals[0];
  if (!file) throw new UsageError('import needs the NDJSON file to read: touchpoint import FILE [--account ID]');
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new UsageError(`no such file: ${file}`);
  const batchSize = positiveInt(values['batch-size'], '--batch-size', BULK_BATCH_RECORDS);
  return withDatabase(async ({ db }) => {
    const account = await resolveAccount(db.pool, values.account);
    const progress = importProgressReporter();
    const started = Date.now();
    // SIGTERM/SIGINT: finish the batches being written, then stop. Records are upserts, so running
    // the same import again completes it exactly.
    const stop = new AbortController();
    const onSignal = (signal: string) => {
      process.stderr.write(`\n${signal}: finishing the batches being written, then stopping\n`);
      stop.abort();
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    const summary = await importNdjson(db.pool, account.id, file, { batchSize, onProgress: progress.update, signal: stop.signal }).finally(() => {
      progress.done();
      process.removeListener('SIGTERM', onSignal);
      process.removeListener('SIGINT', onSignal);
    });
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(
      JSON.stringify({ account: account.externalId, stored: summary.stored, rejected: summary.rejected, seconds: Number(seconds.toFixed(2)), rejectedFile: summary.rejectedFile, ...(summary.interrupted ? { interrupted: true } : {}) }) + '\n',
    );
    if (summary.interrupted) {
      process.stderr.write(`touchpoint: import interrupted after ${summary.lines} lines; run the same command again to finish it (records are upserts)\n`);
      return 3;
    }
    if (summary.rejected > 0) {
      process.stderr.write(`touchpoint: ${summary.rejected} record(s) rejected; see ${summary.rejectedFile} for each line and its reason\n`);
      return 1;
    }
    return 0;
  });
}

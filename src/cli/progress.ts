import cliProgress from 'cli-progress';
import type { ImportProgress } from '../ingest/ndjson';

/** What an import says once every line is written, before its last seconds of work (ImportProgress.finishing). */
export const FINISHING_LINE = "import: lines written; now building the user bitmaps of the days they changed and the planner's statistics";

/**
 * Progress of a long import: a live bar on a terminal (records/s, stored, rejected, ETA), and a
 * plain line every few seconds otherwise (CI logs, pipes). Either way, FINISHING_LINE once the
 * lines are written.
 */
export function importProgressReporter(stream: NodeJS.WriteStream = process.stderr) {
  const started = Date.now();
  const rate = (p: ImportProgress) => Math.round(p.lines / Math.max((Date.now() - started) / 1000, 0.001));
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: '{bar} {percentage}% | {rate} records/s | stored {stored} | rejected {rejected} | ETA {eta_formatted}',
        etaBuffer: 20,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    let startedBar = false;
    return {
      update(p: ImportProgress) {
        if (!startedBar) {
          bar.start(p.totalBytes, 0, { rate: 0, stored: 0, rejected: 0 });
          startedBar = true;
        }
        bar.update(p.bytesRead, { rate: rate(p), stored: p.stored, rejected: p.rejected });
        if (p.finishing) {
          bar.stop();
          startedBar = false;
          stream.write(FINISHING_LINE + '\n');
        }
      },
      done() {
        if (startedBar) bar.stop();
      },
    };
  }
  let lastLine = 0;
  return {
    update(p: ImportProgress) {
      if (p.finishing) {
        stream.write(FINISHING_LINE + '\n');
        return;
      }
      if (Date.now() - lastLine < 5_000) return;
      lastLine = Date.now();
      const percent = p.totalBytes ? Math.floor((100 * p.bytesRead) / p.totalBytes) : 100;
      stream.write(`import: ${percent}% | ${rate(p)} records/s | stored ${p.stored} | rejected ${p.rejected}\n`);
    },
    done() {},
  };
}

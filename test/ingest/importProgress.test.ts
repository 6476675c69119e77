/**
 * What `touchpoint import` shows while it runs (src/cli/progress.ts): a bar on a terminal, plain
 * lines otherwise, and a line saying what the last seconds are spent on. The command itself is run
 * in import.test.ts (its stderr is not a terminal there).
 */
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { FINISHING_LINE, importProgressReporter } from '../../src/cli/progress';
import type { ImportProgress } from '../../src/ingest/ndjson';

/** A stream that keeps what is written to it, as a terminal (`isTTY`, 120 columns) or a pipe. */
function captured(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  Object.assign(stream, { isTTY, columns: 120 });
  // Terminal control sequences (cursor moves, line clears) left out: what a reader sees.
  const text = () => chunks.join('').replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
  return { stream: stream as unknown as NodeJS.WriteStream, text };
}

const progress = (p: Partial<ImportProgress>): ImportProgress => ({
  lines: 0, stored: 0, rejected: 0, bytesRead: 0, totalBytes: 1000, finishing: false, ...p,
});

describe('import progress', () => {
  it('on a terminal: a bar with the share read, records/s, stored, rejected and ETA, then the finishing line', async () => {
    const { stream, text } = captured(true);
    const reporter = importProgressReporter(stream);
    reporter.update(progress({ lines: 4000, stored: 3990, rejected: 10, bytesRead: 500 }));
    // the bar redraws on its own timer (10 times a second)
    await sleep(250);
    const halfway = text();
    expect(halfway).toMatch(/ 50% \| \d+ records\/s \| stored 3990 \| rejected 10 \| ETA \S+/);
    reporter.update(progress({ lines: 8000, stored: 7985, rejected: 15, bytesRead: 1000, finishing: true }));
    reporter.done();
    const after = text().slice(halfway.length);
    expect(after).toMatch(/ 100% \| \d+ records\/s \| stored 7985 \| rejected 15 \| ETA 0s/);
    // the bar is left on its line, and the finishing line follows it, once
    expect(after.endsWith(`\n${FINISHING_LINE}\n`)).toBe(true);
    expect(after.split(FINISHING_LINE)).toHaveLength(2);
  });

  it('elsewhere: a plain line at most every 5 s, and the finishing line at once', () => {
    const { stream, text } = captured(false);
    const reporter = importProgressReporter(stream);
    reporter.update(progress({ lines: 4000, stored: 3990, rejected: 10, bytesRead: 250 }));
    reporter.update(progress({ lines: 8000, stored: 7990, rejected: 10, bytesRead: 500 })); // within 5 s of the first: not printed
    reporter.update(progress({ lines: 16000, stored: 15990, rejected: 10, bytesRead: 1000, finishing: true }));
    reporter.done();
    const lines = text().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^import: 25% \| \d+ records\/s \| stored 3990 \| rejected 10$/);
    expect(lines.slice(1)).toEqual([FINISHING_LINE, '']);
  });
});

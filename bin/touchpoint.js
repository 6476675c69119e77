#!/usr/bin/env node
'use strict';
// The `touchpoint` command. The TypeScript sources are compiled to dist/ by `npm run build`,
// which `npm install` runs.
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const { spawn } = require('node:child_process');
const entry = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  console.error('touchpoint: not built yet. Run `npm install` (or `npm run build`) in ' + path.dirname(__dirname));
  process.exit(1);
}

// `import` holds a few batches at a time whatever the file's size, but V8 lets its heap grow far
// past that before it collects (over 400 MB RSS on a large file). It runs in a child process with
// a capped heap instead, so its memory stays flat; a cap the user sets is left alone. Under a cap
// that small V8 also starts marking the old space for a full collection as soon as its free room
// falls under the young generation's size, which with the default growth came right after the
// last collection: 30 full collections per 100 k interactions, their marking on the other core
// that PostgreSQL needs. Letting the old space grow to four times its live objects first
// (about 30 MB live) took the importer's CPU per 100 k from 6.7-6.9 s to 5.7 s; peak RSS 226-254
// MB, also on a 1.6 GB file.
const IMPORT_HEAP_MB = 256;
const IMPORT_HEAP_GROWING_PERCENT = 300;
const heapCapped = [...process.execArgv, process.env.NODE_OPTIONS || ''].some((arg) => arg.includes('--max-old-space-size'));
if (process.argv[2] === 'import' && !heapCapped) {
  // The IPC channel is only there so that the child notices when this process dies.
  const child = spawn(process.execPath, [...process.execArgv, `--max-old-space-size=${IMPORT_HEAP_MB}`, `--heap-growing-percent=${IMPORT_HEAP_GROWING_PERCENT}`, __filename, ...process.argv.slice(2)], { stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
  // A terminal sends SIGINT and SIGHUP to the whole process group (the child has them already);
  // SIGTERM is usually sent to this process alone.
  process.on('SIGINT', () => undefined);
  process.on('SIGHUP', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (os.constants.signals[signal] || 0)));
} else {
  if (process.argv[2] === 'import' && process.channel) {
    // The launcher is gone (SIGKILL cannot be forwarded): stop at once as it did, leaving the
    // batch in flight uncommitted, instead of importing on unseen.
    process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
    process.channel.unref();
  }
  require(entry).main(process.argv.slice(2)).then((code) => process.exit(code));
}

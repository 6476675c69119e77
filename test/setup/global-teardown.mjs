import fs from 'node:fs';

export default async function globalTeardown() {
  const started = globalThis.__TOUCHPOINT_PG__;
  if (!started) return;
  await started.pg.stop();
  fs.rmSync(started.dir, { recursive: true, force: true });
}

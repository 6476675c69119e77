// Shared by the benchmark scripts: a fresh (or reused) embedded PostgreSQL and the compiled app.
import fs from 'node:fs';
import path from 'node:path';

export const root = new URL('..', import.meta.url).pathname;
export const dist = (p) => path.join(root, 'dist', p);

export function requireBuilt() {
  if (!fs.existsSync(dist('cli/main.js'))) {
    console.error('Run `npm run build` first (npm install does it).');
    process.exit(1);
  }
}

/** Opens the benchmark database: DATABASE_URL, or an embedded PostgreSQL in .bench/<name>. */
export async function openBenchDatabase(name, { fresh = false } = {}) {
  const { readSettings } = await import(dist('config/env.js'));
  const { openDatabase } = await import(dist('db/open.js'));
  const dataDir = path.join(root, '.bench', name);
  if (fresh) fs.rmSync(dataDir, { recursive: true, force: true });
  process.env.TOUCHPOINT_DATA_DIR = dataDir;
  return openDatabase({ ...readSettings(), dataDir }, { pool: { size: 8 } });
}

export function peakRssMb() {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

export function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

// Prisma's schema engine compiled to WebAssembly: produces migration SQL on machines where the
// native engine cannot be downloaded. Used by create-migration.mjs and the drift test.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';

const require = createRequire(import.meta.url);

async function loadEngineModule() {
  const bgPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const bg = await import(bgPath);
  const bytes = fs.readFileSync(path.join(path.dirname(bgPath), 'schema_engine_bg.wasm'));
  const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': bg });
  bg.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start?.();
  return bg;
}

/** SQL that takes a database from `fromSchema` (a Prisma schema text, or null for empty) to `toSchema`. */
export async function diffSchemas({ databaseUrl, fromSchema, toSchema }) {
  const { SchemaEngine } = await loadEngineModule();
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString: databaseUrl }));
  const engine = await SchemaEngine.new({ datamodels: [['schema.prisma', toSchema]] }, () => {}, adapter);
  const target = (content) => ({ tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content }] });
  const result = await engine.diff({
    from: fromSchema === null ? { tag: 'empty' } : target(fromSchema),
    to: target(toSchema),
    script: true,
    exitCode: null,
    filters: { externalTables: [], externalEnums: [] },
  });
  engine.free?.();
  return result.stdout ?? '';
}

// `node scripts/prisma-engine.mjs diff-from-empty` prints the SQL for prisma/schema.prisma.
if (import.meta.url === `file://${process.argv[1]}` && process.argv[2] === 'diff-from-empty') {
  const toSchema = fs.readFileSync(new URL('../prisma/schema.prisma', import.meta.url), 'utf8');
  const sql = await diffSchemas({ databaseUrl: process.env.DATABASE_URL, fromSchema: null, toSchema });
  // The adapter's pool keeps the process alive for its idle timeout; nothing else is pending.
  process.stdout.write(sql, () => process.exit(0));
}

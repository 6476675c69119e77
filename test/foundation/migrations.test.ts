import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrate } from '../../src/db/migrate';
import { LOG_ROWS, MESSAGE_ROWS } from '../../src/interactions/transcriptRows';
import { createEmptyDatabase, dropDatabase } from '../helpers/db';

const ROOT = path.resolve(__dirname, '../..');
const MIGRATIONS = path.join(ROOT, 'prisma/migrations');

/** The migrations on disk, listed independently of src/db/migrate.ts: name and sha256 of the file's bytes. */
function migrationsOnDisk(dir = MIGRATIONS): Array<{ name: string; checksum: string }> {
  return fs
    .readdirSync(dir)
    .filter((name) => fs.existsSync(path.join(dir, name, 'migration.sql')))
    .sort()
    .map((name) => ({
      name,
      checksum: createHash('sha256').update(fs.readFileSync(path.join(dir, name, 'migration.sql'))).digest('hex'),
    }));
}

const databases: string[] = [];
const pools: pg.Pool[] = [];
const tempDirs: string[] = [];

async function freshDatabase(): Promise<{ pool: pg.Pool; url: string }> {
  const { name, url } = await createEmptyDatabase('tp_mig');
  databases.push(name);
  const pool = new pg.Pool({ connectionString: url, max: 3 });
  pools.push(pool);
  return { pool, url };
}

afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
  await Promise.all(databases.map(dropDatabase));
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('migrate()', () => {
  it('has migrations to apply', () => {
    expect(migrationsOnDisk().length).toBeGreaterThan(0);
  });

  it('applies every migration once, records it as Prisma does, and applies nothing on a second run', async () => {
    const { pool } = await freshDatabase();
    const expected = migrationsOnDisk();

    const applied = await migrate(pool);
    expect(applied).toEqual(expected.map((m) => m.name));

    const { rows } = await pool.query(
      `SELECT migration_name, checksum, finished_at, applied_steps_count, rolled_back_at, started_at
         FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows.map((row) => ({ name: row.migration_name, checksum: row.checksum }))).toEqual(expected);
    for (const row of rows) {
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.applied_steps_count).toBe(1);
      expect(row.rolled_back_at).toBeNull();
    }

    expect(await migrate(pool)).toEqual([]);
    const again = await pool.query('SELECT count(*)::int AS n FROM "_prisma_migrations"');
    expect(again.rows[0].n).toBe(expected.length);
  });

  it('refuses a migration whose file changed after it was applied, naming it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tp-migrations-'));
    tempDirs.push(dir);
    fs.cpSync(MIGRATIONS, dir, { recursive: true });
    const { pool } = await freshDatabase();
    const names = migrationsOnDisk(dir).map((m) => m.name);
    expect(await migrate(pool, dir)).toEqual(names);

    const changed = names[names.length - 1]!;
    fs.appendFileSync(path.join(dir, changed, 'migration.sql'), '\n-- edited after it was applied\n');
    await expect(migrate(pool, dir)).rejects.toThrow(changed);

    // The history still holds the checksum of what was actually applied.
    const { rows } = await pool.query('SELECT checksum FROM "_prisma_migrations" WHERE migration_name = $1', [changed]);
    expect(rows).toEqual([{ checksum: migrationsOnDisk().find((m) => m.name === changed)!.checksum }]);
  });
});

describe('upgrading a database that holds data', () => {
  it('folds stored messages and log lines into one transcript row per interaction, and marks every day for new user bitmaps', async () => {
    // The database as it was before transcripts: migrations up to the funnel reach one.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tp-migrations-'));
    tempDirs.push(dir);
    const before = migrationsOnDisk().map((m) => m.name).filter((name) => name <= '20261124171816_funnel_reach');
    for (const name of before) fs.cpSync(path.join(MIGRATIONS, name), path.join(dir, name), { recursive: true });
    const { pool } = await freshDatabase();
    expect(await migrate(pool, dir)).toEqual(before);
    await pool.query(`INSERT INTO "Account" (id, name) VALUES ('acc', 'Acc')`);

    const interaction = (id: number, externalId: string, startedAt: string) =>
      pool.query(
        `INSERT INTO "Interaction" ("accountId", id, "externalId", type, "startedAt", channel, "endUserId", escalated, engaged, "inboundCount", "outboundCount")
         VALUES ('acc', $1, $2, 'CONVERSATIONAL', $3, 'SMS', 1, false, true, 1, 1)`,
        [id, externalId, startedAt],
      );
    await interaction(1, 'with-messages', '2026-10-01T10:00:00Z');
    await interaction(2, 'without', '2026-10-02T23:30:00+02:00');
    // Message IDs out of order, a tie on sentAt, a text with a quote and a newline.
    await pool.query(
      `INSERT INTO "Message" ("accountId", "interactionId", id, direction, author, channel, "sentAt", text, status, "statusAt", "validityHours") VALUES
         ('acc', 1, 'm2', 'OUTBOUND', 'BOT', 'SMS', '2026-10-01T10:00:05.250Z', 'Say "hi"\nthere', 'DELIVERED', '2026-10-01T10:00:06Z', 24),
         ('acc', 1, 'm10', 'OUTBOUND', 'BOT', 'SMS', '2026-10-01T10:00:05.250Z', NULL, NULL, NULL, 48),
         ('acc', 1, 'm1', 'INBOUND', 'END_USER', 'SMS', '2026-10-01T10:00:00Z', 'Hello', NULL, NULL, 48)`,
    );
    await pool.query(
      `INSERT INTO "InteractionLog" ("accountId", "interactionId", seq, at, level, message) VALUES
         ('acc', 1, 1, '2026-10-01T10:00:01Z', 'WARN', 'second'), ('acc', 1, 0, '2026-10-01T10:00:02Z', 'INFO', 'first')`,
    );

    await migrate(pool);
    // Stored as the last migration leaves them: each message and log line an array of its fields
    // (20261202160000_compact_transcripts rewrote the objects the fold wrote).
    const { rows } = await pool.query(`SELECT "interactionId", messages::json, logs::json FROM "InteractionTranscript" WHERE "accountId" = 1 ORDER BY 1`);
    expect(rows).toEqual([
      {
        interactionId: 1,
        // In transcript order: sentAt, then ID by code point ("m10" < "m2").
        messages: [
          ['m1', 'INBOUND', 'END_USER', 'SMS', '2026-10-01T10:00:00.000Z', 'Hello', null, null, 48],
          ['m10', 'OUTBOUND', 'BOT', 'SMS', '2026-10-01T10:00:05.250Z', null, null, null, 48],
          ['m2', 'OUTBOUND', 'BOT', 'SMS', '2026-10-01T10:00:05.250Z', 'Say "hi"\nthere', 'DELIVERED', '2026-10-01T10:00:06.000Z', 24],
        ],
        // In record order (seq), whatever their times.
        logs: [['2026-10-01T10:00:02.000Z', 'INFO', 'first'], ['2026-10-01T10:00:01.000Z', 'WARN', 'second']],
      },
      { interactionId: 2, messages: [], logs: [] },
    ]);
    // And read back as typed rows the way the transcript loaders and ingest read them.
    const messages = await pool.query(`SELECT m.* FROM "InteractionTranscript" t, ${MESSAGE_ROWS} WHERE t."interactionId" = 1`);
    expect(messages.rows[2]).toEqual({
      id: 'm2', direction: 'OUTBOUND', author: 'BOT', channel: 'SMS', sentAt: new Date('2026-10-01T10:00:05.250Z'),
      text: 'Say "hi"\nthere', status: 'DELIVERED', statusAt: new Date('2026-10-01T10:00:06Z'), validityHours: 24,
    });
    expect(messages.rows[1]).toMatchObject({ id: 'm10', text: null, status: null, statusAt: null });
    const logs = await pool.query(`SELECT l.* FROM "InteractionTranscript" t, ${LOG_ROWS} WHERE t."interactionId" = 1 ORDER BY l.seq`);
    expect(logs.rows).toEqual([
      { at: new Date('2026-10-01T10:00:02Z'), level: 'INFO', message: 'first', seq: 1 },
      { at: new Date('2026-10-01T10:00:01Z'), level: 'WARN', message: 'second', seq: 2 },
    ]);
    const tables = await pool.query(`SELECT count(*)::int AS n FROM pg_class WHERE relname IN ('Message', 'InteractionLog')`);
    expect(tables.rows[0].n).toBe(0);
    // Both UTC days (2026-10-02 23:30 at +02:00 is 21:30 UTC) await their bitmaps (per segment, coarse segments, weeks).
    const stale = await pool.query(`SELECT to_char(day, 'YYYY-MM-DD') AS day FROM "StaleUserDay" WHERE "accountId" = 1 ORDER BY day`);
    expect(stale.rows.map((row) => row.day)).toEqual(['2026-10-01', '2026-10-02']);
  });
});

describe('upgrading to integer account keys', () => {
  it('numbers accounts in creation order, converts every tenant row to its account\'s key, and drops rows of no account', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tp-migrations-'));
    tempDirs.push(dir);
    const before = migrationsOnDisk().map((m) => m.name).filter((name) => name < '20261205200051_integer_account_keys');
    for (const name of before) fs.cpSync(path.join(MIGRATIONS, name), path.join(dir, name), { recursive: true });
    const { pool } = await freshDatabase();
    expect(await migrate(pool, dir)).toEqual(before);
    // 'zeta' was created first: it gets key 1 although 'acme' sorts first.
    await pool.query(`INSERT INTO "Account" (id, name, "createdAt") VALUES ('acme', 'Acme', '2026-11-02'), ('zeta', 'Zeta', '2026-11-01')`);
    await pool.query(`INSERT INTO "ApiKey" ("accountId", id, name, hash, prefix, scopes) VALUES ('acme', 'k1', 'default', 'h-acme', 'tp_a', '{read}')`);
    await pool.query(
      `INSERT INTO "Interaction" ("accountId", id, "externalId", type, "startedAt", channel, "endUserId", escalated, engaged, "inboundCount", "outboundCount")
       VALUES ('acme', 1, 'a-1', 'CONVERSATIONAL', '2026-10-01T10:00:00Z', 'SMS', 1, false, true, 1, 1),
              ('zeta', 2, 'z-1', 'CONVERSATIONAL', '2026-10-01T11:00:00Z', 'SMS', 1, false, true, 1, 1),
              ('ghost', 3, 'g-1', 'CONVERSATIONAL', '2026-10-01T12:00:00Z', 'SMS', 1, false, true, 1, 1)`,
    );
    await pool.query(`INSERT INTO "InteractionTopic" ("accountId", "interactionId", name, resolved, seq, "startedAt", type, escalated)
                      VALUES ('acme', 1, 'Billing', true, 0, '2026-10-01T10:00:00Z', 'CONVERSATIONAL', false)`);

    await migrate(pool);
    expect((await pool.query(`SELECT id, "externalId" FROM "Account" ORDER BY id`)).rows).toEqual([{ id: 1, externalId: 'zeta' }, { id: 2, externalId: 'acme' }]);
    expect((await pool.query(`SELECT "accountId", "externalId" FROM "Interaction" ORDER BY id`)).rows).toEqual([
      { accountId: 2, externalId: 'a-1' },
      { accountId: 1, externalId: 'z-1' },
    ]);
    expect((await pool.query(`SELECT "accountId", name FROM "InteractionTopic"`)).rows).toEqual([{ accountId: 2, name: 'Billing' }]);
    expect((await pool.query(`SELECT "accountId", id FROM "ApiKey"`)).rows).toEqual([{ accountId: 2, id: 'k1' }]);
    // A new account takes the next number.
    expect((await pool.query(`INSERT INTO "Account" ("externalId", name) VALUES ('new', 'New') RETURNING id`)).rows).toEqual([{ id: 3 }]);
  });
});

// ---------------------------------------------------------------------------------------------
// Drift: the checked-in migrations must build exactly the database prisma/schema.prisma describes.

/** SQL from Prisma's schema engine (WebAssembly build) for schema.prisma, starting from an empty database. */
function prismaDiffFromEmpty(databaseUrl: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [path.join(ROOT, 'scripts/prisma-engine.mjs'), 'diff-from-empty'],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, maxBuffer: 64 * 1024 * 1024, timeout: 50_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`prisma-engine.mjs diff-from-empty failed: ${error.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

const EXCLUDED = '_prisma_migrations';

/** One line per catalog item of the public schema (except the migration history), sorted. */
async function catalog(pool: pg.Pool): Promise<string[]> {
  const lines: string[] = [];
  const tables = await pool.query(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> $1`,
    [EXCLUDED],
  );
  for (const row of tables.rows) lines.push(`table ${row.name}`);

  const columns = await pool.query(
    `SELECT c.relname AS "table", a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
            a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default,
            a.attidentity AS identity, a.attgenerated AS generated
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> $1
        AND a.attnum > 0 AND NOT a.attisdropped`,
    [EXCLUDED],
  );
  for (const row of columns.rows) {
    lines.push(
      `column ${row.table}.${row.column} ${row.type}${row.not_null ? ' NOT NULL' : ''}` +
        `${row.default !== null ? ` DEFAULT ${row.default}` : ''}` +
        `${row.identity ? ` IDENTITY(${row.identity})` : ''}${row.generated ? ` GENERATED(${row.generated})` : ''}`,
    );
  }

  const enums = await pool.query(
    `SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public' GROUP BY t.typname`,
  );
  for (const row of enums.rows) lines.push(`enum ${row.name} (${row.labels.join(', ')})`);

  const indexes = await pool.query(
    `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> $1`,
    [EXCLUDED],
  );
  for (const row of indexes.rows) {
    // INCLUDE columns, which Prisma cannot describe, on lines of their own (checked below).
    const [, keys, include] = /^(.*?)(?: INCLUDE \((.*)\))?$/.exec(row.indexdef)!;
    lines.push(`index ${row.indexname}: ${keys}`);
    if (include) lines.push(`include ${row.indexname}: ${include}`);
  }

  const constraints = await pool.query(
    `SELECT con.conname AS name, c.relname AS "table", pg_get_constraintdef(con.oid) AS def
       FROM pg_constraint con
       JOIN pg_namespace n ON n.oid = con.connamespace
       LEFT JOIN pg_class c ON c.oid = con.conrelid
      WHERE n.nspname = 'public' AND coalesce(c.relname, '') <> $1
        -- NOT NULL constraints (PostgreSQL 18) are covered by the columns' nullability; their
        -- names follow the table's original name, which Prisma does not manage.
        AND con.contype <> 'n'`,
    [EXCLUDED],
  );
  for (const row of constraints.rows) lines.push(`constraint ${row.table ?? '(domain)'}.${row.name}: ${row.def}`);

  return lines.sort();
}

describe('no drift between prisma/migrations and prisma/schema.prisma', () => {
  it('builds the same tables, columns, enums, indexes and constraints', async () => {
    const [migrated, described] = await Promise.all([freshDatabase(), freshDatabase()]);
    const [sql] = await Promise.all([prismaDiffFromEmpty(described.url), migrate(migrated.pool)]);
    expect(sql).toMatch(/CREATE TABLE/);
    await described.pool.query(sql);

    const [migratedCatalog, b] = await Promise.all([catalog(migrated.pool), catalog(described.pool)]);
    expect(migratedCatalog.length).toBeGreaterThan(0);
    // Prisma describes no INCLUDE columns (prisma/orm#8584); the migrations add exactly these.
    expect(b.filter((line) => line.startsWith('include '))).toEqual([]);
    expect(migratedCatalog.filter((line) => line.startsWith('include '))).toEqual([
      'include Interaction_accountId_automationId_startedAt_idx: "automationVersionId", "versionId", sender, "endUserId", engaged',
      'include Interaction_accountId_startedAt_idx: "automationId", "automationVersionId", "versionId", sender, "endUserId", engaged',
    ]);
    const a = migratedCatalog.filter((line) => !line.startsWith('include '));
    const onlyMigrations = a.filter((line) => !b.includes(line));
    const onlySchema = b.filter((line) => !a.includes(line));
    const differences = [
      ...onlyMigrations.map((line) => `only in the migrated database:      ${line}`),
      ...onlySchema.map((line) => `only in what schema.prisma describes: ${line}`),
    ];
    // On failure: add a migration (`npm run migration:create -- NAME`) instead of editing schema.prisma alone.
    expect(differences).toEqual([]);
  });
});

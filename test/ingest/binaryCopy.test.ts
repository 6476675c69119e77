/**
 * Ingest writes its rows with binary COPY (src/common/copyRows.ts): each value in its type's
 * binary form. Here every kind of value it writes goes into a real table and is read back as
 * PostgreSQL prints it, against values written out by hand: timestamps at the ends of the range
 * ingest accepts and on either side of PostgreSQL's epoch (2000) and of 1970, internal IDs past 32
 * bits, -0, non-ASCII text, arrays with NULLs and empty ones, and an enum array whose element type
 * only the database knows.
 */
import pg from 'pg';
import { BatchMemory } from '../../src/common/bufferPool';
import { BinaryWriter, CopyRows, TEXT_OID } from '../../src/common/copyRows';
import { createEmptyDatabase, dropDatabase } from '../helpers/db';

let database: { name: string; url: string };
let client: pg.Client;

beforeAll(async () => {
  database = await createEmptyDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query(`SET TIME ZONE 'UTC'`);
  await client.query(`CREATE TYPE mood AS ENUM ('HAPPY', 'SAD')`);
  await client.query(`CREATE TABLE t (
    "accountId" int4, id int8, automation int4, "user" int4,
    moods mood[], label text, small int2, count int4, score float8, flag bool, at timestamptz, ats timestamptz[], names text[])`);
});

afterAll(async () => {
  await client?.end();
  if (database) await dropDatabase(database.name);
});

const COLUMNS = ['id', 'automation', 'user', 'moods', 'label', 'small', 'count', 'score', 'flag', 'at', 'ats', 'names'];
const ms = (iso: string) => Date.parse(iso);

/** One encoded row, as ingest's encoders write them: its byte length, then its fields. */
function encodedRow(w: BinaryWriter, values: {
  moods: string[] | null; label: string | null; small: number | null; count: number | null; score: number | null;
  flag: boolean | null; at: string | null; ats: string[]; names: Array<string | null>;
}): void {
  const row = w.open();
  if (values.moods === null) w.null();
  else {
    const at = w.openArray(0, values.moods.length, false);
    for (const mood of values.moods) w.text(mood);
    w.close(at);
  }
  w.text(values.label);
  w.int2(values.small);
  w.int4(values.count);
  w.float8(values.score);
  w.bool(values.flag);
  w.timestamptz(values.at === null ? null : ms(values.at));
  w.timestamptzArray(values.ats.map(ms));
  const at = w.openArray(TEXT_OID, values.names.length, values.names.includes(null));
  for (const name of values.names) w.text(name);
  w.close(at);
  w.close(row);
}

it('stores every kind of value ingest writes exactly as written', async () => {
  const w = new BinaryWriter();
  encodedRow(w, {
    moods: ['HAPPY', 'SAD'], label: 'Ünïcode ✓ and a "quote"', small: -5, count: 2_000_000_000, score: -0, flag: true,
    at: '0001-01-01T00:00:00.000Z', ats: ['9999-12-31T23:59:59.999Z', '1969-12-31T23:59:59.999Z', '1999-12-31T23:59:59.999Z', '2000-01-01T00:00:00.001Z'],
    names: ['a', null, 'b"c\\d'],
  });
  encodedRow(w, { moods: null, label: null, small: null, count: null, score: 0.1, flag: false, at: '2026-10-03T09:00:50.123Z', ats: [], names: [] });
  // Integers whose top bit is set: the smallest int4, and an int8 whose low word is past 2^31.
  encodedRow(w, { moods: [], label: '', small: 32_767, count: -2_147_483_648, score: 1e300, flag: null, at: null, ats: ['1970-01-01T00:00:00.000Z'], names: [null] });
  const lines = w.take(new BatchMemory());
  const moodType = (await client.query(`SELECT 'mood'::regtype::oid::int4 AS oid`)).rows[0].oid as number;
  const rows = new CopyRows(7, COLUMNS, 3, moodType);
  let at = rows.add(lines, 0, 2 ** 40 + 5, null, 9);
  at = rows.add(lines, at, 3, 2_147_483_647, 0);
  at = rows.add(lines, at, 2 ** 32 + 2 ** 31 + 1, -2_147_483_648, 2_147_483_647);
  expect(at).toBe(lines.length);
  await rows.copyInto(client, 't');

  const { rows: stored } = await client.query(`SELECT "accountId", id::text, automation, "user", moods::text, label, small, count, score::text, flag, at::text, ats::text, names::text FROM t ORDER BY t.id DESC`);
  expect(stored).toEqual([
    {
      accountId: 7, id: '1099511627781', automation: null, user: 9, moods: '{HAPPY,SAD}', label: 'Ünïcode ✓ and a "quote"', small: -5, count: 2000000000,
      score: '0', flag: true, at: '0001-01-01 00:00:00+00',
      ats: '{"9999-12-31 23:59:59.999+00","1969-12-31 23:59:59.999+00","1999-12-31 23:59:59.999+00","2000-01-01 00:00:00.001+00"}',
      names: '{a,NULL,"b\\"c\\\\d"}',
    },
    {
      // 2^32 + 2^31 + 1
      accountId: 7, id: '6442450945', automation: -2147483648, user: 2147483647, moods: '{}', label: '', small: 32767, count: -2147483648,
      score: '1e+300', flag: null, at: null, ats: '{"1970-01-01 00:00:00+00"}', names: '{NULL}',
    },
    {
      accountId: 7, id: '3', automation: 2147483647, user: 0, moods: null, label: null, small: null, count: null,
      score: '0.1', flag: false, at: '2026-10-03 09:00:50.123+00', ats: '{}', names: '{}',
    },
  ]);
});

it('keeps every value when its buffer grows in the middle of a row (10,000 rows of fixed-width fields)', async () => {
  await client.query(`CREATE TABLE wide ("accountId" int4, id int8, flag bool, small int2, count int4, big int8, score float8, at timestamptz)`);
  const w = new BinaryWriter();
  const rows = 10_000;
  const at0 = Date.UTC(2026, 0, 1);
  for (let i = 0; i < rows; i++) {
    const row = w.open();
    w.bool(i % 3 === 0);
    w.int2(i % 1000);
    w.int4(i * 7);
    w.int8(2 ** 40 + i);
    w.float8(i / 4);
    w.timestamptz(at0 + i * 1000);
    w.close(row);
  }
  const lines = w.take(new BatchMemory());
  const copy = new CopyRows(1, ['id', 'flag', 'small', 'count', 'big', 'score', 'at'], 1);
  for (let i = 0, at = 0; i < rows; i++) at = copy.add(lines, at, i);
  await copy.copyInto(client, 'wide');
  const { rows: [sums] } = await client.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE flag)::int AS flags, sum(small)::int AS small, sum(count)::int8::text AS count,
    sum(big - 1099511627776)::int8::text AS big, sum(score)::float8 AS score, count(*) FILTER (WHERE at = '2026-01-01T00:00:00Z'::timestamptz + id * interval '1 second')::int AS "atMatches" FROM wide`);
  // By hand: i from 0 to 9,999. Multiples of 3: 3,334. sum(i % 1000) = 10 * 499,500. sum(7i) = 7 * 49,995,000.
  // sum(i) = 49,995,000; sum(i / 4) = 12,498,750.
  expect(sums).toEqual({ n: 10_000, flags: 3_334, small: 4_995_000, count: '349965000', big: '49995000', score: 12_498_750, atMatches: 10_000 });
});

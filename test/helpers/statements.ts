import pg from 'pg';

/**
 * Counts the SQL statements this process sends to PostgreSQL while `work` runs (every pg client,
 * Prisma's included), so tests can assert a query's statement count; `values` holds each
 * statement's parameters (undefined for none), so a test can EXPLAIN one.
 */
export async function countStatements<T>(work: () => Promise<T>): Promise<{ result: T; statements: number; texts: string[]; values: unknown[][] }> {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const texts: string[] = [];
  const values: unknown[][] = [];
  proto.query = function (this: unknown, ...args: unknown[]) {
    const first = args[0] as string | { text?: string; values?: unknown[] };
    texts.push(typeof first === 'string' ? first : (first?.text ?? 'COPY'));
    values.push((typeof first === 'string' ? args[1] : first?.values) as unknown[]);
    return original.apply(this, args);
  };
  try {
    const result = await work();
    return { result, statements: texts.length, texts, values };
  } finally {
    proto.query = original;
  }
}

/** An InitPlan's value as EXPLAIN prints it: `(InitPlan 1).col1` since PostgreSQL 18, `$0` before (a regular expression). */
export const INIT_PLAN_VALUE = String.raw`(?:\(InitPlan 1\)\.col1|\$0)`;

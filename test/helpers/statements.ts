import pg from 'pg';

/**
 * Counts the SQL statements this process sends to PostgreSQL while `work` runs (every pg client,
 * Prisma's included), so tests can assert a query's statement count.
 */
export async function countStatements<T>(work: () => Promise<T>): Promise<{ result: T; statements: number; texts: string[] }> {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const texts: string[] = [];
  proto.query = function (this: unknown, ...args: unknown[]) {
    const first = args[0] as string | { text?: string };
    texts.push(typeof first === 'string' ? first : (first?.text ?? 'COPY'));
    return original.apply(this, args);
  };
  try {
    const result = await work();
    return { result, statements: texts.length, texts };
  } finally {
    proto.query = original;
  }
}

import DataLoader from 'dataloader';
import type { Context } from '../server/context';

/**
 * A per-request DataLoader of rows by key, always inside the caller's account: `sql` takes the
 * account as $1 and the batch of keys as $2 (an array). Missing keys load as null.
 */
export function accountLoader<K extends string | number, V>(
  ctx: Context,
  name: string,
  sql: string,
  keyOf: (row: any) => K,
  toValue: (row: any) => V = (row) => row as V,
): DataLoader<K, V | null> {
  return ctx.memo(`loader:${name}`, () =>
    new DataLoader<K, V | null>(async (keys) => {
      const { rows } = await ctx.db.pool.query(sql, [ctx.caller.accountId, keys]);
      const byKey = new Map(rows.map((row) => [keyOf(row), toValue(row)]));
      return keys.map((key) => byKey.get(key) ?? null);
    }),
  );
}

import { SqlParams } from '../common/sql';
import { inTransaction } from '../db/transaction';
import type { Context } from '../server/context';
import { HASH_JOINS_ONLY, reachSelect, type ReachView } from './funnelReach';

/**
 * How many interactions started in [from, to) reached each step of the view, in order: a count
 * over the reach that ingest and view writes keep (funnelReach.ts), in one statement. Without
 * rollups (the reference path) the reach is computed from the interactions' steps in the same statement.
 */
export async function funnelReach(ctx: Context, view: ReachView, from: Date, to: Date): Promise<number[]> {
  const params = new SqlParams();
  const counts = view.steps.map((_, i) => `count(*) FILTER (WHERE r.reached >= ${i + 1})`).join(', ');
  if (ctx.useRollups) {
    const { rows } = await ctx.db.pool.query({
      text: `SELECT ${counts} FROM "FunnelReach" r
              WHERE r."accountId" = ${params.add(ctx.caller.accountId)} AND r."viewId" = ${params.add(view.id)}
                AND r."startedAt" >= ${params.add(from, 'timestamptz')} AND r."startedAt" < ${params.add(to, 'timestamptz')}`,
      values: params.values,
      rowMode: 'array',
    });
    return (rows[0] as number[]).map(Number);
  }
  const select = reachSelect(params, ctx.caller.accountId, view, [
    `s."startedAt" >= ${params.add(from, 'timestamptz')}`,
    `s."startedAt" < ${params.add(to, 'timestamptz')}`,
  ]);
  const rows = await inTransaction(ctx.db.pool, async (client) => {
    await client.query(HASH_JOINS_ONLY);
    return (await client.query({ text: `SELECT ${counts} FROM (${select}) r`, values: params.values, rowMode: 'array' })).rows;
  }, { readOnly: true });
  return (rows[0] as number[]).map(Number);
}

import type { Handling } from '../common/enums';
import { SqlParams } from '../common/sql';
import { filterConditions, handlingCondition, type Filter } from '../metrics/filter';
import type { Context } from '../server/context';

/** Issues of the unsuccessful interactions (of one tab), most affected first, then name. */
export async function unsuccessfulIssues(ctx: Context, filter: Filter, handling: Handling | null, first: number) {
  const params = new SqlParams();
  const conditions = [filterConditions(params, ctx.caller.accountId, filter, 'x'), `x.outcome = 'UNSUCCESSFUL'`];
  if (handling) conditions.push(handlingCondition('x', handling));
  const { rows } = await ctx.db.pool.query<{ issue: string; affected: number }>(
    `SELECT x.issue, count(*) AS affected FROM "InteractionIssue" x WHERE ${conditions.join(' AND ')}
      GROUP BY x.issue ORDER BY affected DESC, x.issue COLLATE "C" LIMIT ${params.add(first, 'int')}`,
    params.values,
  );
  return rows;
}

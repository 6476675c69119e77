import type { Handling } from '../common/enums';
import { SqlParams } from '../common/sql';
import { handlingCondition, type Filter } from '../metrics/filter';
import { facts } from '../rollups/facts';
import { ISSUES } from '../rollups/rollupTables';
import type { Context } from '../server/context';

/** Issues of the unsuccessful interactions (of one tab), most affected first, then name: from the issue facts. */
export async function unsuccessfulIssues(ctx: Context, filter: Filter, handling: Handling | null, first: number) {
  const params = new SqlParams();
  const conditions = [`x.outcome = 'UNSUCCESSFUL'`];
  if (handling) conditions.push(handlingCondition('x', handling));
  const { rows } = await ctx.db.pool.query<{ issue: string; affected: number }>(
    `SELECT x.issue, sum(x.interactions)::int8 AS affected
       FROM (${facts(params, ctx.caller.accountId, filter, ISSUES, ctx.useRollups)}) x
      WHERE ${conditions.join(' AND ')}
      GROUP BY x.issue HAVING sum(x.interactions) > 0
      ORDER BY affected DESC, x.issue COLLATE "C" LIMIT ${params.add(first, 'int')}`,
    params.values,
  );
  return rows;
}

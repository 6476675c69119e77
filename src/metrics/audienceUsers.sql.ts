import { SqlParams } from '../common/sql';
import type { Context } from '../server/context';
import { filterConditions, filterKey, type Filter } from './filter';

export interface UserTotals {
  uniqueUsers: number;
  returningUsers: number;
  engagedUsers: number;
}

/** Distinct, returning (2+ interactions) and engaged end users: one grouping by end user. */
export function userTotals(ctx: Context, filter: Filter): Promise<UserTotals> {
  return ctx.memo(`userTotals:${filterKey(filter)}`, async () => {
    const params = new SqlParams();
    const where = filterConditions(params, ctx.caller.accountId, filter);
    const { rows } = await ctx.db.pool.query<UserTotals>(
      `SELECT count(*) AS "uniqueUsers",
              count(*) FILTER (WHERE u.interactions >= 2) AS "returningUsers",
              count(*) FILTER (WHERE u.engaged) AS "engagedUsers"
         FROM (SELECT i."endUserId", count(*) AS interactions, bool_or(i.engaged) AS engaged
                 FROM "Interaction" i WHERE ${where}
                GROUP BY i."endUserId") u`,
      params.values,
    );
    return rows[0]!;
  });
}

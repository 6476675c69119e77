import DataLoader from 'dataloader';
import type { Context } from '../server/context';
import { SqlParams } from './sql';

/** Builds one SELECT, adding its parameters to the statement's. */
export type StatementBuilder = (params: SqlParams) => string;

/**
 * Statements of one kind asked for in the same tick run as one: a time series asks for the same
 * figures once per period, and each period's statement becomes a subquery of a UNION ALL, its rows
 * tagged with its position. One statement alone runs as it is, so a single dashboard's SQL is
 * unchanged. `kind` names statements of the same columns (their subqueries must union); a caller
 * that needs its rows in an order says so in a column of its own, since UNION ALL keeps none.
 */
export function batchedQuery<R>(ctx: Context, kind: string, build: StatementBuilder): Promise<R[]> {
  const loader = ctx.memo(
    `batchedQuery:${kind}`,
    () =>
      new DataLoader<StatementBuilder, R[]>(
        async (builds) => {
          const params = new SqlParams();
          if (builds.length === 1) return [(await ctx.db.pool.query(builds[0]!(params), params.values)).rows as R[]];
          const text = builds.map((b, position) => `SELECT ${position} AS "batchPosition", q.* FROM (${b(params)}) q`).join('\n UNION ALL\n ');
          const { rows } = await ctx.db.pool.query(text, params.values);
          const results: R[][] = builds.map(() => []);
          for (const { batchPosition, ...row } of rows) results[batchPosition as number]!.push(row as R);
          return results;
        },
        { cache: false },
      ),
  );
  return loader.load(build);
}

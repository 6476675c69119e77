import type { Handling, InteractionType, Outcome } from '../common/enums';
import { SqlParams } from '../common/sql';
import { filterConditions, filterKey, type Filter } from '../metrics/filter';
import type { Context } from '../server/context';

interface BreakdownRow {
  outcome: Outcome;
  escalated: boolean;
  type: InteractionType;
  interactions: number;
}

/** Classified interactions by outcome, handling and type: one statement serves every outcome drill-down of a request. */
function breakdown(ctx: Context, filter: Filter): Promise<BreakdownRow[]> {
  return ctx.memo(`outcomeBreakdown:${filterKey(filter)}`, async () => {
    const params = new SqlParams();
    const { rows } = await ctx.db.pool.query<BreakdownRow>(
      `SELECT i.outcome, i.escalated, i.type, count(*) AS interactions
         FROM "Interaction" i
        WHERE ${filterConditions(params, ctx.caller.accountId, filter)} AND i.outcome IS NOT NULL
        GROUP BY 1, 2, 3`,
      params.values,
    );
    return rows;
  });
}

const TYPE_ORDER: InteractionType[] = ['CONVERSATIONAL', 'NON_CONVERSATIONAL'];

/** The count and the interaction types that occur (conversational first) for one outcome and tab. */
export async function outcomeSummary(ctx: Context, filter: Filter, outcome: Outcome, handling: Handling | null) {
  const rows = (await breakdown(ctx, filter)).filter(
    (row) => row.outcome === outcome && (handling === null || row.escalated === (handling === 'ESCALATED')),
  );
  const present = new Set(rows.filter((row) => row.interactions > 0).map((row) => row.type));
  return {
    count: rows.reduce((sum, row) => sum + row.interactions, 0),
    types: TYPE_ORDER.filter((type) => present.has(type)),
  };
}

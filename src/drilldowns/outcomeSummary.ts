import type { Handling, InteractionType, Outcome } from '../common/enums';
import type { Filter } from '../metrics/filter';
import { interactionTotals } from '../metrics/interactionTotals.sql';
import type { Context } from '../server/context';

const TYPE_ORDER: InteractionType[] = ['CONVERSATIONAL', 'NON_CONVERSATIONAL'];

/**
 * The count and the interaction types that occur (conversational first) for one outcome and tab,
 * from the request's interaction totals: a dashboard and its drill-downs share one pass.
 */
export async function outcomeSummary(ctx: Context, filter: Filter, outcome: Outcome, handling: Handling | null) {
  const cells = (await interactionTotals(ctx, filter)).byOutcome.filter(
    (cell) => cell.outcome === outcome && (handling === null || cell.escalated === (handling === 'ESCALATED')),
  );
  const present = new Set(cells.filter((cell) => cell.interactions > 0).map((cell) => cell.type));
  return {
    count: cells.reduce((sum, cell) => sum + cell.interactions, 0),
    types: TYPE_ORDER.filter((type) => present.has(type)),
  };
}

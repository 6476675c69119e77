import type { Handling, InteractionType, Outcome } from '../common/enums';
import type { Filter } from '../metrics/filter';
import { interactionTotals } from '../metrics/interactionTotals.sql';
import type { Context } from '../server/context';

const TYPE_ORDER: InteractionType[] = ['CONVERSATIONAL', 'NON_CONVERSATIONAL'];

const MEASURE = { SUCCESSFUL: 'successful', MIXED: 'mixed', UNSUCCESSFUL: 'unsuccessful' } as const;

/**
 * The count and the interaction types that occur (conversational first) for one outcome and tab,
 * from the request's interaction totals (grouped by handling and type): every outcome drill-down
 * and the dashboard share one statement.
 */
export async function outcomeSummary(ctx: Context, filter: Filter, outcome: Outcome, handling: Handling | null) {
  const groups = (await interactionTotals(ctx, filter)).groups.filter(
    (group) => handling === null || group.escalated === (handling === 'ESCALATED'),
  );
  const count = (type?: InteractionType) =>
    groups.filter((group) => !type || group.type === type).reduce((sum, group) => sum + group[MEASURE[outcome]], 0);
  return { count: count(), types: TYPE_ORDER.filter((type) => count(type) > 0) };
}

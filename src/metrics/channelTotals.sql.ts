import { SqlParams } from '../common/sql';
import type { Context } from '../server/context';
import { filterConditions, filterKey, type Filter } from './filter';

export interface ChannelTotals {
  channel: string;
  inbound: number;
  totalSent: number;
  delivered: number;
  rejected: number;
  undeliverable: number;
  expired: number;
  pending: number;
}

/**
 * Message totals per channel over the filtered interactions, from the per-interaction channel
 * summaries written at ingest (they carry the interaction's filter columns: no join). Messages
 * still PENDING or SENT are expired when sentAt + validityHours is before the request's instant:
 * each summary knows the earliest and latest such instant, so only summaries whose pending
 * messages straddle the instant look at their list of instants. One pass; ordered by totalSent
 * descending, then name.
 */
export function channelTotals(ctx: Context, filter: Filter): Promise<ChannelTotals[]> {
  return ctx.memo(`channelTotals:${filterKey(filter)}`, async () => {
    const params = new SqlParams();
    const where = filterConditions(params, ctx.caller.accountId, filter, 'ic');
    const now = params.add(ctx.now, 'timestamptz');
    const lapsed = `CASE WHEN ic.pending = 0 OR ic."pendingExpiresMin" >= ${now} THEN 0
                         WHEN ic."pendingExpiresMax" < ${now} THEN ic.pending
                         ELSE (SELECT count(*) FROM unnest(ic."pendingExpiries") e WHERE e < ${now}) END`;
    const { rows } = await ctx.db.pool.query<ChannelTotals>(
      `SELECT channel, inbound, "totalSent", delivered, rejected, undeliverable, expired + lapsed AS expired, pending - lapsed AS pending
         FROM (SELECT ic.channel, sum(ic.inbound) AS inbound, sum(ic.outbound) AS "totalSent", sum(ic.delivered) AS delivered,
                      sum(ic.rejected) AS rejected, sum(ic.undeliverable) AS undeliverable, sum(ic.expired) AS expired,
                      sum(ic.pending) AS pending, sum(${lapsed}) AS lapsed
                 FROM "InteractionChannel" ic WHERE ${where}
                GROUP BY ic.channel) t
        ORDER BY "totalSent" DESC, channel`,
      params.values,
    );
    return rows;
  });
}

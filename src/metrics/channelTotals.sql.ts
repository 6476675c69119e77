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
 * summaries written at ingest. Only interactions with messages still PENDING or SENT are looked
 * up in Message, to split those into expired (sentAt + validityHours before the request's
 * instant) and pending. Ordered by totalSent descending, then name.
 */
export function channelTotals(ctx: Context, filter: Filter): Promise<ChannelTotals[]> {
  return ctx.memo(`channelTotals:${filterKey(filter)}`, async () => {
    const params = new SqlParams();
    // The summaries carry the interaction's filter columns, so the filter applies to them directly.
    const where = filterConditions(params, ctx.caller.accountId, filter, 'ic');
    const now = params.add(ctx.now, 'timestamptz');
    const { rows } = await ctx.db.pool.query<ChannelTotals>(
      `WITH summaries AS (
         SELECT ic.* FROM "InteractionChannel" ic WHERE ${where}
       ), lapsed AS (
         SELECT m.channel, count(*) AS expired
           FROM summaries s
           JOIN "Message" m ON m."accountId" = s."accountId" AND m."interactionId" = s."interactionId" AND m.channel = s.channel
          WHERE s.pending > 0 AND m.status IN ('PENDING', 'SENT')
            AND m."sentAt" + m."validityHours" * interval '1 hour' < ${now}
          GROUP BY m.channel
       )
       SELECT t.channel, t.inbound, t."totalSent", t.delivered, t.rejected, t.undeliverable,
              t.expired + coalesce(l.expired, 0) AS expired,
              t.pending - coalesce(l.expired, 0) AS pending
         FROM (SELECT channel, sum(inbound) AS inbound, sum(outbound) AS "totalSent", sum(delivered) AS delivered,
                      sum(rejected) AS rejected, sum(undeliverable) AS undeliverable, sum(expired) AS expired,
                      sum(pending) AS pending
                 FROM summaries GROUP BY channel) t
         LEFT JOIN lapsed l ON l.channel = t.channel
        ORDER BY t."totalSent" DESC, t.channel`,
      params.values,
    );
    return rows;
  });
}

import { batchedQuery } from '../common/batchedQuery';
import type { SqlParams } from '../common/sql';
import { bucketsIn, bucketStart, facts, factSources } from '../rollups/facts';
import { CHANNELS, segmentOf } from '../rollups/rollupTables';
import type { Context } from '../server/context';
import { dimensionConditions, filterKey, type Filter } from './filter';

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

const MEASURES = ['inbound', 'outbound', 'delivered', 'rejected', 'undeliverable', 'expired', 'pending', 'lapsed'];

/**
 * Message totals per channel over the filtered interactions, from the channel facts (daily
 * channel rollups of whole days, hourly ones of the partial days' whole hours, per-interaction
 * channel summaries at the range's edges).
 *
 * Messages still PENDING or SENT are expired when sentAt + validityHours is before the request's
 * instant ("lapsed"). Every row knows bounds of its pending messages' expiry instants: a row whose
 * bounds are both before or both after the instant is settled. Only the pending messages of rows
 * that straddle the instant (days near "now") are counted one by one, from the summaries' lists
 * of instants. One statement (a subquery of one, for the periods of a series); ordered by totalSent
 * descending, then name.
 */
export function channelTotals(ctx: Context, filter: Filter): Promise<ChannelTotals[]> {
  return ctx.memo(`channelTotals:${filterKey(filter)}`, async () => {
    const rows = await batchedQuery<ChannelTotals & { position: number }>(ctx, 'channelTotals', (params) => channelTotalsSql(ctx, filter, params));
    return rows.sort((a, b) => a.position - b.position).map(({ position: _position, ...channel }) => channel);
  });
}

/** The statement of channelTotals; `position` is the row's place in the order the section promises. */
function channelTotalsSql(ctx: Context, filter: Filter, params: SqlParams): string {
  const accountId = ctx.caller.accountId;
  const now = params.add(ctx.now, 'timestamptz');
  const straddles = (a: string) => `(${a}.pending > 0 AND coalesce(${a}."pendingExpiresMin" < ${now}, true) AND coalesce(${a}."pendingExpiresMax" >= ${now}, true))`;
  const counted = (a: string) => `(SELECT count(*) FROM unnest(${a}."pendingExpiries") e WHERE e < ${now})`;
  const allLapsed = (a: string) => `CASE WHEN ${a}.pending > 0 AND ${a}."pendingExpiresMax" < ${now} THEN ${a}.pending ELSE 0 END`;
  // Raw rows count their own straddling messages; straddling rollup rows add none here (see below).
  const lapsed = { name: 'lapsed', rollup: allLapsed('r'), raw: `CASE WHEN ${straddles('ic')} THEN ${counted('ic')} ELSE ${allLapsed('ic')} END` };

  const parts = [facts(params, accountId, filter, CHANNELS, ctx.useRollups, [lapsed])];
  const { buckets } = factSources(filter, CHANNELS, ctx.useRollups);
  let straddling = '';
  if (buckets.length > 0) {
    // The rollup rows straddling the instant (the instants their raw rows started in), and the lapsed messages of their summaries.
    straddling = `WITH straddling AS MATERIALIZED (
        ${buckets
          .map(([t, span]) => `SELECT ${bucketStart(t)} AS start, ${bucketStart(t)} + interval '1 ${t.grain}' AS "end", r.segment, r.channel FROM "${t.table}" r
         WHERE ${dimensionConditions(params, accountId, filter, 'r')} AND ${bucketsIn(params, t, span)} AND ${straddles('r')}`)
          .join('\n UNION ALL ')})`;
    const zero = (m: string) => `0 AS ${m}`;
    parts.push(`SELECT ic.channel, ${MEASURES.slice(0, -1).map(zero).join(', ')}, ${counted('ic')} AS lapsed
        FROM "InteractionChannel" ic
       WHERE ${dimensionConditions(params, accountId, filter, 'ic')} AND ic.pending > 0
         AND ic."startedAt" >= (SELECT min(start) FROM straddling) AND ic."startedAt" < (SELECT max("end") FROM straddling)
         AND EXISTS (SELECT 1 FROM straddling s
                      WHERE s.segment = ${segmentOf('ic')} AND s.channel = ic.channel AND ic."startedAt" >= s.start AND ic."startedAt" < s."end")`);
  }
  return `${straddling}
     SELECT channel, inbound, outbound AS "totalSent", delivered, rejected, undeliverable, expired + lapsed AS expired, pending - lapsed AS pending,
            row_number() OVER (ORDER BY outbound DESC, channel) AS position
       FROM (SELECT f.channel, ${MEASURES.map((m) => `sum(f.${m})::int8 AS ${m}`).join(', ')}
               FROM (${parts.map((part) => `SELECT p.channel, ${MEASURES.map((m) => `p.${m}`).join(', ')} FROM (${part}) p`).join('\n UNION ALL\n ')}) f
              GROUP BY f.channel
             -- Rollup rows whose interactions moved away stay behind at zero; every raw row holds a message.
             HAVING sum(f.inbound) + sum(f.outbound) > 0) t`;
}

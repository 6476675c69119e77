import { registerEnumType } from 'type-graphql';
import { SqlParams } from '../common/sql';
import { facts } from '../rollups/facts';
import { INTERACTIONS } from '../rollups/rollupTables';
import type { Context } from '../server/context';
import type { Filter } from './filter';

export enum InsightsDimension {
  AUTOMATION = 'AUTOMATION',
  VERSION = 'VERSION',
  SENDER = 'SENDER',
}

registerEnumType(InsightsDimension, {
  name: 'InsightsDimension',
  description: "What a breakdown groups by: the automation (its ID), the version number (across automations) or the sender.",
});

/** The filter list that narrows to one group of each dimension. */
export const GROUP_LIST = { AUTOMATION: 'automationIds', VERSION: 'versionIds', SENDER: 'senders' } as const;

export interface GroupKey {
  key: string;
  /** The automation's internal ID (AUTOMATION groups). */
  automationId: number | null;
  interactions: number;
}

/**
 * The `first` values of `by` among the filtered interactions with the most of them, then by value:
 * counted on the facts (rollups of whole days, raw rows at the edges), so exactly the interactions
 * each group's own figures count. Interactions without the dimension (inbox-only ones have no
 * automation or version; a sender is optional) form no group: no filter list selects them.
 */
export async function groupKeys(ctx: Context, filter: Filter, by: InsightsDimension, first: number): Promise<GroupKey[]> {
  const params = new SqlParams();
  const rows = `(${facts(params, ctx.caller.accountId, filter, INTERACTIONS, ctx.useRollups)}) f`;
  const source =
    by === InsightsDimension.AUTOMATION
      ? `SELECT a."externalId" AS key, a.id AS "automationId", f.interactions FROM ${rows}
           JOIN "Automation" a ON a."accountId" = ${params.add(ctx.caller.accountId)} AND a.id = f."automationId"`
      : `SELECT f."${by === InsightsDimension.VERSION ? 'versionId' : 'sender'}" AS key, NULL::int AS "automationId", f.interactions FROM ${rows}`;
  const { rows: keys } = await ctx.db.pool.query<GroupKey>(
    `SELECT key, "automationId", sum(interactions)::int8 AS interactions FROM (${source}) g
      WHERE key IS NOT NULL
      GROUP BY key, "automationId"
     HAVING sum(interactions) > 0
      ORDER BY interactions DESC, key
      LIMIT ${params.add(first)}`,
    params.values,
  );
  return keys;
}

import { CsatRating } from '../common/enums';
import type { SqlParams } from '../common/sql';
import { filterConditions, handlingCondition, type Filter } from '../metrics/filter';
import type { Narrowing } from './interactionList.sql';

/** A CSAT rating as a condition on a row's `csatScore` (interactions and their topic rows carry it). */
export const csatCondition = (alias: string, rating: CsatRating) =>
  rating === CsatRating.POSITIVE ? `${alias}."csatScore" >= 4` : rating === CsatRating.NEUTRAL ? `${alias}."csatScore" = 3` : `${alias}."csatScore" <= 2`;

/** Narrowed interactions as rows `c` of one table, one row per interaction, and the conditions that select them. */
export interface ChildRows {
  table: string;
  conditions: string[];
}

/**
 * A narrowing by topic that the topic rows decide alone, as those rows, or null. Each topic row
 * carries its interaction's filter columns, handling, outcome, type and CSAT score and is one per
 * interaction, so such a narrowing is counted on them without reading the interactions. The
 * rollups count a topic with a handling and an outcome (narrowingCounts.sql.ts), not with a type,
 * a CSAT rating or an issue. Counted on the interactions (each looked up by the IDs of the range's
 * topic rows), over the 10 M benchmark account's 90 days, a topic with negative CSAT took 2.9-4.1
 * s and a topic of conversations only with non-conversations 12.3-13.7 s; on the topic rows,
 * 1.0-1.4 and 1.4-1.6 s. A topic with an issue still probes the issue row of each topic row
 * (3.9-5.6 s there): joined, an account the statistics have not seen gets a nested loop that reads
 * all of its rows of that issue for each topic row. A sentiment is only on the interaction (topic
 * rows carry the score, not its label). Issue rows carry no more than the rollups count.
 */
export function childRows(params: SqlParams, accountId: number, filter: Filter, n: Narrowing): ChildRows | null {
  if (!n.topic || n.sentiment || n.hasSentiment) return null;
  const conditions = [filterConditions(params, accountId, filter, 'c'), `c.name = ${params.add(n.topic)}`];
  if (n.outcome) conditions.push(`c.outcome = ${params.add(n.outcome)}::"Outcome"`);
  if (n.handling) conditions.push(handlingCondition('c', n.handling));
  if (n.type) conditions.push(`c.type = ${params.add(n.type)}::"InteractionType"`);
  if (n.csat) conditions.push(csatCondition('c', n.csat));
  else if (n.hasCsat) conditions.push('c."csatScore" IS NOT NULL');
  // The issue row looked up by its key (OFFSET 0 keeps it from becoming a join; interactionList.sql.ts, ChildMatch).
  if (n.issue) {
    conditions.push(`EXISTS (SELECT 1 FROM "InteractionIssue" x WHERE x."accountId" = c."accountId" AND x."interactionId" = c."interactionId" AND x.issue = ${params.add(n.issue)} OFFSET 0)`);
  }
  return { table: 'InteractionTopic', conditions };
}

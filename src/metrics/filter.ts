import { Field, ID, InputType } from 'type-graphql';
import { Handling } from '../common/enums';
import { badUserInput } from '../common/errors';
import { DateTime } from '../common/scalars';
import type { SqlParams } from '../common/sql';

export const MAX_RANGE_DAYS = 400;
export const MAX_FILTER_IDS = 100;

@InputType({ description: 'Which interactions a figure covers: startedAt in [from, to), narrowed by the lists (an omitted or empty list does not filter; lists are ANDed).' })
export class InsightsFilter {
  @Field(() => DateTime) from!: Date;
  @Field(() => DateTime) to!: Date;
  @Field(() => [ID], { nullable: true }) automationIds?: string[] | null;
  @Field(() => [ID], { nullable: true }) automationVersionIds?: string[] | null;
  @Field(() => [ID], { nullable: true }) versionIds?: string[] | null;
  @Field(() => [String], { nullable: true }) senders?: string[] | null;
}

/** A checked filter: lists are deduplicated and sorted (so equal filters share per-request work). */
export interface Filter {
  from: Date;
  to: Date;
  automationIds: string[];
  automationVersionIds: string[];
  versionIds: string[];
  senders: string[];
}

const LISTS = ['automationIds', 'automationVersionIds', 'versionIds', 'senders'] as const;

/** `field` prefixes the names in error messages; '' for top-level `from`/`to` arguments. */
export function checkFilter(input: Pick<InsightsFilter, 'from' | 'to'> & Partial<InsightsFilter>, field = 'filter'): Filter {
  const { from, to } = input;
  const at = (name: string) => (field ? `${field}.${name}` : name);
  if (!(from < to)) throw badUserInput(`${at('from')} must be before ${at('to')}`, at('from'));
  const days = (to.getTime() - from.getTime()) / 86_400_000;
  if (days > MAX_RANGE_DAYS) {
    throw badUserInput(`${field || 'the range'} spans ${Math.ceil(days)} days; at most ${MAX_RANGE_DAYS} days are allowed`, at('to'));
  }
  const filter: Filter = { from, to, automationIds: [], automationVersionIds: [], versionIds: [], senders: [] };
  for (const list of LISTS) {
    const values = input[list] ?? [];
    if (values.length > MAX_FILTER_IDS) {
      throw badUserInput(`${at(list)} has ${values.length} entries; at most ${MAX_FILTER_IDS} are allowed`, at(list));
    }
    filter[list] = [...new Set(values)].sort();
  }
  return filter;
}

/** The interaction columns (rollups' DIMENSIONS) each list narrows by. */
const LIST_DIMENSIONS = { automationIds: 'automationId', automationVersionIds: 'automationVersionId', versionIds: 'versionId', senders: 'sender' } as const;

/** The interaction columns the filter's non-empty lists narrow by. */
export function narrowedDimensions(filter: Filter): string[] {
  return LISTS.filter((list) => filter[list].length > 0).map((list) => LIST_DIMENSIONS[list]);
}

/** Whether any list narrows the filter (an unfiltered account has precomputed figures that lists cannot use). */
export function narrowsByList(filter: Filter): boolean {
  return LISTS.some((list) => filter[list].length > 0);
}

/** A stable key for per-request caches of work done for one filter. */
export function filterKey(filter: Filter): string {
  return JSON.stringify(filter);
}

/**
 * The WHERE conditions selecting the filtered interactions of an account, on the alias `i`.
 * An interaction without automation never matches the automation/version lists (NULL is in no list).
 */
export function filterConditions(params: SqlParams, accountId: number, filter: Filter, alias = 'i'): string {
  return [
    dimensionConditions(params, accountId, filter, alias),
    `${alias}."startedAt" >= ${params.add(filter.from, 'timestamptz')}`,
    `${alias}."startedAt" < ${params.add(filter.to, 'timestamptz')}`,
  ].join(' AND ');
}

/**
 * The account and the filter's lists, without the date range: on any row that carries the
 * interaction's filter columns (interactions, their summary rows and the rollups).
 */
export function dimensionConditions(params: SqlParams, accountId: number, filter: Filter, alias: string): string {
  const account = params.add(accountId);
  const conditions = [`${alias}."accountId" = ${account}`];
  if (filter.automationIds.length > 0) {
    conditions.push(
      `${alias}."automationId" IN (SELECT a.id FROM "Automation" a WHERE a."accountId" = ${account} AND a."externalId" = ANY(${params.add(filter.automationIds, 'text[]')}))`,
    );
  }
  if (filter.automationVersionIds.length > 0) {
    conditions.push(`${alias}."automationVersionId" = ANY(${params.add(filter.automationVersionIds, 'text[]')})`);
  }
  if (filter.versionIds.length > 0) conditions.push(`${alias}."versionId" = ANY(${params.add(filter.versionIds, 'text[]')})`);
  if (filter.senders.length > 0) conditions.push(`${alias}.sender = ANY(${params.add(filter.senders, 'text[]')})`);
  return conditions.join(' AND ');
}

/** The handling tab on a row that has the interaction's `escalated` column (interactions and their summary rows). */
export function handlingCondition(alias: string, handling: Handling): string {
  return handling === Handling.ESCALATED ? `${alias}.escalated` : `NOT ${alias}.escalated`;
}

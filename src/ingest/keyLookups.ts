import type pg from 'pg';
import { GENERIC_PLANS, inTransaction } from '../db/transaction';

/**
 * A batch looks rows up by external ID within its account: its interactions (to lock them), its end
 * users and automations. The right plan is always the index on the account and that ID, one search
 * per key. But PostgreSQL plans an unnamed statement for its parameter values, and it estimates how
 * many rows an account has from statistics taken when the account was smaller (ingest analyzes
 * again only when an account has grown ninefold: tableStatistics.ts). Believing the account tiny,
 * it read the account's whole range of another index instead and filtered it by the keys: a new
 * account with 56 k interactions in the 10 M benchmark database locked a batch of 3,600 in 38 ms
 * reading 50 k rows (the same lookup by its own index: 3 ms), a cost that grows with the account
 * until the next ANALYZE.
 *
 * These lookups are named (prepared) statements run with generic plans, which are made without
 * the account's value: an account then counts as an average one, and a list of keys as short, so
 * the key's own index wins. Only they: the rollup statement, which reads the batch back by
 * internal ID, has the same weakness (16 ms against 2.4 ms there), but its generic plan was three
 * times as slow as its custom ones on a new database (GraphQL calls of 1,000 records, 111 ms
 * against 38 ms). It and the batch's other reads by internal ID are left to PostgreSQL's choice of
 * plan and name the account with ofAccount instead.
 */

/**
 * `column = $1` (the account: the first parameter of every batch statement that reads by key), with
 * the account's value kept from the planner's row estimate:
 * a scalar subquery is an InitPlan, whose value the planner does not know, so it counts the account
 * as an average one, and the statement's other values (the keys) still steer the plan; the column
 * is still an index condition. With the value known, a new account the statistics have not seen
 * looks tiny: with 200 k interactions of another account in the table, GraphQL calls of 1,000
 * records into a new account read its rows back for the rollups through the automation index,
 * filtering out every earlier interaction of the account (11,704 rows at the tenth call, in each
 * of four tables: 42 ms a statement, against 24 ms by key), until ingest's ANALYZE at 20,000.
 */
export const ofAccount = (column: string) => `${column} = (SELECT $1::int4)`;

/**
 * Runs a key lookup (above) as a named statement with a generic plan, inside the caller's
 * transaction, which goes on planning its other named statements for their values (the plan
 * setting is restored after it).
 */
export async function keyLookup<R extends pg.QueryResultRow>(client: pg.ClientBase, name: string, text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
  await client.query(GENERIC_PLANS);
  const result = await lookUp<R>(client, name, text, values);
  await client.query('SET LOCAL plan_cache_mode TO DEFAULT');
  return result;
}

/** Runs a key lookup (above) in a transaction of its own, opened with generic plans. */
export function keyLookupAlone<R extends pg.QueryResultRow>(pool: pg.Pool, name: string, text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
  return inTransaction(pool, (client) => lookUp<R>(client, name, text, values), { genericPlans: true });
}

/** The lookup's named statement (prepared once per connection). */
function lookUp<R extends pg.QueryResultRow>(client: pg.ClientBase, name: string, text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
  return client.query<R>({ name: `touchpoint.${name}`, text, values });
}

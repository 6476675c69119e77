import type pg from 'pg';
import { DEFAULT_PLANS, GENERIC_PLANS, inTransaction } from '../db/transaction';

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
 * Runs a key lookup (above) as a named statement with a generic plan, inside the caller's
 * transaction, which goes on planning its other named statements for their values (the plan
 * settings are restored after it).
 */
export async function keyLookup<R extends pg.QueryResultRow>(client: pg.ClientBase, name: string, text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
  await client.query(GENERIC_PLANS);
  const result = await lookUp<R>(client, name, text, values);
  await client.query(DEFAULT_PLANS);
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

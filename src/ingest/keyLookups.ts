import type pg from 'pg';

/**
 * A batch looks its rows up by key within its account: interactions by external ID (to lock
 * them) and by internal ID (to roll them up), end users by external ID. The right plan is always
 * the index on the account and that key, one search per key. But PostgreSQL plans an unnamed
 * statement for its parameter values, and it estimates how many rows an account has from
 * statistics taken when the account was smaller (ingest analyzes again only when an account has
 * grown ninefold: tableStatistics.ts). Believing the account tiny, it read the account's whole
 * range of another index instead and filtered it by the keys: a new account with 56 k
 * interactions in the 10 M benchmark database locked a batch of 3,600 in 38 ms reading 50 k rows
 * (the same lookup by its own index: 3 ms), and the rollup statement read them back in 16 ms
 * instead of 2.4 ms, costs that grow with the account until the next ANALYZE.
 *
 * These lookups are named (prepared) statements and run with generic plans, which are made
 * without the account's value: an account then counts as an average one, and a list of keys as
 * short, so the key's own index wins. Set once per transaction (SET LOCAL), before them.
 */
export const GENERIC_PLANS = 'SET LOCAL plan_cache_mode = force_generic_plan';

/** A key lookup as a named statement (see above): planned once per connection, generically under GENERIC_PLANS. */
export function keyLookup<R extends pg.QueryResultRow>(client: pg.ClientBase, name: string, text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
  return client.query<R>({ name: `touchpoint.${name}`, text, values });
}

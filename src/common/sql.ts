/**
 * Collects positional parameters while a statement is assembled, so fragments from different
 * places (the filter, a section's own conditions) can be combined without counting `$n` by hand.
 */
export class SqlParams {
  readonly values: unknown[] = [];

  /** Adds a value and returns its placeholder, with an optional cast (`$3::text[]`). */
  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return `$${this.values.length}${cast ? `::${cast}` : ''}`;
  }
}

/**
 * `column = $1` (the account: the first parameter of every statement that reads an account's rows by
 * key: ingest's batch reads, the user bitmaps' builds, an interaction's child rows), with
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

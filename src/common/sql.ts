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

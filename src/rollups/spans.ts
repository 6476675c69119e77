// Kept apart from facts.ts, which loads the GraphQL filter types: ingest's bitmap refresh needs
// these too, and `touchpoint import` loads neither GraphQL nor Prisma.

/** Whole UTC days [from, to), as YYYY-MM-DD. */
export interface DayRange {
  from: string;
  to: string;
}

/** An interval of instants, [from, to). */
export interface Span {
  from: Date;
  to: Date;
}

/** The whole units (of `ms`) inside [from, to), and the partial ones on either side. */
export function wholeUnits(from: Date, to: Date, ms: number): { whole: Span | null; rest: Span[] } {
  const first = new Date(Math.ceil(from.getTime() / ms) * ms);
  const end = new Date(Math.floor(to.getTime() / ms) * ms);
  if (first >= end) return { whole: null, rest: [{ from, to }] };
  const rest = [
    { from, to: first },
    { from: end, to },
  ].filter((span) => span.from < span.to);
  return { whole: { from: first, to: end }, rest };
}

/** A percentage (0-100, unrounded); null when the denominator is zero (metrics.md). */
export function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : (100 * part) / whole;
}

/** A plain ratio; null when the denominator is zero. */
export function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

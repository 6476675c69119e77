/**
 * The offset property tests add to their seeds. CI runs 0: always the same datasets and filters.
 * `PROPERTY_SEED=n npx jest <test>` runs others, for soak runs that look for rarer differences
 * (a failure names its case: the filter, or the random file's number).
 */
export const PROPERTY_SEED = Number(process.env.PROPERTY_SEED ?? 0);

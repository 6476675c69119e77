/** Channel codes: upper-case letters, digits and _ (ingest.md). */
export const CHANNEL_CODE = /^[A-Z0-9_]+$/;

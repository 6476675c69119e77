import { GraphQLError } from 'graphql';

/**
 * A token bucket per API key: `perMinute` requests a minute on average, bursts of `burst`.
 * Kept in this process's memory (one service instance; put a shared limiter in front of several).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updated: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly burst: number,
  ) {}

  /**
   * Takes `count` tokens for `key` (one per operation: a batched request spends one for each of
   * its operations), or none and throws RATE_LIMITED saying when to retry.
   */
  take(key: string, now = Date.now(), count = 1): void {
    const refillPerMs = this.perMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, updated: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.updated) * refillPerMs);
    bucket.updated = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= count) {
      bucket.tokens -= count;
      return;
    }
    const retryAfterSeconds = Math.ceil((count - bucket.tokens) / refillPerMs / 1000);
    throw new GraphQLError(`Too many requests for this API key. Retry in ${retryAfterSeconds} s.`, {
      extensions: {
        code: 'RATE_LIMITED',
        retryAfterSeconds,
        http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
      },
    });
  }
}

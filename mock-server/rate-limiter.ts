// A per-key leaky bucket, the algorithm of Synapse's Ratelimiter (synapse/api/ratelimiting.py): each
// action fills the bucket by one, it drains at `per_second`, and an action that would overflow `burst`
// is refused with the time until it would fit. Time comes from the injected clock.
import type { Clock } from './clock.js';

interface Bucket {
  level: number;
  at: number;
}

export interface RateDecision {
  allowed: boolean;
  /** When refused: milliseconds until the action would be allowed (always >= 1). */
  retryAfterMs: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly clock: Clock,
    private readonly perSecond: number,
    private readonly burst: number,
    /** The rate-limit-never-refills fault: the bucket never drains (retry_after_ms still promises it). */
    private readonly neverRefill = false,
  ) {}

  /** Takes one action for `key` if it fits; `consume: false` only asks. */
  take(key: string, consume = true): RateDecision {
    const now = this.clock.now();
    const bucket = this.buckets.get(key) ?? { level: 0, at: now };
    const drained = this.neverRefill ? 0 : ((now - bucket.at) / 1000) * this.perSecond;
    const level = Math.max(0, bucket.level - drained);
    if (level + 1 > this.burst) {
      const retryAfterMs = Math.max(1, Math.ceil(((level + 1 - this.burst) / this.perSecond) * 1000));
      return { allowed: false, retryAfterMs };
    }
    if (consume) this.buckets.set(key, { level: level + 1, at: now });
    return { allowed: true, retryAfterMs: 0 };
  }
}

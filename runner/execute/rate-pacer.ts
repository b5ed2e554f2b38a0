// Paces each user's presence writes to the rate limit the target profile states, outside the cases
// that test rate limiting. A server may refuse an over-limit PUT with a 429 (which the client would
// retry), but it may also ignore an over-limit set_presence on /sync without a word (Synapse's
// rc_presence: "ignore the presence update if the ratelimit is exceeded"), and no retry can see that.
// So the runner keeps a model of each user's bucket (a token bucket: `burst` at once, refilled at
// `per_second`) and waits for a token before every presence write.
import { PACING_MARGIN_MS } from '../plan/time-limit.js';

export interface RateLimit {
  per_second: number;
  burst: number;
  /** Every /sync draws from the same bucket (Synapse), not only the presence-setting ones. */
  counts_sync?: boolean;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RatePacer {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: RateLimit | undefined,
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  private bucket(user: string): Bucket {
    const b = this.buckets.get(user) ?? { tokens: this.limit!.burst, at: this.now() };
    const t = this.now();
    b.tokens = Math.min(this.limit!.burst, b.tokens + ((t - b.at) / 1000) * this.limit!.per_second);
    b.at = t;
    this.buckets.set(user, b);
    return b;
  }

  /** Waits until the user's bucket has a token, and takes it: before a presence write. */
  async beforeWrite(user: string): Promise<void> {
    if (!this.limit) return;
    for (;;) {
      const b = this.bucket(user);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return;
      }
      await this.sleep(Math.ceil(((1 - b.tokens) / this.limit.per_second) * 1000) + PACING_MARGIN_MS);
    }
  }

  /** A /sync that sets nothing: where every /sync counts, it takes a token if one is there. */
  onPlainSync(user: string): void {
    if (!this.limit?.counts_sync) return;
    const b = this.bucket(user);
    if (b.tokens >= 1) b.tokens -= 1;
  }
}

/** Whether a request sets presence: a PUT of a presence status, or a /sync that does not say offline. */
export function isPresenceWrite(method: string, path: string, query: Record<string, unknown> | undefined): boolean {
  if (method === 'PUT' && /\/presence\/[^/]+\/status$/.test(path)) return true;
  return method === 'GET' && /\/sync$/.test(path) && query?.set_presence !== 'offline';
}

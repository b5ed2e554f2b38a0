// Is PUT presence rate limited, and at about which burst and rate? One user sends PUTs one after another
// until the first 429 (Client-Server API, "Rate limiting": 429 M_LIMIT_EXCEEDED, retry_after_ms); the
// 200s before it are the burst. When the advertised wait is short, the probe waits it, sees one PUT
// pass, and reads the next 429's retry_after_ms: right after a token is used up, that wait is one
// token's worth, 1 / per_second. A longer first wait is read the same way, less exactly.
import { formatDuration } from '../../project/format-duration.js';
import type { Finding } from './findings.js';
import { answered, type ProbeAnswer, type ProbeSession } from '../contact/probe-session.js';
import { presencePath, type ProbeUser } from '../contact/presence-switch.js';
import { retryDelayMs } from '../http/http-client.js';

/** The suites' bursts send up to 50 PUTs; a limit above that is as good as none for them. */
export const BURST_LIMIT = 50;
/** Waits up to this long are waited out, to read the rate from a second 429. */
const WAIT_TO_CONFIRM_MS = 3_000;

export interface RateLimitOutcome extends Finding {
  /** Absent when no 429 came. */
  rateLimit?: { per_second: number; burst: number; counts_sync?: boolean };
}

/** Rounds a measured rate to the nearest of 1, 2, 5 times a power of ten: configured limits are round. */
export function roundRate(perSecond: number): number {
  const exponent = Math.floor(Math.log10(perSecond));
  const candidates = [-1, 0, 1].flatMap((e) => [1, 2, 5].map((m) => m * 10 ** (exponent + e)));
  const best = candidates.reduce((a, b) => (Math.abs(Math.log(b / perSecond)) < Math.abs(Math.log(a / perSecond)) ? b : a));
  return Number(best.toPrecision(2));
}

export async function probeRateLimit(session: ProbeSession, b: ProbeUser): Promise<RateLimitOutcome> {
  const mark = session.mark;
  const path = presencePath(b.user_id, session.dialect.api);
  const put = () => session.call('rate_limit', 'PUT', path, { token: b.access_token, json: { presence: 'online' } });
  let ok = 0;
  for (let i = 0; i < BURST_LIMIT; i += 1) {
    const answer = await put();
    const status = answer.response?.status;
    if (status === 200) {
      ok += 1;
      continue;
    }
    if (status !== 429) {
      return { topic: 'rate_limit', conclusion: `not claimed: PUT ${i + 1} of a burst ${answered(answer)}`, evidence: burstEvidence(session, mark) };
    }
    const firstWait = retryDelayMs(answer.response!);
    const advertised = (answer.response!.json as { retry_after_ms?: unknown } | undefined)?.retry_after_ms;
    const header = answer.response!.headers['retry-after'];
    const says = `${typeof advertised === 'number' ? `retry_after_ms ${advertised}` : 'no retry_after_ms'}${header ? `, Retry-After ${header}` : ''}`;
    let wait = firstWait;
    let how = `from the first 429's wait (${says})`;
    let countsSync: string | undefined;
    if (typeof advertised === 'number' && advertised <= WAIT_TO_CONFIRM_MS && session.remainingMs() > advertised + 2_000) {
      await sleep(advertised + 20);
      const passed = await put();
      const again = await put();
      if (passed.response?.status === 200 && again.response?.status === 429) {
        wait = retryDelayMs(again.response);
        how = `after waiting retry_after_ms one PUT passed and the next was told to wait ${formatDuration(wait)}`;
        countsSync = await syncDrawsFromBucket(session, b, wait, put);
      }
    }
    const perSecond = roundRate(1000 / Math.max(wait, 1));
    const draws = countsSync === undefined ? '' : `; ${countsSync}`;
    return {
      topic: 'rate_limit',
      conclusion: `claimed: PUT ${ok + 1} of a burst answered 429 (${says}): burst ${Math.max(ok, 1)}, about ${perSecond}/s (${how})${draws}`,
      evidence: burstEvidence(session, mark),
      rateLimit: { per_second: perSecond, burst: Math.max(ok, 1), ...(countsSync?.startsWith('every /sync draws') ? { counts_sync: true } : {}) },
    };
  }
  return { topic: 'rate_limit', conclusion: `not claimed: ${BURST_LIMIT} PUTs in a row were all answered 200`, evidence: burstEvidence(session, mark) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Does a /sync that sets no presence draw from the same bucket (Synapse's rc_presence counts every
 * /sync)? With the bucket just refilled by one token, a plain /sync and then a PUT: a 429 says the
 * /sync took the token. Undefined when the wait does not fit.
 */
async function syncDrawsFromBucket(session: ProbeSession, b: ProbeUser, waitMs: number, put: () => Promise<ProbeAnswer>): Promise<string | undefined> {
  if (waitMs > WAIT_TO_CONFIRM_MS || session.remainingMs() < waitMs + 2_000) return undefined;
  await sleep(waitMs + 20);
  const sync = await session.call('rate_limit', 'GET', `${session.dialect.api}/sync`, {
    token: b.access_token,
    query: { timeout: 0, set_presence: 'offline' },
  });
  if (sync.response?.status !== 200) return undefined;
  const after = await put();
  if (after.response?.status === 429)
    return 'every /sync draws from the same bucket: after a refill, a /sync with set_presence=offline and then a PUT got 429 (counts_sync)';
  if (after.response?.status === 200) return 'a /sync that sets no presence does not draw from the bucket: after a refill, a /sync and then a PUT got 200';
  return undefined;
}

/** A burst is dozens of identical exchanges: show the first two and the last few. */
function burstEvidence(session: ProbeSession, mark: number): string[] {
  const lines = session.evidenceSince(mark);
  if (lines.length <= 6) return lines;
  return [...lines.slice(0, 2), `... ${lines.length - 5} more alike ...`, ...lines.slice(-3)];
}

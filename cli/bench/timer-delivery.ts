// `bench --timers`: how late a server delivers the changes its own timers make, against the timers its
// profile states. A subject syncs once with set_presence=online and then stays silent; a co-member
// long-polls /sync and notes when the subject's unavailable (idle timer) and offline (sync-online
// timer) arrive. Lateness = arrival - the timer, both from the end of the subject's last sync. Bounded:
// the watch ends at the sync-online timer plus the profile's delivery deadline plus 30 s, whatever came.
import { presenceUserOf } from '../../runner/index.js';
import { performance } from 'node:perf_hooks';
import { syncPath } from './matrix-paths.js';

export interface TimerFigures {
  timer: 'idle_timeout' | 'sync_online_timeout';
  presence: 'unavailable' | 'offline';
  /** The profile's value, ms. */
  timerMs: number;
  /** When the change reached the watcher, ms after the subject's last sync; null when it never did. */
  seenMs: number | null;
  /** seenMs - timerMs. */
  lateMs: number | null;
  /** Within the timer plus the profile's delivery deadline (a change seen too early is not within). */
  withinDeadline: boolean;
}

export interface TimerWatch {
  base: string;
  api: string;
  subject: { user_id: string; access_token: string };
  watcher: { user_id: string; access_token: string };
  since: string;
  idleTimeoutMs: number;
  syncOnlineTimeoutMs: number;
  deliveryDeadlineMs: number;
  signal?: AbortSignal;
  progress?: (text: string) => void;
}

const MARGIN_MS = 30_000;

async function getJson(url: string, token: string, timeoutMs: number, signal?: AbortSignal): Promise<{ status: number; json: Record<string, unknown> }> {
  const signals = [AbortSignal.timeout(timeoutMs), ...(signal ? [signal] : [])];
  const r = await fetch(url, { headers: { Authorization: `Bearer ${token}` }, signal: AbortSignal.any(signals) });
  return { status: r.status, json: (await r.json().catch(() => ({}))) as Record<string, unknown> };
}

/** The subject's presence values in one /sync body, in order. */
function presencesOf(body: Record<string, unknown>, userId: string): string[] {
  const events = (body.presence as { events?: { content?: { presence?: string } }[] } | undefined)?.events ?? [];
  // The user in sender, or (before r0.4.0) in content.user_id.
  return events.filter((e) => presenceUserOf(e) === userId && typeof e.content?.presence === 'string').map((e) => e.content!.presence!);
}

export async function measureTimerDelivery(w: TimerWatch): Promise<TimerFigures[]> {
  // A /sync without set_presence marks the user online in every release (online came in r0.4.0).
  const online = await getJson(`${w.base}${w.api}/sync?timeout=0`, w.subject.access_token, 30_000, w.signal);
  if (online.status !== 200) throw new Error(`the subject's /sync (online) answered ${online.status}`);
  const t0 = performance.now();
  const seen: Partial<Record<'unavailable' | 'offline', number>> = {};
  const bound = w.syncOnlineTimeoutMs + w.deliveryDeadlineMs + MARGIN_MS;
  let since = w.since;
  for (let polls = 0; polls < 10_000 && !(seen.unavailable !== undefined && seen.offline !== undefined); polls++) {
    const left = bound - (performance.now() - t0);
    if (left <= 0 || w.signal?.aborted) break;
    const wait = Math.max(0, Math.min(30_000, Math.floor(left)));
    w.progress?.(
      `timers: watching for ${Math.round(left / 1000)} s more (unavailable ${seen.unavailable === undefined ? 'not yet' : 'seen'}, offline ${seen.offline === undefined ? 'not yet' : 'seen'})`,
    );
    const r = await getJson(`${w.base}${syncPath(since, wait, w.api)}`, w.watcher.access_token, wait + 30_000, w.signal).catch((err: unknown) => {
      if (w.signal?.aborted) return undefined;
      throw err;
    });
    if (!r) break;
    if (r.status !== 200) throw new Error(`the watcher's /sync answered ${r.status}`);
    const at = performance.now() - t0;
    for (const p of presencesOf(r.json, w.subject.user_id)) if ((p === 'unavailable' || p === 'offline') && seen[p] === undefined) seen[p] = at;
    if (typeof r.json.next_batch === 'string') since = r.json.next_batch;
  }
  const row = (timer: TimerFigures['timer'], presence: TimerFigures['presence'], timerMs: number): TimerFigures => {
    const at = seen[presence];
    return {
      timer,
      presence,
      timerMs,
      seenMs: at === undefined ? null : Math.round(at),
      lateMs: at === undefined ? null : Math.round(at - timerMs),
      withinDeadline: at !== undefined && at >= timerMs && at <= timerMs + w.deliveryDeadlineMs,
    };
  };
  return [row('idle_timeout', 'unavailable', w.idleTimeoutMs), row('sync_online_timeout', 'offline', w.syncOnlineTimeoutMs)];
}

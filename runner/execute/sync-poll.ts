// One poll of a watcher's event stream (/sync, or the early API's /initialSync and /events), shared by
// the watch and sync_until steps: keeps the watcher's since token for the whole case, and knows that a
// watcher's first poll is an initial sync. The texts do not say that
// an initial sync carries the presence that already exists (GET /sync's presence section holds "the
// updates to the presence status of other users"), so what an initial sync carries is never looked
// at: a case takes its watcher's token (a watch step, or a sync_until with a trigger) before the change
// it waits for.
import { isDeepStrictEqual } from 'node:util';
import type { HttpResponse } from '../http/http-client.js';
import type { Actor } from '../provision/provision.js';
import { CaseError } from '../http/case-error.js';
import type { CaseRun } from './case-run.js';
import { setPresenceQuery } from '../dialect/dialects.js';

export interface PollOptions {
  /** Where in the suite the poll comes from (for errors). */
  at: string;
  /** Which step polls, for the transcript: "sync_until", "watch". */
  step: string;
  setPresence: 'offline' | 'online' | 'unavailable';
  filter?: Record<string, unknown>;
  /** The `timeout` of the /sync. */
  timeoutMs: number;
}

/**
 * One poll of the watcher's event stream; returns the presence events it delivered, or none for the
 * watcher's first (initial) one.
 */
export async function pollOnce(run: CaseRun, actor: Actor, options: PollOptions): Promise<unknown[]> {
  // The rate limit is the user's, whichever device syncs.
  if (options.setPresence === 'offline') run.pacer.onPlainSync(actor.user_id);
  else await run.pacer.beforeWrite(actor.user_id);
  const events = await (run.dialect.stream === 'events' ? pollEvents(run, actor, options) : pollSync(run, actor, options));
  return withoutCopies(events);
}

/**
 * The events of one answer with repeated copies taken out: a batch that carries the same event twice
 * tells a client one thing, once, and a robust client reads it so (no text asks a server to send each
 * event once per batch). An equal event in a later answer is a new update, and is kept.
 */
export function withoutCopies(events: unknown[]): unknown[] {
  return events.filter((event, i) => !events.slice(0, i).some((earlier) => isDeepStrictEqual(earlier, event)));
}

function answer(response: HttpResponse, what: string, options: PollOptions): Record<string, unknown> {
  if (response.status !== 200) {
    throw new CaseError(`${options.at}: ${what} answered HTTP ${response.status}: ${response.text.slice(0, 160)}`);
  }
  if (response.json === undefined || response.json === null || typeof response.json !== 'object') {
    throw new CaseError(`${options.at}: ${what}: ${response.jsonError ?? 'the body is not a JSON object'}`);
  }
  return response.json as Record<string, unknown>;
}

async function pollSync(run: CaseRun, actor: Actor, options: PollOptions): Promise<unknown[]> {
  const since = run.since.get(actor.name);
  const timeout = Math.max(0, Math.floor(options.timeoutMs));
  const response = await run.client.call(`${options.step} as ${actor.name}`, 'GET', `${run.dialect.api}/sync`, {
    token: actor.access_token,
    query: {
      timeout,
      ...setPresenceQuery(run.dialect, options.setPresence),
      ...(since ? { since } : {}),
      ...(options.filter ? { filter: JSON.stringify(run.renderValue(options.filter)) } : {}),
    },
    timeoutMs: run.variables.request_timeout! + timeout,
  });
  const body = answer(response, `/sync as ${actor.name}`, options) as { next_batch?: unknown; presence?: { events?: unknown } };
  if (typeof body.next_batch !== 'string') throw new CaseError(`${options.at}: /sync as ${actor.name}: the response has no next_batch`);
  run.since.set(actor.name, body.next_batch);
  const events = body.presence?.events;
  if (since === undefined) return [];
  return Array.isArray(events) ? events : [];
}

/**
 * The early API's stream: /initialSync gives the first `end` token ("This API also returns an end
 * token which can be used with the event stream"), then /events?from=&timeout= long-polls, each answer's
 * `end` being the next `from`. Presence events arrive in its `chunk` among room events. The early API
 * has neither set_presence (being connected to the stream is being online) nor filters.
 */
async function pollEvents(run: CaseRun, actor: Actor, options: PollOptions): Promise<unknown[]> {
  if (options.filter) throw new CaseError(`${options.at}: filters do not exist in the early API (the target's spec_version is early)`);
  const from = run.since.get(actor.name);
  if (from === undefined) {
    const response = await run.client.call(`${options.step} as ${actor.name}`, 'GET', `${run.dialect.api}/initialSync`, {
      token: actor.access_token,
      query: { limit: 0 },
    });
    const body = answer(response, `/initialSync as ${actor.name}`, options);
    if (typeof body.end !== 'string') throw new CaseError(`${options.at}: /initialSync as ${actor.name}: the response has no end token`);
    run.since.set(actor.name, body.end);
    return [];
  }
  const timeout = Math.max(0, Math.floor(options.timeoutMs));
  const response = await run.client.call(`${options.step} as ${actor.name}`, 'GET', `${run.dialect.api}/events`, {
    token: actor.access_token,
    query: { from, timeout },
    timeoutMs: run.variables.request_timeout! + timeout,
  });
  const body = answer(response, `/events as ${actor.name}`, options);
  if (typeof body.end !== 'string') throw new CaseError(`${options.at}: /events as ${actor.name}: the response has no end token`);
  run.since.set(actor.name, body.end);
  const chunk = Array.isArray(body.chunk) ? body.chunk : [];
  return chunk.filter((e) => (e as { type?: unknown } | null)?.type === 'm.presence');
}

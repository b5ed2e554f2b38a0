// One /sync of a watcher, shared by the watch and sync_until steps: keeps the watcher's since token for
// the whole case, and knows that a watcher's first /sync is an initial sync. The texts do not say that
// an initial sync carries the presence that already exists (GET /sync's presence section holds "the
// updates to the presence status of other users"), so what an initial sync carries is never looked
// at: a case takes its watcher's token (a watch step, or a sync_until with a trigger) before the change
// it waits for.
import type { SpecVersion } from '../load/load-target.js';
import type { Actor } from '../provision/provision.js';
import { CaseError } from './case-error.js';
import type { CaseRun } from './case-run.js';

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

export function syncPath(specVersion: SpecVersion): string {
  return specVersion === 'v1.19' ? '/_matrix/client/v3/sync' : '/_matrix/client/r0/sync';
}

/**
 * One /sync as the watcher; returns the presence events it delivered, or none for the watcher's first
 * (initial) sync.
 */
export async function pollOnce(run: CaseRun, actor: Actor, options: PollOptions): Promise<unknown[]> {
  const since = run.since.get(actor.name);
  if (options.setPresence === 'offline') run.pacer.onPlainSync(actor.name);
  else await run.pacer.beforeWrite(actor.name);
  const timeout = Math.max(0, Math.floor(options.timeoutMs));
  const response = await run.client.call(`${options.step} as ${actor.name}`, 'GET', syncPath(run.env.profile.spec_version), {
    token: actor.access_token,
    query: {
      timeout,
      set_presence: options.setPresence,
      ...(since ? { since } : {}),
      ...(options.filter ? { filter: JSON.stringify(run.renderValue(options.filter)) } : {}),
    },
    timeoutMs: run.variables.request_timeout! + timeout,
  });
  if (response.status !== 200) {
    throw new CaseError(`${options.at}: /sync as ${actor.name} answered HTTP ${response.status}: ${response.text.slice(0, 160)}`);
  }
  if (response.json === undefined) throw new CaseError(`${options.at}: /sync as ${actor.name}: ${response.jsonError}`);
  const body = response.json as { next_batch?: unknown; presence?: { events?: unknown } };
  if (typeof body.next_batch !== 'string') throw new CaseError(`${options.at}: /sync as ${actor.name}: the response has no next_batch`);
  run.since.set(actor.name, body.next_batch);
  const events = body.presence?.events;
  if (since === undefined) return [];
  return Array.isArray(events) ? events : [];
}

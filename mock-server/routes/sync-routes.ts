// GET /sync: long-polling with `timeout`, `since`, `filter` (the presence section honoured) and
// `set_presence`, which drives sync-based online tracking.
import { me, type Context } from '../context.js';
import { ERRORS, MatrixError } from '../errors.js';
import { checkFilterOn } from '../filter-validation.js';
import type { PresenceValue } from '../presence-state.js';
import type { Route } from '../router.js';
import { sendJsonText } from '../http-io.js';
import { buildSyncJson, type EventFilter } from '../sync.js';

export function parseSince(raw: string | null): number {
  if (raw === null) return 0;
  const m = /^s(\d+)$/.exec(raw);
  if (!m) throw new MatrixError(ERRORS.INVALID_PARAM, 'Malformed since token.');
  return Number(m[1]);
}

/** The sync-timeout-floor fault's floor: tuwunel's client_sync_timeout_min default (5 s). */
export const SYNC_TIMEOUT_FLOOR_MS = 5000;

export function parseTimeout(raw: string | null, max: number): number {
  if (raw === null) return 0;
  if (!/^\d+$/.test(raw)) throw new MatrixError(ERRORS.INVALID_PARAM, 'timeout must be a non-negative integer.');
  return Math.min(Number(raw), max);
}

function presenceFilter(ctx: Context): EventFilter | undefined {
  const raw = ctx.query.get('filter');
  if (raw === null) return undefined;
  let filter: unknown;
  // Spec: `filter` is either a filter id or a JSON-encoded filter (starting with "{").
  if (raw.trimStart().startsWith('{')) {
    try {
      filter = JSON.parse(raw);
    } catch {
      throw new MatrixError(ERRORS.INVALID_PARAM, 'filter is not valid JSON.');
    }
    // The same schema check as an uploaded filter (Synapse: check_valid_filter on both paths).
    checkFilterOn(ctx.hs.faults, filter);
  } else {
    // Stored filters were checked when they were uploaded (POST /user/{userId}/filter).
    filter = me(ctx).filters.get(raw);
    if (filter === undefined) throw new MatrixError(ERRORS.INVALID_PARAM, `Unknown filter id ${JSON.stringify(raw)}.`);
  }
  return (filter as { presence?: EventFilter }).presence;
}

/** What the sync does with a set_presence outside the enum (until r0.4.0 the spec's enum is ["offline"]:
 * online and unavailable are outside it too, and the mock of such a release refuses them by the spec's
 * enum, although Synapse of that era took online as well): Synapse refuses an unknown value (400); the
 * variants answer 200 and ignore it or take it as omitted; conduwuit stores it (a fault). */
function invalidSetPresence(ctx: Context, value: string): string | undefined {
  const { hs } = ctx;
  if (hs.faults.has('bad-set-presence-500')) throw new MatrixError(ERRORS.UNKNOWN);
  if (hs.variants.has('invalid-set-presence-ignored')) return undefined;
  if (hs.faults.has('invalid-set-presence-stored')) return value;
  if (hs.faults.has('bad-set-presence-accepted') || hs.variants.has('invalid-set-presence-as-default')) return 'online';
  throw new MatrixError(ERRORS.INVALID_PARAM, `set_presence must be one of ${[...hs.api.setPresenceValues].join(', ')}.`);
}

/** Which presence this sync sets, if any: set_presence=offline means "do not affect presence"
 * (Synapse rest/client/sync.py: affect_presence = set_presence != offline), or "set offline" with the
 * sync-offline-sets-offline variant (Dendrite, conduwuit). */
function presenceToSet(ctx: Context): PresenceValue | undefined {
  const { hs } = ctx;
  const given = ctx.query.get('set_presence');
  // Omitted, the sync marks the user online in every release ("If this parameter is omitted then the
  // client is automatically marked as online").
  const omitted = given === null;
  const asked = given ?? 'online';
  let value = hs.api.setPresenceValues.has(asked) || (asked === 'online' && omitted) ? asked : invalidSetPresence(ctx, asked);
  if (value === undefined) return undefined;
  if (hs.faults.has('set-presence-ignored')) value = 'online';
  if (value === 'offline' && !hs.variants.has('sync-offline-sets-offline')) return undefined;
  if (value === 'online' && hs.faults.has('sync-not-online')) return undefined;
  return streamSetsPresence(ctx, value as PresenceValue);
}

/** Whether a poll of the event stream (/sync, or the early /events) that would set `value` sets it:
 * not with presence off, not from a device the first-device-only fault ignores, and not over the rate
 * limit (Synapse rc_presence applies to /sync too: an over-limit change is ignored, never refused). */
export function streamSetsPresence(ctx: Context, value: PresenceValue): PresenceValue | undefined {
  const { hs } = ctx;
  const userId = me(ctx).userId;
  if (!hs.config.presence.enabled || hs.ignoresDevice(userId, ctx.session?.deviceId)) return undefined;
  if (hs.rateLimiter && hs.presence.get(userId).presence !== value && !hs.rateLimiter.take(userId).allowed) return undefined;
  return value;
}

/** Answers itself (the body is assembled as JSON text, see buildSyncJson). A long-poll is answered by
 * the notifier, in the loop that delivers the change that wakes it; its promise settles afterwards. */
function sync(ctx: Context): Promise<void> | undefined {
  const { hs } = ctx;
  const userId = me(ctx).userId;
  const since = parseSince(ctx.query.get('since'));
  let timeout = parseTimeout(ctx.query.get('timeout'), hs.config.limits.max_sync_timeout);
  // tuwunel (sync/v3.rs): timeout.max(client_sync_timeout_min).min(client_sync_timeout_max).
  if (hs.faults.has('sync-timeout-floor'))
    timeout = Math.min(Math.max(timeout, SYNC_TIMEOUT_FLOOR_MS), Math.max(hs.config.limits.max_sync_timeout, SYNC_TIMEOUT_FLOOR_MS));
  const fullState = ctx.query.get('full_state') === 'true';
  const filter = presenceFilter(ctx);
  const setPresence = presenceToSet(ctx);
  hs.noteSync(userId);
  if (setPresence) hs.presence.syncStarted(userId, setPresence);
  const respond = (): void => sendJsonText(ctx.res, 200, buildSyncJson(hs, { userId, since, fullState, presenceFilter: filter }), hs.jsonStyle);
  const ended = (): void => {
    if (setPresence) hs.presence.syncEnded(userId);
  };
  if (since !== 0 && !fullState && timeout > 0 && hs.notifier.lastChangeFor(userId) <= since) {
    return hs.notifier
      .park(userId, timeout, (fn) => ctx.onClose(fn), respond)
      .then(
        () => ended(),
        (err: unknown) => {
          ended();
          throw err;
        },
      );
  }
  try {
    respond();
  } finally {
    ended();
  }
  return undefined;
}

/** /sync came with r0: the early API streamed through /initialSync and /events (early-routes.ts). */
export const SYNC_PREFIXES = ['v3', 'r0', 'v1', 'unstable'];

export const syncRoutes: Route[] = [{ method: 'GET', path: '/sync', versions: SYNC_PREFIXES, handler: sync }];

// Is presence switched on at all? A user sets their own presence online and reads it back. Servers with
// presence off answer in their own ways (research notes on Synapse, Dendrite and conduwuit):
// - Synapse (presence.enabled: false): PUT 200 and ignored, GET 200 {"presence": "offline"} for everyone;
// - Dendrite (presence off by default): PUT 200 and ignored, GET 200 with presence "";
// - conduwuit (allow_local_presence false): PUT and GET 403 M_FORBIDDEN "Presence is disabled on this server".
// Dendrite applies a PUT asynchronously (milliseconds), so the read is repeated for a short while before
// "offline" counts as presence being off.
import type { HttpResponse } from '../http/http-client.js';
import type { Dialect } from '../dialect/dialects.js';
import { answered, type ProbeSession } from './probe-session.js';

export interface ProbeUser {
  user_id: string;
  access_token: string;
}

export type PresenceSwitch =
  /**
   * Presence works: the GET body right after PUT online; how long after the PUT's answer it showed; and
   * how far its last_active_ago exceeds the time since the PUT (what the server's precision adds).
   */
  | { verdict: 'on'; get: Record<string, unknown>; visibleAfterMs: number; lastActiveExcessMs?: number }
  /** Presence is off: PUT is accepted but changes nothing, or is refused as disabled. */
  | { verdict: 'off'; seen: string }
  /** The server refused the user's token on its own presence. */
  | { verdict: 'token-refused'; seen: string }
  /** The presence endpoints are not served. */
  | { verdict: 'not-served'; seen: string }
  /** Nothing conclusive (a hang, a 500, a 404 on GET for a user in no room...). */
  | { verdict: 'unknown'; seen: string };

/** How long a GET may keep answering the old state after a 200 PUT before that counts. */
const SETTLE_MS = 2_000;
const REREAD_EVERY_MS = 200;

export function presencePath(userId: string, prefix = '/_matrix/client/v3'): string {
  return `${prefix}/presence/${encodeURIComponent(userId)}/status`;
}

function errorText(r: HttpResponse): string {
  const body = r.json as { error?: unknown } | undefined;
  return typeof body?.error === 'string' ? body.error : '';
}

/** In the target's dialect (first contact) or the current API (profile init): its prefix and token. */
export async function checkPresenceSwitch(session: ProbeSession, user: ProbeUser, dialect: Dialect = session.dialect): Promise<PresenceSwitch> {
  const path = presencePath(user.user_id, dialect.api);
  const auth = { token: user.access_token, tokenInQuery: dialect.tokenInQuery };
  const putSent = Date.now();
  const put = await session.call('presence switch', 'PUT', path, {
    ...auth,
    json: { presence: 'online', status_msg: 'matrix-presence-conformance probe' },
    retry429: true,
  });
  if (!put.response) return { verdict: 'unknown', seen: `PUT of ${user.user_id}'s own presence ${answered(put)}` };
  const putSeen = `PUT of ${user.user_id}'s own presence ${answered(put)}`;
  switch (put.response.status) {
    case 200:
      break;
    case 401:
      return { verdict: 'token-refused', seen: putSeen };
    case 403:
      // Only a server with presence off refuses a user's own presence; conduwuit says so in the error.
      return { verdict: 'off', seen: putSeen };
    case 404:
    case 405:
      return { verdict: 'not-served', seen: putSeen };
    default:
      return { verdict: 'unknown', seen: putSeen };
  }
  const answeredAt = Date.now();
  const until = Math.min(answeredAt + SETTLE_MS, session.deadline);
  for (;;) {
    const readStarted = Date.now();
    const get = await session.call('presence switch', 'GET', path, auth);
    if (!get.response) return { verdict: 'unknown', seen: `GET of ${user.user_id}'s own presence ${answered(get)}` };
    const body = get.response.json as Record<string, unknown> | undefined;
    const presence = body && typeof body === 'object' ? body.presence : undefined;
    if (get.response.status === 200 && presence === 'online') {
      return {
        verdict: 'on',
        get: body!,
        visibleAfterMs: Date.now() - answeredAt,
        ...lastActiveExcess(body!.last_active_ago, (readStarted + Date.now()) / 2 - putSent),
      };
    }
    const after = `right after PUT online, GET of ${user.user_id}'s own presence answered ${get.response.status} ${get.response.text.trim().slice(0, 120)}`;
    if (get.response.status !== 200) {
      const refusedAsOff = get.response.status === 403 && /disabled/i.test(errorText(get.response));
      return { verdict: refusedAsOff ? 'off' : 'unknown', seen: after };
    }
    if (Date.now() + REREAD_EVERY_MS > until) {
      // "offline" for someone who just said online, or Dendrite's "": the PUT was ignored.
      return presence === 'offline' || presence === '' ? { verdict: 'off', seen: after } : { verdict: 'unknown', seen: after };
    }
    await new Promise((r) => setTimeout(r, REREAD_EVERY_MS));
  }
}

/**
 * How far a last_active_ago read right after an activity exceeds the time since the activity's request
 * was sent, counted to the middle of the read: near 0 on a server that keeps milliseconds (half the
 * read's duration either way), up to a second on one that keeps whole seconds. The profile's
 * last_active_precision is chosen from these.
 */
export function lastActiveExcess(lastActiveAgo: unknown, sinceActivityMs: number): { lastActiveExcessMs?: number } {
  return typeof lastActiveAgo === 'number' ? { lastActiveExcessMs: Math.max(0, Math.round(lastActiveAgo - sinceActivityMs)) } : {};
}

/** What to do when presence is off: the switch of each common server. */
export const SWITCH_PRESENCE_ON =
  'switch presence on (Synapse: presence.enabled: true; Dendrite: global.presence.enable_inbound and enable_outbound; conduwuit: allow_local_presence = true)';

// One probe per optional behaviour a profile can claim (the capabilities of schemas/target.schema.json).
// Each asks the server the smallest question that shows the behaviour, and claims it only when the
// answer shows it: a failed, garbled or missing answer never turns into a claim.
import type { Capability } from '../load/load-target.js';
import type { CapabilityFinding, Finding } from './findings.js';
import { answered, describeAnswer, type ProbeAnswer, type ProbeSession } from '../contact/probe-session.js';
import { presencePath, type PresenceSwitch, type ProbeUser } from '../contact/presence-switch.js';
import { releaseHas } from '../../project/releases.js';
import { presenceUserOf } from '../dialect/dialects.js';
import type { PresenceListPath } from '../load/templates.js';

const R0 = '/_matrix/client/r0';
const EARLY = '/_matrix/client/api/v1';

function finding(session: ProbeSession, mark: number, capability: Capability, claimed: boolean, conclusion: string): CapabilityFinding {
  return { topic: capability, capability, claimed, conclusion, evidence: session.evidenceSince(mark) };
}

/** A capability that could not be asked about (no user, presence off, r0 not served...). */
export function notProbed(capability: Capability, why: string): CapabilityFinding {
  return { topic: capability, capability, claimed: false, conclusion: `not claimed: not probed (${why})`, evidence: [] };
}

function isOk(answer: ProbeAnswer): boolean {
  return answer.response?.status === 200 && answer.response.json !== undefined;
}

function presenceOf(answer: ProbeAnswer): unknown {
  return (answer.response?.json as { presence?: unknown } | undefined)?.presence;
}

/** currently_active: seen true in the GET right after PUT online. */
export function currentlyActiveFinding(presence: Extract<PresenceSwitch, { verdict: 'on' }>, evidence: string[]): CapabilityFinding {
  const seen = presence.get.currently_active === true;
  const conclusion = seen
    ? 'claimed: GET right after PUT online says currently_active true'
    : `not claimed: GET right after PUT online has currently_active ${JSON.stringify(presence.get.currently_active ?? null)}`;
  return { topic: 'currently_active', capability: 'currently_active', claimed: seen, evidence, conclusion };
}

/**
 * currently_active_flip: the end of the active period announced to a co-member's /sync by
 * currently_active false while the user stays online, the channel the cases read. The text lets a
 * server end the period by a state other than online instead (Dendrite, tuwunel), so it is claimed
 * only when the timer measurement saw the flip there (timer-measurement.ts).
 */
export function currentlyActiveFlipFinding(presence: Extract<PresenceSwitch, { verdict: 'on' }>, flipSeen: boolean): CapabilityFinding {
  const flag = presence.get.currently_active === true;
  const conclusion = !flag
    ? 'not claimed: currently_active was not seen true'
    : flipSeen
      ? "claimed: a co-member's /sync received currently_active false while the user stayed online, after last_active_granularity (timers)"
      : "not claimed: no m.presence with currently_active false reached a co-member's /sync while the user stayed online (timers): the server may end the active period by a change of state instead, which the text allows";
  return { topic: 'currently_active_flip', capability: 'currently_active_flip', claimed: flag && flipSeen, evidence: [], conclusion };
}

/** query_string_token: the token as ?access_token= instead of the Authorization header. */
export async function probeQueryToken(session: ProbeSession, a: ProbeUser): Promise<CapabilityFinding> {
  const mark = session.mark;
  const answer = await session.call('query_string_token', 'GET', presencePath(a.user_id, session.dialect.api), { token: a.access_token, tokenInQuery: true });
  return isOk(answer)
    ? finding(session, mark, 'query_string_token', true, 'claimed: GET with ?access_token= and no Authorization header answers 200')
    : finding(session, mark, 'query_string_token', false, `not claimed: GET with ?access_token= ${answered(answer)}`);
}

/** r0_paths: the presence endpoints under /_matrix/client/r0. */
export async function probeR0Paths(session: ProbeSession, a: ProbeUser): Promise<CapabilityFinding> {
  const mark = session.mark;
  const answer = await session.call('r0_paths', 'GET', presencePath(a.user_id, R0), { token: a.access_token });
  return isOk(answer) && typeof presenceOf(answer) === 'string'
    ? finding(session, mark, 'r0_paths', true, 'claimed: GET /_matrix/client/r0/presence/.../status answers 200 with a presence')
    : finding(session, mark, 'r0_paths', false, `not claimed: the r0 prefix ${answered(answer)}`);
}

/** The early prefix (/_matrix/client/api/v1): no capability of its own, shown for the spec_version choice. */
export async function probeEarlyPrefix(session: ProbeSession, a: ProbeUser): Promise<Finding> {
  const mark = session.mark;
  const answer = await session.call('early prefix', 'GET', presencePath(a.user_id, EARLY), { token: a.access_token, tokenInQuery: true });
  const served = isOk(answer) && typeof presenceOf(answer) === 'string';
  return {
    topic: 'early prefix',
    conclusion: served
      ? 'the early prefix /_matrix/client/api/v1 answers presence requests'
      : `the early prefix /_matrix/client/api/v1 is not served for presence (${describeAnswer(answer)})`,
    evidence: session.evidenceSince(mark),
  };
}

/**
 * presence_list: the presence list of the early API and of the r0 releases before r0.5.0; inviting a
 * user must put them on it. Where it is served is asked too: per user ({api}/presence/list/{userId}, as
 * the era's API reference and Synapse had it), else the caller's own ({api}/presence/list, as the early
 * prose writes it). A server of a later release is asked at the early prefix.
 */
export async function probePresenceList(
  session: ProbeSession,
  a: ProbeUser,
  c: ProbeUser | undefined,
): Promise<CapabilityFinding & { path?: PresenceListPath }> {
  const mark = session.mark;
  const api = releaseHas(session.dialect.release, 'presence_list') ? session.dialect.api : EARLY;
  // The early API takes the token in the query string only ("in ALL requests ... as a query parameter").
  const auth = { token: a.access_token, tokenInQuery: api === EARLY || session.dialect.tokenInQuery };
  const paths = { per_user: `${api}/presence/list/${encodeURIComponent(a.user_id)}`, own: `${api}/presence/list` } as const;
  let served: PresenceListPath | undefined;
  let list: ProbeAnswer | undefined;
  for (const where of ['per_user', 'own'] as const) {
    list = await session.call('presence_list', 'GET', paths[where], auth);
    if (isOk(list) && Array.isArray(list.response!.json)) {
      served = where;
      break;
    }
  }
  if (!served)
    return finding(session, mark, 'presence_list', false, `not claimed: GET ${api}/presence/list/... and GET ${api}/presence/list ${answered(list!)}`);
  const at = `${served === 'per_user' ? `${api}/presence/list/{userId}` : `${api}/presence/list`} (presence_list_path ${served})`;
  if (!c)
    return {
      ...finding(
        session,
        mark,
        'presence_list',
        false,
        `not claimed: the list is served at ${at}, but without a second user the probe could not see an invite work`,
      ),
      path: served,
    };
  const invite = await session.call('presence_list', 'POST', paths[served], { ...auth, json: { invite: [c.user_id] } });
  const after = await session.call('presence_list', 'GET', paths[served], auth);
  // An entry is a flat object, or (the r0 API reference) an m.presence event naming the user in its content.
  const listed =
    Array.isArray(after.response?.json) && (after.response!.json as { user_id?: unknown }[]).some((e) => (e?.user_id ?? presenceUserOf(e)) === c.user_id);
  const found = listed
    ? finding(session, mark, 'presence_list', true, `claimed: the presence list is served at ${at} and an invited user appears on it`)
    : finding(
        session,
        mark,
        'presence_list',
        false,
        `not claimed: the list is served at ${at}, but after POST {invite} (${describeAnswer(invite)}) it does not hold the invited user`,
      );
  return { ...found, path: served };
}

/**
 * free_for_chat: the r0 state is accepted and read back. A server that also accepts a made-up state
 * accepts any string (conduwuit stores custom states), which is not the r0 enum.
 */
export async function probeFreeForChat(session: ProbeSession, c: ProbeUser): Promise<CapabilityFinding> {
  const mark = session.mark;
  // A v1 server is asked at the r0 prefix, where the cases of the r0 text reach it; others at their own.
  const path = presencePath(c.user_id, session.dialect.version === 'v1.19' ? R0 : session.dialect.api);
  const put = await session.call('free_for_chat', 'PUT', path, { token: c.access_token, json: { presence: 'free_for_chat' }, retry429: true });
  if (put.response?.status !== 200) return finding(session, mark, 'free_for_chat', false, `not claimed: PUT presence free_for_chat ${answered(put)}`);
  const get = await session.call('free_for_chat', 'GET', path, { token: c.access_token });
  if (presenceOf(get) !== 'free_for_chat') {
    return finding(
      session,
      mark,
      'free_for_chat',
      false,
      `not claimed: PUT free_for_chat answered 200 but GET says presence ${JSON.stringify(presenceOf(get) ?? null)}`,
    );
  }
  const bogus = await session.call('free_for_chat', 'PUT', path, { token: c.access_token, json: { presence: 'mpc-no-such-state' }, retry429: true });
  return bogus.response?.status === 200
    ? finding(
        session,
        mark,
        'free_for_chat',
        false,
        'not claimed: free_for_chat is stored, but so is a made-up state: the server takes any string, not the r0 states',
      )
    : finding(
        session,
        mark,
        'free_for_chat',
        true,
        `claimed: PUT free_for_chat is stored and read back, a made-up state is refused (${describeAnswer(bogus)})`,
      );
}

interface SyncView {
  answer: ProbeAnswer;
  senders: string[];
  contents: Record<string, unknown>[];
  nextBatch?: string;
}

async function sync(session: ProbeSession, label: string, user: ProbeUser, query: Record<string, string | number>): Promise<SyncView> {
  const timeout = Number(query.timeout ?? 0);
  const answer = await session.call(label, 'GET', `${session.dialect.api}/sync`, {
    token: user.access_token,
    query: { set_presence: 'offline', ...query },
    timeoutMs: session.requestTimeoutMs + timeout,
  });
  const body = answer.response?.status === 200 ? (answer.response.json as { next_batch?: unknown; presence?: { events?: unknown } } | undefined) : undefined;
  const events = Array.isArray(body?.presence?.events) ? (body!.presence!.events as { sender?: unknown; content?: unknown }[]) : [];
  return {
    answer,
    senders: events.map((e) => String(presenceUserOf(e))),
    contents: events.map((e) => (e?.content && typeof e.content === 'object' ? (e.content as Record<string, unknown>) : {})),
    nextBatch: typeof body?.next_batch === 'string' ? body.next_batch : undefined,
  };
}

/**
 * presence_filter: a user who just set presence sees their own presence in an initial /sync; a filter
 * with presence.not_types [m.presence], and one with presence.senders naming someone else, must each
 * leave it out (the suites' filter cases use both).
 */
export async function probePresenceFilter(session: ProbeSession, a: ProbeUser): Promise<CapabilityFinding> {
  const mark = session.mark;
  const plain = await sync(session, 'presence_filter', a, { timeout: 0 });
  if (!plain.senders.includes(a.user_id)) {
    return finding(
      session,
      mark,
      'presence_filter',
      false,
      `not claimed: cannot tell, the user's own presence is not in their initial /sync (${describeAnswer(plain.answer)})`,
    );
  }
  const notTypes = await sync(session, 'presence_filter', a, { timeout: 0, filter: JSON.stringify({ presence: { not_types: ['m.presence'] } }) });
  const senders = await sync(session, 'presence_filter', a, { timeout: 0, filter: JSON.stringify({ presence: { senders: ['@mpc-nobody:invalid'] } }) });
  const honoured = (v: SyncView) => v.answer.response?.status === 200 && !v.senders.includes(a.user_id);
  if (honoured(notTypes) && honoured(senders)) {
    return finding(
      session,
      mark,
      'presence_filter',
      true,
      'claimed: own presence is in the initial /sync, and filters presence.not_types [m.presence] and presence.senders [someone else] each leave it out',
    );
  }
  const ignored = [honoured(notTypes) ? undefined : 'not_types', honoured(senders) ? undefined : 'senders'].filter(Boolean).join(' and ');
  return finding(session, mark, 'presence_filter', false, `not claimed: the filter's presence.${ignored} did not leave the user's own presence out`);
}

/**
 * profile_propagation: a co-member watching /sync gets an m.presence carrying the new displayname
 * after a displayname change (r0 spec SHOULD). `a` and `c` share a room.
 */
export async function probeProfilePropagation(session: ProbeSession, a: ProbeUser, c: ProbeUser): Promise<CapabilityFinding> {
  const mark = session.mark;
  const start = await sync(session, 'profile_propagation', c, { timeout: 0 });
  if (!start.nextBatch) return finding(session, mark, 'profile_propagation', false, `not claimed: the watcher's /sync ${answered(start.answer)}`);
  const name = `mpc probe ${Date.now().toString(36)}`;
  const set = await session.call('profile_propagation', 'PUT', `${session.dialect.api}/profile/${encodeURIComponent(a.user_id)}/displayname`, {
    token: a.access_token,
    json: { displayname: name },
  });
  if (set.response?.status !== 200) return finding(session, mark, 'profile_propagation', false, `not claimed: PUT displayname ${answered(set)}`);
  let since = start.nextBatch;
  const until = Math.min(Date.now() + 4_000, session.deadline);
  const seen: Record<string, unknown>[] = [];
  while (Date.now() < until) {
    const next = await sync(session, 'profile_propagation', c, { since, timeout: 1_000 });
    if (!next.nextBatch) break;
    since = next.nextBatch;
    next.senders.forEach((s, i) => s === a.user_id && seen.push(next.contents[i]!));
    if (seen.some((content) => content.displayname === name)) {
      return finding(
        session,
        mark,
        'profile_propagation',
        true,
        "claimed: after a displayname change, a room co-member's /sync carries an m.presence with the new displayname",
      );
    }
  }
  const what =
    seen.length === 0 ? 'no m.presence from the user arrived' : `the m.presence that arrived carries no new displayname (${JSON.stringify(seen.at(-1))})`;
  return finding(session, mark, 'profile_propagation', false, `not claimed: after a displayname change ${what} within 4 s`);
}

/**
 * message_activity: sending a message is activity (a MAY in v1.x and r0: "a pro-active event may be
 * sending a message"): an unavailable user who sends one is online again.
 */
export async function probeMessageActivity(session: ProbeSession, a: ProbeUser, roomId: string): Promise<CapabilityFinding> {
  const mark = session.mark;
  const lower = await session.call('message_activity', 'PUT', presencePath(a.user_id, session.dialect.api), {
    token: a.access_token,
    json: { presence: 'unavailable' },
    retry429: true,
  });
  if (lower.response?.status !== 200) return finding(session, mark, 'message_activity', false, `not claimed: PUT unavailable ${answered(lower)}`);
  const sent = await session.call(
    'message_activity',
    'PUT',
    `${session.dialect.api}/rooms/${encodeURIComponent(roomId)}/send/m.room.message/mpc-probe-${Date.now().toString(36)}`,
    { token: a.access_token, json: { msgtype: 'm.text', body: 'presence probe' } },
  );
  if (sent.response?.status !== 200) return finding(session, mark, 'message_activity', false, `not claimed: sending a message ${answered(sent)}`);
  // A server may apply the activity in the background: read again for a short while.
  const until = Math.min(Date.now() + 2_000, session.deadline);
  let get: ProbeAnswer;
  do {
    get = await session.call('message_activity', 'GET', presencePath(a.user_id, session.dialect.api), { token: a.access_token });
    if (presenceOf(get) === 'online') {
      return finding(session, mark, 'message_activity', true, 'claimed: an unavailable user who sent a message is online again');
    }
    await new Promise((r) => setTimeout(r, 200));
  } while (Date.now() < until);
  return finding(session, mark, 'message_activity', false, `not claimed: after sending a message the user is still ${JSON.stringify(presenceOf(get) ?? null)}`);
}

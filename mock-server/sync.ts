// Building /sync responses: the top-level presence section (with the filter's presence part applied)
// and enough of rooms, account data and to-device for a real client to reach a synced state.
import type { Homeserver } from './homeserver.js';
import { formatPresence, type PresenceRecord } from './presence-state.js';
import type { Room, RoomEvent } from './rooms.js';
import { EXTRA_FIELD } from './variants.js';

/** The presence part of a filter (spec: EventFilter). */
export interface EventFilter {
  types?: string[];
  not_types?: string[];
  senders?: string[];
  not_senders?: string[];
  limit?: number;
}

function glob(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(value);
}

/** Spec "Filtering": not_types/not_senders win over types/senders; absent lists allow all. */
export function allowedByFilter(filter: EventFilter | undefined, type: string, sender: string): boolean {
  if (!filter) return true;
  if (filter.not_types?.some((p) => glob(p, type))) return false;
  if (filter.types && !filter.types.some((p) => glob(p, type))) return false;
  if (filter.not_senders?.includes(sender)) return false;
  if (filter.senders && !filter.senders.includes(sender)) return false;
  return true;
}

const INITIAL_TIMELINE = 20;

function clientEvent(e: RoomEvent): Record<string, unknown> {
  const out: Record<string, unknown> = {
    event_id: e.event_id,
    type: e.type,
    sender: e.sender,
    origin_server_ts: e.origin_server_ts,
    content: e.content,
    unsigned: {},
  };
  if (e.state_key !== undefined) out.state_key = e.state_key;
  return out;
}

export interface SyncRequest {
  userId: string;
  since: number;
  fullState: boolean;
  presenceFilter: EventFilter | undefined;
}

export function presenceEvent(hs: Homeserver, userId: string, now: number): Record<string, unknown> {
  // profile-event-without-presence: a profile change's event with the profile keys and a fixed online.
  const content: Record<string, unknown> = hs.bareProfileEvent(userId) ? { presence: 'online' } : formatPresence(hs.presenceShown(userId), now, hs);
  if (content.presence === 'free_for_chat' && hs.faults.has('free-for-chat-delivered-as-online')) content.presence = 'online';
  if (hs.config.presence.profile_propagation && !hs.faults.has('no-profile-propagation')) {
    const user = hs.accounts.users.get(userId);
    if (user?.displayname !== undefined) content.displayname = user.displayname;
    if (user?.avatar_url !== undefined) content.avatar_url = user.avatar_url;
    // profile-event-stale-presence: an event that propagates a profile says offline, whatever the state.
    if (hs.faults.has('profile-event-stale-presence') && (content.displayname !== undefined || content.avatar_url !== undefined)) content.presence = 'offline';
  }
  // The event schema requires only presence and types last_active_ago as a number (m.presence.yaml).
  if (hs.variants.has('no-last-active-in-events')) delete content.last_active_ago;
  if (hs.variants.has('fractional-last-active') && typeof content.last_active_ago === 'number') content.last_active_ago += 0.5;
  // m.presence until r0.4.0: "required": ["event_id", "type", "content"], the user in content.user_id
  // (required) and no sender; from r0.4.0: "required": ["sender", "type", "content"].
  if (hs.api.presenceEventIdAndUserId && !hs.faults.has('early-presence-without-user-id')) content.user_id = userId;
  const event: Record<string, unknown> = {};
  if (hs.api.presenceEventIdAndUserId) event.event_id = hs.newPresenceEventId();
  event.type = 'm.presence';
  if (hs.api.presenceSender && !hs.faults.has('event-missing-sender')) event.sender = userId;
  event.content = content;
  if (hs.variants.has('extra-fields')) {
    Object.assign(content, EXTRA_FIELD);
    Object.assign(event, EXTRA_FIELD);
  }
  return event;
}

/** The presence part of the filter as the server applies it: Synapse all of it; Dendrite only `limit`
 * (presence-filter-only-limit), with a default when there is none (default-presence-limit); tuwunel
 * only `senders` and `not_senders` (presence-filter-only-senders). */
function effectivePresenceFilter(hs: Homeserver, filter: EventFilter | undefined): EventFilter | undefined {
  if (hs.faults.has('presence-filter-ignored')) return undefined;
  if (filter && hs.faults.has('presence-filter-only-senders')) {
    filter = {
      ...(filter.senders !== undefined ? { senders: filter.senders } : {}),
      ...(filter.not_senders !== undefined ? { not_senders: filter.not_senders } : {}),
    };
  }
  let effective = hs.faults.has('presence-filter-only-limit') ? (filter?.limit === undefined ? undefined : { limit: filter.limit }) : filter;
  if (effective && hs.faults.has('filter-empty-list-ignored')) {
    const nonEmpty = (list: string[] | undefined) => (list?.length ? list : undefined);
    effective = { ...effective, types: nonEmpty(effective.types), senders: nonEmpty(effective.senders) };
  }
  if (hs.variants.has('default-presence-limit') && effective?.limit === undefined) effective = { ...effective, limit: hs.variantOptions.presence_limit };
  return effective;
}

/**
 * One change reaches every watcher of the user at the same millisecond, and each would serialise the
 * same m.presence event: the JSON is kept per user and reused while the record (replaced on every
 * change), the time and the profile are the same. It was the largest per-watcher cost of a fan-out.
 */
interface SerialisedEvent {
  record: Readonly<PresenceRecord>;
  now: number;
  displayname: string | undefined;
  avatarUrl: string | undefined;
  json: string;
}

const serialised = new WeakMap<Homeserver, Map<string, SerialisedEvent>>();

function presenceEventJson(hs: Homeserver, userId: string, now: number): string {
  let cache = serialised.get(hs);
  if (!cache) serialised.set(hs, (cache = new Map()));
  const record = hs.presenceShown(userId);
  const user = hs.accounts.users.get(userId);
  const hit = cache.get(userId);
  if (hit && hit.record === record && hit.now === now && hit.displayname === user?.displayname && hit.avatarUrl === user?.avatar_url) return hit.json;
  const json = JSON.stringify(presenceEvent(hs, userId, now));
  // Only users with a record are kept (offline users without one would fill the map for nothing).
  if (hs.presence.has(userId)) cache.set(userId, { record, now, displayname: user?.displayname, avatarUrl: user?.avatar_url, json });
  return json;
}

/** The presence section's events, each already serialised. */
function presenceSection(hs: Homeserver, r: SyncRequest, now: number): string[] {
  if (!hs.config.presence.enabled) return [];
  let users: string[];
  if (r.since === 0) {
    // Initial sync: everyone visible; offline users only when configured (Synapse
    // presence.include_offline_users_on_sync, default false). The section is "updates" (sync.yaml), so
    // the no-initial-presence variant sends none.
    if (hs.variants.has('no-initial-presence')) return [];
    users = hs.visiblePresenceUsers(r.userId);
    if (!hs.config.presence.include_offline_on_initial_sync) users = users.filter((u) => hs.presenceShown(u).presence !== 'offline');
  } else {
    users = hs.takePresenceSince(r.userId, r.since);
  }
  // own-presence-in-sync-needs-room (conduwuit, tuwunel): every sender, oneself included, must share a
  // joined room with the syncing user when the answer is built.
  if (hs.variants.has('own-presence-in-sync-needs-room') && hs.rooms.joinedRooms(r.userId).size === 0) users = users.filter((u) => u !== r.userId);
  const filter = effectivePresenceFilter(hs, r.presenceFilter);
  let events = (filter ? users.filter((u) => allowedByFilter(filter, 'm.presence', u)) : users).map((u) => presenceEventJson(hs, u, now));
  // duplicate-in-batch: each event twice in a row, before the limit, which counts what the answer
  // carries ("The maximum number of events to return", event_filter.yaml:18): the copies count too.
  if (hs.variants.has('duplicate-in-batch')) events = events.flatMap((e) => [e, e]);
  if (filter?.limit !== undefined) events = events.slice(0, Math.max(0, filter.limit));
  return events;
}

function joinedRoom(hs: Homeserver, room: Room, r: SyncRequest): Record<string, unknown> | undefined {
  // Nothing in the room after `since` (the join itself is an event of the timeline): no section. The
  // common case of a woken long-poll, checked before anything is looked up or built.
  const newest = room.timeline.length === 0 ? 0 : room.timeline[room.timeline.length - 1]!.pos;
  if (r.since !== 0 && !r.fullState && newest <= r.since) return undefined;
  const joinPos = room.state.get(`m.room.member\u0000${r.userId}`)?.pos ?? 0;
  const full = r.since === 0 || r.fullState || joinPos > r.since;
  let timeline: RoomEvent[];
  let state: RoomEvent[] = [];
  let limited: boolean;
  if (full) {
    timeline = room.timeline.slice(-INITIAL_TIMELINE);
    limited = room.timeline.length > timeline.length;
    const inTimeline = new Set(timeline);
    state = [...room.state.values()].filter((e) => !inTimeline.has(e));
  } else {
    timeline = [];
    for (let i = room.timeline.length - 1; i >= 0 && room.timeline[i]!.pos > r.since; i--) timeline.push(room.timeline[i]!);
    timeline.reverse();
    if (timeline.length === 0) return undefined;
    // Events after `since` that the room no longer keeps (rooms.ts KEPT_EVENTS): the timeline has a gap.
    limited = room.droppedUpTo > r.since;
  }
  const first = timeline[0];
  return {
    timeline: { events: timeline.map(clientEvent), limited, prev_batch: `s${first ? first.pos - 1 : r.since}` },
    state: { events: state.map(clientEvent) },
    ephemeral: { events: [] },
    account_data: { events: [] },
    unread_notifications: { highlight_count: 0, notification_count: 0 },
    summary: {},
  };
}

/** The /sync response, serialised (the same JSON as JSON.stringify of the response object, with the
 * presence events spliced in from presenceEventJson). */
export function buildSyncJson(hs: Homeserver, r: SyncRequest): string {
  const now = hs.clock.now();
  const position = hs.notifier.current();
  const rooms = roomsJson(hs, r);
  const presence = presenceSection(hs, r, now);
  // One change wakes every watcher at the same position, and most of them answer the same text (its
  // presence event and no room news): the last such text is kept and handed to each of them.
  const memo = lastQuietBody.get(hs);
  if (rooms === EMPTY_ROOMS_JSON && memo && memo.position === position && sameStrings(memo.presence, presence)) return memo.text;
  // Only next_batch is required (sync.yaml): presence-omitted-when-empty leaves an empty section out.
  const presenceJson = presence.length === 0 && hs.variants.has('presence-omitted-when-empty') ? '' : `"presence":{"events":[${presence.join(',')}]},`;
  // The extra-fields variant's top-level fields come last, as sendJson would merge them.
  const extra = hs.jsonStyle.extraFields ? EXTRA_FIELD_JSON : '';
  const text = `{"next_batch":"s${position}",${presenceJson}${EMPTY_SECTIONS},"rooms":${rooms}${extra}}`;
  if (rooms === EMPTY_ROOMS_JSON) lastQuietBody.set(hs, { position, presence, text });
  return text;
}

/** The last /sync text without room news, by stream position and presence events (see buildSyncJson). */
const lastQuietBody = new WeakMap<Homeserver, { position: number; presence: string[]; text: string }>();

function sameStrings(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The rooms section: joined rooms with news, new invites, rooms left since `since`;
 * EMPTY_ROOMS_JSON when there is none of those. */
function roomsJson(hs: Homeserver, r: SyncRequest): string {
  // No room event for the user after `since`: nothing to look at (most woken long-polls).
  if (r.since !== 0 && !r.fullState && hs.notifier.lastRoomChangeFor(r.userId) <= r.since) return EMPTY_ROOMS_JSON;
  const mine = hs.rooms.roomsOf(r.userId);
  const join: Record<string, unknown> = {};
  for (const roomId of mine.joined) {
    const section = joinedRoom(hs, hs.getRoom(roomId), r);
    if (section) join[roomId] = section;
  }
  const invite: Record<string, unknown> = {};
  for (const roomId of mine.invited) {
    const room = hs.getRoom(roomId);
    const inviteEvent = room.state.get(`m.room.member\u0000${r.userId}`);
    if (!inviteEvent || (r.since !== 0 && inviteEvent.pos <= r.since)) continue;
    const stripped = ['m.room.create', 'm.room.join_rules', 'm.room.name']
      .map((t) => room.state.get(`${t}\u0000`))
      .filter((e): e is RoomEvent => e !== undefined)
      .concat(inviteEvent)
      .map((e) => ({ type: e.type, state_key: e.state_key, sender: e.sender, content: e.content }));
    invite[roomId] = { invite_state: { events: stripped } };
  }
  const leave: Record<string, unknown> = {};
  if (r.since !== 0) {
    for (const [roomId, pos] of mine.left) {
      if (pos <= r.since) continue;
      const room = hs.getRoom(roomId);
      const events = room.timeline.filter((e) => e.pos > r.since && e.pos <= pos);
      leave[roomId] = { timeline: { events: events.map(clientEvent), limited: false }, state: { events: [] } };
    }
  }
  return isEmpty(join) && isEmpty(invite) && isEmpty(leave) ? EMPTY_ROOMS_JSON : JSON.stringify({ join, invite, leave, knock: {} });
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

/** The rooms section with nothing in it (what most woken long-polls answer), serialised once. */
const EMPTY_ROOMS_JSON = JSON.stringify({ join: {}, invite: {}, leave: {}, knock: {} });

/** The extra-fields variant's fields as the tail of a JSON object (",\"name\":value..."), built once. */
const EXTRA_FIELD_JSON = `,${JSON.stringify(EXTRA_FIELD).slice(1, -1)}`;

const EMPTY_SECTIONS = JSON.stringify({
  account_data: { events: [] },
  to_device: { events: [] },
  device_lists: { changed: [], left: [] },
  device_one_time_keys_count: {},
}).slice(1, -1);

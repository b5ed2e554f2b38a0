// The catalogue of deliberate faults: named defects switched on with `--fault NAME` (or `mock.faults`
// in a target profile), so that every suite case can be shown to fail against a broken server. Each
// entry says what the defect is and which behaviour it breaks; the code that honours it checks
// `faults.has('name')` at the one place the behaviour lives.
import { SwitchSet, isNameIn, namesOf } from './switch-set.js';

export interface FaultSpec {
  /** The defect, in one line. */
  description: string;
  /** The behaviour (and spec clause, loosely) it breaks. */
  breaks: string;
}

export const FAULTS = {
  'never-idle': { description: 'Online users never become unavailable after the idle timeout.', breaks: 'idle timeout' },
  'instant-timers': {
    description: 'The idle and sync-online timers fire at a tenth of their configured value.',
    breaks: 'idle and offline only after the threshold',
  },
  'idle-clears-status': { description: 'Going idle (or offline by the sync timeout) clears status_msg.', breaks: 'status_msg kept across timeouts' },
  'no-currently-active': { description: 'currently_active is never included.', breaks: 'currently_active while online' },
  'currently-active-stuck': { description: 'currently_active stays true after the last-active granularity.', breaks: 'currently_active flips to false' },
  'currently-active-when-offline': {
    description: 'currently_active: true is reported for a user who is not online.',
    breaks: 'currently_active only when online',
  },
  'last-active-seconds': { description: 'last_active_ago is given in seconds instead of milliseconds.', breaks: 'last_active_ago in ms' },
  'last-active-frozen': {
    description: 'last_active_ago is computed when the state changed, not when the response is built.',
    breaks: 'last active time up to date',
  },
  'message-not-active': { description: 'Sending a message does not bump last active.', breaks: 'sending a message is pro-active' },
  'lowering-is-active': { description: 'Changing online -> unavailable/offline bumps last active.', breaks: 'lowering availability is not pro-active' },
  'raising-not-active': { description: 'A PUT from unavailable to online does not bump last active.', breaks: 'raising availability is pro-active' },
  'foreign-put-allowed': { description: "PUT of another user's presence is accepted and applied.", breaks: 'only your own presence can be set' },
  'no-rate-limit': { description: 'PUT presence is never rate limited.', breaks: 'rate limiting (SHOULD)' },
  'rate-limit-no-retry-after': { description: '429 without retry_after_ms and without Retry-After.', breaks: 'retry_after_ms / Retry-After on 429' },
  'retry-after-zero': { description: 'A 429 says retry_after_ms 0 and Retry-After 0: try again at once.', breaks: 'retry_after_ms is the wait' },
  'retry-after-seconds': {
    description: 'A 429 gives retry_after_ms in seconds (the Retry-After value), not milliseconds.',
    breaks: 'retry_after_ms in milliseconds',
  },
  'rate-limit-wrong-errcode': { description: '429 answers M_FORBIDDEN instead of M_LIMIT_EXCEEDED.', breaks: 'the 429 errcode' },
  'get-without-shared-room': { description: "GET of a stranger's presence is allowed.", breaks: 'presence visible only to users sharing a room' },
  'leak-to-strangers': { description: '/sync delivers presence of users who share no room.', breaks: 'presence shared only with room co-members' },
  'left-member-keeps-receiving': {
    description: 'A user who left a room keeps receiving the presence of its members: a leave does not end the subscription.',
    breaks: 'presence shared only with room co-members',
  },
  'no-sync-delivery': { description: "Other users' presence never appears in /sync.", breaks: 'presence delivered in /sync' },
  'no-own-presence-in-sync': { description: "A user's own presence never appears in their /sync.", breaks: 'own presence in /sync' },
  'set-presence-ignored': { description: '/sync always marks the user online, whatever set_presence says.', breaks: 'set_presence on /sync' },
  'bad-set-presence-accepted': { description: 'An invalid set_presence value on /sync is accepted silently.', breaks: 'set_presence enum' },
  'never-sync-offline': { description: 'A user who stopped syncing never goes offline.', breaks: 'sync online timeout' },
  'status-msg-dropped': { description: 'status_msg is never stored.', breaks: 'status_msg round trip' },
  'status-msg-sticky': { description: 'A PUT without status_msg keeps the old one.', breaks: 'status_msg replaced by each PUT' },
  'invalid-presence-accepted': { description: 'A presence value outside the enum is accepted and stored.', breaks: 'presence enum' },
  'lax-body-types': { description: 'Wrong types and non-object bodies are accepted.', breaks: 'body validation' },
  'bad-json-500': { description: 'An unparsable body answers 500 M_UNKNOWN instead of 400 M_NOT_JSON.', breaks: 'M_NOT_JSON' },
  'put-body-not-object': { description: 'PUT presence answers 200 with a JSON array instead of an object.', breaks: 'PUT 200 body is a JSON object' },
  'bad-set-presence-500': { description: 'An invalid set_presence value on /sync answers 500 M_UNKNOWN.', breaks: 'bad input is never a server error' },
  'refusal-without-errcode': { description: 'A refused GET of presence (403/404) answers a body without errcode.', breaks: 'the standard error body' },
  'unknown-user-online': { description: 'GET of a user who does not exist answers 200 online.', breaks: 'nobody is connected as a user who does not exist' },
  'new-co-member-not-subscribed': {
    description: 'Whom a user receives presence from is fixed at their first /sync: rooms joined later bring no presence.',
    breaks: 'presence shared with every room co-member',
  },
  'first-device-only': {
    description: "A user's presence follows their first device only: the syncs and activity of their other devices change nothing.",
    breaks: "presence aggregated across a user's devices",
  },
  'last-sync-wins': {
    description: 'With sync-offline-sets-offline, a /sync asking for offline sets the user offline even while another of their devices is online.',
    breaks: "presence aggregated across a user's devices",
  },
  'filter-empty-list-ignored': {
    description: 'An empty types or senders list in a presence filter is taken as absent (everything passes).',
    breaks: 'an empty list includes nothing',
  },
  'profile-member-event-one-room': {
    description: "A profile change updates the member event of one of the user's rooms only.",
    breaks: 'member events updated in every room',
  },
  'invalid-filter-500': { description: 'A presence filter with a limit below 1 answers 500 M_UNKNOWN.', breaks: 'bad input is never a server error' },
  'last-active-absolute': {
    description: 'last_active_ago is the time of the last activity (ms since the epoch), not the time since it.',
    breaks: 'last_active_ago is relative',
  },
  'early-presence-without-user-id': {
    description: 'm.presence events of the early API and of the r0 releases before r0.4.0 carry no content.user_id.',
    breaks: 'early event shape (user_id in content)',
  },
  'early-presence-without-last-active': {
    description: 'Early m.presence events carry no content.last_active_ago, even for a user who was active.',
    breaks: 'early event shape (last_active_ago in the message)',
  },
  'hidden-leaks-online': {
    description: 'The early API takes PUT presence "hidden" and shows the user online to others.',
    breaks: 'early hidden behaves as offline',
  },
  'early-initial-sync-without-presence': { description: 'The early /initialSync has an empty presence list.', breaks: 'presence in the early initial sync' },
  'no-auth-required': { description: 'Presence endpoints answer without an access token.', breaks: 'authentication required' },
  'query-token-ignored': { description: 'The access_token query parameter is not accepted.', breaks: 'access_token query parameter' },
  'bad-token-accepted': { description: 'An unknown access token is accepted (as the first registered user).', breaks: 'M_UNKNOWN_TOKEN' },
  'no-profile-propagation': { description: 'Profile changes emit no m.presence event.', breaks: 'profile propagation via m.presence (SHOULD)' },
  'profile-event-stale-presence': {
    description: "The m.presence that carries a new displayname or avatar_url says presence offline, not the user's current state.",
    breaks: 'profile propagation with the current presence (SHOULD)',
  },
  'join-presence-repeated': { description: "A newly joined member's presence is re-sent in every sync.", breaks: 'join presence delivered once' },
  'join-presence-missing': { description: "A newly joined member's presence is not delivered on join.", breaks: 'join presence delivered' },
  'duplicate-presence-events': { description: 'An unchanged presence (same state, same status) is re-sent.', breaks: 'no event when nothing changed' },
  'text-plain-json': { description: 'JSON responses carry Content-Type: text/plain.', breaks: 'application/json responses' },
  'put-echoes-body': { description: 'PUT presence answers with the request body instead of {}.', breaks: 'PUT 200 body is {}' },
  'presence-filter-ignored': { description: 'The presence section of a /sync filter is ignored.', breaks: 'presence filter' },
  'r0-paths-missing': { description: 'Only /v3 paths are served; /r0 answers 404.', breaks: 'r0 path prefix' },
  'no-free-for-chat': { description: 'free_for_chat is refused even when the legacy switch is on.', breaks: 'r0 free_for_chat state' },
  'presence-list-broken': { description: 'The early presence list ignores invite/drop and is always empty.', breaks: 'early presence list' },
  'get-status-msg-missing': { description: 'GET presence omits status_msg.', breaks: 'status_msg in GET' },
  'long-poll-not-woken': { description: 'A presence change does not wake a waiting /sync; it returns at its timeout.', breaks: 'long-poll wakes on change' },
  'user-id-not-decoded': { description: 'The {userId} path segment is not percent-decoded.', breaks: 'percent-encoded user ids in paths' },
  'event-missing-sender': { description: 'm.presence events in /sync lack `sender`.', breaks: 'm.presence event shape' },
  'fresh-user-online': { description: 'GET of a user who never set presence nor synced answers online.', breaks: 'default presence is offline' },
  'get-200-empty-object': {
    description: 'GET of a user who is offline or has no presence state answers 200 {}: neither a presence nor a refusal.',
    breaks: 'a 200 GET carries the presence',
  },
  'empty-status-msg-refused': { description: 'PUT with status_msg "" answers 400.', breaks: 'an empty status_msg is a valid string' },
  'null-status-msg-500': { description: 'PUT with status_msg null answers 500 M_UNKNOWN.', breaks: 'bad input is a 4xx, never a 500' },
  'client-last-active-honoured': {
    description: "A last_active_ago in the PUT body is accepted and taken as the user's last active time.",
    breaks: 'the server keeps last active itself',
  },
  'sync-not-online': {
    description: '/sync without set_presence or with set_presence=online does not mark the user online.',
    breaks: 'online while syncing (set_presence default)',
  },
  'sync-clears-status': { description: 'A /sync with set_presence clears status_msg.', breaks: 'status_msg kept across syncs' },
  'rate-limit-never-refills': {
    description: 'Once limited, a user stays limited: the bucket never drains.',
    breaks: 'retry_after_ms is honest; requests allowed after waiting',
  },
  'profile-change-no-member-event': {
    description: "A profile change leaves the user's m.room.member events unchanged.",
    breaks: 'profile change updates member events (early spec)',
  },
  'presence-list-drop-ignored': { description: 'POST /presence/list ignores `drop`.', breaks: 'early presence list drop' },
  'status-msg-non-ascii-mangled': {
    description: "status_msg is stored as its UTF-8 bytes read as Latin-1: every character outside ASCII comes back as two to four others ('é' as 'Ã©').",
    breaks: 'status_msg returned as set (any Unicode text)',
  },
  'status-msg-markup-escaped': {
    description: 'status_msg is HTML-escaped when stored: < > & " \' come back as &lt; &gt; &amp; &quot; &#39;.',
    breaks: 'status_msg returned as set (markup characters are text)',
  },
  'status-msg-trimmed': { description: 'status_msg loses its leading and trailing whitespace.', breaks: 'status_msg returned as set (whitespace at the ends)' },
  'status-msg-normalised': {
    description: 'status_msg is stored in Unicode normalisation form C: decomposed characters are composed, combining marks reordered.',
    breaks: 'status_msg returned as set (code point for code point)',
  },
  'status-msg-truncated': { description: 'status_msg is cut after its first 512 code points.', breaks: 'status_msg returned as set (no length limit)' },
  'long-status-msg-500': {
    description: 'PUT with a status_msg of more than 32 768 code points answers 500 M_UNKNOWN.',
    breaks: 'a long status_msg is stored or refused with a 4xx, never a server error',
  },
  'presence-list-drop-clears': {
    description: 'POST /presence/list with `drop` empties the whole list, not only the users it names.',
    breaks: 'early presence list drop',
  },
  // Real deviations of other servers, switched on by the personalities (fixtures/targets/*-like.yaml).
  'no-state-empty-presence': {
    description: 'GET of a user with no presence state answers 200 with presence "" and status_msg "" (Dendrite).',
    breaks: 'presence enum in GET',
  },
  'status-msg-whitespace-mangled': {
    description: 'status_msg loses leading and trailing whitespace and its line breaks become spaces (Dendrite).',
    breaks: 'status_msg round trip',
  },
  'presence-filter-only-limit': {
    description: "The presence filter's types, not_types, senders and not_senders are ignored; only limit applies (Dendrite).",
    breaks: 'presence filter',
  },
  'status-put-repeated': {
    description:
      'An identical PUT that carries a status_msg is delivered again even while currently_active is true (Dendrite: the repeat check compares status_msg pointers).',
    breaks: 'no further updates while currently_active',
  },
  'idle-only-after-sync': {
    description: 'Only a user who has synced goes unavailable when idle; one who only PUT online stays online (Dendrite).',
    breaks: 'idle timeout',
  },
  'invalid-set-presence-stored': {
    description: "An invalid set_presence on /sync is accepted and stored as the user's presence (conduwuit).",
    breaks: 'presence enum',
  },
  'own-presence-needs-room': {
    description: "GET of one's own presence answers 404 while the user is in no joined room (conduwuit).",
    breaks: 'own presence readable by GET',
  },
  'last-active-hidden-while-active': {
    description: 'GET omits last_active_ago while currently_active is true (conduwuit, tuwunel).',
    breaks: 'up-to-date last active time by GET',
  },
  'presence-filter-only-senders': {
    description: "The presence filter's types, not_types and limit are ignored; only senders and not_senders apply (tuwunel).",
    breaks: 'presence filter',
  },
  'sync-timeout-floor': {
    description: 'A /sync with nothing new waits at least 5 s, whatever its timeout (0 included) (tuwunel client_sync_timeout_min).',
    breaks: 'timeout is the longest a /sync waits',
  },
  // Behaviours no case checked before (issue 21): rooms, last active while active, r0 levels,
  // propagation events, the early event stream.
  'duplicate-delivery-per-room': {
    description: "A presence change reaches a co-member once per room they share: each further room's copy comes in their next /sync (or /events).",
    breaks: 'one change, one event for each interested user',
  },
  'leave-drops-visibility': {
    description: 'Leaving a room ends presence between the leaver and its members, in /sync and by GET, even while they share another room.',
    breaks: 'presence shared while any room is shared',
  },
  'get-last-active-frozen-while-active': {
    description: 'While currently_active is true, GET answers the last_active_ago of the moment the flag was last announced: it stops counting.',
    breaks: 'up-to-date last active time by GET while currently active',
  },
  'unavailable-raise-not-active': {
    description: "Raising availability from offline to unavailable does not bump last active: only a change to online does (Synapse's set_state).",
    breaks: 'raising availability is pro-active (r0, early)',
  },
  'online-put-always-active': {
    description: "Every PUT of online bumps last active, also from free_for_chat, which lowers availability (Synapse's set_state bumps on online).",
    breaks: 'lowering availability is not pro-active (r0, early)',
  },
  'free-for-chat-delivered-as-online': {
    description: 'm.presence events carry online for a user whose state is free_for_chat; GET still answers free_for_chat.',
    breaks: 'free_for_chat delivered to co-members (r0, early)',
  },
  'profile-event-without-presence': {
    description:
      'The m.presence event a profile change sends carries the new displayname/avatar_url with presence online and nothing else: not the current presence, status_msg or last_active_ago.',
    breaks: 'propagation event carries the presence keys (r0, early)',
  },
  'event-stream-not-online': {
    description: 'Polling the early /events stream does not mark the user online.',
    breaks: 'online while connected to the event stream (early)',
  },
  'presence-list-not-streamed': {
    description:
      "Users on the early presence list who share no room reach neither the lister's /initialSync nor their /events (GET presence/list still lists them).",
    breaks: 'presence of listed users in the early stream',
  },
  'join-member-event-without-profile': {
    description: "A join's m.room.member event carries no displayname or avatar_url (only a profile change's update does).",
    breaks: 'membership events carry the profile (early)',
  },
  'events-presence-repeated': {
    description: "The presence events of an early /events answer come again in the client's next answer, as if its end token were one change behind.",
    breaks: 'the event stream continues where the client left off (early)',
  },
} as const satisfies Record<string, FaultSpec>;

export type FaultName = keyof typeof FAULTS;

export const FAULT_NAMES = namesOf(FAULTS);

export const isFaultName = isNameIn(FAULTS);

/** The faults switched on. */
export class FaultSet extends SwitchSet<FaultName> {}

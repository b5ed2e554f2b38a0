// The catalogue of variants: named behaviours the spec texts allow but the mock does not show by default
// (it copies Synapse's choices), switched on with `--variant NAME` (or `mock.variants` in a target
// profile). A correct server that is not Synapse may behave so, so the suite must pass against each of
// them: they prove that no case fails a server for a freedom the texts give it. Built like the fault
// catalogue (faults.ts): the code that honours a variant checks `variants.has('name')` at the one place
// the behaviour lives.
//
// `allows` quotes the texts that leave the room, with file:line:
//   1-current-presence-tail.md, 2-current-presence-module.md, 3-r0-presence-module.rst,
//   4-early-client-server-api.rst, 5-early-events.rst      the presence texts the suites are traced to
//   presence.yaml, sync.yaml, event_filter.yaml,
//   event_batch.yaml, rate_limited.yaml                     data/api/client-server/ (definitions/,
//                                                           definitions/errors/) of the v1.19 spec data
//   m.presence.yaml                                         data/event-schemas/schema/ of the same
//   client-server-api/_index.md                             content/ of matrix-spec at tag v1.19
// `from` names the real server that behaves so and the source file where it does: Dendrite
// (element-hq/dendrite at 08cac1cc; file:line references are to v0.13.8, the release `npm run dendrite`
// measures), conduwuit (girlbossceo/conduwuit at d8311a5f) and tuwunel
// (matrix-construct/tuwunel at tag v1.9.0, 5b366914) and ToM-server (linagora/ToM-server at d3202da0).
import { SwitchSet, isNameIn, namesOf } from './switch-set.js';

/** The parameters of the variants that take one (mock configuration `variant_options`). */
export interface VariantOptions {
  /** async-processing: ms between the answer to a write and its effect. */
  processing_delay: number;
  /** slow-wake: ms between a presence change and the wake-up of the long-polls waiting for it. */
  wake_delay: number;
  /** late-delivery: ms between a presence change and its arrival in the watchers' event stream. */
  delivery_delay: number;
  /** default-presence-limit: presence events per /sync when the filter sets no limit. */
  presence_limit: number;
  /** online-sync-outranks: ms during which a /sync that set online outranks one asking for less. */
  sync_aggregation_window: number;
}

export type VariantOptionName = keyof VariantOptions;

export const DEFAULT_VARIANT_OPTIONS: VariantOptions = {
  // "Some hundreds of ms", inside the mock profile's visibility_deadline (500 ms), which the suites
  // give a change to show up and a long-poll to wake.
  processing_delay: 300,
  wake_delay: 300,
  delivery_delay: 300,
  // Dendrite's default presence limit (syncapi/synctypes/filter.go DefaultEventFilter).
  presence_limit: 10,
  // Dendrite's presenceTimeout (syncapi/sync/requestpool.go).
  sync_aggregation_window: 10_000,
};

export interface VariantSpec {
  /** The behaviour, in one line. */
  description: string;
  /** The words of the spec texts that leave room for it, with file:line (see the header). */
  allows: string;
  /** The real server that behaves so, and the source file where it does. */
  from?: string;
  /** SHOULD clauses (suites/clauses.yaml) whose freedom the variant takes. */
  takes?: readonly string[];
  /** Faults and variants that replace the very behaviour this variant changes: the pair is refused. */
  excludes?: readonly string[];
  /** The variant_options it reads. */
  options?: readonly VariantOptionName[];
  /**
   * What the target profile of a server that behaves so says differently from the mock's own profile
   * (fixtures/targets/mock.yaml): its timers (e.g. a coarser last_active_precision), and the
   * capabilities it cannot claim. The variant proof runs the suites with that profile.
   */
  target?: { timers?: Readonly<Record<string, number>>; without?: readonly string[] };
  /**
   * The spec texts that leave this room (default all three): where another text rules it out (the early
   * text makes a message pro-active; r0 and the early text say lowering availability is not), the
   * variant is a deviation there, and the variant proof does not run it against that dialect.
   */
  dialects?: readonly ('v1.19' | 'r0' | 'early')[];
}

const PRO_ACTIVE_MAY_BE =
  '"A pro-active event may be sending a message to a room or changing presence state to `online`." (2-current-presence-module.md:44-45): the list is open both ways';
const AGGREGATED =
  '"This information is collated from both per-device (`online`, `idle`, `last_active`) and per-user (status) data, aggregated by the user\'s homeserver" (2-current-presence-module.md:15-17): how the states combine is the server\'s';
const UPDATES_OF_OTHERS = '"The updates to the presence status of other users." (sync.yaml:465)';
const SET_PRESENCE_ONLY_ENUM =
  'set_presence "Controls whether the client is automatically marked as online by polling this API." (sync.yaml:95-96) with an enum of values (sync.yaml:103-107), and /sync documents one answer, 200 "The initial snapshot or delta for the client to use to update their state." (sync.yaml:151-153): no refusal is specified';

export const VARIANTS = {
  'extra-fields': {
    description: 'Every JSON object answer, and every m.presence event and its content, carries a field the spec does not define.',
    allows:
      'the PUT answer is "type: object  # empty json object" (presence.yaml:69), emptiness only in a comment; no answer or event schema closes its properties (presence.yaml:68-69, 101-123; m.presence.yaml:10-39)',
  },
  'async-processing': {
    description:
      'PUT presence and activity (messages, typing, receipts) are answered at once but take effect after variant_options.processing_delay ms, the activity time being when they take effect; until then GET and /sync show the old state.',
    allows:
      'no text bounds when a change shows: presence is "aggregated by the user\'s homeserver and transmitted as an `m.presence` event" (2-current-presence-module.md:16-17); PUT answers "The new presence state was set." (presence.yaml:65)',
    from: 'Dendrite clientapi/producers/syncapi.go (SendPresence publishes to NATS JetStream) and syncapi/consumers/presence.go (onMessage applies it later)',
    options: ['processing_delay'],
  },
  'no-initial-presence': {
    description: 'An initial /sync (no since) carries no presence; presence arrives only as changes in incremental syncs.',
    allows: `${UPDATES_OF_OTHERS}: updates, not a snapshot`,
  },
  'no-own-presence': {
    description: "A user's own presence never appears in their /sync.",
    allows: `${UPDATES_OF_OTHERS}: of other users`,
  },
  'own-presence-in-sync-needs-room': {
    description: "A user's own presence appears in their /sync only while they are in a joined room (it is read when the /sync is built).",
    allows: `${UPDATES_OF_OTHERS}: of other users, so one's own is not asked for`,
    from: 'conduwuit src/api/client/sync/v3.rs (process_presence_updates keeps a sender only when state_cache user_sees_user holds, oneself included: a shared joined room); tuwunel src/api/client/sync/v3.rs (the same filter)',
    excludes: ['no-own-presence', 'no-own-presence-in-sync'],
  },
  'sync-offline-sets-offline': {
    description: '/sync?set_presence=offline marks the syncing user offline instead of leaving their presence alone.',
    allows:
      '"Otherwise if the parameter is set to "offline" then the client is not marked as being online when it uses this API." (sync.yaml:97-99): only "not online" is asked',
    from: 'Dendrite syncapi/sync/requestpool.go (updatePresenceInternal); conduwuit src/api/client/sync/v3.rs (sync_events_route pings presence with set_presence); tuwunel src/api/client/sync/v3.rs (sync_events_route pings the device with set_presence)',
    excludes: ['set-presence-ignored'],
  },
  'status-msg-kept-on-omit': {
    description: 'A PUT without status_msg, or with status_msg null, keeps the current status message.',
    allows:
      'status_msg is optional, "The status message to attach to this state." (presence.yaml:56-58), with `required: - presence` only (presence.yaml:59-60); what its absence means is not said',
    from: 'Dendrite syncapi/storage/postgres/presence_table.go (the upsert keeps status_msg with COALESCE)',
    excludes: ['status-msg-dropped', 'null-status-msg-500'],
  },
  'message-not-activity': {
    description: 'Sending an event to a room does not bump last active, nor bring an unavailable user back online.',
    allows: PRO_ACTIVE_MAY_BE,
    from: 'conduwuit src/api/client/send.rs (no presence update; typing, receipts and profile changes ping presence); Dendrite syncapi/sync/requestpool.go (only /sync updates presence); tuwunel src/api/client/send.rs (no presence update, as in conduwuit)',
    target: { without: ['message_activity'] },
    dialects: ['v1.19', 'r0'],
  },
  'typing-receipts-not-activity': {
    description: 'Typing notices, receipts and read markers do not bump last active.',
    allows: PRO_ACTIVE_MAY_BE,
    from: 'Dendrite syncapi/sync/requestpool.go (only /sync updates presence; typing and receipts never do)',
  },
  'join-is-activity': {
    description: 'Joining or creating a room bumps last active and brings an unavailable user back online.',
    allows: PRO_ACTIVE_MAY_BE,
  },
  'profile-change-is-activity': {
    description: "Changing one's displayname or avatar_url bumps last active and brings an unavailable user back online.",
    allows: PRO_ACTIVE_MAY_BE,
    from: 'conduwuit src/api/client/profile.rs (a profile change pings presence online); tuwunel src/api/client/profile.rs (the same)',
  },
  'lowering-counts-as-activity': {
    description: 'Every PUT of presence bumps last active, one lowering it to unavailable or offline too.',
    allows:
      '"When setting the status, the activity time is updated to reflect that activity" (presence.yaml:23-24): every PUT (only r0 and the early text exclude lowering, 3-r0-presence-module.rst:79-80, 5-early-events.rst:17-19)',
    from: "Dendrite clientapi/producers/syncapi.go (SendPresence sets last_active_ts to now); conduwuit src/service/presence/data.rs (set_presence stores now); tuwunel src/service/presence/aggregate.rs (a PUT sets the device's last_active_ts to now)",
    dialects: ['v1.19'],
  },
  'invalid-set-presence-ignored': {
    description: 'An invalid set_presence on /sync is answered 200 and ignored: the sync leaves presence as it is.',
    allows: SET_PRESENCE_ONLY_ENUM,
    from: 'Dendrite syncapi/sync/requestpool.go (updatePresenceInternal ignores unknown values)',
    excludes: ['bad-set-presence-accepted', 'invalid-set-presence-stored', 'invalid-set-presence-as-default'],
  },
  'invalid-set-presence-as-default': {
    description: 'An invalid set_presence on /sync is answered 200 and taken as if it were omitted: the user is marked online.',
    allows: SET_PRESENCE_ONLY_ENUM,
    excludes: ['invalid-set-presence-stored', 'invalid-set-presence-ignored'],
  },
  'strangers-may-read': {
    description: 'GET of the presence of a user who shares no room with the requester answers 200 with their presence.',
    allows:
      '403 "You are not allowed to see this user\'s presence status." (presence.yaml:130-131) and 404 (presence.yaml:142-145) are possible answers, not duties: the texts say who is sent presence, "Presence events are sent to interested parties where users share a room membership." (2-current-presence-module.md:17-18), not whom GET must refuse',
    from: 'Dendrite clientapi/routing/presence.go (GetPresence never looks at the requester)',
    excludes: ['stranger-get-404'],
  },
  'stranger-get-404': {
    description: 'GET of the presence of a user who shares no room with the requester answers 404 M_NOT_FOUND, not 403.',
    allows: '"There is no presence state for this user. This user may not exist or isn\'t exposing presence information to you." (presence.yaml:143-145)',
    from: 'conduwuit src/api/client/presence.rs (get_presence_route: no shared room, 404); tuwunel src/api/client/presence.rs (the same)',
    excludes: ['get-without-shared-room', 'strangers-may-read'],
  },
  'never-set-404': {
    description: 'GET of a user who never had a presence state (never set, synced nor active) answers 404 M_NOT_FOUND, not offline.',
    allows: '"There is no presence state for this user." (presence.yaml:143-144)',
    from: 'conduwuit src/api/client/presence.rs (get_presence_route: no stored record, 404); tuwunel src/api/client/presence.rs (the same)',
    excludes: ['fresh-user-online', 'no-state-empty-presence'],
  },
  'foreign-put-400': {
    description: "A PUT of another user's presence is refused with 400 M_INVALID_PARAM, not 403 M_FORBIDDEN.",
    allows:
      '"You cannot set the presence state of another user." (presence.yaml:25-26) names no status, and PUT documents only 200 and 429 (presence.yaml:63-78)',
    from: 'conduwuit src/api/client/presence.rs (set_presence_route answers InvalidParam); tuwunel src/api/client/presence.rs (the same)',
    excludes: ['foreign-put-allowed'],
  },
  'invalid-presence-m-unknown': {
    description: 'A PUT whose presence is outside the enum is refused with 400 M_UNKNOWN, not M_INVALID_PARAM.',
    allows:
      'PUT documents no 400 (presence.yaml:63-78), so no errcode is prescribed, and "if the client were to receive an error code of `M_UNKNOWN` with a 400 Bad Request, the client should assume that the request being made was invalid" (client-server-api/_index.md:88-90)',
    from: 'Dendrite clientapi/routing/presence.go (SetPresence, through syncapi/types/presence.go PresenceFromString)',
    excludes: ['invalid-presence-accepted'],
  },
  'lenient-put-keys': {
    description: 'Unknown keys in a PUT body are ignored instead of refused.',
    allows: 'the request body is "type: object" with presence and status_msg (presence.yaml:43-60), its properties not closed',
    from: 'Dendrite clientapi/httputil/httputil.go (UnmarshalJSON ignores unknown fields); conduwuit (ruwuma set_presence Request accepts unknown fields); tuwunel (its ruma fork, taken to be as ruwuma: not re-read)',
  },
  'status-msg-length-limit': {
    description: 'A PUT whose status_msg is longer than 2048 characters is refused with 400 M_INVALID_PARAM and changes nothing.',
    allows:
      'status_msg is "type: string", "The status message to attach to this state." (presence.yaml:56-58), with no length given, and PUT documents no refusal (presence.yaml:63-78): how long a message a server keeps is not said, and one it will not keep can be refused',
    from: "ToM-server packages/matrix-client-server/src/presence/putStatus.ts (a status_msg that fails /^.{0,2048}$/ is 400 errMsg('invalidParam', 'Status message is too long'); that the pattern's . also refuses every line break is a deviation, not modelled)",
    excludes: ['long-status-msg-500'],
  },
  'currently-active-by-recency': {
    description:
      'GET always carries currently_active, true when the user was active within last_active_granularity whatever the state (so an offline user can be currently_active); /sync events carry it only when online.',
    allows:
      '"the server may include a `currently_active` boolean field when the presence state is `online`" (2-current-presence-module.md:49-51) permits it when online without forbidding it otherwise; GET defines it as "Whether the user is currently active" (presence.yaml:121)',
    from: 'Dendrite syncapi/types/presence.go (CurrentlyActive: active in the last 5 minutes) and clientapi/routing/presence.go (GetPresence)',
    excludes: ['no-currently-active', 'without-currently-active', 'put-not-currently-active'],
    takes: ['v1-currently-active-only-online'],
  },
  'currently-active-until-idle': {
    description: 'currently_active never flips to false while the user stays online: the active period ends with the change to unavailable or offline.',
    allows:
      '"until an update is sent to the client with either a) `currently_active` set to false or b) a presence state other than `online`" (2-current-presence-module.md:52-54)',
    from: 'conduwuit src/service/presence/mod.rs (ping_presence stores currently_active true while online; only the presence timer clears it, with the change of state); tuwunel src/service/presence/aggregate.rs (a device stays currently_active until its idle timeout); Dendrite syncapi/streams/stream_presence.go:119-124 (the flag is computed when an event is built, and its lapse writes no new row, so no flip is announced: the real v0.13.8 run)',
    excludes: ['no-currently-active', 'without-currently-active'],
    // The flip cases wait for currently_active false while the user stays online.
    target: { without: ['currently_active_flip'] },
  },
  'put-not-currently-active': {
    description:
      'A PUT of online leaves currently_active false; only activity or a /sync that sets presence makes it true (conduwuit: a PUT stores the flag false, only its presence pings set it).',
    allows:
      '"the server may include a `currently_active` boolean field when the presence state is `online`" (2-current-presence-module.md:49-51) says neither when it is true nor that a PUT makes it so; only a true flag binds the server, "When true, the server will not send further updates" (2-current-presence-module.md:51-52)',
    from: 'conduwuit src/api/client/presence.rs (set_presence_route passes currently_active None, which src/service/presence/data.rs stores as false; only ping_presence in src/service/presence/mod.rs, called by /sync, typing, receipts and profile changes, sets it)',
    excludes: ['no-currently-active', 'without-currently-active', 'currently-active-by-recency'],
  },
  'without-currently-active': {
    description: 'currently_active is never included.',
    allows: '"the server may include a `currently_active` boolean field" (2-current-presence-module.md:49-50)',
    excludes: [
      'currently-active-stuck',
      'currently-active-when-offline',
      'currently-active-by-recency',
      'currently-active-until-idle',
      'put-not-currently-active',
    ],
    target: { without: ['currently_active', 'currently_active_flip'] },
  },
  'no-presence-on-join': {
    description: "When a room starts to be shared (a join), neither side's existing presence is sent; only later changes are.",
    allows: `nothing asks for it: presence events "are sent to interested parties where users share a room membership" (2-current-presence-module.md:17-18), and /sync carries ${UPDATES_OF_OTHERS}`,
    from: 'conduwuit src/api/client/sync/v3.rs (process_presence_updates sends only records written after since; joins never write presence); tuwunel src/api/client/sync/v3.rs (the same)',
    excludes: ['join-presence-repeated'],
  },
  'slow-wake': {
    description: 'A presence change wakes the /sync long-polls waiting for it only after variant_options.wake_delay ms.',
    allows:
      '"The maximum time to wait, in milliseconds, before returning this request." (sync.yaml:111-112) bounds the wait, not how soon after new data the answer comes',
    options: ['wake_delay'],
    excludes: ['long-poll-not-woken'],
    target: { timers: { visibility_deadline: 1000 } },
  },
  'late-delivery': {
    description:
      "A presence change reaches the watchers' event stream (/sync, the early /events) only variant_options.delivery_delay ms after it happens: an answer built sooner does not carry it, and a long-poll waiting for it is woken then. GET shows it at once.",
    allows:
      '"If no events (or other data) become available before this time elapses, the server will return a response with empty fields." (sync.yaml:112-113): when a change becomes available to a watcher is the server\'s, presence being "aggregated by the user\'s homeserver and transmitted as an `m.presence` event" (2-current-presence-module.md:16-17) with no bound on when',
    options: ['delivery_delay'],
  },
  'no-last-active-in-events': {
    description: 'm.presence events in /sync carry no last_active_ago.',
    allows: 'the event content requires only presence: "required": ["presence"] (m.presence.yaml:39)',
    excludes: ['fractional-last-active'],
    // The early events text defines the key by the message that carries it: "This timestamp is presented
    // via a key called last_active_ago, which gives the relative number of milliseconds since the
    // message is generated/emitted" (5-early-events.rst:20-21).
    dialects: ['v1.19', 'r0'],
  },
  'fractional-last-active': {
    description: 'last_active_ago in m.presence events is a number with a fraction (e.g. 1234.5), not an integer.',
    allows: '"last_active_ago": { "type": "number" } in the event (m.presence.yaml:21-22)',
    excludes: ['no-last-active-in-events'],
  },
  'last-active-second-precision': {
    description: 'last_active_ago is kept to whole seconds: milliseconds rounded down to a multiple of 1000.',
    allows:
      '"a key called `last_active_ago` which gives the relative number of milliseconds since the pro-active event" (2-current-presence-module.md:46-47): a unit, not a precision',
    target: { timers: { last_active_precision: 1000 } },
  },
  'presence-list-as-events': {
    description:
      'GET /presence/list/{userId} of an r0 release answers m.presence events ({type, content: {user_id, presence, ...}}) instead of one flat object per user.',
    allows:
      '"A list of presence events for this list." (api/client-server/presence.yaml:182), GET /presence/list/{userId} of r0.0.0, the same to r0.4.0, its example m.presence events naming the user in content.user_id',
    dialects: ['r0'],
  },
  'hidden-taken-as-offline': {
    description: 'The early API takes PUT presence "hidden" and shows the user offline to everyone (the state is not kept apart).',
    allows:
      '"hidden : Behaves as offline, but allows the user to see the client state anyway and generally interact with client features." (5-early-events.rst:15-16): a state of the early events\' enum, so a server may take it',
    dialects: ['early'],
  },
  'retry-after-header-only': {
    description: 'A rate-limited PUT answers 429 M_LIMIT_EXCEEDED with a Retry-After header (seconds) and no retry_after_ms.',
    allows:
      '"Homeservers SHOULD include a `Retry-After` header for any response with a 429 status code. The `retry_after_ms` property MAY be included" (client-server-api/_index.md:295-298); retry_after_ms is not required (rate_limited.yaml:34)',
    takes: ['early-retry-after-ms'],
    excludes: ['rate-limit-no-retry-after'],
  },
  'no-sync-offline': {
    description: 'A user who stops syncing never goes offline by a timer; only a PUT (or set_presence) makes them offline.',
    allows: '"`offline` : The user is not connected to an event stream" (2-current-presence-module.md:27) fixes no delay, and no text has the server apply it',
    from: 'Dendrite syncapi/sync/requestpool.go (cleanPresence turns a silent user unavailable, never offline)',
    takes: ['v1-offline-when-disconnected'],
    target: { without: ['sync_online_timeout'] },
  },
  'presence-omitted-when-empty': {
    description: 'A /sync without presence events omits the presence key instead of answering {"events": []}.',
    allows: 'the /sync answer requires only next_batch: "required: - next_batch" (sync.yaml:494-495)',
    from: 'Dendrite syncapi/types/types.go (Response.MarshalJSON); conduwuit (ruwuma sync_events v3 Response skips an empty presence); tuwunel (its ruma fork, taken to be as ruwuma: not re-read)',
  },
  // Only /sync: the early /events stream is built apart (routes/early-routes.ts) and does not repeat, so
  // the variant proof runs this where it has an effect.
  'duplicate-in-batch': {
    description: "Every m.presence event of a /sync answer comes twice in a row, the same event both times (as far as the filter's limit allows).",
    allows: `${UPDATES_OF_OTHERS} is an EventBatch whose events are "List of events." (event_batch.yaml:16-20), an array without uniqueItems: no text says an update appears once per batch`,
    dialects: ['v1.19', 'r0'],
  },
  'default-presence-limit': {
    description: 'Without a limit in the filter, a /sync carries at most variant_options.presence_limit presence events.',
    allows: '"Servers should apply a default value, and impose a maximum value to avoid resource exhaustion." (event_filter.yaml:20-21)',
    from: 'Dendrite syncapi/synctypes/filter.go (DefaultEventFilter: limit 10) and syncapi/streams/stream_presence.go',
    options: ['presence_limit'],
    excludes: ['presence-filter-ignored'],
  },
  'unchanged-put-resent': {
    description: 'A PUT that changes nothing (same state, same status) is delivered to watchers again, unless currently_active is true.',
    allows:
      '"To reduce the number of presence updates sent to clients the server may include a `currently_active` boolean field" (2-current-presence-module.md:49-51): repeats are what the flag reduces, barred only while it is true (2-current-presence-module.md:51-54)',
    from: 'conduwuit src/service/presence/data.rs (set_presence writes every PUT under a new stream position); tuwunel src/service/presence/data.rs (the same); Dendrite clientapi/producers/syncapi.go:148-162 (every PUT is a new row) and syncapi/streams/stream_presence.go:105-117 (a repeat is skipped only while currently_active)',
  },
  'manual-state-sticky': {
    description:
      "A /sync asking for the same state as the user's previous /sync leaves presence alone, so a PUT (e.g. unavailable) outlives further default syncs.",
    allows: AGGREGATED,
    from: 'Dendrite syncapi/sync/requestpool.go (updatePresenceInternal writes only when the state differs from the one the last sync set; a PUT does not update that cache)',
  },
  'online-sync-outranks': {
    description:
      'A /sync asking for unavailable (or offline, with sync-offline-sets-offline) leaves the user online while a /sync set them online less than variant_options.sync_aggregation_window ms ago.',
    allows: AGGREGATED,
    from: 'Dendrite syncapi/sync/requestpool.go (updatePresenceInternal: online if any sync asked for it within presenceTimeout, 10 s)',
    options: ['sync_aggregation_window'],
    excludes: ['set-presence-ignored'],
  },
} as const satisfies Record<string, VariantSpec>;

export type VariantName = keyof typeof VARIANTS;

export const VARIANT_NAMES = namesOf(VARIANTS);

export const isVariantName = isNameIn(VARIANTS);

/** The variants switched on. */
export class VariantSet extends SwitchSet<VariantName> {}

/** The field the extra-fields variant adds; namespaced as the spec asks of custom keys. */
export const EXTRA_FIELD = { 'org.example.mpc.unknown_field': 'a field no spec defines; clients ignore it' } as const;

/**
 * Why a configuration's variants cannot run as given: a fault or variant that replaces the behaviour a
 * variant changes (the pair is meaningless). Empty when fine. Merging layers only adds names, so a pair
 * found in one layer stays a problem in the merged configuration.
 */
export function variantConflicts(variants: readonly string[], faults: readonly string[]): string[] {
  const on = new Set<string>([...variants, ...faults]);
  const problems: string[] = [];
  const reported = new Set<string>();
  for (const name of variants) {
    if (!isVariantName(name)) continue;
    const spec: VariantSpec = VARIANTS[name];
    for (const other of spec.excludes ?? []) {
      const pair = [name, other].sort().join('\u0000');
      if (!on.has(other) || reported.has(pair)) continue;
      reported.add(pair);
      const kind = isVariantName(other) ? 'variant' : 'fault';
      problems.push(`variant "${name}" cannot be combined with ${kind} "${other}": both decide the same behaviour (${spec.description})`);
    }
  }
  return problems;
}

/**
 * Options set for variants that are off. Only the merged configuration can say: a file may set an
 * option whose variant another layer (the target profile, a --variant flag) switches on.
 */
export function optionsWithoutVariant(variants: readonly string[], options: Partial<VariantOptions>): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(options) as VariantOptionName[]) {
    const users = VARIANT_NAMES.filter((n) => (VARIANTS[n] as VariantSpec).options?.includes(key));
    if (!users.some((n) => variants.includes(n))) {
      problems.push(`variant_options.${key} is set, but ${users.map((n) => `"${n}"`).join(' or ')} is not among the variants`);
    }
  }
  return problems;
}

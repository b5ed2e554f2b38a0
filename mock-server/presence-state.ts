// The presence state machine of each user, after Synapse's synapse/handlers/presence.py:
// - set_state: a PUT replaces presence and status_msg (absent status_msg clears it); setting online
//   bumps last_active_ts (and, beyond Synapse, so does any rise in r0's availability order, while a
//   fall from free_for_chat to online does not); a sync-driven set never touches status_msg.
// - bump_presence_active_time: activity (message, typing, receipt) bumps last_active_ts and brings an
//   unavailable user back online.
// - handle_timeout: online and inactive for idle_timeout -> unavailable; not syncing and neither synced
//   nor active for sync_online_timeout -> offline; both keep status_msg.
// - handle_update: currently_active = online and active within last_active_granularity.
// - should_notify: which changes are worth an m.presence event (no event when nothing changed).
import type { Clock, TimerHandle } from './clock.js';
import type { MockConfig } from './config.js';
import type { FaultSet } from './faults.js';
import type { ReleaseApi } from './release-api.js';
import type { VariantOptions, VariantSet } from './variants.js';

export type PresenceValue = 'online' | 'unavailable' | 'offline' | 'free_for_chat';

export interface PresenceRecord {
  presence: PresenceValue;
  status_msg: string | null;
  /** Last pro-active event, ms since the epoch; 0 when never active. */
  last_active_ts: number;
  currently_active: boolean;
  /** When a sync last started or ended, 0 when never. */
  last_sync_ts: number;
  /** Any request that set state, for the sync-online timeout (Synapse: the device's last_active_ts). */
  last_device_ts: number;
  /** When the record last changed (only the last-active-frozen faults read it). */
  changed_ts: number;
}

const ONLINE_LIKE = new Set<PresenceValue>(['online', 'free_for_chat']);

/** The r0 text's "Levels of availability ... from low to high" (3-r0-presence-module.rst:71-77); the
 * early events text orders them the same way ("from a lower to a higher level of availability"). */
const LEVEL: Record<PresenceValue, number> = { offline: 0, unavailable: 1, online: 2, free_for_chat: 3 };

function offlineRecord(): PresenceRecord {
  return { presence: 'offline', status_msg: null, last_active_ts: 0, currently_active: false, last_sync_ts: 0, last_device_ts: 0, changed_ts: 0 };
}

/** A copy of `r` with `changes`, built as one literal so that every record has the same shape: object
 * spread of records of mixed shapes fell onto V8's slow path and was the top cost of a PUT. */
function copyRecord(
  r: Readonly<PresenceRecord>,
  changes: Partial<Pick<PresenceRecord, 'presence' | 'last_active_ts' | 'last_sync_ts' | 'last_device_ts'>>,
): PresenceRecord {
  return {
    presence: changes.presence ?? r.presence,
    status_msg: r.status_msg,
    last_active_ts: changes.last_active_ts ?? r.last_active_ts,
    currently_active: r.currently_active,
    last_sync_ts: changes.last_sync_ts ?? r.last_sync_ts,
    last_device_ts: changes.last_device_ts ?? r.last_device_ts,
    changed_ts: r.changed_ts,
  };
}

/** Told of every change worth an m.presence event, with the record as it was before (the late-delivery
 * variant keeps showing that one to /sync until the change reaches the watchers). */
export interface PresenceListener {
  (userId: string, before: Readonly<PresenceRecord>): void;
}

/** The faults and variants switched on (the Homeserver). */
export interface Switches {
  readonly faults: FaultSet;
  readonly variants: VariantSet;
  readonly variantOptions: VariantOptions;
}

/** When a write that changes nothing is still sent: never (should_notify decides), always (the
 * duplicate-presence-events fault), or unless currently_active is true (the unchanged-put-resent
 * variant: the spec bars repeats only while the flag is true). */
type Repeat = 'never' | 'always' | 'unless-currently-active';

export class PresenceTracker {
  private readonly records = new Map<string, PresenceRecord>();
  private readonly syncing = new Map<string, number>();
  private readonly timers = new Map<string, { at: number; handle: TimerHandle }>();
  /** The state each user's last /sync asked for (the manual-state-sticky variant). */
  private readonly syncAsked = new Map<string, PresenceValue>();
  /** When each user's last /sync asked for online (the online-sync-outranks variant). */
  private readonly onlineSyncAt = new Map<string, number>();
  /** Users whose currently_active a PUT set false and no activity or sync has set since (the
   * put-not-currently-active variant: conduwuit stores a PUT with currently_active false). */
  private readonly putInactive = new Set<string>();
  private readonly faults: FaultSet;
  private readonly variants: VariantSet;

  constructor(
    private readonly config: MockConfig,
    private readonly clock: Clock,
    private readonly switches: Switches,
    private readonly onChange: PresenceListener,
  ) {
    this.faults = switches.faults;
    this.variants = switches.variants;
  }

  /** Whether the user ever had a presence state (set, synced or active). */
  has(userId: string): boolean {
    return this.records.has(userId);
  }

  /** Sets last active from a client-supplied value (only the client-last-active-honoured fault). */
  overrideLastActive(userId: string, ts: number): void {
    const r = this.records.get(userId);
    // A new record, as for every change: readers may keep the old one (the /sync event cache does).
    if (r) this.records.set(userId, copyRecord(r, { last_active_ts: ts }));
  }

  get(userId: string): Readonly<PresenceRecord> {
    return this.records.get(userId) ?? offlineRecord();
  }

  /** PUT /presence/{userId}/status (Synapse set_state with is_sync=False). */
  setFromRequest(userId: string, presence: PresenceValue, statusMsg: string | undefined): void {
    const prev = this.get(userId);
    const now = this.clock.now();
    const next = copyRecord(prev, { presence, last_device_ts: now });
    // Synapse: new_fields["status_msg"] = state.get("status_msg", None): absent clears it.
    if (this.faults.has('status-msg-dropped')) next.status_msg = null;
    else if (statusMsg === undefined && (this.faults.has('status-msg-sticky') || this.variants.has('status-msg-kept-on-omit')))
      next.status_msg = prev.status_msg;
    else next.status_msg = statusMsg ?? null;
    // Raising availability is pro-active, lowering it is not (r0: "changing state from unavailable to
    // online counts as a pro-active event, whereas online to unavailable does not"; the early events
    // text the same), so offline -> unavailable bumps and free_for_chat -> online does not. A PUT that
    // keeps an online state bumps, as Synapse's does (v1.x: "changing presence state to online"; "When
    // setting the status, the activity time is updated", which the lowering-counts-as-activity variant
    // follows for every PUT). Synapse itself bumps on online alone (the two faults below).
    let bump = LEVEL[presence] > LEVEL[prev.presence] || (presence === prev.presence && ONLINE_LIKE.has(presence));
    if (bump && this.faults.has('raising-not-active') && !ONLINE_LIKE.has(prev.presence)) bump = false;
    if (bump && this.faults.has('unavailable-raise-not-active') && presence === 'unavailable') bump = false;
    if (!bump && this.faults.has('online-put-always-active') && presence === 'online') bump = true;
    if (!bump && (this.faults.has('lowering-is-active') || this.variants.has('lowering-counts-as-activity'))) bump = true;
    if (bump) next.last_active_ts = now;
    // status-put-repeated (Dendrite syncapi/types/presence.go Equals): a record with a status_msg never
    // equals the one sent before, so the repeat goes out even while currently_active is true.
    const repeat =
      this.faults.has('duplicate-presence-events') || (this.faults.has('status-put-repeated') && next.status_msg !== null)
        ? 'always'
        : this.variants.has('unchanged-put-resent')
          ? 'unless-currently-active'
          : 'never';
    if (this.variants.has('put-not-currently-active')) this.putInactive.add(userId);
    this.update(userId, prev, next, repeat, now);
  }

  /** Activity: sending an event, typing, a receipt (Synapse bump_presence_active_time). */
  bumpActive(userId: string): void {
    const prev = this.get(userId);
    const now = this.clock.now();
    const next = copyRecord(prev, { last_active_ts: now, last_device_ts: now });
    if (prev.presence === 'unavailable') next.presence = 'online';
    this.putInactive.delete(userId);
    this.update(userId, prev, next);
  }

  /** A /sync that affects presence starts (Synapse user_syncing -> set_state with is_sync=True). */
  syncStarted(userId: string, asked: PresenceValue): void {
    this.syncing.set(userId, (this.syncing.get(userId) ?? 0) + 1);
    const prev = this.get(userId);
    const now = this.clock.now();
    const next = copyRecord(prev, { last_sync_ts: now, last_device_ts: now });
    const presence = this.syncState(userId, asked, now);
    if (presence !== undefined) {
      next.presence = presence;
      if (ONLINE_LIKE.has(presence) && this.config.presence.sync_bumps_active) next.last_active_ts = now;
      this.putInactive.delete(userId);
    }
    if (this.faults.has('sync-clears-status')) next.status_msg = null;
    this.update(userId, prev, next);
  }

  /** The state a /sync that asks for `asked` gives the user, or undefined when it leaves presence
   * alone. Synapse: exactly what it asks for. The variants aggregate the way Dendrite's requestpool.go
   * does: an online sync within the window outranks a lower one (online-sync-outranks), and a sync
   * asking what the previous one asked changes nothing, so a PUT in between stands
   * (manual-state-sticky). */
  private syncState(userId: string, asked: PresenceValue, now: number): PresenceValue | undefined {
    let state = asked;
    const lastOnlineSync = this.onlineSyncAt.get(userId) ?? -Infinity;
    if (ONLINE_LIKE.has(asked)) this.onlineSyncAt.set(userId, now);
    // sync-offline-sets-offline: "the client is not marked as being online" concerns that client; while
    // another device of the user still counts as connected (it synced online within the sync-online
    // timeout), the user stays as they are. The last-sync-wins fault drops that aggregation.
    if (asked === 'offline' && !this.faults.has('last-sync-wins') && now - lastOnlineSync < this.config.presence.sync_online_timeout) return undefined;
    if (this.variants.has('online-sync-outranks') && !ONLINE_LIKE.has(asked) && now - lastOnlineSync < this.switches.variantOptions.sync_aggregation_window)
      state = 'online';
    if (this.variants.has('manual-state-sticky')) {
      const previous = this.syncAsked.get(userId);
      this.syncAsked.set(userId, state);
      if (previous === state) return undefined;
    }
    return state;
  }

  /** That /sync ended: the user counts as seen now, and the sync-online timer starts. */
  syncEnded(userId: string): void {
    const n = (this.syncing.get(userId) ?? 1) - 1;
    if (n <= 0) this.syncing.delete(userId);
    else this.syncing.set(userId, n);
    const prev = this.get(userId);
    this.update(userId, prev, copyRecord(prev, { last_sync_ts: this.clock.now() }));
  }

  /** A profile change: notify regardless of presence (the r0 spec's propagation SHOULD). */
  forceNotify(userId: string): void {
    this.onChange(userId, this.get(userId));
  }

  private isSyncing(userId: string): boolean {
    return (this.syncing.get(userId) ?? 0) > 0;
  }

  /** Whether the idle timeout applies to this record; idle-only-after-sync (Dendrite's fault): only
   * users who synced are swept to unavailable. */
  private idles(r: Readonly<PresenceRecord>): boolean {
    return !this.faults.has('never-idle') && !(this.faults.has('idle-only-after-sync') && r.last_sync_ts === 0);
  }

  /** Whether the sync-online timeout applies to this user now. */
  private goesOffline(userId: string): boolean {
    return !this.isSyncing(userId) && !this.faults.has('never-sync-offline') && !this.variants.has('no-sync-offline');
  }

  /** Whether currently_active ends when last_active_granularity has passed (not when it is held until
   * a state other than online). */
  private activityLapses(): boolean {
    return !this.faults.has('currently-active-stuck') && !this.variants.has('currently-active-until-idle');
  }

  /** The idle and sync-online timeouts as applied: the configured ones, or a tenth of them with the
   * instant-timers fault (a server whose timers fire long before its threshold). */
  private timeouts(): { idle_timeout: number; sync_online_timeout: number } {
    const p = this.config.presence;
    return this.faults.has('instant-timers') ? { idle_timeout: p.idle_timeout / 10, sync_online_timeout: p.sync_online_timeout / 10 } : p;
  }

  /** Applies the timeouts that are due (Synapse handle_timeout). `dueAt` is when the timer was due: a
   * timer may fire a millisecond before the wall clock reads that time, and is then taken as on time. */
  private handleTimeout(userId: string, dueAt: number): void {
    this.timers.delete(userId);
    const prev = this.get(userId);
    if (prev.presence === 'offline') return;
    const now = Math.max(this.clock.now(), dueAt);
    const p = this.timeouts();
    const next = copyRecord(prev, {});
    if (ONLINE_LIKE.has(next.presence) && now - next.last_active_ts >= p.idle_timeout && this.idles(next)) {
      next.presence = 'unavailable';
      if (this.faults.has('idle-clears-status')) next.status_msg = null;
    }
    const seen = Math.max(next.last_sync_ts, next.last_device_ts, next.last_active_ts);
    if (now - seen >= p.sync_online_timeout && this.goesOffline(userId)) {
      next.presence = 'offline';
      if (this.faults.has('idle-clears-status')) next.status_msg = null;
    }
    this.update(userId, prev, next, 'never', now);
  }

  /** Stores the new record, recomputes currently_active, schedules timers, notifies if worth it. */
  private update(userId: string, prev: PresenceRecord, next: PresenceRecord, repeat: Repeat = 'never', now = this.clock.now()): void {
    const granularity = this.config.presence.last_active_granularity;
    const active = ONLINE_LIKE.has(next.presence) && now - next.last_active_ts < granularity;
    // currently-active-until-idle: the active period ends only by a state other than online (spec b).
    next.currently_active = this.activityLapses() ? active : ONLINE_LIKE.has(next.presence) && (active || prev.currently_active);
    if (this.putInactive.has(userId)) next.currently_active = false;
    const notify = repeat === 'always' || (repeat === 'unless-currently-active' && !next.currently_active) || shouldNotify(prev, next, granularity);
    if (notify) next.changed_ts = now;
    this.records.set(userId, next);
    this.schedule(userId, next, now);
    if (notify) this.onChange(userId, prev);
  }

  /** One timer per user, at the earliest moment a timeout could change something. */
  private schedule(userId: string, r: PresenceRecord, now: number): void {
    const p = this.timeouts();
    // Every transition still to come counts, due or not: a deadline that has passed but whose timer
    // has not run yet (a busy event loop, a timer a millisecond early) is due at once, and taking its
    // transition removes it. Transitions a fault or variant suppresses are not counted, so nothing
    // re-arms at the same instant. (The earliest, without arrays: this runs on every PUT, sync and
    // activity.)
    let at = Infinity;
    const consider = (t: number) => {
      if (t < at) at = t;
    };
    if (ONLINE_LIKE.has(r.presence)) {
      if (this.idles(r)) consider(r.last_active_ts + p.idle_timeout);
      if (r.currently_active && this.activityLapses()) consider(r.last_active_ts + granularityOf(this.config));
    }
    if (r.presence !== 'offline' && this.goesOffline(userId)) {
      consider(Math.max(r.last_sync_ts, r.last_device_ts, r.last_active_ts) + p.sync_online_timeout);
    }
    const existing = this.timers.get(userId);
    // An earlier timer is kept: when it fires, handleTimeout finds nothing due and re-arms for the
    // real deadline. This spares a clearTimeout/setTimeout pair on every PUT and every activity.
    if (existing && at !== Infinity && existing.at <= at) return;
    if (existing) this.clock.clearTimeout(existing.handle);
    this.timers.delete(userId);
    if (at === Infinity) return;
    const dueAt = at;
    const handle = this.clock.setTimeout(() => this.handleTimeout(userId, dueAt), Math.max(0, at - now));
    this.timers.set(userId, { at, handle });
  }

  stop(): void {
    for (const t of this.timers.values()) this.clock.clearTimeout(t.handle);
    this.timers.clear();
  }
}

function granularityOf(config: MockConfig): number {
  return config.presence.last_active_granularity;
}

/** Synapse's should_notify: a status or state change, a currently_active flip, or a last-active bump
 * older than the granularity when it is not already covered by currently_active. */
export function shouldNotify(prev: PresenceRecord, next: PresenceRecord, granularity: number): boolean {
  if (prev.status_msg !== next.status_msg) return true;
  if (prev.presence !== next.presence) return true;
  if (ONLINE_LIKE.has(prev.presence)) {
    if (prev.currently_active !== next.currently_active) return true;
    if (next.last_active_ts - prev.last_active_ts > granularity && !next.currently_active) return true;
    return false;
  }
  return next.last_active_ts - prev.last_active_ts > granularity;
}

/** The content of m.presence / the GET body, computed when the response is built (spec: "The last
 * active time must be up to date whenever the server gives a presence event to the client"). */
export function formatPresence(
  r: Readonly<PresenceRecord>,
  now: number,
  { faults, variants, api }: Switches & { readonly api: Pick<ReleaseApi, 'currentlyActive'> },
): Record<string, unknown> {
  const content: Record<string, unknown> = { presence: r.presence };
  if (r.last_active_ts) {
    const reference = faults.has('last-active-frozen') ? r.changed_ts : now;
    let ago = Math.max(0, reference - r.last_active_ts);
    if (variants.has('last-active-second-precision')) ago = Math.floor(ago / 1000) * 1000;
    content.last_active_ago = faults.has('last-active-seconds') ? Math.floor(ago / 1000) : faults.has('last-active-absolute') ? r.last_active_ts : ago;
  }
  if (r.status_msg) content.status_msg = r.status_msg;
  // Synapse format_user_presence_state: currently_active only when online. The releases before r0.2.0
  // have no currently_active at all (it came with r0.2.0's m.presence and GET .../status).
  if (api.currentlyActive && !faults.has('no-currently-active') && !variants.has('without-currently-active')) {
    if (ONLINE_LIKE.has(r.presence)) content.currently_active = r.currently_active;
    else if (faults.has('currently-active-when-offline')) content.currently_active = true;
  }
  return content;
}

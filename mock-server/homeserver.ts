// The mock's state and its domain operations, wired together: accounts, rooms, presence, and the
// notifier that keeps each user's stream (what is new for them, their presence inbox) and wakes their
// long-polls.
import type { Clock, TimerHandle } from './clock.js';
import type { MockConfig } from './config.js';
import { Accounts } from './accounts.js';
import { ERRORS, MatrixError } from './errors.js';
import { FaultSet } from './faults.js';
import { Notifier } from './notifier.js';
import { PresenceTracker, type PresenceRecord, type PresenceValue } from './presence-state.js';
import { RateLimiter } from './rate-limiter.js';
import { releaseApi, type ReleaseApi } from './release-api.js';
import { Rooms, stateKeyOf, type Room, type RoomEvent } from './rooms.js';
import { DEFAULT_VARIANT_OPTIONS, EXTRA_FIELD, VariantSet, type VariantOptions } from './variants.js';

/** What counts as activity, by kind; the variants decide per kind (spec: "A pro-active event may be
 * sending a message to a room or changing presence state to online"). */
export type ActivityKind = 'event' | 'message' | 'typing' | 'receipt' | 'join' | 'profile';

/** How JSON answers are written (sendJson options): the text-plain-json fault, the extra-fields variant. */
export interface JsonStyle {
  textPlain: boolean;
  extraFields?: Record<string, unknown>;
}

export class Homeserver {
  readonly faults: FaultSet;
  readonly variants: VariantSet;
  readonly variantOptions: VariantOptions;
  readonly jsonStyle: JsonStyle;
  /** The API served: the configured release's, or every prefix's (`all`). */
  readonly api: ReleaseApi;
  readonly accounts: Accounts;
  readonly rooms: Rooms;
  readonly notifier: Notifier;
  readonly presence: PresenceTracker;
  readonly rateLimiter: RateLimiter | undefined;
  /** The join-presence-repeated fault: presence re-sent in every sync. */
  private readonly sticky = new Map<string, Set<string>>();
  /** Early spec presence list: owner -> listed users, and the reverse index. */
  readonly presenceList = new Map<string, Set<string>>();
  private readonly listedBy = new Map<string, Set<string>>();
  /** The new-co-member-not-subscribed fault: each user's co-members as of their first /sync. */
  private readonly firstSyncPeers: Map<string, Set<string>> | undefined;
  /** The duplicate-delivery-per-room fault: recipient -> sender -> copies still to come (one per
   * further shared room). */
  private readonly roomCopies = new Map<string, Map<string, number>>();
  /** The leave-drops-visibility fault: "observer\0observed" pairs a leave has cut off. */
  private readonly severed = new Set<string>();
  /** The profile-event-without-presence fault: users whose latest presence event is a profile change's. */
  private readonly profileOnlyEvent = new Set<string>();
  /** Writes waiting for their effect (async-processing), wake-ups waiting (slow-wake) and changes on
   * their way to the watchers (late-delivery). */
  private readonly pending = new Set<TimerHandle>();
  /** late-delivery: per user with changes still on their way, the record the event stream shows
   * meanwhile (the one before the oldest of them, then each as it arrives) and how many are on the way. */
  private readonly inTransit = new Map<string, { shown: Readonly<PresenceRecord>; count: number }>();
  /** The last m.presence event id handed out (releases whose m.presence requires an event_id). */
  private presenceEventCount = 0;

  constructor(
    readonly config: MockConfig,
    readonly clock: Clock,
  ) {
    this.faults = new FaultSet(config.faults);
    this.firstSyncPeers = this.faults.has('new-co-member-not-subscribed') ? new Map() : undefined;
    this.variants = new VariantSet(config.variants);
    this.variantOptions = { ...DEFAULT_VARIANT_OPTIONS, ...config.variant_options };
    this.api = releaseApi(config);
    this.jsonStyle = { textPlain: this.faults.has('text-plain-json'), ...(this.variants.has('extra-fields') ? { extraFields: EXTRA_FIELD } : {}) };
    this.accounts = new Accounts(config.server_name);
    for (const u of config.registration.users) this.accounts.addStatic(u.localpart, u.access_token, u.device_id ?? 'STATIC');
    this.rooms = new Rooms(config.server_name);
    this.notifier = new Notifier(clock);
    this.presence = new PresenceTracker(config, clock, this, (userId, before) => this.deliverPresence(userId, before));
    const rl = config.rate_limit;
    this.rateLimiter =
      rl.enabled && !this.faults.has('no-rate-limit')
        ? new RateLimiter(clock, rl.per_second, rl.burst, this.faults.has('rate-limit-never-refills'))
        : undefined;
  }

  stop(): void {
    this.presence.stop();
    for (const handle of this.pending) this.clock.clearTimeout(handle);
    this.pending.clear();
    this.inTransit.clear();
  }

  /** Runs `fn` after `ms` on the mock's clock; stop() cancels what has not run yet. */
  private later(ms: number, fn: () => void): void {
    const handle = this.clock.setTimeout(() => {
      this.pending.delete(handle);
      fn();
    }, ms);
    this.pending.add(handle);
  }

  /** A write to presence state caused by a request: applied now, or after the processing delay of the
   * async-processing variant (as a server that hands writes to a queue, like Dendrite's NATS). */
  private applyWrite(fn: () => void): void {
    if (this.variants.has('async-processing')) this.later(this.variantOptions.processing_delay, fn);
    else fn();
  }

  /** PUT /presence/{userId}/status, once validated; `clientLastActiveAgo` only with the
   * client-last-active-honoured fault. */
  setPresence(userId: string, presence: PresenceValue, statusMsg: string | undefined, clientLastActiveAgo?: number): void {
    this.applyWrite(() => {
      this.presence.setFromRequest(userId, presence, statusMsg);
      if (clientLastActiveAgo !== undefined) this.presence.overrideLastActive(userId, this.clock.now() - clientLastActiveAgo);
    });
  }

  // ---- presence delivery ------------------------------------------------------------------------

  /** Calls `fn` for everyone who receives `userId`'s presence: themselves, everyone sharing a joined
   * room, and (early spec) those who listed them (Synapse get_interested_parties: rooms of the user plus
   * "always notify self"). Someone sharing several rooms may be called more than once. No set is built:
   * one change can go to thousands of users. */
  private forEachInterested(userId: string, fn: (recipient: string) => void): void {
    if (this.faults.has('leak-to-strangers')) {
      for (const u of this.accounts.users.keys()) fn(u);
      return;
    }
    if (!this.faults.has('no-sync-delivery')) {
      const peers = this.firstSyncPeers;
      const leftToo = this.faults.has('left-member-keeps-receiving');
      const severed = this.severed.size > 0;
      for (const roomId of this.rooms.joinedRooms(userId)) {
        const room = this.getRoom(roomId);
        for (const member of room.joined) {
          if (member === userId) continue;
          if (peers?.get(member)?.has(userId) === false) continue;
          if (severed && this.severed.has(pairKey(member, userId))) continue;
          fn(member);
        }
        // left-member-keeps-receiving: those who left the room still get it.
        if (leftToo) for (const [member, membership] of room.members) if (membership === 'leave' && member !== userId) fn(member);
      }
    }
    if (!this.faults.has('presence-list-not-streamed')) for (const owner of this.listedBy.get(userId) ?? []) fn(owner);
    fn(userId);
  }

  private deliverPresence(userId: string, before: Readonly<PresenceRecord>): void {
    if (!this.config.presence.enabled) return;
    // A change after a profile change's event is an ordinary one again (profile-event-without-presence).
    this.profileOnlyEvent.delete(userId);
    if (this.variants.has('late-delivery')) this.deliverLate(userId, before);
    else this.fanOut(userId);
  }

  /**
   * late-delivery: the change is fanned out (and the long-polls woken) delivery_delay ms from now, under
   * a stream position taken then, so that an answer built meanwhile (its next_batch lower) does not
   * carry it and the next one does. Until then the event stream shows the record as it was before; each
   * change of a user arrives in turn with its own record, as from a server working through a queue.
   */
  private deliverLate(userId: string, before: Readonly<PresenceRecord>): void {
    const record = this.presence.get(userId);
    const transit = this.inTransit.get(userId) ?? { shown: before, count: 0 };
    this.inTransit.set(userId, transit);
    transit.count++;
    this.later(this.variantOptions.delivery_delay, () => {
      // The last one to arrive hands the user back to the current record (with what changed since
      // without an event, e.g. activity while currently_active).
      if (--transit.count === 0) this.inTransit.delete(userId);
      else transit.shown = record;
      this.fanOut(userId);
    });
  }

  /** A user's presence as the event stream (/sync, the early API's stream) shows it: the current record,
   * or with late-delivery the one as of the last change that has reached the watchers. GET reads the
   * current record itself. */
  presenceShown(userId: string): Readonly<PresenceRecord> {
    return this.inTransit.get(userId)?.shown ?? this.presence.get(userId);
  }

  /** Puts the change into the inbox of everyone who receives it, and wakes their long-polls. */
  private fanOut(userId: string): void {
    const pos = this.notifier.next();
    const slowWake = this.variants.has('slow-wake');
    const wake = !this.faults.has('long-poll-not-woken') && !slowWake;
    const ownHidden = this.ownPresenceHidden();
    const noDelivery = this.faults.has('no-sync-delivery');
    const queued: string[] = [];
    // duplicate-delivery-per-room: forEachInterested calls a co-member once per shared room; the first
    // call delivers, each further one is a copy for the co-member's next answer (takePresenceSince).
    const perRoom = this.faults.has('duplicate-delivery-per-room') ? new Map<string, number>() : undefined;
    this.forEachInterested(userId, (recipient) => {
      if (recipient === userId ? ownHidden : noDelivery) return;
      if (perRoom) {
        const calls = (perRoom.get(recipient) ?? 0) + 1;
        perRoom.set(recipient, calls);
        if (calls > 1) return;
      }
      this.notifier.deliverPresence(recipient, userId, pos, wake);
      if (slowWake) queued.push(recipient);
    });
    if (perRoom) {
      for (const [recipient, calls] of perRoom) {
        if (calls < 2) continue;
        if (!this.roomCopies.has(recipient)) this.roomCopies.set(recipient, new Map());
        this.roomCopies.get(recipient)!.set(userId, calls - 1);
      }
    }
    // slow-wake: the change is there at once (a new poll gets it); the waiting polls learn of it late.
    if (slowWake) {
      this.later(this.variantOptions.wake_delay, () => {
        for (const recipient of queued) this.notifier.touch(recipient, pos);
      });
    }
  }

  private ownPresenceHidden(): boolean {
    return this.faults.has('no-own-presence-in-sync') || this.variants.has('no-own-presence');
  }

  /** Puts `userId`'s presence in `recipient`'s inbox and wakes them, unless it is not for them (the
   * same rule as deliverPresence, which reads the switches once for all its recipients). */
  private queuePresence(recipient: string, userId: string, pos: number): void {
    if (recipient === userId ? this.ownPresenceHidden() : this.faults.has('no-sync-delivery')) return;
    this.notifier.deliverPresence(recipient, userId, pos);
  }

  /**
   * A device of the user was seen now (a login, a /sync). Kept only where something reads it:
   * Dendrite's GET (the variant currently-active-by-recency, the fault no-state-empty-presence), so a
   * mock without them pays nothing for it per user or per /sync.
   */
  noteDeviceSeen(userId: string): void {
    if (this.variants.has('currently-active-by-recency') || this.faults.has('no-state-empty-presence')) this.accounts.deviceSeen.set(userId, this.clock.now());
  }

  /** A user's /sync arrived (fault new-co-member-not-subscribed: remembers their peers at the first one). */
  noteSync(userId: string): void {
    this.noteDeviceSeen(userId);
    if (this.firstSyncPeers && !this.firstSyncPeers.has(userId)) this.firstSyncPeers.set(userId, this.rooms.coMembers(userId));
  }

  /** Users whose presence changed for `recipient` after `since`; forgets what the client has seen. */
  takePresenceSince(recipient: string, since: number): string[] {
    const out = this.notifier.takePresenceSince(recipient, since);
    if (this.sticky.size > 0) for (const u of this.sticky.get(recipient) ?? []) if (!out.includes(u)) out.push(u);
    if (this.roomCopies.size > 0) this.queueRoomCopies(recipient, out);
    return out;
  }

  /** duplicate-delivery-per-room: for each sender just taken with copies still to come, the next copy
   * goes into the recipient's inbox at a new position, after the token the answer being built hands out,
   * so that their next /sync (or /events) carries it again. */
  private queueRoomCopies(recipient: string, taken: readonly string[]): void {
    const copies = this.roomCopies.get(recipient);
    if (!copies) return;
    for (const sender of taken) {
      const left = copies.get(sender);
      if (left === undefined) continue;
      if (left <= 1) copies.delete(sender);
      else copies.set(sender, left - 1);
      this.notifier.deliverPresence(recipient, sender, this.notifier.next());
    }
    if (copies.size === 0) this.roomCopies.delete(recipient);
  }

  /** A new m.presence event id: until r0.4.0 the event "required": ["event_id", "type", "content"]. */
  newPresenceEventId(): string {
    return `$presence${++this.presenceEventCount}:${this.config.server_name}`;
  }

  /** profile-event-without-presence: whether `userId`'s presence event is to be a bare profile one. */
  bareProfileEvent(userId: string): boolean {
    return this.profileOnlyEvent.has(userId);
  }

  /** Everyone whose presence an initial sync shows: self and co-members (and listed users). */
  visiblePresenceUsers(recipient: string): string[] {
    if (this.faults.has('leak-to-strangers')) return [...this.accounts.users.keys()];
    const set = this.faults.has('no-sync-delivery') ? new Set<string>() : this.rooms.coMembers(recipient);
    if (!this.faults.has('presence-list-not-streamed')) for (const u of this.presenceList.get(recipient) ?? []) set.add(u);
    set.add(recipient);
    if (this.ownPresenceHidden()) set.delete(recipient);
    return [...set];
  }

  /** Whether `observer` may GET `observed`'s presence (Synapse is_visible: a shared joined room). */
  canSeePresence(observer: string, observed: string): boolean {
    if (observer === observed) return !this.faults.has('own-presence-needs-room') || this.rooms.joinedRooms(observer).size > 0;
    if (this.faults.has('get-without-shared-room') || this.variants.has('strangers-may-read')) return true;
    if (this.presenceList.get(observer)?.has(observed)) return true;
    if (this.severed.size > 0 && this.severed.has(pairKey(observer, observed))) return false;
    return this.rooms.shareRoom(observer, observed);
  }

  listInvite(owner: string, target: string): void {
    if (!this.presenceList.has(owner)) this.presenceList.set(owner, new Set());
    this.presenceList.get(owner)!.add(target);
    if (!this.listedBy.has(target)) this.listedBy.set(target, new Set());
    this.listedBy.get(target)!.add(owner);
    if (!this.faults.has('presence-list-not-streamed')) this.queuePresence(owner, target, this.notifier.next());
  }

  listDrop(owner: string, target: string): void {
    this.presenceList.get(owner)?.delete(target);
    this.listedBy.get(target)?.delete(owner);
  }

  // ---- rooms --------------------------------------------------------------------------------------

  private emit(room: Room, sender: string, type: string, content: Record<string, unknown>, stateKey?: string): RoomEvent {
    const event: RoomEvent = {
      event_id: this.rooms.newEventId(),
      type,
      sender,
      room_id: room.roomId,
      origin_server_ts: this.clock.now(),
      content,
      pos: this.notifier.next(),
    };
    if (stateKey !== undefined) event.state_key = stateKey;
    const before = type === 'm.room.member' ? this.rooms.membership(room.roomId, stateKey!) : undefined;
    this.rooms.append(room, event);
    // Everyone joined (and the member concerned) learns of the event.
    const touched = new Set(this.rooms.joinedMembers(room.roomId));
    if (stateKey !== undefined && type === 'm.room.member') touched.add(stateKey);
    for (const u of touched) this.notifier.touchRooms(u, event.pos);
    if (type === 'm.room.member' && content.membership === 'join' && before !== 'join') this.onJoin(room, stateKey!);
    return event;
  }

  /** A new member and the room's members see each other's presence in their next incremental sync
   * (Synapse's sync handler adds the presence of newly joined users), unless no-presence-on-join; with
   * join-is-activity the join is also activity. */
  private onJoin(room: Room, joiner: string): void {
    this.activity(joiner, 'join');
    // leave-drops-visibility: sharing a room again restores what a leave cut off.
    if (this.severed.size > 0) {
      for (const member of this.rooms.joinedMembers(room.roomId)) {
        this.severed.delete(pairKey(joiner, member));
        this.severed.delete(pairKey(member, joiner));
      }
    }
    if (!this.config.presence.enabled || this.faults.has('join-presence-missing') || this.variants.has('no-presence-on-join')) return;
    const pos = this.notifier.next();
    const stale = (recipient: string, userId: string) => this.firstSyncPeers?.get(recipient)?.has(userId) === false;
    // The joiner gets every member's presence at one position: their polls are answered at the end.
    this.notifier.deferWakes(() => {
      for (const member of this.rooms.joinedMembers(room.roomId)) {
        if (member === joiner) continue;
        if (!stale(joiner, member)) this.queuePresence(joiner, member, pos);
        if (!stale(member, joiner)) this.queuePresence(member, joiner, pos);
        if (this.faults.has('join-presence-repeated')) {
          for (const [a, b] of [
            [joiner, member],
            [member, joiner],
          ] as const) {
            if (!this.sticky.has(a)) this.sticky.set(a, new Set());
            this.sticky.get(a)!.add(b);
          }
        }
      }
    });
  }

  private memberContent(userId: string, membership: string): Record<string, unknown> {
    const user = this.accounts.users.get(userId);
    const content: Record<string, unknown> = { membership };
    if (membership === 'join' && user?.displayname !== undefined) content.displayname = user.displayname;
    if (membership === 'join' && user?.avatar_url !== undefined) content.avatar_url = user.avatar_url;
    return content;
  }

  createRoom(
    creator: string,
    opts: {
      preset?: string;
      visibility?: string;
      name?: string;
      topic?: string;
      invite: string[];
      initial_state: { type: string; state_key?: string; content: Record<string, unknown> }[];
    },
  ): Room {
    const room = this.rooms.create(this.rooms.newRoomId());
    // Spec createRoom: preset defaults from visibility (public -> public_chat, otherwise private_chat).
    // The early API had no presets: `visibility` publishes the room in the directory, and who may join
    // without an invite is the m.room.join_rules state event's to say, invite until it is set.
    const preset = !this.api.roomPresets ? 'private_chat' : (opts.preset ?? (opts.visibility === 'public' ? 'public_chat' : 'private_chat'));
    this.emit(room, creator, 'm.room.create', { creator, room_version: '10' }, '');
    this.emit(room, creator, 'm.room.member', this.memberContent(creator, 'join'), creator);
    this.emit(
      room,
      creator,
      'm.room.power_levels',
      {
        users: { [creator]: 100 },
        users_default: 0,
        events_default: 0,
        state_default: 50,
        ban: 50,
        kick: 50,
        redact: 50,
        invite: 0,
      },
      '',
    );
    this.emit(room, creator, 'm.room.join_rules', { join_rule: preset === 'public_chat' ? 'public' : 'invite' }, '');
    this.emit(room, creator, 'm.room.history_visibility', { history_visibility: 'shared' }, '');
    for (const s of opts.initial_state) this.emit(room, creator, s.type, s.content, s.state_key ?? '');
    if (opts.name !== undefined) this.emit(room, creator, 'm.room.name', { name: opts.name }, '');
    if (opts.topic !== undefined) this.emit(room, creator, 'm.room.topic', { topic: opts.topic }, '');
    for (const invitee of opts.invite) this.invite(room.roomId, creator, invitee);
    return room;
  }

  getRoom(roomId: string): Room {
    const room = this.rooms.rooms.get(roomId);
    if (!room) throw new MatrixError(ERRORS.UNKNOWN_ROOM);
    return room;
  }

  requireJoined(roomId: string, userId: string): Room {
    const room = this.getRoom(roomId);
    if (room.members.get(userId) !== 'join') throw new MatrixError(ERRORS.FORBIDDEN_NOT_IN_ROOM);
    return room;
  }

  join(roomId: string, userId: string): Room {
    const room = this.getRoom(roomId);
    const current = room.members.get(userId);
    if (current === 'join') return room;
    const rule = room.state.get(stateKeyOf('m.room.join_rules', ''))?.content.join_rule;
    if (rule !== 'public' && current !== 'invite') throw new MatrixError(ERRORS.FORBIDDEN_NOT_INVITED);
    const content = this.faults.has('join-member-event-without-profile') ? { membership: 'join' } : this.memberContent(userId, 'join');
    this.emit(room, userId, 'm.room.member', content, userId);
    return room;
  }

  invite(roomId: string, inviter: string, invitee: string): void {
    const room = this.requireJoined(roomId, inviter);
    if (!this.accounts.users.has(invitee)) throw new MatrixError(ERRORS.UNKNOWN_USER, `Unknown user ${invitee}.`);
    const current = room.members.get(invitee);
    if (current === 'join' || current === 'invite') return;
    this.emit(room, inviter, 'm.room.member', { membership: 'invite' }, invitee);
  }

  leave(roomId: string, userId: string): void {
    const room = this.getRoom(roomId);
    const current = room.members.get(userId);
    if (current !== 'join' && current !== 'invite') throw new MatrixError(ERRORS.FORBIDDEN_NOT_IN_ROOM);
    // leave-drops-visibility: the leaver and every member of the room stop seeing each other, whatever
    // other room they share.
    if (this.faults.has('leave-drops-visibility')) {
      for (const member of this.rooms.joinedMembers(roomId)) {
        if (member === userId) continue;
        this.severed.add(pairKey(userId, member));
        this.severed.add(pairKey(member, userId));
      }
    }
    this.emit(room, userId, 'm.room.member', { membership: 'leave' }, userId);
  }

  send(roomId: string, sender: string, type: string, content: Record<string, unknown>, stateKey?: string, deviceId?: string): RoomEvent {
    const room = this.requireJoined(roomId, sender);
    const event = this.emit(room, sender, type, content, stateKey);
    if (stateKey === undefined) this.activity(sender, type === 'm.room.message' ? 'message' : 'event', deviceId);
    return event;
  }

  /** The first-device-only fault: whether a device's actions are ignored for presence. */
  ignoresDevice(userId: string, deviceId: string | undefined): boolean {
    return this.faults.has('first-device-only') && deviceId !== undefined && deviceId !== this.accounts.firstDevice.get(userId);
  }

  /** Whether an action of this kind bumps last active. Synapse handlers/presence.py: sending an event,
   * typing, receipts and read markers are "pro-active"; joins and profile changes are not. */
  private countsAsActivity(kind: ActivityKind): boolean {
    switch (kind) {
      case 'message':
        return !this.faults.has('message-not-active') && !this.variants.has('message-not-activity');
      case 'event':
        return !this.variants.has('message-not-activity');
      case 'typing':
      case 'receipt':
        return !this.variants.has('typing-receipts-not-activity');
      case 'join':
        return this.variants.has('join-is-activity');
      case 'profile':
        return this.variants.has('profile-change-is-activity');
    }
  }

  /** An action of the user: bumps last active and restores online when it counts as activity. */
  activity(userId: string, kind: ActivityKind, deviceId?: string): void {
    if (!this.config.presence.enabled || !this.countsAsActivity(kind) || this.ignoresDevice(userId, deviceId)) return;
    this.applyWrite(() => this.presence.bumpActive(userId));
  }

  /** Profile change: update member events and (r0 spec SHOULD) propagate via m.presence. */
  profileChanged(userId: string): void {
    // A copy: emitting a member event touches the membership index being iterated.
    const joined = [...this.rooms.joinedRooms(userId)];
    const rooms = this.faults.has('profile-change-no-member-event') ? [] : this.faults.has('profile-member-event-one-room') ? joined.slice(0, 1) : joined;
    for (const roomId of rooms) {
      this.emit(this.getRoom(roomId), userId, 'm.room.member', this.memberContent(userId, 'join'), userId);
    }
    if (this.config.presence.enabled && this.config.presence.profile_propagation && !this.faults.has('no-profile-propagation')) {
      this.presence.forceNotify(userId);
      // After the notification, which clears the mark for any ordinary change.
      if (this.faults.has('profile-event-without-presence')) this.profileOnlyEvent.add(userId);
    }
    this.activity(userId, 'profile');
  }
}

/** The key of an (observer, observed) pair. */
function pairKey(observer: string, observed: string): string {
  return `${observer}\u0000${observed}`;
}

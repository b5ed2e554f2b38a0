// Rooms: membership, state and timeline, with an index from user to joined rooms so that "who shares a
// room with whom" never scans all rooms.
import { randomBytes } from 'node:crypto';

export type Membership = 'join' | 'invite' | 'leave';

export interface RoomEvent {
  event_id: string;
  type: string;
  sender: string;
  room_id: string;
  origin_server_ts: number;
  content: Record<string, unknown>;
  state_key?: string;
  unsigned?: Record<string, unknown>;
  /** The stream position of the event (not sent to clients). */
  pos: number;
}

export interface Room {
  roomId: string;
  state: Map<string, RoomEvent>;
  /** The newest events (KEPT_EVENTS to twice that), oldest first. */
  timeline: RoomEvent[];
  members: Map<string, Membership>;
  /** The members whose membership is join, in the order of their latest join (kept with `members`
   * for the delivery of a change, which goes to every joined member of the sender's rooms and needs
   * no order; what the order decides, e.g. under a presence `limit`, reads `members`). */
  joined: Set<string>;
  /** The position of the newest event dropped from the timeline; 0 while none was. */
  droppedUpTo: number;
}

/** Events a room's timeline keeps: the mock serves history only through /sync, so older events are
 * dropped (in blocks, from twice this many) and a long run of messages does not grow memory without
 * limit. A /sync from before the kept window is answered with `limited: true`, as the spec allows. */
export const KEPT_EVENTS = 1000;

/** A user's rooms by membership; `left` keeps the position of each leave, for the leave section of /sync. */
export interface UserRooms {
  joined: ReadonlySet<string>;
  invited: ReadonlySet<string>;
  left: ReadonlyMap<string, number>;
}

/** What the index answers for a user it does not hold, and the left rooms of one who never left: never
 * written to, so one of each serves all. */
const NO_LEAVES = new Map<string, number>();
const NO_ROOMS: Readonly<UserRooms> = { joined: new Set(), invited: new Set(), left: NO_LEAVES };

export function stateKeyOf(type: string, stateKey: string): string {
  return `${type}\u0000${stateKey}`;
}

export class Rooms {
  readonly rooms = new Map<string, Room>();
  /** Each user's rooms by membership, in one entry (a /sync reads all three). */
  private readonly byUser = new Map<string, { joined: Set<string>; invited: Set<string>; left: Map<string, number> }>();

  constructor(private readonly serverName: string) {}

  newRoomId(): string {
    return `!${randomBytes(9).toString('base64url')}:${this.serverName}`;
  }

  newEventId(): string {
    return `$${randomBytes(18).toString('base64url')}`;
  }

  create(roomId: string): Room {
    const room: Room = { roomId, state: new Map(), timeline: [], members: new Map(), joined: new Set(), droppedUpTo: 0 };
    this.rooms.set(roomId, room);
    return room;
  }

  /** Appends an event; a m.room.member state event also updates the membership indexes. */
  append(room: Room, event: RoomEvent): void {
    room.timeline.push(event);
    if (room.timeline.length >= 2 * KEPT_EVENTS) room.droppedUpTo = room.timeline.splice(0, KEPT_EVENTS).at(-1)!.pos;
    if (event.state_key !== undefined) room.state.set(stateKeyOf(event.type, event.state_key), event);
    if (event.type === 'm.room.member' && event.state_key !== undefined) {
      this.setMembership(room, event.state_key, event.content.membership as Membership, event.pos);
    }
  }

  private setMembership(room: Room, userId: string, membership: Membership, pos: number): void {
    room.members.set(userId, membership);
    if (membership === 'join') room.joined.add(userId);
    else room.joined.delete(userId);
    let mine = this.byUser.get(userId);
    // `left` is the shared empty map until the user first leaves a room (most never do).
    if (!mine) this.byUser.set(userId, (mine = { joined: new Set(), invited: new Set(), left: NO_LEAVES }));
    mine.joined.delete(room.roomId);
    mine.invited.delete(room.roomId);
    if (mine.left !== NO_LEAVES) mine.left.delete(room.roomId);
    if (membership === 'join') mine.joined.add(room.roomId);
    if (membership === 'invite') mine.invited.add(room.roomId);
    if (membership === 'leave') {
      if (mine.left === NO_LEAVES) mine.left = new Map();
      mine.left.set(room.roomId, pos);
    }
  }

  membership(roomId: string, userId: string): Membership | undefined {
    return this.rooms.get(roomId)?.members.get(userId);
  }

  /** A user's rooms: joined, invited to, and left (with the position of the leave). */
  roomsOf(userId: string): Readonly<UserRooms> {
    return this.byUser.get(userId) ?? NO_ROOMS;
  }

  joinedRooms(userId: string): ReadonlySet<string> {
    return this.roomsOf(userId).joined;
  }

  invitedRooms(userId: string): ReadonlySet<string> {
    return this.roomsOf(userId).invited;
  }

  joinedMembers(roomId: string): string[] {
    const room = this.rooms.get(roomId);
    if (!room) return [];
    // In `members` order (a member keeps their place across leave and rejoin), which decides what a
    // presence `limit` keeps; `joined` is in the order of the latest joins.
    return [...room.members].filter(([, m]) => m === 'join').map(([u]) => u);
  }

  /** Whether two users share at least one joined room (iterates the smaller room set). */
  shareRoom(a: string, b: string): boolean {
    const ra = this.joinedRooms(a);
    const rb = this.joinedRooms(b);
    const [small, big] = ra.size <= rb.size ? [ra, rb] : [rb, ra];
    for (const r of small) if (big.has(r)) return true;
    return false;
  }

  /** Everyone who shares a joined room with `userId` (not including them). */
  coMembers(userId: string): Set<string> {
    const out = new Set<string>();
    for (const roomId of this.joinedRooms(userId)) {
      const room = this.rooms.get(roomId)!;
      for (const [u, m] of room.members) if (m === 'join' && u !== userId) out.add(u);
    }
    return out;
  }
}

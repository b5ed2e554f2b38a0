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
  /** The position of the newest event dropped from the timeline; 0 while none was. */
  droppedUpTo: number;
}

/** Events a room's timeline keeps: the mock serves history only through /sync, so older events are
 * dropped (in blocks, from twice this many) and a long run of messages does not grow memory without
 * limit. A /sync from before the kept window is answered with `limited: true`, as the spec allows. */
export const KEPT_EVENTS = 1000;

export function stateKeyOf(type: string, stateKey: string): string {
  return `${type}\u0000${stateKey}`;
}

export class Rooms {
  readonly rooms = new Map<string, Room>();
  private readonly joinedBy = new Map<string, Set<string>>();
  private readonly invitedTo = new Map<string, Set<string>>();
  /** Rooms a user left, with the position of the leave, for the leave section of /sync. */
  private readonly leftAt = new Map<string, Map<string, number>>();

  constructor(private readonly serverName: string) {}

  newRoomId(): string {
    return `!${randomBytes(9).toString('base64url')}:${this.serverName}`;
  }

  newEventId(): string {
    return `$${randomBytes(18).toString('base64url')}`;
  }

  create(roomId: string): Room {
    const room: Room = { roomId, state: new Map(), timeline: [], members: new Map(), droppedUpTo: 0 };
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
    const joined = this.joinedBy.get(userId) ?? new Set<string>();
    const invited = this.invitedTo.get(userId) ?? new Set<string>();
    joined.delete(room.roomId);
    invited.delete(room.roomId);
    this.leftAt.get(userId)?.delete(room.roomId);
    if (membership === 'join') joined.add(room.roomId);
    if (membership === 'invite') invited.add(room.roomId);
    if (membership === 'leave') {
      if (!this.leftAt.has(userId)) this.leftAt.set(userId, new Map());
      this.leftAt.get(userId)!.set(room.roomId, pos);
    }
    this.joinedBy.set(userId, joined);
    this.invitedTo.set(userId, invited);
  }

  membership(roomId: string, userId: string): Membership | undefined {
    return this.rooms.get(roomId)?.members.get(userId);
  }

  joinedRooms(userId: string): ReadonlySet<string> {
    return this.joinedBy.get(userId) ?? new Set();
  }

  invitedRooms(userId: string): ReadonlySet<string> {
    return this.invitedTo.get(userId) ?? new Set();
  }

  leftRooms(userId: string): ReadonlyMap<string, number> {
    return this.leftAt.get(userId) ?? new Map();
  }

  joinedMembers(roomId: string): string[] {
    const room = this.rooms.get(roomId);
    if (!room) return [];
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

// Memory per user and per room at scale, in a process of its own started with --expose-gc: the mock's
// state built through its domain API (no HTTP, so no sockets or buffers are counted), measured as the
// live heap after a full GC. Users: an account, one access token, a presence record set by a PUT (with
// its status_msg and its idle timer); rooms: the creation events, one member event per member, the
// membership indexes and the join presence queued for members who have not synced yet.
//
// Arguments: USERS ROOM_SIZE
import { realClock } from '../../mock-server/clock.js';
import { resolveConfig } from '../../mock-server/config.js';
import { Homeserver } from '../../mock-server/homeserver.js';
import { answerQuestions } from '../../cli/bench/child-process.js';

export interface MemoryFigures {
  users: number;
  rooms: number;
  roomSize: number;
  bytesPerUser: number;
  bytesPerRoom: number;
  /** The same per-room bytes divided by the members. */
  bytesPerMembership: number;
  heapMiB: number;
}

function liveHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('memory-probe needs node --expose-gc');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const users = Number(process.argv[2] ?? 100_000);
const roomSize = Number(process.argv[3] ?? 10);
const hs = new Homeserver(resolveConfig({ rate_limit: { enabled: false } }), realClock);
const base = liveHeap();
const ids: string[] = [];
for (let i = 0; i < users; i++) {
  const user = hs.accounts.register(`member${i}`, 'pw');
  hs.accounts.newSession(user.userId);
  hs.presence.setFromRequest(user.userId, 'online', `status of user ${i}`);
  ids.push(user.userId);
}
const afterUsers = liveHeap();
let rooms = 0;
for (let i = 0; i + roomSize <= users; i += roomSize) {
  const room = hs.createRoom(ids[i]!, { preset: 'public_chat', invite: [], initial_state: [] });
  for (let j = 1; j < roomSize; j++) hs.join(room.roomId, ids[i + j]!);
  rooms++;
}
const afterRooms = liveHeap();
hs.stop();
const figures: MemoryFigures = {
  users,
  rooms,
  roomSize,
  bytesPerUser: (afterUsers - base) / users,
  bytesPerRoom: (afterRooms - afterUsers) / rooms,
  bytesPerMembership: (afterRooms - afterUsers) / rooms / roomSize,
  heapMiB: afterRooms / 2 ** 20,
};
answerQuestions(figures, () => ({}));

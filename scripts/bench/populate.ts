// The fan-out's users on the mock and on a Synapse with open registration, for `npm run bench`: made
// over Node's http client with m.login.dummy (set-up is not measured). `bench --homeserver` makes its
// own the way a run does, from the target profile.
import { MatrixHttp, inBatches } from '../clients/matrix-http.js';
import { ROOM_SIZE, type Population } from '../../cli/bench/fan-out.js';

export function populateOver(url: string): (n: number, tag: string) => Promise<Population> {
  return async (n, tag) => {
    const http = new MatrixHttp(url);
    try {
      const sender = await http.register(`${tag}_sender`);
      const rooms = await inBatches(Math.ceil(n / ROOM_SIZE), 8, () => http.createRoom(sender));
      const users = await http.registerMany(`${tag}_w`, n);
      await inBatches(n, 32, (i) => http.join(rooms[Math.floor(i / ROOM_SIZE)]!, users[i]!));
      // A user in no room syncs once: its next_batch is a position after every join, for everyone.
      const since = (await http.sync(await http.register(`${tag}_clock`), undefined)).next_batch as string;
      return { sender, watchers: users.map((u) => ({ token: u.token, since })) };
    } finally {
      http.close();
    }
  };
}

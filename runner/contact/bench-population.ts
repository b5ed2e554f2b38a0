// The users and rooms of `bench --homeserver`, made the way a run makes a case's (registration from the
// profile: m.login.dummy, shared secret or static users; rooms created by one user with the others
// invited and joined), after the same bounded first GET /versions that tells a wrong URL or a stopped
// server in one sentence. Rooms hold at most `roomSize` members, so that one change reaches N watchers
// through N/roomSize rooms, as presence reaches the members of many ordinary rooms.
import { setMaxListeners } from 'node:events';
import { ConfigError } from '../../project/errors.js';
import { HomeserverClient } from '../http/homeserver-client.js';
import { runWallClock } from '../../project/clock.js';
import { dialectFor, type Dialect } from '../dialect/dialects.js';
import type { TargetProfile } from '../load/load-target.js';
import { CaseError } from '../http/case-error.js';
import { TransportError } from '../http/http-client.js';
import { ProvisioningState, provisionActors, provisionRoom, type Actor } from '../provision/provision.js';
import { checkHomeserverReachable } from './reach-homeserver.js';

const SETUP_REQUEST_MS = 120_000;

export interface BenchUser {
  user_id: string;
  access_token: string;
}

export interface BenchPopulation {
  /** The one who changes presence, in every room. */
  sender: BenchUser;
  members: BenchUser[];
  /** A /sync position after every join, for every member (read by a user in no room). */
  since: string;
}

/** Registers `n` users at most `concurrency` at a time; a failure is a ConfigError naming what failed. */
async function registerMany(client: HomeserverClient, dialect: Dialect, state: ProvisioningState, tag: string, n: number, concurrency = 16): Promise<Actor[]> {
  const out: Actor[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = (await provisionActors(client, dialect, state, [`${tag}${i}`]))[`${tag}${i}`]!;
      }
    }),
  );
  return out;
}

/** Contact with the server and the making of its bench users: one HomeserverClient, every request bounded. */
export class BenchProvisioner {
  readonly dialect: Dialect;
  private readonly client: HomeserverClient;
  private readonly state: ProvisioningState;
  private readonly controller = new AbortController();

  constructor(
    readonly homeserver: string,
    readonly profile: TargetProfile,
  ) {
    this.dialect = dialectFor(profile.release);
    if (this.dialect.stream !== 'sync')
      throw new ConfigError(`bench measures delivery in /sync; ${profile.source} speaks ${profile.release} (the early API), which has none`);
    // The watcher and load clients send the token in an Authorization header, which came in r0.3.0.
    if (this.dialect.tokenInQuery)
      throw new ConfigError(
        `bench sends the access token in an Authorization header, which ${profile.release} did not read (it came in r0.3.0); measure the server with a profile of r0.3.0 or later`,
      );
    // No overall deadline: a population of 1,000 users takes as long as the server needs, each request
    // bounded by the profile's request_timeout, and by at least SETUP_REQUEST_MS: set-up is not measured,
    // and Synapse takes over 10 s to create a room that invites 100 users.
    // Every concurrent request listens on the one signal: hundreds at once are expected, not a leak.
    setMaxListeners(0, this.controller.signal);
    this.client = new HomeserverClient(
      homeserver,
      Math.max(profile.timers.request_timeout, SETUP_REQUEST_MS),
      Number.POSITIVE_INFINITY,
      this.controller.signal,
      true,
      this.dialect.tokenInQuery,
      runWallClock,
    );
    this.state = new ProvisioningState(profile);
  }

  /** One bounded GET /versions: a ConfigError when the URL is no reachable homeserver. */
  async reach(timeoutMs = 10_000): Promise<void> {
    await checkHomeserverReachable(this.homeserver, timeoutMs, this.dialect);
  }

  /** `n` fresh users, each alone. */
  async users(tag: string, n: number): Promise<BenchUser[]> {
    return this.guard(`registering ${n} users`, async () => (await registerMany(this.client, this.dialect, this.state, tag, n)).map(benchUser));
  }

  /** A sender and `n` members in rooms of at most `roomSize`, and a /sync position after every join. */
  async population(tag: string, n: number, roomSize: number): Promise<BenchPopulation> {
    return this.guard(`making ${n} users in rooms of ${roomSize}`, async () => {
      const [sender, clock, ...members] = await registerMany(this.client, this.dialect, this.state, tag, n + 2);
      const actors: Record<string, Actor> = { [sender!.name]: sender! };
      for (const m of members) actors[m.name] = m;
      const rooms = Math.ceil(n / roomSize);
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(2, rooms) }, async () => {
          while (next < rooms) {
            const r = next++;
            const inRoom = members.slice(r * roomSize, (r + 1) * roomSize).map((m) => m.name);
            await provisionRoom(this.client, this.dialect, { name: `${tag}room${r}`, creator: sender!.name, members: inRoom, preset: 'private_chat' }, actors);
          }
        }),
      );
      // A user in no room syncs once: its next_batch is a position after every join, for everyone.
      const synced = await this.client.call('bench since', 'GET', `${this.dialect.api}/sync`, { token: clock!.access_token, query: { timeout: 0 } });
      const since = (synced.json as { next_batch?: unknown } | undefined)?.next_batch;
      if (synced.status !== 200 || typeof since !== 'string') throw new CaseError(`the first /sync answered ${synced.status} without a next_batch`);
      return { sender: benchUser(sender!), members: members.map(benchUser), since };
    });
  }

  close(): void {
    this.controller.abort();
  }

  private async guard<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof CaseError || err instanceof TransportError) throw new ConfigError(`${this.homeserver}: ${what}: ${err.message}`);
      throw err;
    }
  }
}

function benchUser(a: Actor): BenchUser {
  return { user_id: a.user_id, access_token: a.access_token };
}

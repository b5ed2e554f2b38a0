// Users, devices and access tokens. Passwords are kept in memory in clear: the mock is a test double.
import { randomBytes } from 'node:crypto';
import { ERRORS, MatrixError } from './errors.js';

export interface User {
  userId: string;
  localpart: string;
  password: string | undefined;
  displayname?: string;
  avatar_url?: string;
  filters: Map<string, Record<string, unknown>>;
  /** txnId -> event_id, so a retried send is idempotent (spec: transaction identifiers). */
  txns: Map<string, string>;
}

export interface Session {
  userId: string;
  deviceId: string;
}

// Spec (appendices, user identifiers): the historical grammar allowed by servers is lowercase
// a-z 0-9 . _ = - /; registration refuses anything else with M_INVALID_USERNAME.
const LOCALPART = /^[a-z0-9._=\-/]+$/;

const USER_ID = /^@([^:]+):(.+)$/;

export function parseUserId(raw: string): { localpart: string; server: string } | undefined {
  const m = USER_ID.exec(raw);
  if (!m || raw.length > 255) return undefined;
  return { localpart: m[1]!, server: m[2]! };
}

/** Whether `raw` has the @localpart:server shape parseUserId reads (without building its parts). */
export function isUserId(raw: string): boolean {
  return raw.length <= 255 && USER_ID.test(raw);
}

export class Accounts {
  readonly users = new Map<string, User>();
  private readonly tokens = new Map<string, Session>();
  private counter = 0;

  constructor(private readonly serverName: string) {}

  userIdOf(localpart: string): string {
    return `@${localpart}:${this.serverName}`;
  }

  register(localpart: string | undefined, password: string | undefined): User {
    const name = localpart ?? `user${++this.counter}_${randomBytes(3).toString('hex')}`;
    if (!LOCALPART.test(name)) throw new MatrixError(ERRORS.INVALID_USERNAME);
    const userId = this.userIdOf(name);
    if (this.users.has(userId)) throw new MatrixError(ERRORS.USER_IN_USE);
    const user: User = { userId, localpart: name, password, filters: new Map(), txns: new Map() };
    this.users.set(userId, user);
    return user;
  }

  /** A user made in advance with a fixed token (configuration `registration.users`). */
  addStatic(localpart: string, accessToken: string, deviceId: string): User {
    const user = this.register(localpart, undefined);
    this.tokens.set(accessToken, { userId: user.userId, deviceId });
    if (!this.firstDevice.has(user.userId)) this.firstDevice.set(user.userId, deviceId);
    return user;
  }

  isAvailable(localpart: string): boolean {
    if (!LOCALPART.test(localpart)) throw new MatrixError(ERRORS.INVALID_USERNAME);
    if (this.users.has(this.userIdOf(localpart))) throw new MatrixError(ERRORS.USER_IN_USE);
    return true;
  }

  /**
   * When a device of each user was last seen: its login, or its latest /sync (Homeserver.noteDeviceSeen,
   * which keeps it only for the behaviours that read it). Dendrite's GET counts it as the user's last
   * active time (the currently-active-by-recency variant, the no-state-empty-presence fault).
   */
  readonly deviceSeen = new Map<string, number>();

  /** The device of a user's first session (the first-device-only fault). */
  readonly firstDevice = new Map<string, string>();

  newSession(userId: string, deviceId?: string): { accessToken: string; deviceId: string } {
    const session = { userId, deviceId: deviceId ?? randomBytes(5).toString('hex').toUpperCase() };
    if (!this.firstDevice.has(userId)) this.firstDevice.set(userId, session.deviceId);
    const accessToken = `mpc_${randomBytes(18).toString('base64url')}`;
    this.tokens.set(accessToken, session);
    return { accessToken, deviceId: session.deviceId };
  }

  sessionFor(token: string): Session | undefined {
    return this.tokens.get(token);
  }

  logout(token: string): void {
    this.tokens.delete(token);
  }

  logoutAll(userId: string): void {
    for (const [token, s] of this.tokens) if (s.userId === userId) this.tokens.delete(token);
  }

  /** The user for a login identifier: a localpart or a full user id on this server. */
  findForLogin(user: string): User | undefined {
    return this.users.get(user.startsWith('@') ? user : this.userIdOf(user.toLowerCase()));
  }

  firstUser(): User | undefined {
    return this.users.values().next().value;
  }
}

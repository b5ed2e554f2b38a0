// Fresh users and rooms for each case, so cases are independent and can run concurrently, in the
// target's dialect (runner/dialect/dialects.ts). The user-interactive auth flow and the registration
// endpoints follow the Client-Server API ("Account registration", "User-interactive authentication
// API"); the early API registers with one m.login.password stage ({type, user, password} -> {user_id,
// access_token}) and creates rooms with a visibility instead of a preset; shared-secret registration is
// Synapse's admin API (POST /_synapse/admin/v1/register with an HMAC-SHA1 over
// nonce\0username\0password\0notadmin).
import { createHmac, randomBytes } from 'node:crypto';
import type { HttpResponse } from '../http/http-client.js';
import type { HomeserverClient } from '../http/homeserver-client.js';
import type { StaticUser, TargetProfile } from '../load/load-target.js';
import type { RoomSpec } from '../load/suite-types.js';
import { CaseError } from '../http/case-error.js';
import type { Dialect } from '../dialect/dialects.js';
import { localpartOf, serverNameOf } from '../../project/user-id.js';

export interface Actor {
  name: string;
  user_id: string;
  localpart: string;
  access_token: string;
  device_id?: string;
  /** The password the runner registered the user with (none for static users); logs in more devices. */
  password?: string;
}

/** Shared by all cases of a run: the run id that makes names unique, and the static-user pool. */
export class ProvisioningState {
  readonly runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  private counter = 0;
  private staticIndex = 0;
  serverName?: string;

  constructor(readonly profile: TargetProfile) {
    this.serverName = profile.server_name;
  }

  nextLocalpart(actor: string): string {
    this.counter += 1;
    return `mpc-${this.runId}-${this.counter}-${actor}`.toLowerCase();
  }

  nextStaticUser(): StaticUser {
    const users = this.profile.registration.users ?? [];
    const user = users[this.staticIndex];
    if (!user) {
      this.staticIndex = users.length;
      throw new CaseError(`the target profile's static users are used up (${users.length} listed; each actor of each case needs one)`);
    }
    this.staticIndex += 1;
    return user;
  }
}

function bodyOf(response: HttpResponse, what: string): Record<string, unknown> {
  if (response.json === undefined || response.json === null || typeof response.json !== 'object') {
    throw new CaseError(`${what}: HTTP ${response.status}, ${response.jsonError ?? 'body is not a JSON object'}`);
  }
  return response.json as Record<string, unknown>;
}

function describeFailure(response: HttpResponse, what: string): CaseError {
  const body = response.json as { errcode?: string; error?: string } | undefined;
  const detail = body?.errcode ? `${body.errcode}${body.error ? `: ${body.error}` : ''}` : response.text.slice(0, 120);
  return new CaseError(`${what} failed: HTTP ${response.status} ${detail}`);
}

/** A registration or login that succeeded without giving the credentials (user_id, access_token) a client needs. */
export class NoCredentialsError extends CaseError {}

function actorFrom(name: string, body: Record<string, unknown>, what: string): Actor {
  const { user_id, access_token, device_id } = body;
  if (typeof user_id !== 'string' || typeof access_token !== 'string') {
    throw new NoCredentialsError(`${what}: the response lacks user_id or access_token`);
  }
  return { name, user_id, localpart: localpartOf(user_id), access_token, device_id: typeof device_id === 'string' ? device_id : undefined };
}

async function registerDummy(client: HomeserverClient, dialect: Dialect, name: string, localpart: string): Promise<Actor> {
  const what = `registering ${name} (m.login.dummy)`;
  const password = randomBytes(12).toString('hex');
  const base = { username: localpart, password, initial_device_display_name: 'matrix-presence-conformance' };
  const path = `${dialect.api}/register`;
  // The first request starts the user-interactive auth flow; a server may also accept it straight away.
  let response = await client.call(`provision ${name}`, 'POST', path, { json: base, retry429: true });
  if (response.status === 401) {
    const flowBody = bodyOf(response, what);
    const flows = (flowBody.flows as { stages?: string[] }[] | undefined) ?? [];
    const dummyOffered = flows.some((f) => Array.isArray(f.stages) && f.stages.length === 1 && f.stages[0] === 'm.login.dummy');
    if (!dummyOffered) {
      throw new CaseError(
        `${what}: the server does not offer a registration flow of just m.login.dummy (offered: ${JSON.stringify(flows.map((f) => f.stages))}); use registration method shared_secret or static`,
      );
    }
    response = await client.call(`provision ${name}`, 'POST', path, {
      json: { ...base, auth: { type: 'm.login.dummy', session: flowBody.session } },
      retry429: true,
    });
  }
  if (response.status !== 200) throw describeFailure(response, what);
  return { ...actorFrom(name, bodyOf(response, what), what), password };
}

/** The early API: one m.login.password stage registers the user (no user-interactive auth). */
async function registerPassword(client: HomeserverClient, dialect: Dialect, name: string, localpart: string): Promise<Actor> {
  const what = `registering ${name} (m.login.password)`;
  const password = randomBytes(12).toString('hex');
  const response = await client.call(`provision ${name}`, 'POST', `${dialect.api}/register`, {
    json: { type: 'm.login.password', user: localpart, password },
    retry429: true,
  });
  if (response.status !== 200) throw describeFailure(response, what);
  return { ...actorFrom(name, bodyOf(response, what), what), password };
}

/** Another device of a provisioned user: a password login in the target's dialect. */
export async function loginDevice(client: HomeserverClient, dialect: Dialect, actor: Actor, device: string): Promise<Actor> {
  const what = `logging ${actor.name} in on device ${device}`;
  if (actor.password === undefined) throw new CaseError(`${what}: the user has no password the runner knows (static users have one device each)`);
  // Before r0.4.0 (and in the early API) /login took the user as `user`; `identifier` came in r0.4.0.
  const json = !dialect.loginIdentifier
    ? { type: 'm.login.password', user: actor.localpart, password: actor.password }
    : {
        type: 'm.login.password',
        identifier: { type: 'm.id.user', user: actor.localpart },
        password: actor.password,
        initial_device_display_name: `matrix-presence-conformance ${device}`,
      };
  const response = await client.call(`provision ${actor.name} ${device}`, 'POST', `${dialect.api}/login`, { json, retry429: true });
  if (response.status !== 200) throw describeFailure(response, what);
  const logged = actorFrom(actor.name, bodyOf(response, what), what);
  return { ...logged, name: `${actor.name}.${device}`, password: actor.password };
}

async function registerSharedSecret(client: HomeserverClient, name: string, localpart: string, secret: string): Promise<Actor> {
  const what = `registering ${name} (shared secret)`;
  const path = '/_synapse/admin/v1/register';
  const nonceResponse = await client.call(`provision ${name}`, 'GET', path, { retry429: true });
  if (nonceResponse.status !== 200) throw describeFailure(nonceResponse, `${what}: getting a nonce`);
  const nonce = bodyOf(nonceResponse, what).nonce;
  if (typeof nonce !== 'string') throw new CaseError(`${what}: the nonce response has no nonce`);
  const password = randomBytes(12).toString('hex');
  const mac = createHmac('sha1', secret).update(`${nonce}\0${localpart}\0${password}\0notadmin`).digest('hex');
  const response = await client.call(`provision ${name}`, 'POST', path, {
    json: { nonce, username: localpart, password, admin: false, mac },
    retry429: true,
  });
  if (response.status !== 200) throw describeFailure(response, what);
  return { ...actorFrom(name, bodyOf(response, what), what), password };
}

/**
 * Provisions all actors of a case. Static users are taken all at once, before any await, so that
 * concurrent cases each get a contiguous, predictable share of the list.
 */
export async function provisionActors(client: HomeserverClient, dialect: Dialect, state: ProvisioningState, names: string[]): Promise<Record<string, Actor>> {
  const actors: Record<string, Actor> = {};
  if (state.profile.registration.method === 'static') {
    const users = names.map(() => state.nextStaticUser());
    names.forEach((name, i) => {
      const user = users[i]!;
      actors[name] = { name, user_id: user.user_id, localpart: localpartOf(user.user_id), access_token: user.access_token, device_id: user.device_id };
      state.serverName ??= serverNameOf(user.user_id);
    });
    return actors;
  }
  for (const name of names) actors[name] = await provisionActor(client, dialect, state, name);
  return actors;
}

async function provisionActor(client: HomeserverClient, dialect: Dialect, state: ProvisioningState, name: string): Promise<Actor> {
  const registration = state.profile.registration;
  let actor: Actor;
  if (registration.method === 'shared_secret') {
    actor = await registerSharedSecret(client, name, state.nextLocalpart(name), registration.shared_secret ?? '');
  } else if (dialect.registration === 'password') {
    actor = await registerPassword(client, dialect, name, state.nextLocalpart(name));
  } else {
    actor = await registerDummy(client, dialect, name, state.nextLocalpart(name));
  }
  state.serverName ??= serverNameOf(actor.user_id);
  return actor;
}

/** Creates a room as its creator, invites the members, and has each of them join. */
export async function provisionRoom(client: HomeserverClient, dialect: Dialect, room: RoomSpec, actors: Record<string, Actor>): Promise<{ room_id: string }> {
  const creator = actors[room.creator]!;
  const what = `creating room ${room.name}`;
  const invite = room.members.map((m) => actors[m]!.user_id);
  // The early API has no presets: a room is public or private ("Rooms default to private visibility";
  // the visibility is always sent, since early servers defaulted otherwise).
  const json = dialect.roomPresets ? { preset: room.preset, invite } : { visibility: room.preset === 'public_chat' ? 'public' : 'private', invite };
  const created = await client.call(`provision room ${room.name}`, 'POST', `${dialect.api}/createRoom`, {
    token: creator.access_token,
    json,
    retry429: true,
  });
  if (created.status !== 200) throw describeFailure(created, what);
  const roomId = bodyOf(created, what).room_id;
  if (typeof roomId !== 'string') throw new CaseError(`${what}: the response has no room_id`);
  if (!dialect.roomPresets && room.preset === 'public_chat') {
    // In the early API the visibility lists a room; whether anyone may join without an invite is the
    // m.room.join_rules state event's to say, so a public room gets join_rule public explicitly.
    const opened = await client.call(`provision room ${room.name}`, 'PUT', `${dialect.api}/rooms/${encodeURIComponent(roomId)}/state/m.room.join_rules`, {
      token: creator.access_token,
      json: { join_rule: 'public' },
      retry429: true,
    });
    if (opened.status !== 200) throw describeFailure(opened, `${what}: setting join_rule public`);
  }
  for (const member of room.members) {
    // /join/{roomIdOrAlias} exists in every dialect; its answer need not name the room (early servers).
    const joined = await client.call(`provision room ${room.name}`, 'POST', `${dialect.api}/join/${encodeURIComponent(roomId)}`, {
      token: actors[member]!.access_token,
      json: {},
      retry429: true,
    });
    if (joined.status !== 200) throw describeFailure(joined, `${member} joining room ${room.name}`);
  }
  return { room_id: roomId };
}

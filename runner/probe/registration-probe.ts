// How the runner can get users on this server, found by asking it:
// - open registration: POST /_matrix/client/v3/register without `auth` answers 401 with the flows of
//   user-interactive auth (Client-Server API, "User-interactive authentication API"); a flow of just
//   m.login.dummy is one the runner completes on its own;
// - closed registration: 403 M_FORBIDDEN (Synapse, Dendrite, conduwuit), or flows the runner cannot
//   complete (conduwuit's m.login.registration_token, a captcha);
// - shared-secret registration: GET /_synapse/admin/v1/register answers a nonce (Synapse, Dendrite); it
//   needs the server's secret, which only its operator knows;
// - pre-made users (static): their tokens are checked with GET /_matrix/client/v3/account/whoami.
// Users are made through the runner's own provisioning (provision/provision.ts), so a method that works
// here works in the run.
import { ConfigError } from '../../project/errors.js';
import { DEFAULT_TIMERS, type Registration, type StaticUser, type TargetProfile } from '../load/load-target.js';
import { CaseError } from '../execute/case-error.js';
import { TransportError } from '../http/http-client.js';
import { provisionActors, ProvisioningState } from '../provision/provision.js';
import type { Finding } from './findings.js';
import { answered, describeAnswer, PROBE_DIALECT, type ProbeSession } from './probe-session.js';
import type { ProbeUser } from './presence-switch.js';
import { serverNameOf } from '../../project/user-id.js';

export const SHARED_SECRET_PLACEHOLDER = 'REPLACE-ME-with-the-servers-registration_shared_secret';
export const STATIC_TOKEN_PLACEHOLDER = 'REPLACE-ME-with-an-access-token';

export interface RegistrationOutcome {
  finding: Finding;
  /** What the profile says. */
  registration: Registration;
  /** The registration values are placeholders the user must replace before a run. */
  placeholder: boolean;
  /** Users the other probes may use (none when the runner cannot make any). */
  users: ProbeUser[];
  serverName?: string;
}

function profileFor(registration: Registration): TargetProfile {
  return {
    name: 'probe',
    spec_version: 'v1.19',
    registration,
    timers: { ...DEFAULT_TIMERS },
    capabilities: [],
    mock: { faults: [], variants: [] },
    source: '(probe)',
  };
}

/** Makes `count` users with the runner's provisioning; the error says why not. */
async function makeUsers(session: ProbeSession, registration: Registration, count: number): Promise<ProbeUser[] | string> {
  const state = new ProvisioningState(profileFor(registration));
  try {
    const actors = await provisionActors(
      session.client,
      PROBE_DIALECT,
      state,
      Array.from({ length: count }, (_, i) => String.fromCharCode(97 + i)),
    );
    return Object.values(actors).map((a) => ({ user_id: a.user_id, access_token: a.access_token }));
  } catch (err) {
    if (err instanceof CaseError || err instanceof TransportError) return err.message;
    throw err;
  }
}

/** The flows of a 401 from POST /register, as "[m.login.dummy], [m.login.registration_token]". */
function flowsOf(json: unknown): string[][] {
  const flows = (json as { flows?: { stages?: unknown }[] } | undefined)?.flows;
  if (!Array.isArray(flows)) return [];
  return flows.map((f) => (Array.isArray(f?.stages) ? f.stages.map(String) : []));
}

function showFlows(flows: string[][]): string {
  return flows.map((f) => `[${f.join(', ')}]`).join(', ') || 'none';
}

/**
 * Checks pre-made users' tokens (GET /account/whoami, a few at a time). Returns a sentence naming the
 * first user whose token is refused or belongs to someone else, or undefined when all are good. A
 * server without whoami (404) cannot tell, and is not held against the users.
 */
export async function verifyStaticUsers(session: ProbeSession, users: StaticUser[]): Promise<string | undefined> {
  const problems: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < users.length && problems.length === 0) {
      const user = users[next++]!;
      const answer = await session.call('static users', 'GET', '/_matrix/client/v3/account/whoami', { token: user.access_token });
      const r = answer.response;
      if (!r) problems.push(`checking the token of ${user.user_id} ${answered(answer)}`);
      else if (r.status === 401 || r.status === 403)
        problems.push(`the token of ${user.user_id} is refused: GET /_matrix/client/v3/account/whoami ${answered(answer)}`);
      else if (r.status === 200) {
        const owner = (r.json as { user_id?: unknown } | undefined)?.user_id;
        if (typeof owner === 'string' && owner !== user.user_id) problems.push(`the token listed for ${user.user_id} belongs to ${owner}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, users.length) }, worker));
  return problems[0];
}

/** What POST /register without `auth` says: open (a flow of just m.login.dummy) or refused, and how. */
export async function askRegistration(session: ProbeSession, api = PROBE_DIALECT.api): Promise<{ open: true } | { open: false; refused: string }> {
  const first = await session.call('registration', 'POST', `${api}/register`, {
    json: { username: `mpc-probe-${Date.now().toString(36)}`, password: 'probe-only-asks' },
  });
  const flows = first.response?.status === 401 ? flowsOf(first.response.json) : [];
  // A 200 straight away is a server that needs no auth at all: it says so with the new user's id.
  const registeredAtOnce = first.response?.status === 200 && typeof (first.response.json as { user_id?: unknown } | undefined)?.user_id === 'string';
  if (registeredAtOnce || flows.some((f) => f.length === 1 && f[0] === 'm.login.dummy')) return { open: true };
  if (first.response?.status === 401)
    return { open: false, refused: `POST /register offers only the flows ${showFlows(flows)}; the runner completes only m.login.dummy` };
  return { open: false, refused: `POST /register ${answered(first)}` };
}

/** Whether Synapse's shared-secret registration is served (GET gives a nonce), and what was seen. */
export async function askSharedSecret(session: ProbeSession): Promise<{ served: boolean; seen: string }> {
  const nonce = await session.call('registration', 'GET', '/_synapse/admin/v1/register');
  const served = nonce.response?.status === 200 && typeof (nonce.response.json as { nonce?: unknown } | undefined)?.nonce === 'string';
  return { served, seen: `GET /_synapse/admin/v1/register: ${served ? 'a nonce' : describeAnswer(nonce)}` };
}

export interface RegistrationProbeOptions {
  /** Pre-made users (--users FILE): checked and used as they are. */
  users?: StaticUser[];
  /** The server's registration_shared_secret (--shared-secret), tried when registration is not open. */
  sharedSecret?: string;
  /** How many users the other probes would like. */
  wanted: number;
}

export async function probeRegistration(session: ProbeSession, options: RegistrationProbeOptions): Promise<RegistrationOutcome> {
  const mark = session.mark;
  const topic = 'registration';
  if (options.users) {
    const problem = await verifyStaticUsers(session, options.users);
    if (problem) throw new ConfigError(`--users: ${problem}`);
    return {
      finding: {
        topic,
        conclusion: `pre-made users: the ${options.users.length} tokens given with --users are accepted (method static)`,
        evidence: session.evidenceSince(mark),
      },
      registration: { method: 'static', users: options.users },
      placeholder: false,
      // The last users of the list: a run hands them out from the first, so the probes' traces
      // (presence set, a shared room, a changed displayname) stay away from the cases where they can.
      users: options.users
        .slice(-options.wanted)
        .reverse()
        .map((u) => ({ user_id: u.user_id, access_token: u.access_token })),
      serverName: options.users[0] && serverNameOf(options.users[0].user_id),
    };
  }

  // One request without `auth` shows whether registration is open and which flows it offers.
  const asked = await askRegistration(session);
  let refused: string;
  if (asked.open) {
    const users = await makeUsers(session, { method: 'dummy' }, options.wanted);
    if (typeof users !== 'string') {
      return {
        finding: {
          topic,
          conclusion: `open: POST /register offers the flow [m.login.dummy] (method dummy); made ${users.length} users for the probes`,
          evidence: session.evidenceSince(mark),
        },
        registration: { method: 'dummy' },
        placeholder: false,
        users,
        serverName: users[0] && serverNameOf(users[0].user_id),
      };
    }
    refused = `POST /register offers [m.login.dummy] but registering failed: ${users}`;
  } else {
    refused = asked.refused;
  }

  if (options.sharedSecret !== undefined) {
    const users = await makeUsers(session, { method: 'shared_secret', shared_secret: options.sharedSecret }, options.wanted);
    if (typeof users === 'string') throw new ConfigError(`--shared-secret: ${users}`);
    return {
      finding: {
        topic,
        conclusion: `${refused}; shared-secret registration with the secret given works (method shared_secret); made ${users.length} users`,
        evidence: session.evidenceSince(mark),
      },
      registration: { method: 'shared_secret', shared_secret: options.sharedSecret },
      placeholder: false,
      users,
      serverName: users[0] && serverNameOf(users[0].user_id),
    };
  }

  const sharedSecret = await askSharedSecret(session);
  if (sharedSecret.served) {
    return {
      finding: {
        topic,
        conclusion: `${refused}; shared-secret registration is served (GET /_synapse/admin/v1/register gives a nonce): the profile says method shared_secret with a placeholder for the server's registration_shared_secret (or give it with --shared-secret); no users for the other probes`,
        evidence: session.evidenceSince(mark),
      },
      registration: { method: 'shared_secret', shared_secret: SHARED_SECRET_PLACEHOLDER },
      placeholder: true,
      users: [],
    };
  }
  return {
    finding: {
      topic,
      conclusion: `${refused}; no shared-secret registration either (${sharedSecret.seen}): the profile says method static with a placeholder user; list pre-made users there (or give them with --users FILE); no users for the other probes`,
      evidence: session.evidenceSince(mark),
    },
    registration: { method: 'static', users: [{ user_id: '@replace-me:example.org', access_token: STATIC_TOKEN_PLACEHOLDER }] },
    placeholder: true,
    users: [],
  };
}

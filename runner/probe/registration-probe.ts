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
import { CaseError } from '../http/case-error.js';
import { TransportError } from '../http/http-client.js';
import { provisionActors, ProvisioningState } from '../provision/provision.js';
import type { Finding } from './findings.js';
import type { ProbeSession } from '../contact/probe-session.js';
import type { ProbeUser } from '../contact/presence-switch.js';
import { askRegistration, askSharedSecret, SHARED_SECRET_PLACEHOLDER, STATIC_TOKEN_PLACEHOLDER, verifyStaticUsers } from '../contact/registration-asks.js';
import { serverNameOf } from '../../project/user-id.js';

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
    release: 'v1.19',
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
      session.dialect,
      state,
      Array.from({ length: count }, (_, i) => String.fromCharCode(97 + i)),
    );
    return Object.values(actors).map((a) => ({ user_id: a.user_id, access_token: a.access_token }));
  } catch (err) {
    if (err instanceof CaseError || err instanceof TransportError) return err.message;
    throw err;
  }
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

  // One request without `auth` shows whether registration is open and which flows it offers. The early
  // API has no user-interactive auth: its register takes one m.login.password stage, so it is tried.
  const early = session.dialect.registration === 'password';
  const asked = early ? ({ open: true } as const) : await askRegistration(session);
  let refused: string;
  if (asked.open) {
    const users = await makeUsers(session, { method: 'dummy' }, options.wanted);
    if (typeof users !== 'string') {
      return {
        finding: {
          topic,
          conclusion: early
            ? `open: POST /register with type m.login.password made ${users.length} users for the probes (the early API; method dummy)`
            : `open: POST /register offers the flow [m.login.dummy] (method dummy); made ${users.length} users for the probes`,
          evidence: session.evidenceSince(mark),
        },
        registration: { method: 'dummy' },
        placeholder: false,
        users,
        serverName: users[0] && serverNameOf(users[0].user_id),
      };
    }
    refused = early ? `POST /register (m.login.password) failed: ${users}` : `POST /register offers [m.login.dummy] but registering failed: ${users}`;
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

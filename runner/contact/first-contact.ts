// Before the first case against --homeserver: can the runner get users, and is presence on at all? A
// server where either fails would answer every case with the same error or the same false failure, so
// the run stops instead with one sentence (ConfigError, exit 2) saying what was seen and what to set.
// The checks cost one user (made the way the cases make theirs, or the first static user) and one PUT
// and GET of that user's own presence.
import { ConfigError } from '../../project/errors.js';
import { CaseError } from '../http/case-error.js';
import { TransportError } from '../http/http-client.js';
import type { Dialect } from '../dialect/dialects.js';
import type { TargetProfile } from '../load/load-target.js';
import { checkPresenceSwitch, SWITCH_PRESENCE_ON, type ProbeUser } from './presence-switch.js';
import type { ProbeSession } from './probe-session.js';
import { askRegistration, askSharedSecret, SHARED_SECRET_PLACEHOLDER, STATIC_TOKEN_PLACEHOLDER, verifyStaticUsers } from './registration-asks.js';
import { NoCredentialsError, provisionActors, type ProvisioningState } from '../provision/provision.js';
import { serverNameOf } from '../../project/user-id.js';

/** Where to set things: the user's own profile, or a profile still to write when none was given. */
function whereToSet(profile: TargetProfile, baseUrl: string, field: string): string {
  if (profile.generic) {
    return `no --target was given, so write a profile (matrix-presence-conformance profile init --homeserver ${baseUrl} --out my-server.yaml finds out what it can), set ${field} there, and run with --target my-server.yaml`;
  }
  return `set ${field} in ${profile.source}`;
}

async function staticContactUser(session: ProbeSession, profile: TargetProfile, usersNeeded: number): Promise<ProbeUser> {
  const users = profile.registration.users ?? [];
  if (users.some((u) => u.access_token === STATIC_TOKEN_PLACEHOLDER)) {
    throw new ConfigError(
      `registration.users in ${profile.source} still holds the placeholder profile init wrote: list the server's pre-made users with their access tokens there`,
    );
  }
  if (users.length < usersNeeded) {
    throw new ConfigError(
      `${profile.source} lists ${users.length} static user${users.length === 1 ? '' : 's'}, and the selected cases need ${usersNeeded} (one per actor of each case): add users to registration.users, or select fewer cases (--grep, --tag)`,
    );
  }
  const problem = await verifyStaticUsers(session, users);
  if (problem) throw new ConfigError(`${problem}; replace that user in registration.users of ${profile.source}`);
  // The last one: the cases take users from the first on, so this one's presence change meets a case
  // only when the list is just long enough.
  const contact = users.at(-1)!;
  return { user_id: contact.user_id, access_token: contact.access_token };
}

const WITHOUT_TOKEN = 'registration answered 200 without an access token';

/**
 * The first words of a registration stop, naming what the server did: refused, answered 200 without
 * the credentials a client needs, or did not answer at all.
 */
function whatRegistrationDid(err: CaseError | TransportError): string {
  if (err instanceof NoCredentialsError) return WITHOUT_TOKEN;
  if (err instanceof TransportError) return err.kind === 'timeout' ? 'registration got no answer' : 'registration failed on the connection';
  return 'registration refused';
}

async function registeredContactUser(session: ProbeSession, dialect: Dialect, profile: TargetProfile, provisioning: ProvisioningState): Promise<ProbeUser> {
  const method = profile.registration.method;
  if (method === 'shared_secret' && profile.registration.shared_secret === SHARED_SECRET_PLACEHOLDER) {
    throw new ConfigError(
      `registration.shared_secret in ${profile.source} is still the placeholder profile init wrote: set it to the server's registration_shared_secret`,
    );
  }
  try {
    const { contact } = await provisionActors(session.client, dialect, provisioning, ['contact']);
    return contact!;
  } catch (err) {
    if (!(err instanceof CaseError) && !(err instanceof TransportError)) throw err;
    if (method === 'shared_secret') {
      throw new ConfigError(
        `${whatRegistrationDid(err)}: ${err.message}; ${whereToSet(profile, session.baseUrl, "registration.shared_secret to the server's registration_shared_secret")}`,
      );
    }
    const asked = await askRegistration(session, dialect.api);
    const seen = asked.open ? err.message : asked.refused;
    const what = !asked.open && asked.withoutToken ? WITHOUT_TOKEN : whatRegistrationDid(err);
    const sharedSecret = await askSharedSecret(session);
    const remedy = sharedSecret.served
      ? whereToSet(profile, session.baseUrl, 'registration.method: shared_secret and registration.shared_secret (the server serves shared-secret registration)')
      : whereToSet(profile, session.baseUrl, 'registration.method: static and list pre-made users under registration.users');
    throw new ConfigError(`${what}: ${seen}, and the cases need fresh users; ${remedy}`);
  }
}

/**
 * Throws ConfigError when the run cannot get users or presence is off. Learns the server name from the
 * user it makes. `usersNeeded` is how many static users the selected cases take.
 */
export async function firstContact(
  session: ProbeSession,
  dialect: Dialect,
  profile: TargetProfile,
  provisioning: ProvisioningState,
  usersNeeded: number,
): Promise<void> {
  const user =
    profile.registration.method === 'static'
      ? await staticContactUser(session, profile, usersNeeded)
      : await registeredContactUser(session, dialect, profile, provisioning);
  provisioning.serverName ??= serverNameOf(user.user_id);
  const presence = await checkPresenceSwitch(session, user, dialect);
  const url = session.baseUrl;
  switch (presence.verdict) {
    case 'off':
      throw new ConfigError(`presence is off on ${url}: ${presence.seen}; ${SWITCH_PRESENCE_ON}, then run again`);
    case 'token-refused':
      throw new ConfigError(
        `${url} refuses the access token of ${user.user_id}: ${presence.seen}${profile.registration.method === 'static' ? `; replace that user in registration.users of ${profile.source}` : ', which it has just issued'}`,
      );
    case 'not-served':
      throw new ConfigError(`${url} does not serve the presence endpoints: ${presence.seen}; there is no presence module to test`);
    default:
      // 'on', or nothing conclusive: the cases judge for themselves.
      return;
  }
}

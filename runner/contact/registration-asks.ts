// What the first contact of a run and `profile init` both ask about registration: whether POST
// /register is open to the flow the runner completes (m.login.dummy), whether Synapse's shared-secret
// registration is served, and whether pre-made users' tokens are good. Both also recognise the
// placeholders profile init writes where only the server's operator knows the value.
import type { StaticUser } from '../load/load-target.js';
import { answered, describeAnswer, type ProbeSession } from './probe-session.js';

export const SHARED_SECRET_PLACEHOLDER = 'REPLACE-ME-with-the-servers-registration_shared_secret';
export const STATIC_TOKEN_PLACEHOLDER = 'REPLACE-ME-with-an-access-token';

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
      const answer = await session.call('static users', 'GET', `${session.dialect.api}/account/whoami`, { token: user.access_token });
      const r = answer.response;
      if (!r) problems.push(`checking the token of ${user.user_id} ${answered(answer)}`);
      else if (r.status === 401 || r.status === 403)
        problems.push(`the token of ${user.user_id} is refused: GET ${session.dialect.api}/account/whoami ${answered(answer)}`);
      else if (r.status === 200) {
        const owner = (r.json as { user_id?: unknown } | undefined)?.user_id;
        if (typeof owner === 'string' && owner !== user.user_id) problems.push(`the token listed for ${user.user_id} belongs to ${owner}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, users.length) }, worker));
  return problems[0];
}

/**
 * What POST /register without `auth` says: open (a flow of just m.login.dummy) or refused, and how. A
 * 200 without the new user's id or access token is no refusal: `withoutToken` says so, and the words
 * name what the server did.
 */
export async function askRegistration(
  session: ProbeSession,
  api = session.dialect.api,
): Promise<{ open: true } | { open: false; refused: string; withoutToken?: boolean }> {
  const first = await session.call('registration', 'POST', `${api}/register`, {
    json: { username: `mpc-probe-${Date.now().toString(36)}`, password: 'probe-only-asks' },
  });
  const flows = first.response?.status === 401 ? flowsOf(first.response.json) : [];
  // A 200 straight away is a server that needs no auth at all: it says so with the new user's id and token.
  const body = first.response?.json as { user_id?: unknown; access_token?: unknown } | undefined;
  // A 200 whose body is not a JSON object is told as such, below.
  if (first.response?.status === 200 && body !== null && typeof body === 'object') {
    if (typeof body.user_id === 'string' && typeof body.access_token === 'string') return { open: true };
    const lacks = [typeof body?.user_id === 'string' ? undefined : 'user_id', typeof body?.access_token === 'string' ? undefined : 'access_token'].filter(
      Boolean,
    );
    return { open: false, refused: `POST /register answered 200 without ${lacks.join(' or ')}`, withoutToken: true };
  }
  if (flows.some((f) => f.length === 1 && f[0] === 'm.login.dummy')) return { open: true };
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

// Live checks of the Synapse started by scripts/synapse/start.sh: that it is the server the synapse
// profile describes (open dummy registration, the profile's rate limit and presence timers).
// Not part of `npm test` (it needs root, the chroot and ~30 s):
//   bash scripts/synapse/start.sh && npx mocha --config test/synapse/live.mocharc.json
// The URL comes from SYNAPSE_URL, else from .synapse/url (written by start.sh).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTargetProfile, type TargetProfile } from '../../runner/load/load-target.js';
import { projectRoot } from '../../project/paths.js';

interface User {
  user_id: string;
  access_token: string;
}

function synapseUrl(): string {
  const fromEnv = process.env['SYNAPSE_URL'];
  if (fromEnv) return fromEnv.replace(/\/$/, '');
  try {
    return readFileSync(join(projectRoot, '.synapse', 'url'), 'utf8').trim();
  } catch {
    throw new Error('no Synapse URL: set SYNAPSE_URL or run `bash scripts/synapse/start.sh` first');
  }
}

/** When start.sh started the server (0 when unknown, e.g. a server started some other way). */
function startedAtMs(): number {
  try {
    return Number(readFileSync(join(projectRoot, '.synapse', 'started'), 'utf8').trim()) * 1000 || 0;
  } catch {
    return 0;
  }
}

describe('live Synapse (scripts/synapse/start.sh)', () => {
  let url = '';
  let profile: TargetProfile;
  const run = Date.now().toString(36);

  async function call(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(url + path, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }
  const statusPath = (u: User): string => `/_matrix/client/v3/presence/${encodeURIComponent(u.user_id)}/status`;
  async function register(name: string): Promise<User> {
    const r = await call('POST', '/_matrix/client/v3/register', undefined, {
      username: `${name}-${run}`,
      password: `pw-${name}-${run}`,
      auth: { type: 'm.login.dummy' },
    });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return r.body as unknown as User;
  }

  before(async () => {
    url = synapseUrl();
    profile = await loadTargetProfile(join(projectRoot, 'fixtures', 'targets', 'synapse.yaml'));
  });

  it('answers /versions with a v1 version', async () => {
    const r = await call('GET', '/_matrix/client/versions');
    expect(r.status).to.equal(200);
    expect(r.body['versions'])
      .to.be.an('array')
      .that.satisfies((v: string[]) => v.some((x) => /^v1\./.test(x)));
  });

  it('registers users with m.login.dummy and round-trips their presence', async () => {
    const alice = await register('alice');
    expect((await call('PUT', statusPath(alice), alice.access_token, { presence: 'online', status_msg: 'hi' })).status).to.equal(200);
    const got = await call('GET', statusPath(alice), alice.access_token);
    expect(got.body).to.include({ presence: 'online', status_msg: 'hi', currently_active: true });
  });

  it("limits PUT /presence to the profile's burst", async () => {
    const bob = await register('bob');
    const burst = profile.rate_limit!.burst;
    const statuses: number[] = [];
    let last: { status: number; body: Record<string, unknown> } | undefined;
    for (let i = 0; i < burst + 3; i++) {
      last = await call('PUT', statusPath(bob), bob.access_token, { presence: 'online' });
      statuses.push(last.status);
    }
    expect(statuses.slice(0, burst)).to.deep.equal(Array(burst).fill(200));
    expect(statuses).to.include(429);
    expect(last!.body).to.include({ errcode: 'M_LIMIT_EXCEEDED' });
    expect(last!.body['retry_after_ms']).to.be.a('number');
  });

  it("turns an idle user unavailable after the profile's idle_timeout, not Synapse's 5 minutes", async function () {
    // Synapse applies presence timeouts only from 30 s after start-up (start.sh records the start).
    const early = Math.max(0, startedAtMs() + 31_000 - Date.now());
    this.timeout(60_000 + early);
    await new Promise((r) => setTimeout(r, early));
    const carol = await register('carol');
    await call('PUT', statusPath(carol), carol.access_token, { presence: 'online', status_msg: 'idle soon' });
    // Synapse applies timers from a 5 s loop over 5 s buckets: allow the profile's delivery_deadline.
    const deadline = Date.now() + profile.timers.idle_timeout + profile.timers.delivery_deadline;
    let seen: Record<string, unknown> = {};
    while (Date.now() < deadline) {
      seen = (await call('GET', statusPath(carol), carol.access_token)).body;
      if (seen['presence'] !== 'online') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(seen).to.include({ presence: 'unavailable', status_msg: 'idle soon' });
  });
});

// A real client against the mock: matrix-js-sdk logs in, reaches a synced state, sets and reads
// presence, and sees another user's presence change arrive through /sync. Every request the SDK makes
// is recorded, so an endpoint the mock lacks shows up as a failed assertion, not as a silent retry.
// The same again with every variant that combines with the others switched on at once: the variants
// keep the mock a homeserver a real client works with.
import { expect } from 'chai';
import { createClient, ClientEvent, SyncState, UserEvent, type MatrixClient, type MatrixEvent, type User } from 'matrix-js-sdk';
import type { MockConfigInput } from '../../mock-server/config.js';
import { startMockServer, type RunningMockServer } from '../../mock-server/index.js';
import { VARIANT_NAMES, variantConflicts } from '../../mock-server/variants.js';

/** Every variant, in catalogue order, that can join the ones before it. */
function combinableVariants(): string[] {
  const chosen: string[] = [];
  for (const name of VARIANT_NAMES) if (variantConflicts([...chosen, name], []).length === 0) chosen.push(name);
  return chosen;
}

function waitFor<T>(what: string, ms: number, register: (done: (v: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    register((v) => {
      clearTimeout(t);
      resolve(v);
    });
  });
}

describe('matrix-js-sdk against the mock', function () {
  this.timeout(20_000);
  let mock: RunningMockServer;
  let clients: MatrixClient[] = [];
  let unanswered: string[] = [];

  const originalConsole = { ...console };
  const originalSetTimeout = globalThis.setTimeout;
  // The SDK logs every request through console; kept quiet, and printed only when the test fails.
  const sdkLog: string[] = [];

  before(async () => {
    // The SDK arms a long timer (timeout + 80 s) for every request and never clears it, which would
    // keep mocha's process alive for minutes after the suite; long timers made during this test are
    // unref'd so they cannot.
    globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      const t = originalSetTimeout(fn, ms, ...args);
      if ((ms ?? 0) >= 20_000) t.unref();
      return t;
    }) as typeof setTimeout;
    for (const method of ['log', 'debug', 'info', 'warn', 'error'] as const) {
      console[method] = (...args: unknown[]) => void sdkLog.push(`${method}: ${args.map(String).join(' ')}`);
    }
  });

  async function startMock(config: MockConfigInput): Promise<void> {
    clients = [];
    unanswered = [];
    mock = await startMockServer({ config });
    mock.server.prependListener('request', (req, res) => {
      res.on('finish', () => {
        // MPC_TRACE=1 prints every request the SDK makes (how the list of endpoints it needs was found).
        if (process.env.MPC_TRACE) originalConsole.log(req.method, req.url?.split('?')[0], res.statusCode);
        // never-set-404 answers 404 for a user without presence: an answer, not a missing endpoint.
        if (res.statusCode === 404 && /\/presence\//.test(req.url ?? '')) return;
        if (res.statusCode === 404 || res.statusCode === 405 || res.statusCode >= 500)
          unanswered.push(`${req.method} ${req.url?.split('?')[0]} ${res.statusCode}`);
      });
    });
  }

  afterEach(async () => {
    for (const c of clients) c.stopClient();
    await mock?.close();
    // Let the aborted long-polls log their way out while the console is still captured.
    await new Promise((r) => originalSetTimeout(r, 100));
  });

  after(() => {
    Object.assign(console, originalConsole);
    globalThis.setTimeout = originalSetTimeout;
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') originalConsole.log(sdkLog.slice(-60).join('\n'));
    sdkLog.length = 0;
  });

  async function loggedIn(name: string): Promise<MatrixClient> {
    const anon = createClient({ baseUrl: mock.url });
    const flows = await anon.loginFlows();
    expect(flows.flows.map((f) => f.type)).to.include('m.login.password');
    await anon.registerRequest({ username: name, password: 'secret', auth: { type: 'm.login.dummy' } });
    const login = await anon.loginRequest({ type: 'm.login.password', identifier: { type: 'm.id.user', user: name }, password: 'secret' });
    const client = createClient({ baseUrl: mock.url, accessToken: login.access_token, userId: login.user_id, deviceId: login.device_id });
    clients.push(client);
    return client;
  }

  async function synced(client: MatrixClient): Promise<void> {
    const ready = waitFor<void>('the first sync', 10_000, (done) => {
      client.on(ClientEvent.Sync, (state: SyncState) => {
        if (state === SyncState.Prepared || state === SyncState.Syncing) done();
      });
    });
    await client.startClient({ initialSyncLimit: 5 });
    await ready;
  }

  /** Polls `read` until `ok` holds (async-processing applies a PUT some time after answering it). */
  async function eventually<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const value = await read().catch(() => undefined);
      if (value !== undefined && ok(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => originalSetTimeout(r, 50));
    }
  }

  const combinable = combinableVariants();
  for (const [label, config] of [
    ['the mock', { rate_limit: { enabled: false } }],
    [`the mock with ${combinable.length} variants at once`, { rate_limit: { enabled: false }, variants: combinable }],
  ] as [string, MockConfigInput][]) {
    it(`${label}: logs in, syncs, sets and reads presence, and sees another user's change through /sync`, async () => {
      await startMock(config);
      await scenario();
    });
  }

  async function scenario(): Promise<void> {
    const alice = await loggedIn('jsalice');
    const bob = await loggedIn('jsbob');
    await synced(alice);
    await synced(bob);
    expect(alice.isInitialSyncComplete()).to.equal(true);

    const { room_id: roomId } = await alice.createRoom({ preset: 'public_chat' as never, name: 'presence' });
    await bob.joinRoom(roomId);

    await alice.setPresence({ presence: 'online', status_msg: 'from js-sdk' });
    const own = await eventually(
      "alice's new status",
      () => alice.getPresence(alice.getUserId()!),
      (p) => p.status_msg === 'from js-sdk',
    );
    expect(own).to.include({ presence: 'online', status_msg: 'from js-sdk' });

    const seen = waitFor<MatrixEvent>("alice going unavailable in bob's sync", 10_000, (done) => {
      bob.on(UserEvent.Presence, (event: MatrixEvent | undefined, user: User) => {
        if (event && user.userId === alice.getUserId() && user.presence === 'unavailable') done(event);
      });
    });
    await alice.setPresence({ presence: 'unavailable', status_msg: 'away' });
    const event = await seen;
    expect(event.getType()).to.equal('m.presence');
    expect(event.getContent()).to.include({ presence: 'unavailable', status_msg: 'away' });
    expect(bob.getUser(alice.getUserId()!)?.presenceStatusMsg).to.equal('away');

    expect(unanswered, 'requests the mock could not answer').to.deep.equal([]);
  }
});

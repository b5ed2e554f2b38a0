// What the real run of Dendrite v0.13.8 (fixtures/reports/dendrite-v0.13.8.json) taught the dendrite-like
// personality, beyond what the fault and variant tables check:
// - GET takes the later of the presence's last active time and the device's last-seen time (its login,
//   its latest /sync) as the user's last active time (syncapi/consumers/presence.go:109-113): the
//   variant currently-active-by-recency and the fault no-state-empty-presence read it too;
// - a repeated PUT is re-sent while currently_active only when it carries a status_msg
//   (syncapi/types/presence.go:70-74 compares the status_msg pointers): the fault status-put-repeated.
import { expect } from 'chai';
import request from 'supertest';
import { authHeader, eventsFrom, makeMock, v3 } from './helpers.js';

const presence = { idle_timeout: 100_000, sync_online_timeout: 100_000, last_active_granularity: 5_000 };

describe('mock: a repeated PUT under status-put-repeated', () => {
  it('is re-sent while currently_active when it carries a status_msg, and suppressed when it carries none', async () => {
    const m = makeMock({ faults: ['status-put-repeated'], presence });
    const a = await m.register();
    const b = await m.register();
    await m.shareRoom(a, b);
    const repeats = async (status?: string): Promise<number> => {
      await m.put(a, 'online', status);
      const s = await m.sync(b);
      await m.put(a, 'online', status);
      return eventsFrom((await m.presenceSince(b, s.next_batch)).events, a.userId).length;
    };
    expect(await repeats('steady')).to.equal(1);
    expect(await repeats(undefined)).to.equal(0);
  });
});

describe("mock: the device's last-seen time in Dendrite's GET", () => {
  it('a user who never set presence reads "" with the login as last activity (no-state-empty-presence)', async () => {
    const m = makeMock({ faults: ['no-state-empty-presence'], presence });
    const a = await m.register();
    m.clock.advance(1_200);
    expect((await m.get(a, a)).body).to.deep.equal({ currently_active: true, last_active_ago: 1_200, presence: '', status_msg: '' });
    m.clock.advance(5_000);
    expect((await m.get(a, a)).body).to.include({ currently_active: false, last_active_ago: 6_200 });
  });

  it('a user who does not exist reads "" with the epoch as last activity', async () => {
    const m = makeMock({ faults: ['no-state-empty-presence'], variants: ['strangers-may-read'], presence });
    const a = await m.register();
    const body = (await request(m.app).get(`${v3}/presence/@nobody:localhost/status`).set(authHeader(a))).body as Record<string, unknown>;
    expect(body).to.deep.equal({ currently_active: false, last_active_ago: m.clock.now(), presence: '', status_msg: '' });
  });

  it('a /sync counts as activity in GET, whatever presence it asked for (currently-active-by-recency)', async () => {
    const m = makeMock({ variants: ['currently-active-by-recency'], presence });
    const a = await m.register();
    await m.put(a, 'offline');
    m.clock.advance(6_000);
    expect((await m.get(a, a)).body).to.include({ presence: 'offline', currently_active: false, last_active_ago: 6_000 });
    await m.sync(a, { set_presence: 'offline' });
    m.clock.advance(300);
    expect((await m.get(a, a)).body).to.include({ presence: 'offline', currently_active: true, last_active_ago: 300 });
  });

  it('without the variant and the fault, GET reads the presence record alone', async () => {
    const m = makeMock({ presence });
    const a = await m.register();
    await m.put(a, 'offline');
    m.clock.advance(6_000);
    await m.sync(a, { set_presence: 'offline' });
    const body = (await m.get(a, a)).body as Record<string, unknown>;
    expect(body['presence']).to.equal('offline');
    expect(body['currently_active']).to.equal(undefined);
  });
});

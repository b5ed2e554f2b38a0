// The timer measurement of profile init reads each change from a co-member's /sync, as the cases do,
// with GET beside it; a watcher that stops answering hands the judgement to GET, whose reads were taken
// all along.
import { expect } from 'chai';
import { measureTimers } from '../../runner/probe/timer-measurement.js';
import { ProbeSession } from '../../runner/contact/probe-session.js';
import type { ProbeUser } from '../../runner/contact/presence-switch.js';
import { FAST_TIMERS, withMock } from './helpers.js';

async function register(url: string, name: string): Promise<ProbeUser> {
  const res = await fetch(`${url}/_matrix/client/v3/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: `${name}-${Date.now().toString(36)}`, password: 'pw', auth: { type: 'm.login.dummy' } }),
  });
  const body = (await res.json()) as { user_id: string; access_token: string };
  return { user_id: body.user_id, access_token: body.access_token };
}

async function shareRoom(url: string, creator: ProbeUser, members: ProbeUser[]): Promise<void> {
  const res = await fetch(`${url}/_matrix/client/v3/createRoom`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${creator.access_token}` },
    body: JSON.stringify({ preset: 'private_chat', invite: members.map((m) => m.user_id) }),
  });
  const { room_id: roomId } = (await res.json()) as { room_id: string };
  for (const m of members) {
    await fetch(`${url}/_matrix/client/v3/join/${encodeURIComponent(roomId)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${m.access_token}` },
      body: '{}',
    });
  }
}

describe('profile init: the timer measurement', function () {
  this.timeout(30_000);

  it("reads the timers from the watcher's /sync, never above the configured ones", async () => {
    await withMock({ presence: FAST_TIMERS }, async (mock) => {
      const [idle, sync, watcher] = [await register(mock.url, 'idle'), await register(mock.url, 'sync'), await register(mock.url, 'watcher')];
      await shareRoom(mock.url, idle, [watcher, sync]);
      const out = await measureTimers(new ProbeSession(mock.url, Date.now() + 20_000), idle, sync, { watcher, maxWaitMs: 5_000 });
      expect(out.timers.last_active_granularity).to.be.within(100, FAST_TIMERS.last_active_granularity);
      expect(out.timers.idle_timeout).to.be.within(750, FAST_TIMERS.idle_timeout);
      expect(out.timers.sync_online_timeout).to.be.within(1500, FAST_TIMERS.sync_online_timeout);
      expect(out.capabilities.map((c) => c.conclusion).join('\n')).to.include("in a co-member's /sync");
    });
  });

  it('a watcher whose /sync fails: the timers are read from GET, and the finding says so', async () => {
    await withMock({ presence: FAST_TIMERS }, async (mock) => {
      const [idle, sync] = [await register(mock.url, 'idle'), await register(mock.url, 'sync')];
      const watcher = { user_id: '@nobody:localhost', access_token: 'not-a-token' };
      const out = await measureTimers(new ProbeSession(mock.url, Date.now() + 20_000), idle, sync, { watcher, maxWaitMs: 5_000 });
      expect(out.timers.idle_timeout).to.be.within(750, FAST_TIMERS.idle_timeout);
      expect(out.timers.sync_online_timeout).to.be.within(1500, FAST_TIMERS.sync_online_timeout);
      expect(out.findings.find((f) => f.topic === 'timers')?.conclusion).to.match(/^the watcher's \/sync stopped \(\/sync answered 401 M_UNKNOWN_TOKEN/);
      expect(out.capabilities.find((c) => c.capability === 'idle_timeout')!.conclusion).to.include('read from GET alone');
    });
  });

  it('a watcher that stops answering midway: GET takes over, and what /sync had seen is not lost', async () => {
    await withMock({ presence: FAST_TIMERS }, async (mock) => {
      const [idle, sync, watcher] = [await register(mock.url, 'idle'), await register(mock.url, 'sync'), await register(mock.url, 'watcher')];
      await shareRoom(mock.url, idle, [watcher, sync]);
      // The watcher's token dies after the currently_active flip (400 ms) and before idle (1500 ms).
      const logout = setTimeout(
        () => void fetch(`${mock.url}/_matrix/client/v3/logout`, { method: 'POST', headers: { Authorization: `Bearer ${watcher.access_token}` } }),
        900,
      );
      try {
        const out = await measureTimers(new ProbeSession(mock.url, Date.now() + 20_000), idle, sync, { watcher, maxWaitMs: 5_000 });
        expect(out.timers.idle_timeout).to.be.within(750, FAST_TIMERS.idle_timeout);
        expect(out.findings.find((f) => f.topic === 'timers')?.conclusion).to.match(/^the watcher's \/sync stopped/);
      } finally {
        clearTimeout(logout);
      }
    });
  });
});

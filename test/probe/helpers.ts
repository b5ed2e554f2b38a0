// Shared by the probe tests: the reference mock on loopback with a given configuration, and static users
// for a mock whose registration is closed.
import { startMockServer, type RunningMockServer } from '../../mock-server/index.js';
import type { MockConfigInput } from '../../mock-server/config.js';

/** Fast timers, so that a probe measures them in a few seconds. */
export const FAST_TIMERS = { idle_timeout: 1500, sync_online_timeout: 3000, last_active_granularity: 400 };

export async function withMock<T>(config: MockConfigInput, fn: (mock: RunningMockServer) => Promise<T>): Promise<T> {
  const mock = await startMockServer({ config, host: '127.0.0.1', port: 0 });
  try {
    return await fn(mock);
  } finally {
    await mock.close();
  }
}

/** `count` users made in advance: their mock configuration and the same users as a profile lists them. */
export function staticUsers(
  count: number,
  prefix = 'pre',
): { config: { localpart: string; access_token: string }[]; users: { user_id: string; access_token: string }[] } {
  const config = Array.from({ length: count }, (_, i) => ({ localpart: `${prefix}${i}`, access_token: `${prefix}-token-${i}` }));
  return { config, users: config.map((u) => ({ user_id: `@${u.localpart}:localhost`, access_token: u.access_token })) };
}

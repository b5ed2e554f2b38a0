// Starts the reference mock in this process for a run without --homeserver, configured from the target
// profile exactly as `mock --target FILE` would be (mockConfigFromTarget), on 127.0.0.1 and a free port.
// The import is dynamic so that runs against another server never load the mock.
import type { TargetProfile } from './load-target.js';
import { ConfigError } from './config-error.js';

export interface EmbeddedMock {
  url: string;
  close(): Promise<void>;
}

export async function startEmbeddedMock(profile: TargetProfile, extraFaults: string[] = []): Promise<EmbeddedMock> {
  const mock = await import('../mock-server/index.js');
  const config = mock.mockConfigFromTarget({ ...profile, mock: { faults: [...profile.mock.faults, ...extraFaults] } });
  try {
    const server = await mock.startMockServer({ config, host: '127.0.0.1', port: 0 });
    return { url: server.url, close: () => server.close() };
  } catch (err) {
    // The mock refuses unknown faults and bad settings with its own ConfigError: a configuration error.
    if (err instanceof mock.ConfigError) throw new ConfigError(`${profile.source}: embedded mock: ${err.message}`);
    throw err;
  }
}

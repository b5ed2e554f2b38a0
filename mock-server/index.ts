// The mock homeserver's programmatic API (docs/architecture.md): start it on a port, or get a request
// listener for supertest, or derive its configuration from a target profile.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMockApp, type MockApp } from './app.js';
import { realClock, type Clock } from './clock.js';
import type { MockConfig, MockConfigInput } from './config.js';
import type { Homeserver } from './homeserver.js';

export { createMockApp, type MockApp } from './app.js';
export { FakeClock, realClock, type Clock } from './clock.js';
export { ConfigError } from '../project/errors.js';
export { DEFAULT_CONFIG, mockConfigFromTarget, resolveConfig, type MockConfig, type MockConfigInput } from './config.js';
export { ERRORS, MatrixError } from './errors.js';
export { FAULTS, FAULT_NAMES, type FaultName } from './faults.js';

export interface MockServerOptions {
  config?: MockConfigInput | MockConfig;
  host?: string;
  port?: number;
  clock?: Clock;
}

export interface RunningMockServer {
  url: string;
  port: number;
  host: string;
  server: Server;
  homeserver: Homeserver;
  close(): Promise<void>;
}

/** Starts the mock on host:port (default 127.0.0.1, an ephemeral port). Never binds beyond `host`. */
export async function startMockServer(options: MockServerOptions = {}): Promise<RunningMockServer> {
  const host = options.host ?? '127.0.0.1';
  const app: MockApp = createMockApp(options.config ?? {}, options.clock ?? realClock);
  const server = createServer(app);
  // Many long-polls at once: no per-socket request timeout beyond the sync timeout itself.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    host,
    server,
    homeserver: app.homeserver,
    close: () =>
      new Promise<void>((resolve) => {
        app.homeserver.stop();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

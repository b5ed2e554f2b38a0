// Public entry point `matrix-presence-conformance/mock` (package.json exports; docs/library.md): the
// reference homeserver as a library. Start it on a port, or get a request listener for supertest, drive
// its timers with a FakeClock, and switch on the faults and variants of its catalogues; its configuration
// can be derived from a target profile. The CLI's `mock` command imports through here too, so what a
// client of the package can reach is what the project itself uses.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMockApp, type MockApp } from './app.js';
import { realClock, type Clock } from './clock.js';
import type { MockConfig, MockConfigInput } from './config.js';
import type { Homeserver } from './homeserver.js';

export { createMockApp, type MockApp } from './app.js';
export { FakeClock, realClock, type Clock, type TimerHandle } from './clock.js';
export { ConfigError } from '../project/errors.js';
export {
  DEFAULT_CONFIG,
  mergeConfig,
  mockConfigFromTarget,
  readMockConfigFile,
  resolveConfig,
  SPEC_VERSION_NAMES,
  type MockConfig,
  type MockConfigInput,
  type MockSpecVersion,
  type MockSpecVersionName,
  type PresenceListPath,
  type StaticUserConfig,
  type TargetProfileLike,
} from './config.js';
export { ERRORS, MatrixError, type ErrorName, type ErrorSpec } from './errors.js';
export { FAULTS, FAULT_NAMES, isFaultName, type FaultName, type FaultSpec } from './faults.js';
/** @internal The benchmark's floor answers with the mock's headers (cli/bench/floor-server.ts). */
export { CORS_HEADERS } from './http-io.js';
export { VARIANTS, VARIANT_NAMES, DEFAULT_VARIANT_OPTIONS, isVariantName, type VariantName, type VariantOptions, type VariantSpec } from './variants.js';

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
  /** The mock's state, for looking inside from a test; its shape is not part of the stable API. */
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

// The embedded mock's worker thread (see embedded-mock.ts): starts the mock with the configuration in
// workerData, reports its URL, and closes when told to.
import { parentPort, workerData } from 'node:worker_threads';
import { startMockServer, type MockConfig } from '../../mock-server/index.js';

const port = parentPort!;
try {
  const server = await startMockServer({ config: workerData as MockConfig, host: '127.0.0.1', port: 0 });
  port.on('message', (message: unknown) => {
    if (message === 'close') void server.close().then(() => port.postMessage({ closed: true }));
  });
  port.postMessage({ url: server.url });
} catch (err) {
  port.postMessage({ error: (err as Error).message });
}

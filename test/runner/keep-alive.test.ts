// Kept-alive connections: the runner reuses them, as real clients do, and a connection the server
// closed while it was idle costs nothing: the request goes again on a connection of its own.
import { expect } from 'chai';
import { createServer, type Socket } from 'node:net';
import nock from 'nock';
import { sendRequest } from '../../runner/http/http-client.js';

/**
 * A server that answers the first request of each connection (keep-alive) and resets the connection on
 * any later request, as a server does that closed an idle connection the client then reused.
 */
async function resettingServer(): Promise<{ url: string; connections: () => number; resets: () => number; close: () => Promise<void> }> {
  let connections = 0;
  let resets = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    let answered = false;
    socket.on('data', () => {
      if (answered) {
        resets += 1;
        socket.resetAndDestroy();
        return;
      }
      answered = true;
      const body = JSON.stringify({ connection: connections });
      socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: keep-alive\r\n\r\n${body}`);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    resets: () => resets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('kept-alive connections', () => {
  // nock, once imported by another test file, intercepts every request and pools no connection.
  let nockWasActive = false;
  before(() => {
    nockWasActive = nock.isActive();
    if (nockWasActive) nock.restore();
  });
  after(() => {
    if (nockWasActive) nock.activate();
  });

  it('a request on a connection the server has closed is sent again on a new one, not reported as reset', async () => {
    const server = await resettingServer();
    try {
      const first = await sendRequest({ method: 'GET', url: `${server.url}/a`, headers: {} }, 2000);
      expect(first.json).to.deep.equal({ connection: 1 });
      // The agent pools the connection once the response has ended and the request has finished, a
      // few ticks after the answer resolves; a real client's next request comes later still.
      await new Promise((resolve) => setTimeout(resolve, 100));
      // The second request reuses the first connection, which the server resets.
      const second = await sendRequest({ method: 'PUT', url: `${server.url}/b`, headers: {}, body: '{}' }, 2000);
      expect(second.status).to.equal(200);
      expect(second.json).to.deep.equal({ connection: 2 });
      expect(server.resets(), 'the second request went out on the kept-alive connection first').to.equal(1);
      expect(server.connections()).to.equal(2);
    } finally {
      await server.close();
    }
  });
});

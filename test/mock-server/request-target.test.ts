// parseTarget splits plain request targets without WHATWG URL (a speed-up): for every target it must
// give what URL gives, plain or not.
import { expect } from 'chai';
import fc from 'fast-check';
import { connect } from 'node:net';
import { startMockServer } from '../../mock-server/index.js';
import { parseTarget } from '../../mock-server/request-target.js';

/** What WHATWG URL makes of an origin-form target (a path, also when it starts with "//"). */
function viaUrl(target: string): { pathname: string; query: [string, string][] } {
  const url = new URL(`http://mock.invalid${target}`);
  return { pathname: url.pathname, query: [...url.searchParams] };
}

describe('mock: request targets', () => {
  const pieces = fc.constantFrom(
    '/',
    '_matrix',
    'client',
    'v3',
    'presence',
    '@a:b',
    '%40a%3Ab',
    '.',
    '..',
    '%2e',
    '%2E%2e',
    '\\',
    ' ',
    '#',
    '?',
    '&',
    '=',
    '+',
    '%',
    '%zz',
    'é',
    '\u0001',
    '~',
    "'",
    '"',
    '<',
    '{',
    '|',
    '^',
    '[',
    'timeout=5',
    'since=s1',
  );
  const target = fc.array(pieces, { maxLength: 12 }).map((xs) => `/${xs.join('')}`);

  it('gives the path and query parameters that URL gives, for any target', () => {
    fc.assert(
      fc.property(target, (t) => {
        const mine = parseTarget(t);
        expect({ pathname: mine.pathname, query: [...mine.query] }).to.deep.equal(viaUrl(t));
      }),
      { numRuns: 5000 },
    );
  });

  it('normalises what URL normalises (dot segments, backslashes) and splits plain targets', () => {
    expect(parseTarget('/_matrix/client/v3/../v3/sync?timeout=5').pathname).to.equal('/_matrix/client/v3/sync');
    expect(parseTarget('/_matrix\\client').pathname).to.equal('/_matrix/client');
    expect(parseTarget('//@a:b/x').pathname).to.equal('//@a:b/x');
    expect(parseTarget('*').pathname).to.equal('/');
    const plain = parseTarget('/_matrix/client/v3/presence/%40a%3Ab/status?x=1&y=a+b');
    expect([plain.pathname, plain.query.get('y')]).to.deep.equal(['/_matrix/client/v3/presence/%40a%3Ab/status', 'a b']);
  });

  // Found while checking parseTarget against URL: a target starting with "//" was resolved as
  // "//authority", and an invalid authority threw inside the request handler.
  it('answers a target starting with "//" (even "//@a:b") with a Matrix 404, not a 500', async () => {
    const mock = await startMockServer();
    try {
      for (const path of ['//@a:b', '//_matrix/client/versions', '//']) {
        // A raw socket: Node's http client (and nock, when another test file has loaded it) parses the
        // path as a URL itself.
        const raw = await new Promise<string>((resolve, reject) => {
          const socket = connect(mock.port, '127.0.0.1', () => socket.end(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
          let text = '';
          socket.on('data', (c: Buffer) => (text += c.toString()));
          socket.on('end', () => resolve(text));
          socket.on('error', reject);
        });
        const status = Number(raw.slice(9, 12));
        const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
        expect([status, JSON.parse(body).errcode], path).to.deep.equal([404, 'M_UNRECOGNIZED']);
      }
    } finally {
      await mock.close();
    }
  });
});

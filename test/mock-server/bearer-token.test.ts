// bearerToken reads the Authorization header without regex captures (a speed-up on every request): for
// any header it must give what the grammar "Bearer", white space, a token without white space gives.
import { expect } from 'chai';
import fc from 'fast-check';
import { bearerToken } from '../../mock-server/app.js';

const GRAMMAR = /^Bearer\s+(\S+)$/i;

describe('mock: the Authorization header', () => {
  it('gives the token the Bearer grammar gives, for any header', () => {
    const piece = fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Basic', ' ', '  ', '\t', '\u00a0', '\n', 'tok', 'syt_abc', '=', 'B', 'earer', '');
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 6 }).map((xs) => xs.join('')),
        (header) => {
          expect(bearerToken(header)).to.equal(GRAMMAR.exec(header)?.[1]);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('reads the usual forms', () => {
    expect(bearerToken('Bearer syt_abc')).to.equal('syt_abc');
    expect(bearerToken('bearer   syt_abc')).to.equal('syt_abc');
    expect(bearerToken('Bearer')).to.equal(undefined);
    expect(bearerToken('Bearer ')).to.equal(undefined);
    expect(bearerToken('Bearer a b')).to.equal(undefined);
    expect(bearerToken('Bearersyt_abc')).to.equal(undefined);
    expect(bearerToken('Basic dXNlcjpwYXNz')).to.equal(undefined);
  });
});

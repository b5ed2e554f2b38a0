// The router matches paths segment by segment, without a regex per route (a speed-up): for every path
// and every route of the mock it must decide what the route's regex decides, with the same parameters.
import { expect } from 'chai';
import fc from 'fast-check';
import { compilePath, matchParts, Router, type Route } from '../../mock-server/router.js';
import { accountRoutes } from '../../mock-server/routes/account-routes.js';
import { earlyRoutes } from '../../mock-server/routes/early-routes.js';
import { presenceRoutes } from '../../mock-server/routes/presence-routes.js';
import { profileRoutes } from '../../mock-server/routes/profile-routes.js';
import { roomRoutes } from '../../mock-server/routes/room-routes.js';
import { syncRoutes } from '../../mock-server/routes/sync-routes.js';

const ROUTES: Route[] = [...earlyRoutes, ...accountRoutes, ...presenceRoutes, ...profileRoutes, ...roomRoutes, ...syncRoutes];

/** The reference: the route path as a regex, a parameter being ([^/]+) and {rest} (.*). */
function viaRegex(path: string, rest: string): Record<string, string> | undefined {
  const names: string[] = [];
  const source = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, n: string) => {
    names.push(n);
    return n === 'rest' ? '(.*)' : '([^/]+)';
  });
  const m = new RegExp(`^${source}$`).exec(rest);
  return m ? Object.fromEntries(names.map((n, i) => [n, m[i + 1]!])) : undefined;
}

describe('mock: router', () => {
  // Paths as the router sees them: below the prefix, built from the routes' own segments and others.
  // (Never a line terminator: parseTarget's plain paths exclude them and URL percent-encodes them.)
  const literals = [...new Set(ROUTES.flatMap((r) => r.path.split('/').filter((s) => s && !s.startsWith('{'))))];
  const segment = fc.oneof(
    fc.constantFrom(...literals),
    fc.constantFrom('', '%40a%3Ab', '!r:x', 'm.room.name', 'x.y', '{userId}'),
    fc.string({ maxLength: 4 }).filter((s) => !/[\n\r\u2028\u2029]/.test(s)),
  );
  const anyPath = fc.array(segment, { minLength: 1, maxLength: 7 }).map((xs) => `/${xs.join('/')}`);
  // Near misses of the routes' own paths: each literal kept, lengthened or emptied, each parameter any
  // segment (empty too), and sometimes more segments after.
  const nearRoute = fc.constantFrom(...ROUTES.map((r) => r.path)).chain((path) =>
    fc
      .tuple(
        ...path
          .split('/')
          .slice(1)
          .map((seg) => (seg.startsWith('{') ? segment : fc.constantFrom(seg, seg, `${seg}x`, seg.slice(1), ''))),
        fc.array(segment, { maxLength: 2 }),
      )
      .map((xs) => `/${(xs.slice(0, -1) as string[]).concat(xs[xs.length - 1] as string[]).join('/')}`),
  );
  const restPath = fc.oneof(anyPath, nearRoute);

  it("matches what each route's regex matches, with the same parameters, for any path", () => {
    const compiled = ROUTES.map((r) => ({ path: r.path, parts: compilePath(r.path) }));
    fc.assert(
      fc.property(restPath, (rest) => {
        for (const { path, parts } of compiled) expect(matchParts(parts, rest), `${path} against ${JSON.stringify(rest)}`).to.deep.equal(viaRegex(path, rest));
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the first route of the method in table order, and names the other methods for a 405', () => {
    const router = new Router(ROUTES);
    const put = router.match('PUT', 'v3', '/presence/%40a%3Ab/status');
    expect(put && 'route' in put ? [put.route.method, put.params] : put).to.deep.equal(['PUT', { userId: '%40a%3Ab' }]);
    // "list" is a user id to the first presence route, which comes first in the table.
    const list = router.match('GET', 'v3', '/presence/list/status');
    expect(list && 'route' in list ? list.route.path : list).to.equal('/presence/{userId}/status');
    expect(router.match('DELETE', 'v3', '/presence/%40a%3Ab/status')).to.deep.equal({ allowed: ['GET', 'PUT'] });
    expect(router.match('GET', 'v3', '/presence/%40a%3Ab/status/')).to.equal(undefined);
    expect(router.match('GET', 'v3', '/nothing/here')).to.equal(undefined);
  });

  it('splits the client prefixes, and nothing else', () => {
    expect(Router.split('/_matrix/client/v3/sync')).to.deep.equal({ version: 'v3', rest: '/sync' });
    expect(Router.split('/_matrix/client/api/v1/events')).to.deep.equal({ version: 'api/v1', rest: '/events' });
    expect(Router.split('/_matrix/client/unstable/x')).to.deep.equal({ version: 'unstable', rest: '/x' });
    expect(Router.split('/_matrix/client/r0/')).to.deep.equal({ version: 'r0', rest: '/' });
    for (const p of ['/_matrix/client/v3', '/_matrix/client/v4/sync', '/_matrix/client/v3x/sync', '/_matrix/media/v3/x', '/_matrix/client/api/v2/x']) {
      expect(Router.split(p), p).to.equal(undefined);
    }
  });

  it('refuses a route table it cannot match: a parameter inside a segment, {rest} before the end', () => {
    expect(() => compilePath('/a/x{id}')).to.throw(/whole segment/);
    expect(() => compilePath('/a/{rest}/b')).to.throw(/last segment/);
  });
});

// The route table: method + path pattern under the client API prefixes. A path that matches no route is
// 404 M_UNRECOGNIZED; one that matches with another method is 405 M_UNRECOGNIZED with an Allow header
// (spec v1.x, "API standards": unknown endpoints and unsupported methods).
import type { Context } from './context.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** `body`: "json" requires a JSON object; "optional" accepts none or a JSON object; "none" ignores it. */
export interface Route {
  method: Method;
  path: string;
  body?: 'json' | 'optional' | 'none';
  /** Whether an access token is required (default true). */
  auth?: boolean;
  /** Presence endpoints: the no-auth-required fault applies to them. */
  presence?: boolean;
  /** Only under these prefix versions (default all). */
  versions?: string[];
  handler: (ctx: Context) => unknown | Promise<unknown>;
}

interface Compiled {
  route: Route;
  regex: RegExp;
  names: string[];
}

export interface Match {
  route: Route;
  params: Record<string, string>;
}

// /_matrix/client/{v3,r0,api/v1,v1,unstable}; the early spec's prefix was /_matrix/client/api/v1.
const PREFIX = /^\/_matrix\/client\/(v3|r0|v1|api\/v1|unstable)(\/.*)$/;

export class Router {
  private readonly byFirstSegment = new Map<string, Compiled[]>();

  constructor(routes: Route[]) {
    for (const route of routes) {
      const names: string[] = [];
      const source = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, n: string) => {
        names.push(n);
        return n === 'rest' ? '(.*)' : '([^/]+)';
      });
      const first = route.path.split('/')[1]!;
      const list = this.byFirstSegment.get(first) ?? [];
      list.push({ route, regex: new RegExp(`^${source}$`), names });
      this.byFirstSegment.set(first, list);
    }
  }

  /** The version and the path below the prefix, or undefined when the prefix is not a client one. */
  static split(pathname: string): { version: string; rest: string } | undefined {
    const m = PREFIX.exec(pathname);
    return m ? { version: m[1]!, rest: m[2]! } : undefined;
  }

  match(method: string, version: string, rest: string): Match | { allowed: Method[] } | undefined {
    // `rest` starts with "/": its first segment runs to the next "/" (plain loops and no split: this runs
    // for every request).
    const slash = rest.indexOf('/', 1);
    const candidates = this.byFirstSegment.get(slash < 0 ? rest.slice(1) : rest.slice(1, slash));
    if (!candidates) return undefined;
    let allowed: Method[] | undefined;
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i]!;
      if (c.route.versions && !c.route.versions.includes(version)) continue;
      const m = c.regex.exec(rest);
      if (!m) continue;
      if (c.route.method !== method) {
        (allowed ??= []).push(c.route.method);
        continue;
      }
      const params: Record<string, string> = {};
      for (let n = 0; n < c.names.length; n++) params[c.names[n]!] = m[n + 1]!;
      return { route: c.route, params };
    }
    return allowed ? { allowed } : undefined;
  }
}

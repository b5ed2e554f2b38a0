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

/** A route's path as its segments: literal text, or a parameter taking one non-empty segment (`{rest}`,
 * last only, takes the remainder, slashes and all, possibly empty). */
type Part = { literal: string } | { param: string; rest: boolean };

interface Compiled {
  route: Route;
  parts: Part[];
}

export interface Match {
  route: Route;
  params: Record<string, string>;
}

const CLIENT_PREFIX = '/_matrix/client/';
const VERSIONS = ['v3', 'r0', 'v1', 'api/v1', 'unstable'];

/** The segments of a route path such as "/rooms/{roomId}/send/{eventType}". */
export function compilePath(path: string): Part[] {
  const parts = path
    .split('/')
    .slice(1)
    .map((seg): Part => {
      const m = /^\{(\w+)\}$/.exec(seg);
      if (!m) {
        if (seg.includes('{')) throw new Error(`route ${path}: a parameter must be a whole segment`);
        return { literal: seg };
      }
      return { param: m[1]!, rest: m[1] === 'rest' };
    });
  if (parts.slice(0, -1).some((p) => 'rest' in p && p.rest)) throw new Error(`route ${path}: {rest} must be the last segment`);
  return parts;
}

/** Matches `rest` (below the prefix, starting with "/") against a route's parts, or gives undefined:
 * what the regex ^/literal/([^/]+)...$ (and (.*) for {rest}) would match, without building one match
 * array and capture strings per route tried (this runs for every request). */
export function matchParts(parts: readonly Part[], rest: string): Record<string, string> | undefined {
  let params: Record<string, string> | undefined;
  let pos = 0;
  for (let i = 0; i < parts.length; i++) {
    if (rest.charCodeAt(pos) !== 0x2f) return undefined; // "/"
    pos += 1;
    const part = parts[i]!;
    if ('literal' in part) {
      // What follows the literal is checked as the next part's "/" or as the end.
      if (!rest.startsWith(part.literal, pos)) return undefined;
      pos += part.literal.length;
      continue;
    }
    let end = part.rest ? rest.length : rest.indexOf('/', pos);
    if (end < 0) end = rest.length;
    if (end === pos && !part.rest) return undefined;
    (params ??= {})[part.param] = rest.slice(pos, end);
    pos = end;
  }
  return pos === rest.length ? (params ?? {}) : undefined;
}

export class Router {
  private readonly byFirstSegment = new Map<string, Compiled[]>();

  constructor(routes: Route[]) {
    for (const route of routes) {
      const first = route.path.split('/')[1]!;
      const list = this.byFirstSegment.get(first) ?? [];
      list.push({ route, parts: compilePath(route.path) });
      this.byFirstSegment.set(first, list);
    }
  }

  /** The version and the path below the prefix, or undefined when the prefix is not a client one
   * (/_matrix/client/{v3,r0,v1,api/v1,unstable}/..., the early spec's prefix being api/v1). */
  static split(pathname: string): { version: string; rest: string } | undefined {
    if (!pathname.startsWith(CLIENT_PREFIX)) return undefined;
    for (const version of VERSIONS) {
      const slash = CLIENT_PREFIX.length + version.length;
      if (pathname.startsWith(version, CLIENT_PREFIX.length) && pathname.charCodeAt(slash) === 0x2f) {
        return { version, rest: pathname.slice(slash) };
      }
    }
    return undefined;
  }

  match(method: string, version: string, rest: string): Match | { allowed: Method[] } | undefined {
    // `rest` starts with "/": its first segment runs to the next "/".
    const slash = rest.indexOf('/', 1);
    const candidates = this.byFirstSegment.get(slash < 0 ? rest.slice(1) : rest.slice(1, slash));
    if (!candidates) return undefined;
    // The routes of this method first, in order; the others only to name the allowed methods of a 405.
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i]!;
      if (c.route.method !== method || (c.route.versions && !c.route.versions.includes(version))) continue;
      const params = matchParts(c.parts, rest);
      if (params) return { route: c.route, params };
    }
    let allowed: Method[] | undefined;
    for (const c of candidates) {
      if (c.route.method === method || (c.route.versions && !c.route.versions.includes(version))) continue;
      if (matchParts(c.parts, rest)) (allowed ??= []).push(c.route.method);
    }
    return allowed ? { allowed } : undefined;
  }
}

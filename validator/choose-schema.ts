// Picks the schema for a payload when the user did not name one (`validate` without --schema).
// The rules look only at the payload's outermost shape; they are documented in docs/validate.md and
// `--schema` always overrides them.
import type { SpecVersion } from '../project/spec-versions.js';

export type PayloadKind =
  | 'm.presence'
  | 'put-presence-request'
  | 'put-presence-response'
  | 'get-presence-response'
  | 'error'
  | 'rate-limited'
  | 'sync-presence'
  | 'presence-list-response'
  | 'presence-list-request';

/** Which alias holds each kind of payload in each spec version; absent = that version has no such thing. */
const ALIASES: Record<SpecVersion, Partial<Record<PayloadKind, string>>> = {
  'v1.19': {
    'm.presence': 'matrix/m.presence',
    'put-presence-request': 'matrix/put-presence-request',
    'put-presence-response': 'matrix/put-presence-response',
    'get-presence-response': 'matrix/get-presence-response',
    error: 'matrix/error',
    'rate-limited': 'matrix/rate-limited',
    'sync-presence': 'matrix/sync-presence',
  },
  r0: {
    'm.presence': 'matrix/legacy/r0-m.presence',
    'put-presence-request': 'matrix/legacy/r0-put-presence-request',
    'put-presence-response': 'matrix/put-presence-response',
    'get-presence-response': 'matrix/legacy/r0-get-presence-response',
    error: 'matrix/error',
    'rate-limited': 'matrix/rate-limited',
    'sync-presence': 'matrix/legacy/r0-sync-presence',
    // r0.0.0 to r0.4.0 kept the early presence list, with the same POST body {invite, drop}
    // (r0.0.0 api/client-server/presence.yaml, POST /presence/list/{userId}); its GET answers "a list of
    // presence events", or the early flat entries Synapse of that era gave.
    'presence-list-request': 'matrix/legacy/early-presence-list-request',
    'presence-list-response': 'matrix/legacy/r0-presence-list-response',
  },
  early: {
    'm.presence': 'matrix/legacy/early-m.presence',
    'put-presence-request': 'matrix/legacy/early-put-presence-request',
    'get-presence-response': 'matrix/legacy/early-get-presence-response',
    error: 'matrix/error',
    'rate-limited': 'matrix/rate-limited',
    'presence-list-response': 'matrix/legacy/early-presence-list-response',
    'presence-list-request': 'matrix/legacy/early-presence-list-request',
  },
};

/** The kind of a payload from its shape, or a reason why it cannot be told. */
export function payloadKind(data: unknown): { kind: PayloadKind } | { reason: string } {
  if (Array.isArray(data)) return { kind: 'presence-list-response' };
  if (data === null || typeof data !== 'object') return { reason: `a ${data === null ? 'null' : typeof data} is none of the presence payloads` };
  const o = data as Record<string, unknown>;
  const keys = Object.keys(o);
  if (o.type === 'm.presence') return { kind: 'm.presence' };
  if ('errcode' in o) return { kind: o.errcode === 'M_LIMIT_EXCEEDED' ? 'rate-limited' : 'error' };
  if ('events' in o) return { kind: 'sync-presence' };
  if ('invite' in o || 'drop' in o) return { kind: 'presence-list-request' };
  if ('presence' in o) {
    // Only presence/status_msg (with a string status_msg) is what a client sends; anything a server
    // adds (last_active_ago, currently_active, a null status_msg) makes it the GET response.
    const requestOnly = keys.every((k) => k === 'presence' || k === 'status_msg') && o.status_msg !== null;
    return { kind: requestOnly ? 'put-presence-request' : 'get-presence-response' };
  }
  if (keys.length === 0) return { kind: 'put-presence-response' };
  return { reason: `an object with keys ${keys.slice(0, 5).join(', ')} is none of the presence payloads` };
}

/**
 * Where a release differs from the text our schemas of its era were written from, the schema that fits
 * that release. Chosen only for spec trees, whose release is known (check-spec-tree.ts), never by a
 * payload's shape. The r0 schemas need none: they accept what every r0 release accepts (free_for_chat,
 * the user in sender or content.user_id), and where a release is narrower the tree's own schema says
 * so in a disagreement.
 */
export interface ReleaseSchema {
  era: SpecVersion;
  release: string;
  kind: PayloadKind;
  alias: string;
  why: string;
}

export const RELEASE_SCHEMAS: readonly ReleaseSchema[] = [
  {
    era: 'early',
    release: 'v0.2.0',
    kind: 'get-presence-response',
    alias: 'matrix/legacy/early-v0.2.0-get-presence-response',
    why: 'v0.2.0 lets GET /presence/{userId}/status answer "status_msg": null (api/client-server/v1/presence.yaml, type [string, "null"] since 2015-09-18); the 2014 text our early schemas follow says string',
  },
];

/** Our alias for a kind of payload in a spec version (and release), or undefined when it has no such thing. */
export function aliasFor(kind: PayloadKind, version: SpecVersion, release?: string): string | undefined {
  return RELEASE_SCHEMAS.find((r) => r.era === version && r.release === release && r.kind === kind)?.alias ?? ALIASES[version][kind];
}

/** The alias to validate a payload against, or an explanation of why none could be chosen. */
export function chooseSchema(data: unknown, version: SpecVersion): { alias: string } | { reason: string } {
  const found = payloadKind(data);
  if ('reason' in found) return found;
  const alias = ALIASES[version][found.kind];
  if (!alias) return { reason: `it looks like a ${found.kind} payload, which the ${version} spec does not have` };
  return { alias };
}

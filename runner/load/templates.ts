// Template strings in suites: {alice.user_id}, {rooms.shared.room_id}, {captured.token}, {server_name},
// {timers.idle_timeout}, {api} (the target's client API prefix, e.g. /_matrix/client/v3). In a request
// path the inserted values are percent-encoded (a user id contains "@" and ":"), except {api}, which is
// itself a path; elsewhere they are inserted as they are. {alice.presence_list} is the path of alice's
// early presence list as the target serves it (the profile's presence_list_path): the era's API
// reference and Synapse served {api}/presence/list/{userId}, the early prose names {api}/presence/list.
// {media_base} starts a media URL on the target's server as its text writes one: http-scheme in the
// early API (an avatar is "an http-scheme URL"), mxc:// from r0 on.

export interface TemplateContext {
  actors: Record<string, { user_id: string; localpart: string; access_token: string; device_id?: string }>;
  rooms: Record<string, { room_id: string }>;
  captured: Record<string, unknown>;
  server_name: string;
  timers: Record<string, number>;
  /** The client API prefix of the target's dialect. */
  api: string;
  /** Where the presence list is served: per user (/presence/list/{userId}) or the caller's own (/presence/list). */
  presenceListPath?: PresenceListPath;
  /** The early API's media URLs are http-scheme; later ones mxc://. */
  httpMedia?: boolean;
}

export type PresenceListPath = 'per_user' | 'own';

/** A path a template gives whole, not percent-encoded: the prefix, and the presence list's path. */
function isPath(name: string): boolean {
  return name === 'api' || name.endsWith('.presence_list');
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*)\}/g;

/** The names a template refers to ("alice.user_id"), for checking a suite before running it. */
export function templateNames(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

export class TemplateError extends Error {}

function resolveName(name: string, ctx: TemplateContext): unknown {
  const [head, ...rest] = name.split('.');
  const need = (value: unknown): unknown => {
    if (value === undefined) throw new TemplateError(`template {${name}} has no value`);
    return value;
  };
  if (head === 'server_name' && rest.length === 0) return ctx.server_name;
  if (head === 'api' && rest.length === 0) return ctx.api;
  if (head === 'media_base' && rest.length === 0) return ctx.httpMedia ? `http://${ctx.server_name}/_matrix/media/avatars` : `mxc://${ctx.server_name}`;
  if (head === 'captured' && rest.length === 1) return need(ctx.captured[rest[0]!]);
  if (head === 'timers' && rest.length === 1) return need(ctx.timers[rest[0]!]);
  if (head === 'rooms' && rest.length === 2 && rest[1] === 'room_id') return need(ctx.rooms[rest[0]!]?.room_id);
  const actor = ctx.actors[head!];
  if (actor && rest.length === 1 && rest[0] === 'presence_list') {
    return ctx.presenceListPath === 'own' ? `${ctx.api}/presence/list` : `${ctx.api}/presence/list/${encodeURIComponent(actor.user_id)}`;
  }
  if (actor && rest.length === 1 && ['user_id', 'localpart', 'access_token', 'device_id'].includes(rest[0]!)) {
    return need(actor[rest[0] as keyof typeof actor]);
  }
  throw new TemplateError(`unknown template {${name}}`);
}

export function render(text: string, ctx: TemplateContext, encode = false): string {
  return text.replace(PLACEHOLDER, (_, name: string) => {
    const value = resolveName(name, ctx);
    const str = typeof value === 'string' ? value : JSON.stringify(value);
    return encode && !isPath(name) ? encodeURIComponent(str) : str;
  });
}

/**
 * Renders every string inside a JSON value. A string that is exactly one placeholder takes the
 * captured value's own type ("{captured.count}" can be a number).
 */
export function renderValue(value: unknown, ctx: TemplateContext): unknown {
  if (typeof value === 'string') {
    const whole = /^\{([^{}]+)\}$/.exec(value);
    if (whole && whole[1]!.startsWith('captured.')) return resolveName(whole[1]!, ctx);
    return render(value, ctx);
  }
  if (Array.isArray(value)) return value.map((v) => renderValue(v, ctx));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [render(k, ctx), renderValue(v, ctx)]));
  }
  return value;
}

// The two request paths every benchmark client writes by hand (on raw sockets, or for wrk).

export const CLIENT_V3 = '/_matrix/client/v3';

export function presencePath(userId: string, api = CLIENT_V3): string {
  return `${api}/presence/${encodeURIComponent(userId)}/status`;
}

/** A watcher's /sync: set_presence=offline, so that watching never changes what is watched. */
export function syncPath(since: string | undefined, timeout: number, api = CLIENT_V3): string {
  return `${api}/sync?set_presence=offline&timeout=${timeout}${since ? `&since=${encodeURIComponent(since)}` : ''}`;
}

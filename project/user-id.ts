// The two halves of a Matrix user id, "@localpart:server_name" (spec appendices, "User Identifiers"):
// the localpart runs to the first colon; the server name is everything after it (it may hold a port).

export function localpartOf(userId: string): string {
  const colon = userId.indexOf(':');
  return userId.slice(1, colon < 0 ? undefined : colon);
}

export function serverNameOf(userId: string): string {
  return userId.slice(userId.indexOf(':') + 1);
}

// Who the server is: the spec versions it advertises (GET /_matrix/client/versions, checked before
// anything else by reach-homeserver.ts) and, where it offers one, its software and version:
// the Server-Server API's GET /_matrix/federation/v1/version ({server: {name, version}}), which many
// servers also answer on the client port, or Synapse's admin GET /_synapse/admin/v1/server_version.
import type { ProbeSession } from './probe-session.js';
import { highestAdvertised, type Release } from '../../project/releases.js';

export interface ServerSoftware {
  /** "Synapse 1.160.0", when the server said. */
  software?: string;
  evidence: string[];
}

/** Short: neither endpoint is required, and a run must not wait long for either. */
const SOFTWARE_TIMEOUT_MS = 2_000;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export async function readServerSoftware(session: ProbeSession): Promise<ServerSoftware> {
  const mark = session.mark;
  const federation = await session.call('server version', 'GET', '/_matrix/federation/v1/version', {
    timeoutMs: Math.min(SOFTWARE_TIMEOUT_MS, session.requestTimeoutMs),
  });
  const server = (federation.response?.json as { server?: { name?: unknown; version?: unknown } } | undefined)?.server;
  if (federation.response?.status === 200 && text(server?.name)) {
    return { software: [text(server!.name), text(server!.version)].filter(Boolean).join(' '), evidence: session.evidenceSince(mark) };
  }
  const admin = await session.call('server version', 'GET', '/_synapse/admin/v1/server_version', {
    timeoutMs: Math.min(SOFTWARE_TIMEOUT_MS, session.requestTimeoutMs),
  });
  const version = text((admin.response?.json as { server_version?: unknown } | undefined)?.server_version);
  if (admin.response?.status === 200 && version) return { software: `Synapse ${version}`, evidence: session.evidenceSince(mark) };
  return { evidence: session.evidenceSince(mark) };
}

/**
 * The release to speak from what /versions advertises: the highest release this project knows. A
 * server that advertises only versions newer than those (or none it knows) is taken at v1.19, the
 * newest published release, whose cases hold for a newer server too.
 */
export function releaseFrom(versions: string[]): Release {
  return highestAdvertised(versions) ?? 'v1.19';
}

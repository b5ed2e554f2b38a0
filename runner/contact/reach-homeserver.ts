// Before provisioning anything, one GET /_matrix/client/versions tells whether the URL is a reachable
// Matrix homeserver at all. Without it, a wrong URL or a stopped server gives one `error` verdict per
// case instead of one clear sentence. The endpoint needs no authentication (Client-Server API,
// "GET /_matrix/client/versions"), so a 401 or 403 there comes from something in front of the server.
// The early API has no /versions; there GET .../api/v1/login, which "MUST respond with all the valid
// login flows", answers the same question.
import { formatDuration } from '../../project/format-duration.js';
import { ConfigError } from '../../project/errors.js';
import { sendRequest, TransportError, type HttpResponse } from '../http/http-client.js';
import { dialectFor, type Dialect } from '../dialect/dialects.js';
import { clip } from './probe-session.js';
import { releaseFrom } from './server-identity.js';
import { compareReleases, type Release } from '../../project/releases.js';

export interface AdvertisedVersions {
  /** The spec versions the server lists (none for the early API, which has no /versions). */
  versions: string[];
  /** The request and the answer, as one line. */
  evidence: string;
}

/** Throws ConfigError (exit 2) when `baseUrl` is unreachable or does not answer like a homeserver. */
export async function checkHomeserverReachable(baseUrl: string, timeoutMs: number, dialect: Dialect = dialectFor('v1.19')): Promise<AdvertisedVersions> {
  // /versions came in r0.0.1: an early or r0.0.0 server answers GET /login with its flows instead.
  if (compareReleases(dialect.release, 'r0.0.1') < 0) return checkEarlyHomeserver(baseUrl, timeoutMs, dialect);
  return advertisedBy(baseUrl, await getWithoutAuth(baseUrl, VERSIONS_PATH, timeoutMs));
}

const VERSIONS_PATH = '/_matrix/client/versions';

/** The versions in an answer to GET /versions; a ConfigError when it is no homeserver's answer. */
function advertisedBy(baseUrl: string, response: HttpResponse): AdvertisedVersions {
  const versions = (response.json as { versions?: unknown } | undefined)?.versions;
  if (response.status !== 200 || !Array.isArray(versions)) {
    const hint = response.status === 404 ? '; give the base URL clients use, without /_matrix/...' : '';
    throw new ConfigError(`${baseUrl} does not answer like a Matrix homeserver: GET ${VERSIONS_PATH} gave ${whatCame(response, 'versions')}${hint}`);
  }
  return {
    versions: versions.filter((v): v is string => typeof v === 'string'),
    evidence: `GET ${VERSIONS_PATH} → ${response.status} ${clip(response.text)}`,
  };
}

/**
 * Which release a server speaks, for `profile init` and for a run without a profile: the highest
 * release its /versions advertises; without /versions (which came in r0.0.1), r0.0.0 when the r0
 * prefix answers GET /login with its flows, else early when the early prefix does.
 */
export async function discoverRelease(baseUrl: string, timeoutMs: number): Promise<{ release: Release; advertised: AdvertisedVersions; why: string }> {
  const response = await getWithoutAuth(baseUrl, VERSIONS_PATH, timeoutMs);
  if (response.status === 404) {
    for (const release of ['r0.0.0', 'early'] as const) {
      const path = `${dialectFor(release).api}/login`;
      const login = await getWithoutAuth(baseUrl, path, timeoutMs);
      if (login.status === 200 && Array.isArray((login.json as { flows?: unknown } | undefined)?.flows)) {
        const why =
          release === 'early'
            ? 'no /versions, and the early prefix answers GET /login'
            : 'no /versions (it came in r0.0.1), and the r0 prefix answers GET /login';
        return { release, advertised: { versions: [], evidence: `GET ${VERSIONS_PATH} → 404; GET ${path} → 200 ${clip(login.text)}` }, why };
      }
    }
  }
  const advertised = advertisedBy(baseUrl, response);
  return { release: releaseFrom(advertised.versions), advertised, why: 'the highest release /versions advertises' };
}

async function checkEarlyHomeserver(baseUrl: string, timeoutMs: number, dialect: Dialect): Promise<AdvertisedVersions> {
  const path = `${dialect.api}/login`;
  const response = await getWithoutAuth(baseUrl, path, timeoutMs);
  const flows = (response.json as { flows?: unknown } | undefined)?.flows;
  if (response.status !== 200 || !Array.isArray(flows)) {
    throw new ConfigError(
      `${baseUrl} does not answer like a Matrix homeserver of ${dialect.release} (the profile's spec_version; it has no /versions): GET ${path} gave ${whatCame(response, 'flows')}`,
    );
  }
  return { versions: [], evidence: `GET ${path} → ${response.status} ${clip(response.text)}` };
}

/** GET of an endpoint a homeserver serves without authentication: unreachable, silent past
 * `timeoutMs`, or refusing with 401/403 (something in front of the server) is a ConfigError. */
async function getWithoutAuth(baseUrl: string, path: string, timeoutMs: number): Promise<HttpResponse> {
  let response: HttpResponse;
  try {
    response = await sendRequest({ method: 'GET', url: `${baseUrl.replace(/\/+$/, '')}${path}`, headers: { accept: 'application/json' } }, timeoutMs);
  } catch (err) {
    const reason = err instanceof TransportError && err.kind === 'timeout' ? `no answer within ${formatDuration(timeoutMs)}` : (err as Error).message;
    throw new ConfigError(`cannot reach the homeserver at ${baseUrl}: ${reason} (GET ${path})`);
  }
  if (response.status === 401 || response.status === 403) {
    throw new ConfigError(
      `${baseUrl} refuses GET ${path} with HTTP ${response.status}, which a homeserver answers without authentication: something in front of the server (a proxy asking for a login?) refuses every request; point --homeserver at the server's client-server API`,
    );
  }
  return response;
}

/** What came instead of a 200 with the JSON list `list`. */
function whatCame(response: HttpResponse, list: string): string {
  if (response.status !== 200) return `HTTP ${response.status}`;
  return response.json === undefined ? 'a body that is not JSON' : `JSON without a "${list}" list`;
}

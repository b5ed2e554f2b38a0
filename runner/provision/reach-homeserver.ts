// Before provisioning anything, one GET /_matrix/client/versions tells whether the URL is a reachable
// Matrix homeserver at all. Without it, a wrong URL or a stopped server gives one `error` verdict per
// case instead of one clear sentence.
import { ConfigError } from '../../project/errors.js';
import { sendRequest, TransportError } from '../http/http-client.js';

/** Throws ConfigError (exit 2) when `baseUrl` is unreachable or does not answer like a homeserver. */
export async function checkHomeserverReachable(baseUrl: string, timeoutMs: number): Promise<void> {
  const url = `${baseUrl.replace(/\/+$/, '')}/_matrix/client/versions`;
  let response;
  try {
    response = await sendRequest({ method: 'GET', url, headers: { accept: 'application/json' } }, timeoutMs);
  } catch (err) {
    const reason = err instanceof TransportError && err.kind === 'timeout' ? `no answer within ${timeoutMs} ms` : (err as Error).message;
    throw new ConfigError(`cannot reach the homeserver at ${baseUrl}: ${reason} (GET /_matrix/client/versions)`);
  }
  const versions = (response.json as { versions?: unknown } | undefined)?.versions;
  if (response.status !== 200 || !Array.isArray(versions)) {
    const got = response.status !== 200 ? `HTTP ${response.status}` : response.json === undefined ? 'a body that is not JSON' : 'JSON without a "versions" list';
    throw new ConfigError(`${baseUrl} does not answer like a Matrix homeserver: GET /_matrix/client/versions gave ${got}`);
  }
}

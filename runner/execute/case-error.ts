// Something that keeps a case from reaching a verdict on the server's behaviour: provisioning failed,
// the transport broke, a response could not be read. The case's outcome is `error` with this message.
import { TransportError } from '../http/http-client.js';
import { TemplateError } from '../load/templates.js';

export class CaseError extends Error {
  override name = 'CaseError';
}

/** Gives transport and template errors the place in the suite they happened at. */
export async function located<T>(where: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if ((err instanceof TransportError && err.kind !== 'aborted') || err instanceof TemplateError) {
      throw new CaseError(`${where}: ${err.message}`);
    }
    if (err instanceof CaseError && !/^\S+:\d+:\d+/.test(err.message)) throw new CaseError(`${where}: ${err.message}`);
    throw err;
  }
}

// A case's errors name the place in the suite they happened at, so that an `error` outcome points at
// the step (or the provisioning) to read.
import { CaseError } from '../http/case-error.js';
import { TransportError } from '../http/http-client.js';
import { TemplateError } from '../load/templates.js';

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

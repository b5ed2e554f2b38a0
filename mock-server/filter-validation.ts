// Type-checking uploaded and inline filters before anything uses them. Synapse validates every filter
// against a JSON schema (synapse/api/filtering.py, check_valid_filter: `limit` a number, `types` and
// `not_types` arrays of strings, `senders` and `not_senders` arrays of user IDs) and answers a mismatch
// with SynapseError(400, <message>), whose default errcode is M_UNKNOWN; both POST
// /user/{userId}/filter and an inline `filter=` on /sync go through it. The mock checks the sections it
// uses (presence) and the one with the same schema (account_data) the same way.
import { ERRORS, MatrixError } from './errors.js';

// Synapse's matrix_user_id format: "@" localpart ":" server name.
const USER_ID = /^@[^:]+:.+$/;

function invalid(path: string, what: string): never {
  throw new MatrixError(ERRORS.INVALID_FILTER, `Invalid filter: ${path} must be ${what}.`);
}

function checkStringArray(value: unknown, path: string, userIds: boolean): void {
  const what = userIds ? 'an array of user IDs' : 'an array of strings';
  if (!Array.isArray(value)) invalid(path, what);
  for (const item of value) {
    if (typeof item !== 'string' || (userIds && !USER_ID.test(item))) invalid(path, what);
  }
}

/** The EventFilter part of a filter (spec: EventFilter; Synapse FILTER_SCHEMA). Unknown fields pass,
 * for forward compatibility, as in Synapse. */
function checkEventFilter(value: unknown, path: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid(path, 'an object');
  const f = value as Record<string, unknown>;
  if (f.limit !== undefined && (typeof f.limit !== 'number' || !Number.isFinite(f.limit))) invalid(`${path}.limit`, 'a number');
  for (const key of ['types', 'not_types'] as const) {
    if (f[key] !== undefined) checkStringArray(f[key], `${path}.${key}`, false);
  }
  for (const key of ['senders', 'not_senders'] as const) {
    if (f[key] !== undefined) checkStringArray(f[key], `${path}.${key}`, true);
  }
}

/** Throws 400 M_UNKNOWN (ERRORS.INVALID_FILTER) naming the first field of the wrong type. */
export function checkFilter(filter: unknown): void {
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) invalid('the filter', 'a JSON object');
  const f = filter as Record<string, unknown>;
  for (const section of ['presence', 'account_data'] as const) {
    if (f[section] !== undefined) checkEventFilter(f[section], section);
  }
}

/** checkFilter, with the invalid-filter-500 fault: a limit below 1 makes the server fail. */
export function checkFilterOn(faults: { has(name: 'invalid-filter-500'): boolean }, filter: unknown): void {
  checkFilter(filter);
  const presence = (filter as { presence?: { limit?: unknown } }).presence;
  if (faults.has('invalid-filter-500') && typeof presence?.limit === 'number' && presence.limit < 1) throw new MatrixError(ERRORS.UNKNOWN);
}

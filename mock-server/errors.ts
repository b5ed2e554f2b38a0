// The mock's error catalogue: every error it can answer, with its status, errcode and message, in one
// place (documented in docs/mock-catalogue.md, generated from ERRORS). Handlers throw MatrixError(ERRORS.X) and the app turns it
// into the standard error body {errcode, error} (spec: "Standard error response").

export interface ErrorSpec {
  status: number;
  errcode: string;
  message: string;
}

export const ERRORS = {
  NOT_JSON: { status: 400, errcode: 'M_NOT_JSON', message: 'Content not JSON.' },
  BAD_JSON: { status: 400, errcode: 'M_BAD_JSON', message: 'The JSON body has the wrong shape.' },
  INVALID_PARAM: { status: 400, errcode: 'M_INVALID_PARAM', message: 'A parameter has an invalid value.' },
  // The invalid-presence-m-unknown variant (Dendrite: "Unknown presence").
  UNKNOWN_PRESENCE: { status: 400, errcode: 'M_UNKNOWN', message: 'Unknown presence state.' },
  // Synapse check_valid_filter raises SynapseError(400, ...) with the default errcode (see filter-validation.ts).
  INVALID_FILTER: { status: 400, errcode: 'M_UNKNOWN', message: 'Invalid filter.' },
  MISSING_PARAM: { status: 400, errcode: 'M_MISSING_PARAM', message: 'A required parameter is missing.' },
  INVALID_USERNAME: { status: 400, errcode: 'M_INVALID_USERNAME', message: 'User ID can only contain characters a-z, 0-9, and =_-./.' },
  USER_IN_USE: { status: 400, errcode: 'M_USER_IN_USE', message: 'User ID already taken.' },
  UNKNOWN_LOGIN_TYPE: { status: 400, errcode: 'M_UNKNOWN', message: 'Unknown login type.' },
  MISSING_TOKEN: { status: 401, errcode: 'M_MISSING_TOKEN', message: 'Missing access token.' },
  // The early API has no M_MISSING_TOKEN and fixes no status; Synapse's api/v1 answered 403 (auth.py).
  EARLY_MISSING_TOKEN: { status: 403, errcode: 'M_FORBIDDEN', message: 'Missing access token.' },
  EARLY_UNKNOWN_TOKEN: { status: 403, errcode: 'M_UNKNOWN_TOKEN', message: 'Unrecognised access token.' },
  EARLY_BAD_LOGIN_TYPE: { status: 400, errcode: 'M_UNKNOWN', message: 'Bad login type.' },
  UNKNOWN_TOKEN: { status: 401, errcode: 'M_UNKNOWN_TOKEN', message: 'Unknown access token.' },
  FORBIDDEN: { status: 403, errcode: 'M_FORBIDDEN', message: 'Forbidden.' },
  // Synapse's words when enable_registration is false.
  REGISTRATION_DISABLED: { status: 403, errcode: 'M_FORBIDDEN', message: 'Registration has been disabled.' },
  FORBIDDEN_LOGIN: { status: 403, errcode: 'M_FORBIDDEN', message: 'Invalid username or password.' },
  FORBIDDEN_SET_PRESENCE: { status: 403, errcode: 'M_FORBIDDEN', message: 'Can only set your own presence state.' },
  FORBIDDEN_SEE_PRESENCE: { status: 403, errcode: 'M_FORBIDDEN', message: 'You are not allowed to see their presence.' },
  FORBIDDEN_NOT_IN_ROOM: { status: 403, errcode: 'M_FORBIDDEN', message: 'You are not joined to this room.' },
  FORBIDDEN_NOT_INVITED: { status: 403, errcode: 'M_FORBIDDEN', message: 'You are not invited to this room.' },
  FORBIDDEN_PROFILE: { status: 403, errcode: 'M_FORBIDDEN', message: "Cannot set another user's profile." },
  NOT_FOUND: { status: 404, errcode: 'M_NOT_FOUND', message: 'Not found.' },
  UNKNOWN_USER: { status: 404, errcode: 'M_NOT_FOUND', message: 'No such user.' },
  UNKNOWN_ROOM: { status: 404, errcode: 'M_NOT_FOUND', message: 'No such room.' },
  UNKNOWN_FILTER: { status: 404, errcode: 'M_NOT_FOUND', message: 'No such filter.' },
  // The stranger-get-404 and never-set-404 variants (conduwuit's wording).
  PRESENCE_NOT_FOUND: { status: 404, errcode: 'M_NOT_FOUND', message: 'Presence state for this user was not found.' },
  UNRECOGNIZED: { status: 404, errcode: 'M_UNRECOGNIZED', message: 'Unrecognized request.' },
  METHOD_NOT_ALLOWED: { status: 405, errcode: 'M_UNRECOGNIZED', message: 'Method not allowed.' },
  TOO_LARGE: { status: 413, errcode: 'M_TOO_LARGE', message: 'Request body too large.' },
  LIMIT_EXCEEDED: { status: 429, errcode: 'M_LIMIT_EXCEEDED', message: 'Too many requests.' },
  UNKNOWN: { status: 500, errcode: 'M_UNKNOWN', message: 'Internal server error.' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorName = keyof typeof ERRORS;

/** An error a handler throws; `detail` replaces the catalogue message, `extra` adds body fields. */
export class MatrixError extends Error {
  constructor(
    readonly spec: ErrorSpec,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? spec.message);
  }

  body(): Record<string, unknown> {
    return { errcode: this.spec.errcode, error: this.detail ?? this.spec.message, ...this.extra };
  }
}

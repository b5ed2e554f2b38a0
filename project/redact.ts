// Secrets never leave a run whole. Reports travel as CI artifacts, and with static users or a shared
// secret the tokens are real accounts' keys; so every string that reaches a report, a reporter or a log
// passes through a Redactor, which replaces
// - the values of secret keys in JSON (access_token, password, mac, nonce, ...), in objects and in text;
// - the credential of `Authorization: Bearer ...` and of `access_token=` (and the other secret keys) in
//   URLs and form-like text;
// - every literal value it was told is secret (the profile's shared secret, static users' tokens and
//   listed `secrets`) or learned on the wire (each token, password, nonce and MAC the runner sent or
//   received), wherever it appears: in messages, check values, headers or clipped bodies.
// Access tokens keep a 4-character prefix, so a reader can still tell two users apart; other secrets
// keep nothing. Redaction is idempotent: a redacted text is left as it is.

/** JSON keys and query parameters whose values are credentials (Client-Server API, Synapse admin API). */
export const SECRET_KEYS = [
  'access_token',
  'refresh_token',
  'password',
  'new_password',
  'token',
  'login_token',
  'id_token',
  'mac',
  'nonce',
  'shared_secret',
  'registration_shared_secret',
] as const;

/** Keys whose values may keep a short prefix. */
const TOKEN_KEYS = new Set(['access_token', 'refresh_token']);
const SECRET_KEY_SET = new Set<string>(SECRET_KEYS);

export const REDACTED = '[redacted]';
/** Literal values shorter than this are not searched for in free text (they would match ordinary words). */
export const MIN_LITERAL_LENGTH = 6;
const PREFIX_LENGTH = 4;
/** Only values this long keep a prefix: a prefix of a short value would give most of it away. */
const PREFIX_MIN_LENGTH = 16;

export type SecretKind = 'token' | 'secret';

/** The replacement of one secret value. */
export function mask(value: string, kind: SecretKind): string {
  if (value.endsWith(REDACTED)) return value;
  return kind === 'token' && value.length >= PREFIX_MIN_LENGTH ? `${value.slice(0, PREFIX_LENGTH)}…${REDACTED}` : `…${REDACTED}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const KEY_ALTERNATION = SECRET_KEYS.join('|');
// "key": "value" in JSON text, also when that JSON sits escaped inside another JSON string (\"key\": \"value\").
const JSON_PAIR = new RegExp(`(\\\\*)"(${KEY_ALTERNATION})\\1"(\\s*:\\s*)\\1"(.*?)\\1"`, 'g');
// key=value in a URL query or form text.
const QUERY_PAIR = new RegExp(`([?&;\\s]|^)(${KEY_ALTERNATION})=([^&#\\s"'<>]+)`, 'g');
// A bearer credential: token characters (RFC 6750 b64token), at least one a letter or digit, so that
// prose such as "Authorization: Bearer ..." is left alone, and not already redacted.
const BEARER = /(Bearer\s+)((?=[A-Za-z0-9._~+/=-]*[A-Za-z0-9])[A-Za-z0-9._~+/=-]{4,})(?![A-Za-z0-9._~+/=-]|…)/gi;

export class Redactor {
  /** Known secret values, each with its replacement. */
  private readonly known = new Map<string, string>();
  /** The search over known values and their encoded forms; rebuilt after a value is added. */
  private literal?: { pattern: RegExp; replacements: Map<string, string> } | null;

  /** A redactor that knows what this one knows; what it learns stays its own (one per case). */
  fork(): Redactor {
    const child = new Redactor();
    for (const [value, replacement] of this.known) child.known.set(value, replacement);
    return child;
  }

  /** Remembers a value to replace wherever it appears (values under MIN_LITERAL_LENGTH only in key positions). */
  addSecret(value: unknown, kind: SecretKind = 'secret'): void {
    if (typeof value !== 'string' || value.length === 0 || value.endsWith(REDACTED) || this.known.has(value)) return;
    this.known.set(value, mask(value, kind));
    this.literal = undefined;
  }

  /** Every secret value found under a secret key of a JSON value, learned for later. */
  learnFrom(value: unknown): void {
    if (Array.isArray(value)) for (const item of value) this.learnFrom(item);
    else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (SECRET_KEY_SET.has(key)) this.addSecret(child, kindOf(key));
        else this.learnFrom(child);
      }
    }
  }

  /** The same from text that may be JSON, a URL or an Authorization header value. */
  learnFromText(text: string | undefined): void {
    if (!text) return;
    try {
      this.learnFrom(JSON.parse(text));
    } catch {
      // Not JSON: the patterns below still find key=value pairs and bearer tokens.
    }
    for (const m of text.matchAll(QUERY_PAIR)) this.addSecret(safeDecode(m[3]!), kindOf(m[2]!));
    for (const m of text.matchAll(BEARER)) this.addSecret(m[2], 'token');
  }

  private literalSearch(): { pattern: RegExp; replacements: Map<string, string> } | null {
    if (this.literal === undefined) {
      const replacements = new Map<string, string>();
      for (const [value, replacement] of this.known) {
        if (value.length < MIN_LITERAL_LENGTH) continue;
        // Values also appear percent-encoded (in URLs) and JSON-escaped (in messages).
        for (const form of [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)]) replacements.set(form, replacement);
      }
      const forms = [...replacements.keys()].sort((a, b) => b.length - a.length);
      this.literal = forms.length === 0 ? null : { pattern: new RegExp(forms.map(escapeRegExp).join('|'), 'g'), replacements };
    }
    return this.literal;
  }

  /** A text with every secret replaced. */
  text(text: string): string {
    let out = text;
    const literal = this.literalSearch();
    if (literal) out = out.replace(literal.pattern, (found) => literal.replacements.get(found) ?? `…${REDACTED}`);
    out = out.replace(
      JSON_PAIR,
      (_all, esc: string, key: string, colon: string, value: string) => `${esc}"${key}${esc}"${colon}${esc}"${mask(value, kindOf(key))}${esc}"`,
    );
    out = out.replace(QUERY_PAIR, (_all, lead: string, key: string, value: string) => `${lead}${key}=${mask(safeDecode(value), kindOf(key))}`);
    return out.replace(BEARER, (_all, lead: string, value: string) => `${lead}${mask(value, 'token')}`);
  }

  /** A JSON-like value with every string redacted and every secret key's value masked; never mutates. */
  value<T>(value: T): T {
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((v) => this.walk(v));
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, child]) => {
        if (typeof child !== 'string') return [key, this.walk(child)];
        if (SECRET_KEY_SET.has(key)) return [key, mask(child, kindOf(key))];
        // An Authorization header of any scheme: the credential after the scheme goes.
        if (key.toLowerCase() === 'authorization')
          return [key, child.replace(/^(\S+\s+)?(\S+)$/, (_all, scheme = '', credential: string) => `${scheme}${mask(credential, 'token')}`)];
        return [key, this.text(child)];
      }),
    );
  }
}

function kindOf(key: string): SecretKind {
  return TOKEN_KEYS.has(key) ? 'token' : 'secret';
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A URL without the user:password part, for showing where a run went. */
export function withoutUserInfo(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
  } catch {
    return url;
  }
}

// The path and query of a request target. WHATWG URL parsing (which the mock relies on for its path
// normalisation: dot segments, backslashes, percent-encoding) was the largest single cost per request in
// the GET benchmark; most targets are plain, and for those URL would return the path unchanged and the
// same query parameters, so they are split directly. Anything URL could change goes through URL.

export interface RequestTarget {
  pathname: string;
  query: URLSearchParams;
}

/** A plain target: its query is parsed only when a handler reads it (most requests never do: the
 * access token comes in a header). */
class PlainTarget implements RequestTarget {
  private parsed: URLSearchParams | undefined;
  constructor(
    readonly pathname: string,
    private readonly search: string,
  ) {}

  get query(): URLSearchParams {
    // The leading "?" keeps a query that itself starts with "?" intact (the constructor strips one).
    return (this.parsed ??= new URLSearchParams(`?${this.search}`));
  }
}

// Characters that URL leaves alone in a path (no percent-encoding, no backslash); dot segments and
// their encoded forms are excluded below.
const PLAIN_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;
// Printable ASCII except '#' (a fragment, which URL drops).
const PLAIN_QUERY = /^[\x21-\x22\x24-\x7e]*$/;
const DOT_SEGMENT = /\/(\.|%2e)/i;

export function parseTarget(target: string): RequestTarget {
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const search = q < 0 ? '' : target.slice(q + 1);
  if (PLAIN_PATH.test(path) && !DOT_SEGMENT.test(path) && PLAIN_QUERY.test(search)) return new PlainTarget(path, search);
  // An origin-form target is a path even when it starts with "//" (RFC 9112 3.2.1): appended to an
  // origin rather than resolved against one, where "//host" would be read as an authority (and an
  // invalid one, such as "//@a:b", threw: a 500). Other forms ("*", absolute URLs) address no route.
  let url: URL;
  try {
    url = new URL(target.startsWith('/') ? `http://mock.invalid${target}` : target);
  } catch {
    return { pathname: '/', query: new URLSearchParams() };
  }
  return { pathname: url.pathname, query: url.searchParams };
}

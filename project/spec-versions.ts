// The spec texts the project knows by name, and Matrix spec version strings as servers advertise them
// in GET /_matrix/client/versions ("r0.6.1", "v1.12"), shown compactly wherever a report or a profile
// names them.

/**
 * The spec texts the project tells apart: what a target profile implements (spec_version), which texts
 * a case holds in (spec_versions), and whose schemas `validate` checks with. v1.19 is the current
 * text (/_matrix/client/v3), r0 the r0.x releases (/_matrix/client/r0), early the Client-Server API
 * before r0 (/_matrix/client/api/v1).
 */
export type SpecVersion = 'v1.19' | 'r0' | 'early';

/** Every SpecVersion, newest text first. */
export const SPEC_VERSIONS: readonly SpecVersion[] = ['v1.19', 'r0', 'early'];

export function isSpecVersion(value: string): value is SpecVersion {
  return (SPEC_VERSIONS as readonly string[]).includes(value);
}

function compareVersions(a: string, b: string): number {
  const parts = (v: string) =>
    v
      .replace(/^[a-z]+/i, '')
      .split('.')
      .map(Number);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0 && !Number.isNaN(d)) return d;
  }
  return a.localeCompare(b);
}

/** ["r0.0.1", ..., "r0.6.1", "v1.1", ..., "v1.12"] -> "r0.0.1–r0.6.1, v1.1–v1.12". */
export function summariseVersions(versions: string[]): string {
  if (versions.length === 0) return 'no spec version';
  const families = new Map<string, string[]>();
  for (const v of new Set(versions)) {
    const family = /^(r0|v\d+)\./.exec(v)?.[1] ?? v;
    families.set(family, [...(families.get(family) ?? []), v]);
  }
  return [...families.values()]
    .map((list) => {
      const sorted = [...list].sort(compareVersions);
      return sorted.length === 1 ? sorted[0]! : `${sorted[0]}–${sorted.at(-1)}`;
    })
    .join(', ');
}

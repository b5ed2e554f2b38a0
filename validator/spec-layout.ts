// Where a Matrix spec tree keeps its API descriptions and event examples, and which version of the
// spec it is. The matrix-spec repository has had three layouts with presence examples (see
// docs/validate.md, "Spec trees"):
// - v1.x (2021 on): data/api/** (OpenAPI 3), data/event-schemas/{schema,examples} (*.yaml);
// - r0 (Dec 2015 to 2021): api/** (Swagger 2.0, examples often JSON text in a YAML string) and
//   event-schemas/{schema,examples} at the top level, event files without an extension;
// - early (2015, the v0.2.0 release): api/client-server/v1/*.yaml and event-schemas/{schema,examples}/v1/.
// Before May 2015 the tree had only Swagger 1.2 api-docs (models, no examples): recognised, with
// nothing to check.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SpecVersion } from '../project/spec-versions.js';

export interface SpecLayout {
  /** In words, for the report: "v1.x (data/)". */
  description: string;
  /** Which of our schema sets its examples are checked against. */
  era: SpecVersion;
  /** Folders (relative to the tree) whose OpenAPI/Swagger files may hold presence examples. */
  apiDirs: string[];
  /** Folders of whole-file examples (the event examples, the API's examples/ folders are found in apiDirs). */
  exampleDirs: string[];
  /** The presence endpoints' file, the event schema file, the /sync file. */
  presenceApi: string;
  eventSchema: string;
  syncApi: string;
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The layout of the tree at root, or undefined when it is none of the spec's layouts. */
export function detectLayout(root: string): SpecLayout | undefined {
  if (isDir(join(root, 'data', 'api', 'client-server')) || isDir(join(root, 'data', 'event-schemas'))) {
    return {
      description: 'v1.x layout (data/api, data/event-schemas)',
      era: 'v1.19',
      apiDirs: ['data/api'],
      exampleDirs: ['data/event-schemas/examples'],
      presenceApi: 'data/api/client-server/presence.yaml',
      eventSchema: 'data/event-schemas/schema/m.presence.yaml',
      syncApi: 'data/api/client-server/sync.yaml',
    };
  }
  // Early trees: the api/v1 YAML (from June 2015) and the v1 event examples (from May 2015), either or both.
  const earlyApi = isDir(join(root, 'api', 'client-server', 'v1'));
  const earlyEvents = isDir(join(root, 'event-schemas', 'examples', 'v1'));
  if (earlyApi || earlyEvents) {
    return {
      description: 'early layout (api/client-server/v1, event-schemas/*/v1)',
      era: 'early',
      apiDirs: earlyApi ? ['api/client-server/v1'] : [],
      exampleDirs: earlyEvents ? ['event-schemas/examples/v1'] : [],
      presenceApi: 'api/client-server/v1/presence.yaml',
      eventSchema: 'event-schemas/schema/v1/m.presence',
      syncApi: 'api/client-server/v1/sync.yaml',
    };
  }
  const topLevelApi = join(root, 'api', 'client-server');
  if (isDir(topLevelApi) && readdirSync(topLevelApi).some((n) => n.endsWith('.yaml'))) {
    return {
      description: 'r0 layout (api/, event-schemas/ at the top level)',
      era: 'r0',
      apiDirs: ['api'],
      exampleDirs: ['event-schemas/examples'],
      presenceApi: 'api/client-server/presence.yaml',
      eventSchema: 'event-schemas/schema/m.presence',
      syncApi: 'api/client-server/sync.yaml',
    };
  }
  for (const docs of ['api/client-server', 'swagger/client-server']) {
    if (isDir(join(root, docs)) && readdirSync(join(root, docs)).some((n) => n.startsWith('api-docs'))) {
      // May 2015: the first event examples sit beside the Swagger 1.2 api-docs, without a v1 folder.
      const events = isDir(join(root, 'event-schemas', 'examples'));
      return {
        era: 'early',
        apiDirs: [],
        presenceApi: `${docs}/api-docs-presence`,
        syncApi: '',
        description: `early Swagger 1.2 layout (${docs}/api-docs-*: models, no examples${events ? '; event-schemas/examples' : ''})`,
        exampleDirs: events ? ['event-schemas/examples'] : [],
        eventSchema: events ? 'event-schemas/schema/m.presence' : '',
      };
    }
  }
  return undefined;
}

export interface TreeVersion {
  /** The release the tree is, or a range of releases: "v1.19", "r0.6.1", "r0.2.0–r0.3.0", "v0.2.0". */
  release: string;
  /** How it was found: "config/_default/hugo.toml", "--spec-version", "the tree's presence schemas". */
  source: string;
}

function readText(root: string, rel: string): string | undefined {
  try {
    return readFileSync(join(root, rel), 'utf8');
  } catch {
    return undefined;
  }
}

/** v1.x: the Hugo site configuration names the release ([params.version] status/major/minor). */
function v1Release(root: string): TreeVersion | undefined {
  for (const rel of ['config/_default/hugo.toml', 'config.toml']) {
    const text = readText(root, rel);
    const section = text && /^\[params\.version\]\s*$([\s\S]*?)^\[/m.exec(text)?.[1];
    if (!section) continue;
    const field = (name: string) => new RegExp(`^${name}\\s*=\\s*"([^"]*)"`, 'm').exec(section)?.[1];
    if (field('status') === 'unstable') return { release: 'unstable', source: `${rel}, which says the tree is after the latest v1.x release` };
    if (field('major') && field('minor')) return { release: `v${field('major')}.${field('minor')}`, source: rel };
  }
  return undefined;
}

/** r0: the first release heading of the Client-Server changelog ("r0" alone was r0.0.0). */
function r0ReleaseFromChangelog(root: string): TreeVersion | undefined {
  const rel = 'changelogs/client_server.rst';
  const heading = readText(root, rel)
    ?.split('\n')
    .find((line) => /^r0(\.\d+\.\d+)?\s*$/.test(line))
    ?.trim();
  if (!heading) return undefined;
  const release = heading === 'r0' ? 'r0.0.0' : heading;
  const pending = join(root, 'changelogs', 'client_server', 'newsfragments');
  const unreleased = isDir(pending) && readdirSync(pending).some((n) => !n.startsWith('.'));
  return { release: unreleased ? `${release} with unreleased changes` : release, source: rel };
}

/**
 * r0 without a changelog (only api/ and event-schemas/ extracted): the release range from what its own
 * presence schemas say, by the differences between r0 releases: free_for_chat left the PUT enum in
 * r0.2.0, the event's user moved from content.user_id to sender in r0.4.0, the presence list went in
 * r0.5.0.
 */
function r0ReleaseFromSchemas(root: string, layout: SpecLayout): TreeVersion | undefined {
  const presence = readText(root, layout.presenceApi);
  const event = readText(root, layout.eventSchema);
  if (presence === undefined || event === undefined) return undefined;
  const source = `its presence schemas (${layout.presenceApi}, ${layout.eventSchema})`;
  if (presence.includes('free_for_chat')) return { release: 'r0.0.0–r0.1.0', source };
  if (/"required"\s*:\s*\[[^\]]*"user_id"/.test(event)) return { release: 'r0.2.0–r0.3.0', source };
  if (presence.includes('/presence/list/')) return { release: 'r0.4.0', source };
  return { release: 'r0.5.0–r0.6.1', source };
}

/**
 * The early tree's release: the newest heading of CHANGELOG.rst ("Specification changes in v0.2.0");
 * without it, v0.2.0 is the one release whose GET /presence/{userId}/status lets status_msg be null
 * (api/client-server/v1/presence.yaml, changed 2015-09-18).
 */
function earlyRelease(root: string, layout: SpecLayout): TreeVersion | undefined {
  const m = /^Specification changes in (v\d+\.\d+\.\d+)/m.exec(readText(root, 'CHANGELOG.rst') ?? '');
  if (m) return { release: m[1]!, source: 'CHANGELOG.rst' };
  const presence = readText(root, layout.presenceApi);
  if (presence && /status_msg:\s*\n\s*type:\s*\[\s*"?string"?\s*,\s*"null"\s*\]/.test(presence)) {
    return { release: 'v0.2.0', source: `its presence schema (${layout.presenceApi}: a null status_msg, new in v0.2.0)` };
  }
  return undefined;
}

/** Which release the tree at root is, as far as the tree says. */
export function detectRelease(root: string, layout: SpecLayout): TreeVersion {
  const unknown = (release: string): TreeVersion => ({ release, source: 'the layout alone (nothing in the tree names the release)' });
  switch (layout.era) {
    case 'v1.19':
      return v1Release(root) ?? unknown('v1.x');
    case 'r0':
      return r0ReleaseFromChangelog(root) ?? r0ReleaseFromSchemas(root, layout) ?? unknown('r0');
    case 'early':
      return earlyRelease(root, layout) ?? unknown('early');
  }
}

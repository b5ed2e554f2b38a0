// The release ranges of project/releases.ts (RELEASE_FEATURES), confirmed against the spec's own
// history: for every feature and every release of RELEASES, the release's tree in the history bundle
// (../shared/matrix-spec-history, cloned once by test/validator/spec-bundle.ts, which fails with the
// path it expected when the bundle is missing) shows the feature exactly when the range says so. Files
// are read with `git show REF:PATH`, never checked out, and parsed as PyYAML reads them
// (validator/spec-yaml.ts): the m.presence schemas of the early and r0 trees are JSON or YAML files
// without an extension, with a few unquoted words (`"type": boolean`).
//
// Where each release lives in the bundle: the early API is the tag 0.2.0 (api/client-server/v1/,
// event-schemas/schema/v1/m.presence); the r0 releases are the tags r0.0.0, r0.0.1,
// client-server/r0.1.0 to r0.3.0 and client_server/r0.4.0 to r0.6.1 (api/client-server/,
// event-schemas/schema/m.presence); v1.1 ... v1.19 are tags of their own and the next version
// (NEXT_RELEASE) is the branch `main` (data/api/client-server/, data/event-schemas/schema/m.presence.yaml).
import { execFile } from 'node:child_process';
import { posix } from 'node:path';
import { expect } from 'chai';
import {
  describeRange,
  inRange,
  NEXT_RELEASE,
  RELEASE_FEATURES,
  RELEASES,
  type Release,
  type ReleaseFeature,
  type ReleaseRange,
} from '../../project/releases.js';
import { readSpecYaml } from '../../validator/spec-yaml.js';
import { specClone } from '../validator/spec-bundle.js';

/** Upper bound for one git call, so a broken clone fails the test instead of hanging it. */
const GIT_TIMEOUT_MS = 30_000;

/** How many git processes run at once: the trees are read side by side, but not all at the same moment. */
const GIT_CONCURRENCY = 8;
let running = 0;
const waiting: (() => void)[] = [];

async function git(repo: string, args: string[]): Promise<string> {
  // A finished call hands its slot straight to the next waiting one.
  if (running < GIT_CONCURRENCY) running++;
  else await new Promise<void>((go) => waiting.push(go));
  try {
    return await new Promise((resolve, reject) => {
      execFile('git', ['-C', repo, ...args], { timeout: GIT_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`git ${args.join(' ')}: ${(stderr || err.message).trim().split('\n')[0]}`));
        else resolve(stdout);
      });
    });
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

/** The refs a release may be under, in the order tried (the r0 tags changed spelling at r0.4.0). */
function refsOf(release: Release): string[] {
  if (release === 'early') return ['0.2.0'];
  if (release === NEXT_RELEASE) return ['main'];
  if (release.startsWith('r0.')) return [`client_server/${release}`, `client-server/${release}`, release];
  return [release];
}

type Json = unknown;
type JsonObject = Record<string, Json>;

function isObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray(value: Json): Json[] {
  return Array.isArray(value) ? value : [];
}

/** A value of a spec file, with the file it is in (what its relative `$ref`s are relative to). */
interface Located {
  node: Json;
  file: string;
}

/** One release's tree in the clone, read file by file with `git show`. */
class SpecTree {
  private readonly parsed = new Map<string, Promise<Json>>();

  constructor(
    readonly repo: string,
    readonly release: Release,
    readonly ref: string,
    private readonly files: Set<string>,
  ) {}

  has(path: string): boolean {
    return this.files.has(path);
  }

  /** The first of `paths` the tree has; throws, naming them all, when it has none (an unknown layout must not read as "absent"). */
  first(what: string, paths: string[]): string {
    const found = paths.find((p) => this.has(p));
    if (!found) throw new Error(`${this.release} (${this.ref}): no ${what} at ${paths.join(', ')}`);
    return found;
  }

  /** A file of the Client-Server API in this tree's layout (v1.x: data/, r0: top level, early: v1/). */
  api(name: string): string {
    return this.first(name, [`data/api/client-server/${name}`, `api/client-server/${name}`, `api/client-server/v1/${name}`]);
  }

  /** The m.presence event schema (v1.x: .yaml; r0 and early: no extension, JSON or YAML). */
  presenceSchema(): string {
    return this.first('m.presence schema', [
      'data/event-schemas/schema/m.presence.yaml',
      'event-schemas/schema/m.presence',
      'event-schemas/schema/v1/m.presence',
    ]);
  }

  /** The Client-Server API's prose (v1.x: Markdown for Hugo; r0 and early: reStructuredText). */
  prose(): Promise<string> {
    const file = this.first('Client-Server API prose', [
      'content/client-server-api/_index.md',
      'specification/client_server_api.rst',
      'specification/1-client_server_api.rst',
    ]);
    return this.text(file);
  }

  text(path: string): Promise<string> {
    return git(this.repo, ['show', `${this.ref}:${path}`]);
  }

  /** A file's value, as PyYAML reads it; read once per tree. */
  read(path: string): Promise<Json> {
    let read = this.parsed.get(path);
    if (!read) {
      read = this.text(path).then((text) => readSpecYaml(text, `${this.ref}:${path}`).data);
      this.parsed.set(path, read);
    }
    return read;
  }

  /** The value a `$ref` (`file`, `file#/pointer` or `#/pointer`, relative to `from`) names. */
  private async target(ref: string, from: string): Promise<Located> {
    const [path = '', pointer = ''] = ref.split('#');
    const file = path ? posix.normalize(posix.join(posix.dirname(from), path)) : from;
    if (!this.has(file)) throw new Error(`${this.release} (${this.ref}): ${from} refers to ${ref}, which the tree does not have`);
    let node = await this.read(file);
    for (const key of pointer.split('/').slice(1)) {
      const name = key.replace(/~1/g, '/').replace(/~0/g, '~');
      node = Array.isArray(node) ? node[Number(name)] : isObject(node) ? node[name] : undefined;
    }
    return { node, file };
  }

  /** The value itself, or what its `$ref` names (followed as far as it goes). */
  async deref(at: Located): Promise<Located> {
    let current = at;
    for (let hops = 0; isObject(current.node) && typeof current.node.$ref === 'string'; hops++) {
      if (hops > 20) throw new Error(`${this.release}: a $ref cycle at ${at.file}`);
      current = await this.target(current.node.$ref, current.file);
    }
    return current;
  }

  /** The value at `keys` below `at`, following every `$ref` on the way; undefined when a key is missing. */
  async at(at: Located, ...keys: string[]): Promise<Located | undefined> {
    let current = await this.deref(at);
    for (const key of keys) {
      if (!isObject(current.node) || !(key in current.node)) return undefined;
      current = await this.deref({ node: current.node[key], file: current.file });
    }
    return current;
  }

  /** A file's top-level value. */
  async root(path: string): Promise<Located> {
    return { node: await this.read(path), file: path };
  }

  /** An operation of an API file (`/presence/{userId}/status`, `put`); undefined when the file does not describe it. */
  async operation(file: string, path: string, method: string): Promise<Located | undefined> {
    return this.at(await this.root(file), 'paths', path, method);
  }

  /** An operation's request body schema: Swagger 2.0's `in: body` parameter, or OpenAPI 3's requestBody. */
  async requestSchema(op: Located): Promise<Located | undefined> {
    for (const parameter of await this.parameters(op)) {
      if (isObject(parameter.node) && parameter.node.in === 'body') return this.at(parameter, 'schema');
    }
    return this.at(op, 'requestBody', 'content', 'application/json', 'schema');
  }

  async parameters(op: Located): Promise<Located[]> {
    const list = await this.at(op, 'parameters');
    return Promise.all(asArray(list?.node).map((node) => this.deref({ node, file: list!.file })));
  }

  /** The properties a schema declares, its own and those of its allOf members. */
  async properties(schema: Located): Promise<Map<string, Located>> {
    const found = new Map<string, Located>();
    const own = await this.at(schema, 'properties');
    if (own && isObject(own.node)) for (const [name, node] of Object.entries(own.node)) found.set(name, await this.deref({ node, file: own.file }));
    const allOf = await this.at(schema, 'allOf');
    for (const node of asArray(allOf?.node)) {
      for (const [name, prop] of await this.properties(await this.deref({ node, file: allOf!.file }))) if (!found.has(name)) found.set(name, prop);
    }
    return found;
  }

  /**
   * The security schemes PUT /presence/{userId}/status accepts: the names its `security` (or the
   * file's) lists, looked up in the file's securityDefinitions (Swagger 2.0, inline in the early,
   * r0.0.0 and r0.0.1 trees, a $ref to definitions/security.yaml later) or components.securitySchemes
   * (OpenAPI 3, v1.8 and later).
   */
  async presenceSecuritySchemes(): Promise<JsonObject[]> {
    const file = this.api('presence.yaml');
    const doc = await this.root(file);
    const op = await this.operation(file, '/presence/{userId}/status', 'put');
    if (!op) throw new Error(`${this.release}: ${file} has no PUT /presence/{userId}/status`);
    const requirements = (await this.at(op, 'security')) ?? (await this.at(doc, 'security'));
    if (!requirements) throw new Error(`${this.release}: ${file}'s PUT /presence/{userId}/status names no security scheme`);
    const schemes = (await this.at(doc, 'securityDefinitions')) ?? (await this.at(doc, 'components', 'securitySchemes'));
    if (!schemes) throw new Error(`${this.release}: ${file} defines no security schemes`);
    const names = asArray(requirements.node).flatMap((r) => (isObject(r) ? Object.keys(r) : []));
    const found: JsonObject[] = [];
    for (const name of names) {
      const scheme = await this.at(schemes, name);
      if (!scheme || !isObject(scheme.node)) throw new Error(`${this.release}: ${file} uses the security scheme ${name} but does not define it`);
      found.push(scheme.node);
    }
    return found;
  }
}

/** How a tree shows a feature; `shown_by` must agree with the feature's in RELEASE_FEATURES. */
interface Detector {
  shown_by: 'schema' | 'prose';
  present(tree: SpecTree): Promise<boolean>;
}

async function presenceEvent(tree: SpecTree): Promise<Located> {
  return tree.deref(await tree.root(tree.presenceSchema()));
}

async function required(tree: SpecTree, schema: Located | undefined): Promise<Json[]> {
  return schema ? asArray((await tree.at(schema, 'required'))?.node) : [];
}

/** The PUT /presence/{userId}/status request's `presence` enum. */
async function presenceStates(tree: SpecTree): Promise<Json[]> {
  const file = tree.api('presence.yaml');
  const op = await tree.operation(file, '/presence/{userId}/status', 'put');
  const body = op && (await tree.requestSchema(op));
  const presence = body && (await tree.properties(body)).get('presence');
  if (!presence) throw new Error(`${tree.release}: ${file}'s PUT /presence/{userId}/status has no \`presence\` in its request body`);
  return asArray((await tree.at(presence, 'enum'))?.node);
}

/** The enum of GET /sync's set_presence query parameter; undefined when there is no /sync (the early API) or no such parameter. */
async function setPresenceValues(tree: SpecTree): Promise<Json[] | undefined> {
  const op = await tree.operation(tree.api('sync.yaml'), '/sync', 'get');
  if (!op) return undefined;
  for (const parameter of await tree.parameters(op)) {
    if (!isObject(parameter.node) || parameter.node.name !== 'set_presence' || parameter.node.in !== 'query') continue;
    // Swagger 2.0 puts the enum on the parameter, OpenAPI 3 in its schema.
    return asArray(parameter.node.enum ?? (await tree.at(parameter, 'schema', 'enum'))?.node);
  }
  return undefined;
}

const DETECTORS: Record<ReleaseFeature, Detector> = {
  presence_sender: {
    shown_by: 'schema',
    // The schema's own top-level `required`, not that of the core event schema it extends.
    present: async (tree) => (await required(tree, await presenceEvent(tree))).includes('sender'),
  },
  presence_content_user_id: {
    shown_by: 'schema',
    // The feature is both requirements (they went together in r0.4.0, with `sender` taking their place).
    present: async (tree) => {
      const event = await presenceEvent(tree);
      const content = await tree.at(event, 'properties', 'content');
      return (await required(tree, content)).includes('user_id') && (await required(tree, event)).includes('event_id');
    },
  },
  currently_active: {
    shown_by: 'schema',
    present: async (tree) => {
      const content = await tree.at(await presenceEvent(tree), 'properties', 'content');
      if (!content) throw new Error(`${tree.release}: the m.presence schema has no content`);
      return (await tree.properties(content)).has('currently_active');
    },
  },
  free_for_chat: {
    shown_by: 'schema',
    present: async (tree) => (await presenceStates(tree)).includes('free_for_chat'),
  },
  set_presence_online_unavailable: {
    shown_by: 'schema',
    // The early API has no /sync (its sync.yaml is /events and /initialSync): absent there.
    present: async (tree) => {
      const values = await setPresenceValues(tree);
      return values !== undefined && values.includes('online') && values.includes('unavailable');
    },
  },
  login_identifier: {
    shown_by: 'schema',
    present: async (tree) => {
      const file = tree.api('login.yaml');
      const op = await tree.operation(file, '/login', 'post');
      const body = op && (await tree.requestSchema(op));
      if (!body) throw new Error(`${tree.release}: ${file} has no POST /login request body`);
      return (await tree.properties(body)).has('identifier');
    },
  },
  authorization_header: {
    shown_by: 'prose',
    // The prose: r0.3.0 "through an Authorization Header of ``Bearer $access_token``", r0.4.0 and
    // later "``Authorization: Bearer TheTokenHere``" (v1.x in Markdown). The trees of v1.19 and main
    // also define a `scheme: bearer` for the presence endpoints; either shows the feature.
    present: async (tree) =>
      /Authorization[^\n]{0,20}Bearer/.test(await tree.prose()) ||
      (await tree.presenceSecuritySchemes()).some((s) => s.type === 'http' && String(s.scheme).toLowerCase() === 'bearer'),
  },
  query_string_token: {
    shown_by: 'schema',
    // Every tree defines the presence endpoints' security schemes: the early, r0.0.0 and r0.0.1 trees
    // inline in presence.yaml (an apiKey `access_token` `in: query`: the prose of those trees says the
    // same, "in the form of an ``access_token`` query parameter"), later ones in
    // definitions/security.yaml. main (v1.20) keeps only accessTokenBearer.
    present: async (tree) => (await tree.presenceSecuritySchemes()).some((s) => s.type === 'apiKey' && s.in === 'query' && s.name === 'access_token'),
  },
  presence_list: {
    shown_by: 'schema',
    present: async (tree) => {
      const paths = await tree.at(await tree.root(tree.api('presence.yaml')), 'paths');
      return isObject(paths?.node) && '/presence/list/{userId}' in paths.node;
    },
  },
};

const FEATURES = Object.keys(RELEASE_FEATURES) as ReleaseFeature[];

/** "r0.2.0-v1.20", "early-r0.1.0, r0.4.0", "no release": the releases as runs of consecutive ones. */
function runs(releases: Release[], among: readonly Release[]): string {
  if (releases.length === 0) return 'no release';
  const parts: string[] = [];
  let start = 0;
  const index = releases.map((r) => among.indexOf(r));
  for (let i = 1; i <= releases.length; i++) {
    if (i < releases.length && index[i] === index[i - 1]! + 1) continue;
    parts.push(i - 1 === start ? releases[start]! : `${releases[start]}-${releases[i - 1]}`);
    start = i;
  }
  return parts.join(', ');
}

describe('release ranges (project/releases.ts) against the spec history bundle', function () {
  this.timeout(120_000);
  /** The releases the bundle has a tree for, oldest first, and the releases it has none for. */
  let trees: SpecTree[] = [];
  let missing: { release: Release; tried: string[] }[] = [];
  /** By feature, by release: whether the release's tree shows it. */
  const shown = new Map<ReleaseFeature, Map<Release, boolean>>();

  before(async () => {
    const repo = specClone();
    const refs = new Set((await git(repo, ['for-each-ref', '--format=%(refname:short)', 'refs/tags', 'refs/heads'])).split('\n').filter(Boolean));
    trees = [];
    missing = [];
    const found: { release: Release; ref: string }[] = [];
    for (const release of RELEASES) {
      const ref = refsOf(release).find((r) => refs.has(r));
      if (ref) found.push({ release, ref });
      else missing.push({ release, tried: refsOf(release) });
    }
    trees = await Promise.all(
      found.map(async ({ release, ref }) => {
        const files = (
          await git(repo, ['ls-tree', '-r', '--name-only', ref, '--', 'data', 'api', 'event-schemas', 'specification', 'content/client-server-api'])
        )
          .split('\n')
          .filter(Boolean);
        return new SpecTree(repo, release, ref, new Set(files));
      }),
    );
    for (const feature of FEATURES) shown.set(feature, new Map());
    await Promise.all(
      trees.flatMap((tree) =>
        FEATURES.map(async (feature) => {
          shown.get(feature)!.set(tree.release, await DETECTORS[feature].present(tree));
        }),
      ),
    );
  });

  it('finds a tree for every release of RELEASES', () => {
    expect(
      missing.map((m) => `${m.release} (tried ${m.tried.join(', ')})`),
      'releases the bundle has no tag or branch for; their ranges cannot be confirmed',
    ).to.deep.equal([]);
    expect(trees.map((t) => t.release)).to.deep.equal([...RELEASES]);
  });

  it('knows how every feature of RELEASE_FEATURES is shown, where RELEASE_FEATURES says', () => {
    expect(Object.keys(DETECTORS).sort()).to.deep.equal([...FEATURES].sort());
    for (const feature of FEATURES) expect(DETECTORS[feature].shown_by, feature).to.equal(RELEASE_FEATURES[feature].shown_by);
  });

  for (const feature of FEATURES) {
    it(`${feature}: present in exactly the releases of its range, and the range is tight`, () => {
      const range: ReleaseRange = RELEASE_FEATURES[feature];
      const said = describeRange(range) ?? 'every release';
      const checked = trees.map((t) => t.release);
      const byRelease = shown.get(feature)!;
      const withIt = checked.filter((r) => byRelease.get(r));
      const disagree = checked.filter((r) => byRelease.get(r) !== inRange(r, range));
      expect(
        disagree,
        `${feature}: the trees show it in ${runs(withIt, checked)}, the range says ${said}; they disagree on ${disagree
          .map((r) => `${r} (${byRelease.get(r) ? 'has it' : 'has not'})`)
          .join(', ')}`,
      ).to.deep.equal([]);

      // The bounds themselves, named: the first release of `since` has it and the one before does not;
      // the release before `until` has it and `until` does not. Both sides need a tree.
      const bound = (release: Release, has: boolean, why: string) => {
        expect(byRelease.has(release), `${feature}: no tree for ${release}, ${why}`).to.equal(true);
        expect(
          byRelease.get(release),
          `${feature}: ${release} ${has ? 'lacks' : 'has'} it, yet it is ${why} (the trees show it in ${runs(withIt, checked)})`,
        ).to.equal(has);
      };
      const before = (release: Release) => RELEASES[RELEASES.indexOf(release) - 1];
      if (range.since) {
        bound(range.since, true, `the range's since`);
        const previous = before(range.since);
        if (previous) bound(previous, false, `the release before the range's since (${range.since})`);
      }
      if (range.until) {
        bound(range.until, false, `the range's until`);
        const previous = before(range.until);
        if (previous) bound(previous, true, `the last release before the range's until (${range.until})`);
      }
      // An open end is open in the trees too: the feature is in the first (last) release checked.
      if (!range.since && checked.length > 0)
        expect(byRelease.get(checked[0]!), `${feature}: the range has no since, yet ${checked[0]} lacks it`).to.equal(true);
      if (!range.until && checked.length > 0)
        expect(byRelease.get(checked.at(-1)!), `${feature}: the range has no until, yet ${checked.at(-1)} lacks it`).to.equal(true);
    });
  }
});

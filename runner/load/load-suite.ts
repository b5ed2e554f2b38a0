// Loads suite files: YAML with positions, schema validation, then the checks a schema cannot express
// (duplicate ids, unknown actors, bad durations, regexes and templates), all before any request.
// Every problem is a ConfigError "file:line:col: message" (exit 2).
import { basename, join, resolve } from 'node:path';
import { readYamlFile, parseYamlText, type YamlSource } from '../../project/yaml-source.js';
import { walkFiles } from '../../project/walk.js';
import { assertFormat } from './format-schemas.js';
import { ConfigError } from '../../project/errors.js';
import { capturedNames, checkDuration, type DurationSpec } from './durations.js';
import type { Release } from '../../project/releases.js';
import type { SpecVersion } from '../../project/spec-versions.js';
import { DEFAULT_TIMERS, type Capability } from './load-target.js';
import { templateNames } from './templates.js';
import type {
  ExpectSpec,
  Level,
  PathMatcher,
  RequestSpec,
  RequestStep,
  RoomSpec,
  Step,
  StepRole,
  StatusSpec,
  Suite,
  SuiteCase,
  SyncTrigger,
  SyncUntilStep,
  WatchStep,
} from './suite-types.js';

// A suite file as written, which assertFormat has checked against schemas/suite.schema.json before any
// of it is read: the loaded forms of suite-types.ts without the places (`at`) the loader adds, and
// with the defaults not yet filled in.

/** A value_matcher or matcher; its nested matchers are raw too. */
type RawMatcher = Omit<PathMatcher, 'at' | 'some' | 'none' | 'any_of'> & { some?: RawMatcher[]; none?: RawMatcher[]; any_of?: RawMatcher[][] };

interface RawExpect {
  status?: StatusSpec;
  headers?: Record<string, RawMatcher>;
  schema?: string;
  body?: RawMatcher[];
  level?: Level;
  eventually?: DurationSpec;
  answered_within?: DurationSpec;
}

/** A request step; a sync_until `trigger` has its shape without capture, plus `after`. */
interface RawRequestStep extends StepRole {
  request: RequestSpec;
  expect?: RawExpect;
  capture?: Record<string, string>;
}

interface RawSyncTrigger extends Omit<RawRequestStep, 'capture' | keyof StepRole> {
  after?: DurationSpec;
}

type RawSyncUntil = Omit<SyncUntilStep, 'kind' | 'at' | 'withinAt' | 'set_presence' | 'match' | 'trigger' | 'ends_when'> & {
  set_presence?: SyncUntilStep['set_presence'];
  match?: RawMatcher[];
  ends_when?: { any_of: RawMatcher[][]; premise?: string };
  trigger?: RawSyncTrigger;
};

type RawWatch = Omit<WatchStep, 'kind' | 'at' | 'set_presence'> & { set_presence?: WatchStep['set_presence'] };

/** The schema's step: exactly one of request (with expect and capture), sync_until, wait, watch. */
type RawStep = RawRequestStep | { sync_until: RawSyncUntil } | { wait: DurationSpec } | { watch: RawWatch };

type RawRoom = Omit<RoomSpec, 'members' | 'preset'> & Partial<Pick<RoomSpec, 'members' | 'preset'>>;

interface RawCase {
  id: string;
  title: string;
  level: Level;
  clauses: string[];
  tags?: string[];
  requires?: Capability[];
  spec_versions?: SpecVersion[];
  since?: Release;
  until?: Release;
  level_in?: Partial<Record<SpecVersion, Level>>;
  catches?: string[];
  actors?: string[];
  rooms?: RawRoom[];
  timeout?: DurationSpec;
  devices?: Record<string, string[]>;
  steps: RawStep[];
}

interface RawSuite {
  title: string;
  summary?: string;
  area: string;
  description?: string;
  cases: RawCase[];
}

const ACTOR_FIELDS = new Set(['user_id', 'localpart', 'access_token', 'device_id', 'presence_list']);

class Problems {
  readonly list: string[] = [];
  constructor(private readonly source: YamlSource) {}
  add(pointer: string, message: string): void {
    this.list.push(`${this.source.where(pointer)}: ${message}`);
  }
}

function checkDurationAt(value: DurationSpec | undefined, pointer: string, problems: Problems, scope?: Scope): void {
  if (value === undefined) return;
  const error = checkDuration(value);
  if (error) problems.add(pointer, error);
  for (const name of capturedNames(value)) {
    if (!scope?.captured.has(name)) problems.add(pointer, `duration uses {captured.${name}}, captured by no earlier step`);
  }
}

/** Where a matcher list is evaluated: a response (headers exist) or one event / list element. */
type MatchSite = 'response' | 'value';

function toValueMatcher(raw: RawMatcher, pointer: string, source: YamlSource, problems: Problems, scope?: Scope, site: MatchSite = 'value'): PathMatcher {
  for (const bound of ['gt', 'gte', 'lt', 'lte'] as const) checkDurationAt(raw[bound], `${pointer}/${bound}`, problems, scope);
  if (raw.matches !== undefined) {
    try {
      new RegExp(raw.matches);
    } catch (err) {
      problems.add(`${pointer}/matches`, `invalid regular expression: ${(err as Error).message}`);
    }
  }
  if (raw.absent && Object.keys(raw).some((k) => !['absent', 'path', 'header', 'level'].includes(k))) {
    problems.add(pointer, '`absent` cannot be combined with conditions on the value');
  }
  checkPremise(raw.premise, `${pointer}/premise`, problems);
  if (raw.header !== undefined && site !== 'response') {
    problems.add(`${pointer}/header`, "a header matcher applies to a response: use it in an expect's body list");
  }
  const { some, none, any_of, ...conditions } = raw;
  const matcher: PathMatcher = { ...conditions, at: source.where(pointer) };
  // Elements of a list have no headers; alternatives are evaluated where their item is.
  if (some !== undefined) matcher.some = toPathMatchers(some, `${pointer}/some`, source, problems, scope, 'value');
  if (none !== undefined) matcher.none = toPathMatchers(none, `${pointer}/none`, source, problems, scope, 'value');
  if (any_of !== undefined) matcher.any_of = any_of.map((group, i) => toPathMatchers(group, `${pointer}/any_of/${i}`, source, problems, scope, site));
  return matcher;
}

function toPathMatchers(
  list: RawMatcher[] | undefined,
  pointer: string,
  source: YamlSource,
  problems: Problems,
  scope?: Scope,
  site: MatchSite = 'value',
): PathMatcher[] {
  return (list ?? []).map((m, i) => toValueMatcher(m, `${pointer}/${i}`, source, problems, scope, site));
}

interface Scope {
  actors: Set<string>;
  /** Extra devices by actor (case `devices`). */
  devices: Map<string, Set<string>>;
  rooms: Set<string>;
  captured: Set<string>;
}

/** Checks every {template} in strings below `value` against what the case defines so far. */
function checkTemplates(value: unknown, pointer: string, scope: Scope, problems: Problems): void {
  if (typeof value === 'string') {
    for (const name of templateNames(value)) {
      const [head, ...rest] = name.split('.');
      const ok =
        (head === 'server_name' && rest.length === 0) ||
        (head === 'api' && rest.length === 0) ||
        (head === 'media_base' && rest.length === 0) ||
        (head === 'timers' && rest.length === 1) ||
        (head === 'captured' && rest.length === 1 && scope.captured.has(rest[0]!)) ||
        (head === 'rooms' && rest.length === 2 && rest[1] === 'room_id' && scope.rooms.has(rest[0]!)) ||
        (scope.actors.has(head!) && rest.length === 1 && ACTOR_FIELDS.has(rest[0]!));
      if (!ok) {
        const why = head === 'captured' ? ' (captured by no earlier step)' : '';
        problems.add(pointer, `unknown template {${name}}${why}`);
      }
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => checkTemplates(v, `${pointer}/${i}`, scope, problems));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) checkTemplates(v, `${pointer}/${k}`, scope, problems);
  }
}

function checkActor(name: string | undefined, pointer: string, scope: Scope, problems: Problems): void {
  if (name !== undefined && !scope.actors.has(name)) problems.add(pointer, `unknown actor "${name}" (not in this case's actors)`);
}

/** A step's `device` must be one the case gives its actor. */
function checkDevice(actor: string | undefined, device: string | undefined, pointer: string, scope: Scope, problems: Problems): void {
  if (device === undefined) return;
  if (actor === undefined) problems.add(pointer, '`device` needs `as`');
  else if (!scope.devices.get(actor)?.has(device)) problems.add(pointer, `unknown device "${device}" of ${actor} (not in this case's devices)`);
}

/** A request step (request, expect, capture); also the shape of a sync_until `trigger`. */
function toRequestStep(raw: RawRequestStep | RawSyncTrigger, pointer: string, source: YamlSource, scope: Scope, problems: Problems): RequestStep {
  const r = raw.request;
  const p = `${pointer}/request`;
  checkActor(r.as, `${p}/as`, scope, problems);
  checkDevice(r.as, r.device, `${p}/device`, scope, problems);
  for (const field of ['path', 'query', 'body', 'raw_body', 'headers'] as const) checkTemplates(r[field], `${p}/${field}`, scope, problems);
  checkDurationAt(r.repeat?.interval, `${p}/repeat/interval`, problems, scope);
  if (typeof r.repeat?.count === 'string') checkDurationAt(r.repeat.count, `${p}/repeat/count`, problems, scope);
  if (r.token === 'query' && r.as === undefined) {
    problems.add(`${p}/token`, 'token: query needs `as` (whose token goes in the query string)');
  }
  let expect: ExpectSpec | undefined;
  if (raw.expect !== undefined) {
    const e = raw.expect;
    const ep = `${pointer}/expect`;
    checkTemplates(e.body, `${ep}/body`, scope, problems);
    checkTemplates(e.headers, `${ep}/headers`, scope, problems);
    checkDurationAt(e.eventually, `${ep}/eventually`, problems, scope);
    checkDurationAt(e.answered_within, `${ep}/answered_within`, problems, scope);
    // Re-sending is only harmless for a request that changes nothing.
    if (e.eventually !== undefined && r.method !== 'GET')
      problems.add(`${ep}/eventually`, `eventually re-sends the request until its checks hold; only a GET can be re-sent safely, not ${r.method}`);
    expect = {
      status: e.status,
      statusAt: source.where(`${ep}/status`),
      schema: e.schema,
      schemaAt: source.where(`${ep}/schema`),
      level: e.level,
      body: toPathMatchers(e.body, `${ep}/body`, source, problems, scope, 'response'),
      eventually: e.eventually,
      answered_within: e.answered_within,
      answeredWithinAt: source.where(`${ep}/answered_within`),
      headers:
        e.headers === undefined
          ? undefined
          : Object.fromEntries(
              Object.entries(e.headers).map(([name, m]) => [name.toLowerCase(), toValueMatcher(m, `${ep}/headers/${name}`, source, problems)]),
            ),
    };
  }
  const capture = 'capture' in raw ? raw.capture : undefined;
  if (capture !== undefined) {
    for (const [name, from] of Object.entries(capture)) {
      if (!/^(status|retry_delay|body(\..*)?|headers\.[^.]+)$/.test(from)) {
        problems.add(`${pointer}/capture/${name}`, `capture "${from}": want status, retry_delay, body.<path> or headers.<name>`);
      }
      scope.captured.add(name);
    }
  }
  checkPremise((raw as StepRole).premise, `${pointer}/premise`, problems);
  return { kind: 'request', at: source.where(p), request: r, expect, capture, ...stepRole(raw as StepRole) };
}

/**
 * A premise names what to change when it breaks: a timer of the profile, or words. One word that is not
 * a timer is a typo of one (the report would tell the user to set a value that does not exist).
 */
function checkPremise(premise: string | undefined, pointer: string, problems: Problems): void {
  if (premise === undefined || !/^[a-z][a-z_]*$/.test(premise) || premise in DEFAULT_TIMERS) return;
  problems.add(
    pointer,
    `premise "${premise}" is not a timer of the profile (${Object.keys(DEFAULT_TIMERS).join(', ')}); name one, or say in words what to change`,
  );
}

function stepRole(raw: { relies_on?: string; premise?: string }): StepRole {
  return { ...(raw.relies_on === undefined ? {} : { relies_on: raw.relies_on }), ...(raw.premise === undefined ? {} : { premise: raw.premise }) };
}

function toStep(raw: RawStep, pointer: string, source: YamlSource, scope: Scope, problems: Problems): Step {
  const at = source.where(pointer);
  if ('wait' in raw) {
    checkDurationAt(raw.wait, `${pointer}/wait`, problems, scope);
    return { kind: 'wait', at, duration: raw.wait };
  }
  if ('watch' in raw) {
    const w = raw.watch;
    checkActor(w.as, `${pointer}/watch/as`, scope, problems);
    checkDevice(w.as, w.device, `${pointer}/watch/device`, scope, problems);
    checkTemplates(w.filter, `${pointer}/watch/filter`, scope, problems);
    return { kind: 'watch', at: source.where(`${pointer}/watch`), as: w.as, device: w.device, set_presence: w.set_presence ?? 'offline', filter: w.filter };
  }
  if ('sync_until' in raw) {
    const s = raw.sync_until;
    const p = `${pointer}/sync_until`;
    checkActor(s.as, `${p}/as`, scope, problems);
    checkDevice(s.as, s.device, `${p}/device`, scope, problems);
    checkTemplates(s.sender, `${p}/sender`, scope, problems);
    checkTemplates(s.match, `${p}/match`, scope, problems);
    checkTemplates(s.filter, `${p}/filter`, scope, problems);
    checkDurationAt(s.deadline, `${p}/deadline`, problems, scope);
    checkDurationAt(s.poll_timeout, `${p}/poll_timeout`, problems, scope);
    checkDurationAt(s.within, `${p}/within`, problems, scope);
    checkPremise(s.premise, `${p}/premise`, problems);
    checkPremise(s.ends_when?.premise, `${p}/ends_when/premise`, problems);
    if (s.ends_when !== undefined && !s.absent) problems.add(`${p}/ends_when`, 'ends_when ends an absent watch: use it with absent: true');
    // The trigger is sent before this step's own captures exist: parse it in the scope so far.
    let trigger: SyncTrigger | undefined;
    if (s.trigger !== undefined) {
      const tp = `${p}/trigger`;
      checkDurationAt(s.trigger.after, `${tp}/after`, problems, scope);
      trigger = { at: source.where(tp), after: s.trigger.after, step: toRequestStep(s.trigger, tp, source, scope, problems) };
    }
    for (const name of Object.keys(s.capture ?? {})) scope.captured.add(name);
    return {
      kind: 'sync_until',
      at: source.where(p),
      as: s.as,
      device: s.device,
      set_presence: s.set_presence ?? 'offline',
      filter: s.filter,
      sender: s.sender,
      match: toPathMatchers(s.match, `${p}/match`, source, problems, scope),
      deadline: s.deadline,
      poll_timeout: s.poll_timeout,
      trigger,
      within: s.within,
      withinAt: source.where(`${p}/within`),
      absent: s.absent,
      ...(s.ends_when === undefined
        ? {}
        : {
            ends_when: {
              any_of: s.ends_when.any_of.map((group, i) => toPathMatchers(group, `${p}/ends_when/any_of/${i}`, source, problems, scope)),
              ...(s.ends_when.premise === undefined ? {} : { premise: s.ends_when.premise }),
              at: source.where(`${p}/ends_when`),
            },
          }),
      count: s.count,
      capture: s.capture,
      level: s.level,
      ...stepRole(s),
    };
  }
  return toRequestStep(raw, pointer, source, scope, problems);
}

function toCase(raw: RawCase, index: number, suite: RawSuite, stem: string, source: YamlSource, problems: Problems): SuiteCase {
  const pointer = `/cases/${index}`;
  const actors = raw.actors ?? [];
  const rooms = (raw.rooms ?? []).map((room): RoomSpec => ({
    name: room.name,
    creator: room.creator,
    members: room.members ?? [],
    preset: room.preset ?? 'private_chat',
  }));
  const devices = raw.devices ?? {};
  const scope: Scope = {
    actors: new Set(actors),
    devices: new Map(Object.entries(devices).map(([a, d]) => [a, new Set(d)])),
    rooms: new Set(),
    captured: new Set(),
  };
  for (const actor of Object.keys(devices)) checkActor(actor, `${pointer}/devices/${actor}`, scope, problems);
  rooms.forEach((room, i) => {
    if (scope.rooms.has(room.name)) problems.add(`${pointer}/rooms/${i}/name`, `duplicate room "${room.name}"`);
    scope.rooms.add(room.name);
    checkActor(room.creator, `${pointer}/rooms/${i}/creator`, scope, problems);
    room.members.forEach((m, j) => checkActor(m, `${pointer}/rooms/${i}/members/${j}`, scope, problems));
  });
  checkDurationAt(raw.timeout, `${pointer}/timeout`, problems);
  const steps = raw.steps.map((step, i) => toStep(step, `${pointer}/steps/${i}`, source, scope, problems));
  return {
    fullId: `${stem}#${raw.id}`,
    id: raw.id,
    title: raw.title,
    level: raw.level,
    clauses: raw.clauses,
    tags: raw.tags ?? [],
    requires: raw.requires ?? [],
    spec_versions: raw.spec_versions,
    ...(raw.since || raw.until ? { releases: { since: raw.since, until: raw.until } } : {}),
    ...(raw.level_in ? { level_in: raw.level_in } : {}),
    catches: raw.catches ?? [],
    actors,
    devices,
    rooms,
    timeout: raw.timeout,
    steps,
    file: source.file,
    area: suite.area,
    suiteTitle: suite.title,
    at: source.where(pointer),
  };
}

/** Builds a Suite from an already parsed source; throws ConfigError listing every problem found. */
export function suiteFromSource(source: YamlSource, stem: string): Suite {
  assertFormat('suite', source);
  const raw = source.data as RawSuite;
  const problems = new Problems(source);
  const seen = new Map<string, number>();
  raw.cases.forEach((c, i) => {
    const first = seen.get(c.id);
    if (first !== undefined) problems.add(`/cases/${i}/id`, `duplicate case id "${c.id}" (first at ${source.where(`/cases/${first}/id`)})`);
    else seen.set(c.id, i);
  });
  const cases = raw.cases.map((c, i) => toCase(c, i, raw, stem, source, problems));
  if (problems.list.length > 0) throw new ConfigError(problems.list.join('\n'));
  return { file: source.file, title: raw.title, ...(raw.summary ? { summary: raw.summary } : {}), area: raw.area, cases };
}

export function fileStem(file: string): string {
  return basename(file).replace(/\.ya?ml$/, '');
}

export async function loadSuiteFile(file: string): Promise<Suite> {
  return suiteFromSource(await readYamlFile(file), fileStem(file));
}

export function parseSuiteText(text: string, name = 'inline.yaml'): Suite {
  return suiteFromSource(parseYamlText(text, name), fileStem(name));
}

/** Suite files below a folder (recursively), or the file itself; clauses.yaml is not a suite. */
export async function discoverSuiteFiles(path: string): Promise<string[]> {
  const full = resolve(path);
  let files: string[];
  try {
    files = walkFiles(full, { filter: (file) => /\.ya?ml$/.test(file) && basename(file) !== 'clauses.yaml' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') return [full];
    if (code === 'ENOENT') throw new ConfigError(`${path}: no such file or folder`);
    throw err;
  }
  return files.map((file) => join(full, file));
}

/**
 * Loads every suite under the given paths. All files are read even when one is bad, so a run reports
 * every problem at once; full ids must be unique across files too.
 */
export async function loadSuites(paths: string[]): Promise<Suite[]> {
  const files = (await Promise.all(paths.map(discoverSuiteFiles))).flat();
  const suites: Suite[] = [];
  const errors: string[] = [];
  for (const file of files) {
    try {
      suites.push(await loadSuiteFile(file));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      errors.push(err.message);
    }
  }
  const owners = new Map<string, string>();
  for (const suite of suites) {
    for (const c of suite.cases) {
      const other = owners.get(c.fullId);
      if (other) errors.push(`${c.at}: case ${c.fullId} is also defined at ${other}`);
      else owners.set(c.fullId, c.at);
    }
  }
  errors.push(...reliesOnProblems(suites, owners));
  if (errors.length > 0) throw new ConfigError(errors.join('\n'));
  return suites;
}

/**
 * A step's `relies_on` must name another case that exists: a blocked case points the reader at it.
 * A case of a suite file that was not loaded (a run of one file) cannot be looked up, and is not.
 */
function reliesOnProblems(suites: Suite[], owners: Map<string, string>): string[] {
  const stems = new Set(suites.flatMap((s) => s.cases.map((c) => c.fullId.split('#')[0])));
  const problems: string[] = [];
  for (const c of suites.flatMap((s) => s.cases)) {
    for (const step of c.steps) {
      if (step.kind !== 'request' && step.kind !== 'sync_until') continue;
      const target = step.relies_on;
      if (target === undefined) continue;
      if (target === c.fullId) problems.push(`${step.at}: relies_on ${target}: a case cannot rely on itself; name the case that tests this request directly`);
      else if (stems.has(target.split('#')[0]) && !owners.has(target)) problems.push(`${step.at}: relies_on ${target}: no such case`);
    }
  }
  return problems;
}

// The CI recipes of docs/ci.md (docs/ci/*.yml) stay valid: they parse, shard the run into as many
// parts as they merge, call only commands, options and files that exist, and the Synapse service of the
// GitLab job is configured exactly as scripts/synapse/homeserver-config.ts derives from the profile.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { projectRoot } from '../../project/paths.js';
import { loadTargetProfile } from '../../runner/load/load-target.js';
import { homeserverConfig } from '../../scripts/synapse/homeserver-config.js';

const exec = promisify(execFile);
const read = (file: string) => readFileSync(join(projectRoot, file), 'utf8');

interface GitHubStep {
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
  if?: string;
  shell?: string;
}
interface GitHubWorkflow {
  on: unknown;
  env: Record<string, string>;
  jobs: Record<string, { needs?: string; if?: string; strategy?: { matrix: { shard: number[] } }; steps: GitHubStep[] }>;
}
interface GitLabJob {
  script?: string[];
  parallel?: number;
  needs?: string[];
  when?: string;
  services?: { command: string[] }[];
  variables?: Record<string, string>;
  artifacts?: { reports?: { junit?: string } };
}

const github = parse(read('docs/ci/github-actions.yml')) as GitHubWorkflow;
const gitlab = parse(read('docs/ci/gitlab-ci.yml')) as Record<string, GitLabJob> & { variables: Record<string, string> };

/** Shell commands with their continuation lines joined. */
function commands(scripts: string[]): string[] {
  return scripts
    .flatMap((s) => s.replace(/\\\n\s*/g, '').split('\n'))
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

const githubCommands = commands(Object.values(github.jobs).flatMap((j) => j.steps.flatMap((s) => (s.run ? [s.run] : []))));
const gitlabCommands = commands(Object.values(gitlab).flatMap((j) => (typeof j === 'object' && j && 'script' in j ? (j.script ?? []) : [])));

/** `npx matrix-presence-conformance CMD [SUB] --opts` calls: the command words and the options. */
function cliCalls(lines: string[]): { words: string[]; options: string[] }[] {
  return lines
    .filter((l) => l.includes('npx matrix-presence-conformance '))
    .map((l) => {
      const args = l
        .slice(l.indexOf('npx matrix-presence-conformance ') + 'npx matrix-presence-conformance '.length)
        .split('|')[0]!
        .trim()
        .split(/\s+/);
      const words = args.slice(0, args[0] === 'report' ? 2 : 1);
      return { words, options: args.filter((a) => a.startsWith('--')) };
    });
}

async function helpOf(words: string[]): Promise<string> {
  const { stdout } = await exec(process.execPath, ['--import', 'tsx', join(projectRoot, 'cli/main.ts'), ...words, '--help'], { cwd: projectRoot });
  return stdout;
}

describe('CI recipes (docs/ci)', function () {
  this.timeout(60_000);

  it('docs/ci.md shows both files as they are', () => {
    const doc = read('docs/ci.md');
    for (const file of ['docs/ci/github-actions.yml', 'docs/ci/gitlab-ci.yml']) {
      expect(doc, file).to.include(`(ci/${file.split('/').pop()})`);
      expect(doc, file).to.include(`\`\`\`yaml\n${read(file)}\`\`\`\n`);
    }
  });

  it('GitHub: shards the run over a matrix and merges every shard, even after a failure', () => {
    const shards = github.jobs.shard!.strategy!.matrix.shard;
    expect(shards).to.deep.equal(Array.from({ length: Number(github.env.SHARDS) }, (_, i) => i + 1));
    expect(githubCommands.join('\n')).to.include('--shard ${{ matrix.shard }}/$SHARDS');
    expect(github.jobs.merge!.needs).to.equal('shard');
    expect(github.jobs.merge!.if).to.equal('always()');
    const merge = github.jobs.merge!.steps.find((s) => s.run?.includes('report merge'))!;
    expect(merge.shell, 'pipefail, so that the merge decides the step').to.equal('bash');
    expect(merge.run).to.include('reports/shard-*.json');
    expect(
      github.jobs.merge!.steps.some((s) => s.uses?.startsWith('mikepenz/action-junit-report') && s.with?.report_paths === 'reports/presence.xml'),
    ).to.equal(true);
  });

  it('GitLab: a parallel job with a Synapse service, and a report job that always merges and publishes JUnit', () => {
    const shard = gitlab['presence-shard']!;
    expect(shard.parallel).to.equal(Number(gitlab.variables.SHARDS));
    expect(gitlabCommands.join('\n')).to.include('--shard "$CI_NODE_INDEX/$CI_NODE_TOTAL"');
    expect(shard.services).to.have.length(1);
    const report = gitlab['presence-report']!;
    expect(report.needs).to.deep.equal(['presence-shard']);
    expect(report.when).to.equal('always');
    expect(report.artifacts?.reports?.junit).to.equal('reports/presence.xml');
  });

  it('calls only commands and options the CLI has', async () => {
    const calls = [...cliCalls(githubCommands), ...cliCalls(gitlabCommands)];
    expect(calls.map((c) => c.words.join(' '))).to.include.members(['run', 'report merge']);
    for (const { words, options } of calls) {
      const help = await helpOf(words);
      for (const option of options) expect(help, `${words.join(' ')} ${option}`).to.include(option);
    }
  });

  it('names only files and npm scripts that exist, and script flags their scripts read', () => {
    for (const line of [...githubCommands, ...gitlabCommands]) {
      for (const m of line.matchAll(/\b((?:scripts|fixtures|suites)\/[\w./-]+)/g))
        expect(existsSync(join(projectRoot, m[1]!)), `${m[1]} in: ${line}`).to.equal(true);
      const script = /npx tsx (scripts\/\S+)/.exec(line)?.[1];
      if (script) {
        const source = read(script);
        for (const flag of line.matchAll(/--([a-z-]+)/g)) expect(source, `${script} --${flag[1]}`).to.match(new RegExp(`['"]${flag[1]}['"]`));
      }
      expect(line).to.not.match(/npx playwright install|npm run (?!build|test)/);
    }
  });

  it("GitLab's Synapse configuration is the one derived from fixtures/targets/synapse.yaml", async () => {
    const profile = await loadTargetProfile(join(projectRoot, 'fixtures/targets/synapse.yaml'));
    const want = homeserverConfig(profile, {
      port: 8008,
      dataDir: '/data',
      bind: '0.0.0.0',
      logToConsole: true,
      registrationSharedSecret: '@REGISTRATION_SECRET@',
      macaroonSecretKey: '@MACAROON_SECRET@',
      formSecret: '@FORM_SECRET@',
    });
    expect(parse(gitlab['presence-shard']!.variables!.SYNAPSE_HOMESERVER_YAML!)).to.deep.equal(want);
    // The service replaces each placeholder the configuration holds.
    const command = gitlab['presence-shard']!.services![0]!.command.join('\n');
    for (const name of ['REGISTRATION_SECRET', 'MACAROON_SECRET', 'FORM_SECRET']) expect(command).to.include(`"${name}"`);
  });
});

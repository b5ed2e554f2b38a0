// `profile init`: probes a homeserver and writes a commented target profile for it. The findings, each
// with its evidence, go to stdout when the profile goes to a file (--out), and to stderr when the
// profile itself goes to stdout, so that `profile init --homeserver URL > my.yaml` works too.
// Exit 0 when a profile was written; 2 for bad usage or a URL that is not a reachable homeserver.
import { familyOf } from '../project/releases.js';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { ConfigError } from '../project/errors.js';
import { formatDuration } from '../project/format-duration.js';
import { readYamlFile } from '../project/yaml-source.js';
import { LiveDisplay, type Terminal } from '../reporters/index.js';
import { assertFormat, probeServer, usersNeededForRun, writeProfile, type ProbeFinding, type StaticUser } from '../runner/index.js';
import { action, checkOutputPath, EXIT, processOutput, type CommandOutput } from './command.js';
import { parseUrl } from './run.js';

interface InitOptions {
  homeserver: string;
  out?: string;
  force?: boolean;
  measureTimers?: boolean;
  users?: string;
  sharedSecret?: string;
}

/** Progress lines of a long measurement (`profile init --measure-timers`, `bench`): redrawn in place on a
 * terminal, one every 15 s otherwise. */
export function progressPrinter(terminal: Terminal, out: (text: string) => void): { line(text: string): void; end(): void } {
  let last = 0;
  const live = new LiveDisplay(terminal);
  return {
    line(text) {
      if (terminal.isTTY) live.draw([text]);
      else if (Date.now() - last >= 15_000) {
        out(`${text}\n`);
        last = Date.now();
      }
    },
    end() {
      live.keep();
    },
  };
}

function printFinding(f: ProbeFinding, out: (text: string) => void): void {
  out(`${f.topic}: ${f.conclusion}\n`);
  for (const e of f.evidence) out(`    ${e}\n`);
}

async function readStaticUsers(file: string): Promise<StaticUser[]> {
  const source = await readYamlFile(file);
  assertFormat('static-users', source);
  return source.data as StaticUser[];
}

export async function profileInit(opts: InitOptions, output: CommandOutput = processOutput): Promise<number> {
  if (opts.out !== undefined) {
    checkOutputPath('--out', opts.out);
    if (existsSync(opts.out) && !opts.force) throw new ConfigError(`--out ${opts.out}: the file exists; give --force to replace it`);
  }
  if (opts.users !== undefined && opts.sharedSecret !== undefined) throw new ConfigError('give --users or --shared-secret, not both');
  const users = opts.users === undefined ? undefined : await readStaticUsers(opts.users);
  // The findings go where the profile does not.
  const say = opts.out === undefined ? output.stderr : output.stdout;
  const progress = progressPrinter(opts.out === undefined ? process.stderr : process.stdout, say);
  const report = await probeServer({
    homeserver: opts.homeserver,
    users,
    sharedSecret: opts.sharedSecret,
    measureTimers: opts.measureTimers,
    onFinding: (f) => {
      progress.end();
      printFinding(f, say);
    },
    onProgress: (line) => progress.line(line),
  });
  progress.end();
  const claimed = report.capabilities.filter((f) => f.claimed).map((f) => f.capability);
  const usersNeeded =
    report.registration.registration.method === 'static'
      ? await usersNeededForRun({
          spec_version: familyOf(report.release),
          release: report.release,
          capabilities: claimed,
          registration: report.registration.registration,
        })
      : undefined;
  const profile = writeProfile(report, { usersNeeded });
  const took = formatDuration(report.durationMs);
  if (opts.out === undefined) output.stdout(profile.text);
  else await writeFile(opts.out, profile.text);
  const where = opts.out === undefined ? 'the profile is on stdout' : `profile written to ${opts.out}`;
  say(`${where} (probing took ${took}); next: matrix-presence-conformance run --homeserver ${opts.homeserver} --target ${opts.out ?? 'FILE'}\n`);
  if (report.presence?.verdict === 'off') say('note: presence is off on this server, so a run stops at once; see the comment at the top of the profile\n');
  if (report.registration.placeholder) say('note: the registration in the profile is a placeholder to fill in; a run stops until then\n');
  return EXIT.ok;
}

export function registerProfileCommand(program: Command): void {
  const profile = program.command('profile').description('target profiles: write one by probing a server');
  profile
    .command('init')
    .description('probe a homeserver and write a commented target profile for it (under a minute without --measure-timers)')
    .requiredOption('--homeserver <url>', 'base URL of the server to probe', parseUrl)
    .option('--out <file>', 'write the profile to this file (default: stdout)')
    .option('--force', 'replace the --out file if it exists')
    .option('--measure-timers', 'also measure the idle, sync-online and currently_active timers by waiting (minutes)')
    .option('--users <file>', 'pre-made users (YAML/JSON list of {user_id, access_token}) for a server without open registration')
    .option('--shared-secret <secret>', "the server's registration_shared_secret, for a server without open registration")
    .action(action('profile init: ', (opts: InitOptions) => profileInit(opts)));
}

// `validate`: checks JSON/YAML payloads, every presence example of a Matrix spec tree, or of every
// release in a spec repository's history, against the schemas under schemas/matrix/. Exit 0 all valid,
// 1 any invalid, 2 usage or unreadable input. The work is in validator/ (its entry point, index.ts);
// this file only wires options and output.
import { Option, type Command } from 'commander';
import {
  ConfigError,
  exitStatus,
  historyExitStatus,
  renderHistoryJson,
  renderHistoryText,
  renderJson,
  renderText,
  specHistory,
  specVersionOption,
  validatePayloads,
  type SpecVersion,
  type ValidateOptions,
} from '../validator/index.js';
import { action, exitCodeOf, processOutput, type CommandOutput } from './command.js';

export interface ValidateCommandOptions extends Omit<ValidateOptions, 'specVersion'> {
  /** As the person wrote it: v1.19, r0, early, or current (v1.19's old name). */
  specVersion?: string;
  format?: string;
  /** A spec repository (checkout or bundle): check every release instead of PATHs / --spec-dir. */
  specHistory?: string;
  /** A regular expression selecting the tags --spec-history checks. */
  historyTags?: string;
}

function historyTags(source: string | undefined): RegExp | undefined {
  if (source === undefined) return undefined;
  try {
    return new RegExp(source);
  } catch (err) {
    throw new ConfigError(`--history-tags: not a regular expression: ${(err as Error).message}`);
  }
}

/** The --spec-version given, checked; `current`, its name before v1.19, still works, with a note. */
function specVersion(given: string | undefined, out: CommandOutput): SpecVersion | undefined {
  if (given === undefined) return undefined;
  if (given === 'current') {
    out.stderr('validate: --spec-version current is now called v1.19\n');
    return 'v1.19';
  }
  return specVersionOption(given);
}

/** Runs the command with parsed options; returns the exit status. Never throws. */
export function runValidate(options: ValidateCommandOptions, out: CommandOutput = processOutput): Promise<number> {
  return exitCodeOf(
    async () => {
      const format = options.format ?? 'text';
      if (format !== 'text' && format !== 'json') throw new ConfigError(`--format must be text or json, not "${format}"`);
      if (options.historyTags !== undefined && !options.specHistory) throw new ConfigError('--history-tags applies to --spec-history');
      const version = specVersion(options.specVersion, out);
      if (options.specHistory) {
        if (options.paths.length > 0 || options.specDir || options.schema || version) {
          throw new ConfigError('--spec-history checks each release against its own era; give it without PATHs, --spec-dir, --schema or --spec-version');
        }
        const history = await specHistory({ repo: options.specHistory, tags: historyTags(options.historyTags) });
        out.stdout(format === 'json' ? renderHistoryJson(history) : renderHistoryText(history));
        for (const row of history.rows) for (const p of row.problems) out.stderr(`validate: ${row.ref}: ${p}\n`);
        return historyExitStatus(history);
      }
      const result = await validatePayloads({ paths: options.paths, schema: options.schema, specDir: options.specDir, specVersion: version });
      out.stdout(format === 'json' ? renderJson(result) : renderText(result));
      // Problems also go to stderr in JSON mode, so a person watching a pipeline still sees them.
      for (const p of result.problems) out.stderr(`validate: ${p}\n`);
      return exitStatus(result);
    },
    'validate: ',
    out,
  );
}

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description(
      'check JSON/YAML presence payloads (files or folders), or the examples of a Matrix spec tree or of every release of the spec, against the presence schemas',
    )
    .argument('[paths...]', 'JSON or YAML files, or folders of them')
    .option('--schema <alias|id>', 'validate every payload against this schema (e.g. matrix/m.presence) instead of choosing one per payload')
    // No commander choices: `current`, the old name of v1.19, is accepted without being offered.
    .option(
      '--spec-version <version>',
      'which spec the payloads follow, for automatic choice: v1.19 (default), r0 or early; for --spec-dir, overrides the era found in the tree',
    )
    .option('--spec-dir <dir>', 'also check every presence example of this Matrix spec tree (any release, any layout), and compare with its own schemas')
    .option(
      '--spec-history <repo>',
      'check every Client-Server release tag (and HEAD) of a spec git checkout or bundle, and print a table of releases by presence example',
    )
    .option('--history-tags <regex>', 'with --spec-history: the tags to check (default: the Client-Server releases)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(
      action(
        'validate: ',
        (paths: string[], opts: { schema?: string; specVersion?: string; specDir?: string; specHistory?: string; historyTags?: string; format: string }) =>
          runValidate({ paths, ...opts }),
      ),
    );
}

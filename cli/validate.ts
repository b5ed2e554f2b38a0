// `validate`: checks JSON/YAML payloads, or every presence example of a Matrix spec checkout, against
// the schemas under schemas/matrix/. Exit 0 all valid, 1 any invalid, 2 usage or unreadable input. The
// work is in validator/validate-payloads.ts; this file only wires options and output.
import { Option, type Command } from 'commander';
import { ConfigError } from '../project/errors.js';
import { exitStatus, validatePayloads, type ValidateOptions } from '../validator/validate-payloads.js';
import { renderJson, renderText } from '../validator/validate-report.js';
import { action, exitCodeOf, processOutput, type CommandOutput } from './command.js';

/** Runs the command with parsed options; returns the exit status. Never throws. */
export function runValidate(options: ValidateOptions & { format?: string }, out: CommandOutput = processOutput): Promise<number> {
  return exitCodeOf(async () => {
    const format = options.format ?? 'text';
    if (format !== 'text' && format !== 'json') throw new ConfigError(`--format must be text or json, not "${format}"`);
    const result = await validatePayloads(options);
    out.stdout(format === 'json' ? renderJson(result) : renderText(result));
    // Problems also go to stderr in JSON mode, so a person watching a pipeline still sees them.
    for (const p of result.problems) out.stderr(`validate: ${p}\n`);
    return exitStatus(result);
  }, 'validate: ', out);
}

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check JSON/YAML presence payloads (files or folders), or the examples of a Matrix spec checkout, against the presence schemas')
    .argument('[paths...]', 'JSON or YAML files, or folders of them')
    .option('--schema <alias|id>', 'validate every payload against this schema (e.g. matrix/m.presence) instead of choosing one per payload')
    .addOption(new Option('--spec-version <version>', 'which spec the payloads follow, for automatic choice').choices(['current', 'r0', 'early']).default('current'))
    .option('--spec-dir <dir>', 'also check every presence example of this Matrix spec checkout, and compare with its official schemas')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(action('validate: ', (paths: string[], opts: { schema?: string; specVersion: string; specDir?: string; format: string }) =>
      runValidate({ paths, schema: opts.schema, specVersion: opts.specVersion, specDir: opts.specDir, format: opts.format })));
}

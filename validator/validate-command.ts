// `matrix-presence-conformance validate`: checks JSON/YAML payloads, or every presence example of a Matrix
// spec checkout, against the schemas under schemas/matrix/. Exit 0 all valid, 1 any invalid, 2 usage or
// unreadable input. The work is in validate-payloads.ts; this file only wires options and output.
import { Option, type Command } from 'commander';
import { exitStatus, UsageError, validatePayloads, type ValidateOptions } from './validate-payloads.js';
import { renderJson, renderText } from './validate-report.js';

export interface CommandOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processOutput: CommandOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Runs the command with parsed options; returns the exit status. Never throws. */
export async function runValidate(options: ValidateOptions & { format?: string }, out: CommandOutput = processOutput): Promise<number> {
  try {
    const format = options.format ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`);
    const result = await validatePayloads(options);
    out.stdout(format === 'json' ? renderJson(result) : renderText(result));
    // Problems also go to stderr in JSON mode, so a person watching a pipeline still sees them.
    for (const p of result.problems) out.stderr(`validate: ${p}\n`);
    return exitStatus(result);
  } catch (err) {
    // Usage mistakes and anything unexpected (a broken schema file, say) end as one line, no stack.
    const prefix = err instanceof UsageError ? 'validate: ' : 'validate: internal error: ';
    out.stderr(`${prefix}${(err as Error).message}\n`);
    return 2;
  }
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
    .action(async (paths: string[], opts: { schema?: string; specVersion: string; specDir?: string; format: string }) => {
      process.exitCode = await runValidate({ paths, schema: opts.schema, specVersion: opts.specVersion, specDir: opts.specDir, format: opts.format });
    });
}

#!/usr/bin/env node
// The command-line entry point: one file per command in this folder, wired together here.
import { Command } from 'commander';
import { TOOL } from '../runner/index.js';
import { registerBenchCommand } from './bench.js';
import { registerLintCommand } from './lint.js';
import { registerCoverageCommand } from './coverage.js';
import { registerMockCommand } from './mock.js';
import { registerProfileCommand } from './profile.js';
import { registerReportCommand } from './report.js';
import { registerRunCommand } from './run.js';
import { registerValidateCommand } from './validate.js';
import { EXIT } from './command.js';

const program = new Command()
  .name(TOOL.name)
  .description('Conformance suite for the Matrix presence module, and its reference mock homeserver')
  .version(TOOL.version)
  .showHelpAfterError()
  // Usage errors exit 2, like every other configuration error of this tool.
  .exitOverride((err) => {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') process.exit(EXIT.ok);
    process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage);
  });

registerValidateCommand(program);
registerMockCommand(program);
registerRunCommand(program);
registerProfileCommand(program);
registerLintCommand(program);
registerCoverageCommand(program);
registerReportCommand(program);
registerBenchCommand(program);

await program.parseAsync(process.argv);

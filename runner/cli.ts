#!/usr/bin/env node
// The one command-line entry point. Each subcommand lives beside the concern it serves and registers
// itself here; this file only wires them together.
import { Command } from 'commander';
import { registerValidateCommand } from '../validator/validate-command.js';
import { registerMockCommand } from '../mock-server/mock-command.js';
import { registerRunCommand } from './run-command.js';
import { registerSuiteToolCommands } from './suite-tools-command.js';

const program = new Command()
  .name('matrix-presence-conformance')
  .description('Conformance suite for the Matrix presence module, and its reference mock homeserver')
  .version('0.1.0')
  .showHelpAfterError()
  // Usage errors exit 2, like every other configuration error of this tool.
  .exitOverride((err) => {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') process.exit(0);
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

registerValidateCommand(program);
registerMockCommand(program);
registerRunCommand(program);
registerSuiteToolCommands(program);

await program.parseAsync(process.argv);

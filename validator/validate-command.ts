// Placeholder: registered by the CLI; replaced by the real command in its issue.
import type { Command } from 'commander';

export function registerValidateCommand(program: Command): void {
  program.command('validate').description('not implemented yet').action(() => {
    console.error('not implemented yet');
    process.exit(2);
  });
}

// Placeholder: registered by the CLI; replaced by the real command in its issue.
import type { Command } from 'commander';

export function registerRunCommand(program: Command): void {
  program.command('run').description('not implemented yet').action(() => {
    console.error('not implemented yet');
    process.exit(2);
  });
}

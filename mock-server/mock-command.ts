// Placeholder: registered by the CLI; replaced by the real command in its issue.
import type { Command } from 'commander';

export function registerMockCommand(program: Command): void {
  program.command('mock').description('not implemented yet').action(() => {
    console.error('not implemented yet');
    process.exit(2);
  });
}

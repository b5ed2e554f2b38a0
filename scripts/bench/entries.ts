// Which file `npm run bench` and the soak fork for each of their processes: compiled (.bench-build/, made
// by `npm run bench` with scripts/bench/tsconfig.json) for measuring, or the TypeScript source (run
// through tsx) where speed is not measured (the soak in npm test).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../project/paths.js';

const FOLDER = {
  'server-process': 'cli/bench',
  'watcher-process': 'cli/bench',
  'memory-probe': 'scripts/bench',
  'listener-cost': 'scripts/bench',
} as const;

export function processEntry(name: keyof typeof FOLDER, compiled: boolean): string {
  if (!compiled) return join(projectRoot, FOLDER[name], `${name}.ts`);
  const file = join(projectRoot, '.bench-build', FOLDER[name], `${name}.js`);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run bench\`, which compiles it first`);
  return file;
}

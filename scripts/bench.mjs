// `npm run bench`: runs the TypeScript bench (scripts/bench/run.ts) through tsx. Not part of `npm test`.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'bench', 'run.ts'), ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: join(here, '..'),
});
child.on('exit', (code) => process.exit(code ?? 1));

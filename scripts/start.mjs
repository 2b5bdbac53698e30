// `npm start`: the desktop app when an Electron binary exists, otherwise the browser host.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';

const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
const args = binary ? [binary, ['.']] : [process.execPath, ['bin/eader.js', 'serve', ...process.argv.slice(2)]];
if (!binary) console.log('No Electron binary on this machine: starting the browser host instead.');
const child = spawn(args[0], args[1], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));

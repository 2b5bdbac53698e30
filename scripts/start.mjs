// `npm start`: the desktop app when an Electron binary exists, otherwise the browser host.
import { spawn } from 'node:child_process';
import { findElectronBinary } from './electron-path.mjs';

const binary = findElectronBinary();
const [command, args] = binary ? [binary, ['.']] : [process.execPath, ['bin/eader.js', 'serve', ...process.argv.slice(2)]];
if (!binary) console.log('No Electron binary on this machine: starting the browser host instead.');
const child = spawn(command, args, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));

#!/usr/bin/env node
/**
 * Package the app for Linux as an unpacked folder (`electron-builder --linux --dir`) against a local
 * STUB Electron distribution (no Electron binary can be downloaded here), then check the result:
 *   - dist/linux-unpacked/resources/app.asar exists and holds out/main, out/preload, out/renderer,
 *     and every entry electron-vite built into out/main (index, cli and each child entry of
 *     src-main/processes/entries.ts: trainer, train-worker, pseudo-worker, weights-worker);
 *   - no devDependency is inside; renderer-only packages are not inside;
 *   - native parts (sharp, @img, webgpu's Dawn for this platform only) are unpacked next to it; the demo
 *     dataset is an extra resource;
 *   - the asar stays under a size budget;
 *   - the packaged production tree really works: extracted, Node imports the CLI bundle (and sees
 *     its commands), runs a TensorFlow.js op on the wasm backend, encodes an image with sharp, and
 *     forks the packaged trainer, pseudo-mask worker and weights worker, which say ready.
 * Usage: node scripts/package-check.mjs [--no-build] [--budget-mb 40]   (slow: ~1 minute)
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const asar = require('@electron/asar');
const args = process.argv.slice(2);
const budgetMb = Number(args[args.indexOf('--budget-mb') + 1]) || 40;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version;
const failures = [];
const check = (ok, message) => {
  console.log(`${ok ? '  ok  ' : ' FAIL '} ${message}`);
  if (!ok) failures.push(message);
};
const seconds = (t0) => ((Date.now() - t0) / 1000).toFixed(1);

function run(cmd, cmdArgs, env = {}) {
  const t0 = Date.now();
  const result = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) throw new Error(`${cmd} ${cmdArgs.join(' ')} failed (exit ${result.status})`);
  return seconds(t0);
}

/** A folder electron-builder accepts as `electronDist`: it copies it and renames `electron`. */
function makeElectronStub(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'resources'), { recursive: true });
  writeFileSync(join(dir, 'electron'), '#!/bin/sh\necho "stub Electron used for packaging checks; not runnable" >&2\nexit 1\n');
  chmodSync(join(dir, 'electron'), 0o755);
  writeFileSync(join(dir, 'LICENSE'), 'Stub standing in for the Electron LICENSE file.\n');
  writeFileSync(join(dir, 'LICENSES.chromium.html'), '<!doctype html><title>stub</title>\n');
  writeFileSync(join(dir, 'version'), electronVersion);
}

const t0 = Date.now();
let buildTime = 'skipped';
if (!args.includes('--no-build')) buildTime = run(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build']);
const stub = join(root, 'dist', '.electron-stub');
makeElectronStub(stub);
rmSync(join(root, 'dist', 'linux-unpacked'), { recursive: true, force: true });
const packTime = run(process.execPath, [join(root, 'node_modules/electron-builder/cli.js'), '--linux', '--dir', '--config', 'electron-builder.yml', `-c.electronDist=${stub}`], {
  CSC_IDENTITY_AUTO_DISCOVERY: 'false',
  // Anything that still tried the network would fail fast instead of hanging.
  ELECTRON_GET_USE_PROXY: '',
  ELECTRON_MIRROR: 'http://127.0.0.1:9/',
  ELECTRON_BUILDER_BINARIES_MIRROR: 'http://127.0.0.1:9/',
});

const appDir = join(root, 'dist', 'linux-unpacked');
const archive = join(appDir, 'resources', 'app.asar');
check(existsSync(archive), `app.asar at ${archive}`);
const files = asar.listPackage(archive).map((f) => f.replaceAll('\\', '/'));
const has = (prefix) => files.some((f) => f === prefix || f.startsWith(`${prefix}/`));
for (const dir of ['/out/main', '/out/preload', '/out/renderer']) check(has(dir), `${dir} is packaged`);
check(files.includes('/out/main/index.js') && files.includes('/out/renderer/index.html') && files.includes('/out/preload/index.cjs'), 'entry files (main/index.js, preload/index.cjs, renderer/index.html) present');
check(files.includes('/package.json'), 'package.json present');
// Every built entry (one .js per electron-vite main input: the app, the CLI, each child process and thread).
const builtEntries = readdirSync(join(root, 'out', 'main')).filter((name) => name.endsWith('.js')).sort();
const missingEntries = builtEntries.filter((name) => !files.includes(`/out/main/${name}`));
check(builtEntries.length >= 5 && missingEntries.length === 0, `every built entry is packaged (${builtEntries.join(', ')}${missingEntries.length ? `; missing ${missingEntries.join(', ')}` : ''})`);
const packagesInside = new Set(files.map((f) => /^\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f)?.[1]).filter(Boolean));
const devInside = Object.keys(pkg.devDependencies ?? {}).filter((name) => packagesInside.has(name));
check(devInside.length === 0, `no devDependency inside (${devInside.join(', ') || 'none'})`);
const rendererOnly = ['vue', 'pinia', 'konva', 'vue-konva', 'uplot'].filter((name) => packagesInside.has(name));
check(rendererOnly.length === 0, `no renderer-only package inside (${rendererOnly.join(', ') || 'none'})`);
for (const name of ['commander', 'ws', 'zod', 'sharp', 'fast-xml-parser', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu', 'webgpu']) {
  check(packagesInside.has(name), `production dependency ${name} inside`);
}
check(!files.some((f) => f.startsWith('/src-') || f.startsWith('/e2e') || f.startsWith('/scripts')), 'no sources, tests or scripts inside');
const unpacked = join(appDir, 'resources', 'app.asar.unpacked', 'node_modules');
check(existsSync(join(unpacked, 'sharp')) && existsSync(join(unpacked, '@img')), 'sharp and @img native parts unpacked');
const dawnDirs = existsSync(join(unpacked, 'webgpu', 'dist')) ? readdirSync(join(unpacked, 'webgpu', 'dist')) : [];
check(dawnDirs.join() === `linux-${process.arch}`, `webgpu's Dawn addon unpacked for this platform only (${dawnDirs.join(', ') || 'none'})`);
check(has('/node_modules/@tensorflow/tfjs-backend-webgpu/dist/tf-backend-webgpu.node.js') && !has('/node_modules/@tensorflow/tfjs-backend-webgpu/dist/kernels'), 'tfjs-backend-webgpu: its Node bundle only');
check(existsSync(join(appDir, 'resources', 'demo')), 'demo dataset is an extra resource (resources/demo)');
const asarMb = statSync(archive).size / 1e6;
check(asarMb <= budgetMb, `app.asar is ${asarMb.toFixed(1)} MB (budget ${budgetMb} MB), ${files.length} entries, ${packagesInside.size} packages`);

// The packaged production tree must actually load: extract it and import from it with Node.
const extracted = mkdtempSync(join(tmpdir(), 'eader-asar-'));
try {
  asar.extractAll(archive, extracted);
  const smoke = join(extracted, 'smoke.mjs');
  writeFileSync(
    smoke,
    `const cli = await import(${JSON.stringify(pathToFileURL(join(extracted, 'out/main/cli.js')).href)});
const commands = cli.buildCli().commands.map((c) => c.name());
const tf = await import('@tensorflow/tfjs');
await import('@tensorflow/tfjs-backend-wasm');
await tf.setBackend('wasm');
const sum = tf.tensor([1, 2, 3]).sum().dataSync()[0];
const dawn = await import('webgpu');
const gpu = dawn.create([]);
const webgpu = typeof gpu.requestAdapter === 'function';
const sharp = (await import('sharp')).default;
const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#ffffff' } }).png().toBuffer();
// The packaged child processes load and greet (their first message is ready), then go.
const { fork } = await import('node:child_process');
const greet = (name) => new Promise((resolve) => {
  const child = fork(${JSON.stringify(join(extracted, 'out/main'))} + '/' + name + '.js', [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
  child.on('message', (m) => { if (m && m.type === 'ready') { resolve(true); child.kill('SIGKILL'); } });
  child.on('exit', () => { clearTimeout(timer); resolve(false); });
});
const children = { trainer: await greet('trainer'), 'pseudo-worker': await greet('pseudo-worker'), 'weights-worker': await greet('weights-worker') };
console.log(JSON.stringify({ commands, backend: tf.getBackend(), sum, pngBytes: png.length, children, webgpu }));
`,
  );
  const result = spawnSync(process.execPath, [smoke], { cwd: extracted, encoding: 'utf8' });
  const line = result.stdout.trim().split('\n').pop() ?? '';
  let report = null;
  try {
    report = JSON.parse(line);
  } catch {
    console.error(result.stdout, result.stderr);
  }
  check(result.status === 0 && report !== null, 'extracted app tree loads in Node (CLI bundle, tfjs, sharp)');
  if (report) {
    check(['export', 'serve'].every((c) => report.commands.includes(c)), `CLI commands: ${report.commands.join(', ')}`);
    check(report.backend === 'wasm' && report.sum === 6, `tfjs ${report.backend} backend computes (sum = ${report.sum})`);
    check(report.pngBytes > 0, 'sharp encodes a PNG from the packaged tree');
    check(Object.values(report.children).every(Boolean), `packaged child processes start and say ready (${JSON.stringify(report.children)})`);
    check(report.webgpu === true, 'the webgpu package (Dawn) loads its addon from the packaged tree');
  }
} finally {
  rmSync(extracted, { recursive: true, force: true });
}

console.log(`\nbuild ${buildTime} s, electron-builder ${packTime} s, total ${seconds(t0)} s`);
if (failures.length > 0) {
  console.error(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('package check passed');

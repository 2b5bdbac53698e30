#!/usr/bin/env node
// The `eader` command: runs the built CLI bundle (npm run build makes it).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const bundle = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(bundle)) {
  console.error('eader: the app is not built yet. Run `npm run build` first.');
  process.exit(1);
}
const { runCli } = await import(pathToFileURL(bundle).href);
try {
  await runCli(process.argv.slice(2));
} catch (error) {
  console.error(`eader: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

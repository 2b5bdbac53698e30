/** Where the app's own files are, from the built bundle (out/main) or from the sources (tests). */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | null = null;

/** The package root: the nearest folder upward that holds package.json. */
export function appRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return (root = dir);
    dir = dirname(dir);
  }
  throw new Error('Cannot find the application root (no package.json above the bundle).');
}

export const packageJsonPath = (): string => join(appRoot(), 'package.json');
export const rendererDir = (): string => resolve(appRoot(), 'out/renderer');
/**
 * Bundled resources (the demo dataset). In a packaged app they sit beside app.asar in
 * process.resourcesPath (electron-builder extraResources); from sources, in ./resources.
 */
export function resourcesDir(): string {
  const packaged = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
  if (packaged && existsSync(join(packaged, 'demo'))) return packaged;
  return resolve(appRoot(), 'resources');
}

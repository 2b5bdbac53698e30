// Finds an installed Electron binary WITHOUT triggering electron's lazy download (require('electron')
// would try to download it, which cannot work offline). Returns null when there is none.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export function findElectronBinary(env = process.env) {
  if (env.EADER_NO_ELECTRON === '1') return null;
  let pkgDir;
  try {
    pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(pkgDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron';
  const candidate = env.ELECTRON_OVERRIDE_DIST_PATH ? join(env.ELECTRON_OVERRIDE_DIST_PATH, relative) : join(pkgDir, 'dist', relative);
  return existsSync(pathFile) || env.ELECTRON_OVERRIDE_DIST_PATH ? (existsSync(candidate) ? candidate : null) : null;
}

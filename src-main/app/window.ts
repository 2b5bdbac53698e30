/** The hardened main window: isolated, sandboxed, no Node, no navigation, no new windows. */
import { BrowserWindow, shell } from 'electron';
import { join } from 'node:path';
import { appRoot } from '../platform/paths';
import { hardenContents, SECURE_WEB_PREFERENCES } from './security';

export function rendererEntry(): string {
  return join(appRoot(), 'out/renderer/index.html');
}

export function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    show: false,
    title: 'EADER Workbench',
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload: join(appRoot(), 'out/preload/index.cjs') },
  });
  hardenContents(window.webContents, (url) => void shell.openExternal(url));
  window.once('ready-to-show', () => window.show());
  void window.loadFile(rendererEntry());
  return window;
}

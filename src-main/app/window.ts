/** The hardened main window: isolated, sandboxed, no Node, no navigation, no new windows. */
import { BrowserWindow, shell } from 'electron';
import { join } from 'node:path';
import { appRoot } from '../services/paths';
import { SECURE_WEB_PREFERENCES } from './security';

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
  const contents = window.webContents;
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Only plain https links leave the app, and only in the user's browser.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.once('ready-to-show', () => window.show());
  void window.loadFile(rendererEntry());
  return window;
}

/** The window's security settings, kept apart from Electron so tests can check them without a binary. */
import type { WebPreferences } from 'electron';

export const SECURE_WEB_PREFERENCES: WebPreferences = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  spellcheck: false,
};

/** Requests the app may make: its own files and in-memory data, never remote content. */
export function isLocalUrl(url: string): boolean {
  return url.startsWith('file://') || url.startsWith('devtools://') || url.startsWith('data:') || url.startsWith('blob:');
}

/** The part of Electron's WebContents the guards touch (so tests can pass a fake). */
export interface GuardedContents {
  on(event: 'will-navigate' | 'will-redirect' | 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/**
 * No navigation, no redirects, no <webview>, no new windows. Plain https links open in the user's
 * browser (openExternal), never inside the app.
 */
export function hardenContents(contents: GuardedContents, openExternal: (url: string) => void): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\/[^\s]+$/.test(url)) openExternal(url);
    return { action: 'deny' };
  });
}

import { describe, expect, it } from 'vitest';
import { hardenContents, isLocalUrl, SECURE_WEB_PREFERENCES, type GuardedContents } from './security';

describe('window security', () => {
  it('isolates, sandboxes and keeps Node out of the renderer', () => {
    expect(SECURE_WEB_PREFERENCES).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });
  });
  it('lets only local content load', () => {
    expect(isLocalUrl('file:///opt/app/index.html')).toBe(true);
    expect(isLocalUrl('https://cdn.example.com/x.js')).toBe(false);
    expect(isLocalUrl('http://127.0.0.1:8080/')).toBe(false);
  });

  it('denies navigation, redirects, webviews and new windows; https links go to the system browser', () => {
    const listeners = new Map<string, (event: { preventDefault(): void }) => void>();
    let openHandler: ((d: { url: string }) => { action: 'deny' }) | null = null;
    const fake: GuardedContents = {
      on: (event, listener) => listeners.set(event, listener),
      setWindowOpenHandler: (handler) => (openHandler = handler),
    };
    const opened: string[] = [];
    hardenContents(fake, (url) => opened.push(url));
    for (const name of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      let prevented = false;
      listeners.get(name)!({ preventDefault: () => (prevented = true) });
      expect(prevented, name).toBe(true);
    }
    expect(openHandler!({ url: 'https://arxiv.org/abs/2011.04626' })).toEqual({ action: 'deny' });
    expect(openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(openHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://arxiv.org/abs/2011.04626']);
  });
});

import { describe, expect, it } from 'vitest';
import { isLocalUrl, SECURE_WEB_PREFERENCES } from './security';

describe('window security', () => {
  it('isolates, sandboxes and keeps Node out of the renderer', () => {
    expect(SECURE_WEB_PREFERENCES).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });
  });
  it('lets only local content load', () => {
    expect(isLocalUrl('file:///opt/app/index.html')).toBe(true);
    expect(isLocalUrl('https://cdn.example.com/x.js')).toBe(false);
    expect(isLocalUrl('http://127.0.0.1:8080/')).toBe(false);
  });
});

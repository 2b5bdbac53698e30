import { pathToFileURL } from 'node:url';

/** Only frames showing our own renderer file may call the main side (VS Code's ValidatedIpcMain idea). */
export function senderAllowed(frameUrl: string | undefined | null, rendererFile: string): boolean {
  if (!frameUrl) return false;
  const expected = pathToFileURL(rendererFile).href;
  return frameUrl.split(/[?#]/)[0] === expected;
}

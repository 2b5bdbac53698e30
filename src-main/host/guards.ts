/** Request guards of the host: token, Host header (DNS rebinding) and Origin. */
import { timingSafeEqual } from 'node:crypto';

export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

export function isLoopbackBind(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/**
 * When bound to loopback, only loopback Host headers are served: a page on another site that
 * rebinds its DNS name to 127.0.0.1 sends its own name and is refused.
 */
export function hostAllowed(hostHeader: string | undefined, bindHost: string, port: number, extraHosts: string[] = []): boolean {
  if (!hostHeader) return false;
  const allowed = new Set<string>(extraHosts);
  if (isLoopbackBind(bindHost)) {
    for (const name of [...LOOPBACK_NAMES, bindHost]) allowed.add(`${name}:${port}`);
  } else {
    return true; // bound to a public interface on purpose: the token is the guard
  }
  return allowed.has(hostHeader.toLowerCase());
}

/** A WebSocket upgrade must come from the page we served (same origin) or from a non-browser client. */
export function originAllowed(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined) return true;
  if (!hostHeader) return false;
  return origin === `http://${hostHeader}` || origin === `https://${hostHeader}`;
}

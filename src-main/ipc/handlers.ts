/** One line per channel: the contract's channels bound to the services. */
import type { AppInfo } from '@shared/domain/app-info';
import type { Handlers } from './dispatch';
import { appInfo } from '../services/app-info';

export interface HandlerContext {
  transport: AppInfo['transport'];
  project: () => string | null;
}

export function createHandlers(ctx: HandlerContext): Handlers {
  return {
    'app:info': () => appInfo(ctx.transport, ctx.project()),
    'app:ping': ({ sentAt }) => ({ sentAt, receivedAt: Date.now() }),
    'app:echo-bytes': ({ bytes }) => ({ length: bytes.length, checksum: checksum(bytes) }),
  };
}

function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (const b of bytes) sum = (sum * 31 + b) >>> 0;
  return sum;
}

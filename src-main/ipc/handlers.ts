/** One line per channel: the contract's channels bound to the services. */
import type { AppInfo } from '@shared/domain/app-info';
import type { Handlers } from './dispatch';
import { appInfo } from '../services/app-info';
import type { DatasetSession } from '../services/dataset-session';

export interface HandlerContext {
  transport: AppInfo['transport'];
  project: () => string | null;
  datasets: DatasetSession;
}

export function createHandlers(ctx: HandlerContext): Handlers {
  const { datasets } = ctx;
  return {
    'app:info': () => appInfo(ctx.transport, ctx.project()),
    'app:ping': ({ sentAt }) => ({ sentAt, receivedAt: Date.now() }),
    'app:echo-bytes': ({ bytes }) => ({ length: bytes.length, checksum: checksum(bytes) }),
    'dataset:open': (target) => datasets.open(target),
    'dataset:current': () => datasets.current(),
    'dataset:images': (query) => datasets.query(query),
    'dataset:thumbnail': ({ id }) => datasets.thumbnail(id),
    'dataset:image': ({ id, maxSide }) => datasets.image(id, maxSide),
    'dataset:gt': ({ id }) => datasets.gt(id),
  };
}

function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (const b of bytes) sum = (sum * 31 + b) >>> 0;
  return sum;
}

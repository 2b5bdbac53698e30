/**
 * Download torchvision's ImageNet ResNet weights into the store. The one table of releases is
 * IMAGENET_RELEASES (src-shared/domain/weights.ts: torchvision 0.14's `ResNet*_Weights`); the hex
 * in each file name is the published SHA-256 prefix (torch.hub's convention), checked over the
 * whole file before it is used. The bytes go to `downloads/<file>.partial`; an interrupted transfer resumes from there
 * with an HTTP Range request; a wrong checksum deletes the partial (it cannot be resumed into a
 * right one). A verified file is imported (./import) and then removed: the entry keeps its SHA-256.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { basename, join } from 'node:path';
import { IMAGENET_RELEASES, RELEASE_KEYS, fileHashPrefix, type WeightsBackbone, type WeightsDownloadProgress, type WeightsEntry } from '@shared/domain/weights';
import { importWeights } from './import';
import { sha256File } from './sha256';
import type { WeightsStore } from './store';

export interface Release {
  /** The table key, also the default store name. */
  key: string;
  url: string;
  backbone: WeightsBackbone;
  /** torchvision's name of the weights. */
  weights: string;
}

const TORCHVISION = 'https://download.pytorch.org/models';

/** The releases of the one table (IMAGENET_RELEASES in src-shared/domain/weights.ts), with their URLs. */
export const RELEASES: Record<string, Release> = Object.fromEntries(
  RELEASE_KEYS.map((key) => {
    const { file, backbone, weights } = IMAGENET_RELEASES[key];
    return [key, { key, url: `${TORCHVISION}/${file}`, backbone, weights }];
  }),
);

/** The SHA-256 prefix published in a release file name (`resnet50-0676ba61.pth` → `0676ba61`). */
export function publishedHashPrefix(url: string): string {
  const prefix = fileHashPrefix(basename(new URL(url).pathname));
  if (!prefix) throw new Error(`${url}: the file name carries no SHA-256 prefix (name-<hex>.pth)`);
  return prefix;
}

/** A release fetched from another origin (a mirror or a local server): same file name, same checksum. */
export function fromMirror(release: Release, base: string): Release {
  return { ...release, url: `${base.replace(/\/+$/, '')}/${basename(new URL(release.url).pathname)}` };
}

export interface DownloadOptions {
  /** Store name (default: the release key). */
  name?: string;
  replace?: boolean;
  onProgress?: (progress: WeightsDownloadProgress) => void;
  /** The bytes are all there: checking the SHA-256 (verify), then loading and converting them (import). */
  onPhase?: (phase: 'verify' | 'import') => void;
  /** Seconds without a byte before giving up (default 30). */
  idleTimeoutS?: number;
}

const OFFLINE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE']);

async function sizeOf(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size;
  } catch {
    return null;
  }
}

function request(url: string, headers: Record<string, string>, idleMs: number, redirects = 5): Promise<IncomingMessage> {
  return new Promise((resolvePromise, reject) => {
    const get = url.startsWith('https:') ? httpsGet : url.startsWith('http:') ? httpGet : null;
    if (!get) return reject(new Error(`${url}: only http and https downloads`));
    const req = get(url, { headers: { 'user-agent': 'eader-workbench', ...headers } }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirects === 0) return reject(new Error(`${url}: too many redirects`));
        request(new URL(res.headers.location, url).toString(), headers, idleMs, redirects - 1).then(resolvePromise, reject);
        return;
      }
      resolvePromise(res);
    });
    req.setTimeout(idleMs, () => req.destroy(Object.assign(new Error('no response'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
  });
}

function reachError(url: string, err: unknown, partial: string): Error {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const host = new URL(url).host;
  if (OFFLINE.has(code)) {
    return new Error(`cannot reach ${host} (${code}): offline? What arrived is kept in ${partial}; run the command again to resume, or download the file elsewhere and use eader weights import FILE`);
  }
  return new Error(`download from ${host} failed: ${(err as Error).message}`);
}

/** Fetch `release.url` into `partial` (resuming), returning its final size. */
async function fetchToPartial(release: Release, partial: string, options: DownloadOptions): Promise<void> {
  const idleMs = (options.idleTimeoutS ?? 30) * 1000;
  const have = (await sizeOf(partial)) ?? 0;
  let res: IncomingMessage;
  try {
    res = await request(release.url, have > 0 ? { range: `bytes=${have}-` } : {}, idleMs);
  } catch (err) {
    throw reachError(release.url, err, partial);
  }
  const status = res.statusCode ?? 0;
  if (status === 416 && have > 0) {
    // The partial is as long as the file (or longer): let the checksum decide.
    res.resume();
    return;
  }
  if (status !== 200 && status !== 206) {
    res.resume();
    throw new Error(`${release.url}: the server answered HTTP ${status}`);
  }
  let start = 0;
  let total: number | null = null;
  if (status === 206) {
    const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers['content-range'] ?? '');
    if (!range || Number(range[1]) !== have) {
      res.resume();
      throw new Error(`${release.url}: the server resumed at the wrong place (${res.headers['content-range'] ?? 'no Content-Range'}, expected byte ${have})`);
    }
    start = have;
    total = range[3] === '*' ? null : Number(range[3]);
  } else {
    const length = Number(res.headers['content-length']);
    total = Number.isFinite(length) && length > 0 ? length : null;
  }
  const out = createWriteStream(partial, { flags: start > 0 ? 'a' : 'w' });
  let received = start;
  const report = (): void => options.onProgress?.({ release: release.key, received, total, resumedFrom: start });
  report();
  await new Promise<void>((resolvePromise, reject) => {
    let failed = false;
    const fail = (err: Error): void => {
      if (failed) return;
      failed = true;
      res.destroy();
      out.end(() => reject(err));
    };
    res.setTimeout(idleMs, () => fail(Object.assign(new Error('stalled'), { code: 'ETIMEDOUT' })));
    res.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (!out.write(chunk)) {
        res.pause();
        out.once('drain', () => res.resume());
      }
      report();
    });
    let ended = false;
    res.on('close', () => {
      if (!ended) fail(new Error('the connection closed early'));
    });
    res.on('error', fail);
    out.on('error', fail);
    res.on('end', () => {
      ended = true;
      if (failed) return;
      if (total !== null && received !== total) return fail(new Error(`ended at byte ${received} of ${total}`));
      out.end(() => resolvePromise());
    });
  }).catch((err: Error) => {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(
      `download of ${release.url} interrupted after ${received}${total ? ` of ${total}` : ''} bytes (${code ?? err.message}); run the same command again to resume from ${partial}`,
    );
  });
}

/**
 * Download `release` (resuming a partial), verify its published SHA-256 prefix, import it into
 * `store` as `options.name ?? release.key`, and remove the downloaded file.
 */
export async function downloadRelease(release: Release, store: WeightsStore, options: DownloadOptions = {}): Promise<WeightsEntry> {
  const name = options.name ?? release.key;
  if (!options.replace && (await store.has(name))) throw new Error(`weights named ${name} already exist in ${store.root} (choose another --name, or --replace)`);
  const prefix = publishedHashPrefix(release.url);
  const file = join(store.downloads, basename(new URL(release.url).pathname));
  const partial = `${file}.partial`;
  await mkdir(store.downloads, { recursive: true });
  if ((await sizeOf(file)) === null) {
    await fetchToPartial(release, partial, options);
    options.onPhase?.('verify');
    const sha = await sha256File(partial);
    if (!sha.startsWith(prefix)) {
      await rm(partial, { force: true });
      throw new Error(`${release.url}: checksum mismatch (SHA-256 ${sha.slice(0, 16)}…, published prefix ${prefix}); the download was deleted, nothing was imported`);
    }
    await rename(partial, file);
  }
  const sha = await sha256File(file);
  if (!sha.startsWith(prefix)) {
    await rm(file, { force: true });
    throw new Error(`${file}: checksum mismatch (SHA-256 ${sha.slice(0, 16)}…, published prefix ${prefix}); deleted, run the download again`);
  }
  options.onPhase?.('import');
  const entry = await importWeights(file, store, { name, backbone: release.backbone, replace: options.replace, sha256: sha, source: { kind: 'download', url: release.url, release: release.key } });
  await rm(file, { force: true });
  return entry;
}

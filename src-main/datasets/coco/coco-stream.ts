/**
 * Reading a COCO instances file of any size. Up to `READ_LIMITS.json` (just under V8's longest
 * string, ~512 MiB) the file is read whole and parsed with `JSON.parse` (fastest: ~100 MB/s here).
 * Past it, one string cannot hold the file, so it is streamed through `@streamparser/json`: only the
 * elements of `images`, `annotations` and `categories` are assembled, one at a time, and each goes
 * to the same `CocoInstancesBuilder` as the whole-file parse, which keeps only what is asked for
 * (`index`: no polygons). Both ways give the same records and issues (coco-stream.spec.ts).
 * Streaming is slower (~7–12 MB/s on the 2-core dev machine, so ~1 min per 600 MB) but holds one
 * element at a time besides what is kept. A streamed file must list at least one image and one
 * category (an empty array leaves no trace in the stream).
 */
import { JSONParser } from '@streamparser/json';
import { READ_LIMITS, checkRegular, readRegularChunks, readRegularText, type ReadRegularOptions } from '../../fs/read-regular';
import { CocoFormatError, CocoInstancesBuilder, type CocoInstances, type CocoKeep, type KeptAnnotation, parseCocoInstances } from './coco-json';

export interface ReadInstancesOptions extends Pick<ReadRegularOptions, 'root'> {
  /** How the file is named in issues and errors (relative to the dataset root). */
  label: string;
  /** Stream files larger than this many bytes (default: the whole-file bound, READ_LIMITS.json). */
  streamAboveBytes?: number;
}

const ARRAYS = ['images', 'annotations', 'categories'] as const;
type ArrayKey = (typeof ARRAYS)[number];

/** Read and check an instances file, whole or streamed by its size. */
export async function readCocoInstances<K extends CocoKeep>(path: string, keep: K, options: ReadInstancesOptions): Promise<CocoInstances<KeptAnnotation<K>>> {
  const size = await checkRegular(path, { root: options.root, kind: 'stream', label: options.label });
  if (size <= (options.streamAboveBytes ?? READ_LIMITS.json)) {
    return parseCocoInstances(await readRegularText(path, { root: options.root, kind: 'json', label: options.label }), options.label, keep);
  }
  return streamCocoInstances(path, keep, options);
}

/** The streaming read: the top-level arrays' elements, one at a time, into the builder. */
export async function streamCocoInstances<K extends CocoKeep>(path: string, keep: K, options: ReadInstancesOptions): Promise<CocoInstances<KeptAnnotation<K>>> {
  const file = options.label;
  const builder = new CocoInstancesBuilder(file, keep);
  const counts: Record<ArrayKey, number> = { images: 0, annotations: 0, categories: 0 };
  // keepStack false: an element, once handed over, is removed from its array, so nothing accumulates.
  const parser = new JSONParser({ paths: ARRAYS.map((key) => `$.${key}.*`), keepStack: false });
  parser.onValue = ({ value, parent, stack }) => {
    const key = stack[1]?.key as ArrayKey;
    if (!Array.isArray(parent)) throw new CocoFormatError(`${file} is not a COCO instances file: "${key}" is ${key === 'annotations' ? 'not an array' : 'missing or not an array'}`);
    const i = counts[key]++;
    if (key === 'images') builder.image(value, i);
    else if (key === 'annotations') builder.annotation(value, i);
    else builder.category(value, i);
  };
  let first = true;
  try {
    await readRegularChunks(
      path,
      (chunk) => {
        if (first) {
          first = false;
          // The paths match only inside a top-level object; anything else would give no element at all.
          const start = chunk.findIndex((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0xef && b !== 0xbb && b !== 0xbf);
          if (start >= 0 && chunk[start] !== 0x7b) throw new CocoFormatError(`${file} is not a COCO instances file (expected a JSON object)`);
        }
        parser.write(chunk);
      },
      { root: options.root, kind: 'stream', label: file },
    );
  } catch (err) {
    if (err instanceof CocoFormatError || (err as Error).name === 'UnreadableFileError') throw err;
    throw new CocoFormatError(`${file} is not valid JSON (${(err as Error).message})`);
  }
  if (!parser.isEnded) throw new CocoFormatError(`${file} is not valid JSON (the file ends before its top-level object does: truncated?)`);
  // Elements removed once handed over leave no trace of their array, so a streamed file must list at
  // least one image and one category (the whole-file parse tells an empty array from a missing one).
  for (const key of ['images', 'categories'] as const) {
    if (counts[key] === 0) throw new CocoFormatError(`${file} is not a COCO instances file: no element of "${key}" (missing, empty or not an array)`);
  }
  return builder.finish();
}

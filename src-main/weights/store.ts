/**
 * The weights store, `$EADER_HOME/weights/`: one folder per converted weight set,
 *   <name>/weights.safetensors   float32, the engine's layout (HWIO convs, [in,out] dense), metadata eader.layout=tfjs
 *   <name>/entry.json            WeightsEntry (src-shared/domain/weights.ts): backbone, SHA-256s, source
 *   downloads/<file>.partial     a download in progress (./download.ts); resumable
 * An entry is built in a hidden sibling folder and renamed into place, so a crash leaves either no
 * entry or a whole one; the stored file's SHA-256 is checked every time the entry is opened.
 * Nothing outside this folder is written.
 */
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { WeightsEntry, WeightsName } from '@shared/domain/weights';
import { fsyncDir, writeSynced } from '../fs/atomic-write';
import { eaderHome } from '../runs/run-roots';
import type { OpenedWeights } from './open-weights';
import { LAYOUT_KEY, openSafetensors } from './safetensors';
import { sha256Bytes, sha256File } from './sha256';
import { pathExists } from '../fs/exists';

export const WEIGHTS_FILE = 'weights.safetensors';
export const ENTRY_FILE = 'entry.json';

/** `$EADER_HOME/weights`. */
export const weightsRoot = (env: NodeJS.ProcessEnv = process.env): string => join(eaderHome(env), 'weights');

export interface StoreListing {
  entries: WeightsEntry[];
  /** Folders that are not a readable entry, and why. */
  problems: { name: string; reason: string }[];
}

export class WeightsStore {
  constructor(readonly root: string = weightsRoot()) {}

  dir(name: string): string {
    return join(this.root, WeightsName.parse(name));
  }

  get downloads(): string {
    return join(this.root, 'downloads');
  }

  async list(): Promise<StoreListing> {
    let names: string[];
    try {
      names = (await readdir(this.root, { withFileTypes: true })).filter((d) => d.isDirectory() && !d.name.startsWith('.') && d.name !== 'downloads').map((d) => d.name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], problems: [] };
      throw err;
    }
    const listing: StoreListing = { entries: [], problems: [] };
    for (const name of names.sort()) {
      try {
        listing.entries.push(await this.entry(name));
      } catch (err) {
        listing.problems.push({ name, reason: (err as Error).message });
      }
    }
    return listing;
  }

  async has(name: string): Promise<boolean> {
    if (!WeightsName.safeParse(name).success) return false;
    try {
      await this.entry(name);
      return true;
    } catch {
      return false;
    }
  }

  /** The entry named `name`; a one-line error when it is missing or unreadable. */
  async entry(name: string): Promise<WeightsEntry> {
    const file = join(this.dir(name), ENTRY_FILE);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`no weights named ${name} in ${this.root} (see eader weights list)`);
      throw err;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
    }
    const parsed = WeightsEntry.safeParse(json);
    if (!parsed.success) throw new Error(`${file}: not a weights entry (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`);
    if (parsed.data.name !== name) throw new Error(`${file}: names ${parsed.data.name}, but lies in folder ${name}`);
    return parsed.data;
  }

  /** Open an entry's weights after checking them against the recorded SHA-256. */
  async open(name: string): Promise<OpenedWeights> {
    const entry = await this.entry(name);
    const file = join(this.dir(name), WEIGHTS_FILE);
    const actual = await sha256File(file).catch((err: unknown) => {
      throw new Error(`${file}: cannot read the stored weights (${(err as Error).message})`);
    });
    if (actual !== entry.storedSha256) throw new Error(`${file}: changed since it was imported (SHA-256 ${actual.slice(0, 12)}…, recorded ${entry.storedSha256.slice(0, 12)}…); import it again`);
    const opened = await openSafetensors(file);
    if (opened.layout !== 'tfjs' || opened.metadata?.[LAYOUT_KEY] !== 'tfjs') {
      await opened.close();
      throw new Error(`${file}: not in the store's layout (metadata ${LAYOUT_KEY} missing)`);
    }
    return opened;
  }

  /**
   * Add an entry: `weights` (a safetensors file in the store's layout) and its record, built in a
   * hidden folder and renamed into place. Refuses an existing name unless `replace`.
   */
  async put(entry: Omit<WeightsEntry, 'storedSha256'>, weights: Uint8Array, replace = false): Promise<WeightsEntry> {
    const name = WeightsName.parse(entry.name);
    const target = this.dir(name);
    if (!replace && (await pathExists(target))) throw new Error(`weights named ${name} already exist in ${this.root} (choose another --name, or --replace)`);
    await mkdir(this.root, { recursive: true });
    const tag = `${process.pid}-${Date.now().toString(36)}`;
    const building = join(this.root, `.${name}.importing-${tag}`);
    const full = WeightsEntry.parse({ ...entry, storedSha256: sha256Bytes(weights) });
    try {
      await mkdir(building);
      await writeSynced(join(building, WEIGHTS_FILE), weights);
      await writeSynced(join(building, ENTRY_FILE), `${JSON.stringify(full, null, 2)}\n`);
      await fsyncDir(building);
      if (await pathExists(target)) {
        const old = join(this.root, `.${name}.replaced-${tag}`);
        await rename(target, old);
        await rename(building, target);
        await rm(old, { recursive: true, force: true });
      } else {
        await rename(building, target);
      }
      await fsyncDir(this.root);
    } catch (err) {
      await rm(building, { recursive: true, force: true });
      throw err;
    }
    return full;
  }

}

/**
 * Creating or reopening a segmenter run folder, before any training: a new run checks its label
 * folders and copies them into `labels/` (runs/segmenter-labels.ts), then writes its record; a
 * resumed one reads its record and its own copies. A bad label file, an empty label set or a
 * folder that already holds a run is refused with nothing left behind. A warm start (`initFrom`, a
 * localizer run) is opened here too, so a run that cannot have it is refused before its folder exists.
 */
import { mkdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatasetIndex, ImageRecord } from '@shared/domain/dataset';
import type { SegmenterConfig } from '@shared/domain/segmenter-config';
import type { StartSegmenterCommand } from '@shared/trainer-protocol';
import { errorText } from '@shared/envelope';
import { checkSegmenterConfig } from '../engine/segmenter/settings';
import { createSegmenterRun, readSegmenterRunRecord, runPaths, type SegmenterRunRecord } from '../runs/run-store';
import { copyLabels, labelPaths, listMaskIds } from '../runs/segmenter-labels';
import { localizerBackboneSource, type LocalizerBackbone } from '../weights/checkpoint-source';
import { weightsProvenance } from '../weights/resolve';
import { WeightsStore } from '../weights/store';
import { TrainerFailure } from './loop';
import { runVersions } from './versions';

export interface PreparedSegmenterRun {
  config: SegmenterConfig;
  record: SegmenterRunRecord;
  /** Training images with a trusted mask (held-out ones excluded), and those with only a pseudo-mask. */
  trusted: string[];
  pseudo: string[];
  /** A new run's backbone to start from (`initFrom`); a resumed run has its own weights (or record.init). */
  init: LocalizerBackbone | null;
}

/** The localizer backbone a run starts from, checked against the segmenter's backbone. */
export async function openInit(runDir: string, config: SegmenterConfig): Promise<LocalizerBackbone> {
  let init: LocalizerBackbone;
  try {
    init = await localizerBackboneSource(runDir);
  } catch (error) {
    throw new TrainerFailure('BAD_DATA', `Cannot start from ${runDir}: ${errorText(error)}`);
  }
  if (init.backbone !== config.backbone) throw new TrainerFailure('BAD_DATA', `Cannot start from ${runDir}: its backbone is ${init.backbone}, the segmenter's ${config.backbone}.`);
  return init;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Copy the label folders into a partial folder of the run, then make it the run's `labels/` (or remove it). */
async function snapshot(command: StartSegmenterCommand, index: DatasetIndex, records: readonly ImageRecord[]): Promise<{ pseudo: number; trusted: number }> {
  const paths = labelPaths(command.runDir);
  const partial = join(runPaths(command.runDir).dir, '.labels-partial');
  const ids = new Set(records.map((r) => r.id));
  const byId = new Map(index.images.map((r) => [r.id, r]));
  const sizeOf = (id: string): { width: number; height: number } | null => {
    const r = byId.get(id);
    return r?.width && r.height ? { width: r.width, height: r.height } : null;
  };
  const { pseudoDir, trustedDir } = command.labels;
  for (const dir of [pseudoDir, trustedDir]) if (dir !== null && !(await exists(dir))) throw new TrainerFailure('BAD_DATA', `The label folder ${dir} does not exist.`);
  const runExisted = await exists(runPaths(command.runDir).dir);
  await mkdir(runPaths(command.runDir).dir, { recursive: true });
  await rm(partial, { recursive: true, force: true });
  try {
    const pseudo = await copyLabels({ from: pseudoDir, to: join(partial, 'pseudo') }, ids, index.classes.length, sizeOf);
    const trusted = trustedDir ? await copyLabels({ from: trustedDir, to: join(partial, 'trusted') }, ids, index.classes.length, sizeOf) : [];
    await rm(paths.dir, { recursive: true, force: true }); // a folder without a run record: a failed start's leftovers
    await rename(partial, paths.dir);
    return { pseudo: pseudo.length, trusted: trusted.length };
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    if (!runExisted) await rmdir(runPaths(command.runDir).dir).catch(() => undefined);
    throw error instanceof TrainerFailure ? error : new TrainerFailure('BAD_DATA', errorText(error));
  }
}

/** The training images: with a trusted mask (held-out ones excluded), and with only a pseudo-mask. */
async function trainable(runDir: string, records: readonly ImageRecord[], heldOutIds: readonly string[]): Promise<{ trusted: string[]; pseudo: string[] }> {
  const inSplit = new Set(records.map((r) => r.id));
  const heldOut = new Set(heldOutIds);
  const labels = labelPaths(runDir);
  const trusted = (await listMaskIds(labels.trusted)).filter((id) => inSplit.has(id) && !heldOut.has(id));
  const trustedSet = new Set(trusted);
  const pseudo = (await listMaskIds(labels.pseudo)).filter((id) => inSplit.has(id) && !trustedSet.has(id) && !heldOut.has(id));
  return { trusted, pseudo };
}

const nothingToLearn = (split: string, dir: string): TrainerFailure =>
  new TrainerFailure('BAD_DATA', `No image of split "${split}" has a pseudo-mask or a trusted mask in ${dir} (masks are <imageId>.png, named by image id).`);

export async function prepareSegmenterRun(command: StartSegmenterCommand, index: DatasetIndex, records: readonly ImageRecord[], backend: string): Promise<PreparedSegmenterRun> {
  const paths = runPaths(command.runDir);
  if (command.resume) {
    const record = await readSegmenterRunRecord(command.runDir);
    if (record.dataset.classes.join('\n') !== index.classes.join('\n')) {
      throw new TrainerFailure('BAD_DATA', `The dataset's classes differ from the run's (${record.dataset.classes.length} vs ${index.classes.length}).`);
    }
    // The saved config decides the model; only the length of the run may change on resume.
    const config = checkSegmenterConfig({ ...record.config, epochs: command.config.epochs, maxSteps: command.config.maxSteps, timeBudget: command.config.timeBudget });
    const sets = await trainable(command.runDir, records, record.labels.heldOut);
    if (sets.trusted.length + sets.pseudo.length === 0) throw nothingToLearn(config.trainSplit, labelPaths(command.runDir).dir);
    return { config, record, ...sets, init: null };
  }
  if (await exists(paths.config)) throw new TrainerFailure('BAD_DATA', `${paths.dir} already holds a run. Resume it with --resume, or pick another --out folder.`);
  const init = command.initFrom ? await openInit(command.initFrom, command.config) : null;
  // A weights reference that names nothing is refused before the run folder exists.
  if (command.config.pretrained) {
    const ref = command.config.pretrained;
    await weightsProvenance(ref, new WeightsStore()).catch((error: unknown) => {
      throw new TrainerFailure('BAD_CONFIG', `pretrained: ${errorText(error)}`);
    });
  }
  const runExisted = await exists(paths.dir);
  const counts = await snapshot(command, index, records);
  const { labels } = command;
  const heldOut = [...new Set(labels.heldOut)].sort();
  const sets = await trainable(command.runDir, records, heldOut);
  if (sets.trusted.length + sets.pseudo.length === 0) {
    await rm(labelPaths(command.runDir).dir, { recursive: true, force: true });
    if (!runExisted) await rmdir(paths.dir).catch(() => undefined);
    throw nothingToLearn(command.config.trainSplit, `${labels.pseudoDir}${labels.trustedDir ? ` or ${labels.trustedDir}` : ''}`);
  }
  const record = await createSegmenterRun(command.runDir, {
    config: command.config,
    backend,
    dataset: { root: index.root, path: command.datasetRoot, format: index.format, classes: index.classes, trainImages: sets.trusted.length + sets.pseudo.length },
    versions: runVersions(),
    labels: {
      pseudo: { source: labels.pseudoDir, localizerRunId: labels.localizerRunId, images: counts.pseudo },
      trusted: { source: labels.trustedDir, images: counts.trusted },
      heldOut,
      round: labels.round,
    },
    init: init ? { runId: init.runId, runDir: command.initFrom!, checkpoint: init.source.file, step: init.step } : null,
  });
  return { config: command.config, record, ...sets, init };
}

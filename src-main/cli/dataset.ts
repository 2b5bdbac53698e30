/**
 * `eader dataset info DIR [--json]`: what a dataset holds and what is wrong with it — format, images
 * per split, classes with image counts, GT availability, and every bad file with its reason. Exit code
 * 0 when at least one image is usable, 1 otherwise (or when the dataset cannot be opened at all).
 * Names from the dataset are printed escaped (print.ts): a file name cannot drive the terminal.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { DatasetFormat, type DatasetIndex, type DatasetIssue } from '@shared/domain/dataset';
import { openDataset } from '../datasets/open-dataset';
import { errorText } from '@shared/envelope';
import { summarizeDataset } from '../datasets/summary';
import { terminalSafe, terminalSafeJson } from './print';

export interface DatasetInfo {
  path: string;
  format: DatasetFormat;
  root: string;
  images: number;
  splits: Record<string, number>;
  withGt: number;
  classes: { index: number; name: string; images: number }[];
  issues: DatasetIssue[];
  /** Facts that decide what can be trained or scored (e.g. a labelled folder without splits). */
  notes: string[];
  usable: boolean;
}

export function summariseDataset(path: string, index: DatasetIndex): DatasetInfo {
  const counts = summarizeDataset(index);
  return {
    path,
    format: counts.format,
    root: counts.root,
    images: counts.images,
    splits: counts.splits,
    withGt: counts.withGt,
    classes: counts.classes.map((name, i) => ({ index: i, name, images: counts.perClass[i] ?? 0 })),
    issues: counts.issues,
    notes: counts.notes,
    usable: counts.images > 0,
  };
}

export function formatDatasetInfo(info: DatasetInfo): string {
  const lines: string[] = [];
  const splitText = Object.entries(info.splits)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, n]) => `${terminalSafe(name)} ${n}`)
    .join(', ');
  lines.push(`Dataset:  ${terminalSafe(info.root)}`, `Format:   ${info.format}`, `Images:   ${info.images} usable${splitText ? ` (${splitText})` : ''}`);
  lines.push(`GT masks: ${info.withGt} of ${info.images} images`);
  lines.push(`Classes:  ${info.classes.length - 1} + background (images per class)`);
  const names = info.classes.map((c) => terminalSafe(c.name));
  const width = Math.max(...names.map((n) => n.length));
  for (const [i, c] of info.classes.entries()) lines.push(`  ${String(c.index).padStart(3)}  ${names[i]!.padEnd(width)}  ${c.images}`);
  if (info.issues.length === 0) lines.push('Problems: none');
  else {
    lines.push(`Problems: ${info.issues.length}`);
    for (const issue of info.issues) lines.push(`  ${terminalSafe(issue.file)}: ${terminalSafe(issue.reason)}`);
  }
  for (const note of info.notes) lines.push(`Note:     ${note}`);
  if (!info.usable) lines.push('No usable image: nothing can be trained or shown from this dataset.');
  return lines.join('\n');
}

export interface DatasetInfoResult {
  output: string;
  exitCode: 0 | 1;
  /** False when the dataset could not be opened at all (the output is then an error message). */
  opened: boolean;
}

/** Run the `info` command; never throws for a bad dataset (the reason goes to the output). */
export async function datasetInfo(path: string, options: { json?: boolean; format?: DatasetFormat; quick?: boolean } = {}): Promise<DatasetInfoResult> {
  let index: DatasetIndex;
  try {
    index = await openDataset(path, { format: options.format, verifyImages: !options.quick });
  } catch (err) {
    const message = errorText(err);
    return { output: options.json ? terminalSafeJson({ path, error: message, usable: false }) : `Cannot open ${terminalSafe(path)}: ${terminalSafe(message)}`, exitCode: 1, opened: false };
  }
  const info = summariseDataset(path, index);
  return { output: options.json ? terminalSafeJson(info) : formatDatasetInfo(info), exitCode: info.usable ? 0 : 1, opened: true };
}

/** `--format`: one of the formats, or a one-line error (not the schema's dump). */
function parseFormat(value: string): DatasetFormat {
  const parsed = DatasetFormat.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`must be one of ${DatasetFormat.options.join(', ')}.`);
  return parsed.data;
}

export function registerDataset(program: Command): void {
  const dataset = program.command('dataset').description('Inspect datasets (Pascal VOC, COCO instances, labelled folders); nothing is written.');
  dataset
    .command('info')
    .argument('<path>', 'dataset folder (VOC root or year folder, COCO folder or instances .json, labelled folder)')
    .option('--json', 'print the summary as JSON')
    .option('--format <format>', `skip detection: ${DatasetFormat.options.join(', ')}`, parseFormat)
    .option('--quick', 'COCO: do not decode image headers (only check that the files exist)')
    .description('Format, images per split, classes with image counts, GT availability and every bad file. Exit 1 when no image is usable.')
    .action(async (path: string, opts: { json?: boolean; format?: DatasetFormat; quick?: boolean }) => {
      const { output, exitCode, opened } = await datasetInfo(path, opts);
      if (opened || opts.json) console.log(output);
      else console.error(output);
      process.exitCode = exitCode;
    });
}

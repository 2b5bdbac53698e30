import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetFolders, refuseProtectedOutput } from './output-guard';

const base = mkdtempSync(join(tmpdir(), 'eader-guard-'));
const dataset = join(base, 'VOC2012');
const project = join(base, 'project');
mkdirSync(join(dataset, 'SegmentationClass'), { recursive: true });
mkdirSync(join(project, 'exports'), { recursive: true });
symlinkSync(dataset, join(base, 'data-link'));

describe('the output guard', () => {
  const protect = datasetFolders(dataset);

  it('refuses an output that is or lies inside the dataset, also through a symlink or a new sub-folder', async () => {
    await expect(refuseProtectedOutput(join(dataset, 'SegmentationClass'), protect, { label: '--out' })).rejects.toThrow(/--out .* lies inside the dataset folder .*VOC2012; the dataset is never written/);
    await expect(refuseProtectedOutput(dataset, protect, { label: '--out' })).rejects.toThrow(/ is the dataset folder/);
    await expect(refuseProtectedOutput(join(base, 'data-link', 'new', 'run'), protect, { label: '--out' })).rejects.toThrow(/lies inside the dataset/);
    await expect(refuseProtectedOutput(join(dataset, '..masks'), protect, { label: '--out' })).rejects.toThrow(/lies inside the dataset/);
  });

  it('accepts outputs beside the dataset, and a folder containing it unless the output replaces it', async () => {
    await refuseProtectedOutput(join(base, 'VOC2012-masks'), protect, { label: '--out' });
    await refuseProtectedOutput(base, protect, { label: '--out' });
    await expect(refuseProtectedOutput(base, protect, { label: '--out', replaces: true })).rejects.toThrow(/contains the dataset folder .*replacing it would delete the dataset/);
  });

  it('allows a sub-folder it names (a project\'s exports/), and nothing else of that folder', async () => {
    const folders = [{ path: project, what: 'the project', allowBelow: [join(project, 'exports')] }];
    await refuseProtectedOutput(join(project, 'exports', 'voc'), folders, { label: 'the export', replaces: true });
    await expect(refuseProtectedOutput(join(project, 'exports'), folders, { label: 'the export', replaces: true })).rejects.toThrow(/lies inside the project/);
    await expect(refuseProtectedOutput(join(project, 'masks'), folders, { label: 'the export', replaces: true })).rejects.toThrow(/lies inside the project/);
    await expect(refuseProtectedOutput(project, folders, { label: 'the export', replaces: true })).rejects.toThrow(/is the project folder/);
  });
});

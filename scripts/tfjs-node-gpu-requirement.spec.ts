/**
 * One statement of what @tensorflow/tfjs-node-gpu needs (TFJS_NODE_GPU in src-shared/domain/app-info.ts):
 * the README and docs/backends.md carry it verbatim, the pinned optional dependency is its version,
 * and, where the package is installed, its own install constants agree with it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TFJS_NODE_GPU, tfjsNodeGpuRequirement } from '../src-shared/domain/app-info';

const root = new URL('..', import.meta.url).pathname;
const read = (file: string): string => readFileSync(join(root, file), 'utf8');
const installed = join(root, 'node_modules/@tensorflow/tfjs-node-gpu/scripts');

describe('the tfjs-node-gpu requirement', () => {
  it('is stated once, verbatim, in the README and in docs/backends.md', () => {
    const sentence = tfjsNodeGpuRequirement();
    expect(sentence).toBe('@tensorflow/tfjs-node-gpu 4.22.0 runs libtensorflow 2.9.1, which needs an NVIDIA driver with CUDA 11.2 and cuDNN 8.1, on Linux x86-64 or Windows x86-64 only');
    for (const file of ['README.md', 'docs/backends.md']) {
      expect(read(file), file).toContain(sentence);
      // No other CUDA or cuDNN version is claimed anywhere in the file.
      for (const [, version] of read(file).matchAll(/CUDA (\d+(?:\.\d+|\.x)?)/g)) expect(version, `${file}: CUDA ${version}`).toBe(TFJS_NODE_GPU.cuda);
      for (const [, version] of read(file).matchAll(/cuDNN (\d+(?:\.\d+|\.x)?)/g)) expect(version, `${file}: cuDNN ${version}`).toBe(TFJS_NODE_GPU.cudnn);
    }
  });

  it('is contradicted nowhere in the docs', () => {
    const docs = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);
    for (const file of docs) {
      for (const [, version] of read(file).matchAll(/CUDA (\d+(?:\.\d+|\.x)?)/g)) expect(version, `${file}: CUDA ${version}`).toBe(TFJS_NODE_GPU.cuda);
      for (const [, version] of read(file).matchAll(/cuDNN (\d+(?:\.\d+|\.x)?)/g)) expect(version, `${file}: cuDNN ${version}`).toBe(TFJS_NODE_GPU.cudnn);
    }
  });

  it('names the version package.json pins', () => {
    const pkg = JSON.parse(read('package.json')) as { optionalDependencies: Record<string, string> };
    expect(pkg.optionalDependencies['@tensorflow/tfjs-node-gpu']).toBe(TFJS_NODE_GPU.packageVersion);
  });

  it.skipIf(!existsSync(installed))('matches the installed package: its libtensorflow version and GPU platforms', () => {
    const constants = readFileSync(join(installed, 'deps-constants.js'), 'utf8');
    expect(/LIBTENSORFLOW_VERSION = '([\d.]+)'/.exec(constants)?.[1]).toBe(TFJS_NODE_GPU.libtensorflow);
    const gpu = [...constants.matchAll(/'gpu-(\w+)-(\w+)'/g)].map(([, os, arch]) => `${os}-${arch}`).sort();
    expect(gpu).toEqual(['linux-x86_64', 'windows-x86_64']);
  });
});

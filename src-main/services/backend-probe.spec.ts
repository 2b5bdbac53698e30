import { describe, expect, it } from 'vitest';
import type { GpuAdapter } from '@shared/domain/app-info';
import { parseBackendName } from '../engine/backend/backend-names';
import type { WebGpuAvailability } from '../engine/backend/webgpu/adapter';
import { probeBackends } from './backend-probe';

const only = (...pkgs: string[]) => (pkg: string) => pkgs.includes(pkg);
const WEBGPU = ['webgpu', '@tensorflow/tfjs-backend-webgpu'];
const adapter = (software: boolean): GpuAdapter => ({
  vendor: software ? 'mesa' : 'nvidia',
  architecture: software ? 'software' : 'ada',
  device: software ? 'llvmpipe' : '',
  description: software ? 'llvmpipe: Mesa 25.0.7' : 'NVIDIA GeForce RTX 4090',
  software,
  maxBufferSize: 2 ** 32,
  maxStorageBufferBindingSize: software ? 2 ** 27 : 2 ** 31,
});
const gpu = (software: boolean) => (): Promise<WebGpuAvailability> => Promise.resolve({ ok: true, adapter: adapter(software) });
const noGpu = (): Promise<WebGpuAvailability> => Promise.resolve({ ok: false, why: 'no WebGPU adapter' });

describe('backend probe', () => {
  it('prefers webgpu on hardware, then the GPU backend, then native, then wasm, then cpu', async () => {
    const all = only(...WEBGPU, '@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs');
    expect((await probeBackends({}, { isInstalled: all, webgpu: gpu(false) })).preferred).toBe('webgpu');
    expect((await probeBackends({}, { isInstalled: all, webgpu: noGpu })).preferred).toBe('tensorflow-gpu');
    expect((await probeBackends({}, { isInstalled: only('@tensorflow/tfjs-node', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs'), webgpu: noGpu })).preferred).toBe('tensorflow');
    expect((await probeBackends({}, { isInstalled: only('@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs'), webgpu: noGpu })).preferred).toBe('wasm');
    expect((await probeBackends({}, { isInstalled: only('@tensorflow/tfjs'), webgpu: noGpu })).preferred).toBe('cpu');
  });

  it('never prefers a software adapter on its own, says why, and suggests the CPU preset', async () => {
    const info = await probeBackends({}, { isInstalled: only(...WEBGPU, '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs'), webgpu: gpu(true) });
    expect(info.preferred).toBe('wasm');
    expect(info.adapter).toMatchObject({ software: true, vendor: 'mesa' });
    expect(info.suggestedPreset).toBe('quick');
    expect(info.candidates.map((c) => `${c.name}:${c.status}`)).toEqual(['webgpu:skipped', 'tensorflow-gpu:unavailable', 'tensorflow:unavailable', 'wasm:picked', 'cpu:skipped']);
    expect(info.candidates[0]?.why).toMatch(/software.*llvmpipe.*--backend webgpu/);
    expect(info.note).toMatch(/only WebGPU adapter is a software one/);
  });

  it('suggests the paper preset on a hardware GPU and names the adapter', async () => {
    const info = await probeBackends({}, { isInstalled: only(...WEBGPU, '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs'), webgpu: gpu(false) });
    expect(info.suggestedPreset).toBe('paper');
    expect(info.note).toMatch(/NVIDIA GeForce RTX 4090/);
    expect(info.candidates[0]).toMatchObject({ name: 'webgpu', status: 'picked' });
  });

  it('explains how to get a GPU backend when there is none, with the tfjs-node-gpu requirement', async () => {
    const info = await probeBackends({}, { isInstalled: only('@tensorflow/tfjs'), webgpu: noGpu });
    expect(info.note).toMatch(/tfjs-node-gpu 4\.22\.0 runs libtensorflow 2\.9\.1.*CUDA 11\.2 and cuDNN 8\.1/);
    expect(info.candidates[0]).toMatchObject({ name: 'webgpu', status: 'unavailable', why: expect.stringMatching(/webgpu is not installed/) as unknown });
  });

  it('lets EADER_BACKEND force one (a software adapter too, with a warning) and says so', async () => {
    const info = await probeBackends({ EADER_BACKEND: 'cpu' }, { isInstalled: only('@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs'), webgpu: noGpu });
    expect(info.preferred).toBe('cpu');
    expect(info.forcedBy).toBe('EADER_BACKEND=cpu');
    const soft = await probeBackends({ EADER_BACKEND: 'webgpu' }, { isInstalled: only(...WEBGPU, '@tensorflow/tfjs'), webgpu: gpu(true) });
    expect(soft.preferred).toBe('webgpu');
    expect(soft.note).toMatch(/software adapter.*slower than wasm/);
    expect(soft.suggestedPreset).toBe('quick');
  });

  it('rejects an unknown backend name clearly', () => {
    expect(() => parseBackendName('cuda')).toThrow(/Unknown backend "cuda"/);
  });

  it('finds the packages actually installed here', async () => {
    const info = await probeBackends({}, { webgpu: noGpu });
    expect(info.available).toContain('cpu');
    expect(info.available).toContain('webgpu');
  });
});

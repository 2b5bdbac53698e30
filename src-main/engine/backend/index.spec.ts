import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { useSoftwareWebGpu } from '../../testing/webgpu';
import { initBackend, releaseWebGpu } from './index';
import type { WebGpuAvailability } from './webgpu/adapter';

const noGpu = (): Promise<WebGpuAvailability> => Promise.resolve({ ok: false, why: 'no WebGPU adapter (test)' });
const softwareGpu = (): Promise<WebGpuAvailability> =>
  Promise.resolve({ ok: true, adapter: { vendor: 'mesa', architecture: 'software', device: 'llvmpipe', description: 'llvmpipe', software: true, maxBufferSize: 1, maxStorageBufferBindingSize: 1 } });
const software = useSoftwareWebGpu();

afterAll(() => releaseWebGpu());

describe('initBackend', () => {
  it('falls back past the uninstalled tfjs-node packages to wasm and says why', async () => {
    const choice = await initBackend({ env: {}, webgpu: noGpu });
    // tfjs-node(-gpu) are optional and not installed on the test machines.
    expect(choice.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(choice.tfBackend).toBe('wasm');
    expect(choice.reason).toMatch(/tfjs-node-gpu is not installed/);
    expect(choice.reason).toMatch(/no WebGPU adapter \(test\)/);
    expect(choice.device).toMatch(/WebAssembly/);
    expect(choice.adapter).toBeNull();
  });

  it('passes over a software WebGPU adapter unless forced', async () => {
    const choice = await initBackend({ env: {}, webgpu: softwareGpu });
    expect(choice.name).toBe('wasm');
    expect(choice.candidates[0]).toMatchObject({ name: 'webgpu', status: 'skipped' });
    expect(choice.candidates.find((c) => c.status === 'picked')?.name).toBe('wasm');
    expect(choice.warning).toBeNull();
  });

  it('honours EADER_BACKEND and the force option (the option wins)', async () => {
    expect((await initBackend({ env: { EADER_BACKEND: 'cpu' } })).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    const forced = await initBackend({ force: 'wasm', env: { EADER_BACKEND: 'cpu' } });
    expect(forced).toMatchObject({ name: 'wasm', tfBackend: 'wasm' });
    expect(forced.reason).toMatch(/forced by option/);
  });

  it('refuses a forced backend that is not installed or has no adapter, clearly', async () => {
    await expect(initBackend({ env: { EADER_BACKEND: 'tensorflow' } })).rejects.toThrow(
      /"tensorflow" is forced by EADER_BACKEND=tensorflow but cannot start: @tensorflow\/tfjs-node is not installed/,
    );
    await expect(initBackend({ force: 'webgpu', webgpu: noGpu })).rejects.toThrow(/"webgpu" is forced by option \(webgpu\) but cannot start: no WebGPU adapter \(test\)/);
    await expect(initBackend({ force: 'tpu' })).rejects.toThrow(/Unknown backend "tpu"/);
  });

  it.skipIf(!software.ok)(`starts webgpu when forced on a software adapter, with a warning (${software.ok ? software.adapter : software.why})`, async () => {
    const choice = await initBackend({ force: 'webgpu', env: {} });
    expect(choice).toMatchObject({ name: 'webgpu', tfBackend: 'webgpu' });
    expect(tf.getBackend()).toBe('webgpu');
    expect(choice.adapter?.software).toBe(true);
    expect(choice.device).toMatch(/via WebGPU \(Dawn\)/);
    expect(choice.warning).toMatch(/software adapter/);
    // Our filter gradient replaces tfjs's one-thread-per-weight kernel (conv-filter-grad.ts).
    expect((tf.getKernel('Conv2DBackpropFilter', 'webgpu')?.kernelFunc as { eader?: boolean } | undefined)?.eader).toBe(true);
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.mul(x, 2);
    expect(Array.from(await y.data())).toEqual([2, 4, 6]);
    // A synchronous read of GPU data is refused with a clear message (Node would say "OffscreenCanvas is not defined").
    const z = tf.add(x, 1);
    expect(() => z.dataSync()).toThrow(/synchronous read .* `await tensor\.data\(\)`/);
    tf.dispose([x, y, z]);
    await initBackend({ force: 'wasm' });
    expect((await initBackend({ force: 'webgpu' })).name).toBe('webgpu');
  });
});

import { describe, expect, it } from 'vitest';
import type { GpuAdapter } from '@shared/domain/app-info';
import { forcedBackend } from './backend-names';
import { planBackends, verdicts, type ResolutionInput } from './resolve-order';
import { describeAdapter, isSoftwareAdapter } from './webgpu/adapter';

const hw: GpuAdapter = { vendor: 'amd', architecture: 'rdna-3', device: '', description: 'AMD Radeon RX 7900 XTX', software: false, maxBufferSize: 2 ** 32, maxStorageBufferBindingSize: 2 ** 31 };
const sw: GpuAdapter = { ...hw, vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader driver 5.0.0', software: true };
const everything: ResolutionInput['installed'] = () => true;
const nothingNative: ResolutionInput['installed'] = (name) => (name === 'wasm' || name === 'cpu' ? true : `${name} is not installed`);

describe('the resolution order', () => {
  it('is webgpu on a hardware adapter, then tfjs-node-gpu, tfjs-node, wasm, cpu', () => {
    expect(planBackends({ forced: null, webgpu: { ok: true, adapter: hw }, installed: everything }).attempts).toEqual(['webgpu', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
    const noGpu = planBackends({ forced: null, webgpu: { ok: false, why: 'no WebGPU adapter' }, installed: nothingNative });
    expect(noGpu.attempts).toEqual(['wasm', 'cpu']);
    expect(noGpu.excluded).toEqual([
      { name: 'webgpu', status: 'unavailable', why: 'no WebGPU adapter' },
      { name: 'tensorflow-gpu', status: 'unavailable', why: 'tensorflow-gpu is not installed' },
      { name: 'tensorflow', status: 'unavailable', why: 'tensorflow is not installed' },
    ]);
  });

  it('never picks a software adapter on its own', () => {
    const plan = planBackends({ forced: null, webgpu: { ok: true, adapter: sw }, installed: everything });
    expect(plan.attempts).toEqual(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
    expect(plan.excluded[0]).toMatchObject({ name: 'webgpu', status: 'skipped' });
    expect(plan.excluded[0]?.why).toMatch(/software one \(SwiftShader driver 5\.0\.0 \(google\), software adapter\); --backend webgpu forces it/);
    expect(plan.warning).toBeNull();
  });

  it('tries only a forced backend; forcing webgpu onto a software adapter warns', () => {
    const forced = planBackends({ forced: { name: 'webgpu', by: 'forced by EADER_BACKEND=webgpu' }, webgpu: { ok: true, adapter: sw }, installed: everything });
    expect(forced.attempts).toEqual(['webgpu']);
    expect(forced.warning).toMatch(/software adapter.*slower than wasm/);
    expect(forced.excluded.every((c) => c.status === 'skipped' && c.why === 'forced by EADER_BACKEND=webgpu forces webgpu')).toBe(true);
    const onHardware = planBackends({ forced: { name: 'webgpu', by: 'x' }, webgpu: { ok: true, adapter: hw }, installed: everything });
    expect(onHardware.warning).toBeNull();
    expect(planBackends({ forced: { name: 'cpu', by: 'x' }, webgpu: { ok: true, adapter: hw }, installed: everything }).attempts).toEqual(['cpu']);
  });

  it('gives every backend a verdict, in order', () => {
    const plan = planBackends({ forced: null, webgpu: { ok: true, adapter: sw }, installed: nothingNative });
    const all = verdicts(plan, [], { name: 'wasm', why: 'best available' });
    expect(all.map((c) => [c.name, c.status])).toEqual([
      ['webgpu', 'skipped'],
      ['tensorflow-gpu', 'unavailable'],
      ['tensorflow', 'unavailable'],
      ['wasm', 'picked'],
      ['cpu', 'skipped'],
    ]);
    expect(all[4]?.why).toBe('wasm comes first');
  });

  it('reads the forcing option before EADER_BACKEND, and accepts the aliases', () => {
    expect(forcedBackend({ env: {} })).toBeNull();
    expect(forcedBackend({ env: { EADER_BACKEND: 'dawn' } })).toEqual({ name: 'webgpu', by: 'forced by EADER_BACKEND=dawn' });
    expect(forcedBackend({ force: 'webgpu', env: { EADER_BACKEND: 'cpu' } })).toEqual({ name: 'webgpu', by: 'forced by option (webgpu)' });
    expect(() => forcedBackend({ env: { EADER_BACKEND: 'metal' } })).toThrow(/Unknown backend "metal"\. Use one of: webgpu, tensorflow-gpu/);
  });
});

describe('software adapters', () => {
  it('are recognised by the fallback flag or by the driver name', () => {
    expect(isSoftwareAdapter({ vendor: 'nvidia', isFallbackAdapter: true })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'mesa', device: 'llvmpipe-llvm-15', description: 'llvmpipe: Mesa 25.0.7' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'google', architecture: 'swiftshader' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'microsoft', description: 'Microsoft Basic Render Driver' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'apple', architecture: 'metal-3', description: 'Apple M2' })).toBe(false);
    expect(isSoftwareAdapter({ vendor: 'intel', architecture: 'gen-12lp', description: 'Mesa Intel(R) Xe Graphics' })).toBe(false);
  });

  it('are described with their limits', () => {
    const report = describeAdapter({
      info: { vendor: 'mesa', architecture: 'software', device: 'llvmpipe', description: 'llvmpipe: Mesa 25.0.7', isFallbackAdapter: false },
      limits: { maxBufferSize: 2 ** 32 - 1, maxStorageBufferBindingSize: 2 ** 27, maxComputeWorkgroupStorageSize: 0, maxComputeWorkgroupsPerDimension: 0, maxComputeWorkgroupSizeX: 0, maxComputeInvocationsPerWorkgroup: 0 },
      features: new Set(),
      requestDevice: () => Promise.resolve(null),
    });
    expect(report).toEqual({ vendor: 'mesa', architecture: 'software', device: 'llvmpipe', description: 'llvmpipe: Mesa 25.0.7', software: true, maxBufferSize: 2 ** 32 - 1, maxStorageBufferBindingSize: 2 ** 27 });
  });
});

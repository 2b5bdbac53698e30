import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { useSoftwareWebGpu } from '../../../testing/webgpu';
import { initBackend, releaseWebGpu, webGpuMonitor } from '../index';
import { faultFromGpuError, faultFromLoss, GpuFault, GpuFaultMonitor, isGpuFault } from './faults';

class GPUOutOfMemoryError extends Error {}
class GPUValidationError extends Error {}

/** A device stand-in whose errors and loss the test triggers. */
function fakeDevice(): { device: ConstructorParameters<typeof GpuFaultMonitor>[0]; raise: (error: Error) => void; lose: (info: { reason?: string; message?: string }) => void } {
  let listener: ((event: { error?: Error }) => void) | null = null;
  let lose: (info: { reason?: string; message?: string }) => void = () => undefined;
  const lost = new Promise<{ reason?: string; message?: string }>((resolve) => (lose = resolve));
  return {
    device: { lost, addEventListener: (_type, l) => (listener = l) },
    raise: (error) => listener?.({ error }),
    lose: (info) => lose(info),
  };
}

describe('GPU faults', () => {
  it('classifies WebGPU errors: out of memory, too large a buffer, a rejected kernel, a lost device', () => {
    expect(faultFromGpuError(new GPUOutOfMemoryError('Allocation failed\n - While calling CreateBuffer'))).toMatchObject({ kind: 'out-of-memory', message: 'The GPU ran out of memory (Allocation failed)' });
    expect(faultFromGpuError(new GPUValidationError('Buffer size (4294967292) exceeds the max buffer size limit (268435456).')).kind).toBe('out-of-memory');
    expect(faultFromGpuError(new GPUValidationError('Binding size (300000000) exceeds the maxStorageBufferBindingSize.')).kind).toBe('out-of-memory');
    expect(faultFromGpuError(new GPUValidationError('Invalid ComputePipeline "conv2d"'))).toMatchObject({ kind: 'validation', message: 'The GPU rejected a kernel (GPUValidationError: Invalid ComputePipeline "conv2d")' });
    expect(faultFromLoss({ reason: 'unknown', message: 'Device was lost (TDR)' }).message).toBe('The GPU device was lost (Device was lost (TDR))');
    expect(faultFromLoss({ reason: 'destroyed', message: '' }).message).toBe('The GPU device was lost (destroyed)');
    expect(isGpuFault(new GpuFault('validation', 'x'))).toBe(true);
    expect(isGpuFault(new Error('x'))).toBe(false);
  });

  it('keeps the first fault, a graver one replaces a validation error, and check() throws it', async () => {
    const { device, raise, lose } = fakeDevice();
    const monitor = new GpuFaultMonitor(device);
    expect(() => monitor.check()).not.toThrow();
    raise(new GPUValidationError('Invalid BindGroup'));
    expect(monitor.fault?.kind).toBe('validation');
    raise(new GPUOutOfMemoryError('Allocation failed'));
    expect(monitor.fault?.kind).toBe('out-of-memory');
    raise(new GPUValidationError('Invalid CommandBuffer')); // a consequence: ignored
    expect(monitor.fault?.kind).toBe('out-of-memory');
    lose({ reason: 'unknown', message: 'reset' });
    expect((await monitor.lost).kind).toBe('device-lost');
    expect(() => monitor.check()).toThrow(/device was lost \(reset\)/);
  });
});

const adapter = useSoftwareWebGpu();
afterAll(() => releaseWebGpu());

describe.skipIf(!adapter.ok)(`GPU faults on a real device (${adapter.ok ? adapter.adapter : adapter.why})`, () => {
  it('a tensor larger than the largest storage binding fails at once, with its size', async () => {
    const started = await initBackend({ force: 'webgpu' });
    const limit = started.adapter?.maxStorageBufferBindingSize ?? 0;
    const elements = Math.floor(limit / 4) + 1024;
    expect(() => tf.fill([elements], 1)).toThrow(/A tensor of [\d.]+ MiB is larger than this GPU's largest storage binding \([\d.]+ MiB\)/);
    const y = tf.mul(tf.tensor1d([1, 2]), 3);
    expect(Array.from(await y.data())).toEqual([3, 6]); // the device still works
    tf.dispose(y);
  });

  it('a lost device makes the next read fail with the loss, not hang', async () => {
    await initBackend({ force: 'webgpu' });
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.mul(x, 2);
    const pending = y.data();
    (tf.backend() as unknown as { device: { destroy(): void } }).device.destroy();
    await expect(pending).rejects.toThrow(/GPU device was lost \(destroyed/);
    const monitor = await webGpuMonitor();
    expect(monitor?.fault?.kind).toBe('device-lost');
    const z = tf.add(x, 1);
    await expect(z.data()).rejects.toSatisfy((e: unknown) => isGpuFault(e) && e.kind === 'device-lost');
    tf.dispose([x, y, z]);
  });
});

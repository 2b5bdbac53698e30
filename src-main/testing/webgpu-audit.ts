/**
 * For specs: which kernels ran on the webgpu backend, and whether any of them silently computed on
 * the CPU. tfjs-backend-webgpu hands a kernel to its CPU implementation when its inputs are small
 * and not uploaded yet (WEBGPU_CPU_FORWARD, which start.ts turns off) and, whatever the flag, for
 * some inputs (string tensors, Tile of rank ≥ 5, …); such a kernel leaves its output in CPU memory
 * (`values` set, no GPU buffer). The audit wraps every kernel registered for webgpu and records
 * each output that ends up on the CPU although the kernel is not a view (Reshape shares its
 * input's data). Synchronous reads are counted by start.ts (they throw).
 */
import * as tf from '@tensorflow/tfjs';

/** Kernels that return their input's data unchanged (a view): a CPU-resident input stays so. */
const VIEWS = new Set(['Reshape', 'Identity', 'ExpandDims', 'Squeeze']);

interface TensorDataLike {
  values: unknown;
  resource: unknown;
}
interface BackendLike {
  tensorMap: { get(dataId: object): TensorDataLike | undefined };
}

export interface KernelAudit {
  /** Kernel name → number of calls. */
  calls: Map<string, number>;
  /** Kernels whose output was computed on the CPU, with the output shape. */
  cpuOutputs: string[];
  stop(): void;
}

export function auditWebGpuKernels(): KernelAudit {
  const calls = new Map<string, number>();
  const cpuOutputs: string[] = [];
  const originals = tf.getKernelsForBackend('webgpu');
  for (const config of originals) {
    const inner = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, 'webgpu');
    tf.registerKernel({
      ...config,
      kernelFunc: (params) => {
        calls.set(config.kernelName, (calls.get(config.kernelName) ?? 0) + 1);
        const result = inner(params);
        const backend = params.backend as unknown as BackendLike;
        const outputs = Array.isArray(result) ? result : [result];
        if (!VIEWS.has(config.kernelName)) {
          for (const out of outputs) {
            const data = backend.tensorMap.get(out.dataId);
            if (data && data.resource == null && data.values != null) cpuOutputs.push(`${config.kernelName} → [${out.shape.join(',')}]`);
          }
        }
        return result;
      },
    });
  }
  return {
    calls,
    cpuOutputs,
    stop: () => {
      for (const config of originals) {
        tf.unregisterKernel(config.kernelName, 'webgpu');
        tf.registerKernel(config);
      }
    },
  };
}

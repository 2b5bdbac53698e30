/**
 * Conv2DBackpropFilter (dW) on webgpu as im2col + one tiled matrix product, instead of
 * tfjs-backend-webgpu's kernel, which gives each filter element one thread that loops over the
 * whole batch and output map: k·k·Ci·Co threads (a few thousand for a stem) each doing B·Ho·Wo
 * dependent multiply-adds with no tiling. That kernel was half of a ResNet-18 training step on a
 * software adapter (bench/webgpu.md). Here:
 *   patches [N, k·k·Ci] (N = b·Ho·Wo, the (ky, kx, ci) order of the filter layout) from k·k strided
 *   slices of the padded input, concatenated on channels;
 *   dW [k·k·Ci, Co] = patchesᵀ · dy [N, Co], reshaped to [k, k, Ci, Co],
 * over chunks of the batch whose patches fit the adapter's largest storage binding (capped at
 * 32 M floats), summed. The other webgpu kernels are called directly (no engine, no tape) and every
 * intermediate is freed. NCHW, dilations and anything unexpected go to the original kernel.
 */
import * as tf from '@tensorflow/tfjs';

type KernelFunc = tf.KernelConfig['kernelFunc'];
interface Backend {
  disposeData(dataId: object): boolean;
  device: { limits: { maxStorageBufferBindingSize: number } };
}

const settings = { strategy: 'im2col' as 'im2col' | 'tfjs', maxPatchFloats: 32 * 1024 * 1024 };
/** Pin the dW path, or shrink the chunks (tests check both paths and the chunking against cpu). */
export function setWebGpuConvFilterGrad(next: Partial<typeof settings>): void {
  Object.assign(settings, next);
}

function kernel(name: string): KernelFunc {
  const k = tf.getKernel(name, 'webgpu');
  if (!k) throw new Error(`webgpu has no ${name} kernel`);
  return k.kernelFunc;
}

function one(result: tf.TensorInfo | tf.TensorInfo[]): tf.TensorInfo {
  const info = Array.isArray(result) ? result[0] : result;
  if (!info) throw new Error('kernel returned nothing');
  return info;
}

/** Register our dW for webgpu (idempotent); the original stays available for fallbacks. */
export function registerWebGpuConvFilterGrad(): void {
  const current = tf.getKernel('Conv2DBackpropFilter', 'webgpu');
  if (!current || (current.kernelFunc as { eader?: boolean }).eader) return;
  const original = current.kernelFunc;
  const ours: KernelFunc = (args) => {
    const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const attrs = args.attrs as unknown as { strides: number | [number, number]; pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding; dataFormat: 'NHWC' | 'NCHW'; dimRoundingMode?: 'floor' | 'round' | 'ceil'; filterShape: [number, number, number, number] };
    if (settings.strategy !== 'im2col' || attrs.dataFormat === 'NCHW' || x.dtype !== 'float32') return original(args);
    const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
    return filterGrad(args.backend as unknown as Backend, x, dy, info);
  };
  (ours as { eader?: boolean }).eader = true;
  tf.unregisterKernel('Conv2DBackpropFilter', 'webgpu');
  tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'webgpu', kernelFunc: ours });
}

function filterGrad(backend: Backend, x: tf.TensorInfo, dy: tf.TensorInfo, c: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const run = (name: string, inputs: tf.NamedTensorInfoMap | tf.TensorInfo[], attrs: Record<string, unknown> = {}): tf.TensorInfo =>
    one(kernel(name)({ inputs: inputs as tf.NamedTensorInfoMap, backend: backend as unknown as tf.KernelBackend, attrs: attrs as tf.NamedAttrMap }));
  const free = (...infos: tf.TensorInfo[]): void => {
    for (const i of infos) backend.disposeData(i.dataId);
  };
  const { batchSize: B, outHeight: Ho, outWidth: Wo, inChannels: Ci, outChannels: Co, filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = c;
  const { top, bottom, left, right } = c.padInfo;
  const rowFloats = Ho * Wo * kh * kw * Ci; // patches per image
  const limit = Math.min(settings.maxPatchFloats, Math.floor(backend.device.limits.maxStorageBufferBindingSize / 4));
  const chunk = Math.max(1, Math.min(B, Math.floor(limit / Math.max(1, rowFloats))));
  let sum: tf.TensorInfo | null = null;
  for (let b0 = 0; b0 < B; b0 += chunk) {
    const b = Math.min(chunk, B - b0);
    const xs = b === B ? x : run('Slice', { x }, { begin: [b0, 0, 0, 0], size: [b, -1, -1, -1] }); // [b,H,W,Ci]
    const ys = b === B ? dy : run('Slice', { x: dy }, { begin: [b0, 0, 0, 0], size: [b, -1, -1, -1] }); // [b,Ho,Wo,Co]
    const padded = top || bottom || left || right ? run('PadV2', { x: xs }, { paddings: [[0, 0], [top, bottom], [left, right], [0, 0]], constantValue: 0 }) : xs;
    const taps: tf.TensorInfo[] = [];
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) {
        const begin = [0, ky, kx, 0];
        const end = [b, ky + (Ho - 1) * sh + 1, kx + (Wo - 1) * sw + 1, Ci];
        taps.push(run('StridedSlice', { x: padded }, { begin, end, strides: [1, sh, sw, 1], beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0 })); // [b,Ho,Wo,Ci]
      }
    }
    const patches = taps.length === 1 ? (taps[0] as tf.TensorInfo) : run('Concat', taps, { axis: 3 }); // [b,Ho,Wo,kh·kw·Ci]
    const a = run('Reshape', { x: patches }, { shape: [1, b * Ho * Wo, kh * kw * Ci] });
    const g = run('Reshape', { x: ys }, { shape: [1, b * Ho * Wo, Co] });
    const part = run('BatchMatMul', { a, b: g }, { transposeA: true, transposeB: false }); // [1,kh·kw·Ci,Co]
    free(a, g);
    if (patches !== taps[0]) free(patches);
    free(...taps);
    if (padded !== xs) free(padded);
    if (xs !== x) free(xs);
    if (ys !== dy) free(ys);
    if (sum === null) sum = part;
    else {
      const next = run('Add', { a: sum, b: part });
      free(sum, part);
      sum = next;
    }
  }
  if (!sum) throw new Error('empty batch');
  const out = run('Reshape', { x: sum }, { shape: [kh, kw, Ci, Co] });
  free(sum);
  return out;
}

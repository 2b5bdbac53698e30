/**
 * torchvision's ImageNet eval transform on a PIL image, in plain TypeScript: Resize(256) — the
 * shorter side to 256, the longer to int(256·long/short) — with PIL's BILINEAR resampling, then
 * CenterCrop(224) with Python's round-half-even offsets. The resampling follows Pillow's
 * ImagingResample for 8-bit images exactly: a triangle filter widened by the scale when
 * shrinking (antialiasing), coefficients in 22-bit fixed point, a horizontal pass rounded to
 * 8 bits, then a vertical one; an unchanged axis gets no pass. Normalisation stays with the
 * engine (imageToTensor). An image already at the crop size is used as is.
 */
import type { RgbImage } from '@shared/domain/dataset';

const PRECISION_BITS = 32 - 8 - 2;
const ONE = 2 ** PRECISION_BITS;

interface Coefficients {
  starts: Int32Array;
  sizes: Int32Array;
  /** [out, ksize] fixed-point weights. */
  weights: Int32Array;
  ksize: number;
}

function coefficients(inSize: number, outSize: number): Coefficients {
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = 1 * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const starts = new Int32Array(outSize);
  const sizes = new Int32Array(outSize);
  const weights = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterscale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const t = Math.abs((x + xmin - center + 0.5) * ss);
      const w = t < 1 ? 1 - t : 0;
      k[x] = w;
      ww += w;
    }
    for (let x = 0; x < xmax; x++) {
      const w = ww !== 0 ? k[x]! / ww : k[x]!;
      weights[xx * ksize + x] = w < 0 ? Math.trunc(-0.5 + w * ONE) : Math.trunc(0.5 + w * ONE);
    }
    starts[xx] = xmin;
    sizes[xx] = xmax;
  }
  return { starts, sizes, weights, ksize };
}

const clip8 = (ss: number): number => Math.min(255, Math.max(0, Math.floor(ss / ONE)));

/** One axis of Pillow's 8-bit resampling; `axis` 0 resizes the width, 1 the height. */
function resampleAxis(image: RgbImage, outSize: number, axis: 0 | 1): RgbImage {
  const { width, height, data } = image;
  const inSize = axis === 0 ? width : height;
  const c = coefficients(inSize, outSize);
  const outW = axis === 0 ? outSize : width;
  const outH = axis === 0 ? height : outSize;
  const out = new Uint8Array(outW * outH * 3);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const o = axis === 0 ? x : y;
      const start = c.starts[o]!;
      const size = c.sizes[o]!;
      for (let ch = 0; ch < 3; ch++) {
        let ss = ONE / 2;
        for (let i = 0; i < size; i++) {
          const src = axis === 0 ? (y * width + start + i) * 3 + ch : ((start + i) * width + x) * 3 + ch;
          ss += data[src]! * c.weights[o * c.ksize + i]!;
        }
        out[(y * outW + x) * 3 + ch] = clip8(ss);
      }
    }
  }
  return { width: outW, height: outH, data: out };
}

/** PIL `Image.resize((width, height), BILINEAR)` on an RGB image. */
export function resizeBilinearPil(image: RgbImage, width: number, height: number): RgbImage {
  let out = image;
  if (width !== image.width) out = resampleAxis(out, width, 0);
  if (height !== image.height) out = resampleAxis(out, height, 1);
  return out === image ? { ...image, data: Uint8Array.from(image.data) } : out;
}

/** Python 3's round(): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function centerCrop(image: RgbImage, size: number): RgbImage {
  if (image.width < size || image.height < size) throw new Error(`centre crop ${size} of a ${image.width}×${image.height} image`);
  const top = roundHalfEven((image.height - size) / 2);
  const left = roundHalfEven((image.width - size) / 2);
  const out = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) out.set(image.data.subarray(((top + y) * image.width + left) * 3, ((top + y) * image.width + left + size) * 3), y * size * 3);
  return { width: size, height: size, data: out };
}

/** The eval input: a crop-sized image as is; others Resize(resize) + CenterCrop(crop). */
export function imagenetEvalImage(image: RgbImage, resize = 256, crop = 224): RgbImage {
  if (image.width === crop && image.height === crop) return image;
  const portrait = image.width <= image.height;
  const [short, long] = portrait ? [image.width, image.height] : [image.height, image.width];
  const newLong = Math.trunc((resize * long) / short);
  const resized = portrait ? resizeBilinearPil(image, resize, newLong) : resizeBilinearPil(image, newLong, resize);
  return centerCrop(resized, crop);
}

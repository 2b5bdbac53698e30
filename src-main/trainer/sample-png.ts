/** Small PNGs for erasure-round samples (greyscale maps, RGB images), via sharp. */
import sharp from 'sharp';
import type { RgbImage } from '@shared/domain/dataset';
import type { SampleReport } from '@shared/trainer-protocol';
import type { ErasureRound } from '../engine/types';

/** A [H*W] map in [0,1] as an 8-bit greyscale PNG. */
export async function greyPng(map: Float32Array, width: number, height: number): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = Buffer.alloc(width * height);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.round(Math.min(1, Math.max(0, map[i] ?? 0)) * 255);
  return new Uint8Array(await sharp(bytes, { raw: { width, height, channels: 1 } }).png().toBuffer());
}

export async function rgbPng(data: Uint8Array, width: number, height: number): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { raw: { width, height, channels: 3 } }).png().toBuffer());
}

/** Resize an RGB image to the rounds' size (the engine works at the training size). */
async function resizedRgbPng(image: RgbImage, width: number, height: number): Promise<Uint8Array<ArrayBuffer>> {
  const src = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  const out = await sharp(src, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { fit: 'fill' })
    .png()
    .toBuffer();
  return new Uint8Array(out);
}

/**
 * The protocol's sample for one image: the image, one cam per class, and the union of the rounds'
 * soft masks with the image erased by it. The adversary probabilities are per foreground class
 * (index 0 = dataset class 1); classes without a round get NaN-free 0.
 */
export async function buildSample(
  step: number,
  imageId: string,
  image: RgbImage,
  rounds: ErasureRound[],
  numForeground: number,
): Promise<SampleReport | null> {
  const first = rounds[0];
  if (!first) return null;
  const { width, height } = first;
  const union = new Float32Array(width * height);
  for (const r of rounds) for (let i = 0; i < union.length; i++) union[i] = Math.max(union[i]!, r.softMask[i] ?? 0);
  // The erased image under the union mask, from the first round's de-normalised erased image and m.
  const erased = new Uint8Array(width * height * 3);
  const base = await sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: 3 },
  })
    .resize(width, height, { fit: 'fill' })
    .raw()
    .toBuffer();
  for (let i = 0; i < union.length; i++) {
    const keep = 1 - union[i]!;
    for (let c = 0; c < 3; c++) erased[i * 3 + c] = Math.round((base[i * 3 + c] ?? 0) * keep);
  }
  const probs = new Array<number>(numForeground).fill(0);
  for (const r of rounds) if (r.classIndex >= 0 && r.classIndex < numForeground) probs[r.classIndex] = r.adversaryProb;
  return {
    type: 'sample',
    step,
    imageId,
    image: await resizedRgbPng(image, width, height),
    cams: await Promise.all(rounds.map(async (r) => ({ classIndex: r.classIndex + 1, png: await greyPng(r.cam, width, height) }))),
    softMask: await greyPng(union, width, height),
    erased: await rgbPng(erased, width, height),
    adversaryProbs: probs,
  };
}

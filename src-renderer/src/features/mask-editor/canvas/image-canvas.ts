/**
 * Turns what an ImageSource returns into a canvas for display and raw RGB for the tools (flood
 * colour limit, superpixels), at the mask's size: encoded pictures are decoded and scaled to it.
 */
import type { RgbImage } from '@shared/domain/dataset';
import type { EditorImage } from '../storage/mask-storage';

export interface LoadedImage {
  canvas: HTMLCanvasElement;
  rgb: RgbImage;
}

export async function loadEditorImage(source: EditorImage, width: number, height: number): Promise<LoadedImage> {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('this browser cannot create a 2D canvas');
  if ('rgb' in source) {
    const { rgb } = source;
    if (rgb.width !== width || rgb.height !== height) throw new Error(`the image is ${rgb.width}×${rgb.height} but its mask is ${width}×${height}`);
    const pixels = new ImageData(width, height);
    for (let i = 0, n = width * height; i < n; i++) {
      pixels.data[4 * i] = rgb.data[3 * i]!;
      pixels.data[4 * i + 1] = rgb.data[3 * i + 1]!;
      pixels.data[4 * i + 2] = rgb.data[3 * i + 2]!;
      pixels.data[4 * i + 3] = 255;
    }
    ctx.putImageData(pixels, 0, 0);
    return { canvas, rgb };
  }
  const blob = new Blob([source.encoded.bytes as Uint8Array<ArrayBuffer>], { type: source.encoded.mime });
  const bitmap = await createImageBitmap(blob);
  try {
    ctx.drawImage(bitmap, 0, 0, width, height);
  } finally {
    bitmap.close();
  }
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0, n = width * height; i < n; i++) {
    data[3 * i] = rgba[4 * i]!;
    data[3 * i + 1] = rgba[4 * i + 1]!;
    data[3 * i + 2] = rgba[4 * i + 2]!;
  }
  return { canvas, rgb: { width, height, data } };
}

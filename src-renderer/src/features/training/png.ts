/** PNG bytes from the trainer → data URLs and decoded pixels, and a jet colour map for cams. */
const urls = new WeakMap<Uint8Array, string>();

export function pngUrl(bytes: Uint8Array): string {
  const cached = urls.get(bytes);
  if (cached) return cached;
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  const url = `data:image/png;base64,${btoa(binary)}`;
  urls.set(bytes, url);
  return url;
}

export async function decodePng(bytes: Uint8Array): Promise<ImageBitmap> {
  return createImageBitmap(new Blob([bytes.slice()], { type: 'image/png' }));
}

/** Jet colour map of v in [0,1]: blue → cyan → yellow → red. */
export function jet(v: number): [number, number, number] {
  const clamp = (x: number): number => Math.max(0, Math.min(1, x));
  return [clamp(1.5 - Math.abs(4 * v - 3)) * 255, clamp(1.5 - Math.abs(4 * v - 2)) * 255, clamp(1.5 - Math.abs(4 * v - 1)) * 255];
}

/** Draws the image with the cam as a jet heatmap on top (alpha grows with the cam value). */
export async function drawCamOverlay(canvas: HTMLCanvasElement, image: Uint8Array, cam: Uint8Array): Promise<void> {
  const [base, heat] = await Promise.all([decodePng(image), decodePng(cam)]);
  canvas.width = base.width;
  canvas.height = base.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.drawImage(heat, 0, 0, base.width, base.height);
  const pixels = ctx.getImageData(0, 0, base.width, base.height);
  const d = pixels.data;
  for (let i = 0; i < d.length; i += 4) {
    const v = d[i]! / 255;
    const [r, g, b] = jet(v);
    d[i] = r;
    d[i + 1] = g;
    d[i + 2] = b;
    d[i + 3] = Math.round(60 + 150 * v);
  }
  const overlay = new OffscreenCanvas(base.width, base.height);
  overlay.getContext('2d')?.putImageData(pixels, 0, 0);
  ctx.clearRect(0, 0, base.width, base.height);
  ctx.drawImage(base, 0, 0);
  ctx.drawImage(overlay, 0, 0);
  base.close();
  heat.close();
}

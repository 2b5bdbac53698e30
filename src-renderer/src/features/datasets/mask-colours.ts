/** Paints a class-index mask into RGBA pixels with the dataset palette (void = 255 drawn light grey). */
export type Palette = readonly (readonly [number, number, number])[];

export const VOID_RGB: readonly [number, number, number] = [224, 224, 192];

export function maskToRgba(mask: Uint8Array, palette: Palette, out = new Uint8ClampedArray(mask.length * 4)): Uint8ClampedArray {
  const lut = new Uint32Array(256);
  const view = new DataView(new ArrayBuffer(4));
  for (let i = 0; i < 256; i++) {
    const [r, g, b] = i === 255 ? VOID_RGB : (palette[i] ?? [255, 0, 255]);
    // Background stays transparent so the image shows through.
    view.setUint8(0, r);
    view.setUint8(1, g);
    view.setUint8(2, b);
    view.setUint8(3, i === 0 ? 0 : 255);
    lut[i] = view.getUint32(0, true);
  }
  const words = new Uint32Array(out.buffer, out.byteOffset, mask.length);
  for (let p = 0; p < mask.length; p++) words[p] = lut[mask[p]!]!;
  return out;
}

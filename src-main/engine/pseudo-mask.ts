/**
 * Pseudo-masks from cams (DESIGN §1): cams at full image size, values below the threshold set to
 * zero, background a constant score of 1e-5, then a per-pixel argmax. Pixels where no cam reached
 * the threshold fall to background. Output values are dataset class indices (0 = background,
 * engine class c → c + 1). Pure TypeScript.
 */

export const BACKGROUND_SCORE = 1e-5;

export interface PseudoMaskCam {
  /** Engine class index (0-based foreground); written as classIndex + 1. */
  classIndex: number;
  /** [height*width] cam in [0,1]. */
  cam: Float32Array;
}

export function pseudoMask(cams: readonly PseudoMaskCam[], width: number, height: number, threshold = 0.3): Uint8Array {
  const size = width * height;
  const mask = new Uint8Array(size);
  for (const { classIndex, cam } of cams) {
    if (cam.length !== size) throw new Error(`cam of class ${classIndex} has ${cam.length} values, expected ${width}×${height}`);
    if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex > 253) throw new Error(`bad class index ${classIndex}`);
  }
  const best = new Float32Array(size).fill(BACKGROUND_SCORE);
  for (const { classIndex, cam } of cams) {
    const label = classIndex + 1;
    for (let i = 0; i < size; i++) {
      const raw = cam[i] as number;
      const score = raw < threshold ? 0 : raw;
      if (score > (best[i] as number)) {
        best[i] = score;
        mask[i] = label;
      }
    }
  }
  return mask;
}

/**
 * Refinement, the pipeline stage between cams and the pseudo-mask rule, as named refiners behind
 * one interface (docs/pseudo-masks.md). A refiner sees one image's cams at the grid size and the
 * image there (the guide), and returns either refined cams (the rule then applies to them as it
 * does to raw cams) or label scores (one plane per label, background first, argmax decides).
 *
 *   none       the cams as they are: the DESIGN §1 rule alone
 *   bilateral  mean-field smoothing with a bilateral kernel over the image (refine.ts); scores
 *   par        pixel-adaptive refinement (AFA / ToCo, par.ts): the cams diffused along the image's
 *              colour affinities, divided by PAR's gain so they threshold like raw cams; cams. PAR
 *              commutes with the threshold, so its cams are computed once per image and reused
 *              for every threshold (the sweep, the preview's slider).
 *
 * Adding a refiner (PAR, the affinity random walk) is one entry in REFINER_NAMES and REFINERS; the
 * settings schema, `eader infer --refine`, the app's picker and the renderer's previews follow.
 * Pure TypeScript, shared by the main side and the renderer.
 */
import { parRefineCams } from './par';
import { DEFAULT_REFINE, meanFieldRefine, type RefineOptions } from './refine';

export const REFINER_NAMES = ['none', 'bilateral', 'par'] as const;
export type RefinerName = (typeof REFINER_NAMES)[number];

export interface RefineInput {
  /** One cam per class in [0,1], each width×height, in the order of `classes`. */
  cams: readonly Float32Array[];
  /** Dataset class index of each cam (≥ 1). */
  classes: readonly number[];
  /** The image at the cams' size, RGB bytes [height,width,3]. */
  guide: Uint8Array;
  width: number;
  height: number;
  /** The rule's threshold (a refiner may use it as the background's level). */
  threshold: number;
  /** Knobs of the bilateral refiner (tests and benches tune them; default DEFAULT_REFINE). */
  bilateral?: RefineOptions;
}

export type Refined =
  /** Refined cams, same shape as the input's; the pseudo-mask rule applies to them. */
  | { kind: 'cams'; cams: readonly Float32Array[] }
  /** Label scores: planes[0] background, planes[k+1] class classes[k]; the argmax is the label. */
  | { kind: 'scores'; planes: readonly Float32Array[] };

export interface Refiner {
  name: RefinerName;
  /** One line for the CLI's help and the app's picker. */
  summary: string;
  /** Its result does not depend on `threshold`: it may be computed once per image and reused for every threshold. */
  thresholdFree: boolean;
  refine(input: RefineInput, rule: (cams: readonly Float32Array[]) => Uint8Array): Refined;
}

export const REFINERS: Record<RefinerName, Refiner> = {
  none: {
    name: 'none',
    summary: 'no refinement: the threshold rule on the cams',
    thresholdFree: true,
    refine: (input) => ({ kind: 'cams', cams: input.cams }),
  },
  bilateral: {
    name: 'bilateral',
    summary: 'dense-CRF-style mean-field smoothing with a bilateral kernel: boundaries follow the image',
    thresholdFree: false,
    refine(input, rule) {
      // Only the classes the plain rule put somewhere may appear: refinement never adds a class.
      const present = new Set(rule(input.cams));
      const keep = input.classes.map((c) => present.has(c));
      return { kind: 'scores', planes: meanFieldRefine(input.cams, input.guide, input.width, input.height, input.threshold, keep, input.bilateral ?? DEFAULT_REFINE) };
    },
  },
  par: {
    name: 'par',
    summary: 'pixel-adaptive refinement (PAR, AFA/ToCo): the cams spread along the image’s colour edges, at the cams’ size; the best default for cams from scratch',
    thresholdFree: true,
    refine(input) {
      // The image's own classes only (the cams given), each refined inside the grid: PAR never adds a class.
      return { kind: 'cams', cams: parRefineCams(input.cams, input.guide, input.width, input.height) };
    },
  },
};

export function isRefinerName(value: unknown): value is RefinerName {
  return typeof value === 'string' && (REFINER_NAMES as readonly string[]).includes(value);
}

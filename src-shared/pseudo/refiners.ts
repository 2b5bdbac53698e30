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
 *   rw         the affinity random walk over the affinity head's embedding (../affinity/random-walk.ts); scores
 *              at the walk's grid. It needs the embedding in the input (a run with a trained head,
 *              `eader refine`); without one it throws, and the callers that know the run say which.
 *
 * Adding a refiner (PAR, the affinity random walk) is one entry in REFINER_NAMES and REFINERS; the
 * settings schema, `eader infer --refine`, the app's picker and the renderer's previews follow.
 * Pure TypeScript, shared by the main side and the renderer.
 */
import { parRefine, parRefineCams } from './par';
import { resizePlanes } from './cam-grid';
import { DEFAULT_REFINE, meanFieldRefine, type RefineOptions } from './refine';
import { WALK_DEFAULTS, transitionFromEmbedding, walkedMaps, type AffinityEmbedding, type WalkOptions } from '../affinity/random-walk';

export const REFINER_NAMES = ['none', 'bilateral', 'par', 'rw'] as const;
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
  /** The affinity head's embedding of the image (the `rw` refiner needs it; null: the run has no head). */
  embedding?: AffinityEmbedding | null;
  /** Knobs of the random walk (default WALK_DEFAULTS). */
  walk?: WalkOptions;
}

/** What the `rw` refiner throws without an embedding; callers that know the run name it and `eader refine`. */
export const NO_AFFINITY_HEAD = 'the rw refiner needs the affinity head of the run: train it with `eader refine --run RUN --dataset DATASET`';

export type Refined =
  /** Refined cams, same shape as the input's; the pseudo-mask rule applies to them. */
  | { kind: 'cams'; cams: readonly Float32Array[] }
  /** Label scores: planes[0] background, planes[k+1] class classes[k]; the argmax is the label. `size`: the planes' size when it is not the cams' (the walk's grid). */
  | { kind: 'scores'; planes: readonly Float32Array[]; size?: { width: number; height: number } };

export interface Refiner {
  name: RefinerName;
  /** One line for the CLI's help and the app's picker. */
  summary: string;
  /** Its result does not depend on `threshold`: it may be computed once per image and reused for every threshold. */
  thresholdFree: boolean;
  /** Cheap enough per threshold to take part in the threshold sweep (the bilateral refiner is not). */
  inSweep: boolean;
  /** Reads the guide image (the picture at grid size); the cam cache makes it from the dataset only for these. */
  needsGuide: boolean;
  refine(input: RefineInput, rule: (cams: readonly Float32Array[]) => Uint8Array): Refined;
  /**
   * A segmenter's prediction refined (DeepLab's post-processing step): its probability planes,
   * background first, each width×height, and the guide image at that size → refined planes whose
   * argmax is the label. Absent: the refiner has nothing to add to a prediction (it is rendered by
   * the network's own argmax).
   */
  refinePrediction?(planes: readonly Float32Array[], guide: Uint8Array, width: number, height: number): Float32Array[];
}

/**
 * The walk does not depend on the threshold (only the background score does), so each image's
 * walked maps are kept with its embedding: the threshold slider and the sweep walk once per image.
 * An embedding belongs to one cam record, whose cams never change.
 */
const walkMemo = new WeakMap<AffinityEmbedding, Map<string, Float32Array[]>>();

function walkOnce(input: RefineInput, embedding: AffinityEmbedding, options: WalkOptions): Float32Array[] {
  const key = `${options.radius}/${options.beta}/${options.steps}/${input.width}x${input.height}/${input.classes.join(',')}`;
  let byOptions = walkMemo.get(embedding);
  if (!byOptions) walkMemo.set(embedding, (byOptions = new Map()));
  let maps = byOptions.get(key);
  if (!maps) {
    const atGrid = resizePlanes(input.cams, input.width, input.height, embedding.width, embedding.height); // K × [h*w] at the walk grid
    maps = walkedMaps(transitionFromEmbedding(embedding, options.radius, options.beta), atGrid, options.steps);
    byOptions.set(key, maps);
  }
  return maps;
}

export const REFINERS: Record<RefinerName, Refiner> = {
  none: {
    name: 'none',
    summary: 'no refinement: the threshold rule on the cams',
    thresholdFree: true,
    inSweep: true,
    needsGuide: false,
    refine: (input) => ({ kind: 'cams', cams: input.cams }),
  },
  bilateral: {
    name: 'bilateral',
    summary: 'dense-CRF-style mean-field smoothing with a bilateral kernel: boundaries follow the image',
    thresholdFree: false,
    inSweep: false,
    needsGuide: true,
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
    inSweep: true,
    needsGuide: true,
    refine(input) {
      // The image's own classes only (the cams given), each refined inside the grid: PAR never adds a class.
      return { kind: 'cams', cams: parRefineCams(input.cams, input.guide, input.width, input.height) };
    },
    // Every plane, background too, diffused along the image's colours: PAR is linear with one gain for all planes, so the argmax needs no rescaling.
    refinePrediction: (planes, guide, width, height) => parRefine(planes, guide, width, height),
  },
  rw: {
    name: 'rw',
    summary: 'affinity random walk (IRN): cams spread along the affinity head\'s learned affinities (needs `eader refine`)',
    thresholdFree: false, // its background's score is the threshold
    inSweep: true, // the walk is done once per image (walkOnce) and reused for every threshold
    needsGuide: false,
    refine(input) {
      const embedding = input.embedding;
      if (!embedding) throw new Error(NO_AFFINITY_HEAD);
      const { width, height } = embedding;
      const walked = walkOnce(input, embedding, input.walk ?? WALK_DEFAULTS);
      // The background's score is the rule's threshold (IRN's sem_seg_bg_thres, 0.25 in its paper).
      return { kind: 'scores', planes: [new Float32Array(width * height).fill(input.threshold), ...walked], size: { width, height } };
    },
  },
};

export function isRefinerName(value: unknown): value is RefinerName {
  return typeof value === 'string' && (REFINER_NAMES as readonly string[]).includes(value);
}

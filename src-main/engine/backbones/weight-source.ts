/**
 * What a weights file offers the engine, as plain data: named tensors that read themselves as
 * float32 on demand. The engine reads no weight file formats itself; src-main/weights/ opens .pth,
 * .safetensors and tfjs files into this shape, and EaderModel.create takes an opener for it.
 */

/** The element types weight files use. Integer tensors (e.g. `num_batches_tracked`) never load into a network. */
export type WeightDtype = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

export interface SourceTensor {
  /** The name in the file, e.g. `layer1.0.conv1.weight` or `module.conv1.weight`. */
  readonly name: string;
  readonly dtype: WeightDtype;
  /** In the file's own layout (see WeightSource.layout). */
  readonly shape: readonly number[];
  /** The values in C order as float32 (float16/bfloat16/float64 converted); throws for integer tensors. */
  read(): Promise<Float32Array>;
}

/**
 * `layout` says how kernels are laid out:
 *  - 'torch': conv [out,in,kh,kw] (OIHW), dense [out,in] — a PyTorch state_dict;
 *  - 'tfjs': conv [kh,kw,in,out] (HWIO), dense [in,out] — the engine's own (the weights store);
 *  - 'auto': decided per tensor by comparing shapes (tfjs manifests of unknown origin).
 */
export type WeightLayout = 'torch' | 'tfjs' | 'auto';

export interface WeightSource {
  /** For messages: the file (or store entry) the tensors come from. */
  readonly file: string;
  readonly layout: WeightLayout;
  readonly tensors: readonly SourceTensor[];
  /** Releases the file (EaderModel.create calls it once the weights are assigned). */
  close?(): Promise<void>;
}

/** Opens a weights reference (a file path or a store name) as a WeightSource. */
export type WeightsOpener = (ref: string) => Promise<WeightSource>;

import { DEFAULT_PUE } from '@ridgeline/model';
import { AXES, CHIP, HEADER, IMAGE_VERSION, MODEL, WHERE_STRIDE, type Axis } from './descriptors.ts';

/** A Pareto objective or top-k key as the kernel sees it: an output slot and +1 (min) or −1 (max). */
export interface SlotKey {
  readonly slot: number;
  readonly sign: 1 | -1;
}

/** A histogram as the kernel sees it: an output slot and increasing bin edges (bins + 1 of them). */
export interface SlotHistogram {
  readonly slot: number;
  readonly edges: readonly number[];
}

/** A filter as the kernel sees it: an output slot and inclusive bounds (±Infinity where absent). */
export interface SlotFilter {
  readonly slot: number;
  readonly min: number;
  readonly max: number;
}

/** Everything the kernel reads: descriptors, axis values (numeric codes) and reducer settings. */
export interface ImageInput {
  readonly models: readonly Float64Array[];
  readonly chips: readonly Float64Array[];
  /** Values per axis (model and hardware as table indices, precisions and sharding as codes). Empty for explicit configurations. */
  readonly axes: Readonly<Record<Axis, readonly number[]>>;
  /** The `chips` axis holds DP; chips = TP·PP·DP. */
  readonly dpMode: boolean;
  /** Compute minChipsToFit for capacity-infeasible configurations in `rows` (slow; for full rows). */
  readonly minChips: boolean;
  readonly pareto: readonly SlotKey[];
  readonly top: (SlotKey & { readonly k: number }) | null;
  readonly histograms: readonly SlotHistogram[];
  /** Filters a feasible configuration must meet to reach the reducers (default none). */
  readonly where?: readonly SlotFilter[];
  /** `groupByCode` of the reducers' grouping (default 0): only the fingerprint reads it. */
  readonly groupBy?: number;
  /**
   * A training sweep: the values of each of TRAINING_SWEEP_AXES, in that order (`axes` is then ignored;
   * give NO_AXES). The outputs are then TRAINING_OUTPUTS and reducer slots index them.
   */
  readonly training?: readonly (readonly number[])[];
  /**
   * Axes given per model: one record per value of `axes.model`, in its order, each that model's
   * values of every axis (its own `model` axis ignored). Each model's configurations are the product
   * of its axes' lengths, and the models' index ranges follow each other. Absent: one grid, `axes`.
   */
  readonly modelAxes?: readonly Readonly<Record<Axis, readonly number[]>>[];
  /**
   * PUE, facility ÷ IT power, of the node and facility outputs (default DEFAULT_PUE, as
   * `estimateInference`'s). Explicit configuration records carry their own.
   */
  readonly pue?: number;
}

/** An image with no axes, for explicit configurations only. */
export const NO_AXES: Readonly<Record<Axis, readonly number[]>> = Object.fromEntries(AXES.map((a) => [a, []])) as unknown as Readonly<
  Record<Axis, readonly number[]>
>;

/**
 * Lays out the setup image the kernel's `init` reads (assembly/kernel.ts): the header, every axis'
 * values, the model and chip descriptors, the histogram specs, then the filters.
 *
 * @example
 * const image = buildImage({ models: [flattenModel(m)], chips: [flattenChip(c)], axes, dpMode: false,
 *   minChips: false, pareto: [], top: null, histograms: [] });
 */
export function buildImage(input: ImageInput): Float64Array {
  if (input.pareto.length !== 0 && input.pareto.length !== 2 && input.pareto.length !== 3) {
    throw new RangeError(`a Pareto frontier needs 2 or 3 objectives, got ${input.pareto.length}`);
  }
  const axisValues = input.training ?? AXES.map((a) => input.axes[a]);
  const histogramSlots = input.histograms.reduce((n, h) => n + h.edges.length + 2, 0);
  const where = input.where ?? [];
  const modelAxes = input.training === undefined ? input.modelAxes : undefined;
  if (modelAxes !== undefined && modelAxes.length !== input.axes.model.length) {
    throw new RangeError(`modelAxes needs one record per model of the model axis (${input.axes.model.length}), got ${modelAxes.length}`);
  }
  const inner = AXES.filter((a) => a !== 'model');
  const perModelSlots = (modelAxes ?? []).reduce((n, axes) => n + AXES.length + inner.reduce((k, a) => k + axes[a].length, 0), 0);
  const length =
    HEADER.slots +
    axisValues.reduce((n, values) => n + values.length, 0) +
    input.models.length * MODEL.stride +
    input.chips.length * CHIP.stride +
    histogramSlots +
    where.length * WHERE_STRIDE +
    perModelSlots;
  const image = new Float64Array(length);
  image[HEADER.version] = IMAGE_VERSION;
  image[HEADER.models] = input.models.length;
  image[HEADER.chips] = input.chips.length;
  image[HEADER.dpMode] = input.dpMode ? 1 : 0;
  image[HEADER.minChips] = input.minChips ? 1 : 0;
  image[HEADER.paretoN] = input.pareto.length;
  input.pareto.forEach((key, i) => {
    image[HEADER.paretoSlot + i] = key.slot;
    image[HEADER.paretoSign + i] = key.sign;
  });
  if (input.top !== null) {
    image[HEADER.topK] = input.top.k;
    image[HEADER.topSlot] = input.top.slot;
    image[HEADER.topSign] = input.top.sign;
  }
  image[HEADER.histograms] = input.histograms.length;
  image[HEADER.mode] = input.training === undefined ? 0 : 1;
  image[HEADER.where] = where.length;
  image[HEADER.groupBy] = input.groupBy ?? 0;
  image[HEADER.pue] = input.pue ?? DEFAULT_PUE;
  let p = HEADER.slots;
  axisValues.forEach((values, a) => {
    image[HEADER.axisLengths + a] = values.length;
    image.set(values, p);
    p += values.length;
  });
  for (const m of input.models) {
    image.set(m, p);
    p += MODEL.stride;
  }
  for (const c of input.chips) {
    image.set(c, p);
    p += CHIP.stride;
  }
  for (const hist of input.histograms) {
    image[p] = hist.slot;
    image[p + 1] = hist.edges.length - 1;
    image.set(hist.edges, p + 2);
    p += hist.edges.length + 2;
  }
  for (const w of where) {
    image.set([w.slot, w.min, w.max], p);
    p += WHERE_STRIDE;
  }
  if (modelAxes !== undefined) {
    image[HEADER.perModel] = p;
    for (const axes of modelAxes) {
      AXES.forEach((a, i) => {
        image[p + i] = a === 'model' ? 1 : axes[a].length;
      });
      p += AXES.length;
      for (const a of inner) {
        image.set(axes[a], p);
        p += axes[a].length;
      }
    }
  }
  return image;
}

/**
 * A short, stable fingerprint of an image (FNV-1a, 64-bit, hex): two shard outputs merge only
 * when their images — descriptors, axes and reducers — are the same.
 *
 * @example
 * fingerprint(image); // 'c0ffee…'
 */
export function fingerprint(image: Float64Array): string {
  const bytes = new Uint8Array(image.buffer, image.byteOffset, image.byteLength);
  let hash = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  const mask = 0xffffffffffffffffn;
  // 32-bit lanes keep BigInt work small: fold 4 bytes at a time.
  for (let i = 0; i < bytes.length; i += 4) {
    const word = (bytes[i] ?? 0) | ((bytes[i + 1] ?? 0) << 8) | ((bytes[i + 2] ?? 0) << 16) | ((bytes[i + 3] ?? 0) << 24);
    hash = ((hash ^ BigInt(word >>> 0)) * prime) & mask;
  }
  return hash.toString(16).padStart(16, '0');
}

import { formatBytes } from '@ridgeline/format';
import { PRECISION_BYTES, type ChipSpec, type Precision } from '@ridgeline/hardware';
import { shardLayout, type ModelSpec } from '@ridgeline/model';
import { UserError } from './errors.ts';

/** The smallest share of one transformer layer's weights any layout can put on one chip. */
export interface LayerShard {
  /** Bytes of weights. */
  readonly bytes: number;
  /** The TP degree that gives it: the number of attention heads, the largest TP that divides them. */
  readonly tp: number;
}

/**
 * The least weight memory one chip needs for one transformer layer, over every layout: TP = h (the
 * largest TP, since TP must divide the heads), experts spread one per chip when that is smaller,
 * and the lighter of the dense and MoE layers. Pipeline stages hold at least one layer, so a chip
 * whose usable memory is below this can hold no layout of the model, whatever the chip count.
 * KV cache, activations and embeddings only add to it.
 *
 * @example
 * smallestLayerShard(llama70b, 'bf16'); // { bytes: ≈ 30.4e6, tp: 64 }
 */
export function smallestLayerShard(model: ModelSpec, weights: Precision): LayerShard {
  const tp = model.heads;
  const layout = shardLayout(model, tp, 1);
  const attention = layout.qkvParamsPerChip + layout.outParamsPerChip;
  const layers: number[] = [];
  const moe = model.moe;
  if (moe === undefined || moe.denseLayers > 0) layers.push(attention + layout.ffnParamsPerChip);
  if (moe !== undefined && moe.denseLayers < model.layers) {
    const sliced = layout.expertsPerChip * layout.expertParamsPerChip;
    const onePerChip = shardLayout(model, tp, moe.experts).expertParamsPerChip;
    layers.push(attention + Math.min(sliced, onePerChip) + layout.sharedExpertParamsPerChip + layout.routerParamsPerChip);
  }
  return { bytes: Math.min(...layers) * PRECISION_BYTES[weights], tp };
}

/**
 * Throws `UserError` when `chip` cannot hold even one layer of `model` (see `smallestLayerShard`):
 * no layout can ever fit, so the usual "needs N chips" advice would be wrong.
 *
 * @example
 * assertHoldsOneLayer(tinyChip, llama70b, 'bf16');
 * // throws: chip "tiny-x1" holds 10.0 MB usable, less than one layer of llama-3.1-70b (30.4 MB of bf16 weights at TP 64): …
 */
export function assertHoldsOneLayer(chip: ChipSpec, model: ModelSpec, weights: Precision): void {
  const usable = chip.memory.capacityBytes.value * chip.memory.usableFraction.value;
  const layer = smallestLayerShard(model, weights);
  if (usable >= layer.bytes) return;
  throw new UserError(
    `chip "${chip.id}" holds ${formatBytes(usable)} usable, less than one layer of ${model.id} (${formatBytes(layer.bytes)} of ${weights} weights at TP ${layer.tp}): no layout can fit; use a chip with more memory, or lower-precision weights`,
  );
}

import { PRECISION_BYTES, type ChipSpec } from '@ridgeline/hardware';
import { meanCachedTokens, shardLayout, type ShardLayout } from './layout.ts';
import { drafterMemory } from './speculative.ts';
import type { AttentionSharding, MemoryBreakdown, ModelSpec, PrecisionConfig, SpeculativeMode } from './types.ts';

/**
 * Prefill runs chunk by chunk, so the activation workspace holds at most this many tokens at once;
 * also the default token budget C of a continuous-batching iteration (`chunkTokens`). TensorRT-LLM's
 * `max_num_tokens`, vLLM's `max_num_batched_tokens` and SGLang's `chunked_prefill_size` on large
 * GPUs default to 8192.
 */
export const PREFILL_CHUNK_TOKENS = 8192;

export interface MemoryInputs {
  readonly model: ModelSpec;
  readonly chip: ChipSpec;
  readonly tp: number;
  readonly pp: number;
  readonly ep: number;
  readonly batch: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly precision: PrecisionConfig;
  readonly attentionSharding?: AttentionSharding;
  /** Tokens one forward pass runs at most (the chunk budget C); default PREFILL_CHUNK_TOKENS. */
  readonly chunkTokens?: number;
  /**
   * Speculative decoding's drafter (docs/MODEL.md §7): its weights and KV cache join the fullest
   * chip's, and each sequence verifies `verifyTokens` = γ + 1 tokens per step.
   */
  readonly drafter?: { readonly model: ModelSpec; readonly mode: SpeculativeMode; readonly verifyTokens: number };
}

/**
 * Memory of the fullest chip (MODEL.md §4, capacity): weight shard + KV shard at the end of
 * generation (`S_in + S_out` cached tokens, window-capped) + activation workspace, against the
 * usable capacity `M · usableFraction`.
 *
 * @example
 * memoryPerChip({ model: llama70b, chip: h100, tp: 8, pp: 1, ep: 1, batch: 1, inputTokens: 2048,
 *   outputTokens: 256, precision: { weights: 'bf16', kvCache: 'bf16', activations: 'bf16' } }).weights;
 * // ≈ 70.6e9 · 2 / 8 ≈ 17.6e9 bytes
 */
/**
 * Parameters held by the fullest chip: its stage's share of every layer kind, plus the embedding and
 * LM head (vocabulary-parallel over TP) — both on the one stage without PP, the head on the last with PP.
 */
export function weightParamsPerChip(model: ModelSpec, layout: ShardLayout, pp: number): number {
  const moe = model.moe;
  const stageLayers = model.layers / pp;
  const denseLayers = (moe === undefined ? model.layers : moe.denseLayers) / pp;
  const moeLayers = stageLayers - denseLayers;
  const heads =
    pp === 1 && model.tiedEmbeddings
      ? layout.embeddingParamsPerChip
      : pp === 1
        ? layout.embeddingParamsPerChip + layout.lmHeadParamsPerChip
        : layout.lmHeadParamsPerChip;
  return (
    stageLayers * (layout.qkvParamsPerChip + layout.outParamsPerChip) +
    denseLayers * layout.ffnParamsPerChip +
    moeLayers * (layout.expertsPerChip * layout.expertParamsPerChip + layout.sharedExpertParamsPerChip + layout.routerParamsPerChip) +
    heads
  );
}

export function memoryPerChip(inputs: MemoryInputs): MemoryBreakdown {
  const { model, chip, tp, pp, ep, batch, precision } = inputs;
  const layout = shardLayout(model, tp, ep);
  const moe = model.moe;
  const stageLayers = model.layers / pp;
  const weightParams = weightParamsPerChip(model, layout, pp);
  const weights = weightParams * PRECISION_BYTES[precision.weights];

  const cachedTokens = meanCachedTokens(model, inputs.inputTokens + inputs.outputTokens);
  const kvPerChip =
    inputs.attentionSharding === 'batch' && tp > 1 ? layout.kvElementsPerToken / tp : layout.kvElementsPerTokenPerChip;
  const kvCache = batch * cachedTokens * stageLayers * kvPerChip * PRECISION_BYTES[precision.kvCache];

  const d = model.hiddenSize;
  const moeWidth = moe === undefined ? 0 : (moe.activeExperts * 2 * moe.expertHiddenSize) / tp;
  const widthPerToken = Math.max(d + layout.qkvOutWidthPerChip, d + layout.ffnInnerWidthPerChip, d + moeWidth);
  const workspaceTokens = Math.max(Math.min(batch * inputs.inputTokens, inputs.chunkTokens ?? PREFILL_CHUNK_TOKENS), batch * (inputs.drafter?.verifyTokens ?? 1));
  // Logits are kept in fp32 for sampling.
  const logits = batch * (model.vocabSize / tp) * 4;
  const activations = workspaceTokens * widthPerToken * PRECISION_BYTES[precision.activations] + logits;

  const capacity = chip.memory.capacityBytes.value * chip.memory.usableFraction.value;
  if (inputs.drafter !== undefined) {
    const { model: drafter, mode } = inputs.drafter;
    const extra = drafterMemory(drafter, mode, tp, ep, batch, inputs.inputTokens + inputs.outputTokens, precision);
    const allWeights = weights + extra.weights;
    const allKv = kvCache + extra.kvCache;
    return { weights: allWeights, kvCache: allKv, activations, total: allWeights + allKv + activations, capacity };
  }
  return { weights, kvCache, activations, total: weights + kvCache + activations, capacity };
}

function divisors(n: number): number[] {
  const out: number[] = [];
  for (let i = 1; i <= n; i++) if (n % i === 0) out.push(i);
  return out;
}

/**
 * The smallest TP·PP (one replica, TP dividing h, PP dividing L, EP kept when it still divides)
 * whose fullest chip holds the configuration; null when even TP = h, PP = L does not fit.
 */
export function minChipsToFit(inputs: Omit<MemoryInputs, 'tp' | 'pp'>): number | null {
  let best: number | null = null;
  for (const tp of divisors(inputs.model.heads)) {
    for (const pp of divisors(inputs.model.layers)) {
      const chips = tp * pp;
      if (best !== null && chips >= best) continue;
      const ep = inputs.ep === tp ? inputs.ep : 1;
      const m = memoryPerChip({ ...inputs, tp, pp, ep });
      if (m.total <= m.capacity) best = chips;
    }
  }
  return best;
}

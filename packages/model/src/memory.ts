import { PRECISION_BYTES, type ChipSpec } from '@ridgeline/hardware';
import {
  dataParallelAttentionImbalance,
  defaultRedundantExperts,
  meanCachedTokens,
  shardLayout,
  slowestStageLayers,
  type ShardLayout,
  type StageLayers,
  weightBytes,
} from './layout.ts';
import { divisors } from './divisors.ts';
import { steadyState } from './serving.ts';
import { drafterMemory } from './speculative.ts';
import type { AttentionSharding, MemoryBreakdown, ModelSpec, PrecisionConfig, Schedule, SpeculativeMode } from './types.ts';

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
  /** The serving schedule, which sets the activation workspace (`workspaceTokens`); default continuous. */
  readonly schedule?: Schedule;
  /** C: the iteration's token budget, and the static prefill's chunk; default PREFILL_CHUNK_TOKENS. */
  readonly chunkTokens?: number;
  /** R: redundant expert slots; default ⌈E/EP⌉·EP − E. */
  readonly redundantExperts?: number;
  /**
   * Speculative decoding's drafter (docs/MODEL.md §7): its weights and KV cache join the fullest
   * chip's, and each sequence verifies `verifyTokens` = γ + 1 tokens per step.
   */
  readonly drafter?: { readonly model: ModelSpec; readonly mode: SpeculativeMode; readonly verifyTokens: number; readonly expectedTokens?: number };
  /**
   * A disaggregated decode worker (docs/MODEL.md §8): no prompt chunks, so the workspace holds one
   * micro-batch of the batch's verified tokens, g·B/p.
   */
  readonly decodeOnly?: boolean;
}

/**
 * Parameters held by the fullest chip: its stage's layers of every kind (`stage`, by default the
 * slowest inference stage, ⌈L/p⌉ layers), plus the embedding and LM head (vocabulary-parallel over
 * TP) — both on the one stage without PP, the head on the costed (last) stage with PP.
 */
export function weightParamsPerChip(model: ModelSpec, layout: ShardLayout, pp: number, stage: StageLayers = slowestStageLayers(model, pp)): number {
  const heads =
    pp === 1 && model.tiedEmbeddings
      ? layout.embeddingParamsPerChip
      : pp === 1
        ? layout.embeddingParamsPerChip + layout.lmHeadParamsPerChip
        : layout.lmHeadParamsPerChip;
  return (
    stage.layers * (layout.qkvParamsPerChip + layout.outParamsPerChip) +
    stage.denseLayers * layout.ffnParamsPerChip +
    stage.moeLayers * (layout.expertsPerChip * layout.expertParamsPerChip + layout.sharedExpertParamsPerChip + layout.routerParamsPerChip) +
    heads
  );
}

/**
 * Tokens the activation workspace holds: one forward pass's tokens through a stage (MODEL.md §4).
 * - Static: the batch's prompts, prefilled in chunks of at most C tokens, `max(min(B·S_in, C), B)`.
 * - Continuous: the largest iteration of the steady state (§6), one of its p micro-batches: `C/p`
 *   when the budget binds, else `(D + max(P, S_in/k))/p` — the decode tokens beside a prompt's own
 *   chunk (the iterations that set TTFT) or beside the average prompt tokens, whichever is more.
 *
 * @example
 * // continuous, B = 6, S_in = 2048, S_out = 256, C = 8192, p = 10: D = 6·255/256, k = 1: (5.98 + 2048)/10 ≈ 205
 * workspaceTokens(6, 2048, 256, 8192, 10, 'continuous');
 */
export function workspaceTokens(
  batch: number,
  inputTokens: number,
  outputTokens: number,
  chunkTokens: number,
  pp: number,
  schedule: Schedule,
  speculation: { readonly verifyTokens: number; readonly expectedTokens?: number } = { verifyTokens: 1 },
): number {
  // Speculating, each decoding sequence puts g = γ + 1 verified tokens through the pass (docs/MODEL.md §7).
  const g = speculation.verifyTokens;
  if (schedule === 'static') return Math.max(Math.min(batch * inputTokens, chunkTokens), batch * g);
  const state = steadyState(batch, inputTokens, outputTokens, chunkTokens, { verifyTokens: g, expectedTokens: speculation.expectedTokens ?? 1 });
  if (state.budgetBinds) return chunkTokens / pp;
  return (g * state.decodeTokens + Math.max(state.promptTokens, inputTokens / state.chunksPerPrompt)) / pp;
}

/**
 * What the fullest chip's weights, KV cache and activations may fill, bytes (docs/MODEL.md §4,
 * "KV cache budget"): `M · usableFraction`, shared by all three (vLLM's `gpu_memory_utilization`);
 * or, when the chip's serving stack sizes its KV cache from the memory left free
 * (`efficiency.kvCacheBudget`, TensorRT-LLM's `free_gpu_memory_fraction`), the weights and
 * activations plus `f · (M − R − W − A)`, the runtime's own `R` taken out first. When the weights
 * and activations exceed `M − R`, that is the capacity, and they do not fit.
 *
 * @example
 * // Llama 3.1 70B FP8 on one H100 (M = 85.52e9 B): W = 70.6e9, A = 2e9; TensorRT-LLM's f = 0.9, R = 943 MiB
 * memoryCapacityFor(h100Trtllm, 70.6e9, 2e9); // 72.6e9 + 0.9 · (85.52e9 − 0.99e9 − 72.6e9) ≈ 83.3e9
 */
export function memoryCapacityFor(chip: ChipSpec, weights: number, activations: number): number {
  const budget = chip.efficiency.kvCacheBudget;
  if (budget === undefined) return chip.memory.capacityBytes.value * chip.memory.usableFraction.value;
  const free = chip.memory.capacityBytes.value - budget.reservedBytes.value - weights - activations;
  // weights and activations beyond what the runtime leaves: that is all there is (and they exceed it)
  return free >= 0 ? weights + activations + budget.fraction.value * free : chip.memory.capacityBytes.value - budget.reservedBytes.value;
}

/**
 * Memory of the fullest chip (MODEL.md §4, capacity): weight shard + KV shard at the end of
 * generation (`S_in + S_out` cached tokens, window-capped) of the slowest stage's ⌈L/p⌉ layers +
 * activation workspace (`workspaceTokens`), against what they may fill (`memoryCapacityFor`).
 * With data-parallel attention the chip holds all the attention weights, the KV cache of its own
 * ⌈B/TP⌉ sequences with every KV head, and a workspace for the larger of its attention (its own
 * share of the tokens, full width) and the sharded FFN (every chip's tokens, gathered).
 *
 * @example
 * memoryPerChip({ model: llama70b, chip: h100, tp: 8, pp: 1, ep: 1, batch: 1, inputTokens: 2048,
 *   outputTokens: 256, precision: { weights: 'bf16', kvCache: 'bf16', activations: 'bf16' } }).weights;
 * // ≈ 70.6e9 · 2 / 8 ≈ 17.6e9 bytes
 */
export function memoryPerChip(inputs: MemoryInputs): MemoryBreakdown {
  const { model, chip, tp, pp, ep, batch, precision } = inputs;
  const dpAttention = inputs.attentionSharding === 'dp';
  const layout = shardLayout(model, tp, ep, inputs.redundantExperts ?? defaultRedundantExperts(model, ep), dpAttention ? 1 : tp);
  const moe = model.moe;
  const stage = slowestStageLayers(model, pp);
  const weightParams = weightParamsPerChip(model, layout, pp, stage);
  const weights = weightBytes(weightParams, stage.layers * (layout.qkvParamsPerChip + layout.outParamsPerChip), precision);

  const cachedTokens = meanCachedTokens(model, inputs.inputTokens + inputs.outputTokens);
  const kvPerChip =
    inputs.attentionSharding === 'batch' && tp > 1 ? layout.kvElementsPerToken / tp : layout.kvElementsPerTokenPerChip;
  const sequences = dpAttention ? Math.ceil(batch / tp) : batch;
  const kvCache = sequences * cachedTokens * stage.layers * kvPerChip * PRECISION_BYTES[precision.kvCache];

  const d = model.hiddenSize;
  const moeWidth = moe === undefined ? 0 : (moe.activeExperts * 2 * moe.expertHiddenSize) / tp;
  const widthPerToken = Math.max(d + layout.qkvOutWidthPerChip, d + layout.ffnInnerWidthPerChip, d + moeWidth);
  const tokens =
    inputs.decodeOnly === true
      ? ((inputs.drafter?.verifyTokens ?? 1) * batch) / pp
      : workspaceTokens(batch, inputs.inputTokens, inputs.outputTokens, inputs.chunkTokens ?? PREFILL_CHUNK_TOKENS, pp, inputs.schedule ?? 'continuous', inputs.drafter);
  // Logits are kept in fp32 for sampling.
  const logits = batch * (model.vocabSize / tp) * 4;
  let activations: number;
  if (dpAttention) {
    // the chip's own share of the tokens through attention; the group's, every part as large as
    // the busiest's, gathered through the sharded FFN or experts
    const own = (tokens / tp) * dataParallelAttentionImbalance(batch, tp);
    const attention = own * (d + layout.qkvOutWidthPerChip);
    const sharded = tp * own * Math.max(d + layout.ffnInnerWidthPerChip, d + moeWidth);
    activations = Math.max(attention, sharded) * PRECISION_BYTES[precision.activations] + logits;
  } else activations = tokens * widthPerToken * PRECISION_BYTES[precision.activations] + logits;

  if (inputs.drafter !== undefined) {
    const { model: drafter, mode } = inputs.drafter;
    const extra = drafterMemory(drafter, mode, tp, ep, sequences, inputs.inputTokens + inputs.outputTokens, precision, inputs.redundantExperts ?? defaultRedundantExperts(model, ep), dpAttention ? 1 : tp);
    const allWeights = weights + extra.weights;
    const allKv = kvCache + extra.kvCache;
    return { weights: allWeights, kvCache: allKv, activations, total: allWeights + allKv + activations, capacity: memoryCapacityFor(chip, allWeights, activations) };
  }
  return { weights, kvCache, activations, total: weights + kvCache + activations, capacity: memoryCapacityFor(chip, weights, activations) };
}

/**
 * The smallest TP·PP (one replica: TP dividing h, PP dividing L, EP and its redundant experts kept
 * when EP = TP, else EP 1) whose fullest chip holds the configuration; null when even TP = h,
 * PP = L does not fit. PP could be uneven, but the answer names an even layout, the one a
 * deployment (and the web app's layout picker) would pick; an uneven one may fit in fewer chips.
 * The attention sharding is kept: with data-parallel attention TP need not divide h, but the
 * search stays over the same layouts (more TP ways only spread the KV cache and the FFN thinner).
 */
export function minChipsToFit(inputs: Omit<MemoryInputs, 'tp' | 'pp'>): number | null {
  const layout = smallestLayoutToFit(inputs);
  return layout === null ? null : layout.tp * layout.pp;
}

/**
 * The layout `minChipsToFit` counts: the first TP·PP (TP ascending, then PP) with the fewest chips
 * whose fullest chip holds the configuration, so an explanation can name it; null when none does.
 *
 * @example
 * smallestLayoutToFit({ ...inputs }); // { tp: 32, pp: 8 }
 */
export function smallestLayoutToFit(inputs: Omit<MemoryInputs, 'tp' | 'pp'>): { readonly tp: number; readonly pp: number } | null {
  let best: { tp: number; pp: number } | null = null;
  for (const tp of divisors(inputs.model.heads)) {
    for (const pp of divisors(inputs.model.layers)) {
      const chips = tp * pp;
      if (best !== null && chips >= best.tp * best.pp) continue;
      const keepEp = inputs.ep === tp;
      const redundantExperts = keepEp ? (inputs.redundantExperts ?? defaultRedundantExperts(inputs.model, inputs.ep)) : 0;
      const m = memoryPerChip({ ...inputs, tp, pp, ep: keepEp ? inputs.ep : 1, redundantExperts });
      if (m.total <= m.capacity) best = { tp, pp };
    }
  }
  return best;
}

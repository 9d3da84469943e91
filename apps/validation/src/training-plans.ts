import type { ChipSpec } from '@ridgeline/hardware';
import { countParams, estimateTraining, type ModelSpec, type Recompute, type TrainingConfig, type FeasibleTrainingResult } from '@ridgeline/model';

/** How Ridgeline reproduces one published training row. */
export interface TrainingPlan {
  readonly kind: 'training';
  readonly id: string;
  readonly chip: string;
  /** A catalog id, or an architecture spelled out by the row itself. */
  readonly model: string | ModelSpec;
  readonly chips: number;
  readonly dp: number;
  readonly tp: number;
  readonly pp: number;
  readonly cp?: number;
  /** Expert parallelism (MoE); default 1. */
  readonly ep?: number;
  readonly sequenceLength: number;
  readonly globalBatch: number;
  readonly microBatch: number;
  readonly virtualStages?: number;
  readonly totalTokens?: number;
  readonly zeroStage: 0 | 1 | 2 | 3;
  readonly recompute: Recompute;
  readonly metric: TrainingMetric;
  readonly assumption?: string;
  readonly sourceAssumes?: { readonly flop: number; readonly memory: number };
}

export type TrainingMetric =
  | 'megatronTflopsPerChip'
  | 'mfu'
  | 'mfuWithAttention'
  | 'maxtextMfu'
  | 'hfu'
  | 'tokensPerS'
  | 'stepTimeS'
  | 'chipHours';

/**
 * A GPT-style decoder as the Megatron-LM papers describe it: 4·d MLP (GeLU), d/h head size,
 * tied embeddings.
 */
function gpt(id: string, layers: number, hiddenSize: number, heads: number, vocabSize: number, source: string): ModelSpec {
  return {
    id,
    name: id,
    layers,
    hiddenSize,
    heads,
    kvHeads: heads,
    headDim: hiddenSize / heads,
    ffnHiddenSize: 4 * hiddenSize,
    gatedFfn: false,
    vocabSize,
    tiedEmbeddings: true,
    source,
  };
}

const MEG = 'Narayanan et al. 2021 (Megatron-LM PTD-P), Table 1, as in public.csv';
const meg = (id: string, chips: number, layers: number, hidden: number, heads: number, tp: number, pp: number, batch: number): TrainingPlan => ({
  kind: 'training',
  id,
  chip: 'a100-sxm',
  model: gpt(`gpt-${id.toLowerCase()}`, layers, hidden, heads, 51200, MEG),
  chips,
  dp: chips / (tp * pp),
  tp,
  pp,
  sequenceLength: 2048,
  globalBatch: batch,
  microBatch: 1,
  zeroStage: 0,
  recompute: 'full',
  metric: 'megatronTflopsPerChip',
  assumption: 'micro-batch 1 (not in the row); full recomputation, as the paper and its FLOP formula count',
});

const bloom = gpt('bloom-176b', 70, 14336, 112, 250680, 'BigScience 2022 (arXiv 2211.05100), as in public.csv');
const MAXTEXT = 'MaxText recipe sharding not retrieved: FSDP over all chips, 16384 tokens per chip per step (as MAXT-14 states), full rematerialisation';
const maxtext = (id: string, chip: string, chips: number, model: string, sequenceLength: number, metric: TrainingMetric): TrainingPlan => ({
  kind: 'training',
  id,
  chip,
  model,
  chips,
  dp: chips,
  tp: 1,
  pp: 1,
  sequenceLength,
  globalBatch: (chips * 16384) / sequenceLength,
  microBatch: 16384 / sequenceLength,
  zeroStage: 3,
  recompute: 'full',
  metric,
  assumption: MAXTEXT,
});

const MAXTEXT_BASE = 'AI-Hypercomputer/maxtext MaxText/configs/base.yml @ 000e93554a028c208eeacc75b7c1813a79ae6219';
const MAXTEXT_SCALES = 'AI-Hypercomputer/maxtext MaxText/pyconfig.py @ 0045bf834da3f240bfed3b86141fe085303fba4e (get_individual_scales)';

/**
 * MaxText's synthetic decoder at `global_parameter_scale` = 2^n, as its own config code builds it:
 * base.yml's defaults (d 2048, 16 query and 16 KV heads of 128, SwiGLU MLP 7168, 16 layers,
 * vocabulary 32,000, untied logits) scaled by pyconfig's `get_individual_scales`, which doubles
 * heads and MLP, then d, then layers, in turn: with n = 3q + r, heads and MLP × 2^(q + [r > 0]),
 * d × 2^(q + [r > 1]), layers × 2^q. base.yml is the one stored version we read, not the runs'
 * own commit; its defaults build 31.7B at scale 32 and 125.1B at 128, as the configs' names (32B,
 * 128B) say.
 */
export function maxtextSynthetic(id: string, scale: number): ModelSpec {
  const n = Math.log2(scale);
  if (!Number.isInteger(n)) throw new Error(`MaxText's global_parameter_scale must be a power of 2, got ${scale}`);
  const q = Math.floor(n / 3);
  const r = n % 3;
  const heads = 2 ** (q + (r > 0 ? 1 : 0));
  const emb = 2 ** (q + (r > 1 ? 1 : 0));
  const layers = 2 ** q;
  return {
    id,
    name: id,
    layers: 16 * layers,
    hiddenSize: 2048 * emb,
    heads: 16 * heads,
    kvHeads: 16 * heads,
    headDim: 128,
    ffnHiddenSize: 7168 * heads,
    gatedFfn: true,
    vocabSize: 32000,
    tiedEmbeddings: false,
    source: `${MAXTEXT_BASE} (base_emb_dim 2048, base_num_query_heads 16, base_num_kv_heads 16, base_mlp_dim 7168, base_num_decoder_layers 16, head_dim 128, mlp_activations silu·linear, vocab_size 32000, logits_via_embedding False) at global_parameter_scale ${scale}, scaled as ${MAXTEXT_SCALES}`,
  };
}

// MaxText's sharding in Ridgeline's terms: its FSDP axis is ZeRO-3 data parallelism, its tensor axis
// TP, its expert axis EP, and a replica's per-device batches form one micro-batch (no gradient
// accumulation). remat_policy 'full' is full recomputation; 'minimal' saves every matmul output
// and recomputes the rest, which is selective recomputation.
const MAXTEXT_SHARDING = 'ici_fsdp → ZeRO-3 DP, ici_tensor → TP, ici_expert → EP; per-device batches of a TP group form one micro-batch';

export const TRAINING_PLANS: readonly TrainingPlan[] = [
  meg('MEG-01', 32, 24, 2304, 24, 1, 1, 512),
  meg('MEG-02', 64, 30, 3072, 32, 2, 1, 512),
  meg('MEG-03', 128, 36, 4096, 32, 4, 1, 512),
  meg('MEG-04', 256, 40, 6144, 48, 8, 1, 1024),
  meg('MEG-05', 512, 48, 8192, 64, 8, 2, 1536),
  meg('MEG-06', 1024, 60, 10240, 80, 8, 4, 1792),
  meg('MEG-07', 1536, 80, 12288, 96, 8, 8, 2304),
  meg('MEG-08', 1920, 96, 16384, 128, 8, 16, 2160),
  meg('MEG-09', 2520, 105, 20480, 128, 8, 35, 2520),
  meg('MEG-10', 3072, 128, 25600, 160, 8, 64, 3072),
  ...(['L3-01', 'L3-02', 'L3-03'] as const).map((id, i): TrainingPlan => ({
    kind: 'training',
    id,
    chip: 'h100-sxm',
    model: 'llama-3.1-405b',
    chips: [8192, 16384, 16384][i]!,
    // L3-03's row says DP 4, but 16,384 GPUs over TP 8 · CP 16 · PP 16 and its 16M-token batch of
    // 131,072-token sequences both need DP 8.
    dp: [64, 128, 8][i]!,
    tp: 8,
    pp: 16,
    cp: [1, 1, 16][i]!,
    sequenceLength: [8192, 8192, 131072][i]!,
    globalBatch: [64 * 32, 128 * 16, 8 * 16][i]!,
    microBatch: 1,
    virtualStages: 2,
    zeroStage: 3,
    recompute: 'selective',
    metric: 'mfu',
    assumption:
      'micro-batch 1; the paper uses an interleaved 1F1B schedule without stating v: the smallest interleaving, v = 2, assumed; FSDP as ZeRO-3; selective recomputation; MFU in the 6N convention',
  })),
  ...(['PALM-01', 'PALM-02', 'PALM-03'] as const).map((id, i): TrainingPlan => ({
    kind: 'training',
    id,
    chip: 'tpu-v4',
    model: 'palm-540b',
    chips: 6144,
    dp: 512,
    tp: 12,
    pp: 1,
    sequenceLength: 2048,
    globalBatch: 2048,
    microBatch: 4,
    zeroStage: 3,
    recompute: 'full',
    metric: (['tokensPerS', 'mfuWithAttention', 'hfu'] as const)[i]!,
    assumption: 'full rematerialisation (the paper reports HFU/MFU = 1.25, between selective and full)',
  })),
  {
    kind: 'training',
    id: 'PALM-07',
    chip: 'a100-sxm',
    model: 'megatron-530b',
    chips: 2240,
    dp: 8,
    tp: 8,
    pp: 35,
    sequenceLength: 2048,
    globalBatch: 1920,
    microBatch: 1,
    zeroStage: 1,
    recompute: 'full',
    metric: 'mfuWithAttention',
    assumption: 'micro-batch 1, full recomputation',
  },
  ...(['BLOOM-01', 'BLOOM-02'] as const).map((id, i): TrainingPlan => ({
    kind: 'training',
    id,
    chip: 'a100-sxm',
    model: bloom,
    chips: 384,
    dp: 8,
    tp: 4,
    pp: 12,
    sequenceLength: 2048,
    globalBatch: 2048,
    microBatch: 1,
    totalTokens: 366e9,
    zeroStage: 1,
    recompute: 'full',
    metric: (['megatronTflopsPerChip', 'chipHours'] as const)[i]!,
    assumption: 'micro-batch 1, full recomputation; GPU-hours of an ideal run (no restarts or evaluation)',
  })),
  maxtext('MAXT-01', 'tpu-v6e', 256, 'llama-2-70b', 4096, 'maxtextMfu'),
  maxtext('MAXT-02', 'tpu-v6e', 256, 'llama-3.1-8b', 8192, 'maxtextMfu'),
  maxtext('MAXT-03', 'tpu-v6e', 256, 'llama-3.1-70b', 8192, 'maxtextMfu'),
  maxtext('MAXT-04', 'tpu-v6e', 256, 'llama-3.1-405b', 8192, 'maxtextMfu'),
  maxtext('MAXT-05', 'tpu-v6e', 256, 'mixtral-8x7b', 4096, 'maxtextMfu'),
  {
    kind: 'training',
    id: 'MAXT-06',
    chip: 'tpu-v6e',
    model: 'mixtral-8x22b',
    chips: 256,
    dp: 256,
    tp: 1,
    pp: 1,
    ep: 4,
    sequenceLength: 4096,
    globalBatch: 256 * 8,
    microBatch: 8,
    zeroStage: 3,
    recompute: 'full',
    metric: 'maxtextMfu',
    assumption:
      `AI-Hypercomputer/tpu-recipes training/trillium/Mixtral-8x22B-MaxText/cluster_toolkit/run_recipe.sh @ 03fb496c2da2bc3183be6484f3d54845a66ac002 (mixtral_8x22b_dropped): per_device_batch_size 8, max_target_length 4096, ici_fsdp 64 × ici_expert 4; ${MAXTEXT_SHARDING}. ` +
      'remat_policy custom offloads the layer input and the q/k/v/out projections to host and recomputes the rest (the MLP and the attention core): full recomputation, without the offload (Ridgeline keeps activations in HBM). Capacity factor 1.25 (dropped tokens) is not modelled.',
  },
  maxtext('MAXT-07', 'tpu-v5p', 512, 'llama-2-70b', 4096, 'maxtextMfu'),
  maxtext('MAXT-08', 'tpu-v5p', 256, 'mixtral-8x7b', 4096, 'maxtextMfu'),
  {
    kind: 'training',
    id: 'MAXT-09',
    chip: 'tpu-v5p',
    model: maxtextSynthetic('maxtext-32b', 32),
    chips: 64,
    dp: 16,
    tp: 4,
    pp: 1,
    sequenceLength: 2048,
    globalBatch: 64 * 6,
    microBatch: 4 * 6,
    zeroStage: 3,
    recompute: 'selective',
    metric: 'maxtextMfu',
    assumption:
      `AI-Hypercomputer/maxtext MaxText/configs/v5p/32b.sh @ 8c3d2e65aa05446ce6674ea40ce7814be14a02ad: global_parameter_scale 32, per_device_batch_size 6, max_target_length 2048, ici_fsdp -1 (16) × ici_tensor 4, remat_policy minimal (selective); ${MAXTEXT_SHARDING}. ` +
      'The README row says 67.76 % beside 3.28e2 TFLOP/s per chip, which is 71.47 % of 459 TFLOP/s (the figure of configs/v5p/README.md); the row\'s 67.76 % is compared.',
  },
  {
    kind: 'training',
    id: 'MAXT-11',
    chip: 'tpu-v5e',
    model: maxtextSynthetic('maxtext-32b', 32),
    chips: 256,
    dp: 256,
    tp: 1,
    pp: 1,
    sequenceLength: 2048,
    globalBatch: 256 * 4,
    microBatch: 4,
    zeroStage: 3,
    recompute: 'full',
    metric: 'maxtextMfu',
    assumption: `AI-Hypercomputer/maxtext MaxText/configs/v5e/32b.sh @ 8c3d2e65aa05446ce6674ea40ce7814be14a02ad: global_parameter_scale 32, per_device_batch_size 4, max_target_length 2048, ici_fsdp -1 (256), remat_policy full; ${MAXTEXT_SHARDING}`,
  },
  {
    kind: 'training',
    id: 'MAXT-12',
    chip: 'tpu-v5e',
    model: maxtextSynthetic('maxtext-128b', 128),
    chips: 256,
    dp: 16,
    tp: 16,
    pp: 1,
    sequenceLength: 2048,
    globalBatch: 256,
    microBatch: 16,
    zeroStage: 3,
    recompute: 'selective',
    metric: 'maxtextMfu',
    assumption:
      `AI-Hypercomputer/maxtext MaxText/configs/v5e/128b.sh @ 3d048f7b461ec9806a03e8bb89bb7129d2c1c327: global_parameter_scale 128, per_device_batch_size 1, max_target_length 2048, ici_fsdp 16 × ici_tensor 16, remat_policy minimal_offloaded (selective, its saved activations offloaded to host, which Ridgeline does not model); ${MAXTEXT_SHARDING}`,
  },
  maxtext('MAXT-14', 'tpu-v6e', 256, 'llama-2-70b', 4096, 'stepTimeS'),
];

export interface TrainingContext {
  readonly chip: (id: string) => ChipSpec;
  readonly model: (id: string) => ModelSpec;
}

export function trainingConfigFor(plan: TrainingPlan, ctx: TrainingContext, chip: ChipSpec): TrainingConfig {
  const model = typeof plan.model === 'string' ? ctx.model(plan.model) : plan.model;
  return {
    model,
    chip,
    chips: plan.chips,
    parallelism: { dp: plan.dp, tp: plan.tp, pp: plan.pp, cp: plan.cp ?? 1, ep: plan.ep ?? 1 },
    sequenceLength: plan.sequenceLength,
    globalBatch: plan.globalBatch,
    microBatch: plan.microBatch,
    ...(plan.virtualStages === undefined ? {} : { virtualStages: plan.virtualStages }),
    totalTokens: plan.totalTokens ?? plan.globalBatch * plan.sequenceLength,
    zeroStage: plan.zeroStage,
    recompute: plan.recompute,
  };
}

/**
 * Narayanan et al. 2021, eq. 3: FLOPs per iteration with full recomputation,
 * `96·B·s·l·h²·(1 + s/(6h) + V/(16·l·h))`.
 */
export function megatronFlopsPerStep(model: ModelSpec, globalBatch: number, sequenceLength: number): number {
  const h = model.hiddenSize;
  const l = model.layers;
  return 96 * globalBatch * sequenceLength * l * h * h * (1 + sequenceLength / (6 * h) + model.vocabSize / (16 * l * h));
}

/**
 * FLOPs per trained token as MaxText counts them for its TFLOP/s and MFU
 * (AI-Hypercomputer/maxtext MaxText/maxtext_utils.py, calculate_tflops_training_per_device, before
 * PR #1988 of 2025-07-27 halved causal attention): 3 × the forward matmuls of every layer (FFN or
 * router + k experts, q/k/v, output projection) and of the logits, the input embedding (a gather)
 * not counted, plus 3 × `4·S·h·d_h` per layer of attention over the full square, causal mask ignored.
 * The recipes' logs agree to 0.01 %: MAXT-06's, 332.463 TFLOP/s at 1326.307 tokens/s per device, is
 * 250.67 GFLOP per token, this count for Mixtral 8x22B at S 4096; MAXT-14's, 419.193 TFLOP/s at
 * 943.086 tokens/s, is 444.49 GFLOP per token, this count for Llama 2 70B.
 */
export function maxtextFlopsPerToken(model: ModelSpec, sequenceLength: number): number {
  const counts = countParams(model);
  const learnable = counts.active - (model.tiedEmbeddings ? 0 : counts.embedding);
  return 6 * learnable + 12 * sequenceLength * model.heads * model.headDim * model.layers;
}

export function trainingMetric(plan: TrainingPlan, config: TrainingConfig, r: FeasibleTrainingResult): number {
  switch (plan.metric) {
    case 'megatronTflopsPerChip':
      return megatronFlopsPerStep(config.model, plan.globalBatch, plan.sequenceLength) / r.stepTimeS / plan.chips;
    case 'mfu':
      return r.mfu;
    case 'mfuWithAttention':
      return r.mfuWithAttention;
    case 'maxtextMfu':
      return (maxtextFlopsPerToken(config.model, plan.sequenceLength) * r.tokensPerS) / (plan.chips * r.inputs.peakFlopsPerS);
    case 'hfu':
      return r.hfu;
    case 'tokensPerS':
      return r.tokensPerS;
    case 'stepTimeS':
      return r.stepTimeS;
    case 'chipHours':
      return r.chipHours;
  }
}

export function predictTraining(plan: TrainingPlan, ctx: TrainingContext, chip: ChipSpec): { value: number | undefined; reason: string | null } {
  const config = trainingConfigFor(plan, ctx, chip);
  const r = estimateTraining(config);
  return r.feasible ? { value: trainingMetric(plan, config, r), reason: null } : { value: undefined, reason: r.reason };
}

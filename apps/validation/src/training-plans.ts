import type { ChipSpec } from '@ridgeline/hardware';
import { estimateTraining, type ModelSpec, type Recompute, type TrainingConfig, type TrainingResult } from '@ridgeline/model';

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
  maxtext('MAXT-01', 'tpu-v6e', 256, 'llama-2-70b', 4096, 'mfuWithAttention'),
  maxtext('MAXT-02', 'tpu-v6e', 256, 'llama-3.1-8b', 8192, 'mfuWithAttention'),
  maxtext('MAXT-03', 'tpu-v6e', 256, 'llama-3.1-70b', 8192, 'mfuWithAttention'),
  maxtext('MAXT-04', 'tpu-v6e', 256, 'llama-3.1-405b', 8192, 'mfuWithAttention'),
  maxtext('MAXT-05', 'tpu-v6e', 256, 'mixtral-8x7b', 4096, 'mfuWithAttention'),
  maxtext('MAXT-07', 'tpu-v5p', 512, 'llama-2-70b', 4096, 'mfuWithAttention'),
  maxtext('MAXT-08', 'tpu-v5p', 256, 'mixtral-8x7b', 4096, 'mfuWithAttention'),
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
    parallelism: { dp: plan.dp, tp: plan.tp, pp: plan.pp, cp: plan.cp ?? 1, ep: 1 },
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

export function trainingMetric(plan: TrainingPlan, config: TrainingConfig, r: TrainingResult): number {
  switch (plan.metric) {
    case 'megatronTflopsPerChip':
      return megatronFlopsPerStep(config.model, plan.globalBatch, plan.sequenceLength) / r.stepTimeS / plan.chips;
    case 'mfu':
      return r.mfu;
    case 'mfuWithAttention':
      return r.mfuWithAttention;
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

import type { ChipSpec } from '@ridgeline/hardware';
import { countParams, estimateInference, type InferenceConfig, type ModelSpec, type PrecisionConfig } from '@ridgeline/model';
import { predictTraining, TRAINING_PLANS, type TrainingPlan } from './training-plans.ts';

/**
 * How Ridgeline reproduces one published row: the configuration, and which figure of the result
 * (in SI) is compared with the published value. Rows the model cannot express are listed in
 * `NOT_EXPRESSIBLE` with the reason.
 */
export interface RowPlan {
  readonly kind?: 'inference';
  readonly id: string;
  readonly chip: string;
  readonly model: string;
  /** Architecture changes the source states (e.g. PaLM's heads padded to 64 for ≥ 64 chips). */
  readonly modelPatch?: Partial<ModelSpec>;
  readonly chips: number;
  readonly tp: number;
  readonly batch: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly precision: PrecisionConfig;
  readonly attentionSharding?: 'heads' | 'batch';
  readonly metric: Metric;
  /** What we assumed where the source is silent. */
  readonly assumption?: string;
  /**
   * For analytical worked examples (not measurements): the efficiencies the source itself assumes,
   * so the row checks Ridgeline's arithmetic rather than the chip. Such rows are not fitted.
   */
  readonly sourceAssumes?: { readonly flop: number; readonly memory: number };
}

export type Metric =
  | 'ttft'
  | 'tpot'
  | 'decodeTotal'
  | 'requestLatency'
  | 'mfuPrefill'
  | 'mfuDecode'
  | 'outputThroughputPerChip'
  | 'tokensPerS'
  | 'minChipsToFit'
  | 'maxBatchTpot';

const bf16: PrecisionConfig = { weights: 'bf16', kvCache: 'bf16', activations: 'bf16' };
const fp16: PrecisionConfig = { weights: 'fp16', kvCache: 'fp16', activations: 'fp16' };
const fp8: PrecisionConfig = { weights: 'fp8', kvCache: 'fp8', activations: 'fp8' };
const int8Weights: PrecisionConfig = { weights: 'int8', kvCache: 'bf16', activations: 'bf16' };
const int8WeightsKv: PrecisionConfig = { weights: 'int8', kvCache: 'int8', activations: 'bf16' };

// The scaling book's worked examples assume perfect efficiency unless they say otherwise.
const IDEAL = { flop: 1, memory: 1 } as const;

// Pope et al. pad PaLM 540B's 48 heads to 64 when running on ≥ 64 chips.
const palm540 = { model: 'palm-540b', modelPatch: { heads: 64 }, chip: 'tpu-v4', chips: 64, tp: 64 } as const;
const palm62 = { model: 'palm-62b', chip: 'tpu-v4' } as const;

export const INFERENCE_PLANS: readonly RowPlan[] = [
  { id: 'ESTI-01', ...palm540, batch: 1, inputTokens: 2048, outputTokens: 1, precision: int8Weights, metric: 'ttft' },
  { id: 'ESTI-02', ...palm540, batch: 1, inputTokens: 2048, outputTokens: 1, precision: int8Weights, metric: 'mfuPrefill' },
  { id: 'ESTI-04', ...palm540, batch: 64, inputTokens: 2048, outputTokens: 64, precision: int8Weights, attentionSharding: 'batch', metric: 'mfuDecode' },
  { id: 'ESTI-05', ...palm540, batch: 64, inputTokens: 2048, outputTokens: 64, precision: int8Weights, attentionSharding: 'batch', metric: 'tpot' },
  { id: 'ESTI-07', ...palm540, batch: 512, inputTokens: 2048, outputTokens: 1, precision: bf16, attentionSharding: 'batch', metric: 'ttft' },
  { id: 'ESTI-08', ...palm540, batch: 512, inputTokens: 2048, outputTokens: 1, precision: bf16, attentionSharding: 'batch', metric: 'mfuPrefill' },
  { id: 'ESTI-10', ...palm540, batch: 512, inputTokens: 2048, outputTokens: 64, precision: bf16, attentionSharding: 'batch', metric: 'mfuDecode' },
  { id: 'ESTI-11', ...palm62, chips: 16, tp: 16, batch: 1, inputTokens: 2048, outputTokens: 1, precision: int8Weights, metric: 'ttft' },
  { id: 'ESTI-13', ...palm62, chips: 16, tp: 16, batch: 32, inputTokens: 2048, outputTokens: 64, precision: int8Weights, attentionSharding: 'batch', metric: 'decodeTotal' },
  { id: 'ESTI-14', ...palm62, chips: 16, tp: 16, batch: 32, inputTokens: 2048, outputTokens: 64, precision: int8Weights, attentionSharding: 'batch', metric: 'mfuDecode' },
  { id: 'ESTI-16', ...palm62, chips: 32, tp: 32, batch: 512, inputTokens: 2048, outputTokens: 1, precision: bf16, attentionSharding: 'batch', metric: 'mfuPrefill' },
  { id: 'ESTI-17', ...palm62, chips: 8, tp: 8, batch: 512, inputTokens: 2048, outputTokens: 64, precision: bf16, attentionSharding: 'batch', metric: 'decodeTotal' },
  { id: 'ESTI-25', ...palm540, batch: 4, inputTokens: 60, outputTokens: 20, precision: int8Weights, metric: 'requestLatency', assumption: 'int8 weights (the source assumes so too)' },
  { id: 'ESTI-26', ...palm540, batch: 64, inputTokens: 60, outputTokens: 20, precision: int8Weights, attentionSharding: 'batch', metric: 'requestLatency', assumption: 'int8 weights, batch-sharded attention (precision not stated)' },
  { id: 'ESTI-28', ...palm540, batch: 1024, inputTokens: 20, outputTokens: 8, precision: bf16, attentionSharding: 'batch', metric: 'requestLatency', assumption: 'bf16, batch-sharded attention (precision not stated)' },
  { id: 'ESTI-29', ...palm540, batch: 128, inputTokens: 128, outputTokens: 8, precision: bf16, attentionSharding: 'batch', metric: 'requestLatency', assumption: 'bf16, batch-sharded attention (precision not stated)' },
  { id: 'FT-01', model: 'megatron-530b', chip: 'a100-sxm', chips: 16, tp: 16, batch: 1, inputTokens: 60, outputTokens: 20, precision: fp16, metric: 'requestLatency' },
  { id: 'FT-02', model: 'megatron-530b', chip: 'a100-sxm', chips: 32, tp: 32, batch: 1, inputTokens: 60, outputTokens: 20, precision: fp16, metric: 'requestLatency' },
  { id: 'FT-04', model: 'megatron-530b', chip: 'a100-sxm', chips: 16, tp: 16, batch: 128, inputTokens: 60, outputTokens: 20, precision: fp16, metric: 'requestLatency' },
  { id: 'FT-05', model: 'megatron-530b', chip: 'a100-sxm', chips: 32, tp: 32, batch: 256, inputTokens: 60, outputTokens: 20, precision: fp16, metric: 'requestLatency' },
  { id: 'FT-07', model: 'megatron-530b', chip: 'a100-sxm', chips: 16, tp: 16, batch: 1, inputTokens: 20, outputTokens: 8, precision: fp16, metric: 'requestLatency' },
  { id: 'FT-08', model: 'gpt-3-175b', chip: 'a100-sxm', chips: 8, tp: 8, batch: 1, inputTokens: 128, outputTokens: 8, precision: fp16, metric: 'requestLatency' },
  { id: 'FT-10', model: 'gpt-3-175b', chip: 'a100-sxm', chips: 8, tp: 8, batch: 16, inputTokens: 512, outputTokens: 32, precision: fp16, metric: 'requestLatency' },
  { id: 'FT-11', model: 'gpt-20b', chip: 'a100-sxm', chips: 1, tp: 1, batch: 1, inputTokens: 80, outputTokens: 200, precision: fp16, metric: 'requestLatency' },
  { id: 'FT-13', model: 'gpt-20b', chip: 'a100-sxm', chips: 1, tp: 1, batch: 64, inputTokens: 80, outputTokens: 200, precision: fp16, metric: 'requestLatency' },
  { id: 'FT-14', model: 'gpt-20b', chip: 'a100-sxm', chips: 1, tp: 1, batch: 256, inputTokens: 20, outputTokens: 8, precision: fp16, metric: 'requestLatency' },
  { id: 'FT-16', model: 'gpt-6.7b', chip: 'a100-sxm', chips: 1, tp: 1, batch: 1, inputTokens: 512, outputTokens: 32, precision: fp16, metric: 'requestLatency' },
  { id: 'FT-17', model: 'gpt-6.7b', chip: 'a100-sxm', chips: 1, tp: 1, batch: 64, inputTokens: 512, outputTokens: 32, precision: fp16, metric: 'requestLatency' },
  { id: 'SB-01', sourceAssumes: IDEAL, model: 'llama-3.1-70b', chip: 'tpu-v5e', chips: 8, tp: 8, batch: 32, inputTokens: 8192, outputTokens: 1, precision: int8WeightsKv, metric: 'tpot' },
  { id: 'SB-02', sourceAssumes: { flop: 0.4, memory: 1 }, model: 'llama-3.1-70b', chip: 'tpu-v5e', chips: 16, tp: 16, batch: 1, inputTokens: 8192, outputTokens: 1, precision: bf16, metric: 'ttft' },
  { id: 'SB-03', sourceAssumes: IDEAL, model: 'llama-3.1-70b', chip: 'tpu-v5e', chips: 1, tp: 1, batch: 1, inputTokens: 8192, outputTokens: 1, precision: bf16, metric: 'minChipsToFit' },
  { id: 'SB-04', sourceAssumes: IDEAL, model: 'llama-3.1-70b', chip: 'tpu-v5e', chips: 16, tp: 16, batch: 1, inputTokens: 8192, outputTokens: 1, precision: bf16, metric: 'maxBatchTpot' },
  { id: 'SB-05', sourceAssumes: IDEAL, model: 'llama-2-13b', chip: 'tpu-v5e', chips: 8, tp: 8, batch: 1, inputTokens: 8192, outputTokens: 1, precision: bf16, metric: 'tpot' },
  { id: 'SB-06', sourceAssumes: IDEAL, model: 'llama-2-13b', chip: 'tpu-v5e', chips: 8, tp: 8, batch: 240, inputTokens: 8192, outputTokens: 1, precision: bf16, metric: 'tokensPerS' },
  { id: 'TRTO-01', model: 'llama-2-70b', chip: 'h100-sxm', chips: 2, tp: 2, batch: 1024, inputTokens: 128, outputTokens: 128, precision: fp8, metric: 'outputThroughputPerChip' },
  { id: 'TRTO-02', model: 'llama-2-70b', chip: 'h100-sxm', chips: 2, tp: 2, batch: 96, inputTokens: 2048, outputTokens: 128, precision: fp8, metric: 'outputThroughputPerChip' },
  { id: 'TRTO-03', model: 'llama-2-70b', chip: 'h100-sxm', chips: 2, tp: 2, batch: 64, inputTokens: 2048, outputTokens: 2048, precision: fp8, metric: 'outputThroughputPerChip' },
  { id: 'TRTO-04', model: 'llama-2-70b', chip: 'h100-sxm', chips: 4, tp: 4, batch: 480, inputTokens: 128, outputTokens: 2048, precision: fp8, metric: 'outputThroughputPerChip' },
  { id: 'TRTO-05', model: 'llama-2-70b', chip: 'a100-sxm', chips: 4, tp: 4, batch: 1280, inputTokens: 128, outputTokens: 128, precision: fp16, metric: 'outputThroughputPerChip' },
  { id: 'TRTO-06', model: 'llama-2-70b', chip: 'a100-sxm', chips: 4, tp: 4, batch: 240, inputTokens: 128, outputTokens: 2048, precision: fp16, metric: 'outputThroughputPerChip' },
  { id: 'TRTO-07', model: 'llama-7b', chip: 'h100-sxm', chips: 1, tp: 1, batch: 768, inputTokens: 128, outputTokens: 128, precision: fp8, metric: 'outputThroughputPerChip' },
  { id: 'TRTO-08', model: 'llama-7b', chip: 'a100-sxm', chips: 1, tp: 1, batch: 384, inputTokens: 128, outputTokens: 128, precision: fp16, metric: 'outputThroughputPerChip' },
  { id: 'TRTO-09', model: 'llama-2-70b', chip: 'h100-sxm', chips: 4, tp: 4, batch: 1, inputTokens: 128, outputTokens: 1, precision: fp8, metric: 'ttft' },
  { id: 'TRTO-10', model: 'llama-2-70b', chip: 'h100-sxm', chips: 4, tp: 4, batch: 1, inputTokens: 2048, outputTokens: 1, precision: fp8, metric: 'ttft' },
  { id: 'TRTO-11', model: 'llama-2-70b', chip: 'a100-sxm', chips: 4, tp: 4, batch: 1, inputTokens: 2048, outputTokens: 1, precision: fp16, metric: 'ttft' },
  { id: 'TRTO-12', model: 'llama-7b', chip: 'h100-sxm', chips: 1, tp: 1, batch: 1, inputTokens: 2048, outputTokens: 1, precision: fp8, metric: 'ttft' },
  { id: 'TRTO-13', model: 'llama-7b', chip: 'a100-sxm', chips: 1, tp: 1, batch: 1, inputTokens: 2048, outputTokens: 1, precision: fp16, metric: 'ttft' },
  { id: 'TRTO-14', model: 'falcon-180b', chip: 'h100-sxm', chips: 8, tp: 8, batch: 1, inputTokens: 2048, outputTokens: 1, precision: fp8, metric: 'ttft' },
];

/** Every reproduced row: inference and training. */
export type Plan = RowPlan | TrainingPlan;
export const PLANS: readonly Plan[] = [...INFERENCE_PLANS, ...TRAINING_PLANS];

/** Rows the model cannot express, with the reason. */
export const NOT_EXPRESSIBLE: Readonly<Record<string, string>> = {
  'SB-08': 'a roofline formula (6·N·T ÷ (chips·F·MFU)) rather than a configuration: its 4M-token batch is smaller than the DP degree of 8960 chips',
  'PALM-04': 'a ratio of two runs whose one-pod configuration is not given',
  'PALM-05': 'V100: no plugin describes it',
  'PALM-06': 'TPU v3: no plugin describes it',
  'L2-01': 'parallelism and precision not stated',
  'L2-02': 'parallelism and precision not stated',
  'L2-03': 'parallelism and precision not stated',
  'DSV3-01': 'H800: no plugin describes it (no NVIDIA datasheet or DeepSeek report text for its FLOP/s, memory and NVLink figures in the sources we read)',
  'DSV3-02': 'H800: no plugin describes it (no NVIDIA datasheet or DeepSeek report text for its FLOP/s, memory and NVLink figures in the sources we read)',
  'DSV3-03': 'H800: no plugin describes it, and a cost in USD at an assumed rental price',
  'OPT-01': 'the 2M-token batch does not split over the 124 DP ranks of 992 GPUs with TP 8; the layout is not stated',
  'MAXT-10':
    "no MaxText config gives the README's 1160B model: configs/v5p/v5p-12288.sh (global_parameter_scale 512, base_emb_dim 6144) builds 1.50T parameters and configs/v5p/1024b.sh 0.997T",
  'MAXT-13':
    "configs/v4/22b.sh sets d 6144, 24 heads, MLP 24576 and 48 layers, but its head size and MLP activation are base.yml's defaults of 2023, not retrieved: today's (128, SwiGLU) build 25.8B parameters, not the README's 22B",
  'ESTI-19': 'prefill on top of 1920 cached history tokens (prefix caching) is not modelled',
  'ESTI-20': 'the batch size is not stated',
  'ESTI-22': 'a capacity rule of thumb (30% of HBM for KV) rather than a configuration; KV layout of the MHA variant not stated',
  'ESTI-23': 'a capacity rule of thumb (30% of HBM for KV) rather than a configuration',
  'SB-07': 'the architecture is only described as "dense 30B, 100 kB/token KV"',
};

/** Everything a plan needs from the outside world. */
export interface PlanContext {
  readonly chip: (id: string) => ChipSpec;
  readonly model: (id: string) => ModelSpec;
}

export interface Prediction {
  /** The predicted figure in SI, or undefined when the model says the configuration is infeasible. */
  readonly value: number | undefined;
  /** The infeasibility reason, or null. */
  readonly reason: string | null;
}

/** The chip as the source assumed it: its stated efficiencies, no overheads, overlap or link losses. */
function asSourceAssumes(chip: ChipSpec, assumed: { flop: number; memory: number }): ChipSpec {
  const source = 'the source\'s stated assumption';
  return {
    ...chip,
    efficiency: {
      flop: { value: assumed.flop, source },
      memory: { value: assumed.memory, source },
      network: { value: 1, source },
      layerOverheadS: { value: 0, source },
    },
  };
}

export function configFor(plan: RowPlan, ctx: PlanContext, override?: ChipSpec): InferenceConfig {
  const base = override ?? ctx.chip(plan.chip);
  const chip = plan.sourceAssumes === undefined ? base : asSourceAssumes(base, plan.sourceAssumes);
  const model = { ...ctx.model(plan.model), ...plan.modelPatch };
  const config: InferenceConfig = {
    model,
    chip,
    chips: plan.chips,
    parallelism: { tp: plan.tp, pp: 1, ep: 1 },
    batch: plan.batch,
    inputTokens: plan.inputTokens,
    outputTokens: plan.outputTokens,
    precision: plan.precision,
    // Every public row is a static batch: the papers (Pope et al., FasterTransformer) and the 2023
    // TensorRT-LLM tables run B requests from prefill to their last token together.
    schedule: 'static',
  };
  return plan.attentionSharding === undefined ? config : { ...config, attentionSharding: plan.attentionSharding };
}

/** The largest batch whose memory fits (doubling, then bisection). */
function maxFeasibleBatch(config: InferenceConfig): number {
  const fits = (batch: number): boolean => estimateInference({ ...config, batch }).feasible;
  if (!fits(1)) return 0;
  let lo = 1;
  let hi = 2;
  while (fits(hi)) {
    lo = hi;
    hi *= 2;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Runs a plan and extracts its metric, in SI. */
export function predict(plan: Plan, ctx: PlanContext, chip?: ChipSpec): Prediction {
  if (plan.kind === 'training') {
    const base = chip ?? ctx.chip(plan.chip);
    return predictTraining(plan, ctx, plan.sourceAssumes === undefined ? base : asSourceAssumes(base, plan.sourceAssumes));
  }
  return predictInference(plan, ctx, chip);
}

function predictInference(plan: RowPlan, ctx: PlanContext, chip?: ChipSpec): Prediction {
  let config = configFor(plan, ctx, chip);
  if (plan.metric === 'maxBatchTpot') config = { ...config, batch: Math.max(1, maxFeasibleBatch(config)) };
  const result = estimateInference(config);
  if (plan.metric === 'minChipsToFit') {
    return { value: result.feasible ? plan.chips : (result.minChipsToFit ?? undefined), reason: result.reason };
  }
  if (!result.feasible) return { value: undefined, reason: result.reason };
  // MFU against the source's parameter count (the unpadded architecture), 2N FLOPs per token.
  const n = countParams(ctx.model(plan.model)).active;
  const peak = result.inputs.hardware.peakFlopsPerS * plan.chips;
  const values: Record<Metric, number> = {
    ttft: result.ttftS,
    tpot: result.tpotS,
    decodeTotal: plan.outputTokens * result.tpotS,
    requestLatency: result.requestLatencyS,
    mfuPrefill: (2 * n * plan.batch * plan.inputTokens) / result.ttftS / peak,
    mfuDecode: (2 * n * plan.batch) / result.tpotS / peak,
    outputThroughputPerChip: (plan.batch * plan.outputTokens) / result.requestLatencyS / plan.chips,
    tokensPerS: result.tokensPerS,
    minChipsToFit: plan.chips,
    maxBatchTpot: result.tpotS,
  };
  return { value: values[plan.metric], reason: null };
}

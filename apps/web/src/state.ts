import type { PlanObjective } from '@ridgeline/engine';
import type { Precision } from '@ridgeline/hardware';
import type { PriceBasis, Recompute } from '@ridgeline/model';

/**
 * Everything a person chose on the page. It is the whole state: it round-trips through the URL
 * (url-state.ts), so a link reproduces the page.
 */

/** The model: a catalog id, or a pasted Hugging Face config.json. */
export type ModelChoice = { readonly kind: 'catalog'; readonly id: string } | { readonly kind: 'config'; readonly json: string };

/** What the Pareto chart's vertical axis shows. */
/** The sweep frontier's second objective: throughput per chip, cost, or throughput per provisioned MW (InferenceX's view). */
export type ParetoY = 'tokensPerSPerChip' | 'costPerMillionTokensUsd' | 'tokensPerSPerProvisionedMW';

/** How batch sizes are spaced in a sweep. */
export type BatchSpacing = 'pow2' | 'all';

/** The sweep's axes. Chip count per replica is TP·PP (DP only multiplies replicas; see the README). */
export interface SweepSettings {
  /** Largest batch; batches run 1…batchMax. */
  readonly batchMax: number;
  readonly batchSpacing: BatchSpacing;
  readonly tp: readonly number[];
  readonly pp: readonly number[];
  /** Weight precisions to sweep (the current one when empty). */
  readonly weights: readonly Precision[];
  /** KV-cache precisions to sweep (the current one when empty). */
  readonly kvCache: readonly Precision[];
  /** Also sweep the compared chips, one frontier per chip. */
  readonly compared: boolean;
  readonly y: ParetoY;
  /**
   * Configurations whose TTFT exceeds this many seconds are left out of the frontier, the cloud and
   * the table (as InferenceX plots only points that meet its latency constraint); null: no cap.
   * NaN while its box holds something that is not a duration.
   */
  readonly ttftCapS: number | null;
}

/**
 * The latency-target panel: `ridgeline plan`'s targets and objective. A target or a rate is null
 * when not set, NaN while its box holds something that is not a duration (or a rate).
 */
export interface PlanSettings {
  /** TTFT target, seconds. */
  readonly ttftS: number | null;
  /** TPOT target, seconds. */
  readonly tpotS: number | null;
  /** throughput: most output tokens/s per chip; cost: lowest $ per million; chips: fewest chips serving `rateRps`. */
  readonly objective: PlanObjective;
  /** Requests per second to serve (sets the replicas; the `chips` objective needs it). */
  readonly rateRps: number | null;
}

/** How a prefill worker splits attention over its chips: by head, or data-parallel (`--prefill-attention`). */
export type PrefillAttention = 'heads' | 'dp';

/**
 * Disaggregated prefill and decode (docs/MODEL.md §8), as `ridgeline estimate --prefill-workers`
 * takes it. With it, the chip, chips, TP, PP and EP of the page describe one decode worker
 * (chips = TP·PP) and the batch is its requests in flight.
 */
export interface DisaggregationSettings {
  /** Prefill workers, 1 to 65,536. */
  readonly prefillWorkers: number;
  /** Decode workers, 1 to 65,536, each one replica of TP·PP chips. */
  readonly decodeWorkers: number;
  /** The prefill workers' chip (a first-party id or `custom`); null: the decode workers' chip. */
  readonly prefillHardware: string | null;
  /** TP of one prefill worker, which has that many chips; null: the decode worker's TP (the model's default). */
  readonly prefillTp: number | null;
  /** EP of one prefill worker; null: the model's default (its TP when the decode worker runs EP > 1, else 1). */
  readonly prefillEp: number | null;
  readonly prefillAttention: PrefillAttention;
}

/** What the disaggregation switch turns on: one prefill worker, the decode worker's layout and chip. */
export const DEFAULT_DISAGGREGATION: DisaggregationSettings = {
  prefillWorkers: 1,
  decodeWorkers: 1,
  prefillHardware: null,
  prefillTp: null,
  prefillEp: null,
  prefillAttention: 'heads',
};

/**
 * The facility and the price basis (docs/MODEL.md §10–11), as `ridgeline estimate --pue
 * --price-basis --amortization-years --utilization --usd-per-kwh --usd-per-kw-month --capital-usd
 * --system-capital-usd` take them. A number is null when not given (the model's documented
 * default), NaN while its box holds something that is not a number in `TCO_LIMITS`. The TCO inputs
 * count only under `priceBasis: 'tco'`.
 */
export interface EnergySettings {
  /** Facility power ÷ IT power; null: `DEFAULT_PUE` (1.2). */
  readonly pue: number | null;
  /** `list`: the chip's dated price per chip-hour (or the price override); `tco`: cost of ownership. */
  readonly priceBasis: PriceBasis;
  readonly amortizationYears: number | null;
  readonly utilization: number | null;
  readonly usdPerKwh: number | null;
  readonly usdPerKwMonth: number | null;
  /** Purchase price of one chip, USD; null: the chip's sourced capital cost. */
  readonly capitalUsd: number | null;
  /** The chip's share of its system's purchase price, USD; null: the chip's sourced share, else 0. */
  readonly systemCapitalUsd: number | null;
}

/** A first visit's facility and price basis: the model's defaults, list prices. */
export const DEFAULT_ENERGY: EnergySettings = {
  pue: null,
  priceBasis: 'list',
  amortizationYears: null,
  utilization: null,
  usdPerKwh: null,
  usdPerKwMonth: null,
  capitalUsd: null,
  systemCapitalUsd: null,
};

/** Which half of the page shows: serving (`estimate`) or a training run (`train`). */
export type View = 'inference' | 'training';

/** A ZeRO/FSDP stage (MODEL.md §1.2). */
export type ZeroStage = 0 | 1 | 2 | 3;

/** The training sweep's axes: chip count and layout, optionally ZeRO, recomputation and micro-batch. */
export interface TrainingSweepSettings {
  /** Total chip counts; DP = chips ÷ (TP·PP·CP). */
  readonly chips: readonly number[];
  readonly tp: readonly number[];
  readonly pp: readonly number[];
  /** Micro-batches to sweep (the current one when empty). */
  readonly microBatch: readonly number[];
  /** ZeRO stages to sweep (the current one when empty). */
  readonly zeroStage: readonly ZeroStage[];
  /** Recomputation modes to sweep (the current one when empty). */
  readonly recompute: readonly Recompute[];
  /** Also sweep the compared chips, one frontier per chip. */
  readonly compared: boolean;
}

/**
 * A training run, as `ridgeline train` takes it (`--chips --tp --pp --cp --ep --seq
 * --global-batch --micro-batch --virtual-stages --tokens --precision --zero --recompute`). DP is
 * not stored: it is chips ÷ (TP·PP·CP), as the CLI derives it.
 */
export interface TrainingSettings {
  readonly chips: number;
  readonly tp: number;
  readonly pp: number;
  readonly cp: number;
  readonly ep: number;
  /** S: tokens per sequence. */
  readonly sequenceLength: number;
  /** G: sequences per optimizer step, all replicas. */
  readonly globalBatch: number;
  /** b: sequences per micro-batch per replica. */
  readonly microBatch: number;
  /** v: model chunks per pipeline stage (interleaved 1F1B). */
  readonly virtualStages: number;
  /** T_total: tokens of the whole run. */
  readonly totalTokens: number;
  readonly precision: Precision;
  readonly zeroStage: ZeroStage;
  readonly recompute: Recompute;
  readonly sweep: TrainingSweepSettings;
}

/** The page's state. */
export interface AppState {
  /** The view on screen; the model, the chip, the price and overlap and the compared chips are shared by both. */
  readonly view: View;
  readonly model: ModelChoice;
  /** A first-party chip id, or `custom` for the form's chip. */
  readonly hardware: string;
  /** The custom-chip form's fields as typed (see custom-chip.ts); null when never opened. */
  readonly customChip: Readonly<Record<string, string>> | null;
  readonly chips: number;
  readonly tp: number;
  readonly pp: number;
  readonly ep: number;
  readonly batch: number;
  /** The engine's cap on requests in flight per replica (or decode worker); null: none, every request of the batch in flight. */
  readonly maxBatch: number | null;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly weights: Precision;
  readonly kvCache: Precision;
  readonly activations: Precision;
  /** The attention block's projection weights where they differ from `weights` (an FP4 checkpoint's wider attention); null: as the weights. */
  readonly attentionWeights: Precision | null;
  /** Fraction of communication hidden behind compute in both phases; null: the model's default. */
  readonly overlap: number | null;
  /** Price per chip-hour override, USD; null: the chip's list price. */
  readonly price: number | null;
  /** Disaggregated prefill and decode; null (the default): one engine does both. */
  readonly disaggregation: DisaggregationSettings | null;
  /** PUE and the price basis (list or cost of ownership) with its inputs. */
  readonly energy: EnergySettings;
  /** Up to four chips compared on the same workload (first-party ids or `custom`). */
  readonly compare: readonly string[];
  /** Compare each chip at the smallest layout that holds the model (and an equal-width precision it supports). */
  readonly compareFit: boolean;
  readonly sweep: SweepSettings;
  /** The latency-target panel's targets and objective. */
  readonly plan: PlanSettings;
  readonly training: TrainingSettings;
}

/** At most this many chips side by side. */
export const MAX_COMPARE = 4;

/**
 * The training view's first run: Llama 3.1 70B pre-trained on 15 T tokens by 1024 H100s (TP 8, PP 4,
 * DP 32), 8k sequences, 512 per step, ZeRO 1 and selective recomputation (the CLI's defaults).
 */
export const DEFAULT_TRAINING: TrainingSettings = {
  chips: 1024,
  tp: 8,
  pp: 4,
  cp: 1,
  ep: 1,
  sequenceLength: 8192,
  globalBatch: 512,
  microBatch: 1,
  virtualStages: 1,
  totalTokens: 15e12,
  precision: 'bf16',
  zeroStage: 1,
  recompute: 'selective',
  sweep: {
    chips: [256, 512, 1024, 2048, 4096, 8192],
    tp: [1, 2, 4, 8],
    pp: [1, 2, 4, 8, 16],
    microBatch: [],
    zeroStage: [1, 3],
    recompute: ['selective', 'full'],
    compared: true,
  },
};

/** The latency targets a first visit plans for: TTFT ≤ 2 s and TPOT ≤ 50 ms (20 tokens/s per user), the most tokens/s per chip. */
export const DEFAULT_PLAN: PlanSettings = { ttftS: 2, tpotS: 0.05, objective: 'throughput', rateRps: null };

/** The page a first visit shows: Llama 3.1 70B serving 64 users on 8 H100s, bf16, as in the README. */
export const DEFAULT_STATE: AppState = {
  view: 'inference',
  model: { kind: 'catalog', id: 'llama-3.1-70b' },
  hardware: 'h100-sxm',
  customChip: null,
  chips: 8,
  tp: 8,
  pp: 1,
  ep: 1,
  batch: 64,
  maxBatch: null,
  inputTokens: 2048,
  outputTokens: 256,
  weights: 'bf16',
  kvCache: 'bf16',
  activations: 'bf16',
  attentionWeights: null,
  overlap: null,
  price: null,
  disaggregation: null,
  energy: DEFAULT_ENERGY,
  compare: ['h100-sxm', 'mi300x', 'tpu-v6e', 'groq-lpu'],
  compareFit: true,
  sweep: {
    batchMax: 1024,
    batchSpacing: 'pow2',
    tp: [1, 2, 4, 8, 16, 32, 64],
    pp: [1, 2, 4, 8, 16, 20, 40],
    weights: [],
    kvCache: [],
    compared: true,
    y: 'tokensPerSPerChip',
    ttftCapS: null,
  },
  plan: DEFAULT_PLAN,
  training: DEFAULT_TRAINING,
};

// The memory layout of assembly/layout.ts, for the host side. src/descriptors.test.ts checks these
// against the constants the compiled module exports.
import { PRECISIONS, type Precision } from '@ridgeline/hardware';
import {
  DISAGGREGATION_BOUNDS,
  INFEASIBLE_REASONS,
  SCHEDULES as MODEL_SCHEDULES,
  SPECULATIVE_MODES as MODEL_SPECULATIVE_MODES,
  type AttentionSharding,
  type Bound,
  type DisaggregationBound,
  type InfeasibleReason,
  type Schedule,
  type SpeculativeMode,
} from '@ridgeline/model';

/** Points an efficiency curve may have in the flat chip descriptor. */
export const MAX_CURVE_POINTS = 16;
/** f64 slots of one efficiency: count, constant, then (x, y) pairs. */
export const EFF_STRIDE = 34;

/** Slots of the flat chip descriptor (assembly/layout.ts `C_*`). */
export const CHIP = {
  peak: 0,
  memCapacity: 7,
  memBandwidth: 8,
  memUsable: 9,
  upBandwidth: 10,
  upDomain: 11,
  upTorusAxes: 12,
  upHop: 13,
  upCollective: 14,
  outBandwidth: 15,
  outHop: 16,
  idleW: 17,
  maxW: 18,
  price: 19,
  layerOverhead: 20,
  commOverlap: 21,
  effFlop: 22,
  effMemory: 56,
  effNetwork: 90,
  /** 1 + the table index of the first entry with this chip's id (0: unset), set by the table's builder. */
  identity: 124,
  /** The acceptance of an MTP draft token when the configuration gives none: efficiency.mtpAcceptance, else DEFAULT_MTP_ACCEPTANCE. */
  mtpAcceptance: 125,
  /** t_req: efficiency.requestOverheadS, else 0. */
  requestOverhead: 126,
  /** The KV cache's share of the free memory (efficiency.kvCacheBudget.fraction), NaN when none (docs/MODEL.md §4). */
  kvFreeFraction: 127,
  /** η_flop at each compute precision, in PRECISIONS order, EFF_STRIDE slots each. */
  effFlopByPrecision: 128,
  /** P_static of the component power model, NaN when the chip has none (docs/MODEL.md §10). */
  powerStatic: 368,
  /** e_mem, J per byte of memory traffic, NaN when none. */
  powerMemory: 369,
  /** e_flop at each compute precision, in PRECISIONS order, NaN where none. */
  powerFlop: 370,
  /** e_link, J per byte over scale-up links, NaN when none. */
  powerLink: 377,
  /** The chip's share of host, NIC and switch power (power.nodeOverheadW), 0 when absent. */
  nodeOverhead: 378,
  /** The experts' η_flop at each compute precision, in PRECISIONS order, EFF_STRIDE slots each (docs/MODEL.md §2). */
  effExpertFlopByPrecision: 379,
  /** η_mem of the dense GEMMs' contiguous weight reads (efficiency.weightMemory, else memory), EFF_STRIDE slots (docs/MODEL.md §2). */
  effWeightMemory: 617,
  /** The runtime's own bytes of a KV cache budget (efficiency.kvCacheBudget.reservedBytes), 0 when none. */
  kvReserved: 651,
  stride: 652,
} as const;

/**
 * Marks each flattened chip with its identity (CHIP.identity): 1 + the index of the first entry of
 * the same chip id, so the kernel knows a prefill chip that is the decode chip (at its price).
 */
export function markChipIdentities(table: readonly Float64Array[], ids: readonly string[]): void {
  const first = new Map<string, number>();
  ids.forEach((id, i) => {
    if (!first.has(id)) first.set(id, i);
    const row = table[i];
    if (row !== undefined) row[CHIP.identity] = (first.get(id) ?? i) + 1;
  });
}

/** Slots of the flat model descriptor (assembly/layout.ts `M_*`). */
export const MODEL = {
  layers: 0,
  hiddenSize: 1,
  heads: 2,
  kvHeads: 3,
  headDim: 4,
  ffnHiddenSize: 5,
  gatedFfn: 6,
  vocabSize: 7,
  tiedEmbeddings: 8,
  parallelAttentionFfn: 9,
  hasMoe: 10,
  experts: 11,
  activeExperts: 12,
  sharedExperts: 13,
  expertHiddenSize: 14,
  denseLayers: 15,
  hasMla: 16,
  qLoraRank: 17,
  kvLoraRank: 18,
  qkNopeHeadDim: 19,
  qkRopeHeadDim: 20,
  vHeadDim: 21,
  hasWindow: 22,
  windowTokens: 23,
  windowedLayers: 24,
  activeParams: 25,
  /** `ModelSpec.mtpModules` (0 when absent). */
  mtpModules: 26,
  /** κ_dense and κ_moe, `layerKernelWeights` (what a dense and an MoE layer pay of t_layer). */
  kernelWeightDense: 27,
  kernelWeightMoe: 28,
  stride: 32,
} as const;

/** The disaggregation axes, in their order among AXES (and in spec keys and row columns). */
export const DISAGGREGATION_AXES = ['prefillWorkers', 'decodeWorkers', 'prefillHardware', 'prefillTp', 'prefillEp', 'prefillAttention'] as const;

/**
 * The axes of a sweep, outermost first (the mixed-radix order of configuration indices). The same
 * order gives the first 30 slots of an explicit configuration record; slot 30 is a price override,
 * slot 31 E (speculative decoding's tokens per step, when the host computed it from a list of
 * acceptances). `attentionWeights` is a precision code, NaN for the weights' own. The disaggregation axes (`prefillWorkers` 0: none; `prefillHardware` a chip-table
 * index or NaN for the decode chip; `prefillTp`/`prefillEp` NaN for their defaults;
 * `prefillAttention` an ATTENTION_SHARDINGS code) sit inside the parallelism level. The kernel caches by level: speculation and the schedule sit just outside the
 * parallelism (they change the rules, the drafter's layout and every stage), `chunkTokens` just
 * outside batch and the lengths, whose prefill and decode tables it reuses.
 */
export const AXES = [
  'model',
  'hardware',
  'weights',
  'kvCache',
  'activations',
  'attentionWeights',
  'attentionSharding',
  'commOverlap',
  'moeImbalance',
  'twoBatchOverlap',
  'speculative',
  'draftModel',
  'draftTokens',
  'acceptance',
  'schedule',
  'tp',
  'pp',
  'ep',
  'redundantExperts',
  'chips',
  // DISAGGREGATION_AXES (spelt out: isolated declarations cannot type a spread)
  'prefillWorkers',
  'decodeWorkers',
  'prefillHardware',
  'prefillTp',
  'prefillEp',
  'prefillAttention',
  'chunkTokens',
  'batch',
  'inputTokens',
  'outputTokens',
] as const;
/** One of `AXES`. */
export type Axis = (typeof AXES)[number];
/** f64 slots of an explicit configuration record. */
export const CONFIG_STRIDE = 36;
/** Slot of the price override in a configuration record (NaN: the chip's list price). */
export const CONFIG_PRICE = 30;
/**
 * Slot of E, tokens per speculative step, in a configuration record: `expectedTokensPerStep` of a
 * list of acceptances; NaN: the kernel sums it from γ and the `acceptance` slot, as for an axis.
 */
export const CONFIG_EXPECTED = 31;
/** Slot of the configuration's PUE in a configuration record (`InferenceConfig.pue`, else DEFAULT_PUE). */
export const CONFIG_PUE = 32;
/** Slot of the engine's cap on requests in flight in a configuration record (`InferenceConfig.maxBatch`; NaN: none). */
export const CONFIG_MAX_BATCH = 33;
/** Slot of the iterations a prompt waits at most for every attention rank's (`InferenceConfig.contextBalance`; NaN: none). */
export const CONFIG_CONTEXT_BALANCE = 34;
/** Slot of the iterations between the scheduler's intakes of new requests (`InferenceConfig.receiveInterval`; NaN: not modelled). */
export const CONFIG_RECEIVE_INTERVAL = 35;

/** Slots of the setup image header (assembly/layout.ts `H_*`). */
export const HEADER = {
  version: 0,
  models: 1,
  chips: 2,
  dpMode: 3,
  minChips: 4,
  paretoN: 5,
  paretoSlot: 6,
  paretoSign: 9,
  topK: 12,
  topSlot: 13,
  topSign: 14,
  histograms: 15,
  axisLengths: 16,
  /** 0 an inference sweep, 1 a training sweep (axes: TRAINING_SWEEP_AXES). */
  mode: 47,
  /** Filters, after the histogram specs: WHERE_STRIDE slots each (output slot, min, max). */
  where: 48,
  /** 0 ungrouped, +1 by model, +2 by chip: not read by the kernel, but part of the fingerprint. */
  groupBy: 49,
  /** Axes given per model: 0 none, else the slot of the per-model blocks (`ImageInput.modelAxes`). */
  perModel: 50,
  /** The sweep's PUE, for the node and facility outputs (docs/MODEL.md §10). */
  pue: 51,
  slots: 52,
} as const;
/**
 * Version of the setup image layout (5: the `redundantExperts` axis; 6: with `where` filters and
 * the grouping; 7: the speculative decoding axes; 8: the disaggregation axes and outputs; 9: the
 * twoBatchOverlap axis; 10: η_flop per compute precision in the chip descriptor; 12: the
 * component power model's P_static, e_mem and e_flop per precision in the chip descriptor; 13:
 * axes given per model; 14: the PUE and the chips' node overhead, for the node and facility outputs;
 * 15: the models' kernel weights of t_layer and the chips' expert-GEMM η_flop per precision).
 */
export const IMAGE_VERSION = 16;
/** f64 slots of one filter in the setup image: output slot, min, max (±Infinity where absent). */
export const WHERE_STRIDE = 3;

/**
 * The outputs of one configuration, in their f64 slot order (assembly/layout.ts `O_*`). Names
 * follow `InferenceResult`; nested fields are flattened (`mfu.prefill` → `mfuPrefill`,
 * `memoryPerChipBytes.kvCache` → `memoryKvCacheBytes`), `energy`'s keep their own names
 * (`energy.provisionedFacilityW` → `provisionedFacilityW`).
 */
export const OUTPUTS = [
  'feasible',
  'reason',
  'ttftS',
  'tpotS',
  'requestLatencyS',
  'tokensPerS',
  'tokensPerSPerChip',
  'tokensPerSPerUser',
  'prefillTokensPerS',
  'costPerMillionTokensUsd',
  'costPerMillionInputTokensUsd',
  'powerPerChipW',
  'energyPerTokenJ',
  'mfuPrefill',
  'mfuDecode',
  'mbuPrefill',
  'mbuDecode',
  'boundPrefill',
  'boundDecode',
  'memoryWeightsBytes',
  'memoryKvCacheBytes',
  'memoryActivationsBytes',
  'memoryTotalBytes',
  'memoryCapacityBytes',
  'minChipsToFit',
  'prefillComputeBoundS',
  'prefillMemoryBoundS',
  'prefillNetworkS',
  'prefillOverheadS',
  'decodeComputeBoundS',
  'decodeMemoryBoundS',
  'decodeNetworkS',
  'decodeOverheadS',
  'inputTokensPerSPerChip',
  'totalTokensPerSPerChip',
  'prefillIdleShare',
  'decodeIdleShare',
  'kvTransferS',
  'disaggregationBound',
  // result.energy's node and facility figures (the chip's are powerPerChipW and energyPerTokenJ)
  'nodeJPerOutputToken',
  'facilityJPerOutputToken',
  'facilityW',
  'provisionedFacilityW',
  'tokensPerSPerProvisionedMW',
] as const;
/** One of `OUTPUTS`. */
export type Output = (typeof OUTPUTS)[number];
/** f64 slots per configuration in the output buffer. */
export const N_OUT: number = OUTPUTS.length;

/** Slot of an output. */
export function outputSlot(name: Output): number {
  return OUTPUTS.indexOf(name);
}

/** The numeric outputs a reducer can order or bin by (everything but flags and codes). */
export const METRICS: readonly Metric[] = OUTPUTS.filter(
  (o): o is Metric =>
    o !== 'feasible' && o !== 'reason' && o !== 'boundPrefill' && o !== 'boundDecode' && o !== 'minChipsToFit' && o !== 'disaggregationBound',
);
/** A numeric output a reducer can use. */
export type Metric = Exclude<Output, 'feasible' | 'reason' | 'boundPrefill' | 'boundDecode' | 'minChipsToFit' | 'disaggregationBound'>;

/** Objective directions. */
export type Direction = 'min' | 'max';

/** The natural direction of each metric: less time, cost, energy and memory; more throughput and utilisation. */
export function defaultDirection(metric: Metric): Direction {
  return /^(tokensPerS|prefillTokensPerS|inputTokensPerS|totalTokensPerS|mfu|mbu)/.test(metric) ? 'max' : 'min';
}

/** Codes of the `disaggregationBound` output: the model's DISAGGREGATION_BOUNDS. */
export const DISAGGREGATION_BOUND_CODES: readonly DisaggregationBound[] = DISAGGREGATION_BOUNDS;

/** Bound codes of the `bound*` outputs. */
export const BOUNDS: readonly Bound[] = ['compute', 'memory', 'network'];

/** Infeasibility reasons by code: the model's INFEASIBLE_REASONS, whose order the kernel follows. */
export const REASONS: readonly InfeasibleReason[] = INFEASIBLE_REASONS;

/** Precision codes: index in PRECISIONS. */
export function precisionCode(p: Precision): number {
  return PRECISIONS.indexOf(p);
}

/** Schedule codes: index in the model's SCHEDULES (0 continuous, 1 static), the kernel's `A_SCHEDULE` values. */
export const SCHEDULES: readonly Schedule[] = MODEL_SCHEDULES;

/** Speculative decoding codes: index in the model's SPECULATIVE_MODES (0 none, 1 mtp, 2 draft), the kernel's `A_SPECULATIVE` values. */
export const SPECULATIVE_MODES: readonly SpeculativeMode[] = MODEL_SPECULATIVE_MODES;

/** Attention-sharding codes, the kernel's `A_SHARDING` values: 0 heads, 1 batch, 2 dp. */
export const ATTENTION_SHARDINGS: readonly AttentionSharding[] = ['heads', 'batch', 'dp'];

/** Offsets of the packed reducer state (assembly/layout.ts `S_*`). */
export const STATE = {
  evaluated: 0,
  feasible: 1,
  reasons: 2,
  boundPrefill: 13,
  boundDecode: 16,
  /** Feasible configurations that meet every filter (= feasible without filters). */
  matched: 19,
  counts: 20,
  paretoStride: 4,
  /** Key, index, digest of the outputs. */
  topStride: 3,
} as const;

/** Short names for metrics on the command line (`--pareto cost,tpot`). Full metric names work too. */
export const METRIC_ALIASES: Readonly<Record<string, Metric>> = {
  cost: 'costPerMillionTokensUsd',
  'cost-input': 'costPerMillionInputTokensUsd',
  tpot: 'tpotS',
  ttft: 'ttftS',
  latency: 'requestLatencyS',
  throughput: 'tokensPerS',
  'per-chip': 'tokensPerSPerChip',
  perchip: 'tokensPerSPerChip',
  'input-per-chip': 'inputTokensPerSPerChip',
  'total-per-chip': 'totalTokensPerSPerChip',
  'per-user': 'tokensPerSPerUser',
  peruser: 'tokensPerSPerUser',
  interactivity: 'tokensPerSPerUser',
  prefill: 'prefillTokensPerS',
  energy: 'energyPerTokenJ',
  power: 'powerPerChipW',
  memory: 'memoryTotalBytes',
  mfu: 'mfuDecode',
  mbu: 'mbuDecode',
  // the facility (docs/MODEL.md §10): what it provisions is the constraint, tokens per provisioned MW the objective
  'facility-power': 'provisionedFacilityW',
  'provisioned-w': 'provisionedFacilityW',
  'tokens-per-mw': 'tokensPerSPerProvisionedMW',
  'per-mw': 'tokensPerSPerProvisionedMW',
  'facility-draw': 'facilityW',
  'facility-energy': 'facilityJPerOutputToken',
  'node-energy': 'nodeJPerOutputToken',
};

/**
 * A metric by full name or alias (case-insensitive for aliases), or undefined.
 *
 * @example
 * resolveMetric('cost'); // 'costPerMillionTokensUsd'
 * resolveMetric('tpotS'); // 'tpotS'
 */
export function resolveMetric(name: string): Metric | undefined {
  const exact = METRICS.find((m) => m === name);
  return exact ?? METRIC_ALIASES[name.toLowerCase()];
}

import { PRECISION_BYTES, atComputePrecision, efficiencyAt, expertFlopDerivation, type ChipSpec, type Efficiency, type Precision } from '@ridgeline/hardware';
import { InputError } from './errors.ts';
import { limitText, requireCount, requireNumberIn, validateModelSpec, WORKLOAD_LIMITS } from './limits.ts';
import { memoryPerChip, PREFILL_CHUNK_TOKENS, smallestLayoutToFit } from './memory.ts';
import { dataParallelAttentionImbalance, defaultRedundantExperts, shardLayout, slowestStageLayers } from './layout.ts';
import { countParams } from './params.ts';
import { workerLinkBytesPerS } from './collectives.ts';
import { mixedStage, pipelineSendS, stageCost, weightMemoryOf, type AttentionCompute, type PhaseContext, type StageCost } from './phase.ts';
import { steadyState } from './serving.ts';
import { chipFloorW, chipPowerComponentsW, chipPowerW, DEFAULT_PUE, energyFigures } from './power.ts';
import { TCO_LIMITS } from './cost.ts';
import { drafterContext, drafterOf, draftPass, resolveSpeculation, speculationBroken, withDraftPasses, type ResolvedSpeculation } from './speculative.ts';
import type {
  Bound,
  DisaggregationBound,
  DisaggregationState,
  FeasibleInferenceResult,
  InferenceConfig,
  InferenceResult,
  InfeasibleInferenceResult,
  InfeasibleReason,
  MemoryBreakdown,
  PhaseCost,
  PrecisionConfig,
  ResolvedInputs,
  ServingState,
  SpeculativeMode,
} from './types.ts';
import { MAX_WORKERS, SCHEDULES } from './types.ts';

/**
 * The default factor on the busiest expert shard's work (`moeImbalance`): expert-parallel serving
 * balances its experts (EPLB, with redundant copies), and after balancing the busiest rank still
 * receives 1.109–1.115× the mean routed tokens — TensorRT-LLM, "Scaling Expert Parallelism in
 * TensorRT-LLM (Part 1)", Table 1: DeepSeek-R1 decode on 32 GB200, imbalance ratio (max − mean)/mean
 * 0.109 (EP32, 9 slots per rank) and 0.115 (EP36, 8 slots per rank), 288 slots, averaged over layers
 * and iterations; 1.564 without EPLB (give `moeImbalance: 2.56` for unbalanced experts). Applies to
 * EP > 1 only; with EP = 1 every chip holds a slice of every expert.
 */
export const DEFAULT_MOE_IMBALANCE = 1.11;

function requireInRange(field: string, value: number, min: number, max: number, allowed: string): void {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new InputError(field, `${field} must be ${allowed}, got ${String(value)}`);
  }
}

/**
 * The input checks of `estimateInference`: throws `InputError` naming the field for a malformed
 * number (a non-integer degree, a negative price, …) or one beyond its limit (`MODEL_LIMITS`,
 * `WORKLOAD_LIMITS`: 10⁹ tokens, 2^24 chips, …). Rule breaks such as TP not dividing the heads
 * are not errors: `estimateInference` reports them as infeasible.
 *
 * @example
 * validateInferenceConfig({ ...config, batch: 0 }); // throws InputError('batch', 'batch must be a positive integer, got 0')
 */
export function validateInferenceConfig(config: InferenceConfig): void {
  const W = WORKLOAD_LIMITS;
  validateModelSpec(config.model);
  requireCount('chips', config.chips, W.chips);
  requireCount('parallelism.tp', config.parallelism.tp, W.chips);
  requireCount('parallelism.pp', config.parallelism.pp, W.chips);
  requireCount('parallelism.ep', config.parallelism.ep, W.chips);
  requireCount('batch', config.batch, W.batch);
  if (config.maxBatch !== undefined) {
    requireCount('maxBatch', config.maxBatch, W.batch);
    if (config.schedule === 'static') {
      throw new InputError('maxBatch', 'maxBatch caps the requests in flight of the continuous schedule; a static batch is its own batch (drop maxBatch or use schedule continuous)');
    }
  }
  if (config.contextBalance !== undefined) {
    const iterations = config.contextBalance?.timeoutIterations;
    if (!(Number.isSafeInteger(iterations) && iterations >= 0 && iterations <= W.contextBalanceIterations)) {
      throw new InputError('contextBalance.timeoutIterations', `contextBalance.timeoutIterations must be an integer from 0 to ${limitText(W.contextBalanceIterations)}, got ${String(iterations)}`);
    }
    const without = config.schedule === 'static' ? 'a static batch' : config.disaggregation !== undefined ? 'disaggregation (its decode workers prefill nothing)' : config.attentionSharding !== 'dp' ? 'attention over heads (every rank runs every prompt)' : null;
    if (without !== null) {
      throw new InputError('contextBalance', `contextBalance starts prompts on every data-parallel attention rank of one continuous engine; it does not apply to ${without} (drop contextBalance, or use attentionSharding dp)`);
    }
  }
  if (config.receiveInterval !== undefined) {
    requireCount('receiveInterval', config.receiveInterval, W.receiveInterval);
    const without = config.schedule === 'static' ? 'a static batch' : config.disaggregation !== undefined ? 'disaggregation' : null;
    if (without !== null) {
      throw new InputError('receiveInterval', `receiveInterval is the intake of one continuous engine's scheduler; it does not apply to ${without} (drop receiveInterval)`);
    }
  }
  requireCount('inputTokens', config.inputTokens, W.tokens);
  requireCount('outputTokens', config.outputTokens, W.tokens);
  if (config.commOverlap !== undefined) requireInRange('commOverlap', config.commOverlap, 0, 1, 'a fraction in [0, 1]');
  if (config.moeImbalance !== undefined) requireNumberIn('moeImbalance', config.moeImbalance, 1, W.moeImbalance, 'a factor ≥ 1');
  if (config.pue !== undefined) requireNumberIn('pue', config.pue, TCO_LIMITS.pue.min, TCO_LIMITS.pue.max, `a power usage effectiveness from ${TCO_LIMITS.pue.min} to ${TCO_LIMITS.pue.max}`);
  if (config.usdPerChipHour !== undefined) {
    requireNumberIn('usdPerChipHour', config.usdPerChipHour, 0, W.usdPerChipHour, 'a price ≥ 0 USD per chip-hour', 'USD per chip-hour');
  }
  if (config.schedule !== undefined && !SCHEDULES.includes(config.schedule)) {
    throw new InputError('schedule', `schedule must be one of ${SCHEDULES.join(', ')}, got ${String(config.schedule)}`);
  }
  if (config.chunkTokens !== undefined) requireCount('chunkTokens', config.chunkTokens, W.tokens);
  if (config.twoBatchOverlap !== undefined && typeof config.twoBatchOverlap !== 'boolean') {
    throw new InputError('twoBatchOverlap', `twoBatchOverlap must be true or false, got ${String(config.twoBatchOverlap)}`);
  }
  resolveSpeculation(config);
  if (config.speculative?.draftModel !== undefined) validateModelSpec(config.speculative.draftModel);
  const redundant = config.redundantExperts;
  if (redundant !== undefined && !(Number.isSafeInteger(redundant) && redundant >= 0)) {
    throw new InputError('redundantExperts', `redundantExperts must be an integer ≥ 0, got ${String(redundant)}`);
  }
  const disagg = config.disaggregation;
  if (disagg !== undefined) {
    requireInRange('disaggregation.prefillWorkers', disagg.prefillWorkers, 1, MAX_WORKERS, `an integer from 1 to ${MAX_WORKERS}`);
    requireCount('disaggregation.prefillWorkers', disagg.prefillWorkers, MAX_WORKERS);
    requireInRange('disaggregation.decodeWorkers', disagg.decodeWorkers, 1, MAX_WORKERS, `an integer from 1 to ${MAX_WORKERS}`);
    requireCount('disaggregation.decodeWorkers', disagg.decodeWorkers, MAX_WORKERS);
    if (disagg.prefillTp !== undefined) requireCount('disaggregation.prefillTp', disagg.prefillTp, W.chips);
    if (disagg.prefillEp !== undefined) requireCount('disaggregation.prefillEp', disagg.prefillEp, W.chips);
    if (disagg.prefillAttention !== undefined && disagg.prefillAttention !== 'heads' && disagg.prefillAttention !== 'dp') {
      throw new InputError('disaggregation.prefillAttention', `disaggregation.prefillAttention must be one of heads, dp, got ${String(disagg.prefillAttention)}`);
    }
    if (config.schedule === 'static') {
      throw new InputError('schedule', 'schedule must be continuous with disaggregation: decode workers batch continuously (docs/MODEL.md §8)');
    }
  }
}

/** A disaggregated deployment's prefill worker, defaults applied (docs/MODEL.md §8). */
export interface PrefillWorker {
  readonly chip: ChipSpec;
  readonly tp: number;
  readonly ep: number;
  readonly attention: 'heads' | 'dp';
  readonly redundantExperts: number;
}

/** The prefill worker of `config.disaggregation`: TP default the decode worker's, EP its TP when the decoder runs EP, heads attention, the decoder's chip. */
export function prefillWorkerOf(config: InferenceConfig): PrefillWorker | null {
  const disagg = config.disaggregation;
  if (disagg === undefined) return null;
  const tp = disagg.prefillTp ?? config.parallelism.tp;
  const ep = disagg.prefillEp ?? (config.parallelism.ep > 1 ? tp : 1);
  // a prefill chip of the decode chip's id is that chip, at its price
  const chip = disagg.prefillChip === undefined || disagg.prefillChip.id === config.chip.id ? config.chip : disagg.prefillChip;
  return { chip, tp, ep, attention: disagg.prefillAttention ?? 'heads', redundantExperts: defaultRedundantExperts(config.model, ep) };
}

/** R: the given redundant expert slots, else the default that fills every chip's slots. */
function redundantExpertsOf(config: InferenceConfig): number {
  return config.redundantExperts ?? defaultRedundantExperts(config.model, config.parallelism.ep);
}

/**
 * The precision the matmuls run at: the wider of the weight and activation precisions
 * (weights are up-cast to the activations' precision, or vice versa), activations on a tie.
 */
export function computePrecision(weights: Precision, activations: Precision): Precision {
  return PRECISION_BYTES[weights] > PRECISION_BYTES[activations] ? weights : activations;
}

/**
 * The precision the attention block computes at: its own weights' (`attentionWeights`, else
 * `weights`) against the activations, the wider of them (MODEL.md §1.2).
 *
 * @example
 * attentionComputePrecision({ weights: 'fp4', kvCache: 'fp8', activations: 'fp4', attentionWeights: 'fp8' }); // 'fp8'
 */
export function attentionComputePrecision(precision: PrecisionConfig): Precision {
  return computePrecision(precision.attentionWeights ?? precision.weights, precision.activations);
}

/**
 * The attention block's peak FLOP/s and η_flop on `chip` (as given, before `atComputePrecision`):
 * the chip's figures at the attention compute precision, or undefined where that is the compute
 * precision itself (the stage's own peak and η_flop then serve, bit for bit).
 */
function attentionComputeOf(chip: ChipSpec, precision: PrecisionConfig): AttentionCompute | undefined {
  const attention = attentionComputePrecision(precision);
  if (attention === computePrecision(precision.weights, precision.activations)) return undefined;
  return { peakFlopsPerS: chip.compute.peakDenseFlopsPerS[attention]?.value ?? 0, flop: atComputePrecision(chip, attention).efficiency.flop };
}

/**
 * The rules of a disaggregated deployment (docs/MODEL.md §8): a decode worker is one replica
 * (`chips` = TP·PP), and a prefill worker of TP chips keeps MODEL.md §1.3's rules on its own chip.
 */
function disaggregationRuleBroken(config: InferenceConfig): { reason: InfeasibleReason; explanation: string } | null {
  const worker = prefillWorkerOf(config);
  if (worker === null) return null;
  const { tp, pp } = config.parallelism;
  if (config.chips !== tp * pp) {
    return { reason: 'chips_divide_parallelism', explanation: `With disaggregation, chips are one decode worker's: TP·PP = ${tp * pp}, not ${config.chips} (use --decode-workers for more workers).` };
  }
  const prefill = ruleBroken({
    ...config,
    chip: worker.chip,
    chips: worker.tp,
    parallelism: { tp: worker.tp, pp: 1, ep: worker.ep },
    attentionSharding: worker.attention,
    redundantExperts: worker.redundantExperts,
  });
  return prefill === null ? null : { reason: prefill.reason, explanation: `Prefill worker: ${prefill.explanation}` };
}

/** Checks MODEL.md §1.3's rules; the first broken one, with a sentence, or null. */
function ruleBroken(config: InferenceConfig): { reason: InfeasibleReason; explanation: string } | null {
  const { model, chip, chips } = config;
  const { tp, pp, ep } = config.parallelism;
  if (chips % (tp * pp) !== 0) {
    return { reason: 'chips_divide_parallelism', explanation: `${chips} chips are not a multiple of TP·PP = ${tp}·${pp} = ${tp * pp}.` };
  }
  // Data-parallel attention does not split the heads: each chip runs all of them for its own sequences.
  if (model.heads % tp !== 0 && config.attentionSharding !== 'dp') {
    // SGLang's --tp N --dp N --enable-dp-attention --ep N is data-parallel attention over the N chips, experts over EP N.
    const dpAttention = ep > 1 ? ` (or --attention dp, attention data-parallel beside expert parallelism as SGLang's --enable-dp-attention)` : '';
    return { reason: 'tp_divides_heads', explanation: `TP ${tp} does not divide the ${model.heads} attention heads of ${model.id}; use a TP that divides ${model.heads}${dpAttention}.` };
  }
  // Stages may be uneven (the slowest holds ⌈L/PP⌉ layers), but none may be empty.
  if (pp > model.layers) {
    return { reason: 'pp_divides_layers', explanation: `PP ${pp} is more than the ${model.layers} layers of ${model.id}: every stage needs a layer.` };
  }
  // EP need not divide E: each chip holds ⌈(E + R)/EP⌉ experts, R of the slots redundant copies,
  // at most EP copies of an expert (one per chip).
  const experts = model.moe?.experts;
  if (ep > 1 && experts === undefined) {
    return { reason: 'ep_divides_experts', explanation: `EP ${ep} needs a mixture-of-experts model; ${model.id} is dense (use EP 1).` };
  }
  const redundant = redundantExpertsOf(config);
  if (redundant > 0 && (experts === undefined || redundant > experts * (ep - 1))) {
    const most = experts === undefined ? `${model.id} is dense` : `at most E·(EP − 1) = ${experts}·${ep - 1} = ${experts * (ep - 1)} fit, one copy of an expert per chip`;
    return { reason: 'ep_divides_experts', explanation: `${redundant} redundant experts: ${most}.` };
  }
  if (ep > 1) {
    const dp = chips / (tp * pp);
    // With data-parallel attention the experts need not span whole TP groups: EP 8 over 16
    // attention ranks is two expert groups of 8 (SGLang's --tp 16 --dp 16 --ep 8).
    const dpAttention = config.attentionSharding === 'dp';
    if ((!dpAttention && ep % tp !== 0) || (tp * dp) % ep !== 0) {
      const rule = dpAttention ? `divide TP·DP = ${tp * dp}` : `be a multiple of TP ${tp} and divide TP·DP = ${tp * dp}`;
      return { reason: 'ep_layout', explanation: `EP ${ep} must ${rule} (the chips of one pipeline stage).` };
    }
  }
  // the matmuls' compute precision, then the attention block's where its weights make it another
  const computed = [
    [computePrecision(config.precision.weights, config.precision.activations), ''],
    [attentionComputePrecision(config.precision), ' for the attention block'],
  ] as const;
  for (const [precision, what] of computed) {
    if (chip.compute.peakDenseFlopsPerS[precision] === undefined) {
      const supported = Object.keys(chip.compute.peakDenseFlopsPerS).join(', ');
      return { reason: 'precision_unsupported', explanation: `${chip.name} has no ${precision} compute rate${what} (supported: ${supported}).` };
    }
  }
  return null;
}

function phaseCost(stage: StageCost, timeS: number, usefulFlops: number, replicaChips: number, peakFlopsPerS: number, bytesPerChip: number, chip: ChipSpec, bound: Bound): PhaseCost {
  return {
    timeS,
    computeBoundS: stage.computeBoundS,
    memoryBoundS: stage.memoryBoundS,
    commS: stage.commS,
    networkS: stage.networkS,
    overheadS: stage.overheadS,
    bound,
    operators: stage.operators,
    mfu: usefulFlops / timeS / (replicaChips * peakFlopsPerS),
    mbu: bytesPerChip / timeS / chip.memory.bandwidthBytesPerS.value,
  };
}

function derivedFrom(derivation: { readonly from: Precision; readonly ratio: number } | undefined): { readonly precision: Precision; readonly ratio: number } | null {
  return derivation === undefined || derivation.ratio === 1 ? null : { precision: derivation.from, ratio: derivation.ratio };
}

function describeEfficiency(e: Efficiency): { value: unknown; source: string } {
  return 'value' in e ? { value: e.value, source: e.source } : { value: { curve: e.curve, over: e.over }, source: e.source };
}

function resolvedInputs(
  given: ChipSpec,
  config: InferenceConfig,
  dp: number,
  precision: Precision,
  params: { total: number; active: number },
  speculative: ResolvedSpeculation,
): ResolvedInputs {
  const { chip, model } = config;
  const peak = chip.compute.peakDenseFlopsPerS[precision];
  const c = chip;
  return {
    model: model.id,
    chip: chip.id,
    chips: config.chips,
    parallelism: { ...config.parallelism, dp },
    batch: config.batch,
    maxBatch: config.maxBatch ?? null,
    contextBalanceIterations: config.contextBalance?.timeoutIterations ?? null,
    receiveInterval: config.receiveInterval ?? null,
    inputTokens: config.inputTokens,
    outputTokens: config.outputTokens,
    decodeContextTokens: config.inputTokens + config.outputTokens / 2,
    schedule: config.schedule ?? 'continuous',
    chunkTokens: config.chunkTokens ?? PREFILL_CHUNK_TOKENS,
    speculative,
    precision: config.precision,
    computePrecision: precision,
    attentionComputePrecision: attentionComputePrecision(config.precision),
    commOverlap: {
      prefill: config.commOverlap ?? chip.efficiency.commOverlap?.value ?? 0,
      decode: config.commOverlap ?? 0,
    },
    moeImbalance: config.moeImbalance ?? DEFAULT_MOE_IMBALANCE,
    redundantExperts: redundantExpertsOf(config),
    attentionSharding: config.attentionSharding ?? 'heads',
    twoBatchOverlap: config.twoBatchOverlap ?? false,
    usdPerChipHour: config.usdPerChipHour ?? chip.price.usdPerChipHour.value,
    params,
    hardware: {
      // a chip without the precision computes nothing at it (infeasible: precision_unsupported)
      peakFlopsPerS: peak?.value ?? 0,
      memoryBandwidthBytesPerS: c.memory.bandwidthBytesPerS.value,
      memoryCapacityBytes: c.memory.capacityBytes.value,
      scaleUpBandwidthBytesPerS: c.scaleUp.bandwidthBytesPerS.value,
      scaleUpDomain: c.scaleUp.domainSize.value,
      topology: c.scaleUp.topology,
    },
    efficiencies: {
      flop: describeEfficiency(c.efficiency.flop),
      expertFlop: describeEfficiency(c.efficiency.expertFlop ?? c.efficiency.flop),
      // from the chip as given: at the compute precision its experts' η_flop is already the derived one
      expertFlopDerivedFrom: derivedFrom(expertFlopDerivation(given.efficiency, precision)),
      memory: describeEfficiency(c.efficiency.memory),
      weightMemory: describeEfficiency(weightMemoryOf(c)),
      network: describeEfficiency(c.efficiency.network),
      layerOverheadS: { value: c.efficiency.layerOverheadS.value, source: c.efficiency.layerOverheadS.source },
      commOverlap: c.efficiency.commOverlap ?? { value: 0, source: 'default: no overlap' },
      requestOverheadS: c.efficiency.requestOverheadS ?? { value: 0, source: 'default: no request overhead' },
      calibration: c.efficiency.calibration ?? null,
    },
    kvCacheBudget: c.efficiency.kvCacheBudget ?? null,
    sources: {
      model: model.source,
      peakFlopsPerS: peak?.source ?? '',
      memoryCapacityBytes: c.memory.capacityBytes.source,
      memoryBandwidthBytesPerS: c.memory.bandwidthBytesPerS.source,
      usableFraction: c.memory.usableFraction.source,
      scaleUpBandwidthBytesPerS: c.scaleUp.bandwidthBytesPerS.source,
      scaleOutBandwidthBytesPerS: c.scaleOut.bandwidthBytesPerS.source,
      power: c.power.maxW.source,
      price: `${c.price.usdPerChipHour.source} (as of ${c.price.asOf})`,
    },
  };
}

/**
 * The result of a configuration that breaks a rule or does not fit: the reason and no figures
 * (nothing ran, so nothing bounded it), with the memory that did not fit for `capacity`.
 */
function infeasible(
  inputs: ResolvedInputs,
  reason: InfeasibleReason,
  explanation: string,
  fit: { readonly memory: MemoryBreakdown; readonly layout: { readonly tp: number; readonly pp: number } | null } | null = null,
): InfeasibleInferenceResult {
  return {
    feasible: false,
    reason,
    explanation,
    minChipsToFit: fit?.layout == null ? null : fit.layout.tp * fit.layout.pp,
    layoutToFit: fit?.layout == null ? null : { tp: fit.layout.tp, pp: fit.layout.pp },
    schedule: inputs.schedule,
    memoryPerChipBytes: fit?.memory ?? null,
    inputs,
  };
}

const GB = 1e9;

/** t_req (efficiency.requestOverheadS) of the configuration's chip, whose serving stack fronts every request; 0 when not given. */
function requestOverheadOf(config: InferenceConfig): number {
  return config.chip.efficiency.requestOverheadS?.value ?? 0;
}

/**
 * Bytes for a sentence: GB with one decimal, or MB below 1 GB (SRAM-only chips hold a few hundred
 * MB), in exponent form from a million GB (3.28e11 GB, not 327764399246.2 GB).
 */
function bytesText(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'more than 1e308 bytes';
  if (bytes >= 1e6 * GB) return `${(bytes / GB).toExponential(2).replace('e+', 'e')} GB`;
  return bytes >= GB ? `${(bytes / GB).toFixed(1)} GB` : `${(bytes / 1e6).toFixed(0)} MB`;
}

function explain(bound: Bound, stage: StageCost, config: InferenceConfig, floorS: number): string {
  const chip = config.chip;
  // A continuous-batching iteration carries prompt chunks beside the decode tokens.
  const step =
    config.schedule === 'static' ? 'Decode' : config.disaggregation !== undefined ? 'Each decode iteration' : 'Each serving iteration (decode + prompt chunks)';
  if (bound === 'memory') {
    const kvBytes = stage.operators.find((o) => o.name === 'attention')?.bytes ?? 0;
    const bw = chip.memory.bandwidthBytesPerS.value;
    const eta = efficiencyAt(chip.efficiency.memory, 1);
    const weightEta = efficiencyAt(weightMemoryOf(chip), 1);
    const etas = weightEta === eta ? `η_mem ${eta}` : `η_mem ${weightEta} (dense weights) or ${eta} (KV cache, routed experts)`;
    return `${step} is memory-bandwidth-bound: each step streams ${((stage.bytes - kvBytes) / GB).toFixed(2)} GB of weights and activations and ${(kvBytes / GB).toFixed(2)} GB of KV cache per chip at ${(bw / 1e12).toFixed(2)} TB/s × ${etas}; the weights alone put a floor of ${(floorS * 1e3).toFixed(2)} ms under TPOT however small the batch, and a larger batch spreads those reads over more tokens.`;
  }
  if (bound === 'network') {
    return `${step} is interconnect-bound: collectives take ${((stage.networkS / stage.timeS) * 100).toFixed(0)}% of each step over ${chip.scaleUp.topology} links of ${(chip.scaleUp.bandwidthBytesPerS.value / GB).toFixed(0)} GB/s per direction; fewer TP ways or a larger scale-up domain would help.`;
  }
  return `${step} is compute-bound at batch ${config.batch}: the matmuls run at the ${chip.name}'s ${computePrecision(config.precision.weights, config.precision.activations)} peak × η_flop; more chips or a lower precision would shorten each step.`;
}

/** The configuration's PUE, else DEFAULT_PUE (docs/MODEL.md §10). */
function pueOf(config: InferenceConfig): number {
  return config.pue ?? DEFAULT_PUE;
}

/**
 * Estimates prefill (TTFT) and decode (TPOT) of one inference configuration (MODEL.md §2–§4):
 * per-operator rooflines summed per stage, TP/EP collectives and pipeline sends, the capacity
 * check, throughput, MFU/MBU, cost per million tokens, power and energy per token.
 *
 * Throws `InputError` for malformed numbers (NaN, ≤ 0, fractions out of range); returns
 * `feasible: false` with a reason code when the configuration breaks a parallelism, precision or
 * capacity rule.
 *
 * @example
 * const r = estimateInference({ model: llama70b, chip: h100Sxm, chips: 8,
 *   parallelism: { tp: 8, pp: 1, ep: 1 }, batch: 64, inputTokens: 2048, outputTokens: 256,
 *   precision: { weights: 'bf16', kvCache: 'bf16', activations: 'bf16' } });
 * r.tpotS; // seconds per output token
 * r.bound.decode; // 'memory'
 */
export function estimateInference(given: InferenceConfig): InferenceResult {
  validateInferenceConfig(given);
  const { maxBatch, ...uncapped } = given;
  if (maxBatch === undefined) return estimateAtBatch(given);
  const slots = Math.min(maxBatch, given.batch);
  const atSlots = slots < given.batch ? withWaitingRequests(estimateAtBatch({ ...uncapped, batch: slots }), given, slots, 'maxBatch') : estimateAtBatch(given);
  if (atSlots.feasible || atSlots.reason !== 'capacity' || slots === 1) return atSlots;
  // An engine admits the requests its memory holds and queues the rest (SGLang, vLLM and
  // TensorRT-LLM all schedule against their KV cache pool): the most K below the slots that fit.
  const inFlight = admittedByMemory(slots, (k) => estimateAtBatch({ ...uncapped, batch: k }));
  return inFlight === 0 ? atSlots : withWaitingRequests(estimateAtBatch({ ...uncapped, batch: inFlight }), given, inFlight, 'memory');
}

/**
 * The most requests in flight, from 1 to `slots` − 1, whose configuration does not run out of
 * memory (`capacity`), by bisection (memory grows with the requests in flight); 0 when one does not
 * fit. The kernel's explicit configurations take the same steps (`evaluateConfigs`).
 *
 * @example
 * admittedByMemory(100, (k) => estimateInference({ ...config, batch: k })); // e.g. 37
 */
export function admittedByMemory(slots: number, atBatch: (k: number) => InferenceResult): number {
  const fits = (k: number): boolean => {
    const r = atBatch(k);
    return r.feasible || r.reason !== 'capacity';
  };
  if (!fits(1)) return 0;
  let low = 1;
  let high = slots - 1;
  while (low < high) {
    const mid = low + Math.ceil((high - low) / 2);
    if (fits(mid)) low = mid;
    else high = mid - 1;
  }
  return low;
}

/**
 * The engine's cap (docs/MODEL.md §6, "Engine cap"): B clients per replica (or decode worker), K
 * of them in flight. The figures are the engine's at K; by Little's law over the closed loop its
 * request rate λ = K/L_K serves the B clients in B/λ = L_K·B/K, so each request waits
 * W = L_K·(B − K)/K for a slot (L_K the request latency at K without t_req), which TTFT, the
 * request latency and the queue hold. Throughput, cost, power and energy per token are the K's.
 * A freed slot's next request is taken as arriving afresh, its prompt inside the slot's cycle:
 * exact on one engine, where a waiting request has not begun its prompt; a disaggregated stack
 * that prefills waiting requests before a slot frees keeps its slots busier by up to
 * t_first/(n′·T) (1–5% on the InferenceX rows).
 */
function withWaitingRequests(atCap: InferenceResult, given: InferenceConfig, cap: number, limitedBy: 'maxBatch' | 'memory'): InferenceResult {
  const inputs = { ...atCap.inputs, batch: given.batch, maxBatch: given.maxBatch ?? null };
  if (!atCap.feasible) return { ...atCap, inputs };
  const waitS = ((atCap.requestLatencyS - requestOverheadOf(given)) * (given.batch - cap)) / cap;
  const holder = given.disaggregation === undefined ? 'replica' : 'decode worker';
  const why = limitedBy === 'maxBatch' ? `one of its ${cap} slots (maxBatch)` : `room: its memory holds the KV cache of ${cap} requests, below its ${given.maxBatch} slots`;
  return {
    ...atCap,
    explanation: `${atCap.explanation} ${given.batch - cap} of the ${given.batch} requests per ${holder} wait for ${why}, ${waitS.toPrecision(3)} s each before their first token.`,
    ttftS: atCap.ttftS + waitS,
    requestLatencyS: atCap.requestLatencyS + waitS,
    serving: atCap.serving === null ? null : { ...atCap.serving, queueingS: atCap.serving.queueingS + waitS, admission: { requestsInFlight: cap, limitedBy } },
    prefill: { ...atCap.prefill, timeS: atCap.prefill.timeS + waitS },
    inputs,
  };
}

/** `estimateInference` with every request in flight (no engine cap below the batch). */
function estimateAtBatch(given: InferenceConfig): InferenceResult {
  const precision = computePrecision(given.precision.weights, given.precision.activations);
  // The chip as it computes at this precision: its η_flop for the precision (MODEL.md §1.4).
  const config: InferenceConfig = { ...given, chip: atComputePrecision(given.chip, precision) };
  const { model, chip, batch } = config;
  const { tp, pp, ep } = config.parallelism;
  const dp = config.chips / (tp * pp);
  const counts = countParams(model);
  const params = { total: counts.total, active: counts.active };
  const speculation = resolveSpeculation(config);
  // chips that TP·PP does not divide are infeasible (chips_divide_parallelism); DP is then the whole replicas they hold
  const inputs = resolvedInputs(given.chip, config, Math.floor(dp), precision, params, speculation);

  const broken = ruleBroken(config) ?? disaggregationRuleBroken(config);
  if (broken !== null) return infeasible(inputs, broken.reason, broken.explanation);
  const unsupported = speculationBroken(config, speculation.mode, tp);
  if (unsupported !== null) return infeasible(inputs, 'speculative_unsupported', unsupported);
  const speculating = speculation.mode !== 'none';
  const drafter = speculating ? drafterOf(config, speculation.mode) : null;
  const verifyTokens = speculation.draftTokens + 1;

  const memoryInputs = {
    model,
    chip,
    tp,
    pp,
    ep,
    batch,
    inputTokens: config.inputTokens,
    outputTokens: config.outputTokens,
    precision: config.precision,
    attentionSharding: inputs.attentionSharding,
    schedule: inputs.schedule,
    chunkTokens: inputs.chunkTokens,
    redundantExperts: inputs.redundantExperts,
    ...(drafter === null ? {} : { drafter: { model: drafter, mode: speculation.mode, verifyTokens, expectedTokens: speculation.expectedTokensPerStep } }),
    ...(config.disaggregation === undefined ? {} : { decodeOnly: true }),
  };
  const memory = memoryPerChip(memoryInputs);
  if (memory.total > memory.capacity) {
    const layout = smallestLayoutToFit(memoryInputs);
    const need = `${bytesText(memory.total)} per chip (weights ${bytesText(memory.weights)}, KV cache ${bytesText(memory.kvCache)}, activations ${bytesText(memory.activations)})`;
    const fit = layout === null ? 'no TP·PP layout of one replica fits' : `the smallest layout that fits uses ${layout.tp * layout.pp} chips (tp ${layout.tp} · pp ${layout.pp})`;
    return infeasible(inputs, 'capacity', `Does not fit: needs ${need} but ${chip.name} has ${bytesText(memory.capacity)} usable; ${fit}.`, { memory, layout });
  }

  const peakFlopsPerS = chip.compute.peakDenseFlopsPerS[precision]!.value;
  const dpAttention = inputs.attentionSharding === 'dp';
  const ctx: PhaseContext = {
    model,
    chip,
    layout: shardLayout(model, tp, ep, inputs.redundantExperts, dpAttention ? 1 : tp),
    stage: slowestStageLayers(model, pp),
    tp,
    pp,
    ep,
    dp,
    precision: config.precision,
    peakFlopsPerS,
    attention: attentionComputeOf(given.chip, config.precision),
    commOverlap: inputs.commOverlap,
    moeImbalance: inputs.moeImbalance,
    attentionSharding: inputs.attentionSharding,
    attentionImbalance: dpAttention ? dataParallelAttentionImbalance(batch, tp) : 1,
    microBatches: inputs.twoBatchOverlap ? 2 : 1,
  };
  const replicaChips = tp * pp;
  const gatheredOnly = pp === 1 && !model.tiedEmbeddings ? ctx.layout.embeddingParamsPerChip * PRECISION_BYTES[config.precision.weights] : 0;
  // Latency floor: each chip streams its weight shard once per micro-batch, pp micro-batches per
  // token; an untied embedding table is only gathered, never streamed. At the faster of the two
  // η_mem (dense weights, gathered reads), so that it stays a floor.
  const floorEta = Math.max(efficiencyAt(chip.efficiency.memory, 1), efficiencyAt(weightMemoryOf(chip), 1));
  const floorS = (pp * (memory.weights - gatheredOnly)) / (chip.memory.bandwidthBytesPerS.value * floorEta);
  const speculator = drafter === null ? null : { ctx: drafterContext(ctx, drafter, speculation.mode, inputs.redundantExperts), mode: speculation.mode, draftTokens: speculation.draftTokens, verifyTokens, expectedTokens: speculation.expectedTokensPerStep };
  const prefillWorker = prefillWorkerOf(config);
  if (prefillWorker !== null) return disaggregated(config, inputs, ctx, memory, counts.active, floorS, speculator, prefillWorker);
  if (inputs.schedule === 'continuous') return continuous(config, inputs, ctx, memory, counts.active, floorS, speculator);

  // Prefill: the whole batch's prompts in one pass; the stages run one after another for a request.
  // A drafter then reads the prompts too, to fill its own KV cache (docs/MODEL.md §7).
  const prefillTokens = batch * config.inputTokens;
  let prefillStage = stageCost(ctx, 'prefill', prefillTokens, config.inputTokens, batch);
  let ttftS = pp * prefillStage.timeS + (pp - 1) * pipelineSendS(ctx, prefillTokens, prefillStage);
  let prefillBytes = pp * prefillStage.bytes;
  if (speculator !== null) {
    const draftPrefill = draftPass(speculator.ctx, speculator.mode, 'prefill', prefillTokens, config.inputTokens, batch);
    ttftS += draftPrefill.timeS;
    prefillBytes += draftPrefill.bytes;
    prefillStage = withDraftPasses(prefillStage, draftPrefill, 1);
  }

  // Decode: PP splits the batch into pp micro-batches, so TPOT = pp · t_stage(B/pp) (MODEL.md §4).
  // Speculating, a step verifies γ + 1 tokens per sequence after γ draft passes of the whole batch
  // on the last stage, and advances E tokens: TPOT = step / E (docs/MODEL.md §7).
  const decodeContext = config.inputTokens + config.outputTokens / 2;
  let decodeStage: StageCost;
  let tpotS: number;
  let decodeBytes: number;
  let decodeFlops: number;
  let decodeCommS: number;
  if (speculator === null) {
    const microBatch = batch / pp;
    decodeStage = stageCost(ctx, 'decode', microBatch, decodeContext, microBatch);
    tpotS = pp * (decodeStage.timeS + pipelineSendS(ctx, microBatch, decodeStage));
    decodeBytes = pp * decodeStage.bytes;
    decodeFlops = pp * decodeStage.flops;
    decodeCommS = pp * decodeStage.commS;
  } else {
    const verified = (batch * speculator.verifyTokens) / pp;
    const verify = stageCost(ctx, 'decode', verified, decodeContext, verified);
    const draft = draftPass(speculator.ctx, speculator.mode, 'decode', batch, decodeContext, batch);
    const stepS = pp * (verify.timeS + pipelineSendS(ctx, verified, verify)) + speculator.draftTokens * draft.timeS;
    const E = speculator.expectedTokens;
    tpotS = stepS / E;
    decodeStage = withDraftPasses(verify, draft, speculator.draftTokens);
    decodeBytes = (pp * verify.bytes + speculator.draftTokens * draft.bytes) / E;
    decodeFlops = (pp * verify.flops + speculator.draftTokens * draft.flops) / E;
    decodeCommS = (pp * verify.commS + speculator.draftTokens * draft.commS) / E;
  }

  const usefulPerToken = 2 * counts.active;
  const prefill = phaseCost(prefillStage, ttftS, usefulPerToken * prefillTokens, replicaChips, peakFlopsPerS, prefillBytes, chip, prefillStage.bound);
  const decode = phaseCost(decodeStage, tpotS, usefulPerToken * batch, replicaChips, peakFlopsPerS, decodeBytes, chip, decodeStage.bound);

  const tokensPerS = (dp * batch) / tpotS;
  const prefillTokensPerS = (dp * prefillTokens) / ttftS;
  const usdPerChipHour = inputs.usdPerChipHour;
  const fleetUsdPerS = (config.chips * usdPerChipHour) / 3600;
  // Power: the chip's components at the step's FLOP/s and bytes/s, else the busier of the compute
  // and memory pipes (docs/MODEL.md §10).
  const computeUtilisation = decodeFlops / tpotS / peakFlopsPerS;
  const utilisation = Math.min(1, Math.max(computeUtilisation, decode.mbu));
  const powerPerChipW = chipPowerW(chip, precision, decodeFlops / tpotS, decodeBytes / tpotS, decodeCommS / tpotS, utilisation);
  const prefillUtilisation = Math.min(1, Math.max(prefillStage.flops * pp / ttftS / peakFlopsPerS, prefill.mbu));
  const prefillChipW = chipPowerW(chip, precision, (pp * prefillStage.flops) / ttftS, prefillBytes / ttftS, (pp * prefillStage.commS) / ttftS, prefillUtilisation);
  const requestLatencyS = ttftS + (config.outputTokens - 1) * tpotS;
  const energyPerTokenJ = (replicaChips * powerPerChipW * tpotS) / batch;
  const inputTokensPerSPerChip = (dp * batch * config.inputTokens) / requestLatencyS / config.chips;

  return {
    feasible: true,
    reason: null,
    explanation: explain(decode.bound, decodeStage, config, floorS),
    minChipsToFit: null,
    schedule: 'static',
    // a static batch is an engine benchmark with no serving front end: no t_req (docs/MODEL.md §6)
    ttftS,
    tpotS,
    requestLatencyS,
    tokensPerS,
    tokensPerSPerChip: tokensPerS / config.chips,
    tokensPerSPerUser: 1 / tpotS,
    inputTokensPerSPerChip,
    totalTokensPerSPerChip: inputTokensPerSPerChip + tokensPerS / config.chips,
    prefillTokensPerS,
    serving: null,
    disaggregation: null,
    mfu: { prefill: prefill.mfu, decode: decode.mfu },
    mbu: { prefill: prefill.mbu, decode: decode.mbu },
    bound: { prefill: prefill.bound, decode: decode.bound },
    memoryPerChipBytes: memory,
    costPerMillionTokensUsd: (fleetUsdPerS / tokensPerS) * 1e6,
    costPerMillionInputTokensUsd: (fleetUsdPerS / prefillTokensPerS) * 1e6,
    powerPerChipW,
    energyPerTokenJ,
    energy: energyFigures(
      precision,
      [{ chip, chips: config.chips }],
      { chipW: powerPerChipW, decodeChipW: powerPerChipW, prefillChipW, chipJPerOutputToken: energyPerTokenJ, tokensPerS, decodeChipWByComponent: chipPowerComponentsW(chip, precision, decodeFlops / tpotS, decodeBytes / tpotS, decodeCommS / tpotS) },
      pueOf(config),
    ),
    prefill,
    decode,
    inputs,
  };
}

/** A speculative decoder as the schedules run it (docs/MODEL.md §7). */
interface Speculator {
  readonly ctx: PhaseContext;
  readonly mode: SpeculativeMode;
  /** γ. */
  readonly draftTokens: number;
  /** g = γ + 1. */
  readonly verifyTokens: number;
  /** E. */
  readonly expectedTokens: number;
}

/**
 * Context balance (docs/MODEL.md §6): with data-parallel attention over r = TP ranks, the engine
 * holds each arriving prompt until every rank has one, or for `timeoutIterations` iterations
 * (T_out = N·T(D), the decode iterations that run meanwhile), then prefills the prompts waiting in
 * one iteration. The load is taken once, from the schedule with prompts alone: λ₁ = B/L₁
 * (`latencyAloneS`, L₁ without t_req), arrivals spaced 1/λ₁ apart.
 * - They fill the r ranks when B ≥ r and λ₁·T_out ≥ r − 1: the first r − 1 wait for the r-th,
 *   (r − 1)/(2λ₁) on average.
 * - Otherwise the timeout starts the iteration with the a = min(B, r, 1 + ⌊λ₁·T_out⌋) prompts
 *   that came, which wait T_out − (a − 1)/(2λ₁).
 * The iteration runs m of them, as many as the budget left beside the decode tokens holds
 * (m·chunk ≤ C − g·D, at least one). With N = 0, or one rank, m = 1 and the wait is 0 exactly.
 *
 * @example
 * contextBalanceOf(60, 8, 64, 8000, 1000, 20, 0.02); // λ₁ = 3.2/s, λ₁·T_out = 3.84 < 7: a = 4, m = 4, W = 1.2 − 3/6.4 = 0.73 s
 */
export function contextBalanceOf(timeoutIterations: number, ranks: number, batch: number, budgetLeftTokens: number, chunkTokens: number, latencyAloneS: number, decodeIterationS: number): { promptsPerIteration: number; waitS: number } {
  const rate = batch / latencyAloneS;
  const timeoutS = timeoutIterations * decodeIterationS;
  const fit = Math.max(1, Math.floor(budgetLeftTokens / chunkTokens));
  if (batch >= ranks && ranks - 1 <= rate * timeoutS) return { promptsPerIteration: Math.min(ranks, fit), waitS: (ranks - 1) / (2 * rate) };
  const arrived = Math.min(batch, ranks, 1 + Math.floor(rate * timeoutS));
  return { promptsPerIteration: Math.min(arrived, fit), waitS: timeoutS - (arrived - 1) / (2 * rate) };
}

/**
 * The continuous schedule (docs/MODEL.md §6): the steady state's iteration of D decode and P prompt
 * tokens through the per-operator roofline once, TPOT = that iteration, TTFT = its chunks (plus
 * queueing when the budget binds), and every per-token figure by Little's law over the request.
 */
function continuous(
  config: InferenceConfig,
  inputs: ResolvedInputs,
  ctx: PhaseContext,
  memory: MemoryBreakdown,
  activeParams: number,
  floorS: number,
  speculator: Speculator | null,
): FeasibleInferenceResult {
  const { chip, batch, inputTokens, outputTokens } = config;
  const { tp, pp, dp, peakFlopsPerS } = ctx;
  const replicaChips = tp * pp;
  // Speculating, each decoding sequence verifies g = γ + 1 tokens per iteration and advances E,
  // so a request decodes in n = (S_out − 1)/E iterations (docs/MODEL.md §7); without, g = E = 1.
  const g = speculator?.verifyTokens ?? 1;
  const E = speculator?.expectedTokens ?? 1;
  const n = (outputTokens - 1) / E;
  const state = steadyState(batch, inputTokens, outputTokens, inputs.chunkTokens, { verifyTokens: g, expectedTokens: E });
  const D = state.decodeTokens;
  const P = state.promptTokens;
  const decodeTokens = g * D;
  const contextTokens = inputTokens + outputTokens / 2;
  // One iteration of the decode tokens beside `prompt` prompt tokens, with `logits` through the LM
  // head. With PP its tokens split into pp micro-batches, as a static decode step's do. A drafter's
  // γ passes follow on the last stage, the first also reading the prompt chunk into its KV cache.
  const runIteration = (prompt: number, logits: number): { stage: StageCost; timeS: number } => {
    const verify = stageCost(ctx, 'decode', decodeTokens / pp, contextTokens, logits / pp, { tokens: prompt / pp, length: inputTokens });
    const timeS = pp * (verify.timeS + pipelineSendS(ctx, (decodeTokens + prompt) / pp, verify));
    if (speculator === null) return { stage: verify, timeS };
    const first = draftPass(speculator.ctx, speculator.mode, 'decode', D, contextTokens, D, { tokens: prompt, length: inputTokens });
    if (speculator.draftTokens === 1) return { stage: withDraftPasses(verify, first, 1), timeS: timeS + first.timeS };
    const later = draftPass(speculator.ctx, speculator.mode, 'decode', D, contextTokens, D);
    const rest = speculator.draftTokens - 1;
    return { stage: withDraftPasses(withDraftPasses(verify, first, 1), later, rest), timeS: timeS + first.timeS + rest * later.timeS };
  };
  // A prompt's k iterations carry its own chunk of S_in/k tokens. When prompts arrive one at a
  // time (the chunk is more than the average P per iteration, and the budget does not bind), a
  // share P/chunk of the iterations carries a chunk and the rest decode alone. A request's own
  // chunks make its TTFT; while it decodes, the other B − 1 requests' chunks come by, a share
  // φ = (P/chunk)·(B − 1)/B of its iterations: its iteration is (1 − φ)·T(D) + φ·T(D + chunk), not
  // T(D + P). The two differ because an iteration's time is not linear in its tokens: the
  // roofline's max, and a MoE layer's touched experts, which P tokens spread over every iteration
  // would multiply (docs/MODEL.md §6). Prompts that finish in an iteration each take one logit.
  const chunk = inputTokens / state.chunksPerPrompt;
  const oneAtATime = !state.budgetBinds && chunk > P;
  let stage: StageCost;
  let iterationS: number;
  let chunkIterationS = 0;
  let balance: { promptsPerIteration: number; waitS: number } | null = null;
  if (oneAtATime) {
    const alone = runIteration(0, decodeTokens);
    // m prompts' chunks in one iteration: a request decodes beside the other requests' groups, a
    // share (P/(m·chunk))·(B − m)/B of its iterations (m = 1: each prompt alone)
    const prompts = (m: number): { share: number; group: { stage: StageCost; timeS: number } } => ({
      share: (P / (m * chunk)) * ((batch - m) / batch),
      group: runIteration(m * chunk, decodeTokens + (m * chunk) / inputTokens),
    });
    let { share, group } = prompts(1);
    if (config.contextBalance !== undefined) {
      balance = contextBalanceOf(config.contextBalance.timeoutIterations, tp, batch, inputs.chunkTokens - decodeTokens, chunk, state.chunksPerPrompt * group.timeS + n * ((1 - share) * alone.timeS + share * group.timeS), alone.timeS);
      if (balance.promptsPerIteration > 1) ({ share, group } = prompts(balance.promptsPerIteration));
    }
    chunkIterationS = group.timeS;
    iterationS = (1 - share) * alone.timeS + share * group.timeS;
    stage = mixedStage(alone.stage, 1 - share, group.stage, share);
  } else {
    ({ stage, timeS: iterationS } = runIteration(P, decodeTokens + P / inputTokens));
  }
  const tpotS = iterationS / E;
  // TTFT: when the budget binds, every iteration is full and the excess requests queue:
  // B/λ − n·T. Otherwise the prompt's k iterations, each carrying its chunk (and, under context
  // balance, the other ranks' chunks, after the wait for them).
  let ttftS: number;
  if (state.budgetBinds) ttftS = iterationS * ((batch * (inputTokens + g * n)) / inputs.chunkTokens - n);
  else if (oneAtATime) ttftS = (balance?.waitS ?? 0) + state.chunksPerPrompt * chunkIterationS;
  else ttftS = state.chunksPerPrompt * iterationS;
  // The scheduler takes in requests every N iterations, and after every iteration that runs prompt
  // tokens (SGLang counts a prefill forward 1,000 decode ones): every min(N, 1/s) iterations, s the
  // share of iterations carrying a prompt chunk (all of them unless prompts come one at a time). An
  // arrival waits half that (docs/MODEL.md §6, "Receive interval").
  const intakeShare = oneAtATime ? P / ((balance?.promptsPerIteration ?? 1) * chunk) : 1;
  const intakeIterations = config.receiveInterval === undefined ? 0 : Math.min(config.receiveInterval, 1 / intakeShare);
  const intakeWaitS = (intakeIterations * iterationS) / 2;
  ttftS = ttftS + intakeWaitS;
  const requestLatencyS = ttftS + n * iterationS;
  const requestsPerS = batch / requestLatencyS;

  const tokensPerS = (dp * batch * outputTokens) / requestLatencyS;
  const prefillTokensPerS = (dp * batch * inputTokens) / requestLatencyS;
  const inputTokensPerSPerChip = prefillTokensPerS / config.chips;
  const tokensPerSPerChip = tokensPerS / config.chips;
  const fleetUsdPerS = (config.chips * inputs.usdPerChipHour) / 3600;
  // Useful work counts the tokens kept: E per decoding sequence, and the prompt's.
  const mfu = (2 * activeParams * (E * D + P)) / iterationS / (replicaChips * peakFlopsPerS);
  const mbu = (pp * stage.bytes) / iterationS / chip.memory.bandwidthBytesPerS.value;
  const computeUtilisation = (pp * stage.flops) / iterationS / peakFlopsPerS;
  const utilisation = Math.min(1, Math.max(computeUtilisation, mbu));
  const powerPerChipW = chipPowerW(chip, computePrecision(config.precision.weights, config.precision.activations), (pp * stage.flops) / iterationS, (pp * stage.bytes) / iterationS, (pp * stage.commS) / iterationS, utilisation);
  const energyPerTokenJ = (replicaChips * powerPerChipW * requestLatencyS) / (batch * outputTokens);
  const phaseOf = (timeS: number): PhaseCost => ({
    timeS,
    computeBoundS: stage.computeBoundS,
    memoryBoundS: stage.memoryBoundS,
    commS: stage.commS,
    networkS: stage.networkS,
    overheadS: stage.overheadS,
    bound: stage.bound,
    operators: stage.operators,
    mfu,
    mbu,
  });
  const serving: ServingState = {
    chunkTokens: inputs.chunkTokens,
    decodeTokens: D,
    promptTokens: P,
    chunksPerPrompt: state.chunksPerPrompt,
    budgetBinds: state.budgetBinds,
    requestsPerS,
    queueingS: state.budgetBinds ? ttftS - state.chunksPerPrompt * iterationS : intakeWaitS + (balance?.waitS ?? 0),
    contextBalance: balance,
    intake: config.receiveInterval === undefined ? null : { iterations: intakeIterations, waitS: intakeWaitS },
    admission: null,
  };
  return {
    feasible: true,
    reason: null,
    explanation: explain(stage.bound, stage, config, floorS),
    minChipsToFit: null,
    schedule: 'continuous',
    // t_req, the serving front end's fixed time per request, delays the first token, not the chips (docs/MODEL.md §6)
    ttftS: ttftS + requestOverheadOf(config),
    tpotS,
    requestLatencyS: requestLatencyS + requestOverheadOf(config),
    tokensPerS,
    tokensPerSPerChip,
    tokensPerSPerUser: 1 / tpotS,
    inputTokensPerSPerChip,
    totalTokensPerSPerChip: inputTokensPerSPerChip + tokensPerSPerChip,
    prefillTokensPerS,
    serving,
    disaggregation: null,
    mfu: { prefill: mfu, decode: mfu },
    mbu: { prefill: mbu, decode: mbu },
    bound: { prefill: stage.bound, decode: stage.bound },
    memoryPerChipBytes: memory,
    costPerMillionTokensUsd: (fleetUsdPerS / tokensPerS) * 1e6,
    // The prompt tokens' share of the iteration's tokens pays for them.
    costPerMillionInputTokensUsd: ((fleetUsdPerS * (P / (decodeTokens + P))) / prefillTokensPerS) * 1e6,
    powerPerChipW,
    energyPerTokenJ,
    energy: energyFigures(
      computePrecision(config.precision.weights, config.precision.activations),
      [{ chip, chips: config.chips }],
      {
        chipW: powerPerChipW,
        decodeChipW: powerPerChipW,
        prefillChipW: powerPerChipW,
        chipJPerOutputToken: energyPerTokenJ,
        tokensPerS,
        decodeChipWByComponent: chipPowerComponentsW(chip, computePrecision(config.precision.weights, config.precision.activations), (pp * stage.flops) / iterationS, (pp * stage.bytes) / iterationS, (pp * stage.commS) / iterationS),
      },
      pueOf(config),
    ),
    prefill: phaseOf(ttftS),
    decode: phaseOf(tpotS),
    inputs,
  };
}

/**
 * T_1, the prefill time of a lone prompt of `inputTokens`, and the iterations it takes, in a worker whose rank runs at most
 * `rankBudgetTokens` an iteration (docs/MODEL.md §8, "Prefill iterations"): C, or C/W_p with
 * data-parallel attention, where each rank schedules its own requests at its share of the budget
 * (SGLang divides `--chunked-prefill-size` by the data-parallel size; TensorRT-LLM's
 * `max_num_tokens` is per rank). A prompt longer than that runs in k = ⌈S_in/c⌉ iterations of
 * c tokens on its rank, the last one S_in − (k − 1)·c: each iteration reads the rank's weights
 * again, while the prompt's attention stays what one iteration gives it (each chunk's tokens attend
 * to the prompt's mean causal context, S_in/2, as the continuous iteration's chunks do, §6).
 * An 8k prompt on one of 8 ranks of a 32,768-token budget: two iterations, 4,096 and 3,277 tokens.
 */
function lonePrompt(ctx: PhaseContext, rankBudgetTokens: number, inputTokens: number): { timeS: number; iterations: number } {
  const iterations = Math.ceil(inputTokens / rankBudgetTokens);
  if (iterations <= 1) return { timeS: stageCost(ctx, 'prefill', inputTokens, inputTokens, 1).timeS, iterations: 1 };
  const last = inputTokens - (iterations - 1) * rankBudgetTokens;
  const timeS = (iterations - 1) * stageCost(ctx, 'prefill', rankBudgetTokens, inputTokens, 1).timeS + stageCost(ctx, 'prefill', last, inputTokens, 1).timeS;
  return { timeS, iterations };
}

/**
 * Disaggregated prefill and decode (docs/MODEL.md §8): n_p prefill workers of W_p chips feed n_d
 * decode workers of W_d chips, each decode worker holding B requests in flight (a closed loop at
 * fixed concurrency B·n_d).
 * - A prefill worker runs iterations of C prompt tokens (T_p), so it completes C/S_in prompts per
 *   iteration: λ_p = n_p·C/(S_in·T_p). A prompt takes k = ⌈S_in/C⌉ iterations.
 * - Its KV cache, S_in·L·(KV elements per token)·bytes, moves at the slower of the prefill worker's
 *   egress and the decode worker's ingress (scale-up when one domain holds both pools, else
 *   scale-out), t_kv = α + bytes/rate; the links carry λ_kv = min(n_p·egress, n_d·ingress)/bytes.
 * - Decode at the full batch, T_B = T(B): λ_d = n_d·B/(n′·T_B + k·T_p + t_kv).
 * - λ = min(λ_p, λ_d, λ_kv). Decode runs at the batch the loop leaves it, D = λ·n′·T_B/n_d, and
 *   TPOT = T(D)/E; by Little's law the request takes B·n_d/λ, so TTFT = B·n_d/λ − n′·T(D), which
 *   holds the prefill queue, the prefill itself and the transfer. The pools that do not bind idle
 *   in proportion, 1 − λ/λ_pool.
 * The drafter's own prefill of the prompt is left out of the prefill worker (one MTP layer in 62).
 */
function disaggregated(
  config: InferenceConfig,
  inputs: ResolvedInputs,
  ctx: PhaseContext,
  memory: MemoryBreakdown,
  activeParams: number,
  floorS: number,
  speculator: Speculator | null,
  worker: PrefillWorker,
): InferenceResult {
  const { model, chip, batch, inputTokens, outputTokens } = config;
  const disagg = config.disaggregation!;
  const prefillWorkers = disagg.prefillWorkers;
  const decodeWorkers = disagg.decodeWorkers;
  const C = inputs.chunkTokens;
  const precision = computePrecision(config.precision.weights, config.precision.activations);
  // the decode chip is already at its compute precision; another prefill chip is put at it here
  const chipP = worker.chip === chip ? chip : atComputePrecision(worker.chip, precision);
  const Wp = worker.tp;
  const Wd = ctx.tp * ctx.pp;

  // The prefill worker's fullest chip: the weights, one iteration's prompts' KV cache and its workspace.
  const prefillMemory = memoryPerChip({
    model,
    chip: chipP,
    tp: Wp,
    pp: 1,
    ep: worker.ep,
    batch: Math.ceil(C / inputTokens),
    inputTokens,
    outputTokens: 0,
    precision: config.precision,
    attentionSharding: worker.attention,
    schedule: 'static',
    chunkTokens: C,
    redundantExperts: worker.redundantExperts,
  });
  if (prefillMemory.total > prefillMemory.capacity) {
    const need = `${bytesText(prefillMemory.total)} per chip (weights ${bytesText(prefillMemory.weights)}, KV cache ${bytesText(prefillMemory.kvCache)}, activations ${bytesText(prefillMemory.activations)})`;
    return infeasible(inputs, 'capacity', `Prefill worker does not fit: needs ${need} but ${chipP.name} has ${bytesText(prefillMemory.capacity)} usable; use a larger --prefill-tp.`, { memory, layout: null });
  }
  const peakP = chipP.compute.peakDenseFlopsPerS[precision]!.value;
  const ctxP: PhaseContext = {
    model,
    chip: chipP,
    layout: shardLayout(model, Wp, worker.ep, worker.redundantExperts, worker.attention === 'dp' ? 1 : Wp),
    stage: slowestStageLayers(model, 1),
    tp: Wp,
    pp: 1,
    ep: worker.ep,
    dp: 1,
    precision: config.precision,
    peakFlopsPerS: peakP,
    // the same chip as decode keeps decode's attention figures (from the chip as given); another computes its own
    attention: worker.chip === chip ? ctx.attention : attentionComputeOf(worker.chip, config.precision),
    commOverlap: { prefill: config.commOverlap ?? chipP.efficiency.commOverlap?.value ?? 0, decode: config.commOverlap ?? 0 },
    moeImbalance: ctx.moeImbalance,
    attentionSharding: worker.attention,
    // chunked prompts spread evenly over the attention ranks
    attentionImbalance: 1,
    microBatches: ctx.microBatches ?? 1,
  };
  const prefillStage = stageCost(ctxP, 'prefill', C, inputTokens, C / inputTokens);
  const Tp = prefillStage.timeS;
  const chunksPerPrompt = Math.ceil(inputTokens / C);
  const lambdaP = (prefillWorkers * C) / (inputTokens * Tp);
  // A prompt shorter than the budget runs in an iteration of the prompts waiting, not a full one
  // (docs/MODEL.md §8, "Prefill iterations"): T(x) for x prompt tokens is the secant through one
  // prompt's iteration, T_1, and the full one, T_p; a longer prompt runs k full iterations.
  const partial = chunksPerPrompt === 1 && inputTokens < C;
  // A lone prompt sits on one data-parallel attention rank (a request belongs to one rank), so
  // that rank computes its whole attention block: the busiest of W_p ranks holds ⌈1/W_p⌉ of one prompt.
  // and each rank schedules at its share of the budget, C/W_p (lonePrompt)
  const dpPrefill = worker.attention === 'dp';
  const ctxLone: PhaseContext = dpPrefill ? { ...ctxP, attentionImbalance: dataParallelAttentionImbalance(1, Wp) } : ctxP;
  const lone = partial ? lonePrompt(ctxLone, dpPrefill ? C / Wp : C, inputTokens) : { timeS: Tp, iterations: 1 };
  const T1 = lone.timeS;
  const slope = partial ? (Tp - T1) / (C - inputTokens) : 0;
  /** The prompts one prefill iteration runs at load λ, m, and the prefill time a prompt sees. */
  const prefillAt = (lambdaLoad: number): { prompts: number; timeS: number } => {
    if (!partial) return { prompts: C / inputTokens, timeS: chunksPerPrompt * Tp };
    // those arriving while one iteration runs: m = r·T(m), 1 ≤ m ≤ C/S_in, with T(m) on the secant
    const r = lambdaLoad / prefillWorkers;
    const denominator = 1 - r * slope * inputTokens;
    const m = denominator <= 0 ? C / inputTokens : Math.min(C / inputTokens, Math.max(1, (r * (T1 - slope * inputTokens)) / denominator));
    return { prompts: m, timeS: T1 + slope * (m - 1) * inputTokens };
  };

  // The KV transfer of one request.
  const kvBytes = inputTokens * model.layers * ctx.layout.kvElementsPerToken * PRECISION_BYTES[config.precision.kvCache];
  const prefillChips = prefillWorkers * Wp;
  const decodeChips = decodeWorkers * Wd;
  const totalChips = prefillChips + decodeChips;
  const oneDomain = chipP === chip && totalChips <= chip.scaleUp.domainSize.value;
  const level = oneDomain ? 'scaleUp' : 'scaleOut';
  const egress = workerLinkBytesPerS(chipP, Wp, level, kvBytes);
  const ingress = workerLinkBytesPerS(chip, Wd, level, kvBytes);
  const hopS = oneDomain ? chipP.scaleUp.hopLatencyS.value : chipP.scaleOut.hopLatencyS.value;
  const kvS = hopS + kvBytes / Math.min(egress, ingress);
  const lambdaKv = Math.min(prefillWorkers * egress, decodeWorkers * ingress) / kvBytes;
  // Decode iterations: g·D verified tokens, no prompt chunks.
  const g = speculator?.verifyTokens ?? 1;
  const E = speculator?.expectedTokens ?? 1;
  const n = (outputTokens - 1) / E;
  const contextTokens = inputTokens + outputTokens / 2;
  const iterate = (D: number): { stage: StageCost; timeS: number } => {
    const decodeTokens = g * D;
    const verify = stageCost(ctx, 'decode', decodeTokens / ctx.pp, contextTokens, decodeTokens / ctx.pp);
    const timeS = ctx.pp * (verify.timeS + pipelineSendS(ctx, decodeTokens / ctx.pp, verify));
    if (speculator === null) return { stage: verify, timeS };
    const draft = draftPass(speculator.ctx, speculator.mode, 'decode', D, contextTokens, D);
    return { stage: withDraftPasses(verify, draft, speculator.draftTokens), timeS: timeS + speculator.draftTokens * draft.timeS };
  };
  const full = iterate(batch);
  // The load the prefill iteration sees: the rate with a one-prompt iteration (one step, no
  // fixed-point iteration, so the kernel takes the same operations), then the rate with it.
  const lambdaD1 = (decodeWorkers * batch) / (n * full.timeS + prefillAt(0).timeS + kvS);
  const prefillIteration = prefillAt(Math.min(lambdaP, lambdaD1, lambdaKv));
  const prefillS = prefillIteration.timeS;
  const firstS = prefillS + kvS;
  const lambdaD = (decodeWorkers * batch) / (n * full.timeS + firstS);
  // Where the secant falls (one prompt's iteration outlasts a full one: a lone prompt on one
  // data-parallel attention rank), the pool sustains only n_p·m/T(m) at its iterations of m prompts,
  // so that it is never busy more than all of the time; where it rises, that rate is at least the
  // load's and λ_p stands (docs/MODEL.md §8, λ_p′).
  const lambdaPrefill = slope < 0 ? Math.min(lambdaP, (prefillWorkers * prefillIteration.prompts) / prefillS) : lambdaP;
  let lambda: number;
  let bound: DisaggregationBound;
  if (lambdaPrefill <= lambdaD && lambdaPrefill <= lambdaKv) {
    lambda = lambdaPrefill;
    bound = 'prefill';
  } else if (lambdaD <= lambdaKv) {
    lambda = lambdaD;
    bound = 'decode';
  } else {
    lambda = lambdaKv;
    bound = 'kv-transfer';
  }
  const D = (lambda * n * full.timeS) / decodeWorkers;
  const { stage, timeS: iterationS } = iterate(D);
  const tpotS = iterationS / E;
  const requestLatencyS = (batch * decodeWorkers) / lambda;
  const ttftS = requestLatencyS - n * iterationS;

  const tokensPerS = lambda * outputTokens;
  const prefillTokensPerS = lambda * inputTokens;
  const inputTokensPerSPerChip = prefillTokensPerS / totalChips;
  const tokensPerSPerChip = tokensPerS / totalChips;
  // the price override is the configuration chip's; a different prefill chip keeps its list price
  const usdPerChipHourP = chipP === chip ? inputs.usdPerChipHour : chipP.price.usdPerChipHour.value;
  const prefillUsdPerS = (prefillChips * usdPerChipHourP) / 3600;
  const fleetUsdPerS = prefillUsdPerS + (decodeChips * inputs.usdPerChipHour) / 3600;
  // Power: a prefill chip draws its iteration's power while busy, its floor otherwise. Busy: each
  // worker runs r/m iterations of T(m) a second, r·T(m)/m of the time (λ/λ_p at the capacity, more
  // below it); a prompt longer than the budget packs into full iterations, λ/λ_p.
  const prefillBusy = partial ? ((lambda / prefillWorkers) * prefillS) / prefillIteration.prompts : lambda / lambdaP;
  const mfuP = (2 * activeParams * C) / Tp / (Wp * peakP);
  const mbuP = prefillStage.bytes / Tp / chipP.memory.bandwidthBytesPerS.value;
  const utilisationP = Math.min(1, Math.max(prefillStage.flops / Tp / peakP, mbuP));
  const floorP = chipFloorW(chipP, precision);
  const busyP = chipPowerW(chipP, precision, prefillStage.flops / Tp, prefillStage.bytes / Tp, prefillStage.commS / Tp, utilisationP);
  const powerP = floorP + (busyP - floorP) * prefillBusy;
  const { peakFlopsPerS } = ctx;
  const mfu = (2 * activeParams * (E * D)) / iterationS / (Wd * peakFlopsPerS);
  const mbu = (ctx.pp * stage.bytes) / iterationS / chip.memory.bandwidthBytesPerS.value;
  const utilisation = Math.min(1, Math.max((ctx.pp * stage.flops) / iterationS / peakFlopsPerS, mbu));
  const powerD = chipPowerW(chip, precision, (ctx.pp * stage.flops) / iterationS, (ctx.pp * stage.bytes) / iterationS, (ctx.pp * stage.commS) / iterationS, utilisation);
  const powerPerChipW = (prefillChips * powerP + decodeChips * powerD) / totalChips;

  const notes: string[] = [];
  for (const side of chipP === chip ? [chip] : [chipP, chip]) {
    const link = oneDomain ? side.scaleUp.bandwidthBytesPerS : side.scaleOut.bandwidthBytesPerS;
    if (/^estimate/i.test(link.source)) notes.push(`The KV transfer runs over ${side.name}'s ${oneDomain ? 'scale-up' : 'scale-out'} link, whose figure is an assumption: ${link.source}`);
  }
  const disaggregation: DisaggregationState = {
    prefillChip: chipP.id,
    prefillWorkers,
    decodeWorkers,
    prefillChips,
    decodeChips,
    prefillParallelism: { tp: Wp, ep: worker.ep, attention: worker.attention },
    requestsPerS: lambda,
    bound,
    prefillIdleShare: 1 - lambda / lambdaP,
    prefillBusyShare: prefillBusy,
    decodeIdleShare: 1 - lambda / lambdaD,
    prefillIterationS: Tp,
    promptsPerPrefillIteration: prefillIteration.prompts,
    promptPrefillS: prefillS,
    lonePromptIterations: lone.iterations,
    kvTransferBytes: kvBytes,
    kvTransferS: kvS,
    kvLink: oneDomain ? 'scale-up' : 'scale-out',
    prefillMemoryPerChipBytes: prefillMemory,
    notes,
  };
  const serving: ServingState = {
    chunkTokens: C,
    decodeTokens: D,
    promptTokens: 0,
    chunksPerPrompt,
    budgetBinds: bound === 'prefill',
    requestsPerS: lambda / decodeWorkers,
    queueingS: ttftS - firstS,
    contextBalance: null,
    intake: null,
    admission: null,
  };
  const phase = (s: StageCost, timeS: number, phaseMfu: number, phaseMbu: number): PhaseCost => ({
    timeS,
    computeBoundS: s.computeBoundS,
    memoryBoundS: s.memoryBoundS,
    commS: s.commS,
    networkS: s.networkS,
    overheadS: s.overheadS,
    bound: s.bound,
    operators: s.operators,
    mfu: phaseMfu,
    mbu: phaseMbu,
  });
  const limit =
    bound === 'prefill'
      ? `The ${prefillWorkers} prefill worker${prefillWorkers === 1 ? '' : 's'} set the request rate${
          lambda < lambdaP * (1 - 1e-9)
            ? `: busy all the time with iterations of ${prefillIteration.prompts.toFixed(2)} prompts, each prompt's attention block on one of ${Wp} data-parallel attention ranks, ${prefillWorkers === 1 ? 'it serves' : 'they serve'} ${((1 - lambda / lambdaP) * 100).toFixed(0)}% less than iterations of a full budget would`
            : ''
        } (the decode workers idle ${((1 - lambda / lambdaD) * 100).toFixed(0)}% of their capacity); more prefill workers would raise it.`
      : bound === 'decode'
        ? `The ${decodeWorkers} decode worker${decodeWorkers === 1 ? '' : 's'} set the request rate (the prefill workers idle ${((1 - lambda / lambdaP) * 100).toFixed(0)}% of the time). `
        : `The KV-cache transfer over ${oneDomain ? 'scale-up' : 'scale-out'} links sets the request rate: ${(kvBytes / 1e6).toFixed(0)} MB per request. `;
  return {
    feasible: true,
    reason: null,
    explanation: bound === 'decode' ? limit + explain(stage.bound, stage, config, floorS) : limit,
    minChipsToFit: null,
    schedule: 'continuous',
    // t_req, the serving front end's fixed time per request, delays the first token, not the chips (docs/MODEL.md §6)
    ttftS: ttftS + requestOverheadOf(config),
    tpotS,
    requestLatencyS: requestLatencyS + requestOverheadOf(config),
    tokensPerS,
    tokensPerSPerChip,
    tokensPerSPerUser: 1 / tpotS,
    inputTokensPerSPerChip,
    totalTokensPerSPerChip: inputTokensPerSPerChip + tokensPerSPerChip,
    prefillTokensPerS,
    serving,
    disaggregation,
    mfu: { prefill: mfuP, decode: mfu },
    mbu: { prefill: mbuP, decode: mbu },
    bound: { prefill: prefillStage.bound, decode: stage.bound },
    memoryPerChipBytes: memory,
    costPerMillionTokensUsd: (fleetUsdPerS / tokensPerS) * 1e6,
    // The prefill pool pays for the prompt tokens.
    costPerMillionInputTokensUsd: (prefillUsdPerS / prefillTokensPerS) * 1e6,
    powerPerChipW,
    energyPerTokenJ: (totalChips * powerPerChipW) / tokensPerS,
    energy: energyFigures(
      precision,
      chipP === chip ? [{ chip, chips: totalChips }] : [{ chip: chipP, chips: prefillChips }, { chip, chips: decodeChips }],
      {
        chipW: powerPerChipW,
        decodeChipW: powerD,
        prefillChipW: busyP,
        chipJPerOutputToken: (totalChips * powerPerChipW) / tokensPerS,
        tokensPerS,
        decodeChipWByComponent: chipPowerComponentsW(chip, precision, (ctx.pp * stage.flops) / iterationS, (ctx.pp * stage.bytes) / iterationS, (ctx.pp * stage.commS) / iterationS),
      },
      pueOf(config),
    ),
    prefill: phase(prefillStage, ttftS, mfuP, mbuP),
    decode: phase(stage, tpotS, mfu, mbu),
    inputs,
  };
}

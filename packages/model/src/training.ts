import { atComputePrecision, efficiencyAt, PRECISION_BYTES, type Precision } from '@ridgeline/hardware';
import { allGatherS, allReduceS, membersPerDomainFor } from './collectives.ts';
import { InputError } from './errors.ts';
import { requireCount, requireNumberIn, validateModelSpec, WORKLOAD_LIMITS } from './limits.ts';
import { computePrecision } from './inference.ts';
import { evenStageLayers, meanAttendedContext, shardLayout } from './layout.ts';
import { weightParamsPerChip } from './memory.ts';
import { countParams } from './params.ts';
import { dominantBound, pipelineSendRawS, stageCost, weightMemoryOf, type PhaseContext } from './phase.ts';
import { RECOMPUTE_MODES, type InfeasibleReason, type ModelSpec, type Recompute, type TrainingConfig, type TrainingMemory, type TrainingResult, type InfeasibleTrainingResult, type TrainingInputs } from './types.ts';


/**
 * The input checks of `estimateTraining`: throws `InputError` naming the field for a malformed
 * number or one beyond its limit (`MODEL_LIMITS`, `WORKLOAD_LIMITS`). Rule breaks (DP·TP·PP·CP ≠
 * chips, …) are reported as infeasible, not thrown.
 *
 * @example
 * validateTrainingConfig({ ...config, microBatch: 0 }); // throws InputError('microBatch', 'microBatch must be a positive integer, got 0')
 */
export function validateTrainingConfig(config: TrainingConfig): void {
  const W = WORKLOAD_LIMITS;
  validateModelSpec(config.model);
  requireCount('chips', config.chips, W.chips);
  for (const k of ['dp', 'tp', 'pp', 'cp', 'ep'] as const) requireCount(`parallelism.${k}`, config.parallelism[k], W.chips);
  requireCount('sequenceLength', config.sequenceLength, W.tokens);
  requireCount('globalBatch', config.globalBatch, W.batch);
  requireCount('microBatch', config.microBatch, W.batch);
  if (config.virtualStages !== undefined) requireCount('virtualStages', config.virtualStages, W.virtualStages);
  if (!(config.totalTokens > 0)) {
    throw new InputError('totalTokens', `totalTokens must be a positive number of tokens, got ${String(config.totalTokens)}`);
  }
  requireNumberIn('totalTokens', config.totalTokens, 0, W.totalTokens, 'a positive number of tokens', 'tokens');
  const zero = config.zeroStage;
  if (zero !== undefined && ![0, 1, 2, 3].includes(zero)) throw new InputError('zeroStage', `zeroStage must be one of 0, 1, 2, 3, got ${String(zero)}`);
  if (config.recompute !== undefined && !RECOMPUTE_MODES.includes(config.recompute)) {
    throw new InputError('recompute', `recompute must be one of none, selective, full, got ${String(config.recompute)}`);
  }
  const overlap = config.commOverlap;
  if (overlap !== undefined && !(overlap >= 0 && overlap <= 1)) throw new InputError('commOverlap', `commOverlap must be a fraction in [0, 1], got ${String(overlap)}`);
  const opt = config.optimizerBytesPerParam;
  if (opt !== undefined) requireNumberIn('optimizerBytesPerParam', opt, 0, W.optimizerBytesPerParam, 'a number ≥ 0', 'bytes');
  const price = config.usdPerChipHour;
  if (price !== undefined) requireNumberIn('usdPerChipHour', price, 0, W.usdPerChipHour, 'a price ≥ 0 USD per chip-hour', 'USD per chip-hour');
}

function ruleBroken(config: TrainingConfig, precision: Precision): { reason: InfeasibleReason; explanation: string } | null {
  const { model, chip, chips } = config;
  const { dp, tp, pp, cp, ep } = config.parallelism;
  if (dp * tp * pp * cp !== chips) {
    return { reason: 'chips_divide_parallelism', explanation: `${chips} chips ≠ DP·TP·PP·CP = ${dp}·${tp}·${pp}·${cp} = ${dp * tp * pp * cp}.` };
  }
  if (model.heads % tp !== 0) return { reason: 'tp_divides_heads', explanation: `TP ${tp} does not divide the ${model.heads} attention heads of ${model.id}.` };
  if (config.sequenceLength % cp !== 0) return { reason: 'cp_divides_sequence', explanation: `CP ${cp} does not divide the sequence length ${config.sequenceLength}.` };
  if (config.globalBatch % (dp * config.microBatch) !== 0) {
    return { reason: 'batch_divides', explanation: `the global batch ${config.globalBatch} is not a multiple of DP·b = ${dp}·${config.microBatch}.` };
  }
  // Interleaving splits each pipeline stage into chunks; without a pipeline there is nothing to
  // interleave, and the configuration would only repeat the one with virtualStages = 1.
  const virtualStages = config.virtualStages ?? 1;
  if (virtualStages > 1 && pp === 1) {
    return { reason: 'interleave_needs_pipeline', explanation: `${virtualStages} virtual stages interleave a pipeline, but PP is 1: use PP > 1 or virtualStages 1.` };
  }
  if (ep > 1) {
    const experts = model.moe?.experts;
    if (experts === undefined || experts % ep !== 0) {
      return { reason: 'ep_divides_experts', explanation: `EP ${ep} must divide the experts of ${model.id}${experts === undefined ? ' (a dense model: use EP 1)' : ` (${experts})`}.` };
    }
    if (ep % tp !== 0 || (tp * dp) % ep !== 0) return { reason: 'ep_layout', explanation: `EP ${ep} must be a multiple of TP ${tp} and divide TP·DP = ${tp * dp}.` };
  }
  if (chip.compute.peakDenseFlopsPerS[precision] === undefined) {
    return { reason: 'precision_unsupported', explanation: `${chip.name} has no ${precision} compute rate.` };
  }
  return null;
}

/**
 * Activation memory of one micro-batch in one layer, bytes (Korthikanti et al. 2022, "Reducing
 * Activation Recomputation in Large Transformer Models", §4): `s·b·d·(34/t + 5·a·s/(d·t))` with
 * sequence parallelism, `s·b·d·(10 + 24/t + 5·a·s/(d·t))` without; selective recomputation drops
 * the attention-score term, full recomputation keeps only the layer input (`2·s·b·d`, ÷ t with SP).
 * The constants are for 16-bit activations and scale with the precision's width.
 */
export function activationBytesPerLayer(
  model: ModelSpec,
  tokensPerSequence: number,
  microBatch: number,
  tp: number,
  recompute: Recompute,
  sequenceParallel: boolean,
  precision: Precision,
): number {
  const s = tokensPerSequence;
  const d = model.hiddenSize;
  const base = s * microBatch * d * (PRECISION_BYTES[precision] / 2);
  if (recompute === 'full') return (base * 2) / (sequenceParallel ? tp : 1);
  const scores = recompute === 'selective' ? 0 : (5 * model.heads * s) / (d * tp);
  const linear = sequenceParallel ? 34 / tp : 10 + 24 / tp;
  return base * (linear + scores);
}

/** Forward attention-core FLOPs per token (all layers), causal: Σ 2·h·(d_qk + d_v)·c̄ with c̄ = S/2 (window-capped). */
function attentionFlopsPerToken(model: ModelSpec, sequenceLength: number): number {
  const dims = shardLayout(model, 1, 1).prefillHeadDims;
  return model.layers * 2 * model.heads * (dims.qk + dims.v) * meanAttendedContext(model, sequenceLength, true);
}

/**
 * Estimates a training run (MODEL.md §1.2, §2.1, §4): the forward pass of one micro-batch through
 * the slowest stage is costed operator by operator (as for prefill, with every token's logits),
 * backward as twice the forward, plus recomputation (`full`: one more forward; `selective`: the
 * attention core again), TP collectives (forward and backward), context-parallel KV all-gathers,
 * pipeline sends and the 1F1B bubble `(p − 1)/(m + p − 1)`, then the data-parallel gradient
 * all-reduce over peers one replica apart, and the optimizer update streamed through memory.
 * Communication hides behind compute, never more than `commOverlap` (default the chip's) × the
 * micro-batch's operator time, and the gradient sync × the last backward's. MFU uses 6·N_active FLOPs per
 * token, attention excluded; `mfuWithAttention` counts it.
 *
 * @example
 * estimateTraining({ model: llama70b, chip: h100Sxm, chips: 1024,
 *   parallelism: { dp: 16, tp: 8, pp: 8, cp: 1, ep: 1 }, sequenceLength: 8192, globalBatch: 512,
 *   microBatch: 1, totalTokens: 15e12 }).mfu;
 */
export function estimateTraining(given: TrainingConfig): TrainingResult {
  validateTrainingConfig(given);
  // The chip as it computes at the training precision: its η_flop for the precision (MODEL.md §1.4).
  const config: TrainingConfig = { ...given, chip: atComputePrecision(given.chip, given.precision ?? 'bf16') };
  const { model, chip, chips } = config;
  const { dp, tp, pp, cp, ep } = config.parallelism;
  const precision = config.precision ?? 'bf16';
  const optimizerBytesPerParam = config.optimizerBytesPerParam ?? 12;
  const zeroStage = config.zeroStage ?? 0;
  const recompute = config.recompute ?? 'selective';
  const sequenceParallel = config.sequenceParallel ?? tp > 1;
  const commOverlap = config.commOverlap ?? chip.efficiency.commOverlap?.value ?? 0;
  const usdPerChipHour = config.usdPerChipHour ?? chip.price.usdPerChipHour.value;
  const counts = countParams(model);
  const computeAt = computePrecision(precision, precision);
  // a chip without the precision computes nothing at it (infeasible: precision_unsupported), as inference says it
  const peakFlopsPerS = chip.compute.peakDenseFlopsPerS[computeAt]?.value ?? 0;
  const S = config.sequenceLength;
  const b = config.microBatch;
  const virtualStages = config.virtualStages ?? 1;
  const inputs: TrainingInputs = {
    model: model.id,
    chip: chip.id,
    chips,
    parallelism: config.parallelism,
    sequenceLength: S,
    globalBatch: config.globalBatch,
    microBatch: b,
    virtualStages,
    totalTokens: config.totalTokens,
    precision,
    optimizerBytesPerParam,
    zeroStage,
    recompute,
    sequenceParallel,
    commOverlap,
    usdPerChipHour,
    peakFlopsPerS,
    params: { total: counts.total, active: counts.active },
    unevenPipeline: model.layers % pp !== 0,
  };
  const layout = shardLayout(model, tp, ep);
  // An uneven pipeline (PP not dividing L, as Llama 3 405B's 126 layers over 16 stages) is costed
  // at its slowest stage, ⌈L/p⌉ layers: the layer count is rounded up to a multiple of p for it.
  const unevenPipeline = model.layers % pp !== 0;
  const staged: ModelSpec = unevenPipeline ? { ...model, layers: Math.ceil(model.layers / pp) * pp } : model;
  const stage = evenStageLayers(staged, pp);
  const bytes = PRECISION_BYTES[precision];
  const capacity = chip.memory.capacityBytes.value * chip.memory.usableFraction.value;

  const broken = ruleBroken(config, precision);
  if (broken !== null) return infeasibleTraining(inputs, broken.reason, broken.explanation, null);

  // Memory (ZeRO shards optimizer state, then gradients, then weights over DP).
  const paramsPerChip = weightParamsPerChip(staged, layout, pp, stage);
  const microBatches = config.globalBatch / (dp * b);
  const inFlight = Math.min(pp, microBatches);
  const activationsPerLayer = activationBytesPerLayer(model, S / cp, b, tp, recompute, sequenceParallel, precision);
  const memory: TrainingMemory = sumMemory({
    weights: (paramsPerChip * bytes) / (zeroStage >= 3 ? dp : 1),
    gradients: (paramsPerChip * bytes) / (zeroStage >= 2 ? dp : 1),
    optimizer: (paramsPerChip * optimizerBytesPerParam) / (zeroStage >= 1 ? dp : 1),
    activations: stage.layers * inFlight * activationsPerLayer,
    capacity,
  });
  if (memory.total > memory.capacity) {
    const gb = (x: number): string => `${(x / 1e9).toFixed(1)} GB`;
    return infeasibleTraining(
      inputs,
      'capacity',
      `Does not fit: needs ${gb(memory.total)} per chip (weights ${gb(memory.weights)}, gradients ${gb(memory.gradients)}, optimizer ${gb(memory.optimizer)}, activations ${gb(memory.activations)}) but ${chip.name} has ${gb(capacity)} usable; raise the ZeRO stage, recompute more, or add TP/PP.`,
      memory,
    );
  }

  const ctx: PhaseContext = {
    model: staged,
    chip,
    layout,
    stage,
    tp,
    pp,
    ep,
    dp,
    precision: { weights: precision, kvCache: precision, activations: precision },
    peakFlopsPerS,
    commOverlap: { prefill: commOverlap, decode: commOverlap },
    moeImbalance: 1,
    attentionSharding: 'heads',
    attentionImbalance: 1,
  };
  const tokens = (b * S) / cp;
  const forward = stageCost(ctx, 'prefill', tokens, S, tokens);
  const attentionS = forward.operators.find((o) => o.name === 'attention')?.timeS ?? 0;
  const forwardOpsS = forward.computeBoundS + forward.memoryBoundS;
  const recomputeOpsS = recompute === 'full' ? forwardOpsS : recompute === 'selective' ? attentionS : 0;
  const forwardPasses = recompute === 'full' ? 2 : 1;
  // Backward runs every operator twice over (input and weight gradients): twice the forward's roofline time.
  const opsS = 3 * forwardOpsS + recomputeOpsS;
  // The micro-batch's communication (TP collectives of every forward and backward pass, the CP
  // all-gathers of KV, the sends to the next stage forward and backward once per model chunk) hides
  // behind its operators' time, never behind more than overlap × that time (MODEL.md §3).
  const tpCommS = forward.commS * (1 + forwardPasses);
  const kvGatherBytes = b * S * layout.kvElementsPerTokenPerChip * bytes;
  const cpCommS = cp > 1 ? stage.layers * (1 + forwardPasses) * allGatherS(chip, kvGatherBytes, cp) : 0;
  const sendS = 2 * virtualStages * pipelineSendRawS(ctx, tokens);
  const networkS = Math.max(0, tpCommS + cpCommS + sendS - commOverlap * opsS);
  const overheadS = (2 + forwardPasses) * forward.overheadS;
  const microBatchS = opsS + networkS + overheadS;
  // 1F1B: m micro-batch slots plus a (p − 1)-slot fill and drain, shortened v-fold by interleaving.
  const pipelineS = (microBatches + (pp - 1) / virtualStages) * microBatchS;
  const bubbleFraction = (pp - 1) / (virtualStages * microBatches + pp - 1);

  // Data-parallel gradient sync: one all-reduce of the chip's gradients (ZeRO-3: all-gather weights
  // for forward and backward, reduce-scatter gradients: 1.5×), over peers one replica (TP·PP·CP chips) apart.
  const gradientBytes = paramsPerChip * bytes;
  const dpRaw = allReduceS(chip, gradientBytes, dp, membersPerDomainFor(chip, dp, tp * pp * cp)) * (zeroStage >= 3 ? 1.5 : 1);
  // Gradient buckets reduce while the last micro-batch's backward still runs (DDP/FSDP bucketing):
  // that backward is the compute the sync hides behind, overlap × its time at most.
  const lastBackwardS = 2 * forwardOpsS + (recompute === 'none' ? 0 : recomputeOpsS);
  const dataParallelS = Math.max(0, dpRaw - commOverlap * lastBackwardS);
  // The optimizer reads and writes its share of weights, gradients and state once per step, whole
  // arrays streamed end to end: the contiguous-read η_mem (weightMemoryOf).
  const optimizerS = (2 * (memory.weights + memory.gradients + memory.optimizer)) / (chip.memory.bandwidthBytesPerS.value * efficiencyAt(weightMemoryOf(chip), 1));
  const stepTimeS = pipelineS + dataParallelS + optimizerS;

  const tokensPerStep = config.globalBatch * S;
  const tokensPerS = tokensPerStep / stepTimeS;
  const fleetFlopsPerS = chips * peakFlopsPerS;
  const mfu = (6 * counts.active * tokensPerS) / fleetFlopsPerS;
  const mfuWithAttention = ((6 * counts.active + 3 * attentionFlopsPerToken(model, S)) * tokensPerS) / fleetFlopsPerS;
  const attentionFlops = forward.operators.find((o) => o.name === 'attention')?.flops ?? 0;
  const executedPerMicroBatch = 3 * forward.flops + (recompute === 'full' ? forward.flops : recompute === 'selective' ? attentionFlops : 0);
  const hfu = (microBatches * executedPerMicroBatch) / stepTimeS / peakFlopsPerS;

  const steps = config.totalTokens / tokensPerStep;
  const totalTimeS = steps * stepTimeS;
  const powerPerChipW = chip.power.idleW.value + (chip.power.maxW.value - chip.power.idleW.value) * Math.min(1, hfu);
  const microBatchTime = {
    computeS: 3 * forward.computeBoundS + (recompute === 'full' ? forward.computeBoundS : 0) + (recompute === 'selective' ? attentionS : 0),
    memoryS: 3 * forward.memoryBoundS + (recompute === 'full' ? forward.memoryBoundS : 0),
    networkS,
    overheadS,
  };
  const bound = dominantBound(microBatchTime.computeS * microBatches, microBatchTime.memoryS * microBatches, microBatchTime.networkS * microBatches + dataParallelS);
  const explanation =
    bound === 'compute'
      ? `Training is compute-bound: MFU ${(mfu * 100).toFixed(1)}% (6N convention), of which the 1F1B bubble costs ${(bubbleFraction * 100).toFixed(1)}% of each step and exposed gradient sync ${((dataParallelS / stepTimeS) * 100).toFixed(1)}%.`
      : bound === 'network'
        ? `Training is interconnect-bound: exposed TP/CP/PP collectives and the gradient all-reduce take ${(((microBatchTime.networkS * microBatches + dataParallelS) / stepTimeS) * 100).toFixed(0)}% of each step; more overlap, fewer TP ways or a larger scale-up domain would help.`
        : `Training is memory-bandwidth-bound: small micro-batches stream weights faster than they use them; raise the micro-batch.`;

  return {
    feasible: true,
    reason: null,
    explanation,
    stepTimeS,
    microBatches,
    bubbleFraction,
    tokensPerS,
    tokensPerSPerChip: tokensPerS / chips,
    mfu,
    mfuWithAttention,
    hfu,
    microBatchTime,
    dataParallelS,
    bound,
    memoryPerChipBytes: memory,
    steps,
    totalTimeS,
    chipHours: (chips * totalTimeS) / 3600,
    costUsd: (chips * usdPerChipHour * totalTimeS) / 3600,
    powerPerChipW,
    energyJ: chips * powerPerChipW * totalTimeS,
    inputs,
  };
}

function sumMemory(m: Omit<TrainingMemory, 'total'>): TrainingMemory {
  return { ...m, total: m.weights + m.gradients + m.optimizer + m.activations };
}

function infeasibleTraining(
  inputs: TrainingInputs,
  reason: InfeasibleReason,
  explanation: string,
  memory: TrainingMemory | null,
): InfeasibleTrainingResult {
  return { feasible: false, reason, explanation, memoryPerChipBytes: memory, inputs };
}

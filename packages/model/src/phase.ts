import { efficiencyAt, PRECISION_BYTES, type ChipSpec, type Efficiency } from '@ridgeline/hardware';
import { allGatherS, allReduceS, allToAllS, linkLevelFor, pointToPointS } from './collectives.ts';
import { layerKernelWeights } from './layer-overhead.ts';
import { busiestExpertRank, expectedExpertsTouched, meanAttendedContext, type ShardLayout, type StageLayers } from './layout.ts';
import type { AttentionSharding, Bound, ModelSpec, OperatorCost, PrecisionConfig } from './types.ts';

/** The attention block's peak FLOP/s and η_flop at its own compute precision (`PhaseContext.attention`). */
export interface AttentionCompute {
  readonly peakFlopsPerS: number;
  readonly flop: Efficiency;
}

/** Everything a phase needs that does not change between prefill and decode. */
export interface PhaseContext {
  readonly model: ModelSpec;
  readonly chip: ChipSpec;
  readonly layout: ShardLayout;
  /** The layers of the stage that is costed: the slowest (inference) or an even share (training). */
  readonly stage: StageLayers;
  readonly tp: number;
  readonly pp: number;
  readonly ep: number;
  readonly dp: number;
  readonly precision: PrecisionConfig;
  /** F(p): peak FLOP/s at the compute precision. */
  readonly peakFlopsPerS: number;
  /**
   * The attention block's peak FLOP/s and η_flop where it computes at another precision than the
   * rest (`precision.attentionWeights`, MODEL.md §1.2); absent: `peakFlopsPerS` and the chip's η_flop.
   */
  readonly attention?: AttentionCompute | undefined;
  /**
   * Fraction of the stage's operator time that communication can hide behind, per phase:
   * exposed = max(0, communication − overlap · (compute- + memory-bound time)) (MODEL.md §3).
   */
  readonly commOverlap: { readonly prefill: number; readonly decode: number };
  readonly moeImbalance: number;
  readonly attentionSharding: AttentionSharding;
  /**
   * u: with data-parallel attention, the busiest chip's factor on the mean tokens of its TP group,
   * ⌈B/TP⌉/(B/TP) (1 when TP divides B); 1 otherwise (MODEL.md §1.3).
   */
  readonly attentionImbalance: number;
  /**
   * m: 2 with two-batch overlap (SGLang's --enable-two-batch-overlap, DeepSeek's dual micro-batch):
   * the stage's tokens run as two micro-batches, each reading the weights again, and each one's
   * communication hides behind the other's operators (MODEL.md §3). 1 (or absent) otherwise.
   */
  readonly microBatches?: number;
}

/** The work of one micro-batch through the slowest pipeline stage. */
export interface StageCost {
  readonly operators: OperatorCost[];
  readonly computeBoundS: number;
  readonly memoryBoundS: number;
  /** All the stage's collectives, before any overlap. */
  readonly commS: number;
  /** Communication not hidden: max(0, commS − overlap · (computeBoundS + memoryBoundS)). */
  readonly networkS: number;
  /** What is left of the hiding capacity after the collectives, for a pipeline send: max(0, overlap · (compute + memory) − commS). */
  readonly spareOverlapS: number;
  readonly overheadS: number;
  /** Stage time: operators + exposed communication + overheads. */
  readonly timeS: number;
  readonly flops: number;
  readonly bytes: number;
  readonly bound: Bound;
}

/**
 * W/Q, FLOP per byte. An operator with no work (decode attention when every token is a prompt
 * token) reports 0, not 0/0: its times are 0 whatever η it reads, so the kernel's ∞ there changes
 * no figure.
 */
function arithmeticIntensityOf(flops: number, bytes: number): number {
  return bytes > 0 ? flops / bytes : flops === 0 ? 0 : Number.POSITIVE_INFINITY;
}

/**
 * Bytes per element of the hidden state a collective or a pipeline send carries (MODEL.md §3):
 * serving stacks quantise activations to FP8 or FP4 at a GEMM's input (and DeepEP its expert
 * dispatch), but the residual stream between layers, its all-reduces, all-gathers and
 * reduce-scatters, the experts' combine and the sends between stages stay 16-bit.
 */
export function collectiveBytes(activationBytes: number): number {
  return Math.max(activationBytes, 2);
}

/**
 * The roofline of one operator (MODEL.md §2): `t = max(W/(F·η_flop), Q/(BW·η_mem))`, with the
 * efficiencies read at the operator's arithmetic intensity `W/Q`; η_flop is the chip's unless
 * `flopEfficiency` gives another (the routed experts' `expertFlop`), and η_mem is the chip's
 * `memory` (gathered reads: KV cache, routed experts, embedding rows) unless `memoryEfficiency`
 * gives another (the dense GEMMs' contiguous weight reads, `weightMemoryOf`).
 */
export function operatorCost(
  chip: ChipSpec,
  peakFlopsPerS: number,
  name: string,
  flops: number,
  bytes: number,
  flopEfficiency: Efficiency = chip.efficiency.flop,
  memoryEfficiency: Efficiency = chip.efficiency.memory,
): OperatorCost {
  const arithmeticIntensity = arithmeticIntensityOf(flops, bytes);
  const computeS = flops / (peakFlopsPerS * efficiencyAt(flopEfficiency, arithmeticIntensity));
  const memoryS = bytes / (chip.memory.bandwidthBytesPerS.value * efficiencyAt(memoryEfficiency, arithmeticIntensity));
  const bound = computeS >= memoryS ? 'compute' : 'memory';
  return { name, flops, bytes, arithmeticIntensity, timeS: Math.max(computeS, memoryS), bound };
}

/** η_mem of a dense GEMM's contiguous weight reads: `weightMemory` where the chip gives one, else `memory` (MODEL.md §2). */
export function weightMemoryOf(chip: ChipSpec): Efficiency {
  return chip.efficiency.weightMemory ?? chip.efficiency.memory;
}

/** Adds `layers` copies of an operator's work (per-operator roofline first, then summed). */
function repeated(op: OperatorCost, layers: number): OperatorCost {
  return { ...op, flops: op.flops * layers, bytes: op.bytes * layers, timeS: op.timeS * layers };
}

/** Prompt tokens that ride along a decode step (continuous batching): `tokens` of prompts `length` long. */
export interface PromptChunk {
  readonly tokens: number;
  readonly length: number;
}

const NO_PROMPT: PromptChunk = { tokens: 0, length: 0 };

/**
 * One micro-batch through the slowest stage: `tokens` tokens from `sequences` sequences, each
 * attending to `contextTokens` (decode: the cached context; prefill: the prompt, causal).
 * `logitTokens` tokens go through the LM head (decode: all; prefill: the last token of each sequence).
 * A decode step may carry a `prompt` chunk too (a continuous-batching iteration, docs/MODEL.md §6):
 * its tokens join every matmul, and their causal attention is one more operator, `prompt_attention`.
 */
export function stageCost(
  ctx: PhaseContext,
  phase: 'prefill' | 'decode',
  tokens: number,
  contextTokens: number,
  logitTokens: number,
  prompt: PromptChunk = NO_PROMPT,
): StageCost {
  const { model, chip, layout, tp, pp, ep, precision, peakFlopsPerS } = ctx;
  // Two-batch overlap: every operator runs on half the tokens, twice (÷ 1 and × 1 leave one
  // micro-batch bit for bit).
  const mb = ctx.microBatches ?? 1;
  tokens = tokens / mb;
  logitTokens = logitTokens / mb;
  const promptTokens = prompt.tokens / mb;
  // A continuous-batching iteration runs the prompt chunk's tokens through every matmul with the
  // decode tokens, so the weights are read once for both (+ 0 leaves a pure phase bit-for-bit).
  const allTokens = tokens + promptTokens;
  const bw = PRECISION_BYTES[precision.weights];
  const ba = PRECISION_BYTES[precision.activations];
  const bkv = PRECISION_BYTES[precision.kvCache];
  // the attention block's projections may be held wider than the rest (an FP4 checkpoint's MLA), and it computes at that width
  const bwAttention = PRECISION_BYTES[precision.attentionWeights ?? precision.weights];
  const attentionPeak = ctx.attention?.peakFlopsPerS ?? peakFlopsPerS;
  const attentionFlop = ctx.attention?.flop ?? chip.efficiency.flop;
  const d = model.hiddenSize;
  // A dense GEMM streams its weight matrix whole (weightMemory); attention's KV-cache reads and the
  // embedding's row lookups are gathered (memory).
  const op = (name: string, flops: number, bytes: number): OperatorCost => operatorCost(chip, peakFlopsPerS, name, flops, bytes, chip.efficiency.flop, weightMemoryOf(chip));
  const gathered = (name: string, flops: number, bytes: number): OperatorCost => operatorCost(chip, peakFlopsPerS, name, flops, bytes);
  const attentionOp = (name: string, flops: number, bytes: number): OperatorCost => operatorCost(chip, attentionPeak, name, flops, bytes, attentionFlop, weightMemoryOf(chip));
  const attentionGathered = (name: string, flops: number, bytes: number): OperatorCost => operatorCost(chip, attentionPeak, name, flops, bytes, attentionFlop);
  const moe = model.moe;
  // each micro-batch runs every layer: m times the layers' operators
  const denseLayers = ctx.stage.denseLayers * mb;
  const moeLayers = ctx.stage.moeLayers * mb;
  const stageLayers = ctx.stage.layers * mb;
  // Data-parallel attention: each chip runs the attention block (all of its weights, the layout's
  // attention split 1 way) for its own sequences only, the busiest chip ⌈B/TP⌉ of them: the mean
  // 1/TP of the tokens times u = ⌈B/TP⌉/(B/TP) (MODEL.md §1.3). Other shardings: every token.
  const dpAttention = ctx.attentionSharding === 'dp';
  const ownTokens = (n: number): number => (dpAttention ? (n / tp) * ctx.attentionImbalance : n);
  const attentionAllTokens = ownTokens(allTokens);

  // Attention block, every layer.
  const qkv = attentionOp(
    'qkv_proj',
    2 * attentionAllTokens * layout.qkvParamsPerChip,
    layout.qkvParamsPerChip * bwAttention + attentionAllTokens * (d + layout.qkvOutWidthPerChip) * ba,
  );
  const causal = phase === 'prefill';
  const attended = meanAttendedContext(model, contextTokens, causal);
  const dims = phase === 'prefill' ? layout.prefillHeadDims : layout.decodeHeadDims;
  // Batch-sharded decode attention: each chip runs all h heads for its B/TP sequences instead of
  // h/TP heads for all of them — the same FLOPs, but each cached token is read by one chip only.
  const byBatch = phase === 'decode' && ctx.attentionSharding === 'batch' && tp > 1;
  const attnHeads = byBatch ? model.heads : layout.headsPerChip;
  const chipTokens = ownTokens(tokens);
  const attnTokens = byBatch ? tokens / tp : chipTokens;
  const kvPerToken = byBatch ? layout.kvElementsPerToken : layout.kvElementsPerTokenPerChip;
  const attentionFlops = 2 * attnHeads * (dims.qk + dims.v) * attended * attnTokens;
  // Decode reads every cached token of each sequence and appends one; prefill writes the prompt's KV
  // (flash attention keeps the tiles on chip, so the quadratic reads do not reach memory).
  const kvBytes =
    phase === 'decode'
      ? attnTokens * (attended + 1) * kvPerToken * bkv
      : attnTokens * layout.kvElementsPerTokenPerChip * bkv;
  const attention = attentionGathered(
    'attention',
    attentionFlops,
    kvBytes + chipTokens * (layout.qkvOutWidthPerChip + layout.attnOutWidthPerChip) * ba,
  );
  const operators: OperatorCost[] = [repeated(qkv, stageLayers), repeated(attention, stageLayers)];
  if (promptTokens > 0) {
    // The chunk's causal attention over its prompt (prefill's head split and MLA form); its KV is
    // written once. Re-reads of earlier chunks' KV are left out: at most (k − 1)/2 cached tokens
    // per prompt token for a prompt in k chunks, small beside the chunk's compute.
    const promptAttended = meanAttendedContext(model, prompt.length, true);
    const pd = layout.prefillHeadDims;
    const ownPromptTokens = ownTokens(promptTokens);
    const promptAttention = attentionGathered(
      'prompt_attention',
      2 * layout.headsPerChip * (pd.qk + pd.v) * promptAttended * ownPromptTokens,
      ownPromptTokens * layout.kvElementsPerTokenPerChip * bkv + ownPromptTokens * (layout.qkvOutWidthPerChip + layout.attnOutWidthPerChip) * ba,
    );
    operators.push(repeated(promptAttention, stageLayers));
  }
  const outProj = attentionOp(
    'out_proj',
    2 * attentionAllTokens * layout.outParamsPerChip,
    layout.outParamsPerChip * bwAttention + attentionAllTokens * (layout.attnOutWidthPerChip + d) * ba,
  );
  operators.push(repeated(outProj, stageLayers));

  if (denseLayers > 0) {
    const ffn = op(
      'ffn',
      2 * allTokens * layout.ffnParamsPerChip,
      layout.ffnParamsPerChip * bw + allTokens * (2 * d + layout.ffnInnerWidthPerChip) * ba,
    );
    operators.push(repeated(ffn, denseLayers));
  }

  let expertGroupTokens = allTokens;
  if (moe !== undefined && moeLayers > 0) {
    const k = moe.activeExperts;
    // The router is replicated: with data-parallel attention each chip routes its own tokens.
    const router = op('router', 2 * attentionAllTokens * layout.routerParamsPerChip, layout.routerParamsPerChip * bw + attentionAllTokens * d * ba);
    // With EP the expert group spans EP/TP replicas' tokens (attention data-parallel, experts sharded).
    expertGroupTokens = ep === 1 ? allTokens : (allTokens * ep) / tp;
    // The busiest chip sets the time: of its routings and of the expert slots (⌈(E + R)/EP⌉ of them)
    // any of the group's tokens routes to, the larger of the mean times the imbalance factor and the
    // routing's random spread at this batch (busiestExpertRank). With EP 1 every chip reads its slice
    // of every touched expert.
    const busiest = ep === 1 ? undefined : busiestExpertRank(moe.experts, k, layout.expertsPerChip, ep, expertGroupTokens, ctx.moeImbalance);
    const routingsPerChip = busiest === undefined ? allTokens * k : busiest.routings;
    const touched = busiest === undefined ? expectedExpertsTouched(moe.experts, k, allTokens) : busiest.expertsTouched;
    // The grouped expert GEMMs run at the experts' η_flop where the chip gives one (MODEL.md §2).
    const experts = operatorCost(
      chip,
      peakFlopsPerS,
      'experts',
      2 * routingsPerChip * layout.expertParamsPerChip,
      touched * layout.expertParamsPerChip * bw + routingsPerChip * 2 * d * ba,
      chip.efficiency.expertFlop ?? chip.efficiency.flop,
    );
    operators.push(repeated(router, moeLayers), repeated(experts, moeLayers));
    if (moe.sharedExperts > 0) {
      const shared = op(
        'shared_experts',
        2 * allTokens * layout.sharedExpertParamsPerChip,
        layout.sharedExpertParamsPerChip * bw + allTokens * 2 * d * ba,
      );
      operators.push(repeated(shared, moeLayers));
    }
  }

  // The costed stage holds ⌈L/p⌉ layers and the LM head (and, without PP, the embedding gather too):
  // with uneven stages an upper bound on the slowest, exact when PP divides L (MODEL.md §4).
  const lmHead = op(
    'lm_head',
    2 * logitTokens * layout.lmHeadParamsPerChip,
    layout.lmHeadParamsPerChip * bw + logitTokens * (d + model.vocabSize / tp) * ba,
  );
  operators.push(mb === 1 ? lmHead : repeated(lmHead, mb));
  if (pp === 1) {
    const embedding = gathered('embedding', 0, allTokens * d * bw);
    operators.push(mb === 1 ? embedding : repeated(embedding, mb));
  }

  // Communication per layer: TP all-reduces of the layer's activations (one when attention and FFN
  // run in parallel, or when EP replaces the FFN's all-reduce with dispatch + combine all-to-alls).
  const bc = collectiveBytes(ba);
  const activationMessage = allTokens * d * bc;
  const arPerLayer = allReduceS(chip, activationMessage, tp);
  const denseAllReduces = model.parallelAttentionFfn === true ? 1 : 2;
  // Data-parallel attention has collectives of its own (the all-gathers and reduce-scatters around the sharded parts).
  // (the layer counts hold m: each micro-batch's collectives, of its own tokens)
  let commS = dpAttention ? dataParallelAttentionCommS(ctx, attentionAllTokens, ownTokens(logitTokens)) : denseLayers * denseAllReduces * arPerLayer;
  if (!dpAttention && moeLayers > 0 && moe !== undefined) {
    if (ep === 1) commS += moeLayers * denseAllReduces * arPerLayer;
    else {
      // dispatch at the activations' precision, combine at the hidden state's
      const dispatchBytes = (expertGroupTokens * moe.activeExperts * d * ba) / ep;
      const combineBytes = (expertGroupTokens * moe.activeExperts * d * bc) / ep;
      commS += moeLayers * (arPerLayer + allToAllS(chip, dispatchBytes, ep) + allToAllS(chip, combineBytes, ep));
    }
  }
  if (byBatch) {
    // queries to their sequence's chip and contexts back: two all-to-alls of the chip's head slice
    const resharded = tokens * layout.headsPerChip * (dims.qk + dims.v) * ba;
    commS += stageLayers * 2 * allToAllS(chip, resharded / 2, tp);
  }
  // t_layer per reference layer, each layer weighted by the kernels it launches (layer-overhead.ts)
  const kernelWeights = layerKernelWeights(model);
  const overheadS = (denseLayers * kernelWeights.dense + moeLayers * kernelWeights.moe) * chip.efficiency.layerOverheadS.value;

  let computeBoundS = 0;
  let memoryBoundS = 0;
  let flops = 0;
  let bytes = 0;
  for (const o of operators) {
    if (o.bound === 'compute') computeBoundS += o.timeS;
    else memoryBoundS += o.timeS;
    flops += o.flops;
    bytes += o.bytes;
  }
  // Communication hides behind the stage's operators, never behind more than they take.
  // With two micro-batches each one's communication runs beside the other's operators: all of it may hide.
  const overlap = mb > 1 ? 1 : promptTokens > 0 ? iterationOverlap(ctx, tokens, promptTokens) : ctx.commOverlap[phase];
  const hideS = overlap * (computeBoundS + memoryBoundS);
  const networkS = Math.max(0, commS - hideS);
  const spareOverlapS = Math.max(0, hideS - commS);
  const timeS = computeBoundS + memoryBoundS + networkS + overheadS;
  return {
    operators,
    computeBoundS,
    memoryBoundS,
    commS,
    networkS,
    spareOverlapS,
    overheadS,
    timeS,
    flops,
    bytes,
    bound: dominantBound(computeBoundS, memoryBoundS, networkS),
  };
}

/**
 * The collectives of one stage with data-parallel attention (MODEL.md §3), for a chip holding
 * `ownTokens` of the group's tokens and `ownLogitTokens` of its logits (the busiest chip's share).
 * The sharded parts run on every chip's tokens: an all-gather of the group's activations before
 * each dense FFN (and each MoE layer's shared experts, or its TP-sliced experts when EP = 1) and a
 * reduce-scatter after, each half an all-reduce of `TP · ownTokens · d` bytes (every chip's part
 * as large as the busiest's); one all-gather of the logit tokens' hidden states before the LM
 * head. With EP > 1 the experts' dispatch and combine are all-to-alls over EP of the chip's own
 * tokens' routings, `ownTokens · k · d` bytes.
 */
function dataParallelAttentionCommS(ctx: PhaseContext, ownTokens: number, ownLogitTokens: number): number {
  const { model, chip, tp, ep } = ctx;
  const d = model.hiddenSize;
  const ba = PRECISION_BYTES[ctx.precision.activations];
  // each of the m micro-batches gathers and scatters its own tokens
  const mb = ctx.microBatches ?? 1;
  const denseLayers = ctx.stage.denseLayers * mb;
  const moeLayers = ctx.stage.moeLayers * mb;
  // all-gather before and reduce-scatter after the sharded FFN
  const bc = collectiveBytes(ba);
  const gatherScatterS = 2 * allGatherS(chip, tp * ownTokens * d * bc, tp);
  let commS = denseLayers * gatherScatterS;
  const moe = model.moe;
  if (moe !== undefined && moeLayers > 0) {
    if (ep === 1) commS += moeLayers * gatherScatterS;
    else {
      const shared = moe.sharedExperts > 0 ? gatherScatterS : 0;
      commS += moeLayers * (shared + allToAllS(chip, ownTokens * moe.activeExperts * d * ba, ep) + allToAllS(chip, ownTokens * moe.activeExperts * d * bc, ep));
    }
  }
  return commS + mb * allGatherS(chip, tp * ownLogitTokens * d * bc, tp);
}

/**
 * The mean of two kinds of iteration, `a` a share `wa` of them and `b` a share `wb` (wa + wb = 1):
 * every time, work and byte figure weighted, the operators matched by name (one that `a` lacks,
 * the prompt chunk's attention, counts from `b` alone). The bound is the mean times' dominant one.
 */
export function mixedStage(a: StageCost, wa: number, b: StageCost, wb: number): StageCost {
  const computeBoundS = wa * a.computeBoundS + wb * b.computeBoundS;
  const memoryBoundS = wa * a.memoryBoundS + wb * b.memoryBoundS;
  const networkS = wa * a.networkS + wb * b.networkS;
  const operators = b.operators.map((ob): OperatorCost => {
    const oa = a.operators.find((o) => o.name === ob.name);
    const flops = (oa === undefined ? 0 : wa * oa.flops) + wb * ob.flops;
    const bytes = (oa === undefined ? 0 : wa * oa.bytes) + wb * ob.bytes;
    const timeS = (oa === undefined ? 0 : wa * oa.timeS) + wb * ob.timeS;
    const arithmeticIntensity = arithmeticIntensityOf(flops, bytes);
    // the kind of iteration that spends more of the mean time on the operator names its bound
    const bound = oa !== undefined && wa * oa.timeS > wb * ob.timeS ? oa.bound : ob.bound;
    return { name: ob.name, flops, bytes, arithmeticIntensity, timeS, bound };
  });
  return {
    operators,
    computeBoundS,
    memoryBoundS,
    commS: wa * a.commS + wb * b.commS,
    networkS,
    spareOverlapS: wa * a.spareOverlapS + wb * b.spareOverlapS,
    overheadS: wa * a.overheadS + wb * b.overheadS,
    timeS: wa * a.timeS + wb * b.timeS,
    flops: wa * a.flops + wb * b.flops,
    bytes: wa * a.bytes + wb * b.bytes,
    bound: dominantBound(computeBoundS, memoryBoundS, networkS),
  };
}

/** The bound whose summed time is largest (ties go to compute, then memory). */
export function dominantBound(computeS: number, memoryS: number, networkS: number): Bound {
  if (computeS >= memoryS && computeS >= networkS) return 'compute';
  if (memoryS >= networkS) return 'memory';
  return 'network';
}

/**
 * One pipeline point-to-point send of `tokens` tokens' activations between two stages, before any
 * overlap. With data-parallel attention each chip sends its own tokens' (the busiest chip's share).
 */
export function pipelineSendRawS(ctx: PhaseContext, tokens: number): number {
  if (ctx.pp === 1) return 0;
  const sent = ctx.attentionSharding === 'dp' ? (tokens / ctx.tp) * ctx.attentionImbalance : tokens;
  const message = sent * ctx.model.hiddenSize * collectiveBytes(PRECISION_BYTES[ctx.precision.activations]);
  return pointToPointS(ctx.chip, message, linkLevelFor(ctx.chip, ctx.tp * ctx.pp));
}

/**
 * The exposed part of a micro-batch's send to the next stage: it hides behind what the stage's
 * collectives left of its hiding capacity, `max(0, send − stage.spareOverlapS)` (MODEL.md §3).
 */
export function pipelineSendS(ctx: PhaseContext, tokens: number, stage: StageCost): number {
  if (ctx.pp === 1) return 0;
  return Math.max(0, pipelineSendRawS(ctx, tokens) - stage.spareOverlapS);
}

/**
 * The overlap of a mixed iteration: prefill's and decode's weighted by their tokens (docs/MODEL.md
 * §6), so a chunk-heavy iteration hides its communication as prefill does.
 */
export function iterationOverlap(ctx: PhaseContext, decodeTokens: number, promptTokens: number): number {
  return (ctx.commOverlap.prefill * promptTokens + ctx.commOverlap.decode * decodeTokens) / (promptTokens + decodeTokens);
}

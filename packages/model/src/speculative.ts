import { PRECISION_BYTES } from '@ridgeline/hardware';
import { InputError } from './errors.ts';
import { meanCachedTokens, shardLayout, slowestStageLayers, weightBytes } from './layout.ts';
import { dominantBound, operatorCost, stageCost, weightMemoryOf, type PhaseContext, type PromptChunk, type StageCost } from './phase.ts';
import { MAX_DRAFT_TOKENS, SPECULATIVE_MODES, type InferenceConfig, type ModelSpec, type PrecisionConfig, type ResolvedInputs, type SpeculativeMode } from './types.ts';

/**
 * The acceptance DeepSeek-V3's MTP module reaches for the second token: "between 85% and 90%"
 * (DeepSeek-V3 Technical Report, arXiv:2412.19437, §5.4.3); the low end, applied to every draft
 * position, until the calibration fits a stack's effective acceptance.
 */
export const DEFAULT_MTP_ACCEPTANCE = 0.85;
const MTP_ACCEPTANCE_SOURCE = 'default: 0.85 per draft position, the low end of the 85–90% second-token acceptance in the DeepSeek-V3 Technical Report (arXiv:2412.19437, §5.4.3)';

/**
 * E = 1 + a₁ + a₁a₂ + … + a₁⋯a_γ: tokens one sequence advances per speculative step on average
 * (the first always comes from the verification pass). With one a for every position this is
 * (1 − a^(γ+1))/(1 − a); it is summed term by term, as the engine's kernel does, so both agree bit for bit.
 *
 * @example
 * expectedTokensPerStep([0.8]); // 1.8
 * expectedTokensPerStep([0.9, 0.7, 0.5]); // 1 + 0.9 + 0.63 + 0.315 = 2.845
 */
export function expectedTokensPerStep(acceptance: readonly number[]): number {
  let term = 1;
  let expected = 1;
  for (const a of acceptance) {
    term *= a;
    expected += term;
  }
  return expected;
}

/** Speculative decoding as `estimateInference` uses it. */
export type ResolvedSpeculation = ResolvedInputs['speculative'];

/** No speculation: one token per step. */
export const NO_SPECULATION_INPUTS: ResolvedSpeculation = {
  mode: 'none',
  draftTokens: 0,
  acceptance: [],
  expectedTokensPerStep: 1,
  draftModel: null,
  source: 'none',
};

/**
 * Checks and resolves `config.speculative`: γ, the acceptance of each draft position, E.
 * Throws `InputError` naming the field for a malformed value.
 *
 * @example
 * resolveSpeculation({ ...config, speculative: { mode: 'mtp', draftTokens: 2, acceptance: 0.8 } }).expectedTokensPerStep; // 1 + 0.8 + 0.64
 */
export function resolveSpeculation(config: InferenceConfig): ResolvedSpeculation {
  const s = config.speculative;
  if (s === undefined) return NO_SPECULATION_INPUTS;
  if (!SPECULATIVE_MODES.includes(s.mode)) {
    throw new InputError('speculative.mode', `speculative.mode must be one of ${SPECULATIVE_MODES.join(', ')}, got ${String(s.mode)}`);
  }
  if (s.mode === 'none') return NO_SPECULATION_INPUTS;
  const list = typeof s.acceptance === 'number' || s.acceptance === undefined ? undefined : s.acceptance;
  const gamma = s.draftTokens ?? list?.length ?? 1;
  if (!Number.isInteger(gamma) || gamma < 1 || gamma > MAX_DRAFT_TOKENS) {
    throw new InputError('speculative.draftTokens', `speculative.draftTokens must be an integer from 1 to ${MAX_DRAFT_TOKENS}, got ${String(gamma)}`);
  }
  if (list !== undefined && list.length !== gamma) {
    throw new InputError('speculative.acceptance', `speculative.acceptance lists ${list.length} probabilities for ${gamma} draft tokens; give one per draft token, or a single value for all`);
  }
  if (s.acceptance === undefined && s.mode === 'draft') {
    throw new InputError('speculative.acceptance', 'speculative.acceptance is required with a draft model: the probability each draft token is accepted (one value, or one per draft token)');
  }
  if (s.mode === 'draft' && s.draftModel === undefined) {
    throw new InputError('speculative.draftModel', 'speculative.draftModel is required with mode draft: the small model that drafts the tokens');
  }
  // Without a given acceptance, MTP drafts are accepted at the chip's serving stack's fitted rate
  // (efficiency.mtpAcceptance, docs/MODEL.md §9), else at DeepSeek-V3's reported one.
  const stackAcceptance = config.chip.efficiency.mtpAcceptance;
  const defaultAcceptance = stackAcceptance?.value ?? DEFAULT_MTP_ACCEPTANCE;
  const acceptance = list ?? Array.from({ length: gamma }, () => (typeof s.acceptance === 'number' ? s.acceptance : defaultAcceptance));
  acceptance.forEach((a, i) => {
    if (!Number.isFinite(a) || a < 0 || a > 1) {
      throw new InputError('speculative.acceptance', `speculative.acceptance must be probabilities in [0, 1], got ${String(a)}${list === undefined ? '' : ` at position ${i + 1}`}`);
    }
  });
  return {
    mode: s.mode,
    draftTokens: gamma,
    acceptance,
    expectedTokensPerStep: expectedTokensPerStep(acceptance),
    draftModel: s.mode === 'draft' ? (s.draftModel?.id ?? null) : null,
    source: s.acceptance !== undefined ? 'given' : stackAcceptance === undefined ? MTP_ACCEPTANCE_SOURCE : `${config.chip.id}'s efficiency.mtpAcceptance, ${stackAcceptance.value} per draft position: ${stackAcceptance.source}`,
  };
}

/** Whether the configuration's drafter exists and fits the layout; a sentence when not. */
export function speculationBroken(config: InferenceConfig, mode: SpeculativeMode, tp: number): string | null {
  if (mode === 'mtp' && (config.model.mtpModules ?? 0) < 1) {
    return `${config.model.id} ships no multi-token-prediction module; use --speculative draft with a draft model, or none.`;
  }
  const draft = config.speculative?.draftModel;
  // With data-parallel attention the draft model's attention is data-parallel too: no head split.
  if (mode === 'draft' && draft !== undefined && draft.heads % tp !== 0 && config.attentionSharding !== 'dp') {
    return `TP ${tp} does not divide the ${draft.heads} attention heads of the draft model ${draft.id}, which runs on the replica's TP chips.`;
  }
  return null;
}

/**
 * The model a draft pass runs: the MTP modules (layers of the MoE kind, or dense for a dense
 * model, sharing embedding and LM head) or the draft model.
 */
export function drafterOf(config: InferenceConfig, mode: SpeculativeMode): ModelSpec {
  const model = config.model;
  if (mode === 'draft' && config.speculative?.draftModel !== undefined) return config.speculative.draftModel;
  const moe = model.moe;
  // The modules attend to the full context: the model's sliding window counts its own layers, and
  // would not apply to the modules (a window over more layers than the drafter has gave a negative
  // share of full-attention layers, so negative attention work).
  const { slidingWindow, ...rest } = model;
  void slidingWindow;
  return {
    ...rest,
    id: `${model.id}-mtp`,
    layers: model.mtpModules ?? 1,
    ...(moe === undefined ? {} : { moe: { ...moe, denseLayers: 0 } }),
  };
}

/**
 * The phase context of the drafter: the replica's TP chips, unpipelined (the drafter sits with the
 * LM head on the last stage). With data-parallel attention the drafter's attention is
 * data-parallel as the model's: each chip drafts for its own sequences.
 */
export function drafterContext(ctx: PhaseContext, drafter: ModelSpec, mode: SpeculativeMode, redundantExperts: number): PhaseContext {
  const ep = mode === 'mtp' ? ctx.ep : 1;
  return {
    ...ctx,
    model: drafter,
    // MTP modules' experts are laid out as the model's (EP and redundant slots); a draft model runs dense over TP
    layout: shardLayout(drafter, ctx.tp, ep, mode === 'mtp' ? redundantExperts : 0, ctx.attentionSharding === 'dp' ? 1 : ctx.tp),
    stage: slowestStageLayers(drafter, 1),
    pp: 1,
    ep,
    moeImbalance: mode === 'mtp' ? ctx.moeImbalance : 1,
  };
}

/**
 * One pass of the drafter: in decode, `tokens` draft tokens (one per decoding sequence) with a
 * `prompt` chunk whose tokens fill the drafter's KV cache; in prefill, the prompts' tokens. The
 * drafter's stage through its LM head, plus, for MTP, the 2d→d projection that joins a token's
 * embedding and the model's last hidden state.
 */
export function draftPass(
  drafterCtx: PhaseContext,
  mode: SpeculativeMode,
  phase: 'prefill' | 'decode',
  tokens: number,
  contextTokens: number,
  logitTokens: number,
  prompt: PromptChunk = { tokens: 0, length: 0 },
): StageCost {
  const stage = stageCost(drafterCtx, phase, tokens, contextTokens, logitTokens, prompt);
  if (mode !== 'mtp') return stage;
  const d = drafterCtx.model.hiddenSize;
  const all = tokens + prompt.tokens;
  const params = (2 * d * d) / drafterCtx.tp;
  const ba = PRECISION_BYTES[drafterCtx.precision.activations];
  // a dense GEMM: its weights stream at the contiguous-read η_mem (phase.ts)
  const proj = operatorCost(drafterCtx.chip, drafterCtx.peakFlopsPerS, 'mtp_proj', 2 * all * params, params * PRECISION_BYTES[drafterCtx.precision.weights] + all * 3 * d * ba, drafterCtx.chip.efficiency.flop, weightMemoryOf(drafterCtx.chip));
  const computeBoundS = stage.computeBoundS + (proj.bound === 'compute' ? proj.timeS : 0);
  const memoryBoundS = stage.memoryBoundS + (proj.bound === 'memory' ? proj.timeS : 0);
  return {
    ...stage,
    operators: [...stage.operators, proj],
    computeBoundS,
    memoryBoundS,
    timeS: stage.timeS + proj.timeS,
    flops: stage.flops + proj.flops,
    bytes: stage.bytes + proj.bytes,
  };
}

/**
 * A stage with `times` drafter passes after it (operators named `draft:…`): the work of one
 * speculative step, for reports and utilisation.
 */
export function withDraftPasses(stage: StageCost, draft: StageCost, times: number): StageCost {
  const computeBoundS = stage.computeBoundS + times * draft.computeBoundS;
  const memoryBoundS = stage.memoryBoundS + times * draft.memoryBoundS;
  const networkS = stage.networkS + times * draft.networkS;
  return {
    commS: stage.commS + times * draft.commS,
    // a pipeline send follows the verification pass, so only its spare hiding capacity counts
    spareOverlapS: stage.spareOverlapS,
    operators: [
      ...stage.operators,
      ...draft.operators.map((o) => ({ ...o, name: `draft:${o.name}`, flops: o.flops * times, bytes: o.bytes * times, timeS: o.timeS * times })),
    ],
    computeBoundS,
    memoryBoundS,
    networkS,
    overheadS: stage.overheadS + times * draft.overheadS,
    timeS: stage.timeS + times * draft.timeS,
    flops: stage.flops + times * draft.flops,
    bytes: stage.bytes + times * draft.bytes,
    bound: dominantBound(computeBoundS, memoryBoundS, networkS),
  };
}

/**
 * Memory the drafter adds to the fullest chip: its weights (MTP: the modules' layers and
 * projection, the embedding and head being shared; a draft model: all of it) and its KV cache for
 * the chip's `sequences` (every sequence, or with data-parallel attention, `attentionTp` = 1, the
 * chip's own ⌈B/TP⌉ with every KV head), at the replica's precisions.
 */
export function drafterMemory(
  drafter: ModelSpec,
  mode: SpeculativeMode,
  tp: number,
  ep: number,
  sequences: number,
  contextTokens: number,
  precision: PrecisionConfig,
  redundantExperts = 0,
  attentionTp: number = tp,
): { readonly weights: number; readonly kvCache: number } {
  const layout = shardLayout(drafter, tp, mode === 'mtp' ? ep : 1, mode === 'mtp' ? redundantExperts : 0, attentionTp);
  const moe = drafter.moe;
  const denseLayers = moe === undefined ? drafter.layers : moe.denseLayers;
  const moeLayers = drafter.layers - denseLayers;
  let params =
    drafter.layers * (layout.qkvParamsPerChip + layout.outParamsPerChip) +
    denseLayers * layout.ffnParamsPerChip +
    moeLayers * (layout.expertsPerChip * layout.expertParamsPerChip + layout.sharedExpertParamsPerChip + layout.routerParamsPerChip);
  if (mode === 'mtp') params += (2 * drafter.hiddenSize * drafter.hiddenSize) / tp;
  else params += drafter.tiedEmbeddings ? layout.embeddingParamsPerChip : layout.embeddingParamsPerChip + layout.lmHeadParamsPerChip;
  const kvCache = sequences * meanCachedTokens(drafter, contextTokens) * drafter.layers * layout.kvElementsPerTokenPerChip * PRECISION_BYTES[precision.kvCache];
  return { weights: weightBytes(params, drafter.layers * (layout.qkvParamsPerChip + layout.outParamsPerChip), precision), kvCache };
}

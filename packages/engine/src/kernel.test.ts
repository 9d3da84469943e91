import { describe, expect, it } from 'vitest';
import { busiestExpertRank, estimateInference, INFEASIBLE_REASONS, type InferenceConfig } from '@ridgeline/model';
import { N_OUT, OUTPUTS, REASONS } from './descriptors.ts';
import { createEngine } from './engine.ts';
import { evaluateConfigs } from './evaluate.ts';
import {
  CATALOG_MODELS,
  DRAFT_MODELS,
  FIRST_PARTY_CHIPS,
  prng,
  randomChip,
  randomConfig,
  randomModel,
  referenceOutputs,
  relativeError,
} from './test-support/random.ts';

/** The agreement the issue asks for: every output within 1e-9 relative of @ridgeline/model. */
const TOLERANCE = 1e-9;
const CONFIGURATIONS = 200_000;

describe('the WASM kernel against estimateInference (property test)', () => {
  it(`agrees on ${CONFIGURATIONS.toLocaleString('en')} random configurations within ${TOLERANCE} relative, reason codes included`, async () => {
    const random = prng(0x5eed);
    const models = [...CATALOG_MODELS, ...Array.from({ length: 200 }, (_, i) => randomModel(random, i))];
    const chips = [...FIRST_PARTY_CHIPS, ...Array.from({ length: 60 }, (_, i) => randomChip(random, i))];
    // draft models: small catalog models and synthetic ones of any shape
    const drafts = [...DRAFT_MODELS, ...models.slice(CATALOG_MODELS.length, CATALOG_MODELS.length + 20)];
    const configs: InferenceConfig[] = Array.from({ length: CONFIGURATIONS }, () => randomConfig(random, models, chips, drafts));

    const engine = await createEngine();
    const out = await evaluateConfigs(engine, configs); // one WASM call for all of them

    let maxError = 0;
    let worst = '';
    const byReason = new Map<string, number>();
    // feasible configurations per schedule and continuous-batching regime
    const regimes = { static: 0, continuous: 0, budgetBinds: 0, severalChunks: 0, heavierOwnChunk: 0, noDecode: 0, pipelined: 0, unevenStages: 0, epNotDividingExperts: 0, redundantExperts: 0, expertSpreadBinds: 0, expertSpreadWideEp: 0 };
    // feasible speculative configurations by drafter, schedule and shape (docs/MODEL.md §7)
    const speculation = { mtpStatic: 0, mtpContinuous: 0, mtpDenseModel: 0, mtpExpertParallel: 0, draftStatic: 0, draftContinuous: 0, severalDraftTokens: 0, acceptanceList: 0, pipelined: 0 };
    let speculating = 0;
    // feasible configurations with data-parallel attention: all, B not dividing by TP, TP not dividing
    // the heads, MoE over EP, MLA, pipelined
    const dpAttention = { all: 0, batchNotDividing: 0, tpNotDividingHeads: 0, expertParallel: 0, mla: 0, pipelined: 0 };
    // feasible configurations whose attention weights differ from the rest (docs/MODEL.md §1.2): all,
    // attention computing at another precision than the rest, disaggregated, with data-parallel attention
    const attentionWeights = { all: 0, otherComputePrecision: 0, disaggregated: 0, dpAttention: 0 };
    // feasible configurations whose batch exceeds the engine's cap (docs/MODEL.md §6): all, disaggregated,
    // speculating, and those whose memory admits fewer than the cap's slots (by bisection)
    const capped = { all: 0, disaggregated: 0, speculating: 0, admittedByMemory: 0 };
    // feasible disaggregated configurations by how many prompts a prefill iteration runs (docs/MODEL.md §8,
    // "Prefill iterations"): one (a lone prompt), between one and the budget's, the budget full, and a
    // prompt spanning several iterations; and a lone prompt, shorter than the budget, on a data-parallel
    // attention rank whose share of the budget it exceeds (several iterations on that rank)
    const prefillIterations = { onePrompt: 0, between: 0, budgetFull: 0, severalIterations: 0, loneOnRankInChunks: 0 };
    // feasible configurations under context balance (docs/MODEL.md §6) by how many prompts an
    // iteration starts: one (no timeout, one rank, a chunk that fills the budget), some (the timeout,
    // or the budget, first), one per rank; and where prompts do not arrive one at a time (no change)
    const contextBalance = { onePrompt: 0, atTimeout: 0, everyRank: 0, notOneAtATime: 0 };
    // feasible continuous configurations with the scheduler's intake every N iterations (docs/MODEL.md
    // §6): all, with the budget binding, above the engine's cap, with context balance
    const receiveInterval = { all: 0, budgetBinds: 0, capped: 0, contextBalance: 0 };
    // configurations whose chip's stack sizes its KV cache from the free memory (docs/MODEL.md §4,
    // "KV cache budget"): feasible, out of memory, out of memory where M · usableFraction would have
    // held them, feasible where it would not, admitted by memory, disaggregated
    const kvBudget = { feasible: 0, capacity: 0, tighter: 0, looser: 0, admittedByMemory: 0, disaggregated: 0 };
    const failures: string[] = [];
    configs.forEach((config, i) => {
      const reference = estimateInference(config);
      const expected = referenceOutputs(reference);
      const mode = reference.inputs.speculative.mode;
      if (mode !== 'none') speculating++;
      if (reference.feasible && mode !== 'none') {
        const continuous = reference.serving !== null;
        if (mode === 'mtp') {
          speculation[continuous ? 'mtpContinuous' : 'mtpStatic']++;
          if (config.model.moe === undefined) speculation.mtpDenseModel++;
          if (config.parallelism.ep > 1) speculation.mtpExpertParallel++;
        } else speculation[continuous ? 'draftContinuous' : 'draftStatic']++;
        if (reference.inputs.speculative.draftTokens > 1) speculation.severalDraftTokens++;
        if (Array.isArray(config.speculative?.acceptance)) speculation.acceptanceList++;
        if (config.parallelism.pp > 1) speculation.pipelined++;
      }
      if (reference.feasible && config.precision.attentionWeights !== undefined && config.precision.attentionWeights !== config.precision.weights) {
        attentionWeights.all++;
        if (reference.inputs.attentionComputePrecision !== reference.inputs.computePrecision) attentionWeights.otherComputePrecision++;
        if (config.disaggregation !== undefined) attentionWeights.disaggregated++;
        if (config.attentionSharding === 'dp') attentionWeights.dpAttention++;
      }
      if (reference.feasible && reference.disaggregation !== null && reference.serving !== null) {
        const d = reference.disaggregation;
        const full = reference.serving.chunkTokens / config.inputTokens;
        const m = d.promptsPerPrefillIteration;
        if (full < 1) prefillIterations.severalIterations++;
        else if (m === 1) prefillIterations.onePrompt++;
        else if (m >= full) prefillIterations.budgetFull++;
        else prefillIterations.between++;
        if (d.lonePromptIterations > 1) prefillIterations.loneOnRankInChunks++;
      }
      if (reference.feasible && config.contextBalance !== undefined && reference.serving !== null) {
        const b = reference.serving.contextBalance;
        if (b === null) contextBalance.notOneAtATime++;
        else if (b.promptsPerIteration === 1) contextBalance.onePrompt++;
        else if (b.promptsPerIteration === config.parallelism.tp) contextBalance.everyRank++;
        else contextBalance.atTimeout++;
      }
      if (reference.feasible && config.receiveInterval !== undefined && reference.serving !== null) {
        receiveInterval.all++;
        if (reference.serving.budgetBinds) receiveInterval.budgetBinds++;
        if (config.maxBatch !== undefined && config.maxBatch < config.batch) receiveInterval.capped++;
        if (config.contextBalance !== undefined) receiveInterval.contextBalance++;
      }
      if (config.chip.efficiency.kvCacheBudget !== undefined && reference.memoryPerChipBytes !== null) {
        const m = reference.memoryPerChipBytes;
        const usable = config.chip.memory.capacityBytes.value * config.chip.memory.usableFraction.value;
        if (reference.feasible) kvBudget.feasible++;
        if (reference.reason === 'capacity') kvBudget.capacity++;
        if (reference.reason === 'capacity' && m.total <= usable) kvBudget.tighter++;
        if (reference.feasible && m.total > usable) kvBudget.looser++;
        if (reference.feasible && reference.serving?.admission?.limitedBy === 'memory') kvBudget.admittedByMemory++;
        if (reference.feasible && config.disaggregation !== undefined) kvBudget.disaggregated++;
      }
      if (reference.feasible && reference.serving?.admission != null) {
        capped.all++;
        if (config.disaggregation !== undefined) capped.disaggregated++;
        if (mode !== 'none') capped.speculating++;
        if (reference.serving.admission.limitedBy === 'memory') capped.admittedByMemory++;
      }
      if (reference.feasible) {
        if (config.model.layers % config.parallelism.pp !== 0) regimes.unevenStages++;
        const experts = config.model.moe?.experts ?? 1;
        if (config.parallelism.ep > 1 && experts % config.parallelism.ep !== 0) regimes.epNotDividingExperts++;
        if (reference.inputs.redundantExperts > 0) regimes.redundantExperts++;
        // the busiest expert rank's random spread, past the imbalance factor (a decode step's tokens),
        // and at EP ≥ 16, where c(EP) takes Acklam's tail branch and the host's log
        const moe = config.model.moe;
        if (moe !== undefined && config.parallelism.ep > 1) {
          const { ep } = config.parallelism;
          const spread = busiestExpertRank(moe.experts, moe.activeExperts, Math.ceil((moe.experts + reference.inputs.redundantExperts) / ep), ep, config.batch, reference.inputs.moeImbalance);
          if (spread.routings > ((config.batch * moe.activeExperts) / ep) * reference.inputs.moeImbalance * 1.01) regimes.expertSpreadBinds++;
          if (ep >= 16) regimes.expertSpreadWideEp++;
        }
        if (config.attentionSharding === 'dp') {
          const { tp, pp, ep } = config.parallelism;
          dpAttention.all++;
          if (config.batch % tp !== 0) dpAttention.batchNotDividing++;
          if (config.model.heads % tp !== 0) dpAttention.tpNotDividingHeads++;
          if (ep > 1) dpAttention.expertParallel++;
          if (config.model.mla !== undefined) dpAttention.mla++;
          if (pp > 1) dpAttention.pipelined++;
        }
        const serving = reference.serving;
        if (serving === null) regimes.static++;
        else {
          regimes.continuous++;
          if (serving.budgetBinds) regimes.budgetBinds++;
          if (serving.chunksPerPrompt > 1) regimes.severalChunks++;
          // TTFT from a second stage: the prompt's own chunk is heavier than the average iteration's
          if (!serving.budgetBinds && config.inputTokens / serving.chunksPerPrompt > serving.promptTokens) regimes.heavierOwnChunk++;
          if (serving.decodeTokens === 0) regimes.noDecode++;
          if (config.parallelism.pp > 1) regimes.pipelined++;
        }
      }
      const reasonCode = out[i * N_OUT + 1] ?? Number.NaN;
      const reason = reasonCode < 0 ? null : REASONS[reasonCode];
      byReason.set(reference.reason ?? 'feasible', (byReason.get(reference.reason ?? 'feasible') ?? 0) + 1);
      if (reason !== reference.reason) {
        failures.push(`#${i}: reason ${String(reason)} ≠ ${String(reference.reason)}`);
        return;
      }
      OUTPUTS.forEach((name, slot) => {
        if (name === 'reason') return;
        const got = out[i * N_OUT + slot] ?? Number.NaN;
        const error = relativeError(got, expected[name]);
        if (error > maxError) {
          maxError = error;
          worst = `#${i} ${name}: ${got} vs ${expected[name]}`;
        }
        if (!(error <= TOLERANCE) && failures.length < 20) failures.push(`#${i} ${config.model.id} on ${config.chip.id}: ${name} ${got} ≠ ${expected[name]}`);
      });
    });
    console.log(
      `max relative error ${maxError.toExponential(2)} (${worst || 'all exact'}); outcomes ${JSON.stringify(Object.fromEntries(byReason))}; feasible by schedule and regime ${JSON.stringify(regimes)}; ` +
        `${speculating} speculative, feasible ${JSON.stringify(speculation)}; data-parallel attention ${JSON.stringify(dpAttention)}; attention weights apart ${JSON.stringify(attentionWeights)}; above the engine's cap ${JSON.stringify(capped)}; prompts per prefill iteration ${JSON.stringify(prefillIterations)}; context balance ${JSON.stringify(contextBalance)}; receive interval ${JSON.stringify(receiveInterval)}; KV cache budget ${JSON.stringify(kvBudget)}`,
    );
    expect(failures).toEqual([]);
    expect(maxError).toBeLessThanOrEqual(TOLERANCE);
    // the sample reaches every outcome, so every branch of the kernel was compared
    const inference = INFEASIBLE_REASONS.filter((r) => r !== 'batch_divides' && r !== 'cp_divides_sequence' && r !== 'interleave_needs_pipeline');
    for (const reason of ['feasible', ...inference]) expect(byReason.get(reason) ?? 0).toBeGreaterThan(100);
    // both schedules, every regime of the continuous steady state, pipelines of uneven stages,
    // expert parallelism that does not divide the experts, with redundant slots, and data-parallel
    // attention with uneven batches, any TP, experts over EP, MLA and pipelines
    for (const count of Object.values(regimes)) expect(count).toBeGreaterThan(100);
    // speculative decoding with either drafter, in both schedules, with several draft passes and per-position acceptances
    expect(speculating).toBeGreaterThan(CONFIGURATIONS / 3);
    for (const count of Object.values(speculation)) expect(count).toBeGreaterThan(100);
    for (const count of Object.values(dpAttention)) expect(count).toBeGreaterThan(100);
    for (const count of Object.values(attentionWeights)) expect(count).toBeGreaterThan(100);
    for (const count of Object.values(capped)) expect(count).toBeGreaterThan(100);
    for (const count of Object.values(prefillIterations)) expect(count).toBeGreaterThan(100);
    for (const count of Object.values(contextBalance)) expect(count).toBeGreaterThan(100);
    for (const count of Object.values(receiveInterval)) expect(count).toBeGreaterThan(100);
    // the budget's edges (where M · usableFraction would have decided otherwise, and admission by
    // memory under it) are rarer in the random sample: tens of configurations each
    for (const [edge, count] of Object.entries(kvBudget)) expect(count, edge).toBeGreaterThan(['tighter', 'looser', 'admittedByMemory'].includes(edge) ? 5 : 100);
  });
});

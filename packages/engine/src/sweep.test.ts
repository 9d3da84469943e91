import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateInference, type FeasibleInferenceResult } from '@ridgeline/model';
import { N_OUT, OUTPUTS, REASONS, type Metric } from './descriptors.ts';
import { outputsDigest } from './digest.ts';
import { groupOf, groupSegments, groupShapeOf } from './groups.ts';
import { createEngine } from './engine.ts';
import { ROW_COLUMNS, writeRows } from './node/rows.ts';
import { runSweep } from './node/run.ts';
import { WORKER_SOURCE } from './node/worker-source.ts';
import { planSweep, shardRange, type SweepPlan } from './plan.ts';
import { parseSweepSpec, resolveSweepSpec } from './spec.ts';
import { attachRows, mergeResults, mergeStates, paretoFrontier, rowOutputs, sweepRows, toResult, unpackState, type SweepRow, type SweepState } from './state.ts';
import { measureSweepRate, sweepRange } from './sweep.ts';
import { inferenceConfig } from './test-support/plan-config.ts';
import { kernelMismatches } from './test-support/kernel-check.ts';
import { referenceOutputs, TEST_RESOLVERS } from './test-support/random.ts';
import { bruteFrontier, hasEqualOutputs, plain, referenceTopK, type Candidate } from './test-support/reference.ts';
import { matchesWhere } from './where.ts';

// ~147k configurations: two models (dense, MoE), two chips (switch, 3D torus), most axes varied
// (every attention sharding, two-batch overlap or not), both schedules, and a chunk budget small
// enough to bind and to split prompts.
const SPEC = `
models: [llama-3.1-8b, mixtral-8x7b]
hardware: [h100-sxm, { chip: tpu-v5p, usdPerChipHour: 3.1 }]
chips: [8, 16]
tp: [1, 2, 4, 8]
pp: [1, 2]
ep: [1, 8]
redundantExperts: [auto, 8]
batch: [1, 16, 128]
inputTokens: [512, 4096]
outputTokens: [128, 1024]
precisions: { weights: [bf16, fp8], kvCache: bf16, activations: bf16 }
attentionSharding: [heads, batch, dp]
commOverlap: [auto, 0.5]
twoBatchOverlap: [false, true]
schedule: [continuous, static]
chunkTokens: [1024, 8192]
reducers:
  pareto: [costPerMillionTokensUsd, tpotS, tokensPerSPerChip]
  top: { k: 15, by: tokensPerSPerUser }
  histograms:
    - { metric: tpotS, min: 0.001, max: 1, bins: 30, scale: log }
    - { metric: mfuDecode, min: 0, max: 1, bins: 20 }
`;

function planOf(text: string): SweepPlan {
  return planSweep(resolveSweepSpec(parseSweepSpec(text), TEST_RESOLVERS));
}


// ~4.6k configurations of disaggregated serving: DeepSeek-V3 and Llama 3.1 70B decoding on H200 or
// MI300X (one at a price of its own), prefill workers on the same chip or on B200, of the decode
// worker's TP or 4, EP auto or 1, heads or dp attention, with and without MTP.
const DISAGGREGATED_SPEC = `
models: [deepseek-v3, llama-3.1-70b]
hardware: [h200, { chip: mi300x, usdPerChipHour: 3 }]
chips: [8]
tp: [8]
ep: [1, 8]
attentionSharding: [heads, dp]
batch: [4, 256]
inputTokens: [1024, 8192]
outputTokens: [1024]
precisions: { weights: fp8, kvCache: fp8, activations: fp8 }
chunkTokens: [8192]
speculative: [none, mtp]
draftTokens: [3]
prefillWorkers: [0, 1, 3]
decodeWorkers: [1, 4]
prefillHardware: [same, b200, mi300x]
prefillTp: [auto, 4]
prefillEp: [auto, 1]
prefillAttention: [heads, dp]
reducers:
  pareto: [costPerMillionTokensUsd, tokensPerSPerUser]
  top: { k: 10, by: tokensPerSPerUser }
`;

describe('sweeps of disaggregated serving', () => {
  const plan = planOf(DISAGGREGATED_SPEC);

  it('give rows equal to estimateInference for the prefillWorkers, decodeWorkers, prefillHardware, prefillTp, prefillEp and prefillAttention axes', async () => {
    expect(plan.total).toBe(2 * 2 * 2 * 2 * 2 * 3 * 2 * 3 * 2 * 2 * 2 * 2 * 2);
    const kernel = await (await createEngine()).open(plan.image(true));
    const out = kernel.rows(0, plan.total).slice();
    const mismatches: string[] = [];
    const outcomes: Record<string, number> = {};
    for (let i = 0; i < plan.total; i++) {
      const result = estimateInference(inferenceConfig(plan, i));
      const key = !result.feasible || result.disaggregation === null ? `single ${result.reason ?? 'feasible'}` : `${result.disaggregation.bound} ${result.disaggregation.kvLink}`;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
      kernelMismatches(out, i, result, mismatches);
    }
    expect(mismatches).toEqual([]);
    // every pool binds somewhere; the KV moves over scale-up inside one H200 domain only when the
    // pools share the chip and fit in it, otherwise over scale-out
    for (const key of ['prefill scale-out', 'decode scale-out', 'single feasible']) expect(outcomes[key] ?? 0).toBeGreaterThan(20);
    expect(outcomes['decode scale-up'] ?? 0).toBe(0);
    const last = plan.config(plan.total - 1);
    expect([last.prefillWorkers, last.decodeWorkers, last.prefillHardware, last.prefillTp, last.prefillEp, last.prefillAttention]).toEqual([3, 4, 'mi300x', 4, 1, 'dp']);
  });
});

// ~3k configurations of speculative decoding: DeepSeek-V3 (one MTP module) and Llama 3.1 70B (none),
// two draft models (Llama 2 13B's 40 heads do not split over TP 16), γ and acceptance varied, both
// schedules, pipelines and expert parallelism.
const SPECULATIVE_SPEC = `
models: [deepseek-v3, llama-3.1-70b]
hardware: [h200]
chips: [16]
tp: [8, 16]
pp: [1, 2]
ep: [1, 8]
batch: [1, 64]
inputTokens: [1024, 8192]
outputTokens: [512]
precisions: { weights: fp8, kvCache: fp8, activations: bf16 }
schedule: [continuous, static]
chunkTokens: [2048]
speculative: [none, mtp, draft]
draftModels: [llama-3.1-8b, llama-2-13b]
draftTokens: [1, 3]
acceptance: [0.6, 0.9]
reducers:
  pareto: [costPerMillionTokensUsd, tokensPerSPerUser]
  top: { k: 10, by: tokensPerSPerUser }
`;

describe('sweeps of speculative decoding', () => {
  const plan = planOf(SPECULATIVE_SPEC);

  it('give rows equal to estimateInference for the speculative, draftModels, draftTokens and acceptance axes', async () => {
    expect(plan.total).toBe(2 * 2 * 2 * 2 * 2 * 2 * 2 * 3 * 2 * 2 * 2);
    const kernel = await (await createEngine()).open(plan.image(true));
    const out = kernel.rows(0, plan.total).slice();
    const mismatches: string[] = [];
    const outcomes: Record<string, number> = {};
    for (let i = 0; i < plan.total; i++) {
      const c = plan.config(i);
      const result = estimateInference(inferenceConfig(plan, i));
      const key = `${c.speculative} ${result.schedule} ${result.reason ?? 'feasible'}`;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
      kernelMismatches(out, i, result, mismatches);
    }
    expect(mismatches).toEqual([]);
    // either drafter feasible in both schedules; MTP on the model without modules, and the draft
    // model TP 16 does not divide, unsupported
    for (const mode of ['mtp', 'draft']) {
      for (const schedule of ['continuous', 'static']) expect(outcomes[`${mode} ${schedule} feasible`] ?? 0).toBeGreaterThan(20);
    }
    expect(outcomes['mtp continuous speculative_unsupported'] ?? 0).toBeGreaterThan(0);
    expect(outcomes['draft continuous speculative_unsupported'] ?? 0).toBeGreaterThan(0);
    // the rows name the axes' values
    const last = plan.config(plan.total - 1);
    expect([last.speculative, last.draftModel, last.draftTokens, last.acceptance]).toEqual(['draft', 'llama-2-13b', 3, 0.9]);
  });

  it('reduce to what a JavaScript pass over estimateInference gives, speculating', async () => {
    const state = await sweepRange(await createEngine(), plan, [0, plan.total], { chunk: 700 });
    const reasons: Record<string, number> = {};
    const candidates: Candidate[] = [];
    for (let i = 0; i < plan.total; i++) {
      const r = estimateInference(inferenceConfig(plan, i));
      if (!r.feasible) reasons[r.reason!] = (reasons[r.reason!] ?? 0) + 1;
      else {
        const outputs = referenceOutputs(r);
        candidates.push({ index: i, key: -outputs.tokensPerSPerUser, outputs: OUTPUTS.map((o) => outputs[o]) });
      }
    }
    expect(state.counts.feasible).toBe(candidates.length);
    for (const reason of REASONS) expect(state.counts.infeasible[reason]).toBe(reasons[reason] ?? 0);
    expect(plain(state.top)).toEqual(referenceTopK(candidates, 10));
    // the fastest decoding per user speculates
    expect(state.top.every((e) => plan.config(e.index).speculative !== 'none')).toBe(true);
  });

  it('count draft configurations without a draft model as speculative_unsupported (a spec built by hand; the parsers reject it)', async () => {
    const spec = { ...parseSweepSpec('models: [llama-3.1-8b]\nhardware: [h100-sxm]\nschedule: [continuous, static]\n'), speculative: ['none', 'draft'] as const };
    const handmade = planSweep(resolveSweepSpec(spec, TEST_RESOLVERS));
    const state = await sweepRange(await createEngine(), handmade, [0, handmade.total]);
    expect([handmade.total, state.counts.feasible, state.counts.infeasible.speculative_unsupported]).toEqual([4, 2, 2]);
  });
});

describe('sweeps', () => {
  const plan = planOf(SPEC);

  it('measure their rate on a sample spread over the range, leaving no state behind', async () => {
    const engine = await createEngine();
    const rate = await measureSweepRate(engine, plan, [0, plan.total]);
    expect(Number.isFinite(rate) && rate > 1000).toBe(true);
    // a range smaller than the sample is timed whole
    expect(await measureSweepRate(engine, plan, [10, 110], { slice: 4096 })).toBeGreaterThan(0);
    expect(await runSweep(plan, { threads: 1, engine, range: [0, 5000] })).toEqual(await runSweep(plan, { threads: 1, range: [0, 5000] }));
  });

  it('enumerate the cartesian product in WASM exactly as estimateInference evaluates each configuration', async () => {
    expect(plan.total).toBe(2 * 2 * 2 * 2 * 3 * 4 * 2 * 2 * 2 * 2 * 3 * 2 * 2 * 2 * 2 * 2);
    const kernel = await (await createEngine()).open(plan.image(true));
    const out = kernel.rows(0, plan.total).slice();
    const mismatches: string[] = [];
    const regimes = { static: 0, continuous: 0, budgetBinds: 0, severalChunks: 0 };
    for (let i = 0; i < plan.total; i++) {
      const result = estimateInference(inferenceConfig(plan, i));
      const expected = referenceOutputs(result);
      const reference = result.reason;
      if (result.feasible) {
        if (result.serving === null) regimes.static++;
        else {
          regimes.continuous++;
          if (result.serving.budgetBinds) regimes.budgetBinds++;
          if (result.serving.chunksPerPrompt > 1) regimes.severalChunks++;
        }
      }
      const reason = out[i * N_OUT + 1]!;
      if ((reason < 0 ? null : REASONS[reason]) !== reference) mismatches.push(`#${i} reason`);
      OUTPUTS.forEach((name, slot) => {
        if (name === 'reason') return;
        const got = out[i * N_OUT + slot]!;
        if (!Object.is(got, expected[name]) && mismatches.length < 10) mismatches.push(`#${i} ${name}: ${got} vs ${expected[name]}`);
      });
    }
    expect(mismatches).toEqual([]);
    for (const count of Object.values(regimes)) expect(count).toBeGreaterThan(100);
  });

  it('reduce to what a JavaScript pass over estimateInference gives', async () => {
    const state = await sweepRange(await createEngine(), plan, [0, plan.total], { chunk: 1000 });
    const sign = (d: string): number => (d === 'min' ? 1 : -1);
    const feasible: { index: number; r: FeasibleInferenceResult }[] = [];
    const reasons: Record<string, number> = {};
    for (let i = 0; i < plan.total; i++) {
      const r = estimateInference(inferenceConfig(plan, i));
      if (r.feasible) feasible.push({ index: i, r });
      else reasons[r.reason!] = (reasons[r.reason!] ?? 0) + 1;
    }
    const metric = (r: ReturnType<typeof estimateInference>, m: Metric): number => referenceOutputs(r)[m];
    expect(state.counts.evaluated).toBe(plan.total);
    expect(state.counts.feasible).toBe(feasible.length);
    expect(state.counts.matched).toBe(feasible.length);
    for (const reason of REASONS) expect(state.counts.infeasible[reason]).toBe(reasons[reason] ?? 0);
    expect(state.counts.feasible).toBeGreaterThan(1000);
    for (const phase of ['prefill', 'decode'] as const) {
      for (const bound of ['compute', 'memory', 'network'] as const) {
        expect(state.counts.bound[phase][bound]).toBe(feasible.filter(({ r }) => r.bound[phase] === bound).length);
      }
    }
    const objectives = plan.reducers.pareto;
    const entries = feasible.map(({ index, r }) => ({ index, keys: objectives.map((o) => sign(o.direction) * metric(r, o.metric)) }));
    expect(plain(state.pareto)).toEqual(plain(paretoFrontier(entries)));
    const top = plan.reducers.top!;
    const candidates: Candidate[] = feasible.map(({ index, r }) => {
      const outputs = referenceOutputs(r);
      return { index, key: sign(top.direction) * outputs[top.metric as Metric], outputs: OUTPUTS.map((o) => outputs[o]) };
    });
    expect(plain(state.top)).toEqual(referenceTopK(candidates, top.k));
    plan.edges.forEach((edges, h) => {
      const m = plan.reducers.histograms[h]!.metric;
      const counts = new Array<number>(edges.length + 1).fill(0);
      for (const { r } of feasible) {
        const v = metric(r, m);
        const bin = v < edges[0]! ? 0 : v >= edges.at(-1)! ? edges.length : edges.findLastIndex((e) => e <= v) + 1;
        counts[bin]!++;
      }
      expect(state.histograms[h]).toEqual(counts);
    });
  });

  it('write row files whose configuration columns reproduce estimateInference, schedule and chunk budget included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ridgeline-rows-'));
    try {
      // a slice across schedules: the last static configurations of one block, the first continuous of the next
      const range: [number, number] = [plan.total / 2 - 300, plan.total / 2 + 300];
      const csv = join(dir, 'rows.csv');
      await writeRows(plan, csv, { range });
      const lines = (await readFile(csv, 'utf8')).trimEnd().split('\n');
      expect(lines[0]).toBe(ROW_COLUMNS.join(','));
      expect(lines[0]).toMatch(/,moeImbalance,twoBatchOverlap,schedule,chunkTokens,speculative,draftModel,draftTokens,acceptance,prefillWorkers,decodeWorkers,prefillHardware,prefillTp,prefillEp,prefillAttention,feasible,.*,totalTokensPerSPerChip,prefillIdleShare,decodeIdleShare,kvTransferS,disaggregationBound,nodeJPerOutputToken,facilityJPerOutputToken,facilityW,provisionedFacilityW,tokensPerSPerProvisionedMW$/);
      const jsonl = join(dir, 'rows.jsonl');
      await writeRows(plan, jsonl, { range });
      const rows = (await readFile(jsonl, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(rows).toHaveLength(600);
      const schedules = new Set<unknown>();
      for (const row of rows) {
        const index = row['index'] as number;
        const r = estimateInference(inferenceConfig(plan, index));
        schedules.add(row['schedule']);
        expect(row['schedule']).toBe(r.schedule);
        expect(row['chunkTokens']).toBe(r.inputs.chunkTokens);
        expect(row['totalTokensPerSPerChip']).toBe(r.feasible ? r.totalTokensPerSPerChip : null);
        expect(row['inputTokensPerSPerChip']).toBe(r.feasible ? r.inputTokensPerSPerChip : null);
        // the facility columns: estimate's energy block, none for an infeasible row
        expect(row['provisionedFacilityW']).toBe(r.feasible ? r.energy.provisionedFacilityW : null);
        expect(row['tokensPerSPerProvisionedMW']).toBe(r.feasible ? r.energy.tokensPerSPerProvisionedMW : null);
        expect(row['facilityJPerOutputToken']).toBe(r.feasible ? r.energy.facilityJPerOutputToken : null);
      }
      expect([...schedules].sort()).toEqual(['continuous', 'static']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('give the same result on 1, 2 or 3 threads, and for shards merged', async () => {
    const engine = await createEngine();
    const one = await runSweep(plan, { threads: 1, engine });
    // force threads on a small sweep by giving each thread a range of its own
    const threaded = await runSweepThreads(plan, 3);
    expect(threaded).toEqual(one);
    const shards = [0, 1, 2, 3].map((i) => shardRange(plan.total, i, 4));
    const parts = await Promise.all(shards.map((range) => runSweep(plan, { threads: 1, engine, range })));
    expect(parts.reduce((a, b) => mergeStates(plan.reducers, a, b))).toEqual(one);
  });

  describe('shards in separate processes', () => {
    let dir = '';
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'ridgeline-shards-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('merge to exactly the single-run result', async () => {
      await expectShardsMergeToSingleRun(plan, dir);
    });

    it('merge to exactly the single-run result with where and groupBy', async () => {
      const grouped = planOf(filteredAndGrouped(['model', 'chip']));
      // the filter and the grouping are part of the fingerprint: shards of other settings do not merge
      const fingerprints = [
        grouped,
        planOf(filteredAndGrouped(['model'])),
        planOf(filteredAndGrouped(['model', 'chip']).replace('max: 0.05', 'max: 0.06')),
        planOf(filteredAndGrouped(['model', 'chip']).replace(/where: .*\n/, '')),
      ].map((p) => p.fingerprint);
      expect(new Set(fingerprints).size).toBe(4);
      await expectShardsMergeToSingleRun(grouped, dir);
    });
  });
});

// The kernel evaluates a replica once and shares its figures with the configurations that differ
// only in DP or the chips, in the attention sharding at TP 1 (heads or batch) or in the MoE
// imbalance where nothing routes across EP (kernel.ts, "sharing across DP"); rows never share, so
// a sweep must reduce to a pass over them. DP 1, 2 and 4 at EP 4 or 8 break ep_layout for some DP
// values and not others; batch 1024 at 8192 prompt tokens overflows the small layouts (capacity);
// both schedules; data-parallel attention beside heads and batch, a dense model and an MoE.
const DP_SPEC = `
models: [llama-3.1-8b, mixtral-8x7b]
hardware: [h100-sxm, tpu-v5p]
dp: [1, 2, 4]
tp: [1, 2, 4]
pp: [1, 2]
ep: [1, 4, 8]
batch: [1, 16, 256, 1024]
inputTokens: [512, 8192]
outputTokens: [128, 2048]
precisions: { weights: [bf16, fp8], kvCache: bf16, activations: bf16 }
attentionSharding: [heads, batch, dp]
moeImbalance: [1, 1.5]
commOverlap: [auto, 0.5]
schedule: [continuous, static]
reducers:
  pareto: [costPerMillionTokensUsd, tpotS]
  top: { k: 12, by: costPerMillionTokensUsd }
  histograms:
    - { metric: tokensPerSPerChip, min: 1, max: 100000, bins: 25, scale: log }
`;
// Entries per (overlap, TP, PP, EP) and position would be 2 · 4 · 2 · 2 · (11 · 10 · 10) = 35,200, more
// than the kernel keeps (32,768): the imbalance alone is shared (16 · 1,100 entries), and a change
// of the attention sharding (outside it) makes new entries.
const NARROW_SPEC = `
models: [mixtral-8x7b]
hardware: [h200]
dp: [1, 2]
tp: [1, 2, 4, 8]
pp: [1, 2]
ep: [1, 8]
attentionSharding: [heads, batch]
commOverlap: [auto, 0.5]
moeImbalance: [1, 1.5]
batch: { from: 1, to: 1024, times: 2 }
inputTokens: { from: 128, to: 10000, step: 1000 }
outputTokens: { from: 64, to: 9000, step: 900 }
reducers:
  pareto: [costPerMillionTokensUsd, tokensPerSPerUser]
  top: { k: 10, by: tpotS }
`;
// Entries per (TP, PP, EP) and position would be 16 · (11 · 20 · 10) = 35,200: the chips axis
// alone is shared, entries per position.
const PER_POSITION_SPEC = `
models: [mixtral-8x7b]
hardware: [h200]
dp: [1, 2]
tp: [1, 2, 4, 8]
pp: [1, 2]
ep: [1, 8]
moeImbalance: [1, 1.5]
batch: { from: 1, to: 1024, times: 2 }
inputTokens: { from: 128, to: 20000, step: 1000 }
outputTokens: { from: 64, to: 9000, step: 900 }
reducers:
  pareto: [costPerMillionTokensUsd, tokensPerSPerUser]
  top: { k: 10, by: tpotS }
`;
// An inner block of 11 · 56 · 56 = 34,496 positions, more than the kernel keeps: the last ones of
// each block are evaluated whole for every DP value.
const WIDE_BLOCK_SPEC = `
models: [llama-3.1-8b]
hardware: [h100-sxm]
dp: [1, 2]
batch: { from: 1, to: 1024, times: 2 }
inputTokens: { from: 128, to: 28000, step: 500 }
outputTokens: { from: 64, to: 27900, step: 500 }
reducers:
  pareto: [costPerMillionTokensUsd, tokensPerSPerUser]
  top: { k: 10, by: tpotS }
`;

// A sweep computes the outputs its reducers read and, for a configuration the top-k may take, all
// of them (kernel.ts, "the outputs a sweep computes"): these reducers and filters read the ones
// computed apart (input tokens, node energy, the input tokens' cost, provisioned power, the total
// per chip, prefill tokens, energy per token), static and continuous.
const READS_SPEC = `
models: [llama-3.1-8b, mixtral-8x7b]
hardware: [h100-sxm, tpu-v5p]
dp: [1, 2]
tp: [1, 2, 4]
ep: [1, 4]
batch: [1, 16, 256]
inputTokens: [512, 8192]
outputTokens: [128, 2048]
schedule: [continuous, static]
where: { inputTokensPerSPerChip: { min: 20 }, nodeJPerOutputToken: { max: 20 } }
reducers:
  pareto: [costPerMillionInputTokensUsd, tokensPerSPerProvisionedMW, totalTokensPerSPerChip]
  top: { k: 8, by: tokensPerSPerChip }
  histograms:
    - { metric: prefillTokensPerS, min: 1, max: 10000000, bins: 20, scale: log }
    - { metric: energyPerTokenJ, min: 0.001, max: 100, bins: 20, scale: log }
`;

describe('sweeps sharing a replica across DP, sharding and imbalance', () => {
    const cases = [
    ['DP, EP layouts, capacity, attention sharding, MoE imbalance, both schedules', DP_SPEC, 997],
    ['the imbalance alone shared', NARROW_SPEC, 4099],
    ['entries per position, the chips axis alone shared', PER_POSITION_SPEC, 6007],
    ['an inner block larger than the entries the kernel keeps', WIDE_BLOCK_SPEC, 20011],
    ['reducers and filters reading the outputs computed apart', READS_SPEC, 333],
  ] as const;
  for (const [name, text, chunk] of cases) {
    it(`reduce to a pass over every row evaluated alone: ${name}`, async () => {
      const plan = planOf(text);
      const engine = await createEngine();
      // ranges that start and end inside inner blocks and DP values
      const state = await sweepRange(engine, plan, [0, plan.total], { chunk });
      const kernel = await engine.open(plan.image());
      const rows = sweepRows(kernel, plan, 0, plan.total) as SweepRow[];
      const feasible = rows.filter((row) => row.feasible);
      const kept = feasible.filter((row) => matchesWhere(row, plan.where));
      expect(kept.length).toBeGreaterThan(text === READS_SPEC ? 100 : 1000);
      if (text === READS_SPEC) expect(kept.length).toBeLessThan(feasible.length);
      expect(state.counts).toMatchObject({ evaluated: plan.total, feasible: feasible.length, matched: kept.length });
      for (const reason of REASONS) expect(state.counts.infeasible[reason]).toBe(rows.filter((row) => row.reason === reason).length);
      if (text === DP_SPEC) for (const reason of ['ep_layout', 'capacity'] as const) expect(state.counts.infeasible[reason]).toBeGreaterThan(100);
      for (const phase of ['Prefill', 'Decode'] as const) {
        for (const bound of ['compute', 'memory', 'network'] as const) {
          expect(state.counts.bound[phase === 'Prefill' ? 'prefill' : 'decode'][bound]).toBe(kept.filter((row) => row[`bound${phase}`] === bound).length);
        }
      }
      const sign = (d: string): number => (d === 'min' ? 1 : -1);
      const objectives = plan.reducers.pareto;
      expect(plain(state.pareto)).toEqual(plain(paretoFrontier(kept.map((row) => ({ index: row.index, keys: objectives.map((o) => sign(o.direction) * row[o.metric]!) })))));
      const models = plan.resolved.models.map((m) => m.id);
      const chips = plan.resolved.chips.map((c) => c.chip.id);
      const top = plan.reducers.top!;
      const candidates: Candidate[] = kept.map((row) => ({
        index: row.index,
        key: sign(top.direction) * row[top.metric]!,
        outputs: OUTPUTS.map((o) => row[o]),
        pair: models.indexOf(row.model) * chips.length + chips.indexOf(row.hardware),
      }));
      expect(plain(state.top)).toEqual(referenceTopK(candidates, top.k));
      for (const e of state.top) expect(e.digest).toBe(outputsDigest(rowOutputs(rows[e.index]!, OUTPUTS), models.indexOf(rows[e.index]!.model) * chips.length + chips.indexOf(rows[e.index]!.hardware)));
      plan.edges.forEach((edges, h) => {
        const m = plan.reducers.histograms[h]!.metric;
        const counts = new Array<number>(edges.length + 1).fill(0);
        for (const row of kept) {
          const v = row[m]!;
          counts[v < edges[0]! ? 0 : v >= edges.at(-1)! ? edges.length : edges.findLastIndex((e) => e <= v) + 1]!++;
        }
        expect(state.histograms[h]).toEqual(counts);
      });
      // one sweep of the whole range shares across every block; chunked or not, the same state
      expect(await sweepRange(engine, plan, [0, plan.total])).toEqual(state);
    });
  }
});

describe('sweeps computing the outputs their reducers read', () => {
  // each output a sweep computes only when read, read alone (beside TTFT, always computed): a
  // figure it needs but did not compute would be NaN, and leave the frontier
  const apart = [
    'tokensPerS',
    'tokensPerSPerChip',
    'tokensPerSPerUser',
    'prefillTokensPerS',
    'costPerMillionTokensUsd',
    'costPerMillionInputTokensUsd',
    'energyPerTokenJ',
    'inputTokensPerSPerChip',
    'totalTokensPerSPerChip',
    'nodeJPerOutputToken',
    'facilityJPerOutputToken',
    'facilityW',
    'provisionedFacilityW',
    'tokensPerSPerProvisionedMW',
  ] as const;
  it.each(apart)('as a full evaluation does: a frontier of %s and TTFT', async (metric) => {
    // Speculation gives tokens/s per user its trade against TTFT (the drafter reads the prompt
    // too): without it one configuration, a static batch of one, leads on both.
    const plan = planOf(`
models: [llama-3.1-8b, llama-3.1-70b, mixtral-8x7b]
hardware: [h100-sxm]
dp: [1, 2]
tp: [1, 4]
ep: [1, 4]
batch: [1, 64, 512]
inputTokens: [512, 8192]
outputTokens: [128, 2048]
schedule: [continuous, static]
speculative: [none, draft]
draftModels: [llama-3.1-8b]
acceptance: [0.8]
reducers: { pareto: [${metric}, ttftS], top: null }
`);
    const engine = await createEngine();
    const state = await sweepRange(engine, plan, [0, plan.total]);
    const rows = sweepRows(await engine.open(plan.image()), plan, 0, plan.total) as SweepRow[];
    const feasible = rows.filter((row) => row.feasible);
    expect(feasible.length).toBeGreaterThan(100);
    const sign = (d: string): number => (d === 'min' ? 1 : -1);
    const objectives = plan.reducers.pareto;
    const frontier = paretoFrontier(feasible.map((row) => ({ index: row.index, keys: objectives.map((o) => sign(o.direction) * row[o.metric]!) })));
    expect(frontier.length).toBeGreaterThan(1);
    expect(plain(state.pareto)).toEqual(plain(frontier));
  });
});

describe('filtered and grouped sweeps', () => {
  const groupings = [['model', 'chip'], ['model'], ['chip']] as const;

  /** Every row of a plan, evaluated one by one (sweepRows), with its group from its model and chip names. */
  async function referenceRows(plan: SweepPlan, groupBy: readonly string[]): Promise<{ row: SweepRow; group: number }[]> {
    const kernel = await (await createEngine()).open(plan.image());
    const models = plan.resolved.models.map((m) => m.id);
    const chips = plan.resolved.chips.map((c) => c.chip.id);
    return (sweepRows(kernel, plan, 0, plan.total) as SweepRow[]).map((row) => {
      const m = models.indexOf(row.model);
      const c = chips.indexOf(row.hardware);
      const group = groupBy.length === 2 ? m * chips.length + c : groupBy[0] === 'model' ? m : c;
      return { row, group };
    });
  }

  for (const groupBy of groupings) {
    it(`reduce to a JavaScript pass over every row, filtered with matchesWhere, per ${groupBy.join(' and ')}`, async () => {
      const plan = planOf(filteredAndGrouped(groupBy));
      expect(plan.where).toEqual([{ metric: 'ttftS', max: 2 }, { metric: 'tpotS', max: 0.05 }]);
      const engine = await createEngine();
      const state = await sweepRange(engine, plan, [0, plan.total], { chunk: 5000 });
      const all = await referenceRows(plan, groupBy);
      const feasible = all.filter(({ row }) => row.feasible);
      const kept = feasible.filter(({ row }) => matchesWhere(row, plan.where));
      expect(kept.length).toBeGreaterThan(100);
      expect(kept.length).toBeLessThan(feasible.length);
      expect(state.counts).toMatchObject({ evaluated: plan.total, feasible: feasible.length, matched: kept.length });
      for (const bound of ['compute', 'memory', 'network'] as const) {
        expect(state.counts.bound.decode[bound]).toBe(kept.filter(({ row }) => row.boundDecode === bound).length);
      }
      plan.edges.forEach((edges, h) => {
        const m = plan.reducers.histograms[h]!.metric;
        const counts = new Array<number>(edges.length + 1).fill(0);
        for (const { row } of kept) {
          const v = row[m]!;
          counts[v < edges[0]! ? 0 : v >= edges.at(-1)! ? edges.length : edges.findLastIndex((e) => e <= v) + 1]!++;
        }
        expect(state.histograms[h]).toEqual(counts);
      });
      const sign = (d: string): number => (d === 'min' ? 1 : -1);
      const groups = [...new Set(kept.map(({ group }) => group))].sort((a, b) => a - b);
      expect(groups.length).toBeGreaterThan(1);
      // each group's frontier, groups in spec order
      const objectives = plan.reducers.pareto;
      for (const g of groups) {
        const own = kept.filter((k) => k.group === g).map(({ row }) => ({ index: row.index, keys: objectives.map((o) => sign(o.direction) * row[o.metric]!) }));
        expect(state.pareto.filter((e) => e.group === g).map((e) => e.index).sort((a, b) => a - b)).toEqual(bruteFrontier(own));
      }
      expect(state.pareto.map((e) => e.group)).toEqual(state.pareto.map((e) => all[e.index]!.group).sort((a, b) => a - b));
      // each group's top k, equal outputs once at their lowest index
      const top = plan.reducers.top!;
      const candidates: Candidate[] = kept.map(({ row, group }) => ({ index: row.index, key: sign(top.direction) * row[top.metric]!, outputs: OUTPUTS.map((o) => row[o]), group }));
      expect(plain(state.top)).toEqual(referenceTopK(candidates, top.k));
      expect(hasEqualOutputs(candidates)).toBe(true);
      for (const e of state.top) expect(e.digest).toBe(outputsDigest(rowOutputs(all[e.index]!.row, OUTPUTS), groupOf({ ...groupShapeOf(plan), groupBy: ['model', 'chip'] }, e.index)));
      // threads and shards see the same groups
      expect(await runSweepThreads(plan, 2)).toEqual(await runSweep(plan, { threads: 1 }));
      const shards = await Promise.all([0, 1, 2].map((i) => sweepRange(engine, plan, shardRange(plan.total, i, 3))));
      expect(shards.reduce((a, b) => mergeStates(plan.reducers, a, b))).toEqual(state);
    });
  }

  it('collapse configurations with equal outputs (a dense model under MoE imbalance, TP 1 by heads or batch) in the top-k, shards and merges included', async () => {
    // EP > 1 makes a dense model infeasible (ep_divides_experts); MoE imbalance leaves it unchanged
    const plan = planOf(
      'models: [llama-3.1-8b]\nhardware: [h100-sxm]\nchips: 8\ntp: [1, 2, 8]\nmoeImbalance: [1, 1.25, 1.5]\nattentionSharding: [heads, batch]\nbatch: [1, 8, 64]\nreducers: { top: { k: 6, by: tpotS } }\n',
    );
    const engine = await createEngine();
    const kernel = await engine.open(plan.image());
    const rows = sweepRows(kernel, plan, 0, plan.total) as SweepRow[];
    const state = await runSweep(plan, { threads: 1, engine });
    const result = toResult(plan.resolved.spec, plan.reducers, plan.edges, attachRows(kernel, plan, state));
    const kept = result.top!.rows as SweepRow[];
    expect(kept).toHaveLength(6);
    const same = (a: SweepRow, b: SweepRow): boolean => OUTPUTS.every((o) => Object.is(a[o], b[o]));
    for (const [i, a] of kept.entries()) {
      for (const b of kept.slice(i + 1)) expect(same(a, b)).toBe(false);
      // every configuration with these outputs has an index at least this one's
      const twins = rows.filter((r) => same(r, a));
      expect(twins.length).toBeGreaterThan(1);
      expect(Math.min(...twins.map((r) => r.index))).toBe(a.index);
    }
    const shards = await Promise.all([0, 1, 2, 3].map(async (i) => {
      const part = attachRows(kernel, plan, await sweepRange(engine, plan, shardRange(plan.total, i, 4), { chunk: 7 }));
      return { name: `shard-${i}.json`, result: JSON.parse(JSON.stringify(toResult(plan.resolved.spec, plan.reducers, plan.edges, part))) as unknown };
    }));
    expect(JSON.stringify(mergeResults(shards))).toBe(JSON.stringify(result));
  });

  it('write exactly the feasible rows meeting where to row files', async () => {
    const plan = planOf(filteredAndGrouped(['model']));
    const all = await referenceRows(plan, ['model']);
    const expected = all.filter(({ row }) => row.feasible && matchesWhere(row, plan.where)).map(({ row }) => row.index);
    const dir = await mkdtemp(join(tmpdir(), 'ridgeline-where-rows-'));
    try {
      for (const file of ['rows.csv', 'rows.jsonl', 'rows.parquet']) {
        const written = await writeRows(plan, join(dir, file), { chunk: 4096 });
        expect(written.rows).toBe(expected.length);
      }
      const lines = (await readFile(join(dir, 'rows.csv'), 'utf8')).trimEnd().split('\n');
      expect(lines[0]).toBe(ROW_COLUMNS.join(','));
      expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).toEqual(expected);
      const ttft = ROW_COLUMNS.indexOf('ttftS');
      expect(lines.slice(1).every((l) => Number(l.split(',')[ttft]) <= 2)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/**
 * ~9k configurations of two models on two chips, the filter and the given grouping. TP 1,
 * MoE imbalance on the dense model and overlap without communication give configurations with
 * equal outputs.
 */
function filteredAndGrouped(groupBy: readonly string[]): string {
  return `
models: [llama-3.1-8b, mixtral-8x7b]
hardware: [h100-sxm, { chip: tpu-v5p, usdPerChipHour: 3.1 }]
chips: [8, 16]
tp: [1, 2, 8]
pp: [1, 2]
ep: [1, 8]
batch: [1, 16, 128]
inputTokens: [512, 4096]
outputTokens: [128, 1024]
attentionSharding: [heads, batch]
commOverlap: [auto, 0.5]
moeImbalance: [1, 1.5]
where: { ttftS: { max: 2 }, tpotS: { max: 0.05 } }
reducers:
  groupBy: [${groupBy.join(', ')}]
  pareto: [costPerMillionTokensUsd, tpotS, tokensPerSPerChip]
  top: { k: 15, by: tokensPerSPerUser }
  histograms:
    - { metric: tpotS, min: 0.001, max: 1, bins: 30, scale: log }
`;
}

/**
 * Runs three shards of `plan` in separate Node processes (the worker's task in plain JS), writes
 * each as the JSON `ridgeline sweep --json` prints, merges them and compares with one run.
 */
async function expectShardsMergeToSingleRun(plan: SweepPlan, dir: string): Promise<void> {
  const engine = await createEngine();
  const wasm = fileURLToPath(new URL('../build/release.wasm', import.meta.url));
  const image = plan.image();
  await writeFile(join(dir, 'image.f64'), new Uint8Array(image.buffer, image.byteOffset, image.byteLength));
  await writeFile(join(dir, 'worker.mjs'), WORKER_SOURCE);
  // A plain-JS shard runner: the same task the worker threads run, in its own process. It writes
  // each segment's packed state after its length.
  await writeFile(
    join(dir, 'shard.mjs'),
    `import { readFileSync, writeFileSync } from 'node:fs';
import run from './worker.mjs';
const [wasm, imageFile, segments, out] = process.argv.slice(2);
const module = await WebAssembly.compile(readFileSync(wasm));
const bytes = readFileSync(imageFile);
const image = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
const states = await run({ module, image, segments: JSON.parse(segments), chunk: 997 });
const flat = states.flatMap((packed) => [packed.length, ...packed]);
writeFileSync(out, new Uint8Array(Float64Array.from(flat).buffer));
`,
  );
  const count = 3;
  const shape = groupShapeOf(plan);
  const results = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const range = shardRange(plan.total, i, count);
      const segments = groupSegments(shape, range);
      const out = join(dir, `shard-${i}.f64`);
      await new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, [join(dir, 'shard.mjs'), wasm, join(dir, 'image.f64'), JSON.stringify(segments), out], { stdio: 'inherit' });
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`shard ${i} exited with ${code}`))));
      });
      const raw = await readFile(out);
      const flat = new Float64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
      const states: SweepState[] = [];
      for (let p = 0, j = 0; p < flat.length; j++) {
        const length = flat[p]!;
        states.push(unpackState(flat.subarray(p + 1, p + 1 + length), plan, segments[j]!));
        p += 1 + length;
      }
      const kernel = await engine.open(plan.image());
      const state = attachRows(kernel, plan, states.reduce((a, b) => mergeStates(plan.reducers, a, b)));
      // through JSON, as `ridgeline merge` reads shard files
      return { name: `shard-${i}.json`, result: JSON.parse(JSON.stringify(toResult(plan.resolved.spec, plan.reducers, plan.edges, state))) as unknown };
    }),
  );
  const single = await runSweep(plan, { threads: 1, engine });
  const kernel = await engine.open(plan.image());
  const expected = JSON.stringify(toResult(plan.resolved.spec, plan.reducers, plan.edges, attachRows(kernel, plan, single)));
  const merged = JSON.stringify(mergeResults(results));
  expect(merged === expected).toBe(true);
  expect(JSON.parse(merged).complete).toBe(true);
  expect(() => mergeResults([results[0]!, results[0]!])).toThrow(/ranges overlap/);
}

/** runSweep with workers even though the sweep is small (MIN_PER_THREAD would pick one thread); slices cut at group boundaries. */
async function runSweepThreads(plan: SweepPlan, threads: number): Promise<SweepState> {
  const parts: SweepState[] = [];
  const slices = Array.from({ length: threads }, (_, i) => shardRange(plan.total, i, threads));
  const engine = await createEngine();
  const { default: Tinypool } = await import('tinypool');
  const { WORKER_URL } = await import('./node/worker-source.ts');
  const pool = new Tinypool({ filename: WORKER_URL, minThreads: threads, maxThreads: threads });
  try {
    const shape = groupShapeOf(plan);
    const tasks = slices.map((slice) => groupSegments(shape, slice));
    const results = await Promise.all(tasks.map((segments) => pool.run({ module: engine.module, image: plan.image(), segments, chunk: 777 })));
    results.forEach((packed, t) => (packed as Float64Array[]).forEach((p, j) => parts.push(unpackState(p, plan, tasks[t]![j]!))));
  } finally {
    await pool.destroy();
  }
  return parts.reduce((a, b) => mergeStates(plan.reducers, a, b));
}

import { describe, expect, it } from 'vitest';
import { estimateInference } from '@ridgeline/model';
import { N_OUT, OUTPUTS, REASONS } from './descriptors.ts';
import { createEngine } from './engine.ts';
import { groupOf, groupSegments, groupShapeOf } from './groups.ts';
import { runSweep } from './node/run.ts';
import { modelStarts, planSweep, shardRange, type SweepPlan } from './plan.ts';
import { parseAnySweepSpec, parseSweepSpec, resolveSweepSpec, specForModel, SweepSpecError } from './spec.ts';
import { attachRows, mergeStates, stateOfResult, sweepRows, toResult, type SweepRow } from './state.ts';
import { sweepRange } from './sweep.ts';
import { inferenceConfig } from './test-support/plan-config.ts';
import { kernelMismatches, specIssuesOf } from './test-support/kernel-check.ts';
import { TEST_RESOLVERS } from './test-support/random.ts';
import { bruteFrontier, plain, referenceTopK, type Candidate } from './test-support/reference.ts';

// A dense model swept at EP 1 only, an MoE model over four EP values and its own batches and
// weights: two grids of different sizes in one index space.
const SPEC = `
models: [llama-3.1-8b, mixtral-8x7b]
hardware: [h100-sxm, { chip: tpu-v5p, usdPerChipHour: 3.1 }]
chips: [8]
tp: [1, 2, 8]
ep: { default: 1, mixtral-8x7b: [1, 2, 4, 8] }
batch: { default: [1, 64], mixtral-8x7b: { from: 1, to: 256, times: 4 } }
precisions: { weights: { default: bf16, mixtral-8x7b: [bf16, fp8] } }
inputTokens: [1024]
outputTokens: [256]
reducers:
  pareto: [cost, tpot]
  top: { k: 12, by: per-user }
`;

function planOf(text: string): SweepPlan {
  return planSweep(resolveSweepSpec(parseSweepSpec(text), TEST_RESOLVERS));
}

const issuesOf = specIssuesOf;

const TWO = 'models: [llama-3.1-70b, deepseek-r1]\nhardware: [h100-sxm]\n';

describe('axes given per model', () => {
  it('parse to the spec’s own axes (the default) and each named model’s own', () => {
    const spec = parseSweepSpec(SPEC);
    expect(spec.ep).toEqual([1]);
    expect(spec.batch).toEqual([1, 64]);
    expect(spec.precisions.weights).toEqual(['bf16']);
    expect(spec.perModel).toEqual({ 'mixtral-8x7b': { ep: [1, 2, 4, 8], batch: [1, 4, 16, 64, 256], precisions: { weights: ['bf16', 'fp8'], kvCache: ['bf16'], activations: ['bf16'] } } });
    expect(specForModel(spec, 'llama-3.1-8b')).toBe(spec);
    expect(specForModel(spec, 'mixtral-8x7b')).toMatchObject({ ep: [1, 2, 4, 8], batch: [1, 4, 16, 64, 256], tp: [1, 2, 8] });
    // without a default the axis' own default holds for the other models; keys match case-insensitively
    const noDefault = parseSweepSpec(`${TWO}ep: { DeepSeek-R1: [1, 8] }\n`);
    expect([noDefault.ep, noDefault.perModel]).toEqual([[1], { 'deepseek-r1': { ep: [1, 8] } }]);
    // a mapping with a range's keys stays a range
    expect(parseSweepSpec(`${TWO}batch: { from: 1, to: 4 }\n`).perModel).toBeUndefined();
    expect(modelStarts(spec)).toEqual([0, 2 * 3 * 2, 2 * 3 * 2 + 2 * 3 * 4 * 5 * 2]);
  });

  it('name each wrong entry with the models it could have been, all in one error', () => {
    expect(issuesOf(`${TWO}ep: { default: 1, deepseek-r2: [1, 8], deepseek-r1: [1, 0] }\ntp: [0]\n`)).toBe(
      [
        'spec.yaml: 3 problems',
        '  - ep.deepseek-r2: "deepseek-r2" is not a model of this spec; did you mean "deepseek-r1"? Per-model values are keyed by default or a model of models: llama-3.1-70b, deepseek-r1',
        '  - tp[0]: must be an integer ≥ 1, got 0',
        '  - ep.deepseek-r1[1]: must be an integer ≥ 1, got 0',
      ].join('\n'),
    );
    expect(issuesOf(`${TWO}chips: { deepseek-r1: 16 }\n`)).toBe('spec.yaml: chips.deepseek-r1: the other models count dp: give chips a default too, or give this model dp');
    expect(issuesOf(`${TWO}chips: 8\ndp: { deepseek-r1: 2 }\n`)).toBe('spec.yaml: dp.deepseek-r1: the other models count chips: give this model chips');
    expect(issuesOf(`${TWO}ep: { deepseek-r1: [1], DEEPSEEK-R1: [2] }\n`)).toBe('spec.yaml: ep.DEEPSEEK-R1: "DEEPSEEK-R1" is the model "deepseek-r1", as ep.deepseek-r1 is; give each model one entry');
    // a rule across axes broken only for one model is said for that model
    expect(issuesOf(`${TWO}prefillWorkers: { deepseek-r1: 1 }\nschedule: static\n`)).toMatch(/^spec\.yaml: schedule: for model "deepseek-r1": static cannot run with prefillWorkers above 0/);
  });

  it('are an inference spec’s: a training spec names each such axis, in one error with its other problems', () => {
    expect(() => parseAnySweepSpec('mode: training\nmodels: [llama-3.1-8b]\nhardware: [h100-sxm]\ntotalTokens: 1e12\ntp: { default: 1, llama-3.1-8b: [1, 2] }\npp: [0]\n', 'train.yaml')).toThrow(
      new SweepSpecError(
        [
          { path: 'tp', message: 'a training spec takes one grid: give tp one value, a list or a range { from, to, step | times } (axes per model are for inference specs)' },
          { path: 'pp[0]', message: 'must be an integer ≥ 1, got 0' },
        ],
        'train.yaml',
      ),
    );
  });

  it('enumerate each model’s own grid in WASM exactly as estimateInference evaluates each configuration', async () => {
    const plan = planOf(SPEC);
    expect(plan.total).toBe(12 + 240);
    expect(plan.modelStarts).toEqual([0, 12, 252]);
    const kernel = await (await createEngine()).open(plan.image(true));
    expect(kernel.total()).toBe(plan.total);
    const out = kernel.rows(0, plan.total).slice();
    const mismatches: string[] = [];
    for (let i = 0; i < plan.total; i++) {
      const c = plan.config(i);
      if (c.model === 'llama-3.1-8b' && (c.ep !== 1 || c.weights !== 'bf16' || ![1, 64].includes(c.batch))) mismatches.push(`#${i} dense config ${JSON.stringify(c)}`);
      const result = estimateInference(inferenceConfig(plan, i));
      kernelMismatches(out, i, result, mismatches);
    }
    expect(mismatches).toEqual([]);
    // the MoE model's grid is its own: every EP, batch and weight precision, each combination once
    const moe = Array.from({ length: 240 }, (_, k) => plan.config(12 + k));
    expect(new Set(moe.map((c) => `${c.hardware}|${c.tp}|${c.ep}|${c.batch}|${c.weights}`)).size).toBe(240);
    // rows started mid-grid, across the model boundary, decode the same
    expect(kernel.rows(10, 4).slice()).toEqual(out.slice(10 * N_OUT, 14 * N_OUT));
    // the dense model yields no row for an EP it cannot use
    expect(Array.from({ length: 12 }, (_, i) => out[i * N_OUT + 1]).filter((r) => r! >= 0 && REASONS[r!]?.startsWith('ep_') === true)).toEqual([]);
  });

  it('reduce to a JavaScript pass over every row, and threads, shards and groups merge to the single run', async () => {
    const engine = await createEngine();
    for (const groupBy of [[], ['model', 'chip'], ['chip']] as const) {
      const text = groupBy.length === 0 ? SPEC : `${SPEC}  groupBy: [${groupBy.join(', ')}]\n`;
      const plan = planOf(text);
      const single = await sweepRange(engine, plan, [0, plan.total], { chunk: 7 });
      const kernel = await engine.open(plan.image());
      const rows = sweepRows(kernel, plan, 0, plan.total) as SweepRow[];
      const models = plan.resolved.models.map((m) => m.id);
      const shape = groupShapeOf(plan);
      const feasible = rows.filter((r) => r.feasible);
      expect(single.counts.evaluated).toBe(plan.total);
      expect(single.counts.feasible).toBe(feasible.length);
      for (const row of rows) {
        // the group of an index is its model's (and chip's) by name
        const m = models.indexOf(row.model);
        const c = plan.resolved.chips.findIndex((x, j) => x.chip.id === row.hardware && (j === 0 || row.hardware !== 'h100-sxm'));
        const expected = groupBy.length === 0 ? 0 : groupBy.length === 2 ? m * 2 + c : c;
        if (groupOf(shape, row.index) !== expected) throw new Error(`#${row.index} group ${groupOf(shape, row.index)} vs ${expected}`);
      }
      const groups = [...new Set(feasible.map((r) => groupOf(shape, r.index)))];
      for (const g of groups) {
        const own = feasible.filter((r) => groupOf(shape, r.index) === g).map((r) => ({ index: r.index, keys: [r.costPerMillionTokensUsd!, r.tpotS!] }));
        expect(single.pareto.filter((e) => e.group === g).map((e) => e.index).sort((a, b) => a - b)).toEqual(bruteFrontier(own));
      }
      const candidates: Candidate[] = feasible.map((r) => ({ index: r.index, key: -r.tokensPerSPerUser!, outputs: OUTPUTS.map((o) => r[o]), group: groupOf(shape, r.index) }));
      expect(plain(single.top)).toEqual(referenceTopK(candidates, 12));
      // shards cut anywhere, the group boundaries included, merge to the single run
      const parts = await Promise.all([0, 1, 2].map((i) => runSweep(plan, { threads: 1, engine, range: shardRange(plan.total, i, 3) })));
      expect(parts.reduce((a, b) => mergeStates(plan.reducers, a, b))).toEqual(single);
      const segments = groupSegments(shape, [5, 200]);
      expect(segments.every(([s, e]) => groupOf(shape, s) === groupOf(shape, e - 1))).toBe(true);
      // a result file read back finds the same groups
      const result = toResult(plan.resolved.spec, plan.reducers, plan.edges, attachRows(kernel, plan, single));
      expect(plain(stateOfResult(result).top)).toEqual(plain(single.top));
      expect(plain(stateOfResult(result).pareto)).toEqual(plain(single.pareto));
    }
  });

  it('give a fingerprint of their own: the same axes as one grid do not merge with them', () => {
    const perModel = planOf(SPEC);
    const flat = planOf(SPEC.replace(/ep: \{.*\}/, 'ep: [1, 2, 4, 8]').replace(/batch: \{.*\}/, 'batch: [1, 64]').replace(/precisions: .*/, ''));
    expect(perModel.fingerprint).not.toBe(flat.fingerprint);
    expect(flat.modelStarts).toBeUndefined();
  });
});

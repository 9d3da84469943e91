import { createEngine, planChoiceText, planServing, type Engine, type ServingPlan } from '@ridgeline/engine';
import { beforeAll, describe, expect, test } from 'vitest';
import { fieldsFromChip } from './custom-chip.ts';
import { planChips, planFor, planProblem, planRows, type PlanChip } from './plan.ts';
import { findChip, findModel } from './registry.ts';
import { DEFAULT_ENERGY, DEFAULT_PLAN, DEFAULT_STATE, type AppState } from './state.ts';
import type { PlanRequest, SweepBackend } from './sweep/types.ts';
import { wasmBackend } from './sweep/wasm-backend.ts';

const model = findModel('llama-3.1-8b')!;

let engine: Engine;
let worker: SweepBackend;
beforeAll(async () => {
  engine = await createEngine();
  // The worker's backend, as the page's worker builds it from the compiled module.
  worker = await wasmBackend(engine.module as unknown as WebAssembly.Module);
});

/** A small case: Llama 3.1 8B on an H100, an MI300X and a Groq LPU (which runs neither bf16 nor fp8). */
const state: AppState = {
  ...DEFAULT_STATE,
  model: { kind: 'catalog', id: model.id },
  hardware: 'mi300x',
  compare: ['h100-sxm', 'mi300x', 'groq-lpu'],
  inputTokens: 1024,
  outputTokens: 128,
  plan: { ttftS: 0.5, tpotS: 0.02, objective: 'throughput', rateRps: null },
};

function request(s: AppState): { request: PlanRequest; chips: readonly PlanChip[] } {
  const planned = planFor(s, model, planChips(s));
  if (!('request' in planned)) throw new Error(planned.error);
  return planned;
}

describe('the plan the panel asks for', () => {
  test('the current chip, then the compared ones, each once; an invalid custom chip is left out', () => {
    expect(planChips(state).map((c) => [c.pageId, c.chip.id])).toEqual([
      ['mi300x', 'mi300x'],
      ['h100-sxm', 'h100-sxm'],
      ['groq-lpu', 'groq-lpu'],
    ]);
    const custom = { ...fieldsFromChip(findChip('b200')!), id: 'my-b200' };
    expect(planChips({ ...state, hardware: 'custom', customChip: custom, compare: ['custom', 'h200'] }).map((c) => [c.pageId, c.chip.id])).toEqual([
      ['custom', 'my-b200'],
      ['h200', 'h200'],
    ]);
    expect(planChips({ ...state, compare: ['custom'], customChip: { id: 'Not Valid' } }).map((c) => c.pageId)).toEqual(['mi300x']);
  });

  test('the page’s workload, targets, objective, rate and price', () => {
    const { request: r } = request({ ...state, price: 1.5, plan: { ttftS: null, tpotS: 0.03, objective: 'chips', rateRps: 40 } });
    expect(r.chips.map((c) => [c.chip.id, c.usdPerChipHour])).toEqual([
      ['mi300x', 1.5],
      ['h100-sxm', 1.5],
      ['groq-lpu', 1.5],
    ]);
    expect(r).toMatchObject({ inputTokens: 1024, outputTokens: 128, targets: { tpotS: 0.03 }, objective: 'chips', rateRps: 40 });
    expect(r.targets).not.toHaveProperty('ttftS');
  });

  test('under the tco basis, each chip at its own cost of ownership; a chip without a capital cost stops the plan', () => {
    const tco = { ...state, hardware: 'h100-sxm', compare: ['b200'], energy: { ...DEFAULT_ENERGY, priceBasis: 'tco' as const } };
    const { request: r } = request(tco);
    // H100: 33,750 / 43,800 + 0.0806 · 1.275 · 1.2 + 184.06 · 1.275 / 730 = 1.215340603 $/h (energy.test.ts)
    expect(r.chips[0]?.usdPerChipHour).toBeCloseTo(1.215340603, 8);
    expect(r.chips[1]?.chip.id).toBe('b200');
    expect(r.chips[1]?.usdPerChipHour).toBeGreaterThan(0);
    const planned = planFor({ ...tco, compare: ['mi300x'] }, model, planChips({ ...tco, compare: ['mi300x'] }));
    expect(planned).toMatchObject({ field: null });
    expect('error' in planned ? planned.error : '').toMatch(/^The plan prices every chip by tco: AMD Instinct MI300X 192GB has no sourced capital cost/);
  });

  test.each([
    [{ ttftS: Number.NaN }, 'ttftS', 'The TTFT target must be a duration above 0 and at most 1 day, such as 2s, 500ms or 0.05 (seconds); leave it empty for none.'],
    [{ tpotS: Number.NaN }, 'tpotS', 'The TPOT target must be a duration above 0 and at most 1 day, such as 2s, 500ms or 0.05 (seconds); leave it empty for none.'],
    [{ rateRps: 0 }, 'rateRps', 'The rate must be a number of requests per second above 0 and at most 1e9 (e.g. 10); leave it empty for none.'],
    [{ rateRps: Number.NaN }, 'rateRps', 'The rate must be a number of requests per second above 0 and at most 1e9 (e.g. 10); leave it empty for none.'],
    [{ objective: 'chips' as const }, 'rateRps', 'The fewest-chips objective needs a rate: the requests per second to serve.'],
    [{ ttftS: null, tpotS: null }, null, 'Set a TTFT or a TPOT target, or both, to plan for.'],
  ])('%o: says what to fix, on its box', (patch, field, error) => {
    const s = { ...state, plan: { ...DEFAULT_PLAN, ...patch } };
    expect(planProblem(s, planChips(s))).toEqual({ error, field });
    expect(planFor(s, model, planChips(s))).toEqual({ error, field });
  });
});

describe('the panel’s rows', () => {
  let direct: ServingPlan;
  let viaWorker: ServingPlan;
  beforeAll(async () => {
    const { request: r } = request(state);
    direct = await planServing({ ...r, engine });
    viaWorker = await worker.plan(r);
  });

  test('are planServing’s answers, through the worker’s backend, in its order', () => {
    expect(viaWorker).toEqual(direct);
    const rows = planRows(viaWorker, request(state).chips);
    expect(rows.map((r) => r.chipId)).toEqual(direct.results.map((c) => c.chip));
    for (const [i, row] of rows.entries()) {
      const c = direct.results[i]!;
      expect(row.meetsTargets).toBe(c.meetsTargets);
      expect(row.metrics).toEqual(c.metrics);
      expect(row.config).toEqual(c.config);
      if (c.metrics === null) {
        expect(row.layout).toBeNull();
        continue;
      }
      const { tp, pp, ep } = c.config.parallelism;
      expect(row.layout).toEqual({
        chips: c.config.chips,
        replicas: c.replicas,
        tp,
        pp,
        ep,
        batch: c.config.batch,
        weights: c.config.precision.weights,
        kvCache: c.config.precision.kvCache,
        activations: c.config.precision.activations,
      });
      expect(row.layout?.chips).toBe(c.replicas * tp * pp);
    }
  });

  test('meeting rows come first and meet the targets; each says what limits it', () => {
    const rows = planRows(viaWorker, request(state).chips);
    expect(rows.map((r) => [r.pageId, r.meetsTargets])).toEqual([
      [rows[0]?.pageId, true],
      [rows[1]?.pageId, true],
      ['groq-lpu', false],
    ]);
    for (const r of rows.slice(0, 2)) {
      expect(r.metrics!.ttftS).toBeLessThanOrEqual(0.5);
      expect(r.metrics!.tpotS).toBeLessThanOrEqual(0.02);
      expect(r.why).toMatch(/^decode (compute|memory|network)-bound; a larger batch would /);
    }
    // Most tokens/s per chip first.
    expect(rows[0]!.metrics!.tokensPerSPerChip).toBeGreaterThanOrEqual(rows[1]!.metrics!.tokensPerSPerChip);
    expect(rows[2]?.why).toBe('computes in fp16, int8, none of --precisions bf16, fp8: add one (e.g. --precisions fp16,int8)');
    expect(rows[2]?.chipName).toBe(findChip('groq-lpu')!.name);
  });

  test('targets nothing meets: the closest miss, by how much and why', async () => {
    const tight = { ...state, compare: [], plan: { ...state.plan, tpotS: 0.001 } };
    const plan = await worker.plan(request(tight).request);
    const [row] = planRows(plan, request(tight).chips);
    const c = plan.results[0]!;
    expect(row?.meetsTargets).toBe(false);
    expect(c.misses[0]?.target).toBe('tpot');
    expect(row?.why).toBe(planChoiceText(c, { maxChips: 64 }));
    expect(row?.why).toMatch(/^misses TPOT by [\d.]+× at best \([\d.]+ ms; decode is (compute|memory|network)-bound\)$/);
  });
});

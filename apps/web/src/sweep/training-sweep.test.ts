import { createEngine } from '@ridgeline/engine';
import { estimateTraining } from '@ridgeline/model';
import { beforeAll, describe, expect, test } from 'vitest';
import { findChip, findModel } from '../registry.ts';
import { DEFAULT_STATE, DEFAULT_TRAINING, type AppState } from '../state.ts';
import { trainingFrontierCsv } from './csv.ts';
import { jsBackend } from './js-backend.ts';
import { checkTrainingSweep, sweepSpec, trainingSweepSpec } from './spec.ts';
import { SweepCancelled, isTrainingSweep, trainingSweepSize, type SweepBackend, type SweepControl, type TrainingSweepPoint, type TrainingSweepResult } from './types.ts';
import { wasmBackend } from './wasm-backend.ts';

const control = (cancelAfter = Number.POSITIVE_INFINITY): SweepControl & { calls: number } => {
  const c = {
    calls: 0,
    progress: () => void c.calls++,
    cancelled: () => c.calls >= cancelAfter,
    yieldNow: () => Promise.resolve(),
  };
  return c;
};

const model = findModel('llama-3.1-70b')!;
const h100 = findChip('h100-sxm')!;
const mi300x = findChip('mi300x')!;
const groq = findChip('groq-lpu')!;
// ~2k configurations per chip: every layout of 256…4096 chips, two ZeRO stages and recomputations, two micro-batches.
const state: AppState = {
  ...DEFAULT_STATE,
  view: 'training',
  training: {
    ...DEFAULT_TRAINING,
    totalTokens: 2e12,
    sweep: { ...DEFAULT_TRAINING.sweep, chips: [256, 512, 1000, 1024, 4096], tp: [1, 2, 4, 8, 16], pp: [1, 2, 4, 5, 8], microBatch: [1, 2], zeroStage: [1, 3], recompute: ['selective', 'full'] },
  },
};

/** a is no worse than b on time and cost, and better on one. */
function dominates(a: TrainingSweepPoint, b: TrainingSweepPoint): boolean {
  return a.totalTimeS <= b.totalTimeS && a.costUsd <= b.costUsd && (a.totalTimeS < b.totalTimeS || a.costUsd < b.costUsd);
}

let wasm: SweepBackend;
beforeAll(async () => {
  wasm = await wasmBackend((await createEngine()).module as unknown as WebAssembly.Module);
});

describe('the training sweep spec', () => {
  test('sweeps chip counts, TP and PP, and the current micro-batch, ZeRO and recomputation unless asked for more', () => {
    const spec = trainingSweepSpec({ ...DEFAULT_STATE, view: 'training' }, model, [h100]);
    expect(isTrainingSweep(spec)).toBe(true);
    expect(isTrainingSweep(sweepSpec(DEFAULT_STATE, model, [h100]))).toBe(false);
    expect(spec).toMatchObject({ chipCounts: [256, 512, 1024, 2048, 4096, 8192], tp: [1, 2, 4, 8], pp: [1, 2, 4, 8, 16], microBatch: [1], zeroStage: [1, 3], recompute: ['selective', 'full'] });
    expect(spec).toMatchObject({ sequenceLength: 8192, globalBatch: 512, totalTokens: 15e12, precision: 'bf16', cp: 1, ep: 1, virtualStages: 1 });
    expect(trainingSweepSize(spec)).toBe(6 * 4 * 5 * 2 * 2);
    expect(trainingSweepSize({ ...spec, chips: [h100, mi300x] })).toBe(2 * 6 * 4 * 5 * 2 * 2);
    // A price override prices every chip of the sweep.
    expect(trainingSweepSpec({ ...DEFAULT_STATE, price: 2 }, model, [h100]).usdPerChipHour).toBe(2);
  });

  test('a run that cannot be evaluated says why before anything runs', () => {
    const spec = trainingSweepSpec(state, model, [h100]);
    expect(checkTrainingSweep(spec)).toBeNull();
    expect(checkTrainingSweep({ ...spec, totalTokens: Number.NaN })).toBe('Fix the run first: totalTokens must be a positive number of tokens, got NaN');
    expect(checkTrainingSweep({ ...spec, sequenceLength: 0 })).toBe('Fix the run first: sequenceLength must be a positive integer, got 0');
    expect(checkTrainingSweep({ ...spec, microBatch: [1, 0.5] })).toBe('Fix the run first: microBatch must be a positive integer, got 0.5');
  });
});

describe('training sweeps on both backends', () => {
  let js: TrainingSweepResult;
  let engine: TrainingSweepResult;
  const spec = trainingSweepSpec(state, model, [h100, mi300x, groq]);

  beforeAll(async () => {
    js = await jsBackend.train(spec, control());
    engine = await wasm.train(spec, control());
  });

  test('count every configuration and its reason, the same on the WASM engine as in the model', () => {
    expect(js.total).toBe(trainingSweepSize(spec));
    expect(engine.total).toBe(js.total);
    expect(engine.backend).toBe('wasm');
    for (const [i, c] of engine.perChip.entries()) {
      const reference = js.perChip[i]!;
      expect([c.chipId, c.evaluated, c.feasible, c.reasons]).toEqual([reference.chipId, reference.evaluated, reference.feasible, reference.reasons]);
    }
    const [gpu, , lpu] = engine.perChip;
    expect(gpu?.feasible).toBeGreaterThan(50);
    expect(gpu?.reasons.chips_divide_parallelism).toBeGreaterThan(0);
    expect(gpu?.reasons.batch_divides).toBeGreaterThan(0);
    // The LPU has no bf16 rate: nothing that passes the layout rules runs.
    expect(lpu?.feasible).toBe(0);
    expect(lpu?.reasons.precision_unsupported).toBeGreaterThan(0);
    expect(lpu?.reasons.capacity).toBeUndefined();
  });

  test('give the same frontier, point for point, the model’s own numbers', () => {
    for (const [i, c] of engine.perChip.entries()) {
      const reference = js.perChip[i]!;
      expect(c.frontier.map((p) => [p.totalTimeS, p.costUsd])).toEqual(reference.frontier.map((p) => [p.totalTimeS, p.costUsd]));
      for (const p of c.frontier) {
        const chip = [h100, mi300x, groq][i]!;
        const r = estimateTraining({
          model,
          chip,
          chips: p.chips,
          parallelism: { dp: p.dp, tp: p.tp, pp: p.pp, cp: 1, ep: 1 },
          sequenceLength: 8192,
          globalBatch: 512,
          microBatch: p.microBatch,
          totalTokens: 2e12,
          zeroStage: p.zeroStage,
          recompute: p.recompute,
        });
        if (!r.feasible) throw new Error(`frontier point infeasible: ${r.explanation}`);
        expect([r.totalTimeS, r.costUsd, r.stepTimeS, r.mfu, r.memoryPerChipBytes.total]).toEqual([p.totalTimeS, p.costUsd, p.stepTimeS, p.mfu, p.memoryPerChipBytes]);
      }
    }
  });

  test('frontiers are non-dominated, sorted by run time, and dominate every sampled run', () => {
    for (const c of [...engine.perChip, ...js.perChip]) {
      for (const p of c.frontier) expect(c.frontier.some((q) => dominates(q, p))).toBe(false);
      expect(c.frontier.map((p) => p.totalTimeS)).toEqual([...c.frontier.map((p) => p.totalTimeS)].sort((a, b) => a - b));
      // Faster runs cost more along a frontier.
      for (let k = 1; k < c.frontier.length; k++) expect(c.frontier[k]!.costUsd).toBeLessThan(c.frontier[k - 1]!.costUsd);
      for (const p of c.cloud) expect(c.frontier.some((q) => dominates(p, q))).toBe(false);
    }
    // Small sweeps keep every feasible run in the cloud.
    expect(engine.perChip[0]?.cloud.length).toBe(engine.perChip[0]?.feasible);
  });

  test('the frontier as CSV: SI units, full precision, one row per frontier run', () => {
    const lines = trainingFrontierCsv(engine).trimEnd().split('\n');
    expect(lines[0]).toBe('chip,chips,dp,tp,pp,micro_batch,zero_stage,recompute,total_time_s,cost_usd,step_time_s,mfu,tokens_per_s_per_chip,chip_hours,energy_j,memory_per_chip_bytes');
    expect(lines).toHaveLength(1 + engine.perChip.reduce((n, c) => n + c.frontier.length, 0));
    const first = engine.perChip[0]!.frontier[0]!;
    expect(lines[1]?.split(',').slice(0, 10)).toEqual(['h100-sxm', first.chips, first.dp, first.tp, first.pp, first.microBatch, first.zeroStage, first.recompute, first.totalTimeS, first.costUsd].map(String));
  });
});

test('both backends stop a training sweep when cancelled', async () => {
  const spec = trainingSweepSpec(state, model, [h100]);
  const big = { ...spec, chipCounts: Array.from({ length: 2000 }, (_, i) => 8 * (i + 1)) };
  await expect(jsBackend.train(big, control(1))).rejects.toBeInstanceOf(SweepCancelled);
  await expect(wasm.train(big, control(1))).rejects.toBeInstanceOf(SweepCancelled);
});

test('the WASM backend’s inference sweep still gives the JS backend’s frontier', async () => {
  const inference = sweepSpec({ ...DEFAULT_STATE, sweep: { ...DEFAULT_STATE.sweep, batchMax: 256, tp: [1, 2, 4, 8], pp: [1, 2] } }, model, [h100, mi300x]);
  const [a, b] = [await jsBackend.sweep(inference, control()), await wasm.sweep(inference, control())];
  expect(b.perChip.map((c) => [c.evaluated, c.feasible, c.frontier.map((p) => [p.tokensPerSPerUser, p.tokensPerSPerChip])])).toEqual(
    a.perChip.map((c) => [c.evaluated, c.feasible, c.frontier.map((p) => [p.tokensPerSPerUser, p.tokensPerSPerChip])]),
  );
  expect(b.perChip[0]?.cloud.length).toBeGreaterThan(0);
});

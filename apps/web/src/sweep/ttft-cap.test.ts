import { createEngine } from '@ridgeline/engine';
import { estimateInference } from '@ridgeline/model';
import { beforeAll, describe, expect, test } from 'vitest';
import { findChip, findModel } from '../registry.ts';
import { DEFAULT_STATE, type AppState } from '../state.ts';
import { jsBackend } from './js-backend.ts';
import { Frontier, inferenceScore } from './reduce.ts';
import { sweepSpec } from './spec.ts';
import type { SweepBackend, SweepControl, SweepPoint, SweepResult } from './types.ts';
import { wasmBackend } from './wasm-backend.ts';

const control: SweepControl = { progress: () => {}, cancelled: () => false, yieldNow: () => Promise.resolve() };

const model = findModel('llama-3.1-70b')!;
const h100 = findChip('h100-sxm')!;
const mi300x = findChip('mi300x')!;
/** 2 chips × 11 batches × 4 TP × 2 PP: TTFTs from tens of milliseconds to minutes. */
const state = (cap: number | null, y: AppState['sweep']['y'] = 'tokensPerSPerChip'): AppState => ({
  ...DEFAULT_STATE,
  sweep: { ...DEFAULT_STATE.sweep, batchMax: 1024, tp: [1, 2, 4, 8], pp: [1, 2], y, ttftCapS: cap },
});

/** Every feasible configuration of a chip, by brute force over the model. */
function everyPoint(s: AppState, chipIndex: number): SweepPoint[] {
  const spec = sweepSpec(s, model, [h100, mi300x]);
  const chip = spec.chips[chipIndex]!;
  const points: SweepPoint[] = [];
  for (const tp of spec.tp)
    for (const pp of spec.pp)
      for (const batch of spec.batches) {
        const r = estimateInference({ model, chip, chips: tp * pp, parallelism: { tp, pp, ep: 1 }, batch, inputTokens: s.inputTokens, outputTokens: s.outputTokens, precision: { weights: 'bf16', kvCache: 'bf16', activations: 'bf16' } });
        if (!r.feasible) continue;
        points.push({ chip: chipIndex, chips: tp * pp, tp, pp, ep: 1, batch, weights: 'bf16', kvCache: 'bf16', tokensPerSPerUser: r.tokensPerSPerUser, tokensPerSPerChip: r.tokensPerSPerChip, costPerMillionTokensUsd: r.costPerMillionTokensUsd, tokensPerSPerProvisionedMW: r.energy.tokensPerSPerProvisionedMW, ttftS: r.ttftS, tpotS: r.tpotS, memoryPerChipBytes: r.memoryPerChipBytes.total });
      }
  return points;
}

// each objective is the point's field of that name
const xy = (p: SweepPoint, y: AppState['sweep']['y']): [number, number] => [p.tokensPerSPerUser, p[y]];

let wasm: SweepBackend;
beforeAll(async () => {
  wasm = await wasmBackend((await createEngine()).module as unknown as WebAssembly.Module);
});

describe.each([
  ['JS', () => jsBackend],
  ['WASM', () => wasm],
] as const)('the %s backend under a TTFT cap', (_, backend) => {
  test.each([
    ['tokens/s per chip', 'tokensPerSPerChip'],
    ['cost', 'costPerMillionTokensUsd'],
    ['tokens/s per provisioned MW', 'tokensPerSPerProvisionedMW'],
  ] as const)('the frontier, the cloud and the counts are those of the configurations within the cap (%s)', async (__, y) => {
    const all = everyPoint(state(null), 0);
    const ttfts = all.map((p) => p.ttftS).sort((a, b) => a - b);
    // A cap that keeps about half of the feasible configurations, exactly one of them at the cap (inclusive).
    const cap = ttfts[Math.floor(ttfts.length / 2)]!;
    const result: SweepResult = await backend().sweep(sweepSpec(state(cap, y), model, [h100, mi300x]), control);
    for (const [i, c] of result.perChip.entries()) {
      const every = everyPoint(state(null), i);
      const within = every.filter((p) => p.ttftS <= cap);
      expect(c.feasible).toBe(every.length);
      expect(c.withinCap).toBe(within.length);
      expect(c.withinCap).toBeLessThan(c.feasible);
      const brute = new Frontier(inferenceScore(y));
      for (const p of within) brute.add(p);
      expect(c.frontier.map((p) => xy(p, y))).toEqual(brute.points().map((p) => xy(p, y)));
      expect(c.frontier.length).toBeGreaterThan(0);
      expect(c.cloud.length).toBe(within.length);
      expect(c.cloud.every((p) => p.ttftS <= cap)).toBe(true);
    }
    // A point at the cap is kept.
    expect(result.perChip[0]?.cloud.some((p) => p.ttftS === cap)).toBe(true);
  });

  test('without a cap, nothing is left out', async () => {
    const result = await backend().sweep(sweepSpec(state(null), model, [h100]), control);
    expect(result.perChip[0]?.withinCap).toBe(result.perChip[0]?.feasible);
  });
});

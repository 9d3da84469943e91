import { estimateInference } from '@ridgeline/model';
import { describe, expect, test } from 'vitest';
import { findChip, findModel } from '../registry.ts';
import { DEFAULT_STATE } from '../state.ts';
import { frontierCsv } from './csv.ts';
import { jsBackend } from './js-backend.ts';
import { batches, sweepSpec } from './spec.ts';
import { SweepCancelled, sweepSize, type SweepControl } from './types.ts';

const control = (cancelAfter = Number.POSITIVE_INFINITY): SweepControl & { calls: number } => {
  const c = {
    calls: 0,
    progress: () => void c.calls++,
    cancelled: () => c.calls >= cancelAfter,
    yieldNow: () => Promise.resolve(),
  };
  return c;
};

describe('batches', () => {
  test('powers of two up to the maximum, which is always included', () => {
    expect(batches(100, 'pow2')).toEqual([1, 2, 4, 8, 16, 32, 64, 100]);
    expect(batches(64, 'pow2')).toEqual([1, 2, 4, 8, 16, 32, 64]);
    expect(batches(5, 'all')).toEqual([1, 2, 3, 4, 5]);
    expect(batches(0, 'all')).toEqual([]);
  });
});

describe('the JS sweep backend', () => {
  const model = findModel('llama-3.1-70b')!;
  const h100 = findChip('h100-sxm')!;
  const groq = findChip('groq-lpu')!;
  const state = { ...DEFAULT_STATE, sweep: { ...DEFAULT_STATE.sweep, batchMax: 256, tp: [1, 2, 4, 8], pp: [1, 2] } };

  test('evaluates every configuration, and the frontier points are the model’s own numbers', async () => {
    const spec = sweepSpec(state, model, [h100, groq]);
    const result = await jsBackend.sweep(spec, control());
    expect(result.backend).toBe('js');
    expect(result.total).toBe(sweepSize(spec));
    expect(result.perChip.map((c) => c.evaluated)).toEqual([9 * 4 * 2, 9 * 4 * 2]);
    const [gpu, lpu] = result.perChip;
    expect(gpu?.feasible).toBeGreaterThan(10);
    // A 70B model needs hundreds of SRAM-only chips; at most 16 here, so none fits.
    expect(lpu?.feasible).toBe(0);
    expect(lpu?.reasons.capacity).toBe(lpu?.evaluated);
    for (const p of gpu?.frontier ?? []) {
      const r = estimateInference({ model, chip: h100, chips: p.chips, parallelism: { tp: p.tp, pp: p.pp, ep: p.ep }, batch: p.batch, inputTokens: 2048, outputTokens: 256, precision: { weights: 'bf16', kvCache: 'bf16', activations: 'bf16' } });
      if (!r.feasible) throw new Error(`frontier point infeasible: ${r.explanation}`);
      expect(p.tokensPerSPerUser).toBe(r.tokensPerSPerUser);
      expect(p.tokensPerSPerChip).toBe(r.tokensPerSPerChip);
    }
    expect(frontierCsv(result).split('\n')).toHaveLength(1 + (gpu?.frontier.length ?? 0) + 1);
  });

  test('runs chips at a same-width precision they support when asked', async () => {
    const spec = { ...sweepSpec(state, model, [groq]), batches: [1], tp: [64], pp: [20, 40] };
    const fitted = await jsBackend.sweep({ ...spec, fitPrecision: true }, control());
    expect(fitted.perChip[0]?.feasible).toBeGreaterThan(0);
    expect(fitted.perChip[0]?.frontier.every((p) => p.weights === 'fp16')).toBe(true);
    const strict = await jsBackend.sweep({ ...spec, fitPrecision: false }, control());
    expect(strict.perChip[0]?.reasons.precision_unsupported).toBe(2);
  });

  test('stops when cancelled', async () => {
    const spec = { ...sweepSpec(state, model, [h100]), batches: batches(4096, 'all') };
    await expect(jsBackend.sweep(spec, control(1))).rejects.toBeInstanceOf(SweepCancelled);
  });
});

import { describe, expect, it } from 'vitest';
import { estimateInference, tcoPrice } from '@ridgeline/model';
import { N_OUT, OUTPUTS } from './descriptors.ts';
import { createEngine } from './engine.ts';
import { planSweep } from './plan.ts';
import { parseSweepSpec, resolveSweepSpec } from './spec.ts';
import { inferenceConfig } from './test-support/plan-config.ts';
import { TEST_RESOLVERS } from './test-support/random.ts';

// `--price-basis tco` (docs/MODEL.md §11) computes a per-chip-hour price before the model and feeds it
// to the price slot the list price fills: the kernel prices every configuration at it exactly as the
// TypeScript model does, with no change to the kernel.
describe('a tco price per chip-hour through the kernel', () => {
  it('gives the cost per million tokens of estimateInference at that price, within 1e-9', async () => {
    const priced = ['h100-sxm', 'gb200-nvl72'].map((id) => ({ id, usd: tcoPrice(TEST_RESOLVERS.chip(id), { utilization: 0.6 }).usdPerChipHour }));
    const spec = `
models: [llama-3.1-70b]
hardware: [${priced.map((p) => `{ chip: ${p.id}, usdPerChipHour: ${String(p.usd)} }`).join(', ')}]
chips: [8]
tp: [4, 8]
batch: [1, 16, 64]
schedule: [continuous, static]
`;
    const plan = planSweep(resolveSweepSpec(parseSweepSpec(spec), TEST_RESOLVERS));
    const kernel = await (await createEngine()).open(plan.image(true));
    const out = kernel.rows(0, plan.total).slice();
    const cost = OUTPUTS.indexOf('costPerMillionTokensUsd');
    expect(cost).toBeGreaterThanOrEqual(0);
    let feasible = 0;
    for (let i = 0; i < plan.total; i++) {
      // the spec's hardware entries carry the tco prices, so the config carries them too
      const r = estimateInference(inferenceConfig(plan, i));
      if (!r.feasible) continue;
      feasible++;
      const got = out[i * N_OUT + cost]!;
      expect(Math.abs(got - r.costPerMillionTokensUsd) / r.costPerMillionTokensUsd, `#${i}`).toBeLessThanOrEqual(1e-9);
    }
    expect(feasible).toBeGreaterThan(10);
  });
});

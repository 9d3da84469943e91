import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import nvidia from '@ridgeline/hardware-nvidia';
import { estimateInference, provisionedFacilityW } from '@ridgeline/model';
import { createEngine } from './engine.ts';
import { runSweep } from './node/run.ts';
import { planSweep, type SweepPlan } from './plan.ts';
import { parseSweepSpec, resolveSweepSpec } from './spec.ts';
import { attachRows, sweepRows, toResult, type FeasibleSweepRow, type SweepRow } from './state.ts';
import { inferenceConfig } from './test-support/plan-config.ts';
import { kernelMismatches } from './test-support/kernel-check.ts';
import { TEST_RESOLVERS } from './test-support/random.ts';

// Facility power as a sweep's constraint and tokens per provisioned MW as its objective (issue 12 §4):
// the node and facility outputs of the kernel at the spec's PUE.

function planOf(text: string): SweepPlan {
  return planSweep(resolveSweepSpec(parseSweepSpec(text), TEST_RESOLVERS));
}

// One pool and two: H100 (575 W of host share per GPU) decoding, prefill on the same chip, on a
// B200 (787.5 W) or on an MI300X (no host share given: 0 W), at a PUE other than the default.
const SPEC = `
models: [llama-3.1-8b, llama-3.1-70b]
hardware: [h100-sxm, b200]
chips: [1, 2, 4, 8]
tp: [1, 2, 4, 8]
batch: [1, 32, 256]
inputTokens: [1024]
outputTokens: [256]
schedule: [continuous]
prefillWorkers: [0, 2]
prefillHardware: [same, b200, mi300x]
pue: 1.37
reducers:
  top: { k: 5, by: tokens-per-mw }
  pareto: [provisionedFacilityW, tokensPerSPerProvisionedMW]
`;

describe('facility metrics in sweeps', () => {
  const plan = planOf(SPEC);

  it('equal estimateInference bit for bit at the spec\'s PUE, one pool or two, the prefill chip\'s own host share included', async () => {
    expect(plan.resolved.spec).toMatchObject({ pue: 1.37 });
    const kernel = await (await createEngine()).open(plan.image(true));
    const out = kernel.rows(0, plan.total).slice();
    const mismatches: string[] = [];
    const pools = { one: 0, twoChips: 0 };
    for (let i = 0; i < plan.total; i++) {
      const result = estimateInference(inferenceConfig(plan, i));
      expect(result.feasible ? result.energy.pue : 1.37).toBe(1.37);
      if (result.feasible) pools[result.disaggregation !== null && result.disaggregation.prefillChip !== result.inputs.chip ? 'twoChips' : 'one']++;
      kernelMismatches(out, i, result, mismatches);
    }
    expect(mismatches).toEqual([]);
    // both branches of the kernel's pools were compared
    expect(pools.one).toBeGreaterThan(50);
    expect(pools.twoChips).toBeGreaterThan(10);
  });

  it('give provisionedFacilityW and tokensPerSPerProvisionedMW as written by hand: chips × (P_max + nodeOverheadW) × PUE, and output tok/s per MW of it', async () => {
    const h100 = nvidia.chips.find((c) => c.id === 'h100-sxm')!;
    // the figures the arithmetic below takes: the datasheet's 700 W and the DGX H100's host share
    expect(h100.power.maxW.value).toBe(700);
    expect(h100.power.nodeOverheadW?.value).toBe(575);
    const kernel = await (await createEngine()).open(plan.image());
    const rows = sweepRows(kernel, plan, 0, plan.total) as SweepRow[];
    const row = rows.find(
      (r): r is FeasibleSweepRow =>
        r.feasible && r.model === 'llama-3.1-70b' && r.hardware === 'h100-sxm' && r.chips === 8 && r.tp === 8 && r.batch === 32 && r.schedule === 'continuous' && r.prefillWorkers === 0,
    );
    expect(row).toBeDefined();
    if (row === undefined) return;
    const provisionedW = 8 * (700 + 575) * 1.37;
    expect(row.provisionedFacilityW).toBe(provisionedW);
    expect(row.provisionedFacilityW).toBeCloseTo(13_974, 6);
    expect(row.tokensPerSPerProvisionedMW).toBe(row.tokensPerS / (provisionedW / 1e6));
    // and the model's, to the last bit
    const result = estimateInference(inferenceConfig(plan, row.index));
    if (!result.feasible) throw new Error('the model finds the row infeasible');
    expect(row.provisionedFacilityW).toBe(result.energy.provisionedFacilityW);
    expect(row.provisionedFacilityW).toBe(provisionedFacilityW(h100, 8, 1.37));
    expect(row.tokensPerSPerProvisionedMW).toBe(result.energy.tokensPerSPerProvisionedMW);
    expect(row.facilityJPerOutputToken).toBe(result.energy.facilityJPerOutputToken);
    expect(row.facilityW).toBe(result.energy.facilityW);
    expect(row.nodeJPerOutputToken).toBe(result.energy.nodeJPerOutputToken);
    // infeasible rows have no facility figures
    const infeasible = rows.find((r) => !r.feasible);
    expect(infeasible).toMatchObject({ provisionedFacilityW: null, tokensPerSPerProvisionedMW: null, facilityJPerOutputToken: null });
  });

  it('keep configurations under a facility power limit and rank them by tokens per provisioned MW', async () => {
    const limitW = 20_000;
    const limited = planOf(`${SPEC}where:\n  provisionedFacilityW: { max: ${limitW} }\n`);
    const engine = await createEngine();
    const kernel = await engine.open(limited.image());
    const state = attachRows(kernel, limited, await runSweep(limited, { threads: 1, engine }));
    const result = toResult(limited.resolved.spec, limited.reducers, limited.edges, state);
    // by brute force over every row: feasible, within the limit, the most tokens per provisioned MW
    const within = (sweepRows(kernel, limited, 0, limited.total) as SweepRow[]).filter(
      (r): r is FeasibleSweepRow => r.feasible && r.provisionedFacilityW <= limitW,
    );
    const over = (sweepRows(kernel, limited, 0, limited.total) as SweepRow[]).filter((r) => r.feasible && r.provisionedFacilityW > limitW);
    expect(within.length).toBeGreaterThan(10);
    expect(over.length).toBeGreaterThan(10);
    expect(result.counts.matched).toBe(within.length);
    const best = Math.max(...within.map((r) => r.tokensPerSPerProvisionedMW));
    expect(result.top).not.toBeNull();
    const top = result.top!.rows as FeasibleSweepRow[];
    expect(top).toHaveLength(5);
    expect(top[0]?.tokensPerSPerProvisionedMW).toBe(best);
    for (const r of top) expect(r.provisionedFacilityW).toBeLessThanOrEqual(limitW);
    for (let i = 1; i < top.length; i++) expect(top[i]!.tokensPerSPerProvisionedMW).toBeLessThanOrEqual(top[i - 1]!.tokensPerSPerProvisionedMW);
    // the frontier trades provisioned power (less) against tokens per provisioned MW (more)
    const frontier = result.pareto.rows as FeasibleSweepRow[];
    expect(frontier.length).toBeGreaterThan(0);
    for (const r of frontier) {
      const dominated = within.some(
        (o) =>
          o.provisionedFacilityW <= r.provisionedFacilityW &&
          o.tokensPerSPerProvisionedMW >= r.tokensPerSPerProvisionedMW &&
          (o.provisionedFacilityW < r.provisionedFacilityW || o.tokensPerSPerProvisionedMW > r.tokensPerSPerProvisionedMW),
      );
      expect(dominated).toBe(false);
    }
  });

  it('tell sweeps at two PUEs apart: another PUE is another image', () => {
    const other = planOf(SPEC.replace('pue: 1.37', 'pue: 1.2'));
    expect(other.fingerprint).not.toBe(plan.fingerprint);
    expect(planOf(SPEC.replace('pue: 1.37\n', '')).fingerprint).toBe(other.fingerprint);
  });

  it('ship the README\'s example as examples/sweep-facility.yaml, whose numbers the README states', () => {
    const example = readFileSync(new URL('../examples/sweep-facility.yaml', import.meta.url), 'utf8');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    // the README shows the file without its header comment (how to run it)
    const body = example.split('\n').filter((_, i, lines) => i >= lines.findIndex((l) => !l.startsWith('#'))).join('\n');
    expect(body.startsWith('models: [llama-3.1-70b]')).toBe(true);
    expect(readme).toContain(`\`\`\`yaml\n${body}\`\`\`\n`);
    const spec = parseSweepSpec(example);
    expect(spec.pue).toBe(1.3);
    expect(spec.where).toEqual([{ metric: 'provisionedFacilityW', max: 15e3 }]);
    expect(spec.reducers.top).toEqual({ metric: 'tokensPerSPerProvisionedMW', direction: 'max', k: 5 });
    // "an 8-GPU B200 node … provisions 8 × (1,000 + 787.5) × 1.3 = 18.6 kW, over the limit"
    const b200 = nvidia.chips.find((c) => c.id === 'b200')!;
    expect(provisionedFacilityW(b200, 8, 1.3)).toBe(8 * (1000 + 787.5) * 1.3);
    expect(provisionedFacilityW(b200, 8, 1.3)).toBeCloseTo(18_590, 6);
    expect(readme).toContain('8 × (1,000 +\n787.5) × 1.3 = 18.6 kW');
  });
});

import { describe, expect, it } from 'vitest';
import { estimateInference } from '@ridgeline/model';
import { OUTPUTS, type Metric } from './descriptors.ts';
import { outputsDigest } from './digest.ts';
import { createEngine } from './engine.ts';
import { planSweep, type SweepPlan } from './plan.ts';
import { parseSweepSpec, resolveSweepSpec } from './spec.ts';
import { paretoFrontier } from './state.ts';
import { sweepRange } from './sweep.ts';
import { kernelMismatches } from './test-support/kernel-check.ts';
import { inferenceConfig } from './test-support/plan-config.ts';
import { prng, referenceOutputs, TEST_RESOLVERS } from './test-support/random.ts';
import { plain, referenceTopK, type Candidate } from './test-support/reference.ts';

function planOf(text: string): SweepPlan {
  return planSweep(resolveSweepSpec(parseSweepSpec(text), TEST_RESOLVERS));
}

// Two configurations next to each other in an inner block (chunk × batch × input × output) run as
// one pair of f64x2 lanes in the kernel (kernel.ts, "two configurations at once"), without
// speculation, continuous and on one engine; the last of an odd block, a range's end and a
// configuration whose shared entry holds its figures run the scalar path. Random sweeps whose
// innermost axis (the output length) has 1, 2, 3 or 7 values, over dense, MoE, MLA and windowed
// models, switches and tori, every attention sharding, two-batch overlap, pipelines and chunk
// budgets that bind: every row bit for bit estimateInference's, and the sweep (sharing, pairs split
// at odd chunk edges) reducing to the same counts, frontier and top-k, the top-k holding every
// feasible configuration with the digest of all its outputs.
describe('sweeps pairing two configurations at a time (WASM SIMD) against estimateInference', () => {
  const subset = <T,>(random: () => number, values: readonly T[], most = values.length): T[] => {
    const kept = values.filter(() => random() < 0.7).slice(0, most);
    return kept.length > 0 ? kept : [values[Math.floor(random() * values.length)]!];
  };
  const list = (values: readonly (string | number | boolean)[]): string => `[${values.join(', ')}]`;
  /** A random spec whose output-length axis has `outputs` values, at most 4,000 configurations. */
  const randomSpec = (random: () => number, outputs: number): string => {
    for (;;) {
      const lengths = [2, 16, 64, 128, 500, 1024, 3000, 8000].filter(() => random() < 0.8).slice(0, outputs);
      if (lengths.length < outputs) continue;
      const spec = {
        models: subset(random, ['llama-3.1-8b', 'mixtral-8x7b', 'deepseek-v3', 'gpt-oss-120b', 'gemma-3-27b', 'llama-3.1-70b'], 2),
        hardware: subset(random, ['h100-sxm', 'h200', 'b200', 'mi300x', 'tpu-v5p', 'tpu-v6e'], 2),
        dp: subset(random, [1, 2]),
        tp: subset(random, [1, 2, 4, 8], 2),
        pp: subset(random, [1, 2]),
        ep: subset(random, [1, 8]),
        attentionSharding: subset(random, ['heads', 'batch', 'dp'], 2),
        twoBatchOverlap: subset(random, [false, true]),
        schedule: random() < 0.8 ? ['continuous'] : ['continuous', 'static'],
        chunkTokens: subset(random, [256, 2048, 8192], 2),
        batch: subset(random, [1, 3, 16, 64, 256, 1024], 4),
        inputTokens: subset(random, [100, 512, 4096]),
        moeImbalance: subset(random, [1, 1.5]),
      };
      const total = Object.values(spec).reduce((n, v) => n * v.length, lengths.length);
      if (total > 4000) continue;
      return `${Object.entries(spec).map(([axis, values]) => `${axis}: ${list(values)}`).join('\n')}
outputTokens: ${list(lengths)}
precisions: { weights: ${list(subset(random, ['bf16', 'fp8']))}, kvCache: bf16, activations: bf16 }
reducers:
  pareto: [costPerMillionTokensUsd, tpotS]
  top: { k: 10000, by: ttftS }
`;
    }
  };
  for (const outputs of [1, 2, 3, 7]) {
    it(`with ${outputs} output length${outputs === 1 ? '' : 's'}: rows bit for bit, sweeps reducing to the same state`, async () => {
      const random = prng(0x51d + outputs);
      const engine = await createEngine();
      let continuousFeasible = 0;
      let total = 0;
      for (let s = 0; s < 12; s++) {
        const text = randomSpec(random, outputs);
        const plan = planOf(text);
        total += plan.total;
        const results = Array.from({ length: plan.total }, (_, i) => estimateInference(inferenceConfig(plan, i)));
        // rows pair as sweeps do (a lane over capacity evaluated alone, minChips included)
        const out = (await engine.open(plan.image(true))).rows(0, plan.total).slice();
        const mismatches: string[] = [];
        results.forEach((r, i) => kernelMismatches(out, i, r, mismatches));
        expect(mismatches, text).toEqual([]);
        continuousFeasible += results.filter((r) => r.feasible && r.serving !== null).length;

        const models = plan.resolved.models.map((m) => m.id);
        const chips = plan.resolved.chips.map((c) => c.chip.id);
        const sign = (d: string): number => (d === 'min' ? 1 : -1);
        const top = plan.reducers.top!;
        const feasible = results.map((r, index) => ({ r, index, c: plan.config(index) })).filter(({ r }) => r.feasible);
        const outputsOf = ({ r }: { r: ReturnType<typeof estimateInference> }): number[] => {
          const o = referenceOutputs(r);
          return OUTPUTS.map((name) => o[name]);
        };
        const pairOf = ({ c }: { c: ReturnType<SweepPlan['config']> }): number => models.indexOf(c.model) * chips.length + chips.indexOf(c.hardware);
        const candidates: Candidate[] = feasible.map((f) => ({ index: f.index, key: sign(top.direction) * referenceOutputs(f.r)[top.metric as Metric], outputs: outputsOf(f), pair: pairOf(f) }));
        const objectives = plan.reducers.pareto;
        const frontier = paretoFrontier(feasible.map((f) => ({ index: f.index, keys: objectives.map((o) => sign(o.direction) * referenceOutputs(f.r)[o.metric as Metric]) })));
        // the whole range in chunks of 37 (pairs cut at their edges), then a range from 3 to 2 before the end
        for (const [range, chunk] of [[[0, plan.total], 37], [[3, plan.total - 2], 2 ** 20]] as const) {
          if (range[1] <= range[0]) continue;
          const inRange = (i: number): boolean => i >= range[0] && i < range[1];
          const state = await sweepRange(engine, plan, range, { chunk });
          expect(state.counts.feasible, text).toBe(feasible.filter((f) => inRange(f.index)).length);
          expect(state.counts.infeasible.capacity, text).toBe(results.filter((r, i) => inRange(i) && r.reason === 'capacity').length);
          const expectedTop = referenceTopK(candidates.filter((c) => inRange(c.index)), top.k);
          expect(plain(state.top), text).toEqual(expectedTop);
          for (const e of state.top) {
            const f = feasible.find((x) => x.index === e.index)!;
            expect(e.digest, `${text}#${e.index}`).toBe(outputsDigest(outputsOf(f), pairOf(f)));
          }
          if (range[0] === 0) expect(plain(state.pareto), text).toEqual(plain(frontier));
        }
      }
      console.log(`${outputs} output length(s): ${total} configurations, ${continuousFeasible} continuous and feasible`);
      // most of them in pairs: the continuous configurations that fit, of which an odd block leaves one alone
      expect(continuousFeasible).toBeGreaterThan(1000);
    });
  }

  // A request decodes alone beside the other requests' prompt chunks when prompts arrive one at a
  // time (the budget not binding, a prompt's chunk S_in/k more than the iteration's P): with k = 1,
  // when n = S_out − 1 ≥ B. Output lengths B and B + 1 next to each other (16, 17 and 65, 64) put a
  // lane that is not and one that is in the same pair, either way round (the first stage with the
  // prompt row in one lane, the chunk stage on the scalar path, the mix in one lane); 16, 17 at
  // batch 64 neither, 2, 128 at batch 1 both, and B = 1 mixes with share 0 (nothing comes by: the
  // iteration alone, its overhead 1·ov + 0·ov).
  it('pairs whose lanes differ in prompts one at a time, and one request in flight', async () => {
    const engine = await createEngine();
    const text = `models: [llama-3.1-8b, mixtral-8x7b, deepseek-v3]
hardware: [h100-sxm, mi300x, tpu-v6e]
tp: [1, 8]
pp: [1, 2]
ep: [1, 8]
attentionSharding: [heads, dp]
twoBatchOverlap: [false, true]
schedule: [continuous]
chunkTokens: [2048, 8192]
batch: [1, 16, 64]
inputTokens: [512, 4096]
outputTokens: [16, 17, 65, 64, 2, 128]
precisions: { weights: fp8, kvCache: bf16, activations: bf16 }
`;
    const plan = planOf(text);
    const results = Array.from({ length: plan.total }, (_, i) => estimateInference(inferenceConfig(plan, i)));
    const out = (await engine.open(plan.image(true))).rows(0, plan.total).slice();
    const mismatches: string[] = [];
    results.forEach((r, i) => kernelMismatches(out, i, r, mismatches));
    expect(mismatches).toEqual([]);
    const oneAtATime = (i: number): boolean | null => {
      const r = results[i]!;
      if (!r.feasible || r.serving === null) return null;
      return !r.serving.budgetBinds && plan.config(i).inputTokens / r.serving.chunksPerPrompt > r.serving.promptTokens;
    };
    // rows pair from 0: (i, i + 1) for even i, each block of 6 output lengths even
    let first = 0;
    let second = 0;
    let both = 0;
    let neither = 0;
    let single = 0;
    for (let i = 0; i + 1 < plan.total; i += 2) {
      const a = oneAtATime(i);
      const b = oneAtATime(i + 1);
      if (a === null || b === null) continue;
      if (a && !b) first++;
      else if (b && !a) second++;
      else if (a) both++;
      else neither++;
      if (a && plan.config(i).batch === 1) single++;
    }
    console.log(`one at a time: the first lane alone ${first}, the second alone ${second}, both ${both}, neither ${neither}; batch 1 ${single}`);
    expect(Math.min(first, second, both, neither, single)).toBeGreaterThan(50);
  });
});

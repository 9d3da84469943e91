// Sweep specs under random input (fast-check, fixed seed): a spec of either mode, usually valid and
// tiny, with hostile values mixed in and sometimes its text cut short. It is either refused with a
// SweepSpecError (or an InputError) whose every issue is one line, or planned and, when small, run to
// a result whose numbers are all finite and non-negative. Prints how many cases it ran.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { createEngine } from './engine.ts';
import { planAnySweep } from './plan.ts';
import { parseAnySweepSpec, resolveSweepSpec, SweepSpecError } from './spec.ts';
import { attachRows, toResult } from './state.ts';
import { sweepRange } from './sweep.ts';
import { TEST_RESOLVERS } from './test-support/random.ts';

/** Fixed, so `pnpm test` is deterministic; RIDGELINE_FUZZ_SEED=<n> explores other cases. */
const SEED = Number(process.env['RIDGELINE_FUZZ_SEED'] ?? 13_2026);
/** Specs of more configurations are planned, not run: the suite stays fast. */
const MAX_RUN = 4096;

/** Paths of the numbers in `value` that are not finite or are negative; a filter's bounds may be negative (they match nothing). */
function badNumbers(value: unknown, path = '$', bad: string[] = []): string[] {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || (value < 0 && !/\.where\[\d+\]\.(min|max)$/.test(path))) bad.push(`${path} = ${value}`);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => badNumbers(v, `${path}[${i}]`, bad));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) badNumbers(v, `${path}.${k}`, bad);
  }
  return bad;
}

const HOSTILE: readonly unknown[] = [
  0, -1, 0.5, 1e12, 1e300, -1e308, 5e-324, 2 ** 53 + 1, '', 'x\u0000y', null, true, [], {}, [[1]], { from: 1, to: 1e300, times: 2 },
  { from: 5, to: 1 }, { from: 1, to: 8, step: 0 }, 'NaN', '.inf', '1e999',
];

const hostile = fc.constantFrom(...HOSTILE);
const list = <T>(items: readonly T[], max = 2): fc.Arbitrary<T[]> => fc.uniqueArray(fc.constantFrom(...items), { minLength: 1, maxLength: max });
/** Usually `valid`; sometimes hostile, or a valid list with a hostile value in it. */
const field = <T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 40, arbitrary: valid },
    { weight: 1, arbitrary: hostile },
    { weight: 1, arbitrary: fc.tuple(valid, hostile).map(([v, h]) => (Array.isArray(v) ? [...(v as unknown[]), h] : h)) },
  );

const inference = fc.record(
  {
    models: field(list(['llama-3.1-8b', 'mixtral-8x7b', 'deepseek-v3'])),
    hardware: field(list(['h100-sxm', 'mi300x', 'tpu-v6e', 'groq-lpu', 'h100'])),
    tp: field(list([1, 2, 8])),
    pp: field(list([1, 2])),
    ep: field(list([1, 8])),
    batch: field(fc.oneof(list([1, 16, 256]), fc.constant({ from: 1, to: 64, times: 4 }))),
    inputTokens: field(list([128, 2048])),
    outputTokens: field(list([16, 256])),
    precisions: field(fc.constantFrom({ weights: ['bf16', 'fp8'] }, { kvCache: ['fp8'], activations: ['fp8'] })),
    attentionSharding: field(list(['heads', 'batch', 'dp'])),
    moeImbalance: field(list([1, 1.5, 64])),
    chunkTokens: field(list([512, 8192])),
    schedule: field(list(['continuous', 'static'])),
    commOverlap: field(list(['auto', 0, 1])),
    where: field(fc.constantFrom({ ttftS: { max: 2 } }, { tpotS: { min: 0.001, max: 0.05 } }, { tpotS: { max: -1 } })),
    reducers: field(
      fc.constantFrom(
        { top: { k: 3, by: 'costPerMillionTokensUsd' } },
        { pareto: ['costPerMillionTokensUsd', 'tokensPerSPerUser'], groupBy: ['model', 'chip'] },
        { histograms: [{ metric: 'tpotS', min: 0.001, max: 1, bins: 8, scale: 'log' }] },
      ),
    ),
  },
  { requiredKeys: ['models', 'hardware'] },
);

const training = fc.record(
  {
    mode: fc.constant('training'),
    models: field(list(['llama-3.1-8b', 'mixtral-8x7b'])),
    hardware: field(list(['h100-sxm', 'tpu-v6e'])),
    chips: field(list([8, 64, 256])),
    tp: field(list([1, 2, 8])),
    pp: field(list([1, 4])),
    cp: field(list([1, 2])),
    sequenceLength: field(fc.constantFrom(4096, 8192)),
    globalBatch: field(list([256, 1024])),
    microBatch: field(list([1, 2])),
    zeroStage: field(list([0, 1, 3])),
    recompute: field(list(['none', 'selective', 'full'])),
    totalTokens: field(fc.constantFrom(1e9, 2e12)),
    reducers: field(fc.constantFrom({ top: { k: 2, by: 'costUsd' } }, { pareto: ['costUsd', 'totalTimeS'] })),
  },
  { requiredKeys: ['mode', 'models', 'hardware'] },
);

/** The spec's text (JSON is YAML, so every hostile value reaches the parser), sometimes cut short. */
const texts = fc.tuple(fc.oneof({ weight: 3, arbitrary: inference }, { weight: 1, arbitrary: training }), fc.nat(), fc.nat(9)).map(([spec, cut, form]) => {
  const text = JSON.stringify(spec);
  return form === 0 ? text.slice(0, cut % (text.length + 1)) : text;
});

test('fuzz: a sweep spec is refused issue by issue on one line each, or runs to finite, non-negative numbers', async () => {
  const engine = await createEngine();
  let cases = 0;
  let refused = 0;
  let run = 0;
  await fc.assert(
    fc.asyncProperty(texts, async (text) => {
      cases++;
      let plan;
      try {
        plan = planAnySweep(resolveSweepSpec(parseAnySweepSpec(text), TEST_RESOLVERS));
      } catch (error) {
        expect(error, text).toBeInstanceOf(Error);
        const e = error as Error;
        expect(['SweepSpecError', 'InputError'], `${text}\n${e.stack ?? ''}`).toContain(e.name);
        if (error instanceof SweepSpecError) for (const issue of error.issues) expect(issue.message, text).not.toMatch(/\n/);
        else expect(e.message, text).not.toMatch(/\n/);
        refused++;
        return;
      }
      expect(plan.total, text).toBeGreaterThan(0);
      if (plan.total > MAX_RUN) return;
      const state = await sweepRange(engine, plan, [0, plan.total]);
      const result = toResult(plan.resolved.spec, plan.reducers, plan.edges, attachRows(await engine.open(plan.image()), plan, state));
      expect(badNumbers(JSON.parse(JSON.stringify(result))), text).toEqual([]);
      expect(badNumbers(result.counts), text).toEqual([]);
      run++;
    }),
    { seed: SEED, numRuns: 300, endOnFailure: true },
  );
  console.log(`fuzz sweep specs (engine): ${cases} cases, ${run} run, ${refused} refused, ${cases - run - refused} planned only`);
  expect(cases).toBe(300);
  expect(run).toBeGreaterThan(50);
});

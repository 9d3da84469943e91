// `pnpm bench`: configurations per second for the TypeScript reference loop, the WASM kernel on
// one thread and on every core, on one grid; then a 10^9-configuration Pareto sweep with its peak
// RSS. Prints, never asserts. Runs on the built packages (turbo's `bench` depends on `build`).
import { availableParallelism } from 'node:os';
import { models } from '@ridgeline/catalog';
import amd from '@ridgeline/hardware-amd';
import google from '@ridgeline/hardware-google';
import groq from '@ridgeline/hardware-groq';
import nvidia from '@ridgeline/hardware-nvidia';
import { estimateInference } from '@ridgeline/model';
import { createEngine, parseSweepSpec, planSweep, resolveSweepSpec } from '../dist/index.js';
import { runSweep } from '../dist/node/index.js';

const chips = [nvidia, amd, google, groq].flatMap((p) => p.chips);
const resolvers = {
  model: (id) => models.find((m) => m.id === id) ?? (() => { throw new Error(`unknown model ${id}`); })(),
  chip: (id) => chips.find((c) => c.id === id) ?? (() => { throw new Error(`unknown chip ${id}`); })(),
};
const plan = (text) => planSweep(resolveSweepSpec(parseSweepSpec(text), resolvers));
const rate = (n, seconds) => `${(n / seconds / 1e6).toFixed(2)} M configurations/s`;
const threads = availableParallelism();

// The grid: dense and MoE models on GPUs and TPUs; chips = tp·pp·dp, so most configurations are feasible.
const GRID = `
models: [llama-3.1-70b, llama-3.1-8b, deepseek-v3, mixtral-8x7b, qwen3-235b-a22b]
hardware: [h100-sxm, h200, b200, mi300x, tpu-v5p, tpu-v6e]
dp: [1, 2, 4]
tp: [1, 2, 4, 8, 16]
pp: [1, 2, 4]
ep: [1, 8]
batch: { from: 1, to: 1024, times: 2 }
inputTokens: [512, 2048, 8192]
outputTokens: [128, 512, 2048]
precisions: { weights: [bf16, fp8], kvCache: [bf16, fp8], activations: [bf16, fp8] }
attentionSharding: [heads, batch]
commOverlap: [auto, 0.5]
moeImbalance: [1, 1.5]
`;
const grid = plan(GRID);
const engine = await createEngine();
console.log(`grid: ${grid.total.toLocaleString('en')} configurations, ${threads} cores (os.availableParallelism), node ${process.version}`);

// TypeScript reference: estimateInference per configuration, on an evenly strided sample of the grid.
const sample = 50_000;
const stride = Math.floor(grid.total / sample);
const configOf = (i) => {
  const c = grid.config(i);
  return {
    model: grid.resolved.models.find((m) => m.id === c.model),
    chip: grid.resolved.chips.find((x) => x.chip.id === c.hardware).chip,
    chips: c.chips,
    parallelism: { tp: c.tp, pp: c.pp, ep: c.ep },
    batch: c.batch,
    inputTokens: c.inputTokens,
    outputTokens: c.outputTokens,
    precision: { weights: c.weights, kvCache: c.kvCache, activations: c.activations },
    attentionSharding: c.attentionSharding,
  };
};
for (let i = 0; i < 5000; i++) estimateInference(configOf(i * stride)); // warm up
let t = performance.now();
let feasibleTs = 0;
for (let i = 0; i < sample; i++) if (estimateInference(configOf(i * stride)).feasible) feasibleTs++;
const tsSeconds = (performance.now() - t) / 1e3;
const tsRate = sample / tsSeconds;
console.log(`TypeScript reference loop: ${rate(sample, tsSeconds)} (${sample.toLocaleString('en')} configurations strided over the grid, ${((100 * feasibleTs) / sample).toFixed(0)}% feasible)`);

// WASM, one thread and all threads, over the whole grid (after one warm-up pass for the JIT tiers).
await runSweep(grid, { engine, threads: 1 });
t = performance.now();
const one = await runSweep(grid, { engine, threads: 1 });
const oneSeconds = (performance.now() - t) / 1e3;
console.log(`WASM, 1 thread:            ${rate(grid.total, oneSeconds)} (${((100 * one.counts.feasible) / grid.total).toFixed(0)}% feasible)`);
await runSweep(grid, { engine, threads });
t = performance.now();
await runSweep(grid, { engine, threads });
const allSeconds = (performance.now() - t) / 1e3;
console.log(`WASM, ${threads} threads:           ${rate(grid.total, allSeconds)}`);
console.log(`ratios: WASM 1 thread / TypeScript = ${(grid.total / oneSeconds / tsRate).toFixed(1)}×, ${threads} threads / 1 thread = ${(oneSeconds / allSeconds).toFixed(2)}×, ${threads} threads / TypeScript = ${(grid.total / allSeconds / tsRate).toFixed(1)}×`);

// 10^9 configurations: more parallelism, batch, precision and length values; a Pareto frontier on cost and TPOT.
const BIG = `
models: [llama-3.1-70b, llama-3.1-8b, deepseek-v3, mixtral-8x7b, qwen3-235b-a22b]
hardware: [h100-sxm, h200, b200, mi300x, tpu-v5p, tpu-v6e]
dp: [1, 2, 4, 8]
tp: [1, 2, 4, 8, 16, 32]
pp: [1, 2, 4]
ep: [1, 8]
batch: { from: 1, to: 2048, times: 2 }
inputTokens: { from: 256, to: 32768, times: 1.25 }
outputTokens: { from: 64, to: 4096, times: 1.5 }
precisions: { weights: [bf16, fp8, int4], kvCache: [bf16, fp8], activations: [bf16, fp8] }
attentionSharding: [heads, batch]
commOverlap: [auto, 0.5]
moeImbalance: [1, 1.5]
reducers: { pareto: [costPerMillionTokensUsd, tpotS], top: { k: 20, by: tokensPerSPerChip } }
`;
const big = plan(BIG);
const projected = big.total / (grid.total / allSeconds);
console.log(`\n10^9 sweep: ${big.total.toLocaleString('en')} configurations; projected ${projected.toFixed(0)} s at the measured all-thread rate`);
const limit = Number(process.env.RIDGELINE_BENCH_MAX_S ?? 300);
const rssBefore = process.memoryUsage().rss;
if (projected > limit) {
  const part = Math.floor(big.total / Math.ceil(projected / 60));
  t = performance.now();
  await runSweep(big, { engine, threads, range: [0, part] });
  const s = (performance.now() - t) / 1e3;
  console.log(`ran the first ${part.toLocaleString('en')} only (${rate(part, s)}); full sweep projected at ${(big.total / (part / s)).toFixed(0)} s (over RIDGELINE_BENCH_MAX_S=${limit})`);
} else {
  t = performance.now();
  const state = await runSweep(big, { engine, threads });
  const s = (performance.now() - t) / 1e3;
  console.log(`ran all of it in ${s.toFixed(1)} s: ${rate(big.total, s)}; ${state.counts.feasible.toLocaleString('en')} feasible; frontier ${state.pareto.length} points`);
}
const peak = process.resourceUsage().maxRSS * 1024;
console.log(`peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB (RSS before the 10^9 sweep ${(rssBefore / 2 ** 20).toFixed(0)} MiB)`);

// `pnpm bench`: configurations per second for the TypeScript reference loop, the WASM kernel on
// one thread and on every core, on one grid without and with a `where` filter, each the median of
// several runs with its spread; then
// a 10^9-configuration Pareto sweep with its peak RSS. Prints, never asserts. Runs on the built
// packages (turbo's `bench` depends on `build`).
//
// The grid runs the spec's default schedule (continuous batching with chunked prefill). Give
// `--schedule static` (or RIDGELINE_BENCH_SCHEDULE=static) for paper-style static batches, the
// only schedule before continuous batching; RIDGELINE_BENCH_RUNS sets the runs per figure [5].
import { availableParallelism, cpus } from 'node:os';
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
const threads = availableParallelism();

const argIndex = process.argv.indexOf('--schedule');
const scheduleArg = argIndex >= 0 ? process.argv[argIndex + 1] : process.argv.find((a) => a.startsWith('--schedule='))?.slice('--schedule='.length);
const schedule = scheduleArg ?? process.env.RIDGELINE_BENCH_SCHEDULE;
if (schedule !== undefined && schedule !== 'continuous' && schedule !== 'static') {
  throw new Error(`--schedule must be continuous or static, got ${schedule}`);
}
// No line: the spec's default (continuous), which is what the bench is meant to measure.
const scheduleLine = schedule === undefined ? '' : `schedule: [${schedule}]\n`;
const runs = Math.max(1, Number(process.env.RIDGELINE_BENCH_RUNS ?? 5));

/** Median and range of rates (configurations/s), as text: "18.02 M/s (median of 5: 17.61–18.30)". */
function summary(rates) {
  const sorted = [...rates].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const m = (x) => (x / 1e6).toFixed(2);
  const spread = sorted.length === 1 ? 'one run' : `median of ${sorted.length}: ${m(sorted[0])}–${m(sorted.at(-1))}, ±${((100 * (sorted.at(-1) - sorted[0])) / 2 / median).toFixed(1)}%`;
  return { median, text: `${m(median)} M configurations/s (${spread})` };
}

/** Rates of `runs` timed runs of `work(): configurations`, after `warmUps` untimed ones. */
async function measure(work, warmUps = 1) {
  for (let i = 0; i < warmUps; i++) await work();
  const rates = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const n = await work();
    rates.push(n / ((performance.now() - t) / 1e3));
  }
  return summary(rates);
}

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
${scheduleLine}`;
const grid = plan(GRID);
const engine = await createEngine();
const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
console.log(
  `grid: ${grid.total.toLocaleString('en')} configurations, schedule ${grid.resolved.spec.schedule.join(', ')}, chunkTokens ${grid.resolved.spec.chunkTokens.join(', ')}; ` +
    `${threads} cores (os.availableParallelism, ${cpu}), node ${process.version}; ${runs} timed runs per figure`,
);

// TypeScript reference: estimateInference per configuration, on an evenly strided sample of the grid,
// each configuration exactly as the kernel evaluates it (every axis of the grid passed on).
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
    moeImbalance: c.moeImbalance,
    schedule: c.schedule,
    chunkTokens: c.chunkTokens,
    ...(c.commOverlap === 'auto' ? {} : { commOverlap: c.commOverlap }),
  };
};
const configs = Array.from({ length: sample }, (_, i) => configOf(i * stride));
let feasibleTs = 0;
const ts = await measure(() => {
  feasibleTs = 0;
  for (const config of configs) if (estimateInference(config).feasible) feasibleTs++;
  return sample;
});
console.log(`TypeScript reference loop: ${ts.text}; ${sample.toLocaleString('en')} configurations strided over the grid, ${((100 * feasibleTs) / sample).toFixed(0)}% feasible`);

// WASM, one thread and all threads, over the whole grid (after a warm-up run for the JIT tiers).
let feasible = 0;
const one = await measure(async () => {
  feasible = (await runSweep(grid, { engine, threads: 1 })).counts.feasible;
  return grid.total;
});
console.log(`WASM, 1 thread:            ${one.text}; ${((100 * feasible) / grid.total).toFixed(0)}% feasible`);
const all = await measure(async () => {
  await runSweep(grid, { engine, threads });
  return grid.total;
});
console.log(`WASM, ${threads} threads:           ${all.text}`);
// The same grid with the filter: the kernel checks it for each feasible configuration and
// feeds only the matching ones to the reducers (counts.matched).
const filtered = plan(`${GRID}where: { ttftS: { max: 2 }, tpotS: { max: 0.05 } }\n`);
let matched = 0;
const oneWhere = await measure(async () => {
  matched = (await runSweep(filtered, { engine, threads: 1 })).counts.matched;
  return filtered.total;
});
console.log(`WASM, 1 thread, where:     ${oneWhere.text}; ${((100 * matched) / filtered.total).toFixed(0)}% matching ttftS ≤ 2 s, tpotS ≤ 0.05 s`);
const allWhere = await measure(async () => {
  await runSweep(filtered, { engine, threads });
  return filtered.total;
});
console.log(`WASM, ${threads} threads, where:    ${allWhere.text}`);
console.log(
  `ratios of medians: WASM 1 thread / TypeScript = ${(one.median / ts.median).toFixed(1)}×, ${threads} threads / 1 thread = ${(all.median / one.median).toFixed(2)}×, ` +
    `${threads} threads / TypeScript = ${(all.median / ts.median).toFixed(1)}×`,
);

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
${scheduleLine}`;
const big = plan(BIG);
const projected = big.total / all.median;
console.log(`\n10^9 sweep: ${big.total.toLocaleString('en')} configurations; projected ${projected.toFixed(0)} s at the measured all-thread rate`);
const limit = Number(process.env.RIDGELINE_BENCH_MAX_S ?? 300);
const rssBefore = process.memoryUsage().rss;
const rate = (n, seconds) => `${(n / seconds / 1e6).toFixed(2)} M configurations/s`;
if (projected > limit) {
  const part = Math.floor(big.total / Math.ceil(projected / 60));
  const t = performance.now();
  await runSweep(big, { engine, threads, range: [0, part] });
  const s = (performance.now() - t) / 1e3;
  console.log(`ran the first ${part.toLocaleString('en')} only (${rate(part, s)}); full sweep projected at ${(big.total / (part / s)).toFixed(0)} s (over RIDGELINE_BENCH_MAX_S=${limit})`);
} else {
  const t = performance.now();
  const state = await runSweep(big, { engine, threads });
  const s = (performance.now() - t) / 1e3;
  console.log(`ran all of it in ${s.toFixed(1)} s: ${rate(big.total, s)}; ${state.counts.feasible.toLocaleString('en')} feasible; frontier ${state.pareto.length} points`);
}
const peak = process.resourceUsage().maxRSS * 1024;
console.log(`peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB (RSS before the 10^9 sweep ${(rssBefore / 2 ** 20).toFixed(0)} MiB)`);

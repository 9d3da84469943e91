// `pnpm bench`: configurations per second for the TypeScript reference loop, the WASM kernel on
// one thread and on every core, on one grid without and with a `where` filter, each the median of
// several runs with its spread, as grid points/s and as evaluated configurations/s (grid points
// whose parallelism breaks a rule are skipped a block at a time, not evaluated: they are counted
// apart); then 1 thread against 2 threads on sweeps of 10^5, 3·10^5, 10^6, 4·10^6 and 10^8
// configurations, interleaved pair by pair (where the default thread count's crossover shows), and
// at 10^6 the 2-thread sweep on a newly started pool too (what keeping the pool saves);
// then a 10^9-configuration Pareto sweep with its peak RSS. Prints, never asserts. Runs on the built
// packages (turbo's `bench` depends on `build`).
//
// The grid runs the spec's default schedule (continuous batching with chunked prefill). Give
// `--schedule static` (or RIDGELINE_BENCH_SCHEDULE=static) for paper-style static batches, the
// only schedule before continuous batching; RIDGELINE_BENCH_RUNS sets the runs per figure [5],
// RIDGELINE_BENCH_SCALING_RUNS the pairs at 10^8 [3] (smaller sweeps get more, up to 8× as many).
//
// RIDGELINE_BENCH_BASELINE=<dir> names another built copy of this package (its build/release.wasm,
// e.g. a worktree of the branch point): the bench then runs only a before/after of the kernels, on
// this package's host code, one thread, interleaved pair by pair (the order alternating), on the grid
// and the grid with the filter, RIDGELINE_BENCH_RUNS pairs each (after a warm-up pair), and prints
// each kernel's median and range and the ratio by pair.
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { models } from '@ridgeline/catalog';
import amd from '@ridgeline/hardware-amd';
import google from '@ridgeline/hardware-google';
import groq from '@ridgeline/hardware-groq';
import nvidia from '@ridgeline/hardware-nvidia';
import { estimateInference } from '@ridgeline/model';
import { createEngine, engineFromModule, parseSweepSpec, planSweep, resolveSweepSpec, sweepRange } from '../dist/index.js';
import { closeSweepPool, defaultThreads, runSweep } from '../dist/node/index.js';

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

/** The median of numbers. */
function medianOf(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median and range of values, as text: "18.02 M … (median of 5: 17.61–18.30, ±1.9%)"; `unit` follows the median. */
function summary(values, unit = 'M configurations/s', scale = 1e6, digits = 2) {
  const sorted = [...values].sort((a, b) => a - b);
  const median = medianOf(sorted);
  const m = (x) => (x / scale).toFixed(digits);
  const spread = sorted.length === 1 ? 'one run' : `median of ${sorted.length}: ${m(sorted[0])}–${m(sorted.at(-1))}, ±${((100 * (sorted.at(-1) - sorted[0])) / 2 / median).toFixed(1)}%`;
  return { median, text: `${m(median)} ${unit} (${spread})` };
}

/**
 * Grid points and evaluated configurations per second of `runs` timed runs of `work(): { points,
 * evaluated }`, after `warmUps` untimed ones.
 */
async function measure(work, warmUps = 1) {
  for (let i = 0; i < warmUps; i++) await work();
  const rates = [];
  const evaluatedRates = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const { points, evaluated } = await work();
    const s = (performance.now() - t) / 1e3;
    rates.push(points / s);
    evaluatedRates.push(evaluated / s);
  }
  const points = summary(rates);
  const evaluated = summary(evaluatedRates, 'M evaluated/s');
  return { median: points.median, evaluatedMedian: evaluated.median, text: `${points.text}; ${evaluated.text}` };
}

/**
 * Configurations of a run that went through the model: feasible ones and those over capacity. The
 * others broke a parallelism rule (chips = tp·pp·dp, tp divides heads, …) and were skipped a block
 * at a time, counted as infeasible without being evaluated.
 */
const evaluatedOf = (counts) => counts.feasible + counts.infeasible.capacity;

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

if (process.env.RIDGELINE_BENCH_BASELINE) {
  // before/after: the baseline's kernel and this one's on this host code, one thread, interleaved
  // pair by pair, timed by the clock and by the process's CPU time (what one core did, on a machine
  // shared with other work)
  const wasmPath = join(resolve(process.env.RIDGELINE_BENCH_BASELINE), 'build/release.wasm');
  const kernels = [
    { label: 'baseline', engine: engineFromModule(await WebAssembly.compile(readFileSync(wasmPath))) },
    { label: 'this build', engine },
  ];
  const grids = [
    { label: 'grid', plan: grid },
    { label: 'grid, where', plan: plan(`${GRID}where: { ttftS: { max: 2 }, tpotS: { max: 0.05 } }\n`) },
  ];
  console.log(`before/after, 1 thread, ${runs} interleaved pairs per grid (after a warm-up pair); baseline ${wasmPath}`);
  for (const g of grids) {
    const seconds = kernels.map(() => ({ clock: [], cpu: [] }));
    let evaluated = 0;
    let reference;
    const timedRun = async (k) => {
      const t = performance.now();
      const c = process.cpuUsage();
      const state = await sweepRange(kernels[k].engine, g.plan, [0, g.plan.total]);
      const used = process.cpuUsage(c);
      seconds[k].clock.push((performance.now() - t) / 1e3);
      seconds[k].cpu.push((used.user + used.system) / 1e6);
      evaluated = evaluatedOf(state.counts);
      // both kernels reduce the grid to the same state
      const text = JSON.stringify(state);
      reference ??= text;
      if (text !== reference) throw new Error(`${kernels[k].label}: another state than the other kernel's on ${g.label}`);
    };
    for (const k of [0, 1]) await timedRun(k);
    for (const s of seconds) {
      s.clock.length = 0;
      s.cpu.length = 0;
    }
    for (let round = 0; round < runs; round++) for (const k of round % 2 === 0 ? [0, 1] : [1, 0]) await timedRun(k);
    for (const by of ['clock', 'cpu']) {
      for (const [k, { label }] of kernels.entries()) {
        const rates = summary(seconds[k][by].map((x) => evaluated / x), by === 'cpu' ? 'M evaluated/CPU-s' : 'M evaluated/s');
        const points = summary(seconds[k][by].map((x) => g.plan.total / x), by === 'cpu' ? 'M configurations/CPU-s' : 'M configurations/s');
        console.log(`  ${g.label}, ${label}, by ${by === 'cpu' ? 'CPU time' : 'the clock'}: ${rates.text}; ${points.text}`);
      }
      const ratios = seconds[0][by].map((x, i) => x / seconds[1][by][i]);
      console.log(`  ${g.label}, by ${by === 'cpu' ? 'CPU time' : 'the clock'}: this build / baseline = ${summary(ratios, '×', 1, 3).text}, by pair`);
    }
  }
  process.exit(0);
}

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
let evaluatedTs = 0;
const ts = await measure(() => {
  feasibleTs = 0;
  evaluatedTs = 0;
  for (const config of configs) {
    const r = estimateInference(config);
    if (r.feasible) feasibleTs++;
    if (r.feasible || r.reason === 'capacity') evaluatedTs++;
  }
  return { points: sample, evaluated: evaluatedTs };
});
console.log(
  `TypeScript reference loop: ${ts.text}; ${sample.toLocaleString('en')} configurations strided over the grid, ` +
    `${((100 * evaluatedTs) / sample).toFixed(0)}% evaluated (the rest break a parallelism rule), ${((100 * feasibleTs) / sample).toFixed(0)}% feasible`,
);

// WASM, one thread and all threads, over the whole grid (after a warm-up run for the JIT tiers).
let counts;
const one = await measure(async () => {
  counts = (await runSweep(grid, { engine, threads: 1 })).counts;
  return { points: grid.total, evaluated: evaluatedOf(counts) };
});
const evaluatedGrid = evaluatedOf(counts);
const pct = (n) => `${((100 * n) / grid.total).toFixed(0)}%`;
console.log(
  `grid points: ${grid.total.toLocaleString('en')} = ${evaluatedGrid.toLocaleString('en')} evaluated (${pct(evaluatedGrid)}; ${counts.feasible.toLocaleString('en')} feasible, ${pct(counts.feasible)}) ` +
    `+ ${(grid.total - evaluatedGrid).toLocaleString('en')} skipped, breaking a parallelism rule (${pct(grid.total - evaluatedGrid)})`,
);
console.log(`WASM, 1 thread:            ${one.text}`);
const all = await measure(async () => {
  const state = await runSweep(grid, { engine, threads });
  return { points: grid.total, evaluated: evaluatedOf(state.counts) };
});
console.log(`WASM, ${threads} threads:           ${all.text}`);
// The same grid with the issue's filter: the kernel checks it for each feasible configuration and
// feeds only the matching ones to the reducers (counts.matched).
const filtered = plan(`${GRID}where: { ttftS: { max: 2 }, tpotS: { max: 0.05 } }\n`);
let matched = 0;
const oneWhere = await measure(async () => {
  const state = await runSweep(filtered, { engine, threads: 1 });
  matched = state.counts.matched;
  return { points: filtered.total, evaluated: evaluatedOf(state.counts) };
});
console.log(`WASM, 1 thread, where:     ${oneWhere.text}; ${((100 * matched) / filtered.total).toFixed(0)}% matching ttftS ≤ 2 s, tpotS ≤ 0.05 s`);
const allWhere = await measure(async () => {
  const state = await runSweep(filtered, { engine, threads });
  return { points: filtered.total, evaluated: evaluatedOf(state.counts) };
});
console.log(`WASM, ${threads} threads, where:    ${allWhere.text}`);
console.log(
  `ratios of medians, evaluated configurations/s: WASM 1 thread / TypeScript = ${(one.evaluatedMedian / ts.evaluatedMedian).toFixed(1)}× ` +
    `(${(one.median / ts.median).toFixed(1)}× counting skipped grid points), ${threads} threads / 1 thread = ${(all.median / one.median).toFixed(2)}×, ` +
    `${threads} threads / TypeScript = ${(all.evaluatedMedian / ts.evaluatedMedian).toFixed(1)}×`,
);

// 1 thread against 2 on sweeps of 10^5 to 10^8 configurations, each the example grid's
// structure (five models, five chips, DP, TP, PP, EP, batch, input and output lengths). The runs
// are interleaved: a round runs, for every size, 1 then 2 threads (2 then 1 on odd rounds), so
// load from elsewhere on the machine falls on both; the ratio is taken pair by pair. The process's
// worker pool is warm (a sweep reuses it), as for any sweep after the first; at 10^6 a third run
// in each round starts a new pool for the 2-thread sweep, as the first sweep of a process does.
const scalingSpec = (inputs, extra = '') => `
models: [llama-3.1-70b, llama-3.1-8b, deepseek-v3, mixtral-8x7b, qwen3-235b-a22b]
hardware: [h100-sxm, h200, b200, mi300x, tpu-v5p]
dp: [1, 2]
tp: [1, 2, 4, 8, 16]
pp: [1, 2]
ep: [1, 8]
batch: { from: 1, to: 512, times: 2 }
inputTokens: { from: 256, to: ${256 + 512 * (inputs - 1)}, step: 512 }
outputTokens: [64, 128, 256, 512, 768, 1024, 1536, 2048, 3072, 4096]
${extra}${scheduleLine}`;
// 10^8: the 10^6 sweep × 4 precisions × 5 communication overlaps × 5 MoE imbalances
const HUNDRED = 'precisions: { weights: [bf16, fp8], kvCache: [bf16, fp8] }\ncommOverlap: [auto, 0.25, 0.5, 0.75, 1]\nmoeImbalance: [1, 1.25, 1.5, 1.75, 2]\n';
const scalingRuns = Math.max(1, Number(process.env.RIDGELINE_BENCH_SCALING_RUNS ?? 3));
const scaling = [
  { label: '10^5', plan: plan(scalingSpec(1)), rounds: scalingRuns * 8 },
  { label: '3·10^5', plan: plan(scalingSpec(3)), rounds: scalingRuns * 8 },
  { label: '10^6', plan: plan(scalingSpec(10)), rounds: scalingRuns * 8, cold: [] },
  { label: '4·10^6', plan: plan(scalingSpec(40)), rounds: scalingRuns * 4 },
  { label: '10^8', plan: plan(scalingSpec(10, HUNDRED)), rounds: scalingRuns },
].map((s) => ({ ...s, seconds: { 1: [], 2: [] }, ratios: [], evaluated: 0 }));
console.log(`\nthreads, interleaved pair by pair (default thread count on ${threads} cores: ${scaling.map((s) => `${defaultThreads(s.plan.total, threads)} at ${s.label}`).join(', ')}):`);
const timed = async (s, n) => {
  const t = performance.now();
  const state = await runSweep(s.plan, { engine, threads: n });
  s.evaluated = evaluatedOf(state.counts);
  return (performance.now() - t) / 1e3;
};
for (const s of scaling.slice(0, -1)) for (const n of [1, 2]) await timed(s, n); // warm-up
for (let round = 0; round < Math.max(...scaling.map((s) => s.rounds)); round++) {
  for (const s of scaling) {
    if (round >= s.rounds) continue;
    const pair = {};
    for (const n of round % 2 === 0 ? [1, 2] : [2, 1]) pair[n] = await timed(s, n);
    s.seconds[1].push(pair[1]);
    s.seconds[2].push(pair[2]);
    s.ratios.push(pair[1] / pair[2]);
    if (s.cold !== undefined) {
      // the same 2-thread sweep on a pool started for it, as every sweep did before the pool was kept
      await closeSweepPool();
      s.cold.push(await timed(s, 2));
    }
  }
}
for (const s of scaling) {
  const total = s.plan.total;
  const line = (n) => {
    const t = summary(s.seconds[n], 'ms', 1e-3, 1);
    const rates = summary(s.seconds[n].map((x) => total / x));
    const evaluated = summary(s.seconds[n].map((x) => s.evaluated / x), 'M evaluated/s');
    return `  ${s.label} (${total.toLocaleString('en')}, ${((100 * s.evaluated) / total).toFixed(0)}% evaluated), ${n} thread${n === 1 ? ': ' : 's:'} ${t.text}; ${rates.text}; ${evaluated.text}`;
  };
  console.log(line(1));
  console.log(line(2));
  console.log(`  ${s.label}: 2 threads / 1 thread = ${summary(s.ratios, '×', 1, 2).text}, ratio by pair`);
  if (s.cold !== undefined) {
    const extra = s.cold.map((x, i) => x - s.seconds[2][i]);
    console.log(`  ${s.label}, 2 threads on a new pool: ${summary(s.cold, 'ms', 1e-3, 1).text}, ${summary(extra, 'ms', 1e-3, 1).text} more than on the kept pool, by run`);
  }
}

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
  const part = Math.floor(big.total / Math.ceil(projected / 30));
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
// the pool's idle threads never keep the process alive; ending them now is only tidy
await closeSweepPool();

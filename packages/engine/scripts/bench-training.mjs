// `pnpm bench:training`: configurations per second of training sweeps: the TypeScript reference
// (estimateTraining per configuration), the WASM kernel on one thread and on every core, on one
// grid. Prints, never asserts. Runs on the built packages.
import { availableParallelism } from 'node:os';
import { models } from '@ridgeline/catalog';
import amd from '@ridgeline/hardware-amd';
import google from '@ridgeline/hardware-google';
import nvidia from '@ridgeline/hardware-nvidia';
import { estimateTraining } from '@ridgeline/model';
import { createEngine, parseAnySweepSpec, planAnySweep, resolveSweepSpec } from '../dist/index.js';
import { runSweep } from '../dist/node/index.js';

const chips = [nvidia, amd, google].flatMap((p) => p.chips);
const resolvers = {
  model: (id) => models.find((m) => m.id === id) ?? (() => { throw new Error(`unknown model ${id}`); })(),
  chip: (id) => chips.find((c) => c.id === id) ?? (() => { throw new Error(`unknown chip ${id}`); })(),
};
const rate = (n, seconds) => `${(n / seconds / 1e6).toFixed(2)} M configurations/s`;
const threads = availableParallelism();

// Dense and MoE models (MLA, sliding windows) on GPUs and TPUs; chips = dp·tp·pp·cp, so the layout
// rule always holds. Nine million configurations, so that a sweep on every core lasts long enough
// to measure more than the worker threads' start-up.
const GRID = `
mode: training
models: [llama-3.1-70b, llama-3.1-8b, llama-3.1-405b, mixtral-8x7b, deepseek-v3, qwen3-235b-a22b, gpt-oss-120b, gemma-3-27b, llama-2-70b, gpt-3-175b]
hardware: [h100-sxm, h200, b200, gb200-nvl72, a100-sxm, mi300x, mi325x, tpu-v5p, tpu-v6e, tpu-v7]
dp: [8, 32, 128, 512]
tp: [1, 2, 4, 8]
pp: [1, 2, 4, 8, 16]
cp: [1, 2]
ep: [1, 8]
sequenceLength: [4096, 8192]
globalBatch: [1024, 2048]
microBatch: [1, 2]
virtualStages: [1, 2]
totalTokens: 15e12
zeroStage: [0, 1, 3]
recompute: [none, selective, full]
precision: [bf16, fp8]
`;
const grid = planAnySweep(resolveSweepSpec(parseAnySweepSpec(GRID), resolvers));
const engine = await createEngine();
console.log(`training grid: ${grid.total.toLocaleString('en')} configurations, ${threads} cores (os.availableParallelism), node ${process.version}`);

const sample = 50_000;
const stride = Math.floor(grid.total / sample);
const configOf = (i) => {
  const c = grid.config(i);
  return {
    model: grid.resolved.models.find((m) => m.id === c.model),
    chip: grid.resolved.chips.find((x) => x.chip.id === c.hardware).chip,
    chips: c.chips,
    parallelism: { dp: c.dp, tp: c.tp, pp: c.pp, cp: c.cp, ep: c.ep },
    sequenceLength: c.sequenceLength,
    globalBatch: c.globalBatch,
    microBatch: c.microBatch,
    virtualStages: c.virtualStages,
    totalTokens: c.totalTokens,
    precision: c.precision,
    zeroStage: c.zeroStage,
    recompute: c.recompute,
  };
};
for (let i = 0; i < 5000; i++) estimateTraining(configOf(i * stride)); // warm up
let t = performance.now();
let feasibleTs = 0;
for (let i = 0; i < sample; i++) if (estimateTraining(configOf(i * stride)).feasible) feasibleTs++;
const tsSeconds = (performance.now() - t) / 1e3;
const tsRate = sample / tsSeconds;
console.log(`TypeScript reference loop: ${rate(sample, tsSeconds)} (${sample.toLocaleString('en')} configurations strided over the grid, ${((100 * feasibleTs) / sample).toFixed(0)}% feasible)`);

await runSweep(grid, { engine, threads: 1, range: [0, Math.min(grid.total, 2_000_000)] }); // warm-up for the JIT tiers
t = performance.now();
const one = await runSweep(grid, { engine, threads: 1 });
const oneSeconds = (performance.now() - t) / 1e3;
console.log(`WASM, 1 thread:            ${rate(grid.total, oneSeconds)} (${((100 * one.counts.feasible) / grid.total).toFixed(0)}% feasible)`);
await runSweep(grid, { engine, threads }); // warm-up, as for one thread
t = performance.now();
await runSweep(grid, { engine, threads });
const allSeconds = (performance.now() - t) / 1e3;
console.log(`WASM, ${threads} threads:           ${rate(grid.total, allSeconds)}`);
console.log(`ratios: WASM 1 thread / TypeScript = ${(grid.total / oneSeconds / tsRate).toFixed(1)}×, ${threads} threads / 1 thread = ${(oneSeconds / allSeconds).toFixed(2)}×`);

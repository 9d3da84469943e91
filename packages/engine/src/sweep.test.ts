import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateInference, type InferenceConfig } from '@ridgeline/model';
import { N_OUT, OUTPUTS, REASONS, type Metric } from './descriptors.ts';
import { createEngine } from './engine.ts';
import { ROW_COLUMNS, writeRows } from './node/rows.ts';
import { runSweep } from './node/run.ts';
import { WORKER_SOURCE } from './node/worker-source.ts';
import { planSweep, shardRange, type SweepPlan } from './plan.ts';
import { parseSweepSpec, resolveSweepSpec } from './spec.ts';
import { attachRows, mergeResults, mergeStates, paretoFrontier, toResult, topK, unpackState, type SweepState } from './state.ts';
import { sweepRange } from './sweep.ts';
import { referenceOutputs, TEST_RESOLVERS } from './test-support/random.ts';

// ~74k configurations: two models (dense, MoE), two chips (switch, 3D torus), most axes varied,
// both schedules, and a chunk budget small enough to bind and to split prompts.
const SPEC = `
models: [llama-3.1-8b, mixtral-8x7b]
hardware: [h100-sxm, { chip: tpu-v5p, usdPerChipHour: 3.1 }]
chips: [8, 16]
tp: [1, 2, 4, 8]
pp: [1, 2]
ep: [1, 2, 8]
redundantExperts: [auto, 8]
batch: [1, 16, 128]
inputTokens: [512, 4096]
outputTokens: [128, 1024]
precisions: { weights: [bf16, fp8], kvCache: bf16, activations: bf16 }
attentionSharding: [heads, batch]
commOverlap: [auto, 0.5]
schedule: [continuous, static]
chunkTokens: [1024, 8192]
reducers:
  pareto: [costPerMillionTokensUsd, tpotS, tokensPerSPerChip]
  top: { k: 15, by: tokensPerSPerUser }
  histograms:
    - { metric: tpotS, min: 0.001, max: 1, bins: 30, scale: log }
    - { metric: mfuDecode, min: 0, max: 1, bins: 20 }
`;

function planOf(text: string): SweepPlan {
  return planSweep(resolveSweepSpec(parseSweepSpec(text), TEST_RESOLVERS));
}

function inferenceConfig(plan: SweepPlan, index: number): InferenceConfig {
  const c = plan.config(index);
  const resolved = plan.resolved;
  const model = resolved.models.find((m) => m.id === c.model)!;
  const chip = resolved.chips.find((x) => x.chip.id === c.hardware)!;
  return {
    model,
    chip: chip.chip,
    chips: c.chips,
    parallelism: { tp: c.tp, pp: c.pp, ep: c.ep },
    ...(c.redundantExperts === 'auto' ? {} : { redundantExperts: c.redundantExperts }),
    batch: c.batch,
    inputTokens: c.inputTokens,
    outputTokens: c.outputTokens,
    precision: { weights: c.weights, kvCache: c.kvCache, activations: c.activations },
    attentionSharding: c.attentionSharding,
    moeImbalance: c.moeImbalance,
    schedule: c.schedule,
    chunkTokens: c.chunkTokens,
    ...(c.commOverlap === 'auto' ? {} : { commOverlap: c.commOverlap }),
    ...(chip.usdPerChipHour === undefined ? {} : { usdPerChipHour: chip.usdPerChipHour }),
  };
}

describe('sweeps', () => {
  const plan = planOf(SPEC);

  it('enumerate the cartesian product in WASM exactly as estimateInference evaluates each configuration', async () => {
    expect(plan.total).toBe(2 * 2 * 2 * 2 * 2 * 4 * 2 * 3 * 2 * 2 * 3 * 2 * 2 * 2 * 2);
    const kernel = await (await createEngine()).open(plan.image(true));
    const out = kernel.rows(0, plan.total).slice();
    const mismatches: string[] = [];
    const regimes = { static: 0, continuous: 0, budgetBinds: 0, severalChunks: 0 };
    for (let i = 0; i < plan.total; i++) {
      const result = estimateInference(inferenceConfig(plan, i));
      const expected = referenceOutputs(result);
      const reference = result.reason;
      if (result.feasible) {
        if (result.serving === null) regimes.static++;
        else {
          regimes.continuous++;
          if (result.serving.budgetBinds) regimes.budgetBinds++;
          if (result.serving.chunksPerPrompt > 1) regimes.severalChunks++;
        }
      }
      const reason = out[i * N_OUT + 1]!;
      if ((reason < 0 ? null : REASONS[reason]) !== reference) mismatches.push(`#${i} reason`);
      OUTPUTS.forEach((name, slot) => {
        if (name === 'reason') return;
        const got = out[i * N_OUT + slot]!;
        if (!Object.is(got, expected[name]) && mismatches.length < 10) mismatches.push(`#${i} ${name}: ${got} vs ${expected[name]}`);
      });
    }
    expect(mismatches).toEqual([]);
    for (const count of Object.values(regimes)) expect(count).toBeGreaterThan(100);
  });

  it('reduce to what a JavaScript pass over estimateInference gives', async () => {
    const state = await sweepRange(await createEngine(), plan, [0, plan.total], { chunk: 1000 });
    const sign = (d: string): number => (d === 'min' ? 1 : -1);
    const feasible: { index: number; r: ReturnType<typeof estimateInference> }[] = [];
    const reasons: Record<string, number> = {};
    for (let i = 0; i < plan.total; i++) {
      const r = estimateInference(inferenceConfig(plan, i));
      if (r.feasible) feasible.push({ index: i, r });
      else reasons[r.reason!] = (reasons[r.reason!] ?? 0) + 1;
    }
    const metric = (r: ReturnType<typeof estimateInference>, m: Metric): number => referenceOutputs(r)[m];
    expect(state.counts.evaluated).toBe(plan.total);
    expect(state.counts.feasible).toBe(feasible.length);
    for (const reason of REASONS) expect(state.counts.infeasible[reason]).toBe(reasons[reason] ?? 0);
    expect(state.counts.feasible).toBeGreaterThan(1000);
    for (const phase of ['prefill', 'decode'] as const) {
      for (const bound of ['compute', 'memory', 'network'] as const) {
        expect(state.counts.bound[phase][bound]).toBe(feasible.filter(({ r }) => r.bound[phase] === bound).length);
      }
    }
    const objectives = plan.reducers.pareto;
    const entries = feasible.map(({ index, r }) => ({ index, keys: objectives.map((o) => sign(o.direction) * metric(r, o.metric)) }));
    expect(state.pareto).toEqual(paretoFrontier(entries));
    const top = plan.reducers.top!;
    expect(state.top).toEqual(topK(feasible.map(({ index, r }) => ({ index, keys: [sign(top.direction) * metric(r, top.metric)] })), top.k));
    plan.edges.forEach((edges, h) => {
      const m = plan.reducers.histograms[h]!.metric;
      const counts = new Array<number>(edges.length + 1).fill(0);
      for (const { r } of feasible) {
        const v = metric(r, m);
        const bin = v < edges[0]! ? 0 : v >= edges.at(-1)! ? edges.length : edges.findLastIndex((e) => e <= v) + 1;
        counts[bin]!++;
      }
      expect(state.histograms[h]).toEqual(counts);
    });
  });

  it('write row files whose configuration columns reproduce estimateInference, schedule and chunk budget included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ridgeline-rows-'));
    try {
      // a slice across schedules: the last static configurations of one block, the first continuous of the next
      const range: [number, number] = [plan.total / 2 - 300, plan.total / 2 + 300];
      const csv = join(dir, 'rows.csv');
      await writeRows(plan, csv, { range });
      const lines = (await readFile(csv, 'utf8')).trimEnd().split('\n');
      expect(lines[0]).toBe(ROW_COLUMNS.join(','));
      expect(lines[0]).toMatch(/,moeImbalance,schedule,chunkTokens,feasible,.*,inputTokensPerSPerChip,totalTokensPerSPerChip$/);
      const jsonl = join(dir, 'rows.jsonl');
      await writeRows(plan, jsonl, { range });
      const rows = (await readFile(jsonl, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(rows).toHaveLength(600);
      const schedules = new Set<unknown>();
      for (const row of rows) {
        const index = row['index'] as number;
        const r = estimateInference(inferenceConfig(plan, index));
        schedules.add(row['schedule']);
        expect(row['schedule']).toBe(r.schedule);
        expect(row['chunkTokens']).toBe(r.inputs.chunkTokens);
        expect(row['totalTokensPerSPerChip']).toBe(r.feasible ? r.totalTokensPerSPerChip : null);
        expect(row['inputTokensPerSPerChip']).toBe(r.feasible ? r.inputTokensPerSPerChip : null);
      }
      expect([...schedules].sort()).toEqual(['continuous', 'static']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('give the same result on 1, 2 or 3 threads, and for shards merged', async () => {
    const engine = await createEngine();
    const one = await runSweep(plan, { threads: 1, engine });
    // force threads on a small sweep by giving each thread a range of its own
    const threaded = await runSweepThreads(plan, 3);
    expect(threaded).toEqual(one);
    const shards = [0, 1, 2, 3].map((i) => shardRange(plan.total, i, 4));
    const parts = await Promise.all(shards.map((range) => runSweep(plan, { threads: 1, engine, range })));
    expect(parts.reduce((a, b) => mergeStates(plan.reducers, a, b))).toEqual(one);
  });

  describe('shards in separate processes', () => {
    let dir = '';
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'ridgeline-shards-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('merge to exactly the single-run result', async () => {
      const engine = await createEngine();
      const wasm = fileURLToPath(new URL('../build/release.wasm', import.meta.url));
      const image = plan.image();
      await writeFile(join(dir, 'image.f64'), new Uint8Array(image.buffer, image.byteOffset, image.byteLength));
      await writeFile(join(dir, 'worker.mjs'), WORKER_SOURCE);
      // A plain-JS shard runner: the same task the worker threads run, in its own process.
      await writeFile(
        join(dir, 'shard.mjs'),
        `import { readFileSync, writeFileSync } from 'node:fs';
import run from './worker.mjs';
const [wasm, imageFile, start, end, out] = process.argv.slice(2);
const module = await WebAssembly.compile(readFileSync(wasm));
const bytes = readFileSync(imageFile);
const image = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
const packed = await run({ module, image, start: Number(start), end: Number(end), chunk: 997 });
writeFileSync(out, new Uint8Array(packed.buffer));
`,
      );
      const count = 3;
      const results = await Promise.all(
        Array.from({ length: count }, async (_, i) => {
          const [start, end] = shardRange(plan.total, i, count);
          const out = join(dir, `shard-${i}.f64`);
          await new Promise<void>((resolve, reject) => {
            const child = spawn(process.execPath, [join(dir, 'shard.mjs'), wasm, join(dir, 'image.f64'), String(start), String(end), out], { stdio: 'inherit' });
            child.on('error', reject);
            child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`shard ${i} exited with ${code}`))));
          });
          const raw = await readFile(out);
          const packed = new Float64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
          const kernel = await engine.open(plan.image());
          const state = attachRows(kernel, plan, unpackState(packed, plan, [start, end]));
          // through JSON, as `ridgeline merge` reads shard files
          return { name: `shard-${i}.json`, result: JSON.parse(JSON.stringify(toResult(plan.resolved.spec, plan.reducers, plan.edges, state))) as unknown };
        }),
      );
      const single = await runSweep(plan, { threads: 1, engine });
      const kernel = await engine.open(plan.image());
      const expected = JSON.stringify(toResult(plan.resolved.spec, plan.reducers, plan.edges, attachRows(kernel, plan, single)));
      const merged = JSON.stringify(mergeResults(results));
      expect(merged === expected).toBe(true);
      expect(JSON.parse(merged).complete).toBe(true);
      expect(() => mergeResults([results[0]!, results[0]!])).toThrow(/ranges overlap/);
    });
  });
});

/** runSweep with workers even though the sweep is small (MIN_PER_THREAD would pick one thread). */
async function runSweepThreads(plan: SweepPlan, threads: number): Promise<SweepState> {
  const parts: SweepState[] = [];
  const slices = Array.from({ length: threads }, (_, i) => shardRange(plan.total, i, threads));
  const engine = await createEngine();
  const { default: Tinypool } = await import('tinypool');
  const { WORKER_URL } = await import('./node/worker-source.ts');
  const pool = new Tinypool({ filename: WORKER_URL, minThreads: threads, maxThreads: threads });
  try {
    for (const packed of await Promise.all(slices.map(([start, end]) => pool.run({ module: engine.module, image: plan.image(), start, end, chunk: 777 })))) {
      parts.push(unpackState(packed as Float64Array, plan, slices[parts.length]!));
    }
  } finally {
    await pool.destroy();
  }
  return parts.reduce((a, b) => mergeStates(plan.reducers, a, b));
}

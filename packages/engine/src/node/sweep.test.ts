import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getModel } from '@ridgeline/catalog';
import type { ChipSpec, HardwarePlugin } from '@ridgeline/hardware';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachRows, createEngine, parseAnySweepSpec, planAnySweep, resolveSweepSpec, sweep as browserSweep, toResult } from '../index.ts';
import { findChip, firstPartyChips, ResolveError } from '../resolve.ts';
import { SweepSpecError } from '../spec.ts';
import { closeSweepPool, sweepPoolThreadIds } from './pool.ts';
import { runSweep } from './run.ts';
import type { SweepProgress } from '../one-call.ts';
import { sweep } from './sweep.ts';

// 2 models, 2 chips, a few parallelisms, batches, prompts and precisions: about a thousand configurations
const SPEC = `
models: [llama-3.1-8b, mixtral-8x7b]
hardware: [h100-sxm, tpu-v5p]
dp: [1, 2]
tp: [1, 2, 8]
ep: [1, 8]
batch: [1, 4, 16, 64, 256]
inputTokens: [1024, 4096]
precisions: { weights: [bf16, fp8] }
reducers:
  pareto: [costPerMillionTokensUsd, tokensPerSPerUser]
  top: { k: 5, by: costPerMillionTokensUsd }
  histograms: [{ metric: tpotS, min: 0.001, max: 1, bins: 8, scale: log }]
`;

// 2^21 configurations: progress is reported several times
const LARGE_SPEC = `models: [llama-3.1-8b]
hardware: [h100-sxm]
batch: { from: 1, to: 2048 }
inputTokens: { from: 64, to: 65536, step: 64 }
`;

// 2^24 configurations: seconds of work, stopped at its first progress report
const ABORTED_SPEC = `${LARGE_SPEC}outputTokens: [16, 32, 64, 128, 256, 512, 1024, 2048]\n`;

const h100 = firstPartyChips().find((c) => c.id === 'h100-sxm') as ChipSpec;
const { aliases: _, ...base } = h100;
const acme: HardwarePlugin = { apiVersion: 1, meta: { name: 'acme-chips', version: '1.0.0' }, chips: [{ ...base, id: 'acme-x1', name: 'Acme X1', vendor: 'Acme', aliases: ['x1'] }] };

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ridgeline-sweep-api-'));
  await writeFile(join(dir, 'spec.yaml'), SPEC);
  await writeFile(join(dir, 'acme.json'), JSON.stringify(acme));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await closeSweepPool();
});

/** The seven calls `sweep` replaces, with the resolvers a caller had to write. */
async function sevenCalls(text: string, threads: number) {
  const spec = parseAnySweepSpec(text, 'spec.yaml');
  const chips = firstPartyChips();
  const resolved = resolveSweepSpec(spec, { model: (id) => getModel(id) as NonNullable<ReturnType<typeof getModel>>, chip: (id) => findChip(chips, id) as ChipSpec }, 'spec.yaml');
  const plan = planAnySweep(resolved);
  const engine = await createEngine();
  const state = await runSweep(plan, { engine, threads });
  const kernel = await engine.open(plan.image());
  return toResult(plan.resolved.spec, plan.reducers, plan.edges, attachRows(kernel, plan, state));
}

/** The worker threads and message ports this process holds. */
function threadResources(): string[] {
  return process.getActiveResourcesInfo().filter((r) => r === 'Worker' || r === 'MessagePort');
}

/**
 * `threadResources()` once it equals `expected`, or after about 10 s. A terminated worker's ports
 * close on the main thread only once the worker's OS thread has exited, which on a loaded machine
 * can take longer than any fixed number of event-loop turns (1,000 setImmediate turns failed 2 runs
 * in 10 under a parallel test run); waiting on timers bounds the wait without asserting a speed.
 */
async function threadResourcesAfterTurns(expected: readonly string[]): Promise<string[]> {
  let now = threadResources();
  for (let turn = 0; turn < 1000 && now.length !== expected.length; turn++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    now = threadResources();
  }
  return now;
}

describe('sweep (one call)', () => {
  it('returns what the seven calls return, deep-equal, from a path, from text and from a spec object, on 1 and 2 threads', async () => {
    const expected = await sevenCalls(SPEC, 1);
    expect(expected.total).toBeGreaterThan(500);
    expect(await sweep('spec.yaml', { baseDir: dir, threads: 2 })).toEqual(expected);
    expect(await sweep(join(dir, 'spec.yaml'), { threads: 1 })).toEqual(expected);
    const fromText = await sweep({ text: SPEC, source: 'spec.yaml' }, { threads: 1 });
    expect(fromText).toEqual(expected);
    expect(await sweep({ spec: parseAnySweepSpec(SPEC, 'spec.yaml') }, { threads: 2 })).toEqual(expected);
    // the browser variant runs on the calling thread to the same result
    expect(await browserSweep({ text: SPEC })).toEqual(expected);
  });

  it('types result rows as feasible rows with every figure a number', async () => {
    const result = await sweep({ text: SPEC }, { threads: 1 });
    const rows = [...result.pareto.rows, ...(result.top?.rows ?? [])];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.feasible).toBe(true);
      expect(row.reason).toBeNull();
      // the type says number: no narrowing needed
      const cost: number = 'costPerMillionTokensUsd' in row ? row.costPerMillionTokensUsd : row.costUsd;
      expect(Number.isFinite(cost)).toBe(true);
    }
  });

  it('resolves plugin chips given as paths (relative to baseDir) and as objects, and plugin paths in the spec', async () => {
    // grouped by chip: acme-x1 has h100-sxm's figures, so an ungrouped top-k keeps only the first of each pair
    const text = 'models: [llama-3.1-8b]\nhardware: [x1, h100]\ntp: [1, 2]\nreducers: { groupBy: [chip] }\n';
    const byPath = await sweep({ text }, { plugins: ['./acme.json'], baseDir: dir, threads: 1 });
    expect(new Set(byPath.top?.rows.map((r) => r.hardware))).toEqual(new Set(['acme-x1', 'h100-sxm']));
    expect(await browserSweep({ text }, { plugins: [acme] })).toEqual(byPath);
    expect(await sweep({ text }, { plugins: [acme], threads: 1 })).toEqual(byPath);
    const inSpec = await sweep({ text: 'models: [llama-3.1-8b]\nhardware: [./acme.json#acme-x1]\ntp: [1, 2]\n' }, { baseDir: dir, threads: 1 });
    expect(inSpec.top?.rows.every((r) => r.hardware === 'acme-x1')).toBe(true);
  });

  // reliability defect 9: two spec plugins sharing a chip id gave rows no one could tell apart
  it('refuses two plugin paths that give different chips one id, naming both', async () => {
    const other = { ...acme, meta: { ...acme.meta, name: 'other-chips' }, chips: acme.chips.map((c) => ({ ...c, memory: { ...c.memory, bandwidthBytesPerS: { value: 1e12, source: 'test' } } })) };
    await writeFile(join(dir, 'other.json'), JSON.stringify(other));
    await expect(sweep({ text: 'models: [llama-3.1-8b]\nhardware: [./acme.json, ./other.json]\n' }, { baseDir: dir, threads: 1 })).rejects.toThrow(
      'hardware "./acme.json" and "./other.json" are two different chips with the id "acme-x1": their rows could not be told apart; rename the chip in one of the plugins',
    );
    // the same chip spelled twice is one chip
    const twice = await sweep({ text: 'models: [llama-3.1-8b]\nhardware: [./acme.json, ./acme.json#acme-x1]\n' }, { baseDir: dir, threads: 1 });
    expect(twice.counts.evaluated).toBeGreaterThan(0);
  });

  it('resolves Hugging Face ids and config.json paths relative to the spec file', async () => {
    const config = {
      model_type: 'llama', hidden_size: 4096, intermediate_size: 14336, num_attention_heads: 32, num_hidden_layers: 32,
      num_key_value_heads: 8, head_dim: 128, hidden_act: 'silu', vocab_size: 128256, tie_word_embeddings: false,
    };
    await mkdir(join(dir, 'specs', 'my-llama'), { recursive: true });
    await writeFile(join(dir, 'specs', 'my-llama', 'config.json'), JSON.stringify(config));
    await writeFile(join(dir, 'specs', 'hf.yaml'), 'models: [meta-llama/Llama-3.1-70B, ./my-llama/config.json]\nhardware: [h200]\nchips: 8\ntp: 8\nreducers: { top: { k: 2, by: tpotS }, groupBy: [model] }\n');
    const result = await sweep('specs/hf.yaml', { baseDir: dir, threads: 1 });
    expect(new Set(result.top?.rows.map((r) => r.model))).toEqual(new Set(['llama-3.1-70b', 'my-llama']));
  });

  it('reports progress: done never goes back, and the last report is done = total', async () => {
    for (const threads of [1, 2]) {
      const reports: SweepProgress[] = [];
      const result = await sweep({ text: LARGE_SPEC }, { threads, onProgress: (p) => reports.push(p) });
      expect(reports.length).toBeGreaterThan(0);
      for (const [i, p] of reports.entries()) {
        expect(p.total).toBe(result.total);
        expect(p.done).toBeGreaterThanOrEqual(reports[i - 1]?.done ?? 0);
        expect(p.ratePerS).toBeGreaterThanOrEqual(0);
      }
      expect(reports.at(-1)?.done).toBe(result.total);
    }
  });

  it('runs sweeps one after another on one pool of worker threads, and starts a pool of another size when asked', async () => {
    await closeSweepPool();
    const before = threadResources();
    const expected = await sweep({ text: LARGE_SPEC }, { threads: 1 });
    expect(await sweep({ text: LARGE_SPEC }, { threads: 2 })).toEqual(expected);
    const [first, ...others] = sweepPoolThreadIds();
    expect(others).toEqual([]);
    expect(first).toHaveLength(2);
    // the next sweep (another spec, so another kernel instance) runs on the same threads, to its own result
    const other = `${LARGE_SPEC}outputTokens: [512]\n`;
    expect(await sweep({ text: other }, { threads: 2 })).toEqual(await sweep({ text: other }, { threads: 1 }));
    expect(await sweep({ text: LARGE_SPEC }, { threads: 2 })).toEqual(expected);
    expect(sweepPoolThreadIds()).toEqual([first]);
    // three threads: a new pool in place of the idle one
    expect(await sweep({ text: LARGE_SPEC }, { threads: 3 })).toEqual(expected);
    const [now] = sweepPoolThreadIds();
    expect(now).toHaveLength(3);
    expect(now?.filter((id) => first?.includes(id))).toEqual([]);
    // the idle pool's threads and ports are up but keep nothing alive (getActiveResourcesInfo lists
    // only what does): a CLI run exits once its sweep ends
    expect(sweepPoolThreadIds()).toEqual([now]);
    expect(threadResources()).toEqual(before);
  });

  it('stops on abort with an AbortError once every worker thread has ended, before or during the run', async () => {
    // threads of pools the earlier tests left idle are not this test's: they are ended first
    await closeSweepPool();
    const baseline = threadResources();
    const controller = new AbortController();
    controller.abort();
    await expect(sweep({ text: ABORTED_SPEC }, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });

    for (const threads of [1, 2]) {
      const running = new AbortController();
      let last = 0;
      const run = sweep({ text: ABORTED_SPEC }, {
        threads,
        signal: running.signal,
        onProgress: ({ done }) => {
          last = done;
          running.abort();
        },
      });
      await expect(run).rejects.toMatchObject({ name: 'AbortError' });
      expect(last).toBeLessThan(2 ** 24);
      // no worker thread outlives the rejection: an aborted sweep ends the process's pool (whose
      // threads tinypool would restart) before it rejects, and the next sweep starts a new one
      expect(sweepPoolThreadIds()).toEqual([]);
      // and the pool's last ports close once its worker threads have exited
      expect(await threadResourcesAfterTurns(baseline)).toEqual(baseline);
    }
  });

  it('gives the one-line errors of ridgeline sweep for bad specs', async () => {
    await expect(sweep('missing.yaml', { baseDir: dir })).rejects.toThrow(new ResolveError('cannot read sweep spec "missing.yaml": file not found'));
    await expect(sweep({ text: 'models: [llama-3.1-8c]\nhardware: [h100-sxn]\n', source: 'bad.yaml' })).rejects.toThrow(
      new SweepSpecError(
        [
          { path: 'models[0]', message: 'unknown model "llama-3.1-8c". Did you mean "llama-3.1-8b"? Run "ridgeline models list" to see all.' },
          { path: 'hardware[0]', message: 'unknown hardware "h100-sxn". Did you mean "h100-sxm"? Run "ridgeline hardware list" to see all.' },
        ],
        'bad.yaml',
      ).message,
    );
    await expect(sweep({ text: 'models: [llama-3.1-8b]\nhardware: [h100]\n' }, { plugins: ['./nope.json'], baseDir: dir })).rejects.toBeInstanceOf(ResolveError);
    // unknown names come in the same round as the spec's other problems
    await expect(sweep({ text: 'models: [llama-3.1-8c, ""]\nhardware: [h100-sxn, { chip: h200 }]\ntp: [0]\n', source: 'bad.yaml' })).rejects.toThrow(
      new SweepSpecError(
        [
          { path: 'models[1]', message: 'a model id cannot be empty' },
          { path: 'tp[0]', message: 'must be an integer ≥ 1, got 0' },
          { path: 'models[0]', message: 'unknown model "llama-3.1-8c". Did you mean "llama-3.1-8b"? Run "ridgeline models list" to see all.' },
          { path: 'hardware[0]', message: 'unknown hardware "h100-sxn". Did you mean "h100-sxm"? Run "ridgeline hardware list" to see all.' },
        ],
        'bad.yaml',
      ).message,
    );
  });
});

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { estimateTraining, type TrainingConfig } from '@ridgeline/model';
import { createEngine } from './engine.ts';
import { TRAINING_ROW_COLUMNS, writeRows } from './node/rows.ts';
import { runSweep } from './node/run.ts';
import { planAnySweep, planTrainingSweep, shardRange, type SweepPlan, type TrainingSweepConfig } from './plan.ts';
import { isTrainingSpec, parseAnySweepSpec, parseSweepSpec, resolveSweepSpec, SweepSpecError, validateTrainingSweepSpec } from './spec.ts';
import { outputsDigest } from './digest.ts';
import { groupOf, groupShapeOf } from './groups.ts';
import { attachRows, isTrainingRow, mergeResults, mergeStates, paretoFrontier, rowOutputs, sweepRows, toResult, unpackState, type SweepEntry, type TrainingSweepRow } from './state.ts';
import { sweepRange } from './sweep.ts';
import { referenceTrainingOutputs, relativeError, TEST_RESOLVERS } from './test-support/random.ts';
import { bruteFrontier, plain, referenceTopK } from './test-support/reference.ts';
import { TRAINING_METRIC_ALIASES, TRAINING_METRICS, TRAINING_OUTPUTS, type TrainingMetric } from './training.ts';
import { matchesWhere } from './where.ts';

// ~7k configurations: a dense and an MoE model, a switch and a torus chip, feasible and not.
const SPEC = `
mode: training
models: [llama-3.1-8b, mixtral-8x7b]
hardware: [h100-sxm, { chip: tpu-v5p, usdPerChipHour: 3.1 }]
dp: [1, 4, 16]
tp: [1, 2, 8]
pp: [1, 4, 3]
cp: [1, 2]
ep: [1, 8]
sequenceLength: [4096]
globalBatch: [64, 100]
microBatch: [1, 2]
virtualStages: [1, 2]
totalTokens: 1e12
zeroStage: [0, 3]
recompute: [selective, full]
precision: [bf16]
commOverlap: [auto, 0.5]
reducers:
  pareto: [costUsd, totalTimeS, mfu]
  top: { k: 12, by: tokensPerSPerChip }
  histograms:
    - { metric: mfu, min: 0, max: 1, bins: 20 }
    - { metric: stepTimeS, min: 0.01, max: 100, bins: 12, scale: log }
`;

type TrainingPlan = SweepPlan<TrainingSweepConfig, TrainingMetric>;

const TRAINING_METRICS_TEXT = `${TRAINING_METRICS.join(', ')}; or a short name: ${Object.keys(TRAINING_METRIC_ALIASES).join(', ')}`;

function planOf(text: string): TrainingPlan {
  const spec = parseAnySweepSpec(text);
  if (!isTrainingSpec(spec)) throw new Error('not a training spec');
  return planTrainingSweep(resolveSweepSpec(spec, TEST_RESOLVERS));
}

function trainingConfig(plan: TrainingPlan, index: number): TrainingConfig {
  const c = plan.config(index);
  const model = plan.resolved.models.find((m) => m.id === c.model)!;
  const chip = plan.resolved.chips.find((x) => x.chip.id === c.hardware)!;
  return {
    model,
    chip: chip.chip,
    chips: c.chips,
    parallelism: { dp: c.dp, tp: c.tp, pp: c.pp, cp: c.cp, ep: c.ep },
    sequenceLength: c.sequenceLength,
    globalBatch: c.globalBatch,
    microBatch: c.microBatch,
    virtualStages: c.virtualStages,
    totalTokens: c.totalTokens,
    precision: c.precision,
    optimizerBytesPerParam: c.optimizerBytesPerParam,
    zeroStage: c.zeroStage as 0 | 1 | 2 | 3,
    recompute: c.recompute,
    ...(c.sequenceParallel === 'auto' ? {} : { sequenceParallel: c.sequenceParallel }),
    ...(c.commOverlap === 'auto' ? {} : { commOverlap: c.commOverlap }),
    ...(chip.usdPerChipHour === undefined ? {} : { usdPerChipHour: chip.usdPerChipHour }),
  };
}

describe('training sweeps', () => {
  it('reduce exactly what estimateTraining gives for every configuration', async () => {
    const plan = planOf(SPEC);
    expect(plan.total).toBe(2 * 2 * 3 * 3 * 3 * 2 * 2 * 2 * 2 * 2 * 2 * 2 * 2);
    const engine = await createEngine();
    const state = await sweepRange(engine, plan, [0, plan.total], { chunk: 1000 });
    const reasons: Record<string, number> = {};
    const bounds: Record<string, number> = { compute: 0, memory: 0, network: 0 };
    const feasible: { index: number; r: ReturnType<typeof estimateTraining> }[] = [];
    for (let i = 0; i < plan.total; i++) {
      const r = estimateTraining(trainingConfig(plan, i));
      if (r.feasible) {
        feasible.push({ index: i, r });
        bounds[r.bound] = (bounds[r.bound] ?? 0) + 1;
      } else reasons[r.reason!] = (reasons[r.reason!] ?? 0) + 1;
    }
    expect(state.counts.evaluated).toBe(plan.total);
    expect(state.counts.feasible).toBe(feasible.length);
    expect(state.counts.matched).toBe(feasible.length);
    expect(feasible.length).toBeGreaterThan(100);
    for (const [reason, n] of Object.entries(state.counts.infeasible)) expect([reason, n]).toEqual([reason, reasons[reason] ?? 0]);
    expect(state.counts.bound.decode).toEqual(bounds);
    const metric = (r: ReturnType<typeof estimateTraining>, m: TrainingMetric): number => referenceTrainingOutputs(r)[m];
    const sign = (d: string): number => (d === 'min' ? 1 : -1);
    const entries: SweepEntry[] = feasible.map(({ index, r }) => ({ index, keys: plan.reducers.pareto.map((o) => sign(o.direction) * metric(r, o.metric)) }));
    expect(plain(state.pareto)).toEqual(plain(paretoFrontier(entries)));
    const top = plan.reducers.top!;
    const candidates = feasible.map(({ index, r }) => {
      const outputs = referenceTrainingOutputs(r);
      return { index, key: sign(top.direction) * outputs[top.metric], outputs: TRAINING_OUTPUTS.map((o) => outputs[o]) };
    });
    expect(plain(state.top)).toEqual(referenceTopK(candidates, top.k));
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

    // full rows: the configuration and every output, as the reference gives them
    const kernel = await engine.open(plan.image());
    const rows = sweepRows(kernel, plan, 0, plan.total);
    let maxError = 0;
    rows.forEach((row, i) => {
      if (!isTrainingRow(row)) throw new Error(`row ${i} is not a training row`);
      const expected = referenceTrainingOutputs(estimateTraining(trainingConfig(plan, i)));
      expect(row.index).toBe(i);
      for (const name of ['stepTimeS', 'mfu', 'costUsd', 'energyJ', 'memoryTotalBytes', 'dataParallelS', 'bubbleFraction'] as const) {
        maxError = Math.max(maxError, relativeError(row[name] ?? Number.NaN, expected[name]));
      }
    });
    expect(maxError).toBe(0);
    expect(rows.filter(isTrainingRow).find((r) => r.feasible)?.bound).toMatch(/compute|memory|network/);
  });

  it('give the same result over threads, shards and merges', async () => {
    const plan = planOf(SPEC);
    const engine = await createEngine();
    const kernel = await engine.open(plan.image());
    const single = await runSweep(plan, { threads: 1, engine });
    const expected = JSON.stringify(toResult(plan.resolved.spec, plan.reducers, plan.edges, attachRows(kernel, plan, single)));
    const shards = await Promise.all(
      [0, 1, 2].map(async (i) => {
        const range = shardRange(plan.total, i, 3);
        const state = attachRows(kernel, plan, await sweepRange(engine, plan, range, { chunk: 333 }));
        return { name: `shard-${i}.json`, result: JSON.parse(JSON.stringify(toResult(plan.resolved.spec, plan.reducers, plan.edges, state))) as unknown };
      }),
    );
    expect(JSON.stringify(mergeResults(shards))).toBe(expected);
    const halves = await Promise.all([shardRange(plan.total, 0, 2), shardRange(plan.total, 1, 2)].map((r) => sweepRange(engine, plan, r)));
    const merged = mergeStates(plan.reducers, halves[0]!, halves[1]!);
    expect(JSON.stringify(toResult(plan.resolved.spec, plan.reducers, plan.edges, attachRows(kernel, plan, merged)))).toBe(expected);
    // worker threads run the same kernel entry
    const { default: Tinypool } = await import('tinypool');
    const { WORKER_URL } = await import('./node/worker-source.ts');
    const pool = new Tinypool({ filename: WORKER_URL, minThreads: 2, maxThreads: 2 });
    try {
      const slices = [shardRange(plan.total, 0, 2), shardRange(plan.total, 1, 2)];
      const packed = (await Promise.all(slices.map((segment) => pool.run({ module: engine.module, image: plan.image(), segments: [segment], chunk: 777 })))) as Float64Array[][];
      const threaded = mergeStates(plan.reducers, unpackState(packed[0]![0]!, plan, slices[0]!), unpackState(packed[1]![0]!, plan, slices[1]!));
      expect(JSON.stringify(toResult(plan.resolved.spec, plan.reducers, plan.edges, attachRows(kernel, plan, threaded)))).toBe(expected);
    } finally {
      await pool.destroy();
    }
    // row files: the training columns, one line per configuration
    const dir = await mkdtemp(join(tmpdir(), 'ridgeline-train-rows-'));
    try {
      const written = await writeRows(plan, join(dir, 'rows.csv'), { engine, range: [0, 500] });
      expect(written.rows).toBe(500);
      const lines = (await readFile(join(dir, 'rows.csv'), 'utf8')).trimEnd().split('\n');
      expect(lines).toHaveLength(501);
      expect(lines[0]).toBe(TRAINING_ROW_COLUMNS.join(','));
      expect(lines[0]).toMatch(/^index,model,hardware,precision,zeroStage,.*,feasible,reason,stepTimeS,/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // a training plan's fingerprint differs from any inference plan's
    expect(plan.fingerprint).not.toBe(planOf(SPEC.replace('totalTokens: 1e12', 'totalTokens: 2e12')).fingerprint);
  });

  it('validates training specs with clear messages', () => {
    expect(() => validateTrainingSweepSpec({ mode: 'training', models: ['x'], hardware: ['h100-sxm'] })).toThrow(/totalTokens is required/);
    // every problem at once, the range check of zeroStage included
    expect(() =>
      validateTrainingSweepSpec({ mode: 'training', models: ['x'], hardware: ['h100-sxm'], totalTokens: 1e12, zeroStage: [0, 4], recompute: 'some', batch: 3 }, 'spec.yaml'),
    ).toThrow(
      new SweepSpecError(
        [
          { path: 'zeroStage[1]', message: 'must be an integer from 0 to 3, got 4' },
          { path: 'recompute', message: 'must be one of none, selective, full, got "some"' },
          {
            path: 'batch',
            message:
              'unknown field "batch". Allowed: mode, models, hardware, chips, dp, tp, pp, cp, ep, sequenceLength, globalBatch, microBatch, virtualStages, totalTokens, precision, zeroStage, recompute, sequenceParallel, commOverlap, optimizerBytesPerParam, where, reducers',
          },
        ],
        'spec.yaml',
      ),
    );
    expect(() => validateTrainingSweepSpec({ mode: 'training', models: ['x'], totalTokens: 1e12 }, 'spec.yaml')).toThrow('spec.yaml: hardware: is required');
    expect(() => validateTrainingSweepSpec({ mode: 'training', models: ['x'], hardware: ['h100-sxm'], totalTokens: 1e12, chips: 8, dp: 2 })).toThrow(/give chips or dp, not both/);
    expect(() => validateTrainingSweepSpec({ mode: 'training', models: ['x'], hardware: ['h100-sxm'], totalTokens: 1e12, reducers: { pareto: ['tpotS', 'costUsd'] } })).toThrow(
      /unknown metric "tpotS" \(a metric of inference sweeps; this is a training spec\)\. Allowed: stepTimeS, /,
    );
    expect(() => validateTrainingSweepSpec({ mode: 'training', models: ['x'], hardware: ['h100-sxm'], totalTokens: 1e12, where: { tpotS: { max: 1 }, mfuu: { min: 0.3 } } }, 'spec.yaml')).toThrow(
      new SweepSpecError(
        [
          { path: 'where.tpotS', message: `unknown metric "tpotS" (a metric of inference sweeps; this is a training spec). Allowed: ${TRAINING_METRICS_TEXT}` },
          { path: 'where.mfuu', message: `unknown metric "mfuu"; did you mean "mfu"? Allowed: ${TRAINING_METRICS_TEXT}` },
        ],
        'spec.yaml',
      ),
    );
    expect(validateTrainingSweepSpec({ mode: 'training', models: ['x'], hardware: ['h100-sxm'], totalTokens: 1e12, where: { totalTimeS: { max: 8.64e6 }, mfu: { min: 0.3 } } }).where).toEqual([
      { metric: 'mfu', min: 0.3 },
      { metric: 'totalTimeS', max: 8.64e6 },
    ]);
    expect(() => parseSweepSpec('mode: training\nmodels: [x]\nhardware: [y]\n')).toThrow(/parseAnySweepSpec/);
    expect(() => parseAnySweepSpec('mode: trainin\nmodels: [x]\nhardware: [y]\n')).toThrow(/mode: must be inference or training/);
    const spec = validateTrainingSweepSpec({ mode: 'training', models: ['llama-3.1-8b'], hardware: ['h100-sxm'], totalTokens: 1e12 });
    expect(spec.reducers.pareto.map((o) => o.metric)).toEqual(['costUsd', 'totalTimeS']);
    expect(spec.dp).toEqual([1]);
  });

  it('filter and group like inference sweeps: a JavaScript pass over every row, per chip', async () => {
    const plan = planOf(SPEC.replace('reducers:\n', 'where: { mfu: { min: 0.25 }, costUsd: { max: 3e6 } }\nreducers:\n  groupBy: [hardware]\n'));
    expect(plan.reducers.groupBy).toEqual(['chip']);
    const engine = await createEngine();
    const state = await runSweep(plan, { threads: 1, engine });
    const rows = sweepRows(await engine.open(plan.image()), plan, 0, plan.total) as TrainingSweepRow[];
    const chips = plan.resolved.chips.map((c) => c.chip.id);
    const kept = rows.filter((r) => r.feasible && matchesWhere(r, plan.where));
    expect(kept.length).toBeGreaterThan(20);
    expect(kept.length).toBeLessThan(state.counts.feasible);
    expect(state.counts.matched).toBe(kept.length);
    expect(state.counts.bound.decode.compute).toBe(kept.filter((r) => r.bound === 'compute').length);
    const sign = (d: string): number => (d === 'min' ? 1 : -1);
    for (const [g, chip] of chips.entries()) {
      const own = kept.filter((r) => r.hardware === chip);
      const entries = own.map((r) => ({ index: r.index, keys: plan.reducers.pareto.map((o) => sign(o.direction) * r[o.metric]!) }));
      expect(state.pareto.filter((e) => e.group === g).map((e) => e.index).sort((a, b) => a - b)).toEqual(bruteFrontier(entries));
    }
    const top = plan.reducers.top!;
    const candidates = kept.map((r) => ({ index: r.index, key: sign(top.direction) * r[top.metric]!, outputs: TRAINING_OUTPUTS.map((o) => (o === 'boundCopy' ? r.bound : r[o])), group: chips.indexOf(r.hardware) }));
    expect(plain(state.top)).toEqual(referenceTopK(candidates, top.k));
    // the kernel's digest of a training configuration is the host's digest of its row
    for (const e of state.top) expect(e.digest).toBe(outputsDigest(rowOutputs(rows[e.index]!, TRAINING_OUTPUTS), groupOf({ ...groupShapeOf(plan), groupBy: ['model', 'chip'] }, e.index)));
    // shards merged through JSON give the single run's result
    const kernel = await engine.open(plan.image());
    const expected = JSON.stringify(toResult(plan.resolved.spec, plan.reducers, plan.edges, attachRows(kernel, plan, state)));
    const shards = await Promise.all(
      [0, 1, 2].map(async (i) => {
        const part = attachRows(kernel, plan, await sweepRange(engine, plan, shardRange(plan.total, i, 3), { chunk: 501 }));
        return { name: `shard-${i}.json`, result: JSON.parse(JSON.stringify(toResult(plan.resolved.spec, plan.reducers, plan.edges, part))) as unknown };
      }),
    );
    expect(JSON.stringify(mergeResults(shards))).toBe(expected);
  });

  it('ships an example that plans and runs', async () => {
    const text = await readFile(fileURLToPath(new URL('../examples/sweep-train-llama70b.yaml', import.meta.url)), 'utf8');
    const plan = planAnySweep(resolveSweepSpec(parseAnySweepSpec(text), TEST_RESOLVERS));
    expect(plan.mode).toBe('training');
    const state = await sweepRange(await createEngine(), plan, [0, plan.total]);
    expect(state.counts.evaluated).toBe(plan.total);
    expect(state.counts.feasible).toBeGreaterThan(0);
    expect(state.pareto.length).toBeGreaterThan(0);
  });
});

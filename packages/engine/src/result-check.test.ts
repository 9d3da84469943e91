import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from './engine.ts';
import { planSweep, shardRange } from './plan.ts';
import { sweepResultProblem } from './result-check.ts';
import { parseSweepSpec, resolveSweepSpec } from './spec.ts';
import { attachRows, MergeError, mergeResults, toResult } from './state.ts';
import { sweepRange } from './sweep.ts';
import { TEST_RESOLVERS } from './test-support/random.ts';

const SPEC = `
models: [llama-3.1-8b]
hardware: [h100-sxm, tpu-v5p]
tp: [1, 2, 4, 8]
batch: [1, 16, 128]
inputTokens: [512, 4096]
reducers:
  pareto: [costPerMillionTokensUsd, tpotS]
  top: { k: 3, by: tpotS }
  histograms: [{ metric: tpotS, min: 0.001, max: 1, bins: 4, scale: log }]
`;

/** A shard file as `JSON.parse` reads it: the parts these tests edit. */
interface Json {
  fingerprint: string;
  total: number;
  ranges: number[][];
  spec: Record<string, unknown>;
  reducers: { top: { k: number } };
  counts: { evaluated: number; feasible: number; infeasible: Record<string, number> };
  pareto: { rows: Record<string, unknown>[] };
  top: { rows: unknown };
  histograms: { counts: number[] }[];
}

/** The two shards of the spec, as `ridgeline sweep --shard i/2 --json` writes them (through JSON). */
async function shards(spec = SPEC): Promise<[Json, Json]> {
  const plan = planSweep(resolveSweepSpec(parseSweepSpec(spec), TEST_RESOLVERS));
  const engine = await createEngine();
  const kernel = await engine.open(plan.image());
  const shard = async (i: number): Promise<Json> => {
    const state = await sweepRange(engine, plan, shardRange(plan.total, i, 2));
    return JSON.parse(JSON.stringify(toResult(plan.resolved.spec, plan.reducers, plan.edges, attachRows(kernel, plan, state)))) as Json;
  };
  return [await shard(0), await shard(1)];
}

function mergeError(files: Record<string, Json>): string {
  try {
    mergeResults(Object.entries(files).map(([name, result]) => ({ name, result })));
  } catch (error) {
    if (error instanceof MergeError) return error.message;
    throw error;
  }
  throw new Error('expected a MergeError');
}

const FIX = '; the file is damaged or edited, so run its shard again';

describe('mergeResults checks every shard', () => {
  let a: Json;
  let b: Json;
  beforeAll(async () => {
    [a, b] = await shards();
  });
  /** A deep copy of shard b (total 48, ranges [[24, 48]]) with one change. */
  const edited = (change: (r: Json) => void): Json => {
    const copy = structuredClone(b);
    change(copy);
    return copy;
  };

  it('accepts the shards as written', () => {
    expect(sweepResultProblem(a)).toBeUndefined();
    expect(sweepResultProblem(b)).toBeUndefined();
    expect(mergeResults([{ name: 'a.json', result: a }, { name: 'b.json', result: b }]).complete).toBe(true);
  });

  it('names the shard and the negative figure', () => {
    const negative = edited((r) => (r.pareto.rows[0]!['tpotS'] = -0.02));
    expect(mergeError({ 'a.json': a, 'b.json': negative })).toBe(`b.json: pareto.rows[0].tpotS: must be a finite number ≥ 0, got -0.02${FIX}`);
    const first = edited((r) => ((r.top.rows as Record<string, unknown>[])[1]!['costPerMillionTokensUsd'] = -1));
    expect(mergeError({ 'b.json': first, 'a.json': a })).toBe(`b.json: top.rows[1].costPerMillionTokensUsd: must be a finite number ≥ 0, got -1${FIX}`);
    const huge = JSON.parse(JSON.stringify(b).replace(/"tpotS":[0-9.e-]+/, '"tpotS":1e999')) as Json;
    expect(mergeError({ 'a.json': a, 'b.json': huge })).toBe(`b.json: pareto.rows[0].tpotS: must be a finite number ≥ 0, got Infinity${FIX}`);
    const missing = edited((r) => delete r.pareto.rows[0]!['costPerMillionTokensUsd']);
    expect(mergeError({ 'a.json': a, 'b.json': missing })).toBe(
      `b.json: pareto.rows[0].costPerMillionTokensUsd: must be a number (the row is ranked by it), got nothing${FIX}`,
    );
  });

  it('names a row label that is not text (the summary prints it as it is)', () => {
    expect(mergeError({ 'a.json': a, 'b.json': edited((r) => (r.pareto.rows[0]!['model'] = 5e-324)) })).toBe(`b.json: pareto.rows[0].model: must be text, got 5e-324${FIX}`);
    expect(mergeError({ 'a.json': a, 'b.json': edited((r) => delete r.pareto.rows[0]!['hardware']) })).toBe(`b.json: pareto.rows[0].hardware: is missing${FIX}`);
    expect(mergeError({ 'b.json': edited((r) => delete (r.top.rows as Record<string, unknown>[])[1]!['chips']) })).toBe(`b.json: top.rows[1].chips: is missing${FIX}`);
    expect(mergeError({ 'a.json': a, 'b.json': edited((r) => (r.pareto.rows[0]!['boundDecode'] = [])) })).toBe(`b.json: pareto.rows[0].boundDecode: must be text or null, got a list${FIX}`);
    expect(mergeError({ 'a.json': a, 'b.json': edited((r) => (r.pareto.rows[0]!['batch'] = { value: 1 })) })).toBe(`b.json: pareto.rows[0].batch: must be a single value, got an object${FIX}`);
  });

  it('names a negative or broken count', () => {
    expect(mergeError({ 'a.json': a, 'b.json': edited((r) => (r.counts.feasible = -5)) })).toBe(`b.json: counts.feasible: must be an integer ≥ 0, got -5${FIX}`);
    expect(mergeError({ 'a.json': a, 'b.json': edited((r) => (r.counts.infeasible['capacity'] = 1.5)) })).toBe(
      `b.json: counts.infeasible.capacity: must be an integer ≥ 0, got 1.5${FIX}`,
    );
    expect(mergeError({ 'a.json': a, 'b.json': edited((r) => (r.histograms[0]!.counts[1] = -1)) })).toBe(`b.json: histograms[0].counts[1]: must be an integer ≥ 0, got -1${FIX}`);
    expect(mergeError({ 'a.json': a, 'b.json': edited((r) => (r.counts.evaluated += 1)) })).toBe(`b.json: counts.evaluated: 25 configurations, but the ranges cover 24${FIX}`);
    const sum = edited((r) => (r.counts.feasible -= 1));
    expect(mergeError({ 'a.json': a, 'b.json': sum })).toMatch(/^b\.json: counts: \d+ feasible and \d+ infeasible do not add up to the 24 evaluated; /);
  });

  it('names a reversed, overlapping or out-of-range range and a wrong total', () => {
    expect(mergeError({ 'a.json': a, 'b.json': edited((r) => (r.ranges = [[48, 24]])) })).toBe(`b.json: ranges[0]: [48, 24] is reversed or empty; a range is [start, end) with start < end${FIX}`);
    expect(mergeError({ 'a.json': a, 'b.json': edited((r) => (r.ranges = [[24, 60]])) })).toBe(`b.json: ranges[0]: [24, 60] goes past the sweep's 48 configurations${FIX}`);
    expect(mergeError({ 'a.json': a, 'b.json': edited((r) => (r.ranges = [[24, 40], [30, 38]])) })).toBe(
      `b.json: ranges[1]: [30, 38] overlaps or comes before the range before it; ranges are sorted and disjoint${FIX}`,
    );
    expect(mergeError({ 'a.json': a, 'b.json': edited((r) => (r.ranges = [[-24, 0]])) })).toBe(`b.json: ranges[0][0]: must be an integer ≥ 0, got -24${FIX}`);
    expect(mergeError({ 'a.json': a, 'b.json': edited((r) => (r.pareto.rows[0]!['index'] = 3)) })).toBe(`b.json: pareto.rows[0].index: 3 is outside the shard's ranges${FIX}`);
    // the shards' ranges overlap each other: the same shard twice
    expect(mergeError({ 'a.json': a, 'b.json': a })).toMatch(/^b\.json: ranges overlap: .*\(was a shard given twice\?\)$/);
    const total = edited((r) => {
      r.total = 96;
      r.ranges = [[24, 48]];
    });
    expect(mergeError({ 'a.json': a, 'b.json': total })).toBe(`b.json: its total (96) differs from a.json's (48) under the same fingerprint${FIX}`);
  });

  // Before (reliability defect 27): shards of one spec run with other reducers got "from a
  // different sweep (fingerprint …)", as if the spec differed.
  it('names the reducers when shards of one spec ran with other reducers', async () => {
    const [, other] = await shards(SPEC.replace('top: { k: 3, by: tpotS }', 'top: { k: 5, by: tpotS }'));
    expect(other.fingerprint).not.toBe(a.fingerprint);
    expect(mergeError({ 'a.json': a, 'b.json': other })).toBe(
      'b.json ran the same spec as a.json with other reducers (pareto costPerMillionTokensUsd ↓, tpotS ↓; top 5 by tpotS against pareto costPerMillionTokensUsd ↓, tpotS ↓; top 3 by tpotS): run every shard with the same --pareto, --top, --by and --group-by',
    );
  });

  it('names a shard of a different spec or with a broken schema', () => {
    expect(mergeError({ 'a.json': a, 'b.json': edited((r) => (r.spec['tp'] = [1, 2])) })).toBe(`b.json: its "spec" field differs from a.json's under the same fingerprint${FIX}`);
    const edges = edited((r) => ((r.histograms[0] as unknown as { edges: number[] }).edges[0] = 0.002));
    expect(mergeError({ 'a.json': a, 'b.json': edges })).toBe(`b.json: its histogram edges differ from a.json's under the same fingerprint${FIX}`);
    // an edge no metric can have (found by the fuzz suite): every metric is ≥ 0
    const negative = edited((r) => ((r.histograms[0] as unknown as { edges: number[] }).edges[1] = -1e100));
    expect(mergeError({ 'a.json': negative, 'b.json': a })).toMatch(/^a\.json: histograms\[0\]\.edges\[1\]: must be ≥ 0, as every metric is, got -1e\+100/);
    expect(mergeError({ 'a.json': a, 'b.json': edited((r) => (r.fingerprint = 'feed')) })).toMatch(/^b\.json is from a different sweep than a\.json \(fingerprint feed ≠ /);
    expect(mergeError({ 'a.json': a, 'b.json': edited((r) => Reflect.deleteProperty(r, 'counts')) })).toBe(`b.json: counts: is missing${FIX}`);
    expect(mergeError({ 'a.json': a, 'b.json': edited((r) => (r.spec['where'] = -2.5e259)) })).toBe(`b.json: spec.where: must be a list of filters, got -2.5e+259${FIX}`);
    expect(mergeError({ 'a.json': a, 'b.json': edited((r) => (r.spec['where'] = [{ metric: 'tpotS', max: '2' }])) })).toBe(
      `b.json: spec.where[0].max: must be a finite number, got "2"${FIX}`,
    );
    // one shard alone has no other to compare with: the spec it echoes is checked on its own
    expect(mergeError({ 'b.json': edited((r) => (r.spec['batch'] = -1277512536)) })).toBe(`b.json: spec.batch: must be a finite number ≥ 0, got -1277512536${FIX}`);
    expect(mergeError({ 'b.json': edited((r) => (r.spec['hardware'] = [{ chip: -7.4e-323 }])) })).toBe(`b.json: spec.hardware[0].chip: must be a finite number ≥ 0, got -7.4e-323${FIX}`);
    expect(mergeResults([{ name: 'b.json', result: edited((r) => (r.spec['where'] = [{ metric: 'tpotS', max: -1 }])) }]).total).toBe(48);
    const scale = edited((r) => ((r.reducers as unknown as { histograms: { scale: unknown }[] }).histograms[0]!.scale = -590610864));
    expect(mergeError({ 'b.json': scale })).toBe(`b.json: reducers.histograms[0].scale: must be linear or log, got -590610864${FIX}`);
    expect(mergeError({ 'a.json': a, 'b.json': edited((r) => (r.top.rows = 'none')) })).toBe(`b.json: top.rows: must be a list of rows, got "none"${FIX}`);
    expect(mergeError({ 'a.json': a, 'b.json': edited((r) => (r.reducers.top.k = 100_000_000)) })).toBe(
      `b.json: reducers.top.k: must be an integer from 1 to 10000, got 100000000${FIX}`,
    );
    expect(mergeError({ 'a.json': { format: 'csv' } as unknown as Json })).toBe('a.json is not a ridgeline sweep result (write one with "ridgeline sweep … --json")');
  });
});

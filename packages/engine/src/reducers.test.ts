import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { N_OUT, outputSlot, type Metric } from './descriptors.ts';
import { createEngine } from './engine.ts';
import { NO_AXES, buildImage } from './image.ts';
import { histogramEdges, type SweepPlan } from './plan.ts';
import type { Objective, ReducerSpec } from './spec.ts';
import { mergeStates, paretoFrontier, topK, unpackState, type SweepEntry } from './state.ts';

const METRICS: readonly Metric[] = ['costPerMillionTokensUsd', 'tpotS', 'tokensPerSPerChip'];

interface Point {
  readonly index: number;
  readonly feasible: boolean;
  readonly reason: number;
  readonly values: readonly number[];
  readonly boundPrefill: number;
  readonly boundDecode: number;
}

/** Points with many ties: values from a small set, so equal keys and duplicate vectors are common. */
const points = fc
  .uniqueArray(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 0, maxLength: 400, size: 'max' })
  .chain((indices) =>
    fc.tuple(
      ...indices.map((index) =>
        fc.record({
          index: fc.constant(index),
          feasible: fc.integer({ min: 0, max: 9 }).map((x) => x < 8),
          reason: fc.integer({ min: 0, max: 6 }),
          values: fc.tuple(...METRICS.map(() => fc.oneof(fc.integer({ min: 0, max: 6 }), fc.double({ min: 0, max: 10, noNaN: true })))),
          boundPrefill: fc.integer({ min: 0, max: 2 }),
          boundDecode: fc.integer({ min: 0, max: 2 }),
        }),
      ),
    ),
  ) as fc.Arbitrary<Point[]>;

const objectives: Objective[][] = [
  [
    { metric: 'costPerMillionTokensUsd', direction: 'min' },
    { metric: 'tpotS', direction: 'min' },
  ],
  [
    { metric: 'costPerMillionTokensUsd', direction: 'min' },
    { metric: 'tpotS', direction: 'min' },
    { metric: 'tokensPerSPerChip', direction: 'max' },
  ],
  [
    { metric: 'tpotS', direction: 'max' },
    { metric: 'tokensPerSPerChip', direction: 'max' },
  ],
];

function reducerSpec(pareto: Objective[], k: number): ReducerSpec {
  return {
    pareto,
    top: { metric: 'tokensPerSPerChip', direction: 'max', k },
    histograms: [
      { metric: 'tpotS', min: 0, max: 6, bins: 6, scale: 'linear' },
      { metric: 'costPerMillionTokensUsd', min: 0.5, max: 8, bins: 5, scale: 'log' },
    ],
  };
}

/** A stand-in plan: only what unpackState and mergeStates read. */
function fakePlan(reducers: ReducerSpec): SweepPlan {
  return { reducers, edges: reducers.histograms.map(histogramEdges), fingerprint: 'test', total: 2_000_000 } as unknown as SweepPlan;
}

async function runKernel(reducers: ReducerSpec, data: readonly Point[]) {
  const engine = await createEngine();
  const sign = (d: string): 1 | -1 => (d === 'min' ? 1 : -1);
  const plan = fakePlan(reducers);
  const kernel = await engine.open(
    buildImage({
      models: [],
      chips: [],
      axes: NO_AXES,
      dpMode: false,
      minChips: false,
      pareto: reducers.pareto.map((o) => ({ slot: outputSlot(o.metric), sign: sign(o.direction) })),
      top: reducers.top && { slot: outputSlot(reducers.top.metric), sign: sign(reducers.top.direction), k: reducers.top.k },
      histograms: reducers.histograms.map((h, i) => ({ slot: outputSlot(h.metric), edges: plan.edges[i] ?? [] })),
    }),
  );
  const records = new Float64Array(data.length * N_OUT).fill(Number.NaN);
  data.forEach((p, i) => {
    const r = i * N_OUT;
    records[r] = p.feasible ? 1 : 0;
    records[r + 1] = p.feasible ? -1 : p.reason;
    if (!p.feasible) return;
    records[r + outputSlot('boundPrefill')] = p.boundPrefill;
    records[r + outputSlot('boundDecode')] = p.boundDecode;
    METRICS.forEach((m, j) => (records[r + outputSlot(m)] = p.values[j] ?? 0));
  });
  kernel.feed(records, Float64Array.from(data, (p) => p.index));
  return unpackState(kernel.packState(), plan, [0, 2_000_000]);
}

/** O(n²) reference: a point is on the frontier when no other point dominates it (ties to the lower index). */
function bruteFrontier(entries: readonly SweepEntry[]): number[] {
  const dominated = (a: SweepEntry, b: SweepEntry): boolean => {
    const le = a.keys.every((x, i) => x <= (b.keys[i] ?? 0));
    const lt = a.keys.some((x, i) => x < (b.keys[i] ?? 0));
    return le && (lt || a.index < b.index);
  };
  return entries.filter((b) => !entries.some((a) => a !== b && dominated(a, b))).map((e) => e.index).sort((x, y) => x - y);
}

function keyed(data: readonly Point[], objs: readonly Objective[]): SweepEntry[] {
  return data
    .filter((p) => p.feasible)
    .map((p) => ({ index: p.index, keys: objs.map((o) => (o.direction === 'min' ? 1 : -1) * (p.values[METRICS.indexOf(o.metric)] ?? 0)) }));
}

describe('streaming reducers in WASM against brute force', () => {
  it('give the brute-force frontier, top-k, histograms and counts on random data with ties', async () => {
    await fc.assert(
      fc.asyncProperty(points, fc.constantFrom(...objectives), fc.integer({ min: 1, max: 12 }), async (data, pareto, k) => {
        const reducers = reducerSpec(pareto, k);
        const state = await runKernel(reducers, data);
        const feasible = data.filter((p) => p.feasible);
        expect(state.counts.evaluated).toBe(data.length);
        expect(state.counts.feasible).toBe(feasible.length);
        for (let r = 0; r < 7; r++) {
          expect(Object.values(state.counts.infeasible)[r]).toBe(data.filter((p) => !p.feasible && p.reason === r).length);
        }
        expect(state.counts.bound.decode.memory).toBe(feasible.filter((p) => p.boundDecode === 1).length);

        expect(state.pareto.map((e) => e.index).sort((x, y) => x - y)).toEqual(bruteFrontier(keyed(data, pareto)));
        expect(state.pareto).toEqual(paretoFrontier(keyed(data, pareto)));

        const topReference = keyed(data, [reducers.top!])
          .sort((a, b) => (a.keys[0]! - b.keys[0]!) || a.index - b.index)
          .slice(0, k);
        expect(state.top).toEqual(topReference);

        reducers.histograms.forEach((h, i) => {
          const edges = histogramEdges(h);
          const counts = new Array<number>(h.bins + 2).fill(0);
          for (const p of feasible) {
            const v = p.values[METRICS.indexOf(h.metric)] ?? 0;
            let bin = 0;
            if (v >= edges[h.bins]!) bin = h.bins + 1;
            else if (v >= edges[0]!) bin = edges.findLastIndex((e) => e <= v) + 1;
            counts[bin] = counts[bin]! + 1;
          }
          expect(state.histograms[i]).toEqual(counts);
        });
      }),
      { numRuns: 150, seed: 42 },
    );
  });

  it('merge any split of the data into the state of the whole, whatever the order', async () => {
    await fc.assert(
      fc.asyncProperty(points, fc.constantFrom(...objectives), fc.nat(), async (data, pareto, cut) => {
        const reducers = reducerSpec(pareto, 5);
        const at = data.length === 0 ? 0 : cut % (data.length + 1);
        const whole = await runKernel(reducers, data);
        const a = await runKernel(reducers, [...data.slice(0, at)].reverse());
        const b = await runKernel(reducers, data.slice(at));
        const merged = mergeStates(reducers, { ...a, ranges: [[0, 1_000_000]] }, { ...b, ranges: [[1_000_000, 2_000_000]] });
        expect({ ...merged, ranges: whole.ranges }).toEqual(whole);
      }),
      { numRuns: 100, seed: 7 },
    );
  });

  it('keep topK and paretoFrontier consistent with their brute-force definitions', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 }))), (raw) => {
        const entries = raw.map(([a, b, c], index) => ({ index, keys: [a, b, c] }));
        expect(paretoFrontier(entries).map((e) => e.index).sort((x, y) => x - y)).toEqual(bruteFrontier(entries));
        expect(topK(entries, 3).map((e) => e.index)).toEqual(
          [...entries].sort((x, y) => x.keys[0]! - y.keys[0]! || x.keys[1]! - y.keys[1]! || x.keys[2]! - y.keys[2]! || x.index - y.index).slice(0, 3).map((e) => e.index),
        );
      }),
      { seed: 3 },
    );
  });
});

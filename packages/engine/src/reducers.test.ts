import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { N_OUT, outputSlot, type Metric } from './descriptors.ts';
import { outputsDigest } from './digest.ts';
import { createEngine } from './engine.ts';
import { NO_AXES, buildImage } from './image.ts';
import { histogramEdges, type SweepPlan } from './plan.ts';
import type { Objective, ReducerSpec } from './spec.ts';
import { mergeStates, paretoFrontier, topK, unpackState, type SweepEntry } from './state.ts';
import { bruteFrontier, plain, referenceTopK, type Candidate } from './test-support/reference.ts';
import { matchesWhere, whereBounds, type WhereClause } from './where.ts';

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

/** The output records the kernel is fed: METRICS and bounds where feasible, NaN elsewhere. */
function recordsOf(data: readonly Point[]): Float64Array {
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
  return records;
}

async function openKernel(reducers: ReducerSpec, where: readonly WhereClause[] = []) {
  const sign = (d: string): 1 | -1 => (d === 'min' ? 1 : -1);
  const edges = reducers.histograms.map(histogramEdges);
  return (await createEngine()).open(
    buildImage({
      models: [],
      chips: [],
      axes: NO_AXES,
      dpMode: false,
      minChips: false,
      pareto: reducers.pareto.map((o) => ({ slot: outputSlot(o.metric), sign: sign(o.direction) })),
      top: reducers.top && { slot: outputSlot(reducers.top.metric), sign: sign(reducers.top.direction), k: reducers.top.k },
      histograms: reducers.histograms.map((h, i) => ({ slot: outputSlot(h.metric), edges: edges[i] ?? [] })),
      where: where.map((w) => {
        const [min, max] = whereBounds(w);
        return { slot: outputSlot(w.metric), min, max };
      }),
    }),
  );
}

async function runKernel(reducers: ReducerSpec, data: readonly Point[], where: readonly WhereClause[] = []) {
  const kernel = await openKernel(reducers, where);
  kernel.feed(recordsOf(data), Float64Array.from(data, (p) => p.index));
  return unpackState(kernel.packState(), fakePlan(reducers), [0, 2_000_000]);
}

/** The point's metrics by name, as a row would hold them. */
function rowOf(p: Point): Record<string, number> {
  return Object.fromEntries(METRICS.map((m, j) => [m, p.values[j] ?? 0]));
}

/** Feasible points meeting `where`: what every reducer but the counts of evaluated and feasible sees. */
function matching(data: readonly Point[], where: readonly WhereClause[]): Point[] {
  return data.filter((p) => p.feasible && matchesWhere(rowOf(p), where));
}

function keyed(data: readonly Point[], objs: readonly Objective[]): SweepEntry[] {
  return data
    .filter((p) => p.feasible)
    .map((p) => ({ index: p.index, keys: objs.map((o) => (o.direction === 'min' ? 1 : -1) * (p.values[METRICS.indexOf(o.metric)] ?? 0)) }));
}

/** Top-k candidates: the key and the whole output record of each feasible point. */
function candidates(data: readonly Point[], top: Objective): Candidate[] {
  const records = recordsOf(data);
  return data.flatMap((p, i) =>
    p.feasible ? [{ index: p.index, key: (top.direction === 'min' ? 1 : -1) * (p.values[METRICS.indexOf(top.metric)] ?? 0), outputs: Array.from(records.subarray(i * N_OUT, (i + 1) * N_OUT)) }] : [],
  );
}

/** Filters on the three metrics, with bounds from the same small set as the values (so ties at a bound are common). */
const filters: fc.Arbitrary<WhereClause[]> = fc
  .subarray([...METRICS])
  .chain((metrics) =>
    fc.tuple(
      ...metrics.map((metric) =>
        fc
          .tuple(fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }), fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }))
          .map(([a, b]): WhereClause => {
            const [min, max] = a !== undefined && b !== undefined && a > b ? [b, a] : [a, b];
            return { metric, ...(min === undefined ? {} : { min }), ...(max === undefined || min === undefined ? { max: max ?? 10 } : { max }) };
          }),
      ),
    ),
  );

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
        expect(state.counts.matched).toBe(feasible.length);
        expect(state.counts.bound.decode.memory).toBe(feasible.filter((p) => p.boundDecode === 1).length);

        expect(state.pareto.map((e) => e.index).sort((x, y) => x - y)).toEqual(bruteFrontier(keyed(data, pareto)));
        expect(plain(state.pareto)).toEqual(plain(paretoFrontier(keyed(data, pareto))));
        expect(plain(state.top)).toEqual(referenceTopK(candidates(data, reducers.top!), k));

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

  it('let only feasible points meeting `where` reach bounds, histograms, top-k and frontier, and count them', async () => {
    let filtered = 0;
    await fc.assert(
      fc.asyncProperty(points, filters, fc.constantFrom(...objectives), fc.integer({ min: 1, max: 12 }), async (data, where, pareto, k) => {
        const reducers = reducerSpec(pareto, k);
        const state = await runKernel(reducers, data, where);
        const kept = matching(data, where);
        if (kept.length < data.filter((p) => p.feasible).length) filtered++;
        // the filter leaves evaluation and feasibility alone; everything else is the unfiltered state of the kept points
        expect(state.counts.evaluated).toBe(data.length);
        expect(state.counts.feasible).toBe(data.filter((p) => p.feasible).length);
        expect(state.counts.matched).toBe(kept.length);
        const unfiltered = await runKernel(reducers, kept);
        expect(state.counts.bound).toEqual(unfiltered.counts.bound);
        expect(state.histograms).toEqual(unfiltered.histograms);
        expect(state.pareto.map((e) => e.index).sort((x, y) => x - y)).toEqual(bruteFrontier(keyed(kept, pareto)));
        expect(plain(state.top)).toEqual(referenceTopK(candidates(kept, reducers.top!), k));
        // a filter on an output the kernel leaves NaN (a metric these points lack) lets nothing through
        const none = await runKernel(reducers, data, [...where, { metric: 'energyPerTokenJ', max: 1e300 }]);
        expect([none.counts.matched, none.top.length, none.pareto.length]).toEqual([0, 0, 0]);
      }),
      { numRuns: 100, seed: 11 },
    );
    expect(filtered).toBeGreaterThan(30);
  });

  it('collapse points with equal outputs in the top-k to the lowest index, with the host digest of the record', async () => {
    // many copies of few records: every top-k entry has twins
    const base = fc.sample(points, { numRuns: 1, seed: 5 })[0]!.slice(0, 30);
    const data = base.flatMap((p, copy) => [0, 1, 2].map((c) => ({ ...p, index: p.index * 3 + ((c + copy) % 3) })));
    const reducers = reducerSpec(objectives[0]!, 8);
    const records = recordsOf(data);
    const recordOf = (index: number): string => {
      const i = data.findIndex((p) => p.index === index);
      return Array.from(records.subarray(i * N_OUT, (i + 1) * N_OUT), (x) => (Number.isNaN(x) ? 'NaN' : String(x))).join();
    };
    for (const order of [data, [...data].reverse()]) {
      const state = await runKernel(reducers, order);
      expect(plain(state.top)).toEqual(referenceTopK(candidates(data, reducers.top!), 8));
      // no two entries alike, each the lowest index of its equal set, and the collapse changed the answer
      const texts = state.top.map((e) => recordOf(e.index));
      expect(new Set(texts).size).toBe(texts.length);
      for (const e of state.top) expect(e.index).toBe(Math.min(...data.filter((p) => recordOf(p.index) === recordOf(e.index)).map((p) => p.index)));
      const uncollapsed = keyed(data, [reducers.top!]).sort((a, b) => a.keys[0]! - b.keys[0]! || a.index - b.index).slice(0, 8);
      expect(state.top.map((e) => e.index)).not.toEqual(uncollapsed.map((e) => e.index));
      // the kernel's digest is the host's, bit for bit
      for (const e of state.top) {
        const i = data.findIndex((p) => p.index === e.index);
        expect(e.digest).toBe(outputsDigest(records.subarray(i * N_OUT, (i + 1) * N_OUT)));
      }
    }
  });

  it('start from nothing after resetReducers, reusing the kernel', async () => {
    const [first, second] = fc.sample(points, { numRuns: 2, seed: 9 }) as [Point[], Point[]];
    const reducers = reducerSpec(objectives[1]!, 6);
    const kernel = await openKernel(reducers, [{ metric: 'tpotS', max: 5 }]);
    kernel.feed(recordsOf(first), Float64Array.from(first, (p) => p.index));
    kernel.resetReducers();
    kernel.feed(recordsOf(second), Float64Array.from(second, (p) => p.index));
    const fresh = await runKernel(reducers, second, [{ metric: 'tpotS', max: 5 }]);
    expect(unpackState(kernel.packState(), fakePlan(reducers), [0, 2_000_000])).toEqual(fresh);
    expect(fresh.counts.evaluated).toBe(second.length);
  });

  it('keep topK and paretoFrontier consistent with their brute-force definitions, group by group', () => {
    const entry = fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 3 }));
    fc.assert(
      fc.property(fc.array(entry), fc.integer({ min: 1, max: 4 }), (raw, k) => {
        const entries = raw.map(([a, b, c, group, digest], index) => ({ index, keys: [a, b, c], group, digest }));
        const frontier = paretoFrontier(entries);
        for (const g of [0, 1, 2]) {
          const own = entries.filter((e) => e.group === g);
          expect(frontier.filter((e) => e.group === g).map((e) => e.index).sort((x, y) => x - y)).toEqual(bruteFrontier(own));
        }
        expect(frontier.map((e) => e.group)).toEqual([...frontier.map((e) => e.group)].sort());
        // the top-k's digest stands for the outputs: equal digest and key, the same configuration
        const single = entries.map((e) => ({ index: e.index, keys: [e.keys[0]!], group: e.group, digest: e.digest }));
        const reference = referenceTopK(
          single.map((e) => ({ index: e.index, key: e.keys[0]!, outputs: [e.keys[0], e.digest], group: e.group })),
          k,
        );
        expect(plain(topK(single, k))).toEqual(reference);
        expect(plain(topK([...single].reverse(), k))).toEqual(reference);
      }),
      { seed: 3 },
    );
  });
});

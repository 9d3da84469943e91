import { describe, expect, it } from 'vitest';
import { OUTPUTS } from './descriptors.ts';
import { createEngine } from './engine.ts';
import { groupOf, groupShapeOf } from './groups.ts';
import { planSweep, shardRange } from './plan.ts';
import { parseSweepSpec, resolveSweepSpec } from './spec.ts';
import { mergeStates, sweepRows, unpackState, type SweepRow } from './state.ts';
import { sweepRange } from './sweep.ts';
import { TEST_RESOLVERS } from './test-support/random.ts';
import { plain, referenceTopK, type Candidate } from './test-support/reference.ts';

// Two inline models of one architecture under two ids, and an axis that changes nothing for a dense
// model (MoE imbalance): the four grid points of each (model, batch) have equal outputs.
const TWIN = 'layers: 32, hiddenSize: 4096, heads: 32, kvHeads: 8, headDim: 128, ffnHiddenSize: 14336, gatedFfn: true, vocabSize: 128256, tiedEmbeddings: false';
const SPEC = `
models: [{ id: twin-a, ${TWIN} }, { id: twin-b, ${TWIN} }]
hardware: [h100-sxm]
chips: [1]
batch: [1, 8]
moeImbalance: [1, 1.25, 1.5, 2]
reducers:
  pareto: [cost, tpot]
  top: { k: 10, by: cost }
`;

describe('equivalent configurations', () => {
  it('are the same model on the same hardware entry with every output equal: one top-k entry each, the lowest index', async () => {
    const plan = planSweep(resolveSweepSpec(parseSweepSpec(SPEC), TEST_RESOLVERS));
    // index = model · 8 + imbalance · 2 + batch (batch fastest)
    expect(plan.total).toBe(16);
    const engine = await createEngine();
    const state = await sweepRange(engine, plan, [0, plan.total]);
    expect(state.counts.feasible).toBe(16);
    const rows = sweepRows(await engine.open(plan.image()), plan, 0, plan.total) as SweepRow[];
    // the premise: imbalance changes nothing, and the twins' outputs are equal
    for (let i = 0; i < 16; i++) expect(OUTPUTS.map((o) => rows[i]![o])).toEqual(OUTPUTS.map((o) => rows[i % 2]![o]));
    // by hand: batch 8 is cheaper than batch 1; each model keeps its lowest index per batch, imbalance 1
    expect(state.top.map((e) => e.index)).toEqual([1, 9, 0, 8]);
    expect(state.top.map((e) => rows[e.index]!.model)).toEqual(['twin-a', 'twin-b', 'twin-a', 'twin-b']);
    // the frontier keeps one point per objective vector, the lowest index: the twins are one point
    expect(state.pareto.map((e) => e.index).sort((a, b) => a - b)).toEqual([0, 1]);
    // the brute-force reference agrees (pair = the (model, chip) group)
    const pairs = { ...groupShapeOf(plan), groupBy: ['model', 'chip'] as const };
    const candidates: Candidate[] = rows.map((r) => ({ index: r.index, key: r.costPerMillionTokensUsd!, outputs: OUTPUTS.map((o) => r[o]), pair: groupOf(pairs, r.index) }));
    expect(plain(state.top)).toEqual(referenceTopK(candidates, 10));
    // the same in any order of arrival: shards run backwards and merged
    const parts = [];
    for (let i = 3; i >= 0; i--) {
      const kernel = await engine.open(plan.image());
      const range = shardRange(plan.total, i, 4);
      kernel.sweep(range[0], range[1]);
      parts.push(unpackState(kernel.packState(), plan, range));
    }
    expect(plain(parts.reduce((a, b) => mergeStates(plan.reducers, a, b)).top)).toEqual(plain(state.top));
  });
});

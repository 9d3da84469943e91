import { describe, expect, test } from 'vitest';
import type { ChipSpec } from '@ridgeline/hardware';
import { InputError } from './errors.ts';
import { estimateInference } from './inference.ts';
import { deepseekV3, llama70b, mixtral, testGpu } from './test-fixtures.ts';
import type { InferenceConfig } from './types.ts';

// A physics model must never rank better hardware lower: a chip at least another on every
// datasheet figure (peak FLOP/s, HBM capacity and bandwidth, scale-up bandwidth and domain,
// scale-out bandwidth), with the same efficiencies, serves any configuration the other serves, at
// no less throughput per chip. The validation leans on it: where two chips' measurements break it
// on the same configuration, the gap is the software's (apps/validation/README.md, "Measurements
// the datasheets contradict"). Random configurations, seeded so a failure reproduces.

const s = (value: number): { value: number; source: string } => ({ value, source: 'test' });

/** The test GPU with efficiencies shaped like fitted ones: curves, per-layer overhead, latencies. */
const base: ChipSpec = {
  ...testGpu,
  scaleUp: { ...testGpu.scaleUp, hopLatencyS: s(3.7e-6), collectiveLatencyS: s(10e-6) },
  scaleOut: { ...testGpu.scaleOut, hopLatencyS: s(10e-6) },
  efficiency: {
    flop: { curve: [[128, 0.3], [4096, 0.7]], over: 'arithmeticIntensity', source: 'test' },
    expertFlop: { curve: [[128, 0.05], [4096, 0.7]], over: 'arithmeticIntensity', source: 'test' },
    memory: s(0.7),
    weightMemory: s(0.9),
    network: s(0.8),
    layerOverheadS: s(40e-6),
    commOverlap: s(0.5),
    mtpAcceptance: s(0.6),
    requestOverheadS: s(0.05),
  },
};

/** A 32-bit linear congruential generator: the same sequence for the same seed. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** `chip` with every datasheet figure at least its own: some the same, some up to 2.5×. */
function stronger(chip: ChipSpec, random: () => number): ChipSpec {
  const up = (value: number): number => (random() < 0.4 ? value : value * (1 + 1.5 * random()));
  const flops = random() < 0.5 ? 1 : 1 + random();
  const peaks = Object.fromEntries(Object.entries(chip.compute.peakDenseFlopsPerS).map(([p, x]) => [p, s(x.value * flops)]));
  const domain = chip.scaleUp.domainSize.value;
  return {
    ...chip,
    id: `${chip.id}-stronger`,
    compute: { peakDenseFlopsPerS: peaks },
    memory: { ...chip.memory, capacityBytes: s(up(chip.memory.capacityBytes.value)), bandwidthBytesPerS: s(up(chip.memory.bandwidthBytesPerS.value)) },
    scaleUp: { ...chip.scaleUp, bandwidthBytesPerS: s(up(chip.scaleUp.bandwidthBytesPerS.value)), domainSize: s(random() < 0.6 ? domain : [16, 32, 72][Math.floor(random() * 3)]!) },
    scaleOut: { ...chip.scaleOut, bandwidthBytesPerS: s(up(chip.scaleOut.bandwidthBytesPerS.value)) },
  };
}

/** A random serving configuration of one of the fixtures' models. */
function configuration(random: () => number): Omit<InferenceConfig, 'chip'> {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const model = pick([llama70b, mixtral, deepseekV3]);
  const tp = pick([1, 2, 4, 8, 16]);
  const pp = random() < 0.15 ? 2 : 1;
  const moe = model.moe !== undefined;
  const ep = moe ? pick([1, tp]) : 1;
  const precision = pick(['fp8', 'bf16'] as const);
  const schedule = random() < 0.75 ? ('continuous' as const) : ('static' as const);
  return {
    model,
    chips: tp * pp * pick([1, 1, 2]),
    parallelism: { tp, pp, ep },
    batch: pick([1, 4, 16, 64, 256, 1024]),
    inputTokens: pick([128, 1024, 8192]),
    outputTokens: pick([128, 1024, 4096]),
    precision: { weights: precision, kvCache: precision, activations: precision },
    schedule,
    ...(moe && ep > 1 && random() < 0.5 ? { attentionSharding: 'dp' as const } : {}),
    ...(model === deepseekV3 && random() < 0.3 ? { speculative: { mode: 'mtp' as const, draftTokens: pick([1, 2, 3]) } } : {}),
    ...(pp === 1 && schedule === 'continuous' && random() < 0.25 ? { disaggregation: { prefillWorkers: pick([1, 2]), decodeWorkers: pick([1, 2]) } } : {}),
  };
}

describe('better hardware never predicts less', () => {
  test('a chip at least another on every datasheet figure, with the same efficiencies, serves every configuration the other serves at no less throughput per chip', () => {
    const random = generator(20261206);
    let compared = 0;
    for (let i = 0; i < 800; i++) {
      const config = configuration(random);
      const strong = stronger(base, random);
      let weaker;
      try {
        weaker = estimateInference({ ...config, chip: base });
      } catch (error) {
        // a configuration no chip can run (a TP that does not divide the heads, …) says nothing here
        if (error instanceof InputError) continue;
        throw error;
      }
      if (!weaker.feasible) continue;
      const better = estimateInference({ ...config, chip: strong });
      const what = JSON.stringify({ ...config, model: config.model.id, strong: [strong.memory, strong.scaleUp.domainSize.value] });
      expect(better.feasible, what).toBe(true);
      if (!better.feasible) continue;
      expect(better.totalTokensPerSPerChip, what).toBeGreaterThanOrEqual(weaker.totalTokensPerSPerChip * (1 - 1e-9));
      compared += 1;
    }
    // enough of the draws fit on the weaker chip to mean something
    expect(compared).toBeGreaterThan(200);
  });
});

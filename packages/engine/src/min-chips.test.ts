import { describe, expect, it } from 'vitest';
import { estimateInference, type InferenceConfig, type ModelSpec } from '@ridgeline/model';
import { OUTPUTS, N_OUT } from './descriptors.ts';
import { createEngine } from './engine.ts';
import { evaluateConfigs } from './evaluate.ts';
import { FIRST_PARTY_CHIPS } from './test-support/random.ts';

const groq = FIRST_PARTY_CHIPS.find((c) => c.id === 'groq-lpu')!;
const fp16 = { weights: 'fp16', kvCache: 'fp16', activations: 'fp16' } as const;

function model(heads: number, layers: number): ModelSpec {
  return {
    id: `h${heads}-l${layers}`,
    name: `${heads} heads, ${layers} layers`,
    layers,
    hiddenSize: 8192,
    heads,
    kvHeads: 1,
    headDim: 128,
    ffnHiddenSize: 28672,
    gatedFfn: true,
    vocabSize: 128256,
    tiedEmbeddings: false,
    source: 'test',
  };
}

/** On one SRAM chip the model does not fit: the kernel searches TP over the heads' divisors, PP over the layers'. */
function oneChip(m: ModelSpec): InferenceConfig {
  return { model: m, chip: groq, chips: 1, parallelism: { tp: 1, pp: 1, ep: 1 }, batch: 1, inputTokens: 2048, outputTokens: 256, precision: fp16 };
}

describe("the kernel's smallest layout that fits (minChipsToFit)", () => {
  // squares (whose root is one divisor, not two), primes, and highly composite counts
  const shapes = [[1, 1], [64, 80], [100, 81], [49, 97], [96, 126], [97, 64], [36, 36], [128, 61], [720, 720]] as const;

  it('walks the divisors in the TypeScript model\'s order: the same layout for every shape', async () => {
    const configs = shapes.map(([h, l]) => oneChip(model(h, l)));
    const out = await evaluateConfigs(await createEngine(), configs);
    const at = OUTPUTS.indexOf('minChipsToFit');
    configs.forEach((config, i) => {
      const expected = estimateInference(config);
      expect(expected.reason, config.model.id).toBe('capacity');
      expect(out[i * N_OUT + at] ?? Number.NaN, config.model.id).toBe(expected.minChipsToFit ?? Number.NaN);
    });
  });

  // Counting t from 1 to the heads and p from 1 to the layers took 10¹⁰ steps here.
  it('answers at once for a model at the limits of heads and layers', async () => {
    const wide = oneChip(model(99_990, 99_999));
    const out = await evaluateConfigs(await createEngine(), [wide]);
    expect(out[OUTPUTS.indexOf('minChipsToFit')]).toBe(estimateInference(wide).minChipsToFit ?? Number.NaN);
  });
});

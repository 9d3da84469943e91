import { countParams, type ModelSpec } from '@ridgeline/model';
import { describe, expect, test } from 'vitest';
import { aliases, getModel, modelIds, models } from './index.ts';

/** Derived total within 2 % of the published total. */
const TOTAL_TOLERANCE = 0.02;
/** Derived active parameters within 3 % of the published figure (MoE models). */
const ACTIVE_TOLERANCE = 0.03;

/**
 * Models whose authors count active parameters without the input embedding (a gather, not a
 * matmul). OpenAI's 5.1B for gpt-oss-120b is attention + 4 experts + router + unembedding:
 * `countParams(...).active` also counts the 0.58B embedding table (5.71e9, 12 % over), so for
 * these the comparison subtracts it rather than widening the tolerance.
 */
const ACTIVE_EXCLUDES_INPUT_EMBEDDING: ReadonlySet<string> = new Set(['gpt-oss-120b']);

function relativeError(derived: number, published: number): number {
  return Math.abs(derived - published) / published;
}

describe('published parameter totals', () => {
  const withPublished = models.filter((model): model is ModelSpec & { published: NonNullable<ModelSpec['published']> } =>
    model.published !== undefined,
  );

  test('every catalog model states a published total', () => {
    expect(withPublished.map((model) => model.id)).toEqual(modelIds());
  });

  test.each(withPublished.map((model) => [model.id, model] as const))(
    '%s: derived total within 2 % of the published total',
    (_id, model) => {
      const derived = countParams(model).total;
      expect(relativeError(derived, model.published.totalParams)).toBeLessThan(TOTAL_TOLERANCE);
    },
  );

  const withActive = withPublished.filter((model) => model.published.activeParams !== undefined);

  test('every MoE model states published active parameters', () => {
    expect(withActive.map((model) => model.id)).toEqual(models.filter((model) => model.moe !== undefined).map((model) => model.id));
  });

  test.each(withActive.map((model) => [model.id, model] as const))(
    '%s: derived active parameters within 3 % of the published figure',
    (id, model) => {
      const counts = countParams(model);
      const derived = ACTIVE_EXCLUDES_INPUT_EMBEDDING.has(id) ? counts.active - counts.embedding : counts.active;
      expect(relativeError(derived, model.published.activeParams ?? Number.NaN)).toBeLessThan(ACTIVE_TOLERANCE);
    },
  );
});

describe('catalog entries', () => {
  test('ids are unique kebab-case and every entry cites a source', () => {
    expect(new Set(modelIds()).size).toBe(models.length);
    for (const model of models) {
      expect(model.id).toMatch(/^[a-z0-9]+(?:[.-][a-z0-9]+)*$/);
      expect(model.source.length).toBeGreaterThan(10);
      expect(model.published?.source.length ?? 0).toBeGreaterThan(10);
    }
  });

  test('the shapes are internally consistent', () => {
    for (const model of models) {
      expect(model.heads % model.kvHeads, model.id).toBe(0);
      if (model.moe !== undefined) {
        expect(model.moe.activeExperts, model.id).toBeLessThanOrEqual(model.moe.experts);
        expect(model.moe.denseLayers, model.id).toBeLessThan(model.layers);
      }
      if (model.slidingWindow !== undefined) {
        expect(model.slidingWindow.windowedLayers, model.id).toBeLessThanOrEqual(model.layers);
      }
    }
  });

  test('the validation rows name models the catalog holds', () => {
    for (const id of [
      'palm-540b', 'palm-62b', 'megatron-530b', 'gpt-175b', 'gpt-20b', 'gpt-6.7b', 'llama3-70b', 'llama-2-13b',
      'llama-3.1-8b', 'llama-3.1-405b', 'mixtral-8x7b', 'mixtral-8x22b', 'llama-2-70b', 'llama-7b', 'falcon-180b', 'deepseek-v3',
    ]) {
      expect(getModel(id), id).toBeDefined();
    }
  });
});

describe('getModel', () => {
  test('finds every model by id', () => {
    for (const model of models) expect(getModel(model.id)).toBe(model);
  });

  test('is case-insensitive and ignores surrounding space', () => {
    expect(getModel('LLAMA-3.1-70B')?.id).toBe('llama-3.1-70b');
    expect(getModel('  DeepSeek-V3 ')?.id).toBe('deepseek-v3');
  });

  test('accepts aliases', () => {
    expect(getModel('llama3-70b')?.id).toBe('llama-3.1-70b');
    expect(getModel('Meta-Llama-3.1-70B')?.id).toBe('llama-3.1-70b');
    expect(getModel('Llama-3.3-70B-Instruct')?.id).toBe('llama-3.1-70b');
    expect(getModel('gpt-175b')?.id).toBe('gpt-3-175b');
    expect(getModel('DeepSeek-R1')?.id).toBe('deepseek-v3');
  });

  test('accepts Hugging Face repository ids', () => {
    expect(getModel('meta-llama/Llama-3.1-70B')?.id).toBe('llama-3.1-70b');
    expect(getModel('meta-llama/Meta-Llama-3.1-8B-Instruct')?.id).toBe('llama-3.1-8b');
    expect(getModel('meta-llama/Llama-2-7b-hf')?.id).toBe('llama-2-7b');
    expect(getModel('mistralai/Mixtral-8x7B-v0.1')?.id).toBe('mixtral-8x7b');
    expect(getModel('mistralai/Mixtral-8x22B-Instruct-v0.1')?.id).toBe('mixtral-8x22b');
    expect(getModel('deepseek-ai/DeepSeek-V3')?.id).toBe('deepseek-v3');
    expect(getModel('Qwen/Qwen3-235B-A22B')?.id).toBe('qwen3-235b-a22b');
    expect(getModel('openai/gpt-oss-120b')?.id).toBe('gpt-oss-120b');
    expect(getModel('google/gemma-3-27b-it')?.id).toBe('gemma-3-27b');
    expect(getModel('tiiuae/falcon-180B')?.id).toBe('falcon-180b');
  });

  test('accepts display names', () => {
    for (const model of models) expect(getModel(model.name), model.name).toBe(model);
    expect(getModel('Llama 3.1 70B')?.id).toBe('llama-3.1-70b');
  });

  test('returns undefined for unknown names, including Object.prototype keys', () => {
    expect(getModel('gpt-5')).toBeUndefined();
    expect(getModel('')).toBeUndefined();
    expect(getModel('constructor')).toBeUndefined();
    expect(getModel('__proto__')).toBeUndefined();
    expect(getModel('org/')).toBeUndefined();
  });

  test('every alias is lower-case, is not an id, and names a catalog model', () => {
    const ids = new Set(modelIds());
    for (const [alias, id] of Object.entries(aliases)) {
      expect(alias, alias).toBe(alias.toLowerCase());
      expect(ids.has(alias), alias).toBe(false);
      expect(ids.has(id), `${alias} → ${id}`).toBe(true);
      expect(getModel(alias)?.id).toBe(id);
    }
  });
});

describe('modelIds', () => {
  test('lists the catalog in order, as a fresh array', () => {
    expect(modelIds()).toEqual(models.map((model) => model.id));
    expect(modelIds()).not.toBe(modelIds());
    expect(modelIds()).toContain('qwen3-235b-a22b');
  });
});

import { describe, expect, test } from 'vitest';
import { MODEL_LIMITS, readModelConfig } from './custom-model.ts';

/** Llama 3.1 70B's config.json, the fields the catalog reads. */
const LLAMA = { architectures: ['LlamaForCausalLM'], hidden_size: 8192, intermediate_size: 28672, num_attention_heads: 64, num_key_value_heads: 8, num_hidden_layers: 80, vocab_size: 128256 };

describe('readModelConfig', () => {
  test('reads a config.json as the catalog does', () => {
    const check = readModelConfig(JSON.stringify(LLAMA));
    expect(check.ok && check.model.layers).toBe(80);
  });

  test('refuses layer and head counts past the limits at once, with a message naming the field and the limit, instead of searching their divisors', () => {
    // (a divisor search up to 1e12 would hang past the test's timeout) The catalog's reader checks
    // the model's limits (docs/MODEL.md §1.5) before this page's own.
    expect(readModelConfig(JSON.stringify({ ...LLAMA, num_hidden_layers: 1e12 }))).toEqual({
      ok: false,
      message: 'config.json: "num_hidden_layers" must be at most 1e5 (the number of transformer layers), got 1000000000000',
    });
    expect(readModelConfig(JSON.stringify({ ...LLAMA, num_hidden_layers: 1e300 }))).toMatchObject({ ok: false, message: expect.stringContaining('must be at most 1e5') as string });
    const heads = readModelConfig(JSON.stringify({ ...LLAMA, num_attention_heads: 2e6, num_key_value_heads: 2e6, head_dim: 128 }));
    expect(heads.ok).toBe(false);
    expect(!heads.ok && heads.message.split('\n')[0]).toBe('config.json: "num_attention_heads" must be at most 1e5 (the number of query heads), got 2000000');
  });

  test('takes a model at the limits', () => {
    const check = readModelConfig(JSON.stringify({ ...LLAMA, num_hidden_layers: MODEL_LIMITS.layers }));
    expect(check.ok && check.model.layers).toBe(MODEL_LIMITS.layers);
  });

  test('the catalog’s own refusals (negative numbers, not JSON) come through', () => {
    expect(readModelConfig(JSON.stringify({ ...LLAMA, num_hidden_layers: -80 })).ok).toBe(false);
    expect(readModelConfig('{"layers": ').ok).toBe(false);
  });
});

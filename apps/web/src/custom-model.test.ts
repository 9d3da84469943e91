import { describe, expect, test } from 'vitest';
import { MODEL_LIMITS, readModelConfig } from './custom-model.ts';

/** Llama 3.1 70B's config.json, the fields the catalog reads. */
const LLAMA = { architectures: ['LlamaForCausalLM'], hidden_size: 8192, intermediate_size: 28672, num_attention_heads: 64, num_key_value_heads: 8, num_hidden_layers: 80, vocab_size: 128256 };

describe('readModelConfig', () => {
  test('reads a config.json as the catalog does', () => {
    const check = readModelConfig(JSON.stringify(LLAMA));
    expect(check.ok && check.model.layers).toBe(80);
  });

  test('refuses layer and head counts past the limits at once, with a message, instead of searching their divisors', () => {
    // (a divisor search up to 1e12 would hang past the test's timeout)
    expect(readModelConfig(JSON.stringify({ ...LLAMA, num_hidden_layers: 1e12 }))).toEqual({
      ok: false,
      message: 'config.json: 1e12 layers is more than the 100,000 this page computes with; no model comes near, so nothing was computed.',
    });
    expect(readModelConfig(JSON.stringify({ ...LLAMA, num_hidden_layers: 1e300 }))).toMatchObject({ ok: false, message: expect.stringContaining('1e300 layers') as string });
    expect(readModelConfig(JSON.stringify({ ...LLAMA, num_attention_heads: 2e6, num_key_value_heads: 2e6, head_dim: 128 }))).toEqual({
      ok: false,
      message: 'config.json: 2e6 attention heads is more than the 100,000 this page computes with; no model comes near, so nothing was computed.',
    });
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

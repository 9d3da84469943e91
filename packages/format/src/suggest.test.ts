import { describe, expect, it } from 'vitest';
import { didYouMean, suggest } from './suggest.ts';

describe('suggest', () => {
  const chips = ['h100-sxm', 'a100-sxm', 'h200', 'b200', 'mi300x', 'tpu-v5e', 'tpu-v6e', 'groq-lpu'];

  it('returns the nearest names only', () => {
    expect(suggest('h10-sxm', chips)).toEqual(['h100-sxm']);
    expect(suggest('tpu-v7e', chips)).toEqual(['tpu-v5e', 'tpu-v6e']);
    expect(suggest('MI300', chips)).toEqual(['mi300x']);
  });

  it('suggests the canonical name once for near misses of it and its aliases', () => {
    const models = ['llama-3.1-70b', 'llama-3.1-70b-instruct', 'llama-3.1-8b'];
    const canonical = (n: string): string => (n === 'llama-3.1-70b-instruct' ? 'llama-3.1-70b' : n);
    expect(suggest('llama-3.1-70', models, canonical)).toEqual(['llama-3.1-70b']);
  });

  it('suggests nothing for an unrelated name', () => {
    expect(suggest('quantum-annealer', chips)).toEqual([]);
    expect(didYouMean('quantum-annealer', chips)).toBe('');
  });

  it('phrases one or several suggestions', () => {
    expect(didYouMean('h10-sxm', chips)).toBe(' Did you mean "h100-sxm"?');
    expect(didYouMean('tpu-v7e', chips)).toBe(' Did you mean "tpu-v5e" or "tpu-v6e"?');
  });
});

import { attentionParams, countParams } from '@ridgeline/model';
import { expect, test } from 'vitest';
import { palm540b } from './palm.ts';

test('PaLM 540B, derived by hand: multi-query attention and SwiGLU with f = 4·d', () => {
  const d = 18432;
  const attention = d * 256 * 48 + d * 256 * 2 + 48 * 256 * d; // Q; one shared K and V; O
  expect(attentionParams(palm540b)).toBe(attention);
  const ffn = 3 * d * (4 * d);
  const embedding = 256000 * d; // shared input/output
  expect(countParams(palm540b).total).toBe(118 * (attention + ffn) + embedding);
  expect(countParams(palm540b).total / 1e9).toBeCloseTo(540.35, 2); // Table 1: 540.35B
});

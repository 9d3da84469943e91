import { countParams } from '@ridgeline/model';
import { expect, test } from 'vitest';
import { gemma3_27b } from './gemma.ts';

test('Gemma 3 27B: 5 local layers per global layer leaves 52 of 62 windowed', () => {
  // Layer i is global when (i + 1) % 6 === 0: layers 5, 11, …, 59.
  const globalLayers = Array.from({ length: 62 }, (_, i) => i).filter((i) => (i + 1) % 6 === 0);
  expect(globalLayers).toHaveLength(Math.floor(62 / 6));
  expect(gemma3_27b.slidingWindow?.windowedLayers).toBe(62 - globalLayers.length);
  expect(gemma3_27b.slidingWindow?.windowedLayers).toBe(52);
});

test('Gemma 3 27B parameters, derived by hand: GeGLU, h·d_h = 4096 ≠ d, tied embeddings', () => {
  const d = 5376;
  const attention = d * 128 * (2 * 32 + 2 * 16);
  const ffn = 3 * d * 21504;
  const embedding = 262208 * d; // tied: counted once
  expect(countParams(gemma3_27b).total).toBe(62 * (attention + ffn) + embedding);
  // Gemma 3 report, Table 1: 25,600M non-embedding parameters.
  expect((62 * (attention + ffn)) / 1e6).toBeCloseTo(25_598, 0);
});

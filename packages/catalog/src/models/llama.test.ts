import { attentionParams, countParams } from '@ridgeline/model';
import { expect, test } from 'vitest';
import { llama2_7b, llama31_70b } from './llama.ts';

test('Llama 3.1 70B, derived by hand', () => {
  const d = 8192;
  const headDim = 128;
  const h = 64;
  const hKv = 8;
  const f = 28672;
  const V = 128256;
  const L = 80;

  const attentionPerLayer = d * headDim * (2 * h + 2 * hKv); // Q and O: d·128·64 each; K and V: d·128·8 each
  const ffnPerLayer = 3 * d * f; // gate, up, down
  const embeddings = 2 * V * d; // untied: input table + output head

  expect(attentionPerLayer).toBe(150_994_944);
  expect(ffnPerLayer).toBe(704_643_072);
  expect(attentionParams(llama31_70b)).toBe(attentionPerLayer);
  expect(countParams(llama31_70b).denseFfnPerLayer).toBe(ffnPerLayer);
  expect(countParams(llama31_70b).total).toBe(L * (attentionPerLayer + ffnPerLayer) + embeddings);
  expect(countParams(llama31_70b).total).toBe(70_552_387_584);
});

test('Llama 2 7B, derived by hand: multi-head attention is 4·d² per layer', () => {
  const d = 4096;
  expect(attentionParams(llama2_7b)).toBe(4 * d * d);
  expect(countParams(llama2_7b).total).toBe(32 * (4 * d * d + 3 * d * 11008) + 2 * 32000 * d);
});

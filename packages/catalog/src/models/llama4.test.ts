import { countParams } from '@ridgeline/model';
import { expect, test } from 'vitest';
import { getModel } from '../catalog.ts';
import { llama4Maverick, llama4Scout } from './llama4.ts';

// Per layer, by hand: attention q and o 5120·(40·128) each, k and v 5120·(8·128) each;
// one SwiGLU expert 3·5120·8192; a dense FFN 3·5120·16384; the router 5120 × experts.
const attention = 2 * 5120 * 5120 + 2 * 5120 * 1024; // 62,914,560
const expert = 3 * 5120 * 8192; // 125,829,120
const denseFfn = 3 * 5120 * 16384; // 251,658,240
const embedding = 202048 * 5120; // 1,034,485,760, input and output each (untied)

test('Llama 4 Scout: 48 MoE layers of 16 experts plus a shared one, counted by hand', () => {
  const counts = countParams(llama4Scout);
  expect(counts.total).toBe(48 * (attention + 17 * expert + 5120 * 16) + 2 * embedding); // 107.77e9
  // active: attention, the routed expert and the shared one per layer, both embeddings
  expect(counts.active).toBe(48 * (attention + 2 * expert + 5120 * 16) + 2 * embedding); // 17.17e9
});

test('Llama 4 Maverick: 24 MoE layers of 128 experts plus a shared one and 24 dense layers, counted by hand', () => {
  const counts = countParams(llama4Maverick);
  expect(counts.total).toBe(48 * attention + 24 * (129 * expert + 5120 * 128) + 24 * denseFfn + 2 * embedding); // 400.7e9
  expect(counts.active).toBe(48 * attention + 24 * (2 * expert + 5120 * 128) + 24 * denseFfn + 2 * embedding); // 17.17e9
  // the same 17B active as Scout, the dense layers standing in for half the expert pairs: Meta's "17B" for both
  expect(Math.abs(counts.active - countParams(llama4Scout).active) / counts.active).toBeLessThan(0.001);
});

test('the Hugging Face repository names resolve', () => {
  expect(getModel('meta-llama/Llama-4-Scout-17B-16E-Instruct')?.id).toBe('llama-4-scout');
  expect(getModel('meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8')?.id).toBe('llama-4-maverick');
});

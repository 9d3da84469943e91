import { countParams } from '@ridgeline/model';
import { expect, test } from 'vitest';
import { mixtral8x22b, mixtral8x7b } from './mistral.ts';

test('Mixtral 8x7B active parameters, derived by hand', () => {
  const d = 4096;
  const attention = d * 128 * (2 * 32 + 2 * 8);
  const expert = 3 * d * 14336;
  const router = d * 8;
  const embeddings = 2 * 32000 * d;

  const active = 32 * (attention + 2 * expert + router) + embeddings; // 2 of 8 experts per token
  const total = 32 * (attention + 8 * expert + router) + embeddings;
  expect(countParams(mixtral8x7b).active).toBe(active);
  expect(countParams(mixtral8x7b).total).toBe(total);
  expect(active).toBe(12_879_659_008); // Mistral AI: 12.9B
  expect(total).toBe(46_702_526_464); // Mistral AI: 46.7B
});

test('Mixtral 8x22B active and total parameters, derived by hand', () => {
  const d = 6144;
  const attention = d * 128 * (2 * 48 + 2 * 8);
  const expert = 3 * d * 16384;
  const router = d * 8;
  const embeddings = 2 * 32768 * d;

  const active = 56 * (attention + 2 * expert + router) + embeddings;
  const total = 56 * (attention + 8 * expert + router) + embeddings;
  expect(countParams(mixtral8x22b).active).toBe(active);
  expect(countParams(mixtral8x22b).total).toBe(total);
  expect(active).toBe(39_160_774_656); // Mistral AI: 39B
  expect(total).toBe(140_629_377_024); // Mistral AI: 141B
});

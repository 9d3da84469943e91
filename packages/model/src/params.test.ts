import { expect, test } from 'vitest';
import { attentionParams, countParams } from './params.ts';
import { deepseekV3, llama70b, mixtral } from './test-fixtures.ts';

test('Llama 3.1 70B: P_attn = d·d_h·(2h + 2h_kv), FFN 3·d·f, two V·d tables', () => {
  const attn = 8192 * 128 * (2 * 64 + 2 * 8);
  const ffn = 3 * 8192 * 28672;
  expect(attentionParams(llama70b)).toBe(attn);
  expect(countParams(llama70b).total).toBe(80 * (attn + ffn) + 2 * 128256 * 8192);
  expect(countParams(llama70b).total / 70.6e9).toBeCloseTo(1, 2);
});

test('DeepSeek-V3 MLA attention and MoE totals: 671B total, 37B active', () => {
  const mla = 7168 * 1536 + 1536 * 128 * 192 + 7168 * (512 + 64) + 512 * 128 * (128 + 128) + 128 * 128 * 7168;
  expect(attentionParams(deepseekV3)).toBe(mla);
  const c = countParams(deepseekV3);
  expect(c.total / 671e9).toBeCloseTo(1, 1);
  expect(c.active / 37e9).toBeCloseTo(1, 1);
});

test('Mixtral: active = attention + (k + E_s)·3·d·f_e + router + embeddings', () => {
  const c = countParams(mixtral);
  const attn = 4096 * 128 * (2 * 32 + 2 * 8);
  const active = 32 * (attn + 2 * 3 * 4096 * 14336 + 4096 * 8) + 2 * 32000 * 4096;
  expect(c.active).toBe(active);
  expect(c.total / 46.7e9).toBeCloseTo(1, 1);
});

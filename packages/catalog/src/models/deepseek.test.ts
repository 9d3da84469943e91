import { attentionParams, countParams } from '@ridgeline/model';
import { expect, test } from 'vitest';
import { deepseekV3 } from './deepseek.ts';

const d = 7168;
const h = 128;
const rQ = 1536; // q_lora_rank
const rKv = 512; // kv_lora_rank
const dNope = 128; // qk_nope_head_dim
const dRope = 64; // qk_rope_head_dim
const dV = 128; // v_head_dim

test('DeepSeek-V3 MLA attention per layer, derived by hand', () => {
  const qDown = d * rQ; // W_DQ: 7168 → 1536
  const qUp = rQ * h * (dNope + dRope); // W_UQ and W_QR: 1536 → 128 heads × (128 + 64)
  const kvDown = d * (rKv + dRope); // W_DKV and the shared rotary key W_KR: 7168 → 512 + 64
  const kvUp = rKv * h * (dNope + dV); // W_UK and W_UV: 512 → 128 heads × (128 + 128)
  const out = h * dV * d; // W_O: 128 × 128 → 7168

  expect([qDown, qUp, kvDown, kvUp, out]).toEqual([11_010_048, 37_748_736, 4_128_768, 16_777_216, 117_440_512]);
  expect(attentionParams(deepseekV3)).toBe(qDown + qUp + kvDown + kvUp + out);
  expect(attentionParams(deepseekV3)).toBe(187_105_280);
});

test('DeepSeek-V3 totals, derived by hand: 3 dense layers, 58 MoE layers of 256 + 1 experts', () => {
  const attention = attentionParams(deepseekV3);
  const denseFfn = 3 * d * 18432;
  const expert = 3 * d * 2048;
  const router = d * 256;
  const embeddings = 2 * 129280 * d;

  const total = 61 * attention + 3 * denseFfn + 58 * ((256 + 1) * expert + router) + embeddings;
  const active = 61 * attention + 3 * denseFfn + 58 * ((8 + 1) * expert + router) + embeddings;
  expect(countParams(deepseekV3).total).toBe(total);
  expect(countParams(deepseekV3).active).toBe(active);
  expect(total / 1e9).toBeCloseTo(671.03, 2);
  expect(active / 1e9).toBeCloseTo(37.55, 2);
});

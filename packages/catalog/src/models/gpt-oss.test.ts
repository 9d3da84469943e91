import { countParams } from '@ridgeline/model';
import { expect, test } from 'vitest';
import { fromHuggingFaceConfig } from '../huggingface.ts';
import { gptOss120b } from './gpt-oss.ts';

test('gpt-oss-120b windows every other layer: 36 / 2 = 18', () => {
  // config.json layer_types: sliding_attention, full_attention, sliding_attention, … (36 entries)
  const layerTypes = Array.from({ length: 36 }, (_, i) => (i % 2 === 0 ? 'sliding_attention' : 'full_attention'));
  expect(layerTypes.filter((type) => type === 'sliding_attention')).toHaveLength(18);
  expect(gptOss120b.slidingWindow).toEqual({ windowTokens: 128, windowedLayers: 18 });

  const config = {
    model_type: 'gpt_oss',
    num_hidden_layers: 36,
    hidden_size: 2880,
    num_attention_heads: 64,
    vocab_size: 201088,
    sliding_window: 128,
    layer_types: layerTypes,
  };
  expect(fromHuggingFaceConfig(config).slidingWindow).toEqual({ windowTokens: 128, windowedLayers: 18 });
});

test('gpt-oss-120b active parameters as OpenAI counts them, derived by hand', () => {
  const d = 2880;
  const attention = d * 64 * (2 * 64 + 2 * 8);
  const expert = 3 * d * 2880;
  const router = d * 128;
  const unembedding = 201088 * d;

  // Attention + 4 experts + router in each of 36 layers, plus the unembedding; not the input embedding.
  const openAiActive = 36 * (attention + 4 * expert + router) + unembedding;
  expect(openAiActive).toBe(5_131_100_160); // model card: 5.13B
  const counts = countParams(gptOss120b);
  expect(counts.active - counts.embedding).toBe(openAiActive);
  expect(counts.total).toBe(36 * (attention + 128 * expert + router) + 2 * unembedding); // 116.79e9
});

import { describe, expect, test } from 'vitest';
import { inferencexConfig } from './inferencex.ts';
import { DEFAULT_KV_CACHE, inferencexKvCache, parseKvCache, readKvCache } from './inferencex-kv.ts';
import { findRow } from './test-rows.ts';

const find = findRow;

describe('the KV cache precision of the InferenceX rows (data/inferencex-kv-cache.csv)', () => {
  test('Hopper SGLang leaves --kv-cache-dtype unset, so the cache is the model\'s BF16; every other stack sets FP8', () => {
    for (const [hardware, framework] of [['h100', 'dynamo-sglang'], ['h200', 'dynamo-sglang'], ['h200', 'sglang']]) {
      const row = find((r) => r.hardware === hardware && r.framework === framework);
      expect(inferencexKvCache(row)).toBe('bf16');
      expect(inferencexConfig(row, 'continuous').precision.kvCache).toBe('bf16');
    }
    for (const [hardware, framework] of [['h200', 'dynamo-trt'], ['h100', 'dynamo-trt'], ['b200', 'sglang'], ['b200', 'dynamo-sglang'], ['gb200', 'dynamo-sglang'], ['mi355x', 'mori-sglang'], ['mi355x', 'sglang']]) {
      expect(inferencexKvCache(find((r) => r.hardware === hardware && r.framework === framework))).toBe('fp8');
    }
    expect(DEFAULT_KV_CACHE).toBe('fp8');
  });

  test('every rule names where it was read, and the last catches every row', () => {
    const rules = readKvCache();
    expect(rules.every((r) => r.source.length > 20)).toBe(true);
    const last = rules[rules.length - 1]!;
    expect([last.hardware, last.framework, last.precision]).toEqual([undefined, undefined, undefined]);
  });

  test('a malformed table is a one-line error naming the line and the column', () => {
    const header = 'hardware,framework,precision,kv_cache,source';
    expect(() => parseKvCache(`${header}\nh200,sglang,*,fp16,x\n`)).toThrow('inferencex-kv-cache.csv:2: kv_cache must be bf16 or fp8, got "fp16"');
    expect(() => parseKvCache(`${header}\nh200,,*,bf16,x\n`)).toThrow(/:2: framework must be a value or \*/);
    expect(() => parseKvCache(`${header}\nh200,sglang,*,bf16,\n`)).toThrow(/:2: source must be where the precision was read/);
    expect(() => parseKvCache('hardware,framework\nh200,sglang\n')).toThrow(/missing column\(s\) precision, kv_cache, source/);
  });
});

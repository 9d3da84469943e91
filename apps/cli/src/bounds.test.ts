import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, expectUserError } from './test-cli.ts';

// Every input the CLI accepts gives finite figures or a one-line error naming the flag or field
// and its limit (docs/MODEL.md §1.5). Before the limits, these gave ∞ or NaN in "feasible"
// results, or hung.
const ESTIMATE = ['estimate', '--model', 'llama-3.1-70b', '--hardware', 'h100-sxm', '--tp', '8'];
const TRAIN = ['train', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--tp', '8'];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ridgeline-bounds-'));
  const llama = { model_type: 'llama', hidden_size: 4096, num_attention_heads: 32, num_key_value_heads: 8, intermediate_size: 14336, vocab_size: 128256 };
  await writeFile(join(dir, 'deep.json'), JSON.stringify({ ...llama, num_hidden_layers: 1e12 }));
  await writeFile(join(dir, 'wide.json'), JSON.stringify({ ...llama, num_hidden_layers: 32, num_attention_heads: 1e12, num_key_value_heads: 1 }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('limits on the command line', () => {
  it.each([
    [[...ESTIMATE, '--moe-imbalance', '1e308'], '--moe-imbalance must be at most 64, got "1e308"'],
    [[...ESTIMATE, '--price', '1e308'], '--price must be at most 1e6 USD per chip-hour, got "1e308"'],
    [[...ESTIMATE, '--batch', '2000000000'], '--batch must be at most 1e9, got "2000000000"'],
    [[...ESTIMATE, '--input', '99999999999'], '--input must be at most 1e9, got "99999999999"'],
    [[...ESTIMATE, '--chips', '33554432'], '--chips must be at most 16,777,216, got "33554432"'],
    [[...TRAIN, '--optimizer-bytes', '1e308'], '--optimizer-bytes must be at most 64 bytes per parameter, got "1e308"'],
    [[...TRAIN, '--price', '1e308'], '--price must be at most 1e6 USD per chip-hour, got "1e308"'],
    [[...TRAIN, '--tokens', '1e300'], '--tokens must be at most 1e15, got "1e300"'],
    [['plan', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--tpot', '50ms', '--input', '2000000000'], '--input must be at most 1e9, got "2000000000"'],
    // the limits read numbers in the CLI's one grammar: exponents too, and nothing else
    [[...ESTIMATE, '--batch', '2e9'], '--batch must be at most 1e9, got "2e9"'],
    [[...ESTIMATE, '--prefill-workers', '1', '--prefill-tp', '1.6e8'], '--prefill-tp must be at most 16,777,216, got "1.6e8"'],
    [[...ESTIMATE, '--prefill-workers', '1', '--prefill-ep', '0x10'], '--prefill-ep must be a positive integer, got "0x10"'],
    [[...TRAIN, '--tokens', '1_000'], '--tokens must be a positive number of tokens, such as 15e12, got "1_000"'],
    [[...ESTIMATE, '--stack', ''], '--stack needs a value (name), got ""'],
    [[...TRAIN, '--efficiency-profile='], '--efficiency-profile needs a value (name), got ""'],
  ])('%j', async (argv, message) => {
    expectUserError(await cli(argv), message);
  });

  it('a config.json with 10¹² layers or heads is a one-line error, at once', async () => {
    expectUserError(
      await cli(['estimate', '--model', './deep.json', '--hardware', 'h100-sxm'], dir),
      'model config "./deep.json": "num_hidden_layers" must be at most 1e5 (the number of transformer layers), got 1000000000000',
    );
    expectUserError(
      await cli(['estimate', '--model', './wide.json', '--hardware', 'h100-sxm'], dir),
      'model config "./wide.json": "num_attention_heads" must be at most 1e5 (the number of query heads), got 1000000000000',
    );
  });

  it('at the limits themselves, every figure is finite', async () => {
    const estimate = await cli(['estimate', '--model', 'mixtral-8x7b', '--hardware', 'h100-sxm', '--tp', '8', '--ep', '8', '--moe-imbalance', '64', '--price', '1e6', '--json']);
    expect(estimate.code).toBe(0);
    const e = JSON.parse(estimate.stdout) as Record<string, unknown>;
    for (const key of ['ttftS', 'tpotS', 'tokensPerS', 'costPerMillionTokensUsd', 'energyPerTokenJ']) expect(Number.isFinite(e[key]), key).toBe(true);
    const train = await cli([...TRAIN, '--optimizer-bytes', '64', '--price', '1e6', '--json']);
    expect(train.code).toBe(0);
    const t = JSON.parse(train.stdout) as Record<string, unknown>;
    for (const key of ['stepTimeS', 'costUsd', 'totalTimeS']) expect(Number.isFinite(t[key]), key).toBe(true);
  });
});

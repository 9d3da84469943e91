import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { getModel } from '@ridgeline/catalog';
import { withEfficiencyProfile } from '@ridgeline/hardware';
import { h200 } from '@ridgeline/hardware-nvidia';
import { estimateInference } from '@ridgeline/model';
import { HELD_OUT_BATCHES, heldOutLines, predictHeldOut, readHeldOut, withHeldOutSection } from './held-out.ts';

describe('the held-out TensorRT-LLM rows (data/trtllm-perf-overview.csv)', () => {
  const rows = readHeldOut();

  test('reads every published cell of the models in the catalog: v1.0, 7 models and 210 rows; v0.17, 5 models and 187 rows', () => {
    const of = (release: string) => rows.filter((r) => r.release === release);
    expect(rows).toHaveLength(210 + 187);
    expect(new Set(of('v1.0').map((r) => r.model))).toEqual(
      new Set(['llama-3.3-70b', 'llama-3.1-405b', 'llama-3.1-8b', 'qwen3-235b-a22b', 'qwen3-30b-a3b', 'llama-4-scout', 'llama-4-maverick']),
    );
    // v0.17 on H200 and H100: Llama 3.1 8B (TP 1), 70B (TP 1, 2, 4, 8), 405B (TP 8, H200 only), Mixtral 8x7B (TP 1–8), 8x22B (TP 8)
    expect(of('v0.17')).toHaveLength(187);
    expect(new Set(of('v0.17').map((r) => r.model))).toEqual(new Set(['llama-3.1-8b', 'llama-3.1-70b', 'llama-3.1-405b', 'mixtral-8x7b', 'mixtral-8x22b']));
    // 9 lengths × (H200: 8B 1 + 70B 4 + 405B 1 + 8x7B 4 + 8x22B 1 = 11 tables; H100: 10 tables) less H100 70B TP 1's two blank cells
    expect(of('v0.17').filter((r) => r.hardware === 'h200')).toHaveLength(9 * 11);
    expect(of('v0.17').filter((r) => r.hardware === 'h100')).toHaveLength(9 * 10 - 2);
    for (const r of rows) expect(getModel(r.model), r.model).toBeDefined();
    // the first cell of the Llama 3.3 70B table: B200, TP 1, FP4, 128/128
    expect(rows[0]).toEqual({ line: 2, model: 'llama-3.3-70b', hardware: 'b200', tp: 1, ep: 1, precision: 'fp4', isl: 128, osl: 128, outputTokensPerS: 11147, release: 'v1.0' });
    // v0.17's Llama 3.1 70B on one H100, 128/2048: 911.62 tokens/s against H200's 4,165.68 (the KV cache that 80 GB leaves)
    expect(of('v0.17').find((r) => r.model === 'llama-3.1-70b' && r.hardware === 'h100' && r.tp === 1 && r.osl === 2048 && r.isl === 128)?.outputTokensPerS).toBe(911.62);
  });

  test('a row is the most output tokens/s over the engine batches that fit, under the chip\'s trtllm profile', () => {
    // Llama 3.1 8B on one H200, FP8, 1000/1000
    const row = rows.find((r) => r.model === 'llama-3.1-8b' && r.hardware === 'h200' && r.isl === 1000 && r.osl === 1000 && r.release === 'v1.0')!;
    const p = predictHeldOut(row);
    const chip = withEfficiencyProfile(h200, 'trtllm').chip;
    const at = (batch: number) =>
      estimateInference({ model: getModel('llama-3.1-8b')!, chip, chips: 1, parallelism: { tp: 1, pp: 1, ep: 1 }, batch, inputTokens: 1000, outputTokens: 1000, precision: { weights: 'fp8', kvCache: 'fp8', activations: 'fp8' } });
    const fitting = HELD_OUT_BATCHES.map(at).filter((r) => r.feasible);
    expect(fitting.length).toBeGreaterThan(0);
    expect(p.predictedTokensPerS).toBe(Math.max(...fitting.map((r) => (r.feasible ? r.tokensPerS : 0))));
    const chosen = at(p.batch);
    expect(chosen.feasible && chosen.tokensPerS).toBe(p.predictedTokensPerS);
    expect(p.error).toBe(p.predictedTokensPerS / 17744 - 1);
  });

  test('a malformed row names its line and column', () => {
    const dir = mkdtempSync(join(tmpdir(), 'held-out-'));
    const path = join(dir, 'rows.csv');
    const header = 'model,hardware,tp,ep,precision,isl,osl,output_tokens_per_s,release\n';
    writeFileSync(path, `${header}llama-3.1-8b,h200,1,1,fp8,128,128,-5,v1.0\n`);
    expect(() => readHeldOut(path)).toThrow(`${path}:2: output_tokens_per_s must be a positive number, got "-5"`);
    writeFileSync(path, `${header}llama-3.1-8b,h200,1,1,int3,128,128,5,v1.0\n`);
    expect(() => readHeldOut(path)).toThrow(`${path}:2: precision must be fp8 or fp4, got "int3"`);
    writeFileSync(path, `${header}llama-3.1-8b,h200,1,1,fp8,128,128,5,v2\n`);
    expect(() => readHeldOut(path)).toThrow(`${path}:2: release must be one of v1.0, v0.17, got "v2"`);
  });

  test("this app's README shows the table pnpm validate prints (pnpm validate --readme regenerates it)", () => {
    const lines = heldOutLines(rows.map(predictHeldOut));
    // one line per release, model, chip and layout (v1.0: 22; v0.17: 21), then one per release, then the dense, MoE and pooled lines
    expect(lines).toHaveLength(2 + 22 + 21 + 2 + 3);
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain('<!-- held-out:begin -->');
    expect(withHeldOutSection(readme, lines)).toBe(readme);
  });
});

import { describe, expect, it } from 'vitest';
import { cli, expectInfeasible, expectUserError } from '../test-cli.ts';

const BASE = ['train', '--model', 'llama-3.1-70b', '--hardware', 'h100-sxm'];
const RUN = [...BASE, '--chips', '1024', '--tp', '8', '--pp', '4', '--seq', '8192', '--global-batch', '512', '--tokens', '15e12'];

describe('ridgeline train', () => {
  it('prints the step, memory and run as JSON', async () => {
    const r = await cli([...RUN, '--json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as Record<string, unknown> & { inputs: { parallelism: Record<string, number> } };
    expect(result.feasible).toBe(true);
    // dp is derived: 1024 / (tp 8 · pp 4 · cp 1)
    expect(result.inputs.parallelism).toEqual({ dp: 32, tp: 8, pp: 4, cp: 1, ep: 1 });
    // 512 sequences / (dp 32 · micro-batch 1) = 16 micro-batches; bubble (4 − 1)/(16 + 4 − 1)
    expect(result.microBatches).toBe(16);
    expect(result.bubbleFraction).toBeCloseTo(3 / 19, 12);
    for (const key of ['stepTimeS', 'tokensPerS', 'mfu', 'mfuWithAttention', 'hfu', 'totalTimeS', 'costUsd', 'energyJ']) {
      expect(Number.isFinite(result[key]), key).toBe(true);
    }
    // the run: 15e12 tokens at tokens/s, cost at the H100's list price per chip-hour
    expect(result.totalTimeS as number).toBeCloseTo(15e12 / (result.tokensPerS as number), -2);
  });

  it('prints a readable report', async () => {
    const r = await cli(RUN);
    expect(r.code).toBe(0);
    for (const heading of ['Step', 'Memory per chip', 'Run of 15.0 T tokens', 'What limits it:']) expect(r.stdout).toContain(heading);
    expect(r.stdout).toContain('1F1B bubble 15.8%');
  });

  it('prints the run time in days, hours or minutes', async () => {
    // 15e12 tokens at ~735k tokens/s is about 236 days; 5e10 about 19 hours; 1e9 about 23 minutes.
    const time = async (tokens: string): Promise<string | undefined> =>
      /^ {2}time +(.+)$/m.exec((await cli([...RUN.slice(0, -1), tokens])).stdout)?.[1];
    expect(await time('15e12')).toMatch(/^\d{3} d \(\d{1,3}(,\d{3})* steps\)$/);
    expect(await time('5e10')).toMatch(/^\d\d\.\d h \(\d{1,3}(,\d{3})* steps\)$/);
    expect(await time('1e9')).toMatch(/^\d\d\.\d min \(\d{1,3}(,\d{3})* steps\)$/);
  });

  // Before (reliability defect 21): --tokens 1 printed "15.4 µs (0 steps)"; 0x10 and 0b11 were read as 16 and 3.
  it('says a run shorter than one step is less than one step, and reads --tokens as decimal only', async () => {
    const time = async (tokens: string): Promise<string | undefined> =>
      /^ {2}time +(.+)$/m.exec((await cli([...RUN.slice(0, -1), tokens])).stdout)?.[1];
    expect(await time('1')).toMatch(/^less than one step \(\d+(\.\d+)? s per step\)$/);
    expect(await time('15e12')).not.toContain('less than one step');
    expectUserError(await cli([...BASE, '--tokens', '0b11']), '--tokens must be a positive number of tokens, such as 15e12, got "0b11"');
  });

  it('reports an infeasible layout as an answer, exit 0, and --json prints the result with no figures', async () => {
    expectInfeasible(await cli([...BASE, '--tp', '3']), 'tp_divides_heads', 'TP 3 does not divide the 64 attention heads of llama-3.1-70b.');
    expectInfeasible(await cli([...BASE, '--chips', '16', '--tp', '8', '--global-batch', '3']), 'batch_divides', 'the global batch 3 is not a multiple of DP·b = 2·1.');
    const json = await cli([...BASE, '--tp', '3', '--json']);
    expect([json.code, json.stderr]).toEqual([0, '']);
    const result = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(result).toMatchObject({ feasible: false, reason: 'tp_divides_heads', memoryPerChipBytes: null });
    expect(result).not.toHaveProperty('bound');
    expect(result).not.toHaveProperty('stepTimeS');
  });

  it('names a change that fits a run that does not, and it runs', async () => {
    const r = await cli(['train', '--model', 'llama-3.1-70b', '--hardware', 'h100', '--chips', '8', '--tp', '8']);
    expectInfeasible(r, 'capacity', 'Does not fit: needs 152.5 GB per chip');
    const suggested = /^  ridgeline (train .*)$/m.exec(r.stdout)?.[1];
    expect(suggested).toBe('train --model llama-3.1-70b --hardware h100 --tp 8 --chips 32 --pp 4');
    expect((await cli((suggested ?? '').split(' '))).code).toBe(0);
  });

  it('rejects malformed numbers naming the flag', async () => {
    expectUserError(await cli([...BASE, '--tokens', 'lots']), '--tokens must be a positive number of tokens, such as 15e12, got "lots"');
    expectUserError(await cli([...BASE, '--tokens', '0x10']), '--tokens must be a positive number of tokens, such as 15e12, got "0x10"');
    expectUserError(await cli([...BASE, '--seq', '-1']), '--seq must be a positive integer, got "-1"');
    expectUserError(await cli([...BASE, '--chips', '10', '--tp', '4']), '--chips (10) must be a multiple of tp·pp·cp (4); or give --dp as well');
    expectUserError(await cli([...BASE, '--zero', '4']), '--zero must be one of 0, 1, 2, 3, got "4"');
  });
});

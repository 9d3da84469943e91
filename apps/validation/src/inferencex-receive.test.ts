import { describe, expect, test } from 'vitest';
import { inferencexArgv, inferencexConfig } from './inferencex.ts';
import { inferencexReceiveInterval, parseReceiveIntervals, readReceiveIntervals } from './inferencex-receive.ts';
import { findRow } from './test-rows.ts';

describe("each single-node SGLang engine's intake interval (data/inferencex-receive-interval.csv)", () => {
  test('B200 and B300 scripts: 30 from concurrency 16, 10 below and at TP 4; the rest set none', () => {
    const b200 = (conc: number, tp: number) => findRow((r) => r.hardware === 'b200' && r.framework === 'sglang' && r.precision === 'fp8' && r.specMethod === 'none' && r.decodeTp === tp && r.conc === conc);
    expect(inferencexReceiveInterval(b200(32, 8))).toBe(30);
    expect(inferencexReceiveInterval(b200(16, 8))).toBe(30);
    expect(inferencexReceiveInterval(b200(8, 8))).toBe(10);
    expect(inferencexReceiveInterval(b200(32, 4))).toBe(10);
    const b300 = findRow((r) => r.hardware === 'b300' && r.framework === 'sglang' && r.precision === 'fp4' && r.conc === 16);
    expect(inferencexReceiveInterval(b300)).toBe(30);
    // the configuration and the command carry it
    expect(inferencexConfig(b200(32, 8), 'continuous').receiveInterval).toBe(30);
    expect(inferencexArgv(b200(32, 8))).toContain('--receive-interval');
    // no flag in the H200 and AMD scripts, and other stacks and disaggregated engines take none
    for (const where of [
      (r: { hardware: string; framework: string }) => r.hardware === 'h200' && r.framework === 'sglang',
      (r: { hardware: string; framework: string }) => r.hardware === 'mi355x' && r.framework === 'sglang',
      (r: { hardware: string; framework: string }) => r.hardware === 'b200' && r.framework === 'trt',
      (r: { hardware: string; framework: string }) => r.hardware === 'b200' && r.framework === 'dynamo-sglang',
    ]) {
      const row = findRow(where);
      expect(inferencexReceiveInterval(row)).toBeUndefined();
      expect(inferencexConfig(row, 'continuous').receiveInterval).toBeUndefined();
    }
  });

  test('every rule names where it was read', () => {
    expect(readReceiveIntervals().every((r) => r.source.length > 20)).toBe(true);
  });

  test('a malformed table is a one-line error naming the line and the column', () => {
    const header = 'hardware,framework,precision,spec,tp,conc,from,to,interval,source';
    expect(() => parseReceiveIntervals(`${header}\nb200,sglang,*,eagle,*,*,*,*,10,x\n`)).toThrow(/:2: spec must be mtp, none or \*/);
    expect(() => parseReceiveIntervals(`${header}\nb200,sglang,*,*,*,*,*,*,0,x\n`)).toThrow(/:2: interval must be a positive integer or unset/);
    expect(() => parseReceiveIntervals(`${header}\nb200,sglang,*,*,*,a-b,*,*,10,x\n`)).toThrow(/:2: conc must be a positive integer, a range a-b \(b may be \*\) or \*/);
    expect(() => parseReceiveIntervals(`${header}\nb200,sglang,*,*,*,*,2026-1-1,*,10,x\n`)).toThrow(/:2: from must be a day YYYY-MM-DD or \*/);
    expect(() => parseReceiveIntervals(`${header}\nb200,sglang,*,*,*,*,*,*,10,\n`)).toThrow(/:2: source must be where the interval was read/);
  });
});

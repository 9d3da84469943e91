import { describe, expect, test } from 'vitest';
import { readInferencex, type InferencexRow } from './inferencex.ts';
import { DEFAULT_MTP_DRAFT_TOKENS, inferencexDraftTokens, mtpOutputLengthRatios, mtpRuleMatches, parseMtpDrafts, readMtpDrafts } from './inferencex-mtp.ts';
import { findRow, keptRows } from './test-rows.ts';

const HEADER = 'hardware,framework,precision,isl,osl,decode_dp_attention,workers,conc,from,to,draft_tokens,source';
const rows = keptRows;
const mtpRows = rows.filter((r) => r.specMethod === 'mtp');
const find = (where: (r: InferencexRow) => boolean): InferencexRow => findRow(where, mtpRows);

describe('draft tokens per step of the InferenceX MTP rows (data/inferencex-mtp-drafts.csv)', () => {
  test('single-node TensorRT-LLM drafts 3 with attention over TP and 1 with data-parallel attention, as its script sets MTP', () => {
    expect(inferencexDraftTokens(find((r) => r.framework === 'trt' && !r.decodeDpAttention))).toBe(3);
    expect(inferencexDraftTokens(find((r) => r.framework === 'trt' && r.decodeDpAttention))).toBe(1);
  });

  test('SGLang drafts 2 (speculative-num-steps 2), except the B200 FP8 1P2D throughput recipe, which drafts 1', () => {
    expect(inferencexDraftTokens(find((r) => r.framework === 'sglang'))).toBe(2);
    expect(inferencexDraftTokens(find((r) => r.framework === 'dynamo-sglang' && r.hardware === 'h200'))).toBe(2);
    const p1d2 = find((r) => r.framework === 'dynamo-sglang' && r.hardware === 'b200' && r.precision === 'fp8' && r.isl === 1024 && r.decodeDpAttention && r.prefillNumWorkers === 1 && r.decodeNumWorkers === 2);
    expect(p1d2.conc).toBeGreaterThanOrEqual(512);
    expect(inferencexDraftTokens(p1d2)).toBe(1);
  });

  test('disaggregated TensorRT-LLM with data-parallel attention follows the recipe of its concurrency', () => {
    const at = (conc: number): number => inferencexDraftTokens(find((r) => r.hardware === 'b200' && r.framework === 'dynamo-trt' && r.precision === 'fp4' && r.isl === 1024 && r.osl === 1024 && r.decodeDpAttention && r.conc === conc));
    // …_mtp3 at 875, …_mtp2 at 1214, …_mtp1 at 4968 and 10860
    expect([875, 1214, 4968, 10860].map(at)).toEqual([3, 2, 1, 1]);
  });

  test('MoRI-SGLang FP4 with attention over TP drafts 3 up to concurrency 32 and 1 from 64', () => {
    const at = (conc: number): number => inferencexDraftTokens(find((r) => r.framework === 'mori-sglang' && r.precision === 'fp4' && !r.decodeDpAttention && r.conc === conc));
    expect([32, 64].map(at)).toEqual([3, 1]);
  });

  test('dated rules: GB200 FP4 at concurrency 512 before 2026 takes the inline configuration (3)', () => {
    const row = find((r) => r.hardware === 'gb200' && r.framework === 'dynamo-trt' && r.precision === 'fp4' && r.isl === 1024 && r.osl === 1024 && r.decodeDpAttention && r.conc === 512);
    expect(row.date < '2026').toBe(true);
    expect(inferencexDraftTokens(row)).toBe(3);
    // the same row a day into 2026 matches neither dated rule: the catch-all dynamo-trt rule
    expect(inferencexDraftTokens({ ...row, date: '2026-01-01', conc: 513 })).toBe(3);
  });

  test('every MTP row is matched by a rule, and every rule for one concurrency matches a row', () => {
    const rules = readMtpDrafts();
    expect(mtpRows.every((row) => rules.some((rule) => mtpRuleMatches(rule, row)))).toBe(true);
    // a rule naming one concurrency was read off a recipe for a measured row: none is stale
    const single = rules.filter((rule) => rule.concMin === rule.concMax);
    expect(single.length).toBeGreaterThan(40);
    expect(single.filter((rule) => !mtpRows.some((row) => mtpRuleMatches(rule, row))).map((rule) => rule.line)).toEqual([]);
  });

  test('a malformed table is a one-line error naming the line and the column', () => {
    expect(() => parseMtpDrafts(`${HEADER}\nb200,trt,fp8,*,*,maybe,*,*,*,*,3,x\n`)).toThrow('inferencex-mtp-drafts.csv:2: decode_dp_attention must be true, false or *, got "maybe"');
    expect(() => parseMtpDrafts(`${HEADER}\nb200,trt,fp8,*,*,*,*,10-x,*,*,3,x\n`)).toThrow(/:2: conc must be a positive integer, a range a-b \(b may be \*\) or \*/);
    expect(() => parseMtpDrafts(`${HEADER}\nb200,trt,fp8,*,*,*,*,*,*,*,0,x\n`)).toThrow(/:2: draft_tokens must be an integer from 1 to 8, got "0"/);
    expect(() => parseMtpDrafts(`${HEADER}\nb200,trt,fp8,*,*,*,*,*,2026-1-1,*,3,x\n`)).toThrow(/:2: from must be a day YYYY-MM-DD or \*/);
    expect(() => parseMtpDrafts('hardware,framework\nb200,trt\n')).toThrow(/missing column\(s\) precision, isl/);
  });

  test('a row no rule covers takes the default, 3', () => {
    expect(inferencexDraftTokens(mtpRows[0]!, [])).toBe(DEFAULT_MTP_DRAFT_TOKENS);
    expect(DEFAULT_MTP_DRAFT_TOKENS).toBe(3);
  });
});

describe('MTP over long outputs: the drafts are accepted more often (mtpOutputLengthRatios)', () => {
  test('by hand: a configuration measured at both output lengths gives one ratio, the 8k row over the 1k row', () => {
    const base = rows.find((r) => r.isl === 1024 && r.osl === 1024 && r.conc <= 64)!;
    const at = (osl: number, medianIntvty: number, over: Partial<InferencexRow> = {}): InferencexRow => ({ ...base, osl, medianIntvty, ...over });
    const ratios = mtpOutputLengthRatios([
      at(1024, 100, { specMethod: 'mtp' }),
      at(8192, 120, { specMethod: 'mtp' }),
      at(1024, 50, { specMethod: 'none' }),
      at(8192, 51, { specMethod: 'none' }),
      at(8192, 80, { specMethod: 'none', conc: 2 * base.conc + 1 }), // no 1k row at that concurrency: no pair
      at(1024, 10, { specMethod: 'mtp', conc: 128 }), // above the concurrency bound
      at(8192, 30, { specMethod: 'mtp', conc: 128 }),
    ]);
    expect(ratios.mtp).toEqual([120 / 100]);
    expect(ratios.none).toEqual([51 / 50]);
  });

  test('the rows: with MTP the 8k outputs run 1.19x the 1k ones per user (median, 37 configurations), without MTP 1.03x (34)', () => {
    const all = readInferencex();
    const { mtp, none } = mtpOutputLengthRatios(all);
    const median = (xs: readonly number[]): number => xs[Math.floor(xs.length / 2)]!;
    expect([mtp.length, none.length]).toEqual([37, 34]);
    expect(median(mtp)).toBeGreaterThan(1.15);
    expect(median(none)).toBeGreaterThan(0.97);
    expect(median(none)).toBeLessThan(1.07);
    // nearly every MTP pair gains over 10%, nearly no pair without MTP does
    expect(mtp.filter((x) => x > 1.1).length).toBeGreaterThanOrEqual(30);
    expect(none.filter((x) => x > 1.1).length).toBeLessThanOrEqual(1);
  });
});

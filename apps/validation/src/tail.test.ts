import { describe, expect, test } from 'vitest';
import type { InferencexRow, RankedPrediction } from './inferencex.ts';
import { deploymentOf, tailLines, TAIL_LISTED_FROM } from './tail.ts';

/** A prediction of a single-node row with the given layout columns, measured 100 on both metrics. */
function prediction(chip: string, columns: Partial<InferencexRow>, predictedThroughput: number | undefined, date = '2026-02-01'): RankedPrediction {
  const row = {
    framework: 'sglang',
    disagg: false,
    specMethod: 'none',
    decodeTp: 8,
    decodeEp: 1,
    decodeDpAttention: false,
    decodeNumWorkers: 0,
    numDecodeGpu: 8,
    tputPerGpu: 100,
    medianIntvty: 100,
    medianTtft: 1,
    date,
    ...columns,
  } as InferencexRow;
  return {
    row,
    config: { chip: { id: chip } },
    predicted: predictedThroughput === undefined ? undefined : { throughput: predictedThroughput, interactivity: 90, ttft: 1 },
  };
}

describe('deploymentOf', () => {
  test('names the chip, framework, engine, MTP and the decode layout the rows ran', () => {
    expect(deploymentOf(prediction('b200', {}, 100))).toBe('b200 sglang, one engine, no MTP, decode TP 8');
    expect(deploymentOf(prediction('h200', { specMethod: 'mtp', decodeEp: 8, decodeDpAttention: true }, 100))).toBe('h200 sglang, one engine, MTP, decode DP attention 8, EP 8');
    // disaggregated: the worker is num_decode_gpu ÷ decode_num_workers chips (48 ÷ 3 = 16)
    const worker = { framework: 'dynamo-trt', disagg: true, decodeTp: 16, decodeEp: 16, decodeDpAttention: true, decodeNumWorkers: 3, numDecodeGpu: 48 };
    expect(deploymentOf(prediction('h100-sxm', worker, 100))).toBe('h100-sxm dynamo-trt, disaggregated, no MTP, decode DP attention 16, EP 16');
  });
});

describe('tailLines', () => {
  // 20 scored rows (one more the model calls infeasible, which has no error and is left out):
  // - b200 TP 8: 5 rows at +50% (beyond), 5 at +10%;
  // - h100 TP 16: 3 rows at −40% (beyond), the first run a month before the others;
  // - mi355x TP 4: 2 rows at +36% (beyond, fewer than TAIL_LISTED_FROM = 3: counted, not listed), 5 at 0%.
  const predictions = [
    ...Array.from({ length: 5 }, () => prediction('b200', {}, 150)),
    ...Array.from({ length: 5 }, () => prediction('b200', {}, 110)),
    prediction('h100-sxm', { decodeTp: 16 }, 60, '2026-01-08'),
    prediction('h100-sxm', { decodeTp: 16 }, 60, '2026-02-08'),
    prediction('h100-sxm', { decodeTp: 16 }, 60, '2026-02-08'),
    ...Array.from({ length: 2 }, () => prediction('mi355x', { decodeTp: 4 }, 136)),
    ...Array.from({ length: 5 }, () => prediction('mi355x', { decodeTp: 4 }, 100)),
    prediction('mi355x', { decodeTp: 4 }, undefined),
  ];
  const lines = tailLines(predictions);

  test('counts the rows beyond the bound against the tenth of the scored rows a p90 at the bound allows', () => {
    // 5 + 3 + 2 = 10 beyond 35%; ⌊20/10⌋ = 2 allowed
    expect(lines[0]).toBe('Out of sample, 10 of 20 rows miss throughput per GPU by more than 35%, where a p90 of 35% allows 2. The deployments holding 3 or more of them:');
  });

  test('lists the deployments with at least TAIL_LISTED_FROM such rows, most first, with dates and median signed errors', () => {
    expect(TAIL_LISTED_FROM).toBe(3);
    const table = lines.filter((l) => l.startsWith('| ') && !l.startsWith('| deployment'));
    expect(table).toEqual([
      // b200: medians of five +50% and five +10% = (10% + 50%)/2 = +30%; tokens/s per user 90/100 − 1 = −10%
      '| b200 sglang, one engine, no MTP, decode TP 8 | 2026-02-01 | 10 | 5 | +30% | −10% |',
      '| h100-sxm sglang, one engine, no MTP, decode TP 16 | 2026-01-08 – 2026-02-08 | 3 | 3 | −40% | −10% |',
    ]);
  });

  test('counts the deployments with fewer such rows in a closing line', () => {
    expect(lines[lines.length - 1]).toBe('The other 2 rows beyond 35% are spread over 1 deployments, at most 2 in each.');
  });

  test('a row exactly at the bound is not beyond it', () => {
    const atBound = tailLines([prediction('b200', {}, 135), prediction('b200', {}, 65)]);
    expect(atBound[0]).toMatch(/^Out of sample, 0 of 2 rows/);
    expect(atBound.filter((l) => l.startsWith('| b200'))).toEqual([]);
  });
});

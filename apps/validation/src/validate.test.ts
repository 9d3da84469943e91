import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { publishedSi, type PublishedRow } from './csv.ts';
import { NOT_EXPRESSIBLE, PLANS } from './plans.ts';
import { runInferencex } from './inferencex.ts';
import { withAccuracySection } from './report.ts';
import { loadRows, quantile, runValidation } from './validate.ts';

const rows = loadRows();
const report = runValidation(rows);
const inferencex = runInferencex();

describe('the published measurements', () => {
  test('every planned row exists in public.csv, once', () => {
    const ids = new Set(rows.map((r) => r.id));
    for (const plan of PLANS) expect(ids.has(plan.id), plan.id).toBe(true);
    expect(new Set(PLANS.map((p) => p.id)).size).toBe(PLANS.length);
  });

  test('every row is either reproduced or listed with a reason', () => {
    expect(report.outcomes.length + report.skipped.length).toBe(rows.length);
    for (const id of Object.keys(NOT_EXPRESSIBLE)) expect(report.skipped.map((s) => s.id)).toContain(id);
  });

  test('units convert to SI', () => {
    const row = (value: number, unit: string): PublishedRow => ({ ...rows[0]!, value, unit });
    expect(publishedSi(row(28.5, 'ms/token'))).toBeCloseTo(0.0285, 12);
    expect(publishedSi(row(43, '%'))).toBeCloseTo(0.43, 12);
    expect(publishedSi(row(0.29, 's'))).toBe(0.29);
    expect(publishedSi(row(137, 'TFLOP/s'))).toBe(137e12);
    expect(publishedSi(row(1, 'million USD'))).toBeUndefined();
  });

  test('quantile interpolates between order statistics', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([0, 10], 0.9)).toBe(9);
  });
});

describe('accuracy on inference rows (issue target: median |error| ≤ 15%)', () => {
  test('median |error| over measured rows is at most 15%', () => {
    expect(report.medianAbsError).toBeLessThanOrEqual(0.15);
  });

  test('at least 40 inference rows are reproduced', () => {
    expect(report.outcomes.filter((o) => o.error !== undefined).length).toBeGreaterThanOrEqual(40);
  });

  test('no measured row is off by more than a factor of two', () => {
    for (const o of report.outcomes) {
      if (o.error === undefined || o.plan.sourceAssumes !== undefined) continue;
      expect(Math.abs(Math.log(1 + o.error)), o.row.id).toBeLessThan(Math.log(2));
    }
  });
});

describe('the READMEs', () => {
  test("the root README's Accuracy section shows this validation's table, counts and reasons (pnpm validate --readme regenerates it)", () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain('Not reproduced, with the reason:');
    expect(readme).toContain('<!-- inferencex:begin -->');
    expect(withAccuracySection(readme, report, inferencex)).toBe(readme);
  });

  test("this app's README shows the current counts and medians", () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain('- Rows reproduced: ');
    expect(withAccuracySection(readme, report)).toBe(readme);
  });
});

import { describe, expect, test } from 'vitest';
import { efficiencyAt } from './efficiency.ts';

describe('efficiencyAt', () => {
  const curve = { curve: [[1, 0.2], [101, 0.8], [201, 0.9]] as const, over: 'arithmeticIntensity' as const, source: 'test' };
  test('a constant ignores x', () => {
    expect(efficiencyAt({ value: 0.7, source: 'test' }, 1e9)).toBe(0.7);
  });
  test('interpolates linearly between points', () => {
    // halfway between (1, 0.2) and (101, 0.8): 0.2 + 0.6 * 0.5
    expect(efficiencyAt(curve, 51)).toBeCloseTo(0.5, 12);
    // a quarter of the way from (101, 0.8) to (201, 0.9): 0.8 + 0.1 * 0.25
    expect(efficiencyAt(curve, 126)).toBeCloseTo(0.825, 12);
  });
  test('holds end values outside the points', () => {
    expect(efficiencyAt(curve, 0)).toBe(0.2);
    expect(efficiencyAt(curve, 1e6)).toBe(0.9);
  });
});

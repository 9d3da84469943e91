import { describe, expect, test } from 'vitest';
import { efficiencyAt, withEfficiencyProfile } from './efficiency.ts';
import { testChip } from './test-chip.ts';

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

describe('withEfficiencyProfile', () => {
  const profiled = {
    ...testChip,
    efficiencyProfiles: { '2023': { ...testChip.efficiency, description: 'the 2023 tables', memory: { value: 0.35, source: 'fit: 2023 rows' } } },
  };

  test('swaps in the named profile, without its description', () => {
    const { chip, note } = withEfficiencyProfile(profiled, '2023');
    expect(note).toBeUndefined();
    expect(chip.efficiency.memory).toEqual({ value: 0.35, source: 'fit: 2023 rows' });
    expect('description' in chip.efficiency).toBe(false);
  });

  test('falls back to the default efficiencies with a one-line note naming the profiles it has', () => {
    const { chip, note } = withEfficiencyProfile(profiled, 'sglang');
    expect(chip).toBe(profiled);
    expect(note).toBe(`${testChip.id} has no "sglang" efficiency profile (it has 2023); using its default efficiencies`);
    expect(withEfficiencyProfile(testChip, 'sglang').note).toMatch(/\(it has none\)/);
  });
});

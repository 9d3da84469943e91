import { describe, expect, it } from 'vitest';
import { sourcedFigures } from './sources.ts';
import { testChip } from './test-chip.ts';

describe('sourcedFigures', () => {
  it('lists every sourced number and efficiency with its dotted path, curves with their points', () => {
    const chip = testChip;
    const figures = sourcedFigures(chip);
    const byPath = new Map(figures.map((f) => [f.path, f]));
    expect(byPath.get('memory.capacityBytes')?.values).toEqual([chip.memory.capacityBytes.value]);
    expect(byPath.get('memory.capacityBytes')?.source).toBe(chip.memory.capacityBytes.source);
    expect(byPath.get('compute.peakDenseFlopsPerS.bf16')?.values).toEqual([chip.compute.peakDenseFlopsPerS.bf16?.value]);
    expect(byPath.has('efficiency.flop')).toBe(true);
    // nothing unsourced (ids, names, topology) and nothing inside a figure is listed
    expect(figures.every((f) => typeof f.source === 'string')).toBe(true);
    expect([...byPath.keys()].some((p) => p.endsWith('.value') || p.endsWith('.source') || p === 'id')).toBe(false);
  });

  it('reads a curve as the efficiencies of its points', () => {
    const chip = { ...testChip, efficiency: { ...testChip.efficiency, flop: { curve: [[1, 0.2], [300, 0.7]], over: 'arithmeticIntensity', source: 'fit: test rows' } } } as const;
    expect(sourcedFigures(chip).find((f) => f.path === 'efficiency.flop')?.values).toEqual([0.2, 0.7]);
  });
});

import { describe, expect, it } from 'vitest';
import { figureStatus, sourcedFigures } from './sources.ts';
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

describe('figureStatus', () => {
  it('reads an estimate, a placeholder or a TODO from its label, anything else as sourced', () => {
    expect(figureStatus({ source: 'NVIDIA H100 datasheet: max TDP 700 W' })).toBe('sourced');
    expect(figureStatus({ source: 'derived: DGX H100 maximum system input 10.2 kW for 8 GPUs' })).toBe('sourced');
    expect(figureStatus({ source: 'estimate: 10% of TDP' })).toBe('estimated');
    expect(figureStatus({ source: 'estimate (no published v6e power): …' })).toBe('estimated');
    expect(figureStatus({ source: 'Estimate, not a list price' })).toBe('estimated');
    expect(figureStatus({ source: 'PLACEHOLDER, not a quoted price' })).toBe('estimated');
    expect(figureStatus({ source: 'TODO: find a source' })).toBe('estimated');
    expect(figureStatus({ source: 'vendor page (TODO: date)' })).toBe('estimated');
    // a word that only starts like one is not a label
    expect(figureStatus({ source: 'estimates from the vendor are not used here; datasheet 700 W' })).toBe('sourced');
  });
});

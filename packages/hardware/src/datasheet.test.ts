import { describe, expect, test } from 'vitest';
import { datasheetDominates } from './datasheet.ts';
import { testChip } from './test-chip.ts';
import type { ChipSpec } from './types.ts';

/** `testChip` with one figure multiplied by `factor`. */
function withFigure(figure: 'fp8' | 'bandwidth' | 'capacity' | 'scaleUp' | 'domain' | 'scaleOut', factor: number): ChipSpec {
  const c = testChip;
  const times = (x: { value: number; source: string }) => ({ ...x, value: x.value * factor });
  switch (figure) {
    case 'fp8':
      return { ...c, compute: { peakDenseFlopsPerS: { ...c.compute.peakDenseFlopsPerS, fp8: times(c.compute.peakDenseFlopsPerS.fp8!) } } };
    case 'bandwidth':
      return { ...c, memory: { ...c.memory, bandwidthBytesPerS: times(c.memory.bandwidthBytesPerS) } };
    case 'capacity':
      return { ...c, memory: { ...c.memory, capacityBytes: times(c.memory.capacityBytes) } };
    case 'scaleUp':
      return { ...c, scaleUp: { ...c.scaleUp, bandwidthBytesPerS: times(c.scaleUp.bandwidthBytesPerS) } };
    case 'domain':
      return { ...c, scaleUp: { ...c.scaleUp, domainSize: times(c.scaleUp.domainSize) } };
    case 'scaleOut':
      return { ...c, scaleOut: { ...c.scaleOut, bandwidthBytesPerS: times(c.scaleOut.bandwidthBytesPerS) } };
  }
}

describe('datasheetDominates: at least the other chip on every figure serving reads, above it on one', () => {
  const figures = ['fp8', 'bandwidth', 'capacity', 'scaleUp', 'domain', 'scaleOut'] as const;

  test('one figure above and the rest equal dominates; the other way round does not', () => {
    for (const figure of figures) {
      expect(datasheetDominates(withFigure(figure, 2), testChip, 'fp8'), figure).toBe(true);
      expect(datasheetDominates(testChip, withFigure(figure, 2), 'fp8'), figure).toBe(false);
    }
  });

  test('equal on every figure does not dominate (nothing above)', () => {
    expect(datasheetDominates(testChip, testChip, 'fp8')).toBe(false);
  });

  test('one figure below is enough to fail, however far ahead the rest are', () => {
    const ahead = { ...withFigure('fp8', 4), memory: { ...testChip.memory, bandwidthBytesPerS: { value: 10e12, source: 't' }, capacityBytes: { value: 300e9, source: 't' } } };
    expect(datasheetDominates(ahead, testChip, 'fp8')).toBe(true);
    const lessScaleOut = { ...ahead, scaleOut: { ...testChip.scaleOut, bandwidthBytesPerS: { value: testChip.scaleOut.bandwidthBytesPerS.value / 2, source: 't' } } };
    expect(datasheetDominates(lessScaleOut, testChip, 'fp8')).toBe(false);
  });

  test('the peak is read at the precision asked; a chip without that precision has 0 of it', () => {
    // the fixture has no FP4 peak: a chip with one dominates it at FP4, not at FP8 where both are equal
    const withFp4 = { ...testChip, compute: { peakDenseFlopsPerS: { ...testChip.compute.peakDenseFlopsPerS, fp4: { value: 4e15, source: 't' } } } };
    expect(datasheetDominates(withFp4, testChip, 'fp4')).toBe(true);
    expect(datasheetDominates(withFp4, testChip, 'fp8')).toBe(false);
    expect(datasheetDominates(testChip, withFp4, 'fp4')).toBe(false);
  });
});

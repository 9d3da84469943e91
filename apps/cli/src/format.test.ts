import { describe, expect, it } from 'vitest';
import {
  formatBandwidth,
  formatBytes,
  formatCount,
  formatDuration,
  formatEnergy,
  formatFlops,
  formatInteger,
  formatNumber,
  formatPercent,
  formatTokenRate,
  formatUsd,
  table,
} from './format.ts';

describe('format', () => {
  it('keeps three significant figures and groups thousands', () => {
    expect(formatNumber(0.012345)).toBe('0.0123');
    expect(formatNumber(12.345)).toBe('12.3');
    expect(formatNumber(12345.6)).toBe('12,346');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('∞');
    expect(formatNumber(Number.NaN)).toBe('—');
    expect(formatInteger(70553706496)).toBe('70,553,706,496');
  });

  it('picks the unit that keeps the mantissa in [1, 1000)', () => {
    expect(formatDuration(1.5)).toBe('1.50 s');
    expect(formatDuration(0.0221)).toBe('22.1 ms');
    expect(formatDuration(8.4e-6)).toBe('8.40 µs');
    expect(formatDuration(5e-7)).toBe('500 ns');
    expect(formatBytes(80e9)).toBe('80.0 GB');
    expect(formatBytes(230e6)).toBe('230 MB');
    expect(formatBandwidth(3.35e12)).toBe('3.35 TB/s');
    expect(formatBandwidth(450e9)).toBe('450 GB/s');
    expect(formatFlops(989e12)).toBe('989 TFLOP/s');
    expect(formatFlops(2.25e15)).toBe('2.25 PFLOP/s');
    expect(formatEnergy(0.42)).toBe('420 mJ');
    expect(formatEnergy(1.5)).toBe('1.50 J');
    expect(formatCount(70.55e9)).toBe('70.5 B');
    expect(formatCount(671e9)).toBe('671 B');
    expect(formatTokenRate(2896.4)).toBe('2,896 tok/s');
  });

  it('formats money and fractions', () => {
    expect(formatUsd(2.99)).toBe('$2.99');
    expect(formatUsd(0.01234)).toBe('$0.0123');
    expect(formatUsd(12345)).toBe('$12,345');
    expect(formatPercent(0.4523)).toBe('45.2%');
  });

  it('pads plain-text columns without trailing spaces', () => {
    expect(table([['id', 'GB'], ['h100-sxm', '80']], ['left', 'right'])).toBe('id        GB\nh100-sxm  80');
    expect(table([['a', ''], ['bb', 'x']])).toBe('a\nbb  x');
  });
});

import { describe, expect, it } from 'vitest';
import {
  formatBandwidth,
  formatBytes,
  formatCount,
  formatDuration,
  formatEnergy,
  formatFlopCount,
  formatFlops,
  formatExactCount,
  formatInteger,
  formatIntensity,
  formatNumber,
  formatOutOfSampleError,
  formatPercent,
  formatPower,
  formatTick,
  formatTokenRate,
  formatUsd,
  EXPONENT_FROM,
  table,
} from './format.ts';

const NAN = Number.NaN;
const INF = Number.POSITIVE_INFINITY;

describe('formatNumber', () => {
  it('keeps three significant figures and groups thousands', () => {
    expect(formatNumber(0.012345)).toBe('0.0123');
    expect(formatNumber(12.345)).toBe('12.3');
    expect(formatNumber(1.5)).toBe('1.50');
    expect(formatNumber(999)).toBe('999');
    expect(formatNumber(12345.6)).toBe('12,346');
    expect(formatNumber(-12345.6)).toBe('-12,346');
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(formatNumber(0)).toBe('0');
  });

  it('writes a number that rounds up to 1000 as 1,000, not 1.00e+3', () => {
    expect(formatNumber(999.7)).toBe('1,000');
    expect(formatNumber(-999.7)).toBe('-1,000');
    expect(formatNumber(999.4)).toBe('999');
  });

  it('switches to exponent notation below 1e-4', () => {
    expect(formatNumber(0.0001)).toBe('0.000100');
    expect(formatNumber(0.00001234)).toBe('1.23e-5');
  });

  it('takes the number of significant figures', () => {
    expect(formatNumber(0.012345, 2)).toBe('0.012');
    expect(formatNumber(123.4, 2)).toBe('123');
    expect(formatNumber(12.34, 2)).toBe('12');
  });

  it('shows NaN as a dash and infinities as ∞', () => {
    expect(formatNumber(NAN)).toBe('—');
    expect(formatNumber(INF)).toBe('∞');
    expect(formatNumber(-INF)).toBe('-∞');
  });
});

describe('any magnitude', () => {
  // toFixed switches to exponent form from 1e21, which thousands separators used to garble:
  // a 1e300 s duration read "1.7,832,…e+298 d"
  it('writes exponent form from 2^53 up, where integer digits stop being exact, with three significant figures', () => {
    expect(EXPONENT_FROM).toBe(Number.MAX_SAFE_INTEGER + 1);
    expect(formatNumber(Number.MAX_SAFE_INTEGER)).toBe('9,007,199,254,740,991');
    expect(formatNumber(2 ** 53)).toBe('9.01e15');
    expect(formatNumber(Number.MAX_SAFE_INTEGER + 0.4)).toBe('9,007,199,254,740,991');
    expect(formatNumber(1e15)).toBe('1,000,000,000,000,000');
    expect(formatNumber(1e16)).toBe('1.00e16');
    expect(formatNumber(9.996e20)).toBe('1.00e21');
    expect(formatNumber(1e21)).toBe('1.00e21');
    expect(formatNumber(1.7832e21)).toBe('1.78e21');
    expect(formatNumber(1e100)).toBe('1.00e100');
    expect(formatNumber(1e300)).toBe('1.00e300');
    expect(formatNumber(Number.MAX_VALUE)).toBe('1.80e308');
    expect(formatNumber(-1.7832e298)).toBe('-1.78e298');
    expect(formatNumber(1.7832e298, 2)).toBe('1.8e298');
  });

  it('writes integers, dollars and percentages the same way', () => {
    expect(formatInteger(Number.MAX_SAFE_INTEGER)).toBe('9,007,199,254,740,991');
    expect(formatInteger(-(2 ** 53))).toBe('-9.01e15');
    expect(formatInteger(1e21)).toBe('1.00e21');
    expect(formatInteger(-1e300)).toBe('-1.00e300');
    expect(formatUsd(Number.MAX_SAFE_INTEGER)).toBe('$9,007,199,254,740,991');
    expect(formatUsd(2 ** 53)).toBe('$9.01e15');
    expect(formatUsd(1e21)).toBe('$1.00e21');
    expect(formatUsd(-1e100)).toBe('-$1.00e100');
    expect(formatPercent(1e12)).toBe('100000000000000.0%');
    expect(formatPercent(1e14)).toBe('1.00e16%');
    expect(formatPercent(1e300)).toBe('1.00e302%');
  });

  it('writes durations, counts and rates in their largest unit with the mantissa in exponent form', () => {
    expect(formatDuration(1e300)).toBe('1.16e295 d');
    expect(formatDuration(1e100)).toBe('1.16e95 d');
    expect(formatDuration(1e21)).toBe('1.16e16 d');
    expect(formatDuration(86_400e16)).toBe('1.00e16 d');
    expect(formatDuration(86_400 * 999_999_999_999)).toBe('999,999,999,999 d');
    expect(formatCount(1e21)).toBe('1,000,000,000 T');
    expect(formatCount(1e28)).toBe('1.00e16 T');
    expect(formatCount(1e300)).toBe('1.00e288 T');
    expect(formatTokenRate(1e21)).toBe('1.00e21 tok/s');
    expect(formatTokenRate(1e300)).toBe('1.00e300 tok/s');
    expect(formatFlops(1e300)).toBe('1.00e285 PFLOP/s');
    expect(formatBandwidth(1e100)).toBe('1.00e88 TB/s');
    expect(formatBytes(1e21)).toBe('1,000,000,000 TB');
    expect(formatEnergy(1e300)).toBe('1.00e297 kJ');
    expect(formatPower(1e21)).toBe('1.00e18 kW');
    expect(formatPower(1e18)).toBe('1,000,000,000,000,000 kW');
    expect(formatFlopCount(1e300)).toBe('1.00e285 PFLOP');
    expect(formatIntensity(1e21)).toBe('1.00e21 FLOP/B');
  });

  it('writes ticks from 1000P up in the shortest exponent form', () => {
    expect(formatTick(999e15)).toBe('999P');
    expect(formatTick(1e18)).toBe('1e18');
    expect(formatTick(2.5e21)).toBe('2.5e21');
    expect(formatTick(1e100)).toBe('1e100');
    expect(formatTick(1e300)).toBe('1e300');
  });

  it('keeps exact counts exact at any magnitude', () => {
    for (const n of [1e21, 1.7832e21, 1e100, 1e300]) expect(Number(formatExactCount(n))).toBe(n);
    expect(formatExactCount(1e21)).toBe('1e21');
    expect(formatExactCount(1e300)).toBe('1e300');
  });
});

describe('formatExactCount', () => {
  it('writes large counts as an exponent and reads back exactly', () => {
    expect(formatExactCount(15e12)).toBe('1.5e13');
    expect(formatExactCount(1e12)).toBe('1e12');
    expect(formatExactCount(4096)).toBe('4096');
    for (const n of [15e12, 2.5e12, 123456789, 3.3e15]) expect(Number(formatExactCount(n))).toBe(n);
  });
});

describe('formatInteger', () => {
  it('rounds and groups thousands', () => {
    expect(formatInteger(70553706496)).toBe('70,553,706,496');
    expect(formatInteger(999.6)).toBe('1,000');
    expect(formatInteger(42)).toBe('42');
    expect(formatInteger(-1234567)).toBe('-1,234,567');
    expect(formatInteger(0)).toBe('0');
    expect(formatInteger(NAN)).toBe('—');
    expect(formatInteger(INF)).toBe('∞');
  });
});

describe('formatDuration', () => {
  it('uses ns, µs, ms and s below a minute', () => {
    expect(formatDuration(1.5)).toBe('1.50 s');
    expect(formatDuration(59.9)).toBe('59.9 s');
    expect(formatDuration(0.0221)).toBe('22.1 ms');
    expect(formatDuration(8.4e-6)).toBe('8.40 µs');
    expect(formatDuration(5e-7)).toBe('500 ns');
    expect(formatDuration(5e-10)).toBe('0.500 ns');
    expect(formatDuration(0)).toBe('0 s');
  });

  it('uses min, h and d from 60 s up', () => {
    expect(formatDuration(60)).toBe('1.00 min');
    expect(formatDuration(90)).toBe('1.50 min');
    expect(formatDuration(3599)).toBe('1.00 h');
    expect(formatDuration(3540)).toBe('59.0 min');
    expect(formatDuration(3600)).toBe('1.00 h');
    expect(formatDuration(5400)).toBe('1.50 h');
    expect(formatDuration(82_800)).toBe('23.0 h');
    expect(formatDuration(86_400)).toBe('1.00 d');
    expect(formatDuration(4_299_675)).toBe('49.8 d');
    expect(formatDuration(20_433_000)).toBe('236 d');
  });

  it('groups thousands of days', () => {
    expect(formatDuration(1234 * 86_400)).toBe('1,234 d');
    expect(formatDuration(1_000_000 * 86_400)).toBe('1,000,000 d');
  });

  it('moves to the next unit when rounding reaches it', () => {
    expect(formatDuration(0.9997)).toBe('1.00 s');
    expect(formatDuration(59.99)).toBe('1.00 min');
    expect(formatDuration(86_399)).toBe('1.00 d');
    expect(formatDuration(999.8e-9)).toBe('1.00 µs');
  });

  it('keeps the sign of a negative duration', () => {
    expect(formatDuration(-90)).toBe('-1.50 min');
    expect(formatDuration(-0.0221)).toBe('-22.1 ms');
  });

  it('shows NaN as a dash and infinity in seconds', () => {
    expect(formatDuration(NAN)).toBe('—');
    expect(formatDuration(INF)).toBe('∞ s');
  });
});

describe('units', () => {
  it('formats bytes in decimal units', () => {
    expect(formatBytes(80e9)).toBe('80.0 GB');
    expect(formatBytes(17.6e9)).toBe('17.6 GB');
    expect(formatBytes(230e6)).toBe('230 MB');
    expect(formatBytes(1.5e12)).toBe('1.50 TB');
    expect(formatBytes(2048)).toBe('2.05 kB');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2.5e15)).toBe('2,500 TB');
    expect(formatBytes(999.7e6)).toBe('1.00 GB');
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(NAN)).toBe('—');
  });

  it('formats bandwidth', () => {
    expect(formatBandwidth(3.35e12)).toBe('3.35 TB/s');
    expect(formatBandwidth(450e9)).toBe('450 GB/s');
    expect(formatBandwidth(25e6)).toBe('25.0 MB/s');
    expect(formatBandwidth(1500)).toBe('1.50 kB/s');
    expect(formatBandwidth(12)).toBe('12.0 B/s');
    expect(formatBandwidth(NAN)).toBe('—');
  });

  it('formats FLOP/s from MFLOP/s to PFLOP/s', () => {
    expect(formatFlops(989e12)).toBe('989 TFLOP/s');
    expect(formatFlops(989.5e12)).toBe('990 TFLOP/s');
    expect(formatFlops(2.25e15)).toBe('2.25 PFLOP/s');
    expect(formatFlops(312e9)).toBe('312 GFLOP/s');
    expect(formatFlops(4.2e6)).toBe('4.20 MFLOP/s');
    expect(formatFlops(950)).toBe('950 FLOP/s');
    expect(formatFlops(0)).toBe('0 FLOP/s');
    expect(formatFlops(NAN)).toBe('—');
    expect(formatFlops(INF)).toBe('∞ FLOP/s');
  });

  it('formats FLOP counts', () => {
    expect(formatFlopCount(2.8e14)).toBe('280 TFLOP');
    expect(formatFlopCount(3.1e18)).toBe('3,100 PFLOP');
    expect(formatFlopCount(1.2e9)).toBe('1.20 GFLOP');
    expect(formatFlopCount(7.5e6)).toBe('7.50 MFLOP');
    expect(formatFlopCount(64)).toBe('64.0 FLOP');
    expect(formatFlopCount(NAN)).toBe('—');
  });

  it('formats energy', () => {
    expect(formatEnergy(0.42)).toBe('420 mJ');
    expect(formatEnergy(0.817)).toBe('817 mJ');
    expect(formatEnergy(1.5)).toBe('1.50 J');
    expect(formatEnergy(2500)).toBe('2.50 kJ');
    expect(formatEnergy(3.2e-5)).toBe('32.0 µJ');
    expect(formatEnergy(NAN)).toBe('—');
  });

  it('formats power', () => {
    expect(formatPower(700)).toBe('700 W');
    expect(formatPower(217.3)).toBe('217 W');
    expect(formatPower(120_000)).toBe('120 kW');
    expect(formatPower(0.35)).toBe('350 mW');
    expect(formatPower(NAN)).toBe('—');
  });

  it('formats counts with a T/B/M/k suffix', () => {
    expect(formatCount(70.55e9)).toBe('70.5 B');
    expect(formatCount(671e9)).toBe('671 B');
    expect(formatCount(1.2e12)).toBe('1.20 T');
    expect(formatCount(7.5e6)).toBe('7.50 M');
    expect(formatCount(32_000)).toBe('32.0 k');
    expect(formatCount(42)).toBe('42.0');
    expect(formatCount(0)).toBe('0');
    expect(formatCount(NAN)).toBe('—');
  });

  it('formats token rates and arithmetic intensity', () => {
    expect(formatTokenRate(2896.4)).toBe('2,896 tok/s');
    expect(formatTokenRate(33.27)).toBe('33.3 tok/s');
    expect(formatTokenRate(NAN)).toBe('— tok/s');
    expect(formatIntensity(295.4)).toBe('295 FLOP/B');
    expect(formatIntensity(0.5)).toBe('0.500 FLOP/B');
    expect(formatIntensity(INF)).toBe('∞ FLOP/B');
  });
});

describe('formatUsd and formatPercent', () => {
  it('formats money', () => {
    expect(formatUsd(2.99)).toBe('$2.99');
    expect(formatUsd(3.0781)).toBe('$3.08');
    expect(formatUsd(0.01234)).toBe('$0.0123');
    expect(formatUsd(0.3912)).toBe('$0.391');
    expect(formatUsd(12345)).toBe('$12,345');
    expect(formatUsd(17131680.4)).toBe('$17,131,680');
    expect(formatUsd(999.999)).toBe('$1,000');
    expect(formatUsd(999.99)).toBe('$999.99');
    expect(formatUsd(-2.5)).toBe('-$2.50');
    expect(formatUsd(0)).toBe('$0');
    expect(formatUsd(NAN)).toBe('—');
    expect(formatUsd(INF)).toBe('$∞');
  });

  it('formats fractions as percentages', () => {
    expect(formatPercent(0.4523)).toBe('45.2%');
    expect(formatPercent(0.2993)).toBe('29.9%');
    expect(formatPercent(1)).toBe('100.0%');
    expect(formatPercent(0)).toBe('0.0%');
    expect(formatPercent(NAN)).toBe('—');
    expect(formatPercent(INF)).toBe('∞');
  });
});

describe('formatOutOfSampleError', () => {
  it('names each figure at one decimal of a percent, and where it was measured', () => {
    // 0.117 → 11.7%, 0.1163 → 11.6% (rounded), 0.3644 → 36.4%
    expect(formatOutOfSampleError({ throughput: 0.117, interactivity: 0.1163, ttft: 0.3644, on: 'InferenceX, 62 rows' })).toBe(
      'median |error| out of sample: throughput 11.7%, tokens/s per user 11.6%, time to first token 36.4% (InferenceX, 62 rows)',
    );
  });

  it('leaves out time to first token where nobody measured it', () => {
    expect(formatOutOfSampleError({ throughput: 1.263, interactivity: 1.003, on: 'x' })).toBe('median |error| out of sample: throughput 126.3%, tokens/s per user 100.3% (x)');
  });
});

describe('formatTick', () => {
  it('writes short SI labels', () => {
    expect(formatTick(0)).toBe('0');
    expect(formatTick(1e12)).toBe('1T');
    expect(formatTick(1e3)).toBe('1k');
    expect(formatTick(1e7)).toBe('10M');
    expect(formatTick(2.5e9)).toBe('2.5G');
    expect(formatTick(3e15)).toBe('3P');
    expect(formatTick(0.01)).toBe('0.01');
    expect(formatTick(500)).toBe('500');
    expect(formatTick(0.12345)).toBe('0.123');
  });
});

describe('table', () => {
  it('pads plain-text columns without trailing spaces', () => {
    expect(table([['id', 'GB'], ['h100-sxm', '80']], ['left', 'right'])).toBe('id        GB\nh100-sxm  80');
    expect(table([['a', ''], ['bb', 'x']])).toBe('a\nbb  x');
  });

  it('counts characters, not UTF-16 units, and allows ragged rows', () => {
    expect(table([['µs', '1'], ['ms', '22']], ['left', 'right'])).toBe('µs   1\nms  22');
    expect(table([['a'], ['b', 'c']])).toBe('a\nb  c');
    expect(table([])).toBe('');
  });
});

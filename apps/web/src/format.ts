/**
 * Number formatting for the page: three significant figures and SI units with the mantissa in
 * [1, 1000), the same conventions as the CLI's human-readable report, so a number reads the same in
 * both. Raw values travel alongside in `data-value` attributes; these strings are only for people.
 */

const DASH = '—';

function groupThousands(n: number): string {
  const sign = n < 0 ? '-' : '';
  return sign + Math.abs(n).toFixed(0).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Three significant figures, or thousands separators from 1000 up.
 *
 * @example
 * formatNumber(0.012345); // '0.0123'
 * formatNumber(12345.6); // '12,346'
 */
export function formatNumber(x: number, digits = 3): string {
  if (Number.isNaN(x)) return DASH;
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  if (x === 0) return '0';
  if (Math.abs(x) >= 10 ** digits) return groupThousands(Math.round(x));
  if (Math.abs(x) < 1e-4) return x.toExponential(digits - 1);
  return x.toPrecision(digits);
}

function scaled(x: number, units: ReadonlyArray<readonly [number, string]>, fallback: string): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? DASH : `${formatNumber(x)} ${fallback}`;
  if (x === 0) return `0 ${fallback}`;
  for (const [factor, unit] of units) {
    if (Math.abs(x) >= factor) return `${formatNumber(x / factor)} ${unit}`;
  }
  const last = units.at(-1);
  return last === undefined ? `${formatNumber(x)} ${fallback}` : `${formatNumber(x / last[0])} ${last[1]}`;
}

/**
 * Seconds as s, ms, µs or ns.
 *
 * @example
 * formatDuration(0.0301); // '30.1 ms'
 */
export function formatDuration(seconds: number): string {
  return scaled(seconds, [[1, 's'], [1e-3, 'ms'], [1e-6, 'µs'], [1e-9, 'ns']], 's');
}

/**
 * Bytes in decimal units (1 GB = 1e9 B), as datasheets quote memory.
 *
 * @example
 * formatBytes(17.6e9); // '17.6 GB'
 */
export function formatBytes(bytes: number): string {
  return scaled(bytes, [[1e12, 'TB'], [1e9, 'GB'], [1e6, 'MB'], [1e3, 'kB'], [1, 'B']], 'B');
}

/**
 * Bytes per second in decimal units.
 *
 * @example
 * formatBandwidth(3.35e12); // '3.35 TB/s'
 */
export function formatBandwidth(bytesPerS: number): string {
  return scaled(bytesPerS, [[1e12, 'TB/s'], [1e9, 'GB/s'], [1e6, 'MB/s'], [1e3, 'kB/s'], [1, 'B/s']], 'B/s');
}

/**
 * FLOP per second.
 *
 * @example
 * formatFlops(989.5e12); // '990 TFLOP/s'
 */
export function formatFlops(flopsPerS: number): string {
  return scaled(flopsPerS, [[1e15, 'PFLOP/s'], [1e12, 'TFLOP/s'], [1e9, 'GFLOP/s'], [1e6, 'MFLOP/s'], [1, 'FLOP/s']], 'FLOP/s');
}

/**
 * A FLOP count.
 *
 * @example
 * formatFlopCount(2.8e14); // '280 TFLOP'
 */
export function formatFlopCount(flops: number): string {
  return scaled(flops, [[1e15, 'PFLOP'], [1e12, 'TFLOP'], [1e9, 'GFLOP'], [1e6, 'MFLOP'], [1, 'FLOP']], 'FLOP');
}

/**
 * US dollars: cents from $1 up, three significant figures below.
 *
 * @example
 * formatUsd(3.0781); // '$3.08'
 * formatUsd(0.3912); // '$0.391'
 */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return Number.isNaN(usd) ? DASH : `$${formatNumber(usd)}`;
  const sign = usd < 0 ? '-' : '';
  const abs = Math.abs(usd);
  if (abs >= 1000) return `${sign}$${groupThousands(Math.round(abs))}`;
  if (abs >= 1) return `${sign}$${abs.toFixed(2)}`;
  return `${sign}$${formatNumber(abs)}`;
}

/**
 * Joules as kJ, J, mJ or µJ.
 *
 * @example
 * formatEnergy(0.817); // '817 mJ'
 */
export function formatEnergy(joules: number): string {
  return scaled(joules, [[1e3, 'kJ'], [1, 'J'], [1e-3, 'mJ'], [1e-6, 'µJ']], 'J');
}

/**
 * Watts as kW or W.
 *
 * @example
 * formatPower(217.3); // '217 W'
 */
export function formatPower(watts: number): string {
  return scaled(watts, [[1e3, 'kW'], [1, 'W']], 'W');
}

/**
 * A fraction as a percentage with one decimal.
 *
 * @example
 * formatPercent(0.2993); // '29.9%'
 */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return DASH;
  return `${(fraction * 100).toFixed(1)}%`;
}

/**
 * Tokens per second.
 *
 * @example
 * formatTokenRate(2128.4); // '2,128 tok/s'
 */
export function formatTokenRate(tokensPerS: number): string {
  return `${formatNumber(tokensPerS)} tok/s`;
}

/**
 * Arithmetic intensity, FLOP per byte.
 *
 * @example
 * formatIntensity(295.4); // '295 FLOP/B'
 */
export function formatIntensity(flopPerByte: number): string {
  return `${formatNumber(flopPerByte)} FLOP/B`;
}

/**
 * A short SI label for an axis tick: `1k`, `10M`, `1T`, `0.01`.
 *
 * @example
 * formatTick(1e12); // '1T'
 */
export function formatTick(x: number): string {
  if (x === 0) return '0';
  const units: ReadonlyArray<readonly [number, string]> = [
    [1e15, 'P'],
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [factor, unit] of units) {
    if (Math.abs(x) >= factor) return `${Number((x / factor).toPrecision(3))}${unit}`;
  }
  return String(Number(x.toPrecision(3)));
}

/**
 * A parameter (or other) count with a T/B/M/k suffix.
 *
 * @example
 * formatCount(70.55e9); // '70.6 B'
 */
export function formatCount(n: number): string {
  return scaled(n, [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'k'], [1, '']], '').trimEnd();
}

/**
 * A whole count with thousands separators.
 *
 * @example
 * formatInteger(1234567); // '1,234,567'
 */
export function formatInteger(n: number): string {
  if (!Number.isFinite(n)) return formatNumber(n);
  return groupThousands(Math.round(n));
}

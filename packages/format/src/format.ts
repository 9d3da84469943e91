/**
 * Number formatting for people: three significant figures, and units chosen so the mantissa is in
 * [1, 1000) (seconds switch to minutes, hours and days from 60 s up). The CLI's report and the web
 * page share these, so a figure reads the same in both. Machine output (JSON, CSV, `data-value`
 * attributes) never goes through them.
 */

const DASH = '—';

/**
 * From this magnitude up, 2^53 (one past `Number.MAX_SAFE_INTEGER`), numbers are written in
 * exponent form (`9.01e15`): from here a double's integer digits are no longer all exact, and from
 * 1e21 up `toFixed` itself switches to exponent form, which thousands separators would garble
 * ("1.7,832e+298").
 */
export const EXPONENT_FROM: number = 2 ** 53;

/** `x` with `digits` significant figures in exponent form, as the small numbers are: `1.23e15`, `-4.50e300`. */
function exponentForm(x: number, digits: number): string {
  return x.toExponential(digits - 1).replace('e+', 'e');
}

/** `n` (an integer) with thousands separators, or in exponent form from `EXPONENT_FROM` up. */
function groupThousands(n: number, digits = 3): string {
  if (Math.abs(n) >= EXPONENT_FROM) return exponentForm(n, digits);
  const sign = n < 0 ? '-' : '';
  return sign + Math.abs(n).toFixed(0).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * A number with three significant figures (or `digits`), or thousands separators from 1000 up,
 * and in exponent form below 1e-4 and from 2^53 ≈ 9.01e15 up (`EXPONENT_FROM`); `—` for NaN, `∞` for infinity.
 *
 * @example
 * formatNumber(0.012345); // '0.0123'
 * formatNumber(12345.6); // '12,346'
 * formatNumber(1.7832e298); // '1.78e298'
 */
export function formatNumber(x: number, digits = 3): string {
  if (Number.isNaN(x)) return DASH;
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  if (x === 0) return '0';
  if (Math.abs(x) >= 10 ** digits) return groupThousands(Math.round(x), digits);
  if (Math.abs(x) < 1e-4) return exponentForm(x, digits);
  const fixed = x.toPrecision(digits);
  // 999.7 rounds to '1.00e+3' at three figures: write it as the integer it rounds to.
  return fixed.includes('e') ? groupThousands(Math.round(x), digits) : fixed;
}

/**
 * An integer with thousands separators; from 2^53 up (`EXPONENT_FROM`) in exponent form, as `formatNumber`
 * writes it.
 *
 * @example
 * formatInteger(70553706496); // '70,553,706,496'
 */
export function formatInteger(n: number): string {
  if (!Number.isFinite(n)) return formatNumber(n);
  return groupThousands(Math.round(n));
}

/**
 * A count as people type it and as a program reads it back exactly: from a million up in the
 * shortest exponent form, below that plainly. For command lines, links and form fields.
 *
 * @example
 * formatExactCount(15e12); // '1.5e13'
 * formatExactCount(4096); // '4096'
 */
export function formatExactCount(n: number): string {
  if (!Number.isFinite(n) || Math.abs(n) < 1e6) return String(n);
  return n.toExponential().replace('e+', 'e');
}

/** A value's multiple of its unit, rounded as `formatNumber` rounds it. */
function rounded(x: number): number {
  return Math.abs(x) >= 1000 ? Math.round(x) : Number(x.toPrecision(3));
}

/**
 * `x` in the largest unit it reaches (`units` from the largest factor down). Below the smallest
 * unit, the smallest; when rounding carries the mantissa up to the next unit (999.7 ms, 59.98 s),
 * the next unit, so that it reads '1.00 s' and '1.00 min' rather than '1,000 ms' and '60.0 s'.
 */
function scaled(x: number, units: ReadonlyArray<readonly [number, string]>, fallback: string): string {
  if (Number.isNaN(x)) return DASH;
  if (!Number.isFinite(x)) return `${formatNumber(x)} ${fallback}`;
  if (x === 0) return `0 ${fallback}`;
  const found = units.findIndex(([factor]) => Math.abs(x) >= factor);
  const i = found === -1 ? units.length - 1 : found;
  const unit = units[i];
  if (unit === undefined) return `${formatNumber(x)} ${fallback}`;
  const up = units[i - 1];
  if (up !== undefined && Math.abs(rounded(x / unit[0])) * unit[0] >= up[0]) {
    return `${formatNumber((rounded(x / unit[0]) * unit[0]) / up[0])} ${up[1]}`;
  }
  return `${formatNumber(x / unit[0])} ${unit[1]}`;
}

/**
 * Seconds as d, h, min, s, ms, µs or ns: minutes from 60 s up, hours from 60 min, days from 24 h
 * (with thousands separators from 1000 days).
 *
 * @example
 * formatDuration(0.0221); // '22.1 ms'
 * formatDuration(5400); // '1.50 h'
 * formatDuration(4_299_675); // '49.8 d'
 */
export function formatDuration(seconds: number): string {
  return scaled(
    seconds,
    [
      [86_400, 'd'],
      [3_600, 'h'],
      [60, 'min'],
      [1, 's'],
      [1e-3, 'ms'],
      [1e-6, 'µs'],
      [1e-9, 'ns'],
    ],
    's',
  );
}

/**
 * Bytes in decimal units (1 GB = 1e9 B), as datasheets quote memory.
 *
 * @example
 * formatBytes(80e9); // '80.0 GB'
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
 * FLOP per second, from MFLOP/s to PFLOP/s.
 *
 * @example
 * formatFlops(989e12); // '989 TFLOP/s'
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
 * US dollars: cents from $1 up, three significant figures below, whole dollars from $1,000.
 *
 * @example
 * formatUsd(2.99); // '$2.99'
 * formatUsd(0.01234); // '$0.0123'
 * formatUsd(17131680.4); // '$17,131,680'
 */
export function formatUsd(usd: number): string {
  if (Number.isNaN(usd)) return DASH;
  if (!Number.isFinite(usd)) return `$${formatNumber(usd)}`;
  const sign = usd < 0 ? '-' : '';
  const abs = Math.abs(usd);
  // Compare in cents so that $999.999 reads '$1,000', not '$1000.00'.
  if (Math.round(abs * 100) >= 100_000) return `${sign}$${groupThousands(Math.round(abs))}`;
  if (abs >= 1) return `${sign}$${abs.toFixed(2)}`;
  return `${sign}$${formatNumber(abs)}`;
}

/**
 * Joules as kJ, J, mJ or µJ.
 *
 * @example
 * formatEnergy(0.42); // '420 mJ'
 */
export function formatEnergy(joules: number): string {
  return scaled(joules, [[1e3, 'kJ'], [1, 'J'], [1e-3, 'mJ'], [1e-6, 'µJ']], 'J');
}

/**
 * Watts as kW, W or mW.
 *
 * @example
 * formatPower(700); // '700 W'
 */
export function formatPower(watts: number): string {
  return scaled(watts, [[1e3, 'kW'], [1, 'W'], [1e-3, 'mW']], 'W');
}

/**
 * A fraction as a percentage with one decimal.
 *
 * @example
 * formatPercent(0.4523); // '45.2%'
 */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return formatNumber(fraction);
  const percent = fraction * 100;
  if (Math.abs(percent) >= EXPONENT_FROM) return `${exponentForm(percent, 3)}%`;
  return `${percent.toFixed(1)}%`;
}

/** A committed out-of-sample error, as a plugin's `calibration.outOfSampleError` gives it (fractions). */
export interface OutOfSampleErrorFigures {
  readonly throughput: number;
  readonly interactivity: number;
  readonly ttft?: number;
  readonly on: string;
}

/**
 * The sentence every report closes a chip's calibration status with: the median |error| of each
 * figure on measurements its efficiencies were not fitted to, time to first token where it was
 * measured, and on what. One wording for the CLI and the web app.
 *
 * @example
 * formatOutOfSampleError({ throughput: 0.117, interactivity: 0.116, ttft: 0.364, on: 'InferenceX' });
 * // 'median |error| out of sample: throughput 11.7%, tokens/s per user 11.6%, time to first token 36.4% (InferenceX)'
 */
export function formatOutOfSampleError(error: OutOfSampleErrorFigures): string {
  const ttft = error.ttft === undefined ? '' : `, time to first token ${formatPercent(error.ttft)}`;
  return `median |error| out of sample: throughput ${formatPercent(error.throughput)}, tokens/s per user ${formatPercent(error.interactivity)}${ttft} (${error.on})`;
}

/**
 * A parameter (or other) count with a T/B/M/k suffix.
 *
 * @example
 * formatCount(671e9); // '671 B'
 */
export function formatCount(n: number): string {
  return scaled(n, [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'k'], [1, '']], '').trimEnd();
}

/**
 * Tokens per second.
 *
 * @example
 * formatTokenRate(2896.4); // '2,896 tok/s'
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
 * A short SI label for an axis tick: `1k`, `10M`, `1T`, `0.01`; from 1000P up the shortest
 * exponent form, `1e18`.
 *
 * @example
 * formatTick(1e12); // '1T'
 */
export function formatTick(x: number): string {
  if (x === 0) return '0';
  if (Math.abs(Number(x.toPrecision(3))) >= 1e18) return Number(x.toPrecision(3)).toExponential().replace('e+', 'e');
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

/** Column alignment for `table`. */
export type Align = 'left' | 'right';

/**
 * Plain-text columns padded with spaces (two between columns, no trailing spaces).
 *
 * @example
 * table([['id', 'GB'], ['h100-sxm', '80']], ['left', 'right']);
 * // 'id        GB\nh100-sxm  80'
 */
export function table(rows: ReadonlyArray<readonly string[]>, align: readonly Align[] = []): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, [...cell].length);
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => {
          const pad = (widths[i] ?? 0) - [...cell].length;
          return align[i] === 'right' ? ' '.repeat(pad) + cell : cell + ' '.repeat(pad);
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * Number formatting for human-readable output: three significant figures, SI units chosen so
 * the mantissa is in [1, 1000). JSON output never goes through these.
 */

const DASH = '—';

/**
 * A number with three significant figures, or thousands separators from 1000 up.
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

function groupThousands(n: number): string {
  const sign = n < 0 ? '-' : '';
  const digits = Math.abs(n).toFixed(0);
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * An integer with thousands separators.
 *
 * @example
 * formatInteger(70553706496); // '70,553,706,496'
 */
export function formatInteger(n: number): string {
  if (!Number.isFinite(n)) return formatNumber(n);
  return groupThousands(Math.round(n));
}

function scaled(x: number, units: ReadonlyArray<readonly [number, string]>, fallback: string): string {
  if (!Number.isFinite(x)) return `${formatNumber(x)} ${fallback}`;
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
 * formatDuration(0.0221); // '22.1 ms'
 */
export function formatDuration(seconds: number): string {
  return scaled(seconds, [[1, 's'], [1e-3, 'ms'], [1e-6, 'µs'], [1e-9, 'ns']], 's');
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
 * FLOP per second.
 *
 * @example
 * formatFlops(989e12); // '989 TFLOP/s'
 */
export function formatFlops(flopsPerS: number): string {
  return scaled(flopsPerS, [[1e15, 'PFLOP/s'], [1e12, 'TFLOP/s'], [1e9, 'GFLOP/s'], [1, 'FLOP/s']], 'FLOP/s');
}

/**
 * US dollars: cents from $1 up, three significant figures below.
 *
 * @example
 * formatUsd(2.99); // '$2.99'
 * formatUsd(0.01234); // '$0.0123'
 */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return `$${formatNumber(usd)}`;
  const sign = usd < 0 ? '-' : '';
  const abs = Math.abs(usd);
  if (abs >= 1000) return `${sign}$${groupThousands(Math.round(abs))}`;
  if (abs >= 1) return `${sign}$${abs.toFixed(2)}`;
  return `${sign}$${formatNumber(abs)}`;
}

/**
 * Joules as J, mJ or µJ.
 *
 * @example
 * formatEnergy(0.42); // '420 mJ'
 */
export function formatEnergy(joules: number): string {
  return scaled(joules, [[1e3, 'kJ'], [1, 'J'], [1e-3, 'mJ'], [1e-6, 'µJ']], 'J');
}

/**
 * Watts.
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
  return `${(fraction * 100).toFixed(1)}%`;
}

/**
 * A parameter (or other) count with a B/M/k suffix.
 *
 * @example
 * formatCount(70.55e9); // '70.6 B'
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

/**
 * Durations as the CLI's `--ttft` and `--tpot` take them (`2s`, `500ms`, `800us` or a bare number of
 * seconds, more than 0 and at most one day), for the latency-target boxes and the links that carry
 * them.
 */

/** The longest duration accepted: one day, as the CLI's `MAX_DURATION_S`. */
export const MAX_DURATION_S = 86_400;

/** What a duration box accepts, in words (the CLI's). */
export const DURATION_ALLOWED = 'a duration above 0 and at most 1 day, such as 2s, 500ms or 0.05 (seconds)';

const DURATION = /^((?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?)\s*(s|ms|us|µs)?$/i;
const UNITS_S: Readonly<Record<string, number>> = { s: 1, ms: 1e-3, us: 1e-6, µs: 1e-6 };

/**
 * A duration's text in seconds; `null` for empty text (no target), `NaN` for text that is not a
 * duration the CLI accepts.
 *
 * @example
 * parseDuration('50ms'); // 0.05
 * parseDuration('2'); // 2
 * parseDuration(''); // null
 * parseDuration('soon'); // NaN
 */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const match = DURATION.exec(trimmed);
  if (match === null) return Number.NaN;
  const unit = UNITS_S[(match[2] ?? 's').toLowerCase()] ?? Number.NaN;
  const value = Number(match[1]) * unit;
  return Number.isFinite(value) && value > 0 && value <= MAX_DURATION_S ? value : Number.NaN;
}

/**
 * A duration as a person types it, read back by `parseDuration` to exactly the same number:
 * `2s` from one second up, `50ms` below, seconds written out in full when
 * milliseconds do not read back exactly.
 *
 * @example
 * durationText(2); // '2s'
 * durationText(0.05); // '50ms'
 * durationText(1 / 3); // '0.3333333333333333s'
 */
export function durationText(seconds: number): string {
  const candidates = seconds >= 1 ? [`${seconds}s`] : [`${Number((seconds * 1000).toPrecision(12))}ms`, `${seconds}s`];
  return candidates.find((c) => parseDuration(c) === seconds) ?? String(seconds);
}

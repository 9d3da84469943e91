import { formatOutOfSampleError } from '@ridgeline/format';
import type { ChipSpec } from '@ridgeline/hardware';

/**
 * A chip's calibration status in a sentence: fitted, transferred or datasheet, on what, and the
 * median |error| measured on rows its efficiencies were not fitted to, time to first token's too where
 * measured (as the plugin commits it).
 * A plugin that states none reads as datasheet.
 *
 * @example
 * calibrationText(b200); // 'datasheet (starting values: …); median |error| out of sample: throughput 126.3%, tokens/s per user 100.3% (InferenceX …)'
 */
export function calibrationText(chip: ChipSpec): string {
  const c = chip.efficiency.calibration;
  if (c === undefined) return 'datasheet (the plugin states no calibration)';
  const error =
    c.outOfSampleError === undefined
      ? '; no out-of-sample error measured'
      : `; ${formatOutOfSampleError(c.outOfSampleError)}`;
  return `${c.status} (${c.basis})${error}`;
}

/** The report's closing line: each distinct chip's calibration status. */
export function calibrationLine(chips: readonly ChipSpec[]): string {
  const distinct = chips.filter((c, i) => chips.findIndex((d) => d.id === c.id) === i);
  return `Calibration: ${distinct.map((c) => `${c.id} ${calibrationText(c)}`).join('; ')}`;
}

/**
 * `@ridgeline/hardware`: the hardware-plugin API. Types of the plugin contract, `defineHardware` to
 * write a plugin, `validateHardware`/`assertHardware` to check one. Browser-safe; loading plugins
 * from files and packages lives in `@ridgeline/hardware/node`.
 *
 * @example
 * import { defineHardware, validateHardware } from '@ridgeline/hardware';
 */
export * from './types.ts';
export { atComputePrecision, efficiencyAt, withEfficiencyProfile } from './efficiency.ts';
export { checkHardware, placeholderFigures, PLAUSIBLE_FACTOR, type HardwareWarning } from './check.ts';
export { CHIP_LIMITS, type ChipLimits, type FigureLimit } from './limits.ts';
export { sourcedFigures, type SourcedFigure } from './sources.ts';
export {
  assertHardware,
  defineHardware,
  formatIssues,
  HardwareValidationError,
  validateHardware,
  type HardwareIssue,
  type ValidationResult,
} from './validate.ts';

/**
 * `@ridgeline/hardware`: the hardware-plugin API. Types of the plugin contract, `defineHardware` to
 * write a plugin, `validateHardware`/`assertHardware` to check one. Browser-safe; loading plugins
 * from files and packages lives in `@ridgeline/hardware/node`.
 *
 * @example
 * import { defineHardware, validateHardware } from '@ridgeline/hardware';
 */
export * from './types.ts';
export {
  atComputePrecision,
  bestFittedProfile,
  efficiencyAt,
  expertFlopAtPrecision,
  expertFlopDerivation,
  fittedProfiles,
  transferredProfiles,
  type FittedProfiles,
  transferredEfficiency,
  withEfficiencyProfile,
  withFlopFallback,
  withGpuFigures,
  type ProfileWithoutFlopFallback,
  type SourcedEfficiencies,
  type TransferRule,
} from './efficiency.ts';
export { datasheetDominates } from './datasheet.ts';
export { checkHardware, placeholderFigures, PLAUSIBLE_FACTOR, type HardwareWarning } from './check.ts';
export { CHIP_LIMITS, type ChipLimits, type FigureLimit } from './limits.ts';
export { figureStatus, sourcedFigures, type FigureStatus, type SourcedFigure } from './sources.ts';
export { H200_MEMORY_SHARE_OF_DYNAMIC_RANGE, HBM_JOULES_PER_BYTE_ESTIMATE, RACK_SCALE_OVERHEAD_SHARE, rackScaleNodeOverheadW, withEstimatedPower } from './power-estimates.ts';
export {
  assertHardware,
  defineHardware,
  formatIssues,
  HardwareValidationError,
  validateHardware,
  type HardwareIssue,
  type ValidationResult,
} from './validate.ts';
export { HOPPER_FP8_ACHIEVABLE, HOPPER_SERVED_FLOP, SERVED_MATMUL_SHARE, servedMatmul } from './served-matmul.ts';

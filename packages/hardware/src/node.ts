/**
 * `@ridgeline/hardware/node`: loading plugins from files and packages. Node only; the main entry
 * `@ridgeline/hardware` stays browser-safe.
 *
 * @example
 * import { loadHardware } from '@ridgeline/hardware/node';
 * const plugin = await loadHardware('./acme-chips.json');
 */
export { DEFAULT_IMPORT_TIMEOUT_MS, HardwareLoadError, importModuleData, loadHardware, type HardwareLoadFailure, type LoadHardwareOptions } from './load.ts';

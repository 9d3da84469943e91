import type { HardwarePlugin } from '@ridgeline/hardware';
import { mi300x } from './mi300x.ts';
import { mi325x } from './mi325x.ts';
import { mi355x } from './mi355x.ts';

export { mi300x } from './mi300x.ts';
export { mi325x } from './mi325x.ts';
export { mi355x } from './mi355x.ts';

/**
 * Ridgeline's first-party AMD plugin: Instinct MI300X, MI325X and MI355X in the 8-GPU Infinity
 * Fabric platform, every figure with its source. Plain data: pass it to the engine, or pick a chip
 * from `chips`.
 *
 * @example
 * import amd from '@ridgeline/hardware-amd';
 * amd.chips.map((c) => c.id); // ['mi300x', 'mi325x', 'mi355x']
 */
export const amd: HardwarePlugin = {
  apiVersion: 2,
  meta: { name: '@ridgeline/hardware-amd', version: '0.1.0' },
  chips: [mi300x, mi325x, mi355x],
};

export default amd;

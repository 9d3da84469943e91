import type { HardwarePlugin } from '@ridgeline/hardware';
import { a100Sxm } from './a100-sxm.ts';
import { b200 } from './b200.ts';
import { b300 } from './b300.ts';
import { gb200Nvl72 } from './gb200-nvl72.ts';
import { gb300Nvl72 } from './gb300-nvl72.ts';
import { h100Sxm } from './h100-sxm.ts';
import { h200 } from './h200.ts';

export { a100Sxm } from './a100-sxm.ts';
export { b200 } from './b200.ts';
export { b300 } from './b300.ts';
export { gb200Nvl72 } from './gb200-nvl72.ts';
export { gb300Nvl72 } from './gb300-nvl72.ts';
export { h100Sxm } from './h100-sxm.ts';
export { h200 } from './h200.ts';

/**
 * Ridgeline's first-party NVIDIA plugin: H100 SXM, H200, B200 (HGX), GB200 NVL72, B300 (HGX),
 * GB300 NVL72 and A100 SXM 80GB, every figure with its source. Plain data: pass it to the engine,
 * or pick a chip from `chips`.
 *
 * @example
 * import nvidia from '@ridgeline/hardware-nvidia';
 * nvidia.chips.map((c) => c.id); // ['h100-sxm', 'h200', 'b200', 'gb200-nvl72', 'b300', 'gb300-nvl72', 'a100-sxm']
 */
export const nvidia: HardwarePlugin = {
  apiVersion: 2,
  meta: { name: '@ridgeline/hardware-nvidia', version: '0.1.0' },
  chips: [h100Sxm, h200, b200, gb200Nvl72, b300, gb300Nvl72, a100Sxm],
};

export default nvidia;

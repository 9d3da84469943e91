import type { ChipSpec } from '@ridgeline/hardware';
import amd from '@ridgeline/hardware-amd';
import google from '@ridgeline/hardware-google';
import nvidia from '@ridgeline/hardware-nvidia';

/**
 * Every chip of the first-party plugins the measurements run on (NVIDIA, AMD, Google), by id: the
 * one lookup the published rows, InferenceX and MLPerf readers share.
 */
export const PLUGIN_CHIPS: ReadonlyMap<string, ChipSpec> = new Map([...nvidia.chips, ...amd.chips, ...google.chips].map((c) => [c.id, c]));

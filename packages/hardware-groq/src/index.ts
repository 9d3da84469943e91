/**
 * The Groq LPU (GroqChip, first generation, 14 nm) for Ridgeline.
 *
 * The chip has no HBM: its 230 MB of on-die SRAM is both its capacity and its bandwidth, so a model
 * must be spread over enough chips to hold every weight and the KV cache — a 70B model at 2 bytes per
 * parameter needs more than 600 chips before anything else is counted. That is the physics this
 * plugin exists to make visible.
 *
 * Groq does not sell chip-hours and publishes no idle power; those numbers are estimates and their
 * sources show the derivation. Efficiencies are initial values, to be refitted.
 *
 * @example
 * import groq, { groqLpu } from '@ridgeline/hardware-groq';
 * groq.chips.map((chip) => chip.id); // ['groq-lpu']
 * Math.ceil((70.6e9 * 2) / groqLpu.memory.capacityBytes.value); // 614 chips just for the weights
 *
 * @module
 */
import type { HardwarePlugin } from '@ridgeline/hardware';
import { groqLpu } from './groq-lpu.ts';

export { groqLpu } from './groq-lpu.ts';

/**
 * The Groq plugin: the GroqChip LPU.
 *
 * @example
 * import groq from '@ridgeline/hardware-groq';
 * groq.chips[0]?.aliases; // ['lpu', 'groqchip']
 */
export const groq: HardwarePlugin = {
  apiVersion: 1,
  meta: { name: '@ridgeline/hardware-groq', version: '0.1.0' },
  chips: [groqLpu],
};

export default groq;

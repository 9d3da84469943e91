/**
 * Groq's LPU architecture for Ridgeline: the first-generation GroqChip (14 nm) and NVIDIA's Groq 3
 * LPU (LP30, announced at GTC 2026, not yet shipping).
 *
 * The chips have no HBM: their on-die SRAM (230 MB, 500 MB) is both their capacity and their
 * bandwidth, so a model must be spread over enough chips to hold every weight and the KV cache — a
 * 70B model at 2 bytes per parameter needs more than 600 GroqChips before anything else is counted.
 * That is the physics this plugin exists to make visible.
 *
 * Neither chip rents by the hour and neither publishes idle power; those numbers are estimates and
 * their sources show the derivation. The Groq 3 LPU is announced only: it has no published power,
 * price or scale-out figure either, and its efficiencies are transferred from the GroqChip.
 *
 * @example
 * import groq, { groqLpu } from '@ridgeline/hardware-groq';
 * groq.chips.map((chip) => chip.id); // ['groq-lpu', 'nvidia-groq3-lpu']
 * Math.ceil((70.6e9 * 2) / groqLpu.memory.capacityBytes.value); // 614 chips just for the weights
 *
 * @module
 */
import type { HardwarePlugin } from '@ridgeline/hardware';
import { groq3Lpu } from './groq3-lpu.ts';
import { groqLpu } from './groq-lpu.ts';

export { groq3Lpu } from './groq3-lpu.ts';
export { groqLpu } from './groq-lpu.ts';

/**
 * The Groq plugin: the GroqChip LPU and NVIDIA's Groq 3 LPU (announced).
 *
 * @example
 * import groq from '@ridgeline/hardware-groq';
 * groq.chips[0]?.aliases; // ['lpu', 'groqchip']
 * groq.chips[1]?.availability; // 'announced'
 */
export const groq: HardwarePlugin = {
  apiVersion: 2,
  meta: { name: '@ridgeline/hardware-groq', version: '0.1.0' },
  chips: [groqLpu, groq3Lpu],
};

export default groq;

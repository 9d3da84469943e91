import { expect, test } from 'vitest';
import { chipGroups, chipLabel, findChip } from './registry.ts';

test('the chip pickers mark an announced chip, and list it with its vendor', () => {
  const groq3 = findChip('groq3');
  expect(groq3?.id).toBe('nvidia-groq3-lpu');
  expect(chipLabel(groq3!)).toBe('NVIDIA Groq 3 LPU (LP30, 256-LPU LPX rack) (announced)');
  expect(chipLabel(findChip('h100')!)).toBe('NVIDIA H100 SXM5 80GB');
  const nvidia = chipGroups().find((g) => g.vendor === 'NVIDIA');
  expect(nvidia?.chips.map((c) => c.id)).toContain('nvidia-groq3-lpu');
});

import { describe, expect, test } from 'vitest';
import { checkHardware, placeholderFigures } from './check.ts';
import { testPlugin } from './test-chip.ts';
import type { ChipSpec, HardwarePlugin } from './types.ts';

const known = testPlugin.chips;
const [gpu] = testPlugin.chips;
if (gpu === undefined) throw new Error('the test plugin has no chips');

function pluginWith(chip: ChipSpec): HardwarePlugin {
  return { apiVersion: 2, meta: { name: 'acme-chips', version: '1.0.0' }, chips: [{ ...chip, id: 'acme-x1' }] };
}

describe('checkHardware', () => {
  test('a plugin like the known chips has no warnings', () => {
    expect(checkHardware(pluginWith(gpu), known)).toEqual([]);
  });

  // Before: a plugin of placeholders, or of figures in the wrong unit, passed with no word.
  test('flags TODO sources and names, as plugin init writes them', () => {
    const chip: ChipSpec = {
      ...gpu,
      name: 'Acme X1 (TODO: product name)',
      memory: { ...gpu.memory, bandwidthBytesPerS: { value: 4e12, source: 'TODO placeholder: peak memory bandwidth' } },
    };
    expect(checkHardware(pluginWith(chip), known)).toEqual([
      { path: 'chips[acme-x1].name', message: '"Acme X1 (TODO: product name)" is a placeholder; write the chip\'s own name' },
      {
        path: 'chips[acme-x1].memory.bandwidthBytesPerS',
        message: 'its source is a placeholder ("TODO placeholder: peak memory bandwidth"); replace the figure and say where it comes from',
      },
    ]);
    expect(placeholderFigures(chip)).toEqual(['memory.bandwidthBytesPerS']);
  });

  test('flags figures three orders of magnitude beyond every known chip, with the unit slip it suggests', () => {
    const chip: ChipSpec = {
      ...gpu,
      compute: { peakDenseFlopsPerS: { bf16: { value: 989, source: 'datasheet, in TFLOP/s by mistake' } } },
      memory: { ...gpu.memory, bandwidthBytesPerS: { value: 4, source: 'datasheet, in TB/s by mistake' } },
      power: { ...gpu.power, maxW: { value: 7e8, source: 'datasheet, in mW by mistake' } },
    };
    const messages = checkHardware(pluginWith(chip), known).map((w) => `${w.path}: ${w.message}`);
    expect(messages).toHaveLength(3);
    expect(messages[0]).toMatch(/^chips\[acme-x1\]\.compute\.peakDenseFlopsPerS\.bf16: 989 FLOP\/s is far below every known chip \(.+ FLOP\/s\); did you mean 9.89e14\?$/);
    expect(messages[1]).toMatch(/^chips\[acme-x1\]\.memory\.bandwidthBytesPerS: 4 bytes\/s is far below every known chip \(.+ bytes\/s\); did you mean 4e12\?$/);
    expect(messages[2]).toMatch(/^chips\[acme-x1\]\.power\.maxW: 7e8 W is far above every known chip \(.+ W\); did you mean 700\?$/);
  });

  test('leaves zeros and figures within 1,000× of the known range alone', () => {
    const chip: ChipSpec = {
      ...gpu,
      memory: { ...gpu.memory, bandwidthBytesPerS: { value: 2.1e16, source: 'a wafer-scale chip' } },
      scaleUp: { ...gpu.scaleUp, hopLatencyS: { value: 0, source: 'ideal' } },
    };
    expect(checkHardware(pluginWith(chip), known)).toEqual([]);
  });
});

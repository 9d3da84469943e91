import { describe, expect, it } from 'vitest';
import { H200_MEMORY_SHARE_OF_DYNAMIC_RANGE, RACK_SCALE_OVERHEAD_SHARE, rackScaleNodeOverheadW, withEstimatedPower } from './power-estimates.ts';
import { testChip } from './test-chip.ts';
import type { ChipSpec } from './types.ts';

/** The fixture without component figures: idle 70 W, P_max 700 W, as a plugin that gives none. */
const bare: ChipSpec = { ...testChip, power: { idleW: { value: 70, source: 'test fixture: idle' }, maxW: { value: 700, source: 'test fixture: TDP' } } };
const overhead = { value: 575, source: 'test fixture: node overhead' };

describe('withEstimatedPower', () => {
  it('gives P_static = idle, e_flop = (P_max − P_static)/F(p) but at fp32, and 7 pJ/bit for HBM, each labelled an estimate', () => {
    const p = withEstimatedPower(bare, overhead).power;
    expect(p.staticW?.value).toBe(70);
    // (700 − 70) W / 989.4e12 FLOP/s = 6.367e-13 J per BF16 FLOP; FP8 at twice the peak, half that
    expect(p.joulesPerFlop?.bf16?.value).toBeCloseTo(630 / 989.4e12, 25);
    expect(p.joulesPerFlop?.fp8?.value).toBeCloseTo(630 / 1978.9e12, 25);
    expect(p.joulesPerFlop?.fp32).toBeUndefined();
    expect(p.joulesPerByteMemory?.value).toBe(5.6e-11);
    expect(p.nodeOverheadW).toBe(overhead);
    for (const f of [p.staticW, p.joulesPerFlop?.bf16, p.joulesPerByteMemory]) expect(f?.source).toMatch(/^estimate: /);
  });

  it('gives an SRAM chip the energy per byte at which streaming at peak draws the H200 share of its dynamic range', () => {
    const sram: ChipSpec = { ...bare, memory: { ...bare.memory, kind: 'sram', bandwidthBytesPerS: { value: 80e12, source: 'test fixture' } } };
    // 5.6e-11 × 4.8e12 / (700 − 80) = 0.4335; × 630 W / 80e12 B/s = 3.414e-12 J/byte
    expect(H200_MEMORY_SHARE_OF_DYNAMIC_RANGE).toBeCloseTo(0.43355, 5);
    expect(withEstimatedPower(sram, overhead).power.joulesPerByteMemory?.value).toBeCloseTo((0.43355 * 630) / 80e12, 16);
  });

  it('keeps every figure the plugin gives', () => {
    const measured = { value: 80, source: 'test fixture: measured idle' };
    const memory = { value: 6e-11, source: 'test fixture: measured pJ/bit' };
    const own = { value: 400, source: 'test fixture: system maximum' };
    const chip: ChipSpec = { ...bare, power: { ...bare.power, staticW: measured, joulesPerByteMemory: memory, nodeOverheadW: own } };
    const given = withEstimatedPower(chip, overhead).power;
    expect(given.staticW).toBe(measured);
    expect(given.joulesPerByteMemory).toBe(memory);
    expect(given.nodeOverheadW).toBe(own);
    // e_flop follows the given static power: (700 − 80) W / F(bf16)
    expect(given.joulesPerFlop?.bf16?.value).toBeCloseTo(620 / 989.4e12, 25);
    expect(withEstimatedPower(bare).power.nodeOverheadW).toBeUndefined();
  });
});

describe('rackScaleNodeOverheadW', () => {
  it('is 0.389 × P_max, the share GB200 NVL72 adds per 1,200 W GPU (120 kW / 72 − 1,200 W = 466.7 W)', () => {
    expect(RACK_SCALE_OVERHEAD_SHARE).toBeCloseTo(466.667 / 1200, 5);
    const f = rackScaleNodeOverheadW(400, 'TPU v6e hosts');
    expect(f.value).toBeCloseTo(155.56, 2);
    expect(f.source).toMatch(/^estimate: .*TPU v6e hosts/);
  });
});

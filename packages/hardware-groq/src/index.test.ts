import { describe, expect, test } from 'vitest';
import { efficiencyAt, HARDWARE_API_VERSION, sourcedFigures, PRECISION_BYTES, validateHardware } from '@ridgeline/hardware';
import groq, { groqLpu } from './index.ts';

describe('groq plugin', () => {
  test('declares the API version and its package name', () => {
    expect(groq.apiVersion).toBe(HARDWARE_API_VERSION);
    expect(groq.meta.name).toBe('@ridgeline/hardware-groq');
    expect(groq.chips).toEqual([groqLpu]);
  });

  test('has a unique kebab-case id and aliases', () => {
    const names = groq.chips.flatMap((chip) => [chip.id, ...(chip.aliases ?? [])]);
    expect(names).toEqual(['groq-lpu', 'lpu', 'groqchip']);
    for (const name of names) expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  test('every number is finite, > 0 and sourced', () => {
    const numbers = sourcedFigures(groqLpu);
    // 2 precisions + 3 memory + 4 scale-up (with the collective latency) + 2 scale-out + 2 power + 1 price + 4 efficiency
    expect(numbers.length).toBe(18);
    for (const { path, values, source } of numbers) {
      for (const value of values) {
        expect(Number.isFinite(value), path).toBe(true);
        expect(value, path).toBeGreaterThan(0);
      }
      expect(source.trim().length, path).toBeGreaterThan(10);
    }
    expect(groqLpu.price.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  test('estimates say so, and the notes warn about them', () => {
    expect(groqLpu.price.usdPerChipHour.source).toMatch(/^estimate/);
    expect(groqLpu.power.idleW.source).toMatch(/^estimate/);
    expect(groqLpu.notes).toMatch(/price is an estimate/);
    for (const eta of [groqLpu.efficiency.flop, groqLpu.efficiency.memory, groqLpu.efficiency.network]) {
      expect(eta.source).toContain('initial');
      expect(efficiencyAt(eta, 0)).toBeGreaterThan(0);
      expect(efficiencyAt(eta, 0)).toBeLessThanOrEqual(1);
    }
    expect(groqLpu.efficiency.layerOverheadS.source).toContain('initial');
  });

  test('passes validateHardware from @ridgeline/hardware', () => {
    const result = validateHardware(groq);
    expect(result.ok ? [] : result.issues).toEqual([]);
    expect(result.ok).toBe(true);
  });
});

describe('spot checks against the documents', () => {
  test('SRAM-only: 230 MB at 80 TB/s', () => {
    expect(groqLpu.kind).toBe('lpu');
    expect(groqLpu.memory.kind).toBe('sram');
    expect(groqLpu.memory.capacityBytes.value).toBe(230e6);
    expect(groqLpu.memory.bandwidthBytesPerS.value).toBe(80e12);
  });

  test('188 TFLOP/s fp16 and 750 TOP/s int8; no bf16 rate is published', () => {
    expect(groqLpu.compute.peakDenseFlopsPerS.fp16?.value).toBe(188e12);
    expect(groqLpu.compute.peakDenseFlopsPerS.int8?.value).toBe(750e12);
    expect(groqLpu.compute.peakDenseFlopsPerS.bf16).toBeUndefined();
  });

  test('16 C2C links × 4 lanes × 28 Gb/s cabled, per direction', () => {
    expect(groqLpu.scaleUp.bandwidthBytesPerS.value).toBe((16 * 4 * 28e9) / 8);
    expect(groqLpu.scaleUp.topology).toBe('switch');
    expect(groqLpu.scaleUp.domainSize.value).toBe(10440);
    expect(groqLpu.scaleUp.hopLatencyS.value).toBeLessThan(1e-6);
  });

  test('the ridge point is tiny next to an HBM chip: everything streams from SRAM', () => {
    const flops = (groqLpu.compute.peakDenseFlopsPerS.fp16?.value ?? 0) * efficiencyAt(groqLpu.efficiency.flop, 0);
    const bandwidth = groqLpu.memory.bandwidthBytesPerS.value * efficiencyAt(groqLpu.efficiency.memory, 0);
    const ridge = flops / bandwidth;
    expect(ridge).toBeGreaterThan(1);
    expect(ridge).toBeLessThan(20);
  });
});

describe('capacity: a 70B model needs hundreds of chips just for its weights', () => {
  // Llama-3.1-70B ≈ 70.6e9 parameters (MODEL.md §1.1) at 2 bytes each (bf16 or fp16) ≈ 141 GB.
  const weightBytes = 70.6e9 * PRECISION_BYTES.fp16;

  test('141 GB / 230 MB per chip ≈ 614 chips at 100% of SRAM', () => {
    expect(weightBytes).toBeCloseTo(141.2e9, -6);
    const chips = Math.ceil(weightBytes / groqLpu.memory.capacityBytes.value);
    expect(chips).toBe(614);
  });

  test('with the usable fraction, the floor rises to about 680 chips', () => {
    const usable = groqLpu.memory.capacityBytes.value * groqLpu.memory.usableFraction.value;
    const chips = Math.ceil(weightBytes / usable);
    expect(chips).toBe(Math.ceil(141.2e9 / (230e6 * 0.9)));
    expect(chips).toBeGreaterThan(600);
    expect(chips).toBeLessThanOrEqual(groqLpu.scaleUp.domainSize.value);
  });

  test('one 8-chip GroqNode holds under 2 GB: not even a 1B model in fp16', () => {
    expect(8 * groqLpu.memory.capacityBytes.value).toBe(1.84e9);
    expect(8 * groqLpu.memory.capacityBytes.value).toBeLessThan(1e9 * PRECISION_BYTES.fp16);
  });
});

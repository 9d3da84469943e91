import { describe, expect, test } from 'vitest';
import { efficiencyAt, HARDWARE_API_VERSION, sourcedFigures, validateHardware, type ChipSpec } from '@ridgeline/hardware';
import google, { tpuV4, tpuV5e, tpuV5p, tpuV6e, tpuV7 } from './index.ts';

const GIB = 2 ** 30;

/** Peak FLOP/s × η_flop over bandwidth × η_mem: the arithmetic intensity where an operator turns compute-bound. */
function ridge(chip: ChipSpec, precision: 'bf16' | 'int8' | 'fp8'): number {
  const peak = chip.compute.peakDenseFlopsPerS[precision];
  if (peak === undefined) throw new Error(`${chip.id} has no ${precision}`);
  const flops = peak.value * efficiencyAt(chip.efficiency.flop, Number.POSITIVE_INFINITY);
  const bandwidth = chip.memory.bandwidthBytesPerS.value * efficiencyAt(chip.efficiency.memory, 0);
  return flops / bandwidth;
}

describe('google plugin', () => {
  test('declares the API version and its package name', () => {
    expect(google.apiVersion).toBe(HARDWARE_API_VERSION);
    expect(google.meta.name).toBe('@ridgeline/hardware-google');
    expect(google.meta.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  test('lists the five TPUs with unique kebab-case ids and aliases', () => {
    const ids = google.chips.map((chip) => chip.id);
    expect(ids).toEqual(['tpu-v4', 'tpu-v5e', 'tpu-v5p', 'tpu-v6e', 'tpu-v7']);
    const names = google.chips.flatMap((chip) => [chip.id, ...(chip.aliases ?? [])]);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(tpuV6e.aliases).toContain('trillium');
    expect(tpuV7.aliases).toContain('ironwood');
  });

  test.each(google.chips.map((chip) => [chip.id, chip] as const))('%s: every number is finite, > 0 and sourced', (_, chip) => {
    const numbers = sourcedFigures(chip);
    // 3 memory + 3 scale-up + 2 scale-out + 2 power + 1 price + 4 efficiency (+ the optional
    // overlap), plus one per precision; and the estimated power components: static, e_mem, node
    // overhead and e_flop at each precision but fp32
    const overlap = chip.efficiency.commOverlap === undefined ? 0 : 1;
    const precisions = Object.keys(chip.compute.peakDenseFlopsPerS);
    expect(numbers.length).toBe(15 + overlap + precisions.length + 3 + precisions.filter((p) => p !== 'fp32').length);
    // TPU power is unpublished: every component figure is labelled an estimate
    for (const f of numbers.filter((n) => /^power\.(staticW|joulesPer|nodeOverheadW)/.test(n.path))) expect(f.source, f.path).toMatch(/^estimate: /);
    for (const { path, values, source } of numbers) {
      for (const value of values) {
        expect(Number.isFinite(value), path).toBe(true);
        expect(value, path).toBeGreaterThan(0);
      }
      expect(source.trim().length, path).toBeGreaterThan(10);
    }
    expect(chip.price.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(chip.kind).toBe('tpu');
    expect(chip.memory.kind).toBe('hbm');
  });

  test('tpu-v4 carries the efficiencies fitted over the Pope et al. rows', () => {
    const { flop, memory, layerOverheadS, commOverlap } = tpuV4.efficiency;
    for (const eta of [flop, memory, layerOverheadS]) expect(eta.source).toMatch(/^fit: pnpm validate --fit over public\.csv rows ESTI-/);
    expect(commOverlap?.value).toBe(0.9);
  });

  test.each(google.chips.filter((c) => c.id !== 'tpu-v4').map((chip) => [chip.id, chip] as const))('%s: efficiencies are initial or fitted, plausible and in (0, 1]', (_, chip) => {
    const { flop, memory, network, layerOverheadS } = chip.efficiency;
    // v5e, v5p and v6e have η_flop fitted to MaxText training rows; the rest is initial, and TPU7x
    // (nothing measured) carries v6e's, transferred
    expect(flop.source).toMatch(/^(initial|fit: pnpm validate --fit over public\.csv rows MAXT-|transferred from tpu-v6e \(.*\); fit: pnpm validate --fit over public\.csv rows MAXT-)/);
    for (const eta of [memory, network]) {
      expect(eta.source).toContain('initial');
    }
    expect(layerOverheadS.source).toContain('initial');
    expect(chip.efficiency.calibration?.status).toBe(chip.id === 'tpu-v7' ? 'transferred' : 'fitted');
    // The MaxText fits span 0.6 (v6e, whose recipes' rematerialisation is assumed full) to 0.9
    // (v5e: MaxText's 32B at 66.86 % MFU with full rematerialisation executes 4/3 of the model
    // FLOPs, ≈ 89 % of peak).
    expect(efficiencyAt(flop, 0)).toBeGreaterThanOrEqual(0.55);
    expect(efficiencyAt(flop, 0)).toBeLessThanOrEqual(0.9);
    expect(efficiencyAt(memory, 0)).toBeGreaterThanOrEqual(0.7);
    expect(efficiencyAt(memory, 0)).toBeLessThanOrEqual(0.9);
    expect(efficiencyAt(network, 0)).toBeGreaterThan(0);
    expect(efficiencyAt(network, 0)).toBeLessThanOrEqual(1);
    expect(chip.memory.usableFraction.value).toBeGreaterThanOrEqual(0.9);
    expect(chip.memory.usableFraction.value).toBeLessThanOrEqual(0.95);
    expect(chip.power.idleW.value).toBeLessThan(chip.power.maxW.value);
  });

  test.each(google.chips.map((chip) => [chip.id, chip] as const))('%s: bf16 ridge point is between 100 and 600 FLOP/byte', (_, chip) => {
    const r = ridge(chip, 'bf16');
    expect(r).toBeGreaterThan(100);
    expect(r).toBeLessThan(600);
  });

  test('passes validateHardware from @ridgeline/hardware', () => {
    const result = validateHardware(google);
    expect(result.ok ? [] : result.issues).toEqual([]);
    expect(result.ok).toBe(true);
  });
});

describe('spot checks against the documents', () => {
  test('TPU v4: 275e12 bf16 = int8, 32 GiB at 1.2 TB/s, 6 ICI links of 4.5e10, 4096-chip pod, 90/192 W', () => {
    expect(tpuV4.compute.peakDenseFlopsPerS.bf16?.value).toBe(275e12);
    expect(tpuV4.compute.peakDenseFlopsPerS.int8?.value).toBe(tpuV4.compute.peakDenseFlopsPerS.bf16?.value);
    expect(tpuV4.memory.capacityBytes.value).toBe(32 * 2 ** 30);
    expect(tpuV4.memory.bandwidthBytesPerS.value).toBe(1.2e12);
    expect(tpuV4.scaleUp.bandwidthBytesPerS.value).toBe(6 * 4.5e10);
    expect(tpuV4.scaleUp.topology).toBe('torus3d');
    expect(tpuV4.scaleUp.domainSize.value).toBe(16 * 16 * 16);
    expect(tpuV4.power.idleW.value).toBe(90);
    expect(tpuV4.power.maxW.value).toBe(192);
  });

  test('TPU v5e: int8 = 2 × 197e12, 16 GiB, 4 ICI links of 4.5e10, 16x16 pod, 2 × 100 Gb/s NICs per 8 chips', () => {
    expect(tpuV5e.compute.peakDenseFlopsPerS.int8?.value).toBe(2 * 197e12);
    expect(tpuV5e.memory.capacityBytes.value).toBe(16 * GIB);
    expect(tpuV5e.memory.bandwidthBytesPerS.value).toBe(819e9);
    expect(tpuV5e.scaleUp.bandwidthBytesPerS.value).toBe(4 * 4.5e10);
    expect(tpuV5e.scaleUp.topology).toBe('torus2d');
    expect(tpuV5e.scaleUp.domainSize.value).toBe(16 * 16);
    expect(tpuV5e.scaleOut.bandwidthBytesPerS.value).toBe(3.125e9);
  });

  test('TPU v5p: int8 = 2 × 459e12, fp8 = bf16, 95 GiB, 6 ICI links of 9e10, 16x20x28 pod', () => {
    expect(tpuV5p.compute.peakDenseFlopsPerS.int8?.value).toBe(2 * 459e12);
    expect(tpuV5p.compute.peakDenseFlopsPerS.fp8?.value).toBe(459e12);
    expect(tpuV5p.memory.capacityBytes.value).toBe(95 * GIB);
    expect(tpuV5p.scaleUp.bandwidthBytesPerS.value).toBe(6 * 9e10);
    expect(tpuV5p.scaleUp.domainSize.value).toBe(16 * 20 * 28);
    expect(tpuV5p.scaleOut.bandwidthBytesPerS.value).toBe(50e9 / 8);
  });

  test('TPU v6e: int8 = 2 × 918e12, 32 GiB at 1638 GB/s, 4 ICI links of 9e10, 16x16 pod', () => {
    expect(tpuV6e.compute.peakDenseFlopsPerS.int8?.value).toBe(2 * 918e12);
    expect(tpuV6e.memory.capacityBytes.value).toBe(32 * GIB);
    expect(tpuV6e.memory.bandwidthBytesPerS.value).toBe(1638e9);
    expect(tpuV6e.scaleUp.bandwidthBytesPerS.value).toBe(4 * 9e10);
    expect(tpuV6e.scaleUp.topology).toBe('torus2d');
    expect(tpuV6e.scaleUp.domainSize.value).toBe(256);
  });

  test('TPU7x: fp8 = 2 × bf16, 192 GiB at 7.38 TB/s, 6 ICI links of 9e10, 9216-chip pod', () => {
    expect(tpuV7.compute.peakDenseFlopsPerS.fp8?.value).toBe(4614e12);
    expect(tpuV7.compute.peakDenseFlopsPerS.fp8?.value).toBe(2 * (tpuV7.compute.peakDenseFlopsPerS.bf16?.value ?? 0));
    expect(tpuV7.memory.capacityBytes.value).toBe(192 * GIB);
    expect(tpuV7.memory.bandwidthBytesPerS.value).toBe(7.38e12);
    expect(tpuV7.scaleUp.bandwidthBytesPerS.value).toBe(6 * 9e10);
    expect(tpuV7.scaleUp.topology).toBe('torus3d');
    expect(tpuV7.scaleUp.domainSize.value).toBe(4 * 4 * 576);
  });

  test('ICI bandwidth per torus axis is the one-way link rate times 2 (±direction links on the axis)', () => {
    // Ridgeline divides the per-chip total evenly over the K axes of a torusKd.
    expect(tpuV4.scaleUp.bandwidthBytesPerS.value / 3).toBe(2 * 4.5e10);
    expect(tpuV5e.scaleUp.bandwidthBytesPerS.value / 2).toBe(2 * 4.5e10);
    expect(tpuV6e.scaleUp.bandwidthBytesPerS.value / 2).toBe(2 * 9e10);
  });
});

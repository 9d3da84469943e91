import { HARDWARE_API_VERSION, efficiencyAt, formatIssues, sourcedFigures, validateHardware, type ChipSpec } from '@ridgeline/hardware';
import { describe, expect, it } from 'vitest';
import amd, { mi300x, mi325x, mi355x } from './index.ts';

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const chips: readonly ChipSpec[] = amd.chips;

describe('@ridgeline/hardware-amd', () => {
  it('is a version-1 plugin whose default export is the named export', () => {
    expect(amd.apiVersion).toBe(HARDWARE_API_VERSION);
    expect(amd.meta).toEqual({ name: '@ridgeline/hardware-amd', version: '0.1.0' });
    expect(chips.map((c) => c.id)).toEqual(['mi300x', 'mi325x', 'mi355x']);
    expect(chips).toEqual([mi300x, mi325x, mi355x]);
  });

  it('uses unique kebab-case ids and aliases that name one chip each', () => {
    const names = chips.flatMap((c) => [c.id, ...(c.aliases ?? [])]);
    for (const name of names) expect(name).toMatch(KEBAB);
    expect(new Set(names).size).toBe(names.length);
  });

  describe.each(chips.map((c) => [c.id, c] as const))('%s', (_id, chip) => {
    const found = sourcedFigures(chip);

    it('gives every number a finite positive value and a non-empty source', () => {
      expect(found.length).toBeGreaterThan(20);
      for (const f of found) {
        expect(f.source.trim().length, f.path).toBeGreaterThan(10);
        for (const value of f.values) {
          expect(Number.isFinite(value), f.path).toBe(true);
          // an overlap fraction may be 0 (nothing hidden), and a fitted t_layer 0 (the grid's lowest);
          // every other figure is a positive quantity
          if (f.path.endsWith('commOverlap') || f.path.endsWith('layerOverheadS')) expect(value, f.path).toBeGreaterThanOrEqual(0);
          else expect(value, f.path).toBeGreaterThan(0);
        }
      }
    });

    it('keeps fractions in (0, 1]; fitted on InferenceX where measured, transferred from MI300X where not', () => {
      const { flop, memory, network, layerOverheadS, calibration } = chip.efficiency;
      for (const eff of [memory, network]) {
        expect('value' in eff).toBe(true);
        if ('value' in eff) {
          expect(eff.value).toBeGreaterThan(0);
          expect(eff.value).toBeLessThanOrEqual(1);
        }
      }
      // η_flop's fallback (BF16) is the served share of the sourced matmul benchmark (0.408 of it at 128 FLOP/byte,
      // 0.749 at 4,096: SERVED_MATMUL_SHARE); η_mem and t_layer are fitted or transferred.
      // MI300X and MI325X quote AMD's Max-Achievable FLOPs (BF16 708 and 843 TFLOPs of 1,307.4), MI355X the MAMF table (0.62).
      const bf16 = chip.id === 'mi355x' ? 0.62 : chip.id === 'mi300x' ? 0.54 : 0.645;
      expect(flop.source).toMatch(chip.id === 'mi355x' ? /^served: .*initial: maximum achievable matmul/ : /^served: .*Max-Achievable FLOPs/);
      expect('curve' in flop ? flop.curve : undefined).toEqual([[128, Math.round(bf16 * 0.408 * 1000) / 1000], [4096, Math.round(bf16 * 0.749 * 1000) / 1000]]);
      const fitted = chip.id !== 'mi325x';
      expect(calibration?.status).toBe(fitted ? 'fitted' : 'transferred');
      for (const s of [memory.source, layerOverheadS.source]) expect(s).toMatch(fitted ? /^fit: pnpm validate --fit over InferenceX/ : /^transferred from mi300x \(/);
      // the experts' η_flop at FP8 is fitted (or transferred) on InferenceX; every other FP8 matmul takes the chip's
      // achievable FP8 matmul where AMD measured one (FP8 MAF 1,273 and 1,519 TFLOPs of 2,614.9), else the BF16 fraction
      expect(chip.efficiency.expertFlopByPrecision?.fp8?.source).toMatch(/InferenceX/);
      const fp8 = chip.efficiency.flopByPrecision?.fp8;
      if (chip.id === 'mi355x') expect(fp8).toBeUndefined();
      else {
        expect(fp8?.source).toMatch(/^served: .*Max-Achievable FLOPs.*FP8/);
        // FP8 MAF 0.487 (MI300X) and 0.581 (MI325X), served: 0.487 × 0.749 = 0.365, 0.581 × 0.749 = 0.435 for large GEMMs
        expect(fp8 !== undefined ? efficiencyAt(fp8, 4096) : undefined).toBe(chip.id === 'mi300x' ? 0.365 : 0.435);
        // every profile carries the same figures (a stack's fit sets the experts', not the other matmuls')
        for (const profile of Object.values(chip.efficiencyProfiles ?? {})) expect(profile.flopByPrecision?.fp8).toEqual(fp8);
      }
      // η_net, which the fit only holds, keeps its own source (RCCL's all-reduce bus bandwidth) in every profile
      for (const e of [chip.efficiency, ...Object.values(chip.efficiencyProfiles ?? {})]) expect(e.network.source).toMatch(/busbw 312\.9 (GB\/s )?of 448/);
      expect(chip.memory.usableFraction.value).toBeLessThanOrEqual(1);
    });

    it('is physically consistent', () => {
      expect(chip.power.idleW.value).toBeLessThan(chip.power.maxW.value);
      expect(chip.scaleUp.domainSize.value).toBe(8);
      expect(chip.scaleUp.topology).toBe('switch');
      expect(chip.scaleOut.bandwidthBytesPerS.value).toBeLessThan(chip.scaleUp.bandwidthBytesPerS.value);
      expect(chip.price.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Number.isNaN(Date.parse(chip.price.asOf))).toBe(false);
      const { bf16, fp16, fp8, int8 } = chip.compute.peakDenseFlopsPerS;
      expect(fp16?.value).toBe(bf16?.value);
      expect(fp8?.value).toBe(int8?.value);
    });

    it('has a bf16 ridge point F/BW between 100 and 400 FLOP/byte', () => {
      const ridge = (chip.compute.peakDenseFlopsPerS.bf16?.value ?? 0) / chip.memory.bandwidthBytesPerS.value;
      expect(ridge).toBeGreaterThan(100);
      expect(ridge).toBeLessThan(400);
    });
  });

  it('uses dense rates: fp8 is twice bf16 and the sparse figures are not used', () => {
    expect(mi300x.compute.peakDenseFlopsPerS.bf16?.value).toBe(1307.4e12);
    expect(mi300x.compute.peakDenseFlopsPerS.fp8?.value).toBe(2614.9e12);
    expect(mi325x.compute.peakDenseFlopsPerS.bf16?.value).toBe(mi300x.compute.peakDenseFlopsPerS.bf16?.value);
    expect(mi355x.compute.peakDenseFlopsPerS.bf16?.value).toBe(2516.6e12);
    expect(mi355x.compute.peakDenseFlopsPerS.fp8?.value).toBe(2 * 2516.6e12);
    expect(mi355x.compute.peakDenseFlopsPerS.fp4?.value).toBe(4 * 2516.6e12);
    expect(mi300x.compute.peakDenseFlopsPerS.fp4).toBeUndefined();
    expect(mi325x.compute.peakDenseFlopsPerS.fp4).toBeUndefined();
  });

  it('sums seven Infinity Fabric links, one direction each', () => {
    expect(mi300x.scaleUp.bandwidthBytesPerS.value).toBe(7 * (128e9 / 2));
    expect(mi300x.scaleUp.bandwidthBytesPerS.value).toBe(896e9 / 2);
    expect(mi325x.scaleUp.bandwidthBytesPerS.value).toBe(mi300x.scaleUp.bandwidthBytesPerS.value);
    expect(mi355x.scaleUp.bandwidthBytesPerS.value).toBeCloseTo(7 * (153.6e9 / 2), 0);
  });

  it('states memory, NICs and board power as published', () => {
    expect(chips.map((c) => c.memory.capacityBytes.value)).toEqual([205822885888, 256 * 2 ** 30, 309220868096]);
    expect(chips.map((c) => c.memory.bandwidthBytesPerS.value)).toEqual([5.3e12, 6e12, 8e12]);
    expect(chips.map((c) => c.power.maxW.value)).toEqual([750, 1000, 1400]);
    for (const chip of chips) expect(chip.scaleOut.bandwidthBytesPerS.value).toBe(400e9 / 8);
  });

  it('puts the MI300X ridge point at about 247 FLOP/byte', () => {
    const ridge = (mi300x.compute.peakDenseFlopsPerS.bf16?.value ?? 0) / mi300x.memory.bandwidthBytesPerS.value;
    expect(ridge).toBeCloseTo(1307.4e12 / 5.3e12, 6);
    expect(Math.round(ridge)).toBe(247);
  });

  it('flags the MI355X price as a placeholder', () => {
    expect(mi355x.price.usdPerChipHour.source).toMatch(/^PLACEHOLDER/);
  });

  it('passes validateHardware', () => {
    const result = validateHardware(amd);
    expect(result.ok ? '' : formatIssues(result.issues, amd.meta.name)).toBe('');
    expect(result.ok).toBe(true);
  });
});

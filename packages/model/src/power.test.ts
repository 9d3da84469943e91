import { describe, expect, test } from 'vitest';
import type { ChipSpec } from '@ridgeline/hardware';
import { estimateInference } from './inference.ts';
import { chipPowerComponentsW, chipPowerW, DEFAULT_PUE, energyFigures, estimateUnderPowerCap, hasComponentPower, withPowerCap } from './power.ts';
import { feasible, llama70b, roomyGpu, testGpu, bf16 } from './test-fixtures.ts';

const s = (value: number): { value: number; source: string } => ({ value, source: 'test fixture' });

/** The test GPU (idle 100 W, max 700 W) with round component figures (docs/MODEL.md §10). */
const componentGpu: ChipSpec = {
  ...roomyGpu,
  id: 'component-gpu',
  power: {
    ...testGpu.power,
    staticW: s(50),
    joulesPerFlop: { bf16: s(1e-12), fp8: s(0.5e-12) },
    joulesPerByteMemory: s(5e-11),
    joulesPerByteLink: s(1e-11),
    nodeOverheadW: s(300),
  },
};


describe('the component power model (docs/MODEL.md §10)', () => {
  test('P = P_static + e_flop·FLOP/s + e_mem·bytes/s + e_link·β_up·share, by hand', () => {
    // 50 + 1e-12 × 1e14 + 5e-11 × 2e12 + 1e-11 × 450e9 × 0.1 = 50 + 100 + 100 + 0.45 = 250.45 W
    expect(chipPowerW(componentGpu, 'bf16', 1e14, 2e12, 0.1, 0.3)).toBeCloseTo(250.45, 9);
    // FP8 at half the energy per FLOP: 50 + 0.5e-12 × 1e14 + 0 = 100 W
    expect(chipPowerW(componentGpu, 'fp8', 1e14, 0, 0, 0.3)).toBeCloseTo(100, 9);
    // capped at P_max: 50 + 1e-12 × 1e15 = 1,050 W > 700 W
    expect(chipPowerW(componentGpu, 'bf16', 1e15, 0, 0, 1)).toBe(700);
  });

  test('a chip without the figures, or a precision without e_flop, interpolates from idle to max', () => {
    // 100 + (700 − 100) × 0.5 = 400 W, whatever the FLOP/s and bytes/s
    expect(chipPowerW(testGpu, 'bf16', 1e14, 2e12, 0, 0.5)).toBe(400);
    expect(hasComponentPower(componentGpu, 'int8')).toBe(false);
    expect(chipPowerW(componentGpu, 'int8', 1e14, 2e12, 0, 0.5)).toBe(400);
  });

  test("a memory-bound decode draws P_static + e_mem × the bandwidth it streams, plus its FLOPs' share", () => {
    // Llama 3.1 70B, 1 chip, batch 1, static: every decode operator is memory-bound and t_layer = 0,
    // so TPOT = Σ bytes / (3.35e12 × 0.8) and the chip streams 2.68e12 bytes/s:
    // P = 50 + 5e-11 × 2.68e12 + 1e-12 × Σ flops / TPOT = 50 + 134 + 1e-12 × Σ flops / TPOT.
    const r = feasible(
      estimateInference({ model: llama70b, chip: componentGpu, chips: 1, parallelism: { tp: 1, pp: 1, ep: 1 }, batch: 1, inputTokens: 2048, outputTokens: 256, precision: bf16, schedule: 'static' }),
    );
    expect(r.decode.operators.every((o) => o.bound === 'memory')).toBe(true);
    const flops = r.decode.operators.reduce((sum, o) => sum + o.flops, 0);
    expect(r.powerPerChipW).toBeCloseTo(50 + 134 + (1e-12 * flops) / r.tpotS, 6);
    expect(r.energy.powerModel).toBe('components');
    // and against the interpolation it replaces: 100 + 600 × MBU 0.8 = 580 W
    const before = feasible(
      estimateInference({ model: llama70b, chip: roomyGpu, chips: 1, parallelism: { tp: 1, pp: 1, ep: 1 }, batch: 1, inputTokens: 2048, outputTokens: 256, precision: bf16, schedule: 'static' }),
    );
    expect(before.powerPerChipW).toBeCloseTo(100 + 600 * 0.8, 6);
    expect(before.energy.powerModel).toBe('interpolated');
  });
});

describe('node and facility energy (docs/MODEL.md §10)', () => {
  test('by hand: 8 chips at 200 W, 575 W of host each, PUE 1.2, 1,000 output tokens/s', () => {
    const chip: ChipSpec = { ...testGpu, power: { ...testGpu.power, nodeOverheadW: s(575) } };
    const e = energyFigures('bf16', [{ chip, chips: 8 }], { chipW: 200, decodeChipW: 200, prefillChipW: 500, chipJPerOutputToken: 1.6, tokensPerS: 1000 }, 1.2);
    // node: (8 × 200 + 8 × 575) / 1000 = 6,200 / 1000 = 6.2 J; facility: 6.2 × 1.2 = 7.44 J
    expect(e.nodeJPerOutputToken).toBeCloseTo(6.2, 12);
    expect(e.facilityJPerOutputToken).toBeCloseTo(7.44, 12);
    expect(e.facilityW).toBeCloseTo(7440, 9);
    // provisioned: 8 × (700 + 575) × 1.2 = 12,240 W; 1,000 / 0.01224 MW = 81,699.3 tokens/s per MW
    expect(e.provisionedFacilityW).toBeCloseTo(12_240, 9);
    expect(e.tokensPerSPerProvisionedMW).toBeCloseTo(1000 / 0.01224, 6);
    expect(e.nodeOverheadW).toBe(4600);
  });

  test('a result carries them, at the default PUE of 1.2 or the given one', () => {
    const config = { model: llama70b, chip: componentGpu, chips: 2, parallelism: { tp: 2, pp: 1, ep: 1 }, batch: 16, inputTokens: 1024, outputTokens: 128, precision: bf16 } as const;
    const r = feasible(estimateInference(config));
    expect(r.energy.pue).toBe(DEFAULT_PUE);
    expect(r.energy.chipJPerOutputToken).toBe(r.energyPerTokenJ);
    expect(r.energy.chipW).toBe(r.powerPerChipW);
    // node = chips + 2 × 300 W of host; facility = node × 1.2; provisioned = 2 × (700 + 300) × 1.2
    expect(r.energy.nodeJPerOutputToken).toBeCloseTo((2 * r.powerPerChipW + 600) / r.tokensPerS, 9);
    expect(r.energy.facilityJPerOutputToken).toBeCloseTo((1.2 * (2 * r.powerPerChipW + 600)) / r.tokensPerS, 9);
    expect(r.energy.provisionedFacilityW).toBeCloseTo(2400, 9);
    const atPue = feasible(estimateInference({ ...config, pue: 1.5 }));
    expect(atPue.energy.provisionedFacilityW).toBeCloseTo(3000, 9);
    expect(() => estimateInference({ ...config, pue: 0.9 })).toThrow(/pue/);
  });
});

describe('the power cap (docs/MODEL.md §10)', () => {
  const prefillHeavy = { model: llama70b, chip: componentGpu, chips: 8, parallelism: { tp: 8, pp: 1, ep: 1 }, batch: 64, inputTokens: 8192, outputTokens: 64, precision: bf16 } as const;

  test('a cap above the draw changes no figure but P_max', () => {
    const free = feasible(estimateInference(prefillHeavy));
    const capped = feasible(estimateUnderPowerCap(prefillHeavy, 699));
    expect(free.powerPerChipW).toBeLessThan(699);
    expect(capped.tokensPerS).toBe(free.tokensPerS);
    expect(capped.energy.provisionedFacilityW).toBeCloseTo(8 * (699 + 300) * 1.2, 9);
  });

  test('a cap below the draw throttles compute by (cap − P_static)/(P − P_static) and holds the draw', () => {
    const free = feasible(estimateInference(prefillHeavy));
    const drawW = Math.max(free.energy.prefillChipW, free.energy.decodeChipW);
    const capW = 50 + (drawW - 50) / 2; // half the dynamic power: s = 0.5
    const capped = feasible(estimateUnderPowerCap(prefillHeavy, capW));
    expect(capped.inputs.hardware.peakFlopsPerS).toBeCloseTo(989e12 * 0.5, 0);
    expect(capped.powerPerChipW).toBeLessThanOrEqual(capW);
    expect(capped.energy.prefillChipW).toBeLessThanOrEqual(capW);
    expect(capped.ttftS).toBeGreaterThan(free.ttftS);
    expect(capped.tokensPerS).toBeLessThan(free.tokensPerS);
    expect(() => estimateUnderPowerCap(prefillHeavy, 50)).toThrow(/static power 50 W/);
  });

  test('withPowerCap scales every peak and sets P_max', () => {
    const c = withPowerCap(componentGpu, 400, 0.25);
    expect(c.compute.peakDenseFlopsPerS.fp8?.value).toBeCloseTo(1979e12 * 0.25, 0);
    expect(c.power.maxW.value).toBe(400);
  });
});

describe('the decode draw by component (docs/MODEL.md §10)', () => {
  test('by hand: the parts of chipPowerW, and scaled into the headroom when the draw is capped', () => {
    // 50 W static; compute 1e-12 × 1e14 = 100 W; memory 5e-11 × 2e12 = 100 W; link 1e-11 × 450e9 × 0.1 = 0.45 W
    const c = chipPowerComponentsW(componentGpu, 'bf16', 1e14, 2e12, 0.1);
    expect(c).not.toBeNull();
    expect(c!.staticW).toBe(50);
    expect(c!.computeW).toBeCloseTo(100, 9);
    expect(c!.memoryW).toBeCloseTo(100, 9);
    expect(c!.linkW).toBeCloseTo(0.45, 9);
    expect(c!.staticW + c!.computeW + c!.memoryW + c!.linkW).toBeCloseTo(chipPowerW(componentGpu, 'bf16', 1e14, 2e12, 0.1, 0.3), 9);
    // 50 + 1e-12 × 1e15 (1,000 W) + 5e-11 × 2e12 (100 W) passes P_max = 700: the 1,100 W of dynamic
    // power scales by the headroom 650 / 1,100, so compute 590.9 W and memory 59.09 W, summing to 700
    const capped = chipPowerComponentsW(componentGpu, 'bf16', 1e15, 2e12, 0)!;
    expect(capped.computeW).toBeCloseTo((1000 * 650) / 1100, 9);
    expect(capped.memoryW).toBeCloseTo((100 * 650) / 1100, 9);
    expect(capped.staticW + capped.computeW + capped.memoryW + capped.linkW).toBeCloseTo(700, 9);
    // a chip that interpolates has no split
    expect(chipPowerComponentsW(testGpu, 'bf16', 1e14, 2e12, 0)).toBeNull();
  });

  test('a static decode result carries the split of its decode draw, summing to decodeChipW', () => {
    const r = feasible(
      estimateInference({ model: llama70b, chip: componentGpu, chips: 1, parallelism: { tp: 1, pp: 1, ep: 1 }, batch: 1, inputTokens: 2048, outputTokens: 256, precision: bf16, schedule: 'static' }),
    );
    const c = r.energy.decodeChipWByComponent!;
    // memory-bound at batch 1: the chip streams 3.35e12 × 0.8 = 2.68e12 B/s → 5e-11 × 2.68e12 = 134 W
    expect(c.memoryW).toBeCloseTo(134, 6);
    expect(c.staticW).toBe(50);
    expect(c.staticW + c.computeW + c.memoryW + c.linkW).toBeCloseTo(r.energy.decodeChipW, 9);
    const interpolated = feasible(
      estimateInference({ model: llama70b, chip: roomyGpu, chips: 1, parallelism: { tp: 1, pp: 1, ep: 1 }, batch: 1, inputTokens: 2048, outputTokens: 256, precision: bf16, schedule: 'static' }),
    );
    expect(interpolated.energy.decodeChipWByComponent).toBeNull();
  });
});

describe('the status of the power figures behind the energy (issue 12 §7)', () => {
  const sourced = (value: number): { value: number; source: string } => ({ value, source: 'datasheet (2025-01-01)' });
  const allSourced: ChipSpec = {
    ...componentGpu,
    power: { idleW: sourced(100), maxW: sourced(700), staticW: sourced(50), joulesPerFlop: { bf16: sourced(1e-12) }, joulesPerByteMemory: sourced(5e-11), nodeOverheadW: sourced(300) },
  };
  const figures = { chipW: 200, decodeChipW: 200, prefillChipW: 500, chipJPerOutputToken: 1.6, tokensPerS: 1000 };

  test('every figure sourced: sourced, no estimates, no note', () => {
    const e = energyFigures('bf16', [{ chip: allSourced, chips: 8 }], figures, 1.2);
    expect(e.status).toBe('sourced');
    expect(e.estimatedFigures).toEqual([]);
    expect(e.statusNote).toBeNull();
  });

  test('an estimated figure, or an absent host share, makes it estimated, each with its rule, and one line names them', () => {
    const { nodeOverheadW: _, ...withoutHost } = allSourced.power;
    const guessed: ChipSpec = { ...allSourced, id: 'guessed', power: { ...withoutHost, staticW: { value: 70, source: 'estimate: 10% of TDP' } } };
    const e = energyFigures('bf16', [{ chip: guessed, chips: 8 }], figures, 1.2);
    expect(e.status).toBe('estimated');
    expect(e.estimatedFigures).toEqual([
      { chip: 'guessed', figure: 'power.staticW', rule: 'estimate: 10% of TDP' },
      { chip: 'guessed', figure: 'power.nodeOverheadW', rule: 'absent: counted as 0 W (the plugin gives no host share)' },
    ]);
    expect(e.statusNote).toBe('guessed: 2 of 5 power figures estimated (power.staticW, power.nodeOverheadW)');
    // the precision picks which e_flop the energy rests on; one without it interpolates from idle
    const fp8 = energyFigures('fp8', [{ chip: guessed, chips: 8 }], figures, 1.2);
    expect(fp8.estimatedFigures.map((f) => f.figure)).toEqual(['power.nodeOverheadW']);
    expect(fp8.statusNote).toBe('guessed: 1 of 3 power figures estimated (power.nodeOverheadW)');
  });

  test('two pools: each chip named once, in pool order', () => {
    const tpu: ChipSpec = { ...allSourced, id: 'tpu-x', power: { ...allSourced.power, maxW: { value: 400, source: 'estimate (no published power)' } } };
    const e = energyFigures('bf16', [{ chip: tpu, chips: 4 }, { chip: allSourced, chips: 8 }, { chip: tpu, chips: 2 }], figures, 1.2);
    expect(e.estimatedFigures).toEqual([{ chip: 'tpu-x', figure: 'power.maxW', rule: 'estimate (no published power)' }]);
    expect(e.statusNote).toBe('tpu-x: 1 of 5 power figures estimated (power.maxW)');
  });
});

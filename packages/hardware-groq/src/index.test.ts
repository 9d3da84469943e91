import { describe, expect, test } from 'vitest';
import { efficiencyAt, HARDWARE_API_VERSION, sourcedFigures, PRECISION_BYTES, validateHardware } from '@ridgeline/hardware';
import groq, { groq3Lpu, groqLpu } from './index.ts';

describe('groq plugin', () => {
  test('declares the API version and its package name', () => {
    expect(groq.apiVersion).toBe(HARDWARE_API_VERSION);
    expect(groq.meta.name).toBe('@ridgeline/hardware-groq');
    expect(groq.chips).toEqual([groqLpu, groq3Lpu]);
  });

  test('has a unique kebab-case id and aliases', () => {
    const names = groq.chips.flatMap((chip) => [chip.id, ...(chip.aliases ?? [])]);
    expect(names).toEqual(['groq-lpu', 'lpu', 'groqchip', 'nvidia-groq3-lpu', 'groq3', 'groq-3-lpu', 'groq3-lpu', 'lp30']);
    for (const name of names) expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  test.each([groqLpu, groq3Lpu])('every number of $id is finite, > 0 and sourced', (chip) => {
    const numbers = sourcedFigures(chip);
    // 2 precisions + 3 memory + 4 scale-up (with the collective latency) + 2 scale-out + 1 price + 4 efficiency
    // + 7 power: idle, max, and the estimated components (static, e_flop at its two precisions, e_mem, node overhead)
    expect(numbers.length).toBe(23);
    for (const { path, values, source } of numbers) {
      for (const value of values) {
        expect(Number.isFinite(value), path).toBe(true);
        expect(value, path).toBeGreaterThan(0);
      }
      expect(source.trim().length, path).toBeGreaterThan(10);
    }
    expect(chip.price.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
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
    expect(groqLpu.efficiency.layerOverheadS.source).toMatch(/^estimate: at most ~1 µs per layer/);
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

describe('the chip-to-chip pipeline is costed from the link figures, not from a served tokens/s figure', () => {
  test('t_layer is the ResNet-50 batch-1 bound (ISCA 2020), about 1 µs, not a back-solved 30 µs', () => {
    const tLayer = groqLpu.efficiency.layerOverheadS;
    // 20.4K images/s at batch 1 → 49 µs per image over ~50 weight layers = 0.98 µs per layer, compute included; rounded up
    expect(1 / 20_400 / 50).toBeCloseTo(0.98e-6, 8);
    expect(tLayer.value).toBe(1e-6);
    expect(tLayer.source).toContain('20.4K images/s at batch size 1');
    expect(tLayer.source).toContain('Think Fast');
    // it carries no chip-to-chip cost and no served figure: those are the link figures' (and the comparison's)
    expect(tLayer.source).toContain('Not back-solved from a served tokens/s figure');
    expect(tLayer.source).not.toMatch(/300 tokens\/s|LLMPerf/);
    expect(groqLpu.efficiency.calibration?.basis).toMatch(/chip-to-chip costs from the link figures/);
  });

  test('per layer, the link figures cost 12× t_layer: 2 all-reduces at 2 × 3 µs (ISCA 2022 end-to-end bound)', () => {
    const collective = groqLpu.scaleUp.collectiveLatencyS!;
    expect(collective.value).toBe(2 * 3e-6);
    expect(collective.source).toMatch(/^derived: .*less than 3 microseconds of end-to-end system latency/);
    expect((2 * collective.value) / groqLpu.efficiency.layerOverheadS.value).toBeCloseTo(12, 9);
  });

  test('a pipeline stage hand-off is one C2C hop, 3 µs ÷ ~5 Dragonfly hops, plus bytes over 16 × 14 GB/s', () => {
    const hop = groqLpu.scaleUp.hopLatencyS;
    expect(hop.value).toBeCloseTo(3e-6 / 5, 15);
    expect(hop.source).toMatch(/^derived: /);
    expect(hop.source).toContain('pipeline stage hand-off');
    // one token of Llama 2 70B's activations (8192 × 2 B fp16) crosses in 16384 / (224e9 × η_net 0.9) = 0.081 µs: the hop dominates
    const bytesS = (8192 * 2) / (groqLpu.scaleUp.bandwidthBytesPerS.value * efficiencyAt(groqLpu.efficiency.network, 8192 * 2));
    expect(bytesS).toBeCloseTo(8.13e-8, 9);
    expect(bytesS).toBeLessThan(hop.value / 5);
  });

  test('the notes state the prediction against the ~300 tokens/s Groq served, without tuning to it', () => {
    expect(groqLpu.notes).toMatch(/≈ 930 tokens\/s per user, 3\.1× the ~300 Groq served/);
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

describe('NVIDIA Groq 3 LPU (announced): the figures as chips.md gives them', () => {
  test('is announced, an LPU, sold by NVIDIA; the GroqChip ships', () => {
    expect(groq3Lpu.availability).toBe('announced');
    expect(groqLpu.availability).toBeUndefined();
    expect(groq3Lpu.kind).toBe('lpu');
    expect(groq3Lpu.vendor).toBe('NVIDIA');
    expect(groq3Lpu.notes).toMatch(/^Announced at GTC 2026/);
  });

  test('SRAM only: 128 GB per rack / 256 = 500 MB per chip, at 150 TB/s', () => {
    expect(groq3Lpu.memory.kind).toBe('sram');
    expect(groq3Lpu.memory.capacityBytes.value).toBe(128e9 / 256);
    expect(groq3Lpu.memory.capacityBytes.value).toBe(500e6);
    expect(groq3Lpu.memory.bandwidthBytesPerS.value).toBe(150e12);
    // The rounded rack total (40 PB/s) ÷ 256 is within 5% of the per-chip figure used.
    expect(40e15 / 256 / groq3Lpu.memory.bandwidthBytesPerS.value).toBeCloseTo(1.04, 2);
  });

  test('1.2 PFLOP/s fp8 (rack 315 PF / 256 = 1.23 PF); int8 estimated equal; no 2-byte rate', () => {
    expect(groq3Lpu.compute.peakDenseFlopsPerS.fp8?.value).toBe(1.2e15);
    expect(315e15 / 256 / 1.2e15).toBeCloseTo(1.025, 3);
    expect(groq3Lpu.compute.peakDenseFlopsPerS.int8?.value).toBe(1.2e15);
    expect(groq3Lpu.compute.peakDenseFlopsPerS.int8?.source).toMatch(/^estimate/);
    expect(groq3Lpu.compute.peakDenseFlopsPerS.bf16).toBeUndefined();
    expect(groq3Lpu.compute.peakDenseFlopsPerS.fp16).toBeUndefined();
  });

  test('chip-to-chip: 2.5 TB/s bidirectional (640 TB/s / 256) = 1.25 TB/s per direction, 256-chip domain', () => {
    expect(groq3Lpu.scaleUp.bandwidthBytesPerS.value).toBe(1.25e12);
    expect(640e12 / 256 / 2).toBe(groq3Lpu.scaleUp.bandwidthBytesPerS.value);
    expect(groq3Lpu.scaleUp.domainSize.value).toBe(256);
    expect(groq3Lpu.scaleUp.topology).toBe('switch');
  });

  test('every unpublished figure says "estimate", and the missing scale-out figure is flagged', () => {
    const estimates = sourcedFigures(groq3Lpu).filter((f) => f.source.startsWith('estimate')).map((f) => f.path);
    expect(estimates).toEqual([
      'compute.peakDenseFlopsPerS.int8',
      'memory.usableFraction',
      'scaleUp.hopLatencyS',
      'scaleUp.collectiveLatencyS',
      'scaleOut.bandwidthBytesPerS',
      'scaleOut.hopLatencyS',
      'power.idleW',
      'power.maxW',
      'power.staticW',
      'power.joulesPerFlop.fp8',
      'power.joulesPerFlop.int8',
      'power.joulesPerByteMemory',
      'power.nodeOverheadW',
      'price.usdPerChipHour',
    ]);
    expect(groq3Lpu.scaleOut.bandwidthBytesPerS.source).toContain('NO SCALE-OUT FIGURE IS PUBLISHED');
    expect(groq3Lpu.scaleOut.bandwidthBytesPerS.value).toBe(25e9);
    expect(groq3Lpu.notes).toMatch(/No scale-out figure is published/);
  });

  test('efficiencies are the GroqChip\'s, transferred until fitted', () => {
    const { flop, memory, network, layerOverheadS } = groq3Lpu.efficiency;
    for (const [eta, from] of [
      [flop, groqLpu.efficiency.flop],
      [memory, groqLpu.efficiency.memory],
      [network, groqLpu.efficiency.network],
    ] as const) {
      expect(efficiencyAt(eta, 0)).toBe(efficiencyAt(from, 0));
      expect(eta.source).toMatch(/^transferred from groq-lpu \(the same compiler-scheduled, SRAM-only LPU architecture/);
    }
    expect(layerOverheadS.value).toBe(groqLpu.efficiency.layerOverheadS.value);
    // the ResNet-50 bound of the GroqChip, carried over with the rule in front of its derivation
    expect(layerOverheadS.value).toBe(1e-6);
    expect(layerOverheadS.source).toContain('; estimate: at most ~1 µs per layer');
    expect(layerOverheadS.source).toMatch(/^transferred from groq-lpu \(the same compiler-scheduled, SRAM-only LPU architecture/);
    expect(groq3Lpu.efficiency.calibration?.status).toBe('transferred');
    expect(groq3Lpu.efficiency.calibration?.basis).toMatch(/^transferred from groq-lpu .*, whose efficiencies are datasheet/);
  });

  test('a 70B model at 1 byte per parameter needs ~157 chips for its weights: it fits one 256-chip rack', () => {
    const usable = groq3Lpu.memory.capacityBytes.value * groq3Lpu.memory.usableFraction.value;
    const chips = Math.ceil((70.6e9 * PRECISION_BYTES.fp8) / usable);
    expect(chips).toBe(157);
    expect(chips).toBeLessThanOrEqual(groq3Lpu.scaleUp.domainSize.value);
  });
});

describe('LPU power: every component figure an estimate with its rule (docs/MODEL.md §10)', () => {
  test.each([groqLpu, groq3Lpu])('$id', (chip) => {
    const p = chip.power;
    for (const figure of [p.staticW, p.joulesPerFlop?.int8, p.joulesPerByteMemory, p.nodeOverheadW]) expect(figure?.source).toMatch(/^estimate: /);
    // P_static = the idle estimate; e_flop(int8) = (P_max − P_static)/F(int8)
    expect(p.staticW?.value).toBe(p.idleW.value);
    expect(p.joulesPerFlop?.int8?.value).toBeCloseTo((p.maxW.value - p.idleW.value) / chip.compute.peakDenseFlopsPerS.int8!.value, 25);
    // SRAM: streaming at peak bandwidth draws the H200's 43.35% of the dynamic range (5.6e-11 × 4.8e12 / 620 W)
    expect((p.joulesPerByteMemory!.value * chip.memory.bandwidthBytesPerS.value) / (p.maxW.value - p.idleW.value)).toBeCloseTo((5.6e-11 * 4.8e12) / 620, 12);
    // the rack-scale share: 0.389 × P_max (GB200 NVL72: 467 W over a 1,200 W GPU)
    expect(p.nodeOverheadW?.value).toBeCloseTo(((120_000 / 72 - 1200) / 1200) * p.maxW.value, 9);
  });
});

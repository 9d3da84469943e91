import { HARDWARE_API_VERSION, HOPPER_SERVED_FLOP, efficiencyAt, formatIssues, sourcedFigures, validateHardware, type ChipSpec } from '@ridgeline/hardware';
import { describe, expect, it } from 'vitest';
import nvidia, { a100Sxm, b200, b300, gb200Nvl72, gb300Nvl72, h100Sxm, h200 } from './index.ts';

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const chips: readonly ChipSpec[] = nvidia.chips;

describe('@ridgeline/hardware-nvidia', () => {
  it('is a version-1 plugin whose default export is the named export', () => {
    expect(nvidia.apiVersion).toBe(HARDWARE_API_VERSION);
    expect(nvidia.meta).toEqual({ name: '@ridgeline/hardware-nvidia', version: '0.1.0' });
    expect(chips.map((c) => c.id)).toEqual(['h100-sxm', 'h200', 'b200', 'gb200-nvl72', 'b300', 'gb300-nvl72', 'a100-sxm']);
    expect(chips).toEqual([h100Sxm, h200, b200, gb200Nvl72, b300, gb300Nvl72, a100Sxm]);
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
          // an overlap fraction may be 0 (nothing hidden), and a fitted t_layer or t_req 0 (the grid's
          // lowest; a stack with no single-node rows fits no t_req), and a system's capital share 0 when a
          // rack price already includes it (NVL72); every other figure is a positive quantity
          if (/(commOverlap|layerOverheadS|requestOverheadS|systemCapitalUsdPerChip)$/.test(f.path)) expect(value, f.path).toBeGreaterThanOrEqual(0);
          else expect(value, f.path).toBeGreaterThan(0);
        }
      }
    });

    it('keeps fractions in (0, 1] and says whether efficiencies are initial, fitted, measured or transferred', () => {
      const { flop, memory, network } = chip.efficiency;
      for (const eff of [flop, memory, network]) {
        // a constant, or a curve (fitted η_flop climbs with arithmetic intensity): every value in (0, 1]
        const values = 'value' in eff ? [eff.value] : eff.curve.map(([, y]) => y);
        for (const v of values) {
          expect(v).toBeGreaterThan(0);
          expect(v).toBeLessThanOrEqual(1);
        }
        expect(eff.source).toMatch(/^(initial|fit:|measured:|transferred from|served:|held at the plugin's value while fitting)/);
      }
      // η_net, which the InferenceX fit only holds, keeps the source of its value in every current profile
      if (chip.id !== 'a100-sxm') {
        for (const [name, e] of Object.entries(chip.efficiencyProfiles ?? {}).filter(([n]) => n !== '2023')) expect(e.network.source, name).toMatch(/all-reduce|all_reduce/);
      }
      expect(chip.efficiency.layerOverheadS.source).toMatch(/^(initial|fit:|transferred from)/);
      expect(chip.memory.usableFraction.value).toBeLessThanOrEqual(1);
    });

    it('is physically consistent', () => {
      expect(chip.power.idleW.value).toBeLessThan(chip.power.maxW.value);
      expect(Number.isInteger(chip.scaleUp.domainSize.value)).toBe(true);
      expect(chip.scaleOut.bandwidthBytesPerS.value).toBeLessThan(chip.scaleUp.bandwidthBytesPerS.value);
      expect(chip.scaleUp.topology).toBe('switch');
      expect(chip.price.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Number.isNaN(Date.parse(chip.price.asOf))).toBe(false);
      const { bf16, fp16 } = chip.compute.peakDenseFlopsPerS;
      expect(fp16?.value).toBe(bf16?.value);
    });

    it('has a bf16 ridge point F/BW between 100 and 400 FLOP/byte', () => {
      const ridge = (chip.compute.peakDenseFlopsPerS.bf16?.value ?? 0) / chip.memory.bandwidthBytesPerS.value;
      expect(ridge).toBeGreaterThan(100);
      expect(ridge).toBeLessThan(400);
    });
  });

  it('halves sparse headline rates and bidirectional link totals', () => {
    expect(h100Sxm.compute.peakDenseFlopsPerS.bf16?.value).toBe(1979e12 / 2);
    expect(h100Sxm.compute.peakDenseFlopsPerS.fp8?.value).toBe(3958e12 / 2);
    expect(h100Sxm.scaleUp.bandwidthBytesPerS.value).toBe(900e9 / 2);
    const rates = (chip: ChipSpec) =>
      Object.fromEntries(Object.entries(chip.compute.peakDenseFlopsPerS).map(([p, s]) => [p, s.value]));
    expect(rates(h200)).toEqual(rates(h100Sxm));
    expect(a100Sxm.compute.peakDenseFlopsPerS.bf16?.value).toBe(312e12);
    expect(a100Sxm.scaleUp.bandwidthBytesPerS.value).toBe(600e9 / 2);
    expect(b200.compute.peakDenseFlopsPerS.bf16?.value).toBe(2.25e15);
    expect(b200.compute.peakDenseFlopsPerS.fp4?.value).toBe(144e15 / 8 / 2);
    expect(b200.scaleUp.bandwidthBytesPerS.value).toBe(1.8e12 / 2);
    expect(gb200Nvl72.compute.peakDenseFlopsPerS.bf16?.value).toBe(360e15 / 72 / 2);
    expect(gb200Nvl72.scaleUp.bandwidthBytesPerS.value).toBe(1.8e12 / 2);
    expect(gb200Nvl72.compute.peakDenseFlopsPerS.fp4?.value).toBe(1440e15 / 72 / 2);
  });

  it('states memory, domains, NICs and power as published', () => {
    expect(h100Sxm.memory.capacityBytes.value).toBe(81559 * 2 ** 20);
    expect(h100Sxm.memory.bandwidthBytesPerS.value).toBe(3.35e12);
    expect(h200.memory.capacityBytes.value).toBe(143155 * 2 ** 20);
    expect(h200.memory.bandwidthBytesPerS.value).toBe(4.8e12);
    expect(b200.memory.capacityBytes.value).toBe(183359 * 2 ** 20);
    expect(b200.memory.bandwidthBytesPerS.value).toBe(8e12);
    expect(gb200Nvl72.memory.capacityBytes.value).toBe(189471 * 2 ** 20);
    expect(gb200Nvl72.memory.bandwidthBytesPerS.value).toBe(576e12 / 72);
    expect(a100Sxm.memory.bandwidthBytesPerS.value).toBe(2.039e12);
    expect(gb200Nvl72.scaleUp.domainSize.value).toBe(72);
    expect([h100Sxm, h200, b200, b300, a100Sxm].map((c) => c.scaleUp.domainSize.value)).toEqual([8, 8, 8, 8, 8]);
    expect(h100Sxm.scaleOut.bandwidthBytesPerS.value).toBe(400e9 / 8);
    expect(a100Sxm.scaleOut.bandwidthBytesPerS.value).toBe(200e9 / 8);
    expect(chips.map((c) => c.power.maxW.value)).toEqual([700, 700, 1000, 1200, 1100, 1400, 400]);
    expect(a100Sxm.compute.peakDenseFlopsPerS.fp8).toBeUndefined();
    expect(h100Sxm.compute.peakDenseFlopsPerS.fp4).toBeUndefined();
  });

  describe('Blackwell Ultra (B300, GB300 NVL72), as the chips catalog gives them', () => {
    const rates = (chip: ChipSpec) =>
      Object.fromEntries(Object.entries(chip.compute.peakDenseFlopsPerS).map(([p, s]) => [p, s.value]));

    it('has the dense rates, with INT8 cut to NVIDIA\'s ~150–165 TOPS', () => {
      expect(rates(b300)).toEqual({ fp32: 1125e12, bf16: 2250e12, fp16: 2250e12, fp8: 4500e12, int8: 153.5e12, fp4: 13125e12 });
      expect(rates(gb300Nvl72)).toEqual({ fp32: 1250e12, bf16: 2500e12, fp16: 2500e12, fp8: 5000e12, int8: 165e12, fp4: 15000e12 });
      for (const chip of [b300, gb300Nvl72]) {
        expect(chip.compute.peakDenseFlopsPerS.int8?.source).toMatch(/aiconfigurator/);
        expect(chip.compute.peakDenseFlopsPerS.int8?.source).toMatch(/Do not quantize to INT8/);
      }
      // BF16 and FP8 as on the Blackwell parts they succeed
      expect(b300.compute.peakDenseFlopsPerS.fp8?.value).toBe(b200.compute.peakDenseFlopsPerS.fp8?.value);
      expect(gb300Nvl72.compute.peakDenseFlopsPerS.bf16?.value).toBe(gb200Nvl72.compute.peakDenseFlopsPerS.bf16?.value);
    });

    it('states memory as nvidia-smi MiB, 8 TB/s, NVLink5 and 800 Gb/s ConnectX-8', () => {
      expect(b300.memory.capacityBytes.value).toBe(275040 * 2 ** 20);
      expect(gb300Nvl72.memory.capacityBytes.value).toBe(284208 * 2 ** 20);
      expect(Math.round(b300.memory.capacityBytes.value / 1e8) / 10).toBe(288.4);
      expect(Math.round(gb300Nvl72.memory.capacityBytes.value / 1e8) / 10).toBe(298);
      for (const chip of [b300, gb300Nvl72]) {
        expect(chip.memory.bandwidthBytesPerS.value).toBe(8e12);
        expect(chip.scaleUp.bandwidthBytesPerS.value).toBe(900e9);
        expect(chip.scaleOut.bandwidthBytesPerS.value).toBe(100e9);
      }
      expect(gb300Nvl72.scaleUp.domainSize.value).toBe(72);
      expect(b300.power.maxW.source).toMatch(/1,000 W/);
    });

    it('B300 is fitted on its own rows; GB300 NVL72 transfers B300\'s efficiencies unchanged, saying so', () => {
      expect(b300.efficiency.calibration?.status).toBe('fitted');
      expect(b300.efficiency.calibration?.basis).toMatch(/rows of b300/);
      expect(gb300Nvl72.efficiency.calibration?.status).toBe('transferred');
      // the rule's error is the one measured on the GPU-to-rack pair that is fitted: B200 → GB200
      expect(gb300Nvl72.efficiency.calibration?.outOfSampleError?.on).toMatch(/b200's trtllm profile on gb200-nvl72's/);
      expect(Object.keys(gb300Nvl72.efficiencyProfiles ?? {}).sort()).toEqual(Object.keys(b300.efficiencyProfiles ?? {}).sort());
      const pairs = [[gb300Nvl72, b300, 'b300']] as const;
      for (const [chip, from, id] of pairs) {
        const { flop, memory, network, layerOverheadS } = chip.efficiency;
        for (const [eff, orig] of [
          [flop, from.efficiency.flop],
          [memory, from.efficiency.memory],
          [network, from.efficiency.network],
          [layerOverheadS, from.efficiency.layerOverheadS],
        ] as const) {
          expect({ ...eff, source: '' }).toEqual({ ...orig, source: '' });
          expect(eff.source.startsWith(`transferred from ${id} (`)).toBe(true);
        }
        // each stack's profile keeps the stack's MTP acceptance and t_req (software, not the chip);
        // SGLang's serving fit comes from GB200 NVL72 (below)
        for (const [stack, profile] of Object.entries(from.efficiencyProfiles ?? {})) {
          if (stack === 'sglang') continue;
          const moved = chip.efficiencyProfiles?.[stack];
          expect(moved?.mtpAcceptance?.value, stack).toBe(profile.mtpAcceptance?.value);
          expect(moved?.requestOverheadS?.value, stack).toBe(profile.requestOverheadS?.value);
          if (profile.mtpAcceptance !== undefined) expect(moved?.mtpAcceptance?.source.startsWith(`transferred from ${id} (`)).toBe(true);
        }
        expect(chip.efficiency.mtpAcceptance?.value).toBe(from.efficiency.mtpAcceptance?.value);
      }
    });

    it("GB300 NVL72's SGLang serving fit is GB200 NVL72's, over B300's GPU figures: B300's own is fitted on runs its datasheet contradicts", () => {
      const moved = gb300Nvl72.efficiencyProfiles?.sglang;
      const source = gb200Nvl72.efficiencyProfiles?.sglang;
      const gpu = b300.efficiencyProfiles?.sglang;
      expect(source).toBeDefined();
      const unsourced = (x: { readonly source: string } | undefined) => (x === undefined ? undefined : { ...x, source: '' });
      // what the serving fit sets comes from GB200's SGLang profile
      for (const key of ['memory', 'layerOverheadS', 'mtpAcceptance', 'requestOverheadS'] as const) {
        expect(unsourced(moved?.[key]), key).toEqual(unsourced(source?.[key]));
        expect(moved?.[key]?.source.startsWith('transferred from gb200-nvl72 ('), key).toBe(true);
      }
      expect(unsourced(moved?.expertFlopByPrecision?.fp8)).toEqual(unsourced(source?.expertFlopByPrecision?.fp8));
      // the GPU's own sourced figures stay B300's: BF16 matmuls, NVFP4 at 0.78 × 0.687
      expect(unsourced(moved?.flop)).toEqual(unsourced(gpu?.flop));
      expect(moved?.flop.source.startsWith('transferred from b300 (')).toBe(true);
      expect(unsourced(moved?.flopByPrecision?.fp4)).toEqual(unsourced(gpu?.flopByPrecision?.fp4));
      // B300's SGLang fit reads a slower HBM than GB200's: what GB300 would otherwise have inherited
      const value = (x: unknown): number => (x as { value: number }).value;
      expect(value(gpu?.memory)).toBeLessThan(value(source?.memory));
      expect(moved?.calibration?.status).toBe('transferred');
      expect(moved?.calibration?.basis).toMatch(/^transferred from gb200-nvl72 /);
      // the error quoted is a one-step SGLang transfer no contradicted run enters: B200's profile on GB200's rows
      expect(moved?.calibration?.outOfSampleError?.on).toMatch(/b200's sglang profile on gb200-nvl72's/);
    });

    it('estimates the price from the sibling\'s dated list price and says so', () => {
      expect(b300.price.usdPerChipHour.value).toBeCloseTo(6.39, 2);
      expect(gb300Nvl72.price.usdPerChipHour.value).toBeCloseTo(5.72, 2);
      for (const chip of [b300, gb300Nvl72]) {
        expect(chip.price.usdPerChipHour.source).toMatch(/^estimate, no on-demand list price/);
        expect(chip.price.asOf).toBe('2026-03-17');
      }
    });

    it('resolves the aliases', () => {
      const byName = (name: string) => chips.find((c) => c.id === name || (c.aliases ?? []).includes(name))?.id;
      for (const name of ['b300', 'nvidia-b300', 'blackwell-ultra', 'hgx-b300', 'dgx-b300']) expect(byName(name)).toBe('b300');
      for (const name of ['gb300-nvl72', 'gb300', 'nvidia-gb300']) expect(byName(name)).toBe('gb300-nvl72');
    });
  });

  it('puts the H100 ridge point at about 295 FLOP/byte', () => {
    const ridge = (h100Sxm.compute.peakDenseFlopsPerS.bf16?.value ?? 0) / h100Sxm.memory.bandwidthBytesPerS.value;
    expect(ridge).toBeCloseTo(989.5e12 / 3.35e12, 6);
    expect(Math.round(ridge)).toBe(295);
  });

  it("serves the matmuls of chips never fitted on dense serving at Hopper's fitted share of their achievable matmul", () => {
    // the share's source is H100's own 2023 fit: if that fit moves, SERVED_MATMUL_SHARE must move with it
    const hopper = h100Sxm.efficiencyProfiles?.['2023']?.flop;
    expect(hopper !== undefined && 'curve' in hopper ? hopper.curve : undefined).toEqual(HOPPER_SERVED_FLOP);
    // Hopper itself runs its dense matmuls on that fitted curve (it is what the share was measured on)
    expect(efficiencyAt(h200.efficiency.flop, 4096)).toBe(0.55);
    // B200's BF16 MAMF 0.78 → 0.78 × 0.408 = 0.318, 0.78 × 0.749 = 0.584; GB200's 0.73 → 0.298, 0.547
    for (const [chip, small, large] of [[b200, 0.318, 0.584], [b300, 0.318, 0.584], [gb300Nvl72, 0.318, 0.584], [gb200Nvl72, 0.298, 0.547]] as const) {
      for (const profile of [chip.efficiency, ...Object.values(chip.efficiencyProfiles ?? {})]) {
        expect('curve' in profile.flop ? profile.flop.curve : undefined, chip.id).toEqual([[128, small], [4096, large]]);
        expect(profile.flop.source).toMatch(chip === gb300Nvl72 ? /^transferred from b300 .*served: / : /^served: /);
      }
    }
  });

  it("runs Blackwell's NVFP4 matmuls at the served share of its BF16 achievable matmul × the NVFP4/BF16 GEMM ratio, in every profile", () => {
    // vLLM PR #20646 on B200: best NVFP4 GEMM 3,904 of 9,000 TFLOP/s = 0.434, best BF16 matmul 1,421 of 2,250 = 0.632
    const ratio = 3904 / 9000 / (1421 / 2250); // 0.687
    expect(ratio).toBeCloseTo(0.687, 3);
    // achievable at FP4: B200 MAMF 0.78 × 0.687 = 0.536 → 0.54; GB200 0.73 × 0.687 = 0.501 → 0.50; B300 takes B200's BF16 figure.
    // Served (SERVED_MATMUL_SHARE 0.408 at 128 FLOP/byte, 0.749 at 4,096): 0.54 → 0.220 and 0.404; 0.50 → 0.204 and 0.375
    for (const [chip, small, large] of [[b200, 0.22, 0.404], [gb200Nvl72, 0.204, 0.375], [b300, 0.22, 0.404], [gb300Nvl72, 0.22, 0.404]] as const) {
      for (const profile of [chip.efficiency, ...Object.entries(chip.efficiencyProfiles ?? {}).filter(([name]) => name !== '2023').map(([, p]) => p)]) {
        const at = profile.flopByPrecision?.fp4;
        expect(at !== undefined && 'curve' in at ? at.curve : undefined).toEqual([[128, small], [4096, large]]);
      }
    }
    // Hopper has no FP4 tensor cores and gains no FP4 figure
    expect(h200.efficiency.flopByPrecision?.fp4).toBeUndefined();
  });

  it("gives every trtllm profile TensorRT-LLM's KV cache budget, 0.9 of the free memory after 943 MiB of runtime, and no other profile one", () => {
    for (const chip of [h100Sxm, h200, b200, gb200Nvl72, b300, gb300Nvl72]) {
      for (const [name, profile] of Object.entries(chip.efficiencyProfiles ?? {})) {
        const budget = profile.kvCacheBudget;
        if (name !== 'trtllm') {
          expect(budget, `${chip.id} ${name}`).toBeUndefined();
          continue;
        }
        expect(budget?.basis).toBe('free');
        expect(budget?.fraction.value).toBe(0.9);
        // CUDA context and cuBLAS 551 MiB + NCCL 392 MiB (aiconfigurator's Hopper figures)
        expect(budget?.reservedBytes.value).toBe((551 + 392) * 2 ** 20);
        expect(budget?.fraction.source).toMatch(/free_gpu_memory_fraction is 0\.9/);
      }
    }
    // the A100's only profile is the 2023 one's, which keeps the usable fraction
    expect(a100Sxm.efficiency.kvCacheBudget).toBeUndefined();
  });

  it('gives the NVSwitch domains a small-all-reduce latency in the measured 6–11 µs band', () => {
    for (const chip of chips) {
      const latency = chip.scaleUp.collectiveLatencyS?.value ?? 0;
      expect(latency).toBeGreaterThanOrEqual(6e-6);
      expect(latency).toBeLessThanOrEqual(11e-6);
    }
  });

  it('passes validateHardware', () => {
    const result = validateHardware(nvidia);
    expect(result.ok ? '' : formatIssues(result.issues, nvidia.meta.name)).toBe('');
    expect(result.ok).toBe(true);
  });
});

import { describe, expect, it, test } from 'vitest';
import { bestFittedProfile, efficiencyAt, fittedProfiles, transferredEfficiency, transferredProfiles, withEfficiencyProfile, withGpuFigures, type ProfileWithoutFlopFallback } from './efficiency.ts';
import { testChip } from './test-chip.ts';

describe('efficiencyAt', () => {
  const curve = { curve: [[1, 0.2], [101, 0.8], [201, 0.9]] as const, over: 'arithmeticIntensity' as const, source: 'test' };
  test('a constant ignores x', () => {
    expect(efficiencyAt({ value: 0.7, source: 'test' }, 1e9)).toBe(0.7);
  });
  test('interpolates linearly between points', () => {
    // halfway between (1, 0.2) and (101, 0.8): 0.2 + 0.6 * 0.5
    expect(efficiencyAt(curve, 51)).toBeCloseTo(0.5, 12);
    // a quarter of the way from (101, 0.8) to (201, 0.9): 0.8 + 0.1 * 0.25
    expect(efficiencyAt(curve, 126)).toBeCloseTo(0.825, 12);
  });
  test('holds end values outside the points', () => {
    expect(efficiencyAt(curve, 0)).toBe(0.2);
    expect(efficiencyAt(curve, 1e6)).toBe(0.9);
  });
});

describe('withEfficiencyProfile', () => {
  const profiled = {
    ...testChip,
    efficiencyProfiles: { '2023': { ...testChip.efficiency, description: 'the 2023 tables', memory: { value: 0.35, source: 'fit: 2023 rows' } } },
  };

  test('swaps in the named profile, without its description', () => {
    const { chip, note } = withEfficiencyProfile(profiled, '2023');
    expect(note).toBeUndefined();
    expect(chip.efficiency.memory).toEqual({ value: 0.35, source: 'fit: 2023 rows' });
    expect('description' in chip.efficiency).toBe(false);
  });

  test('falls back to the default efficiencies with a one-line note naming the profiles it has', () => {
    const { chip, note } = withEfficiencyProfile(profiled, 'sglang');
    expect(chip).toBe(profiled);
    expect(note).toBe(`${testChip.id} has no "sglang" efficiency profile (it has 2023); using its default efficiencies`);
    expect(withEfficiencyProfile(testChip, 'sglang').note).toMatch(/\(it has none\)/);
  });
});

describe('profiles: the default is the best fitted, transfers say where they come from', () => {
  const source = 'fit: rows';
  const profile = (throughput: number | undefined, memory: number): ProfileWithoutFlopFallback => ({
    description: `η_mem ${memory}`,
    flopByPrecision: { fp8: { value: 0.2, source } },
    memory: { value: memory, source },
    network: { value: 0.8, source },
    layerOverheadS: { value: 60e-6, source },
    calibration: {
      status: 'fitted',
      basis: `rows at ${memory}`,
      ...(throughput === undefined ? {} : { outOfSampleError: { throughput, interactivity: 0.1, on: 'held-out curves' } }),
    },
  });
  const fallback = { value: 0.78, source: 'MAMF' };

  it('chooses the lowest mean out-of-sample error; a one-curve fit (no error) ranks last', () => {
    // means: a (0.3 + 0.1)/2 = 0.2, b (0.1 + 0.1)/2 = 0.1, c has none
    const { profiles, efficiency } = fittedProfiles('x1', { a: profile(0.3, 0.5), b: profile(0.1, 0.6), c: profile(undefined, 0.7) }, fallback);
    expect(efficiencyAt(efficiency.memory, 0)).toBe(0.6);
    expect(efficiency.calibration?.basis).toMatch(/^the b profile, the chip's best fitted/);
    expect('description' in efficiency).toBe(false);
    // the fallback η_flop completes every profile; the fitted precisions keep theirs
    expect(profiles.a?.flop).toEqual(fallback);
    expect(efficiency.flop).toEqual(fallback);
    expect(efficiencyAt(efficiency.flopByPrecision!.fp8!, 0)).toBe(0.2);
    expect(efficiencyAt(fittedProfiles('x1', { c: profile(undefined, 0.7) }, fallback).efficiency.memory, 0)).toBe(0.7);
  });

  it("ranks a one-curve fit whose error is another fit's after every fit with its own curves left out, and before a fit with none", () => {
    const standIn = (throughput: number, memory: number): ProfileWithoutFlopFallback => {
      const p = profile(throughput, memory);
      return { ...p, calibration: { ...p.calibration!, outOfSampleError: { ...p.calibration!.outOfSampleError!, method: 'another-fit' } } };
    };
    // means: a (0.3 + 0.1)/2 = 0.2 left out of its own; s (0.05 + 0.1)/2 = 0.075, but another fit's
    const chosen = (profiles: Record<string, ProfileWithoutFlopFallback>): number => efficiencyAt(fittedProfiles('x1', profiles, fallback).efficiency.memory, 0);
    expect(chosen({ s: standIn(0.05, 0.4), a: profile(0.3, 0.5) })).toBe(0.5);
    // between stand-ins the smaller error wins, and any stand-in beats no error at all
    expect(chosen({ c: profile(undefined, 0.7), s: standIn(0.5, 0.4), t: standIn(0.05, 0.3) })).toBe(0.3);
    expect(chosen({ c: profile(undefined, 0.7), s: standIn(0.5, 0.4) })).toBe(0.4);
    // the method is given explicitly for a leave-one-curve-out error too: ranked as if absent
    const explicit = profile(0.1, 0.6);
    const withMethod = { ...explicit, calibration: { ...explicit.calibration!, outOfSampleError: { ...explicit.calibration!.outOfSampleError!, method: 'leave-one-curve-out' as const } } };
    expect(chosen({ a: profile(0.3, 0.5), b: withMethod })).toBe(0.6);
  });

  it("adds the chip's sourced η_flop at other precisions under what a profile fitted itself, and its sourced η_net over the held one", () => {
    const fp4 = { value: 0.56, source: 'NVFP4 GEMM benchmark' };
    const { flopByPrecision: _fitted, ...unfitted } = profile(undefined, 0.7);
    const network = { value: 0.82, source: 'nccl-tests' };
    const { profiles } = fittedProfiles('x1', { a: profile(0.3, 0.5), c: unfitted }, fallback, { flopByPrecision: { fp4, fp8: { value: 0.9, source: 'sourced fp8' } }, network });
    // a fitted fp8 (0.2 at intensity 0 from profile()) wins over the sourced 0.9; fp4 comes from the chip
    expect(efficiencyAt(profiles.a!.flopByPrecision!.fp8!, 0)).toBe(0.2);
    expect(profiles.a?.flopByPrecision?.fp4).toEqual(fp4);
    // a profile that fitted no η_flop takes the chip's whole block
    expect(profiles.c?.flopByPrecision).toEqual({ fp4, fp8: { value: 0.9, source: 'sourced fp8' } });
    expect(profiles.c?.flop).toEqual(fallback);
    // the fit only held η_net: the chip's sourced one replaces it in every profile
    expect(profiles.a?.network).toEqual(network);
    expect(profiles.c?.network).toEqual(network);
    // without a sourced η_net the profile's stays
    expect(fittedProfiles('x1', { a: profile(0.3, 0.5) }, fallback).profiles.a?.network).toEqual({ value: 0.8, source: 'fit: rows' });
  });

  it("adds the chip's sourced η_mem of contiguous weight reads to every profile, which fitted only the gathered reads' memory", () => {
    const weightMemory = { value: 0.9, source: 'BabelStream' };
    const { profiles, efficiency } = fittedProfiles('x1', { a: profile(0.3, 0.5) }, fallback, { weightMemory });
    expect(profiles.a?.weightMemory).toEqual(weightMemory);
    expect(efficiency.weightMemory).toEqual(weightMemory);
    // the fitted η_mem stays the profile's
    expect(profiles.a?.memory).toEqual(profile(0.3, 0.5).memory);
    expect(fittedProfiles('x1', { a: profile(0.3, 0.5) }, fallback).profiles.a?.weightMemory).toBeUndefined();
  });

  it('keeps the first of two profiles whose errors tie but for float rounding', () => {
    const fitted = (throughput: number, interactivity: number) => ({
      ...profile(0.3, 0.5),
      flop: fallback,
      calibration: { status: 'fitted' as const, basis: 'rows', outOfSampleError: { throughput, interactivity, on: 'one curve left out' } },
    });
    // (0.102 + 0.122)/2 is 0.11199999999999999, (0.096 + 0.128)/2 is 0.112: the same committed figures
    expect((0.102 + 0.122) / 2).toBeLessThan((0.096 + 0.128) / 2);
    expect(bestFittedProfile({ sglang: fitted(0.096, 0.128), atom: fitted(0.102, 0.122) })?.name).toBe('sglang');
    expect(bestFittedProfile({ atom: fitted(0.102, 0.122), sglang: fitted(0.096, 0.128) })?.name).toBe('atom');
    // a real lead still wins
    expect(bestFittedProfile({ sglang: fitted(0.096, 0.128), atom: fitted(0.1, 0.12) })?.name).toBe('atom');
  });

  it('gives each profile its stack\'s sourced KV cache budget, and the others none', () => {
    const budget = { basis: 'free' as const, fraction: { value: 0.9, source: 'TensorRT-LLM default' }, reservedBytes: { value: 1e9, source: 'measured' } };
    const { profiles, efficiency } = fittedProfiles('x1', { a: profile(0.1, 0.5), b: profile(0.3, 0.6) }, fallback, { kvCacheBudgetByProfile: { a: budget } });
    expect(profiles.a?.kvCacheBudget).toBe(budget);
    expect(profiles.b?.kvCacheBudget).toBeUndefined();
    // the default is the best fitted profile, a, and brings its budget along
    expect(efficiency.kvCacheBudget).toBe(budget);
  });

  it('refuses, naming the chip, a chip with no fitted profile', () => {
    expect(() => fittedProfiles('x1', {}, fallback)).toThrow(/^x1: no fitted efficiency profile/);
    expect(bestFittedProfile(undefined)).toBeUndefined();
  });

  it('transfers every value and precision unchanged, prefixes each source with the rule and marks the status', () => {
    const { profiles, efficiency } = fittedProfiles('x1', { a: profile(0.3, 0.5) }, fallback);
    const rule = { fromId: 'x1', why: 'the same die', outOfSampleError: { throughput: 0.2, interactivity: 0.18, on: 'a fitted pair' } };
    const moved = transferredEfficiency(efficiency, rule);
    expect(moved.memory).toEqual({ value: 0.5, source: 'transferred from x1 (the same die); fit: rows' });
    expect(moved.flop).toEqual({ value: 0.78, source: 'transferred from x1 (the same die); MAMF' });
    // the serving stack's figures travel with the stack's efficiencies
    const served = transferredEfficiency({ ...efficiency, mtpAcceptance: { value: 0.55, source: 'pooled fit' }, requestOverheadS: { value: 0.15, source: 'fit' } }, rule);
    expect(served.mtpAcceptance).toEqual({ value: 0.55, source: 'transferred from x1 (the same die); pooled fit' });
    expect(served.requestOverheadS).toEqual({ value: 0.15, source: 'transferred from x1 (the same die); fit' });
    // and so does the stack's KV cache budget, each figure's source prefixed
    const budget = { basis: 'free' as const, fraction: { value: 0.9, source: 'stack default' }, reservedBytes: { value: 1e9, source: 'measured' } };
    expect(transferredEfficiency({ ...efficiency, kvCacheBudget: budget }, rule).kvCacheBudget).toEqual({
      basis: 'free',
      fraction: { value: 0.9, source: 'transferred from x1 (the same die); stack default' },
      reservedBytes: { value: 1e9, source: 'transferred from x1 (the same die); measured' },
    });
    expect(moved.kvCacheBudget).toBeUndefined();
    expect(moved.mtpAcceptance).toBeUndefined();
    expect(efficiencyAt(moved.flopByPrecision!.fp8!, 0)).toBe(0.2);
    expect(moved.calibration).toEqual({ status: 'transferred', basis: expect.stringMatching(/^transferred from x1 \(the same die\), whose efficiencies are fitted: the a profile/), outOfSampleError: rule.outOfSampleError });
    const each = transferredProfiles(profiles, rule);
    expect(each.a?.description).toBe('η_mem 0.5; transferred from x1');
    expect(each.a?.calibration?.status).toBe('transferred');
    expect(each.a?.calibration?.outOfSampleError).toEqual(rule.outOfSampleError);
  });

  it('quotes each transferred profile its own stack\'s error where the rule gives one, else the default\'s', () => {
    const { profiles } = fittedProfiles('x1', { a: profile(0.3, 0.5), b: profile(0.3, 0.6) }, fallback);
    const bError = { throughput: 0.4, interactivity: 0.45, on: 'the b pair' };
    const rule = { fromId: 'x1', why: 'the same die', outOfSampleError: { throughput: 0.2, interactivity: 0.18, on: 'the a pair' }, profileOutOfSampleError: { b: bError } };
    const each = transferredProfiles(profiles, rule);
    expect(each.b?.calibration?.outOfSampleError).toEqual(bError);
    expect(each.a?.calibration?.outOfSampleError).toEqual(rule.outOfSampleError);
    // the rule's per-profile figures do not leak into the default efficiencies
    expect(transferredEfficiency(profiles.b!, rule).calibration?.outOfSampleError).toEqual(rule.outOfSampleError);
  });
});

describe('withGpuFigures: one chip\'s serving fit over another\'s GPU figures', () => {
  const s = (value: number, source: string) => ({ value, source });
  const fit = {
    description: 'stack as fitted on chip A',
    flop: s(0.73, 'A: BF16 matmul benchmark'),
    flopByPrecision: { fp4: s(0.5, 'A: NVFP4 figure') },
    expertFlopByPrecision: { fp8: s(0.1, 'A: fit') },
    memory: s(0.9, 'A: fit'),
    weightMemory: s(0.85, 'A: STREAM'),
    network: s(0.7, 'A: nccl-tests'),
    layerOverheadS: s(35e-6, 'A: fit'),
    mtpAcceptance: s(0.55, 'stack: fit'),
    requestOverheadS: s(0.1, 'stack: fit'),
    calibration: { status: 'transferred' as const, basis: 'from A' },
  };
  const gpu = { flop: s(0.78, 'B: BF16 matmul benchmark'), flopByPrecision: { fp4: s(0.54, 'B: NVFP4 figure') }, memory: s(0.4, 'B: fit'), weightMemory: s(0.9, 'B: STREAM'), network: s(0.8, 'B: nccl-tests'), layerOverheadS: s(30e-6, 'B: fit') };

  test('the matmuls\' η_flop, the weight reads and η_net are the GPU\'s; everything the serving fit sets is the fit\'s', () => {
    const out = withGpuFigures(fit, gpu);
    expect(out).toEqual({
      description: 'stack as fitted on chip A',
      flop: gpu.flop,
      flopByPrecision: gpu.flopByPrecision,
      expertFlopByPrecision: fit.expertFlopByPrecision,
      memory: fit.memory,
      weightMemory: gpu.weightMemory,
      network: gpu.network,
      layerOverheadS: fit.layerOverheadS,
      mtpAcceptance: fit.mtpAcceptance,
      requestOverheadS: fit.requestOverheadS,
      calibration: fit.calibration,
    });
  });

  test('a GPU without per-precision or weight-read figures leaves none of the fit\'s chip behind', () => {
    const out = withGpuFigures(fit, { flop: gpu.flop, memory: gpu.memory, network: gpu.network, layerOverheadS: gpu.layerOverheadS });
    expect(out.flopByPrecision).toBeUndefined();
    expect(out.weightMemory).toBeUndefined();
    expect(out.memory).toBe(fit.memory);
  });
});

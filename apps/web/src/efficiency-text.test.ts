import { describe, expect, test } from 'vitest';
import { estimateInference } from '@ridgeline/model';
import { configFor } from './estimate.ts';
import { EFFICIENCY_LABELS, efficiencyText, resolvedEfficiencyText } from './efficiency-text.ts';
import { FIRST_PARTY_CHIPS, findChip, findModel } from './registry.ts';
import { DEFAULT_STATE } from './state.ts';

describe('efficiencies with their units', () => {
  test('a constant η is a percentage', () => {
    expect(efficiencyText({ value: 0.7, source: 'datasheet' })).toBe('70.0%');
    expect(efficiencyText({ value: 1, source: 'datasheet' })).toBe('100.0%');
  });

  test('a curve is its points, each at its arithmetic intensity or message size', () => {
    expect(efficiencyText({ curve: [[128, 0.3], [4096, 0.55]], over: 'arithmeticIntensity', source: 'fit' })).toBe('30.0% at 128 FLOP/B → 55.0% at 4,096 FLOP/B');
    expect(efficiencyText({ curve: [[1e3, 0.1], [1e6, 0.6], [1e8, 0.9]], over: 'messageBytes', source: 'fit' })).toBe('10.0% at 1.00 kB → 60.0% at 1.00 MB → 90.0% at 100 MB');
  });

  test('the resolved inputs of an estimate: η as percentages, t_layer as a duration, never JSON', () => {
    const chip = findChip('h100-sxm')!;
    // The calibration status beside them is words, not a figure: its own row.
    const { calibration: _, expertFlopDerivedFrom, ...efficiencies } = estimateInference(configFor(DEFAULT_STATE, findModel('llama-3.1-70b')!, chip)).inputs.efficiencies;
    // bf16 from H100's fp8 experts' fit at a ratio of 1: the fit as it is, nothing derived
    expect(expertFlopDerivedFrom).toBeNull();
    const shown = Object.fromEntries(Object.entries(efficiencies).map(([key, e]) => [key, resolvedEfficiencyText(key, e.value)]));
    expect(shown).toEqual({
      flop: '30.0% at 128 FLOP/B → 55.0% at 4,096 FLOP/B',
      // a dense model at bf16: the experts' η_flop, fitted at fp8 only, is fp8's curve scaled by the
      // matmuls' η_flop at bf16 over fp8 for large GEMMs: 0.55 / 0.55 = 1, so fp8's 15% → 55%
      // (H100's trtllm profile, fitted with H200's rows as one die)
      expertFlop: '15.0% at 128 FLOP/B → 55.0% at 4,096 FLOP/B',
      memory: '80.0%',
      // the dense GEMMs' weights stream at the sourced BabelStream share
      weightMemory: '90.0%',
      network: '82.0%',
      layerOverheadS: '60.0 µs',
      // the serving fits hold the prefill overlap at 0: the stacks' collectives run on the critical path
      commOverlap: '0.0%',
      // TensorRT-LLM's t_req: H100 has no low-load single-node rows, but the die's H200 has: fitted on them
      requestOverheadS: '100 ms',
    });
    expect(Object.keys(efficiencies).every((key) => EFFICIENCY_LABELS[key] !== undefined)).toBe(true);
  });

  test('every first-party chip’s efficiencies read with units', () => {
    for (const chip of FIRST_PARTY_CHIPS) {
      const { calibration: _, expertFlopDerivedFrom: __, ...efficiencies } = estimateInference(configFor({ ...DEFAULT_STATE, hardware: chip.id }, findModel('llama-3.1-8b')!, chip)).inputs.efficiencies;
      for (const [key, e] of Object.entries(efficiencies)) {
        const text = resolvedEfficiencyText(key, e.value);
        expect(text, `${chip.id} ${key}`).toMatch(key.endsWith('OverheadS') ? /^[\d.]+ (µs|ms|ns|s)$/ : /^\d+\.\d%( at [\d,.]+ (FLOP\/B|[kMG]?B))?( → .*)?$/);
      }
    }
  });
});

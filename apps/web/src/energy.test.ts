import { TCO_LIMITS, type FeasibleInferenceResult } from '@ridgeline/model';
import type { ChipSpec } from '@ridgeline/hardware';
import { describe, expect, test } from 'vitest';
import { costPanel, energyFieldProblem, energyPanel, inLimits, powerEstimates, priceFor, pricedChips, rangeText, tcoOptionsOf } from './energy.ts';
import { configFor, estimateFor } from './estimate.ts';
import { findChip, findModel } from './registry.ts';
import { DEFAULT_ENERGY, DEFAULT_STATE, type AppState, type EnergySettings } from './state.ts';

const h100 = findChip('h100-sxm')!;
const llama70b = findModel('llama-3.1-70b')!;
const withEnergy = (energy: Partial<EnergySettings>, rest: Partial<AppState> = {}): AppState => ({ ...DEFAULT_STATE, ...rest, energy: { ...DEFAULT_ENERGY, ...energy } });

function feasibleOf(state: AppState, chip: ChipSpec = h100): FeasibleInferenceResult {
  const out = estimateFor(state, llama70b, chip);
  if (out.kind !== 'result' || !out.result.feasible) throw new Error('expected a feasible result');
  return out.result;
}

// H100 SXM under the default tco inputs, by hand (docs/MODEL.md §11; the plugin's capital $27,500
// and system share $6,250; P_max 700 W + host share 575 W = 1,275 W of IT power per chip):
// capital  = (27,500 + 6,250) / (5 years · 8,760 h · 1)  = 33,750 / 43,800 = 0.770547945 $/h
// power    = 0.0806 $/kWh · 1.275 kW · PUE 1.2           = 0.1233180 $/h
// facility = 184.06 $/kW-month · 1.275 kW / 730 h        = 234.67665 / 730 = 0.321474658 $/h
const CAPITAL = 33_750 / 43_800;
const POWER = 0.0806 * 1.275 * 1.2;
const FACILITY = (184.06 * 1.275) / 730;

describe('bounds: the model\'s TCO_LIMITS, as the CLI says them', () => {
  test('ranges in words, and what is in them', () => {
    expect(rangeText(TCO_LIMITS.pue)).toBe('from 1 to 10');
    expect(rangeText(TCO_LIMITS.utilization)).toBe('above 0, up to 1');
    expect(rangeText(TCO_LIMITS.capitalUsd)).toBe('from 0 to 1e9');
    expect(inLimits(0, TCO_LIMITS.utilization)).toBe(false);
    expect(inLimits(1, TCO_LIMITS.utilization)).toBe(true);
    expect(inLimits(0, TCO_LIMITS.usdPerKwh)).toBe(true);
    expect(inLimits(100.01, TCO_LIMITS.usdPerKwh)).toBe(false);
    expect(inLimits(Number.NaN, TCO_LIMITS.pue)).toBe(false);
  });

  test('a box out of range says so; an empty box (null) is the default', () => {
    expect(energyFieldProblem('pue', 0.9)).toBe('the PUE must be a number from 1 to 10.');
    expect(energyFieldProblem('pue', 10)).toBeNull();
    expect(energyFieldProblem('amortizationYears', 0.05)).toBe('the amortization (years) must be a number from 0.1 to 30.');
    expect(energyFieldProblem('utilization', null)).toBeNull();
  });
});

describe('the price a chip-hour runs at', () => {
  test('list: the override or the chip\'s list price; the TCO inputs unused', () => {
    expect(tcoOptionsOf(withEnergy({ utilization: 0.5 }).energy)).toBeUndefined();
    expect(priceFor(withEnergy({}), h100)).toEqual({ ok: true, basis: 'list', usdPerChipHour: undefined, tco: undefined });
    expect(priceFor(withEnergy({}, { price: 2 }), h100)).toEqual({ ok: true, basis: 'list', usdPerChipHour: 2, tco: undefined });
  });

  test('tco at the defaults: capital + power + facility, by hand', () => {
    const p = priceFor(withEnergy({ priceBasis: 'tco' }), h100);
    if (!p.ok || p.tco === undefined) throw new Error('expected a tco price');
    expect(p.tco.breakdown.capital).toBeCloseTo(CAPITAL, 12);
    expect(p.tco.breakdown.power).toBeCloseTo(POWER, 12);
    expect(p.tco.breakdown.facility).toBeCloseTo(FACILITY, 12);
    expect(p.usdPerChipHour).toBeCloseTo(1.215340603, 8);
    // and the configuration runs at it, as --price-basis tco feeds the price slot
    expect(configFor(withEnergy({ priceBasis: 'tco' }), llama70b, h100).usdPerChipHour).toBe(p.usdPerChipHour);
  });

  test('tco with every input typed, by hand', () => {
    // capital  = 40,000 / (4 · 8,760 · 0.5)         = 2.283105023 $/h
    // power    = 0.1 · 1.275 · 1.5                   = 0.19125 $/h (PUE applies to electricity)
    // facility = 100 · 1.275 / 730 / 0.5             = 0.349315068 $/h (rent is paid for idle hours too)
    const state = withEnergy({ priceBasis: 'tco', capitalUsd: 40_000, systemCapitalUsd: 0, amortizationYears: 4, utilization: 0.5, usdPerKwh: 0.1, usdPerKwMonth: 100, pue: 1.5 });
    const p = priceFor(state, h100);
    if (!p.ok || p.tco === undefined) throw new Error('expected a tco price');
    expect(p.tco.breakdown.capital).toBeCloseTo(2.283105023, 8);
    expect(p.tco.breakdown.power).toBeCloseTo(0.19125, 12);
    expect(p.tco.breakdown.facility).toBeCloseTo(0.349315068, 8);
    expect(configFor(state, llama70b, h100).pue).toBe(1.5);
  });

  test('what tco cannot price is an error on the box to fix', () => {
    const mi300x = findChip('mi300x')!;
    expect(priceFor(withEnergy({ priceBasis: 'tco' }), mi300x)).toMatchObject({ ok: false, field: 'energy.capitalUsd' });
    expect(priceFor(withEnergy({ priceBasis: 'tco', capitalUsd: 15_000 }), mi300x)).toMatchObject({ ok: true, basis: 'tco' });
    expect(priceFor(withEnergy({ priceBasis: 'tco' }, { price: 2 }), h100)).toMatchObject({ ok: false, field: 'price' });
    expect(priceFor(withEnergy({ priceBasis: 'tco' }), h100, findChip('b200')!)).toMatchObject({ ok: false, field: 'energy.priceBasis' });
    expect(priceFor(withEnergy({ pue: Number.NaN }), h100)).toEqual({ ok: false, field: 'energy.pue', message: 'The PUE must be a number from 1 to 10.' });
    // a TCO box out of range counts only under tco
    expect(priceFor(withEnergy({ utilization: 0 }), h100).ok).toBe(true);
    expect(priceFor(withEnergy({ priceBasis: 'tco', utilization: 0 }), h100)).toMatchObject({ ok: false, field: 'energy.utilization' });
    expect(estimateFor(withEnergy({ priceBasis: 'tco' }), llama70b, mi300x)).toMatchObject({ kind: 'error', field: 'energy.capitalUsd' });
  });
});

describe('which power figures are estimates', () => {
  test('H200: none; H100: its static power only (10% of TDP, anchored on the H200); TPU v6e: the components, its maximum and the host share', () => {
    expect(powerEstimates(findChip('h200')!, 'bf16')).toEqual({ draw: [], provisioned: [] });
    const h = powerEstimates(h100, 'bf16');
    expect(h.draw.map((f) => f.path)).toEqual(['power.staticW']);
    expect(h.provisioned).toEqual([]);
    const tpu = powerEstimates(findChip('tpu-v6e')!, 'bf16');
    // v6e's 400 W maximum is itself an estimate ("estimate (no published v6e power): …")
    expect(tpu.draw.map((f) => f.path)).toEqual(['power.staticW', 'power.joulesPerFlop.bf16', 'power.joulesPerByteMemory', 'power.maxW']);
    expect(tpu.provisioned.map((f) => f.path)).toEqual(['power.maxW', 'power.nodeOverheadW']);
    for (const f of [...tpu.draw, ...tpu.provisioned]) expect(f.source.startsWith('estimate')).toBe(true);
  });

  test('a chip without a host share: 0 W, said as an estimate', () => {
    const bare: ChipSpec = { ...h100, power: { idleW: h100.power.idleW, maxW: h100.power.maxW } };
    expect(powerEstimates(bare, 'bf16').provisioned.map((f) => f.path)).toEqual(['power.nodeOverheadW (absent: 0 W)']);
    // without component figures the draw is P_idle to P_max: H100's idle figure is an estimate
    expect(powerEstimates(bare, 'bf16').draw.map((f) => f.path)).toEqual(['power.idleW']);
  });
});

describe('the energy panel', () => {
  test('shows the model\'s figures; tokens per provisioned MW over 8 × 1,275 W × PUE, by hand', () => {
    const r = feasibleOf(DEFAULT_STATE);
    const panel = energyPanel(r, [h100]);
    const byMetric = Object.fromEntries(panel.rows.map((row) => [row.metric, row]));
    expect(Object.keys(byMetric)).toEqual([
      'energy.chipJPerOutputToken',
      'energy.nodeJPerOutputToken',
      'energy.facilityJPerOutputToken',
      'energy.chipW',
      'energy.decodeChipW',
      'energy.prefillChipW',
      'energy.facilityW',
      'energy.provisionedFacilityW',
      'energy.tokensPerSPerProvisionedMW',
    ]);
    // 8 chips × (700 + 575) W × 1.2 = 12,240 W = 0.01224 MW
    expect(byMetric['energy.provisionedFacilityW']?.value).toBeCloseTo(12_240, 9);
    expect(byMetric['energy.tokensPerSPerProvisionedMW']?.value).toBeCloseTo(r.tokensPerS / 0.01224, 6);
    expect(byMetric['energy.chipJPerOutputToken']?.value).toBe(r.energyPerTokenJ);
    expect(byMetric['energy.facilityJPerOutputToken']?.value).toBeCloseTo(byMetric['energy.nodeJPerOutputToken']!.value * 1.2, 9);
    expect(panel.pue).toBe(1.2);
    // H100: its draw rests on an estimated static power; its provisioned power is sourced
    expect(byMetric['energy.chipW']?.estimates.map((f) => f.path)).toEqual(['power.staticW']);
    expect(byMetric['energy.tokensPerSPerProvisionedMW']?.estimates).toEqual([]);
    for (const row of panel.rows) expect(Number.isFinite(row.value) && row.value > 0).toBe(true);
  });

  test('the PUE moves the facility figures: 8 × 1,275 W × 1.5 = 15,300 W provisioned', () => {
    const r = feasibleOf(withEnergy({ pue: 1.5 }));
    const rows = energyPanel(r, [h100]).rows;
    expect(rows.find((x) => x.metric === 'energy.provisionedFacilityW')?.value).toBeCloseTo(15_300, 9);
    expect(rows.find((x) => x.metric === 'energy.facilityJPerOutputToken')?.text).toMatch(/\/token$/);
    expect(rows.find((x) => x.metric === 'energy.facilityJPerOutputToken')?.label).toContain('PUE 1.5');
  });

  test('TPU v6e: every energy figure rests on estimates', () => {
    const tpu = findChip('tpu-v6e')!;
    const r = feasibleOf({ ...DEFAULT_STATE, hardware: 'tpu-v6e', chips: 8, tp: 8 }, tpu);
    const panel = energyPanel(r, [tpu]);
    for (const row of panel.rows) expect(row.estimates.length).toBeGreaterThan(0);
    expect(panel.estimates.map((f) => f.path)).toEqual(['power.staticW', 'power.joulesPerFlop.bf16', 'power.joulesPerByteMemory', 'power.maxW', 'power.nodeOverheadW']);
  });
});

describe('the cost panel', () => {
  test('list: the rental rate is all capital; $/M output and input as the model gives them', () => {
    const r = feasibleOf(DEFAULT_STATE);
    const panel = costPanel(r, { basis: 'list', tco: undefined }, { chips: [h100] });
    expect(panel.basis).toBe('list');
    expect(panel.usdPerChipHour).toBe(h100.price.usdPerChipHour.value);
    expect(panel.usdPerMillionOutputTokens).toBe(r.costPerMillionTokensUsd);
    expect(panel.usdPerMillionInputTokens).toBe(r.costPerMillionInputTokensUsd);
    expect(panel.parts.map((p) => [p.key, p.share])).toEqual([
      ['capital', 1],
      ['power', 0],
      ['facility', 0],
    ]);
    expect(panel.inputs).toEqual([]);
  });

  test('tco: the breakdown per chip-hour and per M output tokens, in the shares of the hand-derived parts', () => {
    const state = withEnergy({ priceBasis: 'tco' });
    const price = priceFor(state, h100);
    if (!price.ok) throw new Error(price.message);
    const r = feasibleOf(state);
    const panel = costPanel(r, price, { chips: [h100] });
    const total = CAPITAL + POWER + FACILITY;
    expect(panel.usdPerChipHour).toBeCloseTo(total, 12);
    const [capital, power, facility] = panel.parts;
    expect(capital?.usdPerChipHour).toBeCloseTo(CAPITAL, 12);
    expect(capital?.share).toBeCloseTo(CAPITAL / total, 12);
    expect(power?.share).toBeCloseTo(POWER / total, 12);
    expect(facility?.usdPerMillionOutputTokens).toBeCloseTo((r.costPerMillionTokensUsd * FACILITY) / total, 12);
    // the parts add up to the headline
    expect(panel.parts.reduce((n, p) => n + p.usdPerMillionOutputTokens, 0)).toBeCloseTo(panel.usdPerMillionOutputTokens, 9);
    expect(panel.inputs.map((i) => i.label)).toEqual(['capital per chip', 'system share per chip', 'amortization', 'electricity', 'facility rent']);
    expect(panel.inputs[0]?.text).toMatch(/^\$27,500 — /);
  });
});

describe('the chips a sweep runs', () => {
  test('as they are under list; at their cost of ownership under tco; a chip tco cannot price stops the sweep', () => {
    const b200 = findChip('b200')!;
    expect(pricedChips(DEFAULT_STATE, [h100, b200])).toEqual({ ok: true, chips: [h100, b200] });
    const tco = pricedChips(withEnergy({ priceBasis: 'tco' }), [h100, b200]);
    if (!tco.ok) throw new Error(tco.message);
    expect(tco.chips[0]?.price.usdPerChipHour.value).toBeCloseTo(CAPITAL + POWER + FACILITY, 12);
    expect(tco.chips[1]?.price.usdPerChipHour.value).toBe((priceFor(withEnergy({ priceBasis: 'tco' }), b200) as { usdPerChipHour: number }).usdPerChipHour);
    expect(tco.chips.map((c) => c.id)).toEqual(['h100-sxm', 'b200']);
    expect(pricedChips(withEnergy({ priceBasis: 'tco' }), [h100, findChip('mi300x')!])).toMatchObject({ ok: false });
  });
});

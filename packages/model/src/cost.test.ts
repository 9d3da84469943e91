import { describe, expect, it } from 'vitest';
import { costFigures, MissingCapitalError, tcoPrice } from './cost.ts';
import { estimateInference } from './inference.ts';
import { llama70b, testGpu } from './test-fixtures.ts';
import type { ChipSpec } from '@ridgeline/hardware';

const s = (value: number): { value: number; source: string } => ({ value, source: 'test' });
/** The test GPU with a capital cost, a system share and a host share: IT power 700 + 300 = 1,000 W. */
const owned: ChipSpec = {
  ...testGpu,
  power: { ...testGpu.power, nodeOverheadW: s(300) },
  price: { ...testGpu.price, capitalUsd: s(30_000), systemCapitalUsdPerChip: s(5_040), capitalAsOf: '2026-12-01' },
};

describe('tcoPrice (docs/MODEL.md §11), by hand', () => {
  it('defaults: 5 years, utilization 1, $0.0806/kWh, $184.06/kW-month, PUE 1.2', () => {
    const t = tcoPrice(owned);
    // capital: (30,000 + 5,040) / (5 · 8760 · 1) = 35,040 / 43,800 = 0.8 USD per chip-hour
    expect(t.breakdown.capital).toBeCloseTo(0.8, 15);
    // power: 0.0806 USD/kWh · 1.0 kW · 1.2 = 0.09672 USD per chip-hour
    expect(t.breakdown.power).toBeCloseTo(0.09672, 15);
    // facility: 184.06 USD/kW-month · 1.0 kW / 730 h = 0.252137 USD per chip-hour
    expect(t.breakdown.facility).toBeCloseTo(184.06 / 730, 15);
    expect(t.usdPerChipHour).toBeCloseTo(0.8 + 0.09672 + 184.06 / 730, 15);
    expect(t.inputs.itW).toBe(1000);
    expect(t.sources.capital).toBe('test (as of 2026-12-01)');
  });

  it('utilization spreads the fixed costs (capital, facility) over the serving hours, not the electricity', () => {
    const t = tcoPrice(owned, { utilization: 0.5, amortizationYears: 4, usdPerKwh: 0.1, usdPerKwMonth: 146, pue: 1.5 });
    // capital: 35,040 / (4 · 8760 · 0.5) = 35,040 / 17,520 = 2
    expect(t.breakdown.capital).toBeCloseTo(2, 15);
    // power: 0.1 · 1.0 kW · 1.5 = 0.15
    expect(t.breakdown.power).toBeCloseTo(0.15, 15);
    // facility: 146 · 1.0 / 730 / 0.5 = 0.4
    expect(t.breakdown.facility).toBeCloseTo(0.4, 15);
    expect(t.usdPerChipHour).toBeCloseTo(2.55, 15);
  });

  it('flags override the plugin; a chip without a capital cost and no flag is an error naming the flag', () => {
    expect(tcoPrice(owned, { capitalUsd: 0, systemCapitalUsdPerChip: 0 }).breakdown.capital).toBe(0);
    expect(() => tcoPrice(testGpu)).toThrow(MissingCapitalError);
    expect(() => tcoPrice(testGpu)).toThrow('test-gpu has no sourced capital cost: give --capital-usd');
    const t = tcoPrice(testGpu, { capitalUsd: 43_800 });
    expect(t.breakdown.capital).toBeCloseTo(1, 15);
    expect(t.sources.systemCapital).toMatch(/^none sourced/);
  });
});

describe('costFigures: the tco price rides the existing price slot', () => {
  it('a configuration priced at the tco chip-hour equals the list result scaled by the price ratio', () => {
    const config = { model: llama70b, chip: owned, chips: 8, parallelism: { tp: 8, pp: 1, ep: 1 }, batch: 16, inputTokens: 2048, outputTokens: 256, precision: { weights: 'bf16', kvCache: 'bf16', activations: 'bf16' } } as const;
    const list = estimateInference(config);
    const t = tcoPrice(owned);
    const tco = estimateInference({ ...config, usdPerChipHour: t.usdPerChipHour });
    if (!list.feasible || !tco.feasible) throw new Error('expected feasible');
    expect(tco.costPerMillionTokensUsd).toBeCloseTo((list.costPerMillionTokensUsd * t.usdPerChipHour) / 4, 9);
    expect(tco.tokensPerS).toBe(list.tokensPerS);
    const c = costFigures(tco, 'tco', t.usdPerChipHour, t);
    expect(c.usdPerMillionOutputTokens).toBe(tco.costPerMillionTokensUsd);
    expect(c.usdPerMillionInputTokens).toBe(tco.costPerMillionInputTokensUsd);
    const m = c.breakdownPerMillionOutputTokens;
    expect(m.capital + m.power + m.facility).toBeCloseTo(c.usdPerMillionOutputTokens, 9);
    expect(m.capital / m.power).toBeCloseTo(0.8 / 0.09672, 9);
  });
});

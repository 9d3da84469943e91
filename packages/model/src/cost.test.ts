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
    const c = costFigures(tco, 'tco', t.usdPerChipHour, t, { chips: [owned] });
    expect(c.usdPerMillionOutputTokens).toBe(tco.costPerMillionTokensUsd);
    expect(c.usdPerMillionInputTokens).toBe(tco.costPerMillionInputTokensUsd);
    const m = c.breakdownPerMillionOutputTokens;
    expect(m.capital + m.power + m.facility).toBeCloseTo(c.usdPerMillionOutputTokens, 9);
    expect(m.capital / m.power).toBeCloseTo(0.8 / 0.09672, 9);
  });
});

describe('costFigures: the status of every figure behind the cost (issue 12 §7)', () => {
  const config = { model: llama70b, chip: owned, chips: 8, parallelism: { tp: 8, pp: 1, ep: 1 }, batch: 16, inputTokens: 2048, outputTokens: 256, precision: { weights: 'bf16', kvCache: 'bf16', activations: 'bf16' } } as const;
  const r = estimateInference(config);
  if (!r.feasible) throw new Error('expected feasible');

  it('a sourced list price is sourced, with its date', () => {
    const c = costFigures(r, 'list', owned.price.usdPerChipHour.value, undefined, { chips: [owned] });
    expect(c.status).toBe('sourced');
    expect(c.figures).toEqual([{ chip: 'test-gpu', figure: 'price.usdPerChipHour', status: 'sourced', source: owned.price.usdPerChipHour.source, asOf: owned.price.asOf }]);
    expect(c.estimatedFigures).toEqual([]);
    expect(c.statusNote).toBeNull();
  });

  it('an estimated list price makes the cost estimated and says in one line there is no list price of the common kind', () => {
    const guessed: ChipSpec = { ...owned, id: 'guessed', price: { ...owned.price, usdPerChipHour: { value: 4, source: 'estimate, not a list price: $2 committed / 0.5' } } };
    const c = costFigures(r, 'list', 4, undefined, { chips: [guessed] });
    expect(c.status).toBe('estimated');
    expect(c.estimatedFigures).toEqual([{ chip: 'guessed', figure: 'price.usdPerChipHour', rule: 'estimate, not a list price: $2 committed / 0.5' }]);
    expect(c.statusNote).toBe('guessed: 1 of 1 cost figures estimated (price.usdPerChipHour): no on-demand list price of the common kind is published');
    expect(c.statusNote).not.toContain('\n');
    // --price replaces the estimate: the user's figure, no longer the plugin's
    const given = costFigures(r, 'list', 3, undefined, { chips: [guessed], priceGiven: true });
    expect(given.status).toBe('sourced');
    expect(given.figures[0]).toEqual({ chip: 'guessed', figure: 'price.usdPerChipHour', status: 'sourced', source: '--price', asOf: null });
  });

  it('under tco: capital with its date, the system share, P_max and the host share; an absent system share is an estimate', () => {
    const t = tcoPrice(owned);
    const c = costFigures(r, 'tco', t.usdPerChipHour, t, { chips: [owned] });
    expect(c.figures.map((f) => [f.figure, f.status, f.asOf])).toEqual([
      ['price.capitalUsd', 'sourced', '2026-12-01'],
      ['price.systemCapitalUsdPerChip', 'sourced', '2026-12-01'],
      ['power.maxW', 'sourced', null],
      ['power.nodeOverheadW', 'sourced', null],
    ]);
    expect(c.status).toBe('sourced');
    const bare: ChipSpec = { ...testGpu, price: { ...testGpu.price, capitalUsd: s(30_000), capitalAsOf: '2026-12-01' } };
    const b = costFigures(r, 'tco', tcoPrice(bare).usdPerChipHour, tcoPrice(bare), { chips: [bare] });
    expect(b.status).toBe('estimated');
    expect(b.estimatedFigures.map((f) => f.figure)).toEqual(['price.systemCapitalUsdPerChip', 'power.nodeOverheadW']);
    expect(b.statusNote).toBe('test-gpu: 2 of 4 cost figures estimated (price.systemCapitalUsdPerChip, power.nodeOverheadW)');
  });
});

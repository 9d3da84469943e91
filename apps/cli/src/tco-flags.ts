import { costFigures, MissingCapitalError, TCO_LIMITS as L, tcoPrice, type CostFigures, type FeasibleInferenceResult, type InferenceConfig, type TcoOptions, type TcoPrice } from '@ridgeline/model';
import type { ChipSpec } from '@ridgeline/hardware';
import { numberInRange } from './args.ts';
import { UserError } from './errors.ts';

// The cost-of-ownership flags (docs/MODEL.md §11), as `estimate` and `plan` take them.

/** A string flag's definition, as citty reads it. */
export interface StringArgDef {
  readonly type: 'string';
  readonly valueHint: string;
  readonly description: string;
}

/** `--price-basis`'s definition. */
export interface PriceBasisArgDef {
  readonly type: 'enum';
  readonly options: ('list' | 'tco')[];
  readonly default: 'list';
  readonly description: string;
}

/** `--price-basis list|tco`. */
export const PRICE_BASIS_ARG: PriceBasisArgDef = {
  type: 'enum',
  options: ['list', 'tco'],
  default: 'list',
  description:
    "list: the chip's dated on-demand price per chip-hour; tco: cost of ownership, capital ÷ (years · 8760 · utilization) + electricity on the provisioned facility draw + facility rent per kW (docs/MODEL.md §11)",
};

/** The flags that only `--price-basis tco` takes, by name. */
export const TCO_ARGS: Readonly<Record<(typeof TCO_FLAGS)[number], StringArgDef>> = {
  'capital-usd': { type: 'string', valueHint: 'usd', description: "With --price-basis tco: purchase price of one chip, USD (default: the chip's sourced capitalUsd)" },
  'system-capital-usd': {
    type: 'string',
    valueHint: 'usd',
    description: "With --price-basis tco: the chip's share of its system's purchase price (host, NICs, switches), USD (default: the chip's sourced share, else 0)",
  },
  'amortization-years': {
    type: 'string',
    valueHint: 'years',
    description: `With --price-basis tco: years over which capital is amortised, ${L.amortizationYears.min} to ${L.amortizationYears.max} (default: 5; Amazon moved part of its servers from 6 to 5 years in 2025)`,
  },
  utilization: {
    type: 'string',
    valueHint: '0..1',
    description: 'With --price-basis tco: share of the hours the chips serve at the modelled rate, above 0 up to 1 (default: 1, as a list price assumes)',
  },
  'usd-per-kwh': {
    type: 'string',
    valueHint: 'usd',
    description: 'With --price-basis tco: electricity, USD per kWh at the facility meter (default: 0.0806, the US industrial average for 2023, EIA)',
  },
  'usd-per-kw-month': {
    type: 'string',
    valueHint: 'usd',
    description: 'With --price-basis tco: facility rent, USD per kW of IT power per month (default: 184.06, CBRE North America H2 2024 asking rate)',
  },
};

/** `--pue`. */
export const PUE_ARG: StringArgDef = {
  type: 'string',
  valueHint: `${L.pue.min}..${L.pue.max}`,
  description: `Power usage effectiveness of the facility, facility power ÷ IT power, ${L.pue.min} to ${L.pue.max}: facility energy and provisioned power (default: 1.2, hyperscale and liquid-cooled facilities reach 1.1–1.2)`,
};

/**
 * `--pue`, checked: 1 to 10, or undefined when not given.
 *
 * @example
 * pueFlag('1.3'); // 1.3
 */
export function pueFlag(raw: string | undefined): number | undefined {
  return numberInRange('pue', raw, { ...L.pue, what: `a power usage effectiveness from ${L.pue.min} to ${L.pue.max}` });
}

/** The flags of `TCO_ARGS`, in the order help lists them. */
export const TCO_FLAGS = ['capital-usd', 'system-capital-usd', 'amortization-years', 'utilization', 'usd-per-kwh', 'usd-per-kw-month'] as const;

/**
 * The --price-basis tco flags, checked: undefined under --price-basis list (and then none of them may
 * be given).
 *
 * @example
 * tcoFlags({ 'price-basis': 'tco', utilization: '0.6' }, undefined); // { utilization: 0.6 }
 */
export function tcoFlags(
  a: { readonly 'price-basis'?: 'list' | 'tco' | undefined; readonly price?: string | undefined } & { readonly [K in (typeof TCO_FLAGS)[number]]?: string | undefined },
  pue: number | undefined,
): TcoOptions | undefined {
  if (a['price-basis'] !== 'tco') {
    for (const flag of TCO_FLAGS) if (a[flag] !== undefined) throw new UserError(`--${flag} needs --price-basis tco`);
    return undefined;
  }
  if (a.price !== undefined) throw new UserError('--price gives a list price per chip-hour: drop it, or drop --price-basis tco');
  const usd = { ...L.capitalUsd, what: `an amount in USD (a number ≥ ${L.capitalUsd.min})`, unit: 'USD' };
  const capitalUsd = numberInRange('capital-usd', a['capital-usd'], usd);
  const systemCapitalUsdPerChip = numberInRange('system-capital-usd', a['system-capital-usd'], usd);
  const amortizationYears = numberInRange('amortization-years', a['amortization-years'], { ...L.amortizationYears, what: `a number of years from ${L.amortizationYears.min} to ${L.amortizationYears.max}` });
  const utilization = numberInRange('utilization', a.utilization, { min: L.utilization.min, max: L.utilization.max, what: `a share of the hours above ${L.utilization.min}, up to ${L.utilization.max}` });
  if (utilization === L.utilization.min) throw new UserError(`--utilization must be above ${L.utilization.min} (a share of the hours the chips serve), got ${L.utilization.min}`);
  const usdPerKwh = numberInRange('usd-per-kwh', a['usd-per-kwh'], { ...L.usdPerKwh, what: `a price in USD per kWh (a number ≥ ${L.usdPerKwh.min})`, unit: 'USD per kWh' });
  const usdPerKwMonth = numberInRange('usd-per-kw-month', a['usd-per-kw-month'], { ...L.usdPerKwMonth, what: `a price in USD per kW-month (a number ≥ ${L.usdPerKwMonth.min})`, unit: 'USD per kW-month' });
  return {
    ...(capitalUsd === undefined ? {} : { capitalUsd }),
    ...(systemCapitalUsdPerChip === undefined ? {} : { systemCapitalUsdPerChip }),
    ...(amortizationYears === undefined ? {} : { amortizationYears }),
    ...(utilization === undefined ? {} : { utilization }),
    ...(usdPerKwh === undefined ? {} : { usdPerKwh }),
    ...(usdPerKwMonth === undefined ? {} : { usdPerKwMonth }),
    ...(pue === undefined ? {} : { pue }),
  };
}

/**
 * The chip's cost-of-ownership price; a chip without a sourced capital cost is a user error naming the flag.
 *
 * @example
 * tcoOf(h100, {}).usdPerChipHour; // about 1.22
 */
export function tcoOf(chip: ChipSpec, options: TcoOptions): TcoPrice {
  try {
    return tcoPrice(chip, options);
  } catch (error) {
    if (error instanceof MissingCapitalError) throw new UserError(error.message, { cause: error });
    throw error;
  }
}

/**
 * The `cost` block `estimate --json` adds to a feasible result, and `plan --json` to each answer
 * (docs/MODEL.md §11): priced at `tco` (the configuration chip's cost of ownership) or else at the
 * configuration's price (its override, or the chip's list price), with the figures' status for
 * both pools' chips when prefill runs on a chip of its own; `priceGiven` when `--price` set it.
 */
export function costBlock(result: FeasibleInferenceResult, config: InferenceConfig, tco: TcoPrice | undefined, priceGiven: boolean): CostFigures {
  const prefillChip = config.disaggregation?.prefillChip;
  return costFigures(result, tco === undefined ? 'list' : 'tco', config.usdPerChipHour ?? config.chip.price.usdPerChipHour.value, tco, {
    chips: prefillChip === undefined ? [config.chip] : [config.chip, prefillChip],
    priceGiven,
  });
}

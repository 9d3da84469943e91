import { figureStatus, type ChipSpec, type FigureStatus, type Sourced } from '@ridgeline/hardware';
import { DEFAULT_PUE, figuresStatus, type EstimatedFigure } from './power.ts';

/**
 * Cost of ownership (`--price-basis tco`, docs/MODEL.md §11): the per-chip-hour price a buyer pays,
 * from the chip's capital, its electricity and its facility, fed to the price slot the list price
 * fills (`InferenceConfig.usdPerChipHour`). It depends on the chip and the options only, not on
 * the configuration, so the model and the kernel price a configuration by the same arithmetic.
 */

/** Years over which capital is amortised: 5, where hyperscalers' server lives are moving (Amazon cut part of its fleet from 6 to 5 years in February 2025; theCUBE Research expects 5 for AI servers). */
export const DEFAULT_AMORTIZATION_YEARS = 5;
/** Share of the hours a chip serves at the modelled rate: 1, the same assumption as a list price (every rented hour serves); a lower bound of the cost. */
export const DEFAULT_UTILIZATION = 1;
/** Electricity, USD per kWh: 0.0806, the US industrial average for 2023 (EIA, Average retail electricity price for industrial consumers; 8.06 ¢/kWh). */
export const DEFAULT_USD_PER_KWH = 0.0806;
/** Facility, USD per kW of IT power per month: 184.06, the average asking rate for 250–500 kW in North American primary markets (CBRE, North America Data Center Trends H2 2024, 2025-02-26). */
export const DEFAULT_USD_PER_KW_MONTH = 184.06;
/** Hours in a year and in a month (8760 / 12). */
export const HOURS_PER_YEAR = 8760;
export const HOURS_PER_MONTH: number = HOURS_PER_YEAR / 12;

/**
 * The range every cost-of-ownership input and the PUE accept (docs/MODEL.md §10–11), in the units
 * of `TcoOptions`: the CLI's `--pue`, `--amortization-years`, `--utilization`, `--usd-per-kwh`,
 * `--usd-per-kw-month`, `--capital-usd` and `--system-capital-usd` check against it, and so does the
 * web app. `minExclusive`: the minimum itself is refused (a utilization of 0 serves no token).
 * `max` is a range a message states ("from 1 to 10"); `limit` a physical guard said on its own
 * ("at most 100 USD per kWh"), as `WORKLOAD_LIMITS`.
 */
export const TCO_LIMITS = {
  /** PUE: facility ÷ IT power; 1 is a facility with no cooling or conversion loss, 10 far beyond the worst surveyed (~2.5). */
  pue: { min: 1, max: 10 },
  /** Years over which capital is amortised: a tenth of a year to 30, beyond any server's life. */
  amortizationYears: { min: 0.1, max: 30 },
  /** Share of the hours the chips serve: above 0, up to 1. */
  utilization: { min: 0, minExclusive: true, max: 1 },
  /** Electricity, USD per kWh: up to 100, ~1000× industrial prices. */
  usdPerKwh: { min: 0, limit: 100 },
  /** Facility rent, USD per kW-month: up to 1e5, ~500× asking rates. */
  usdPerKwMonth: { min: 0, limit: 1e5 },
  /** A chip's (or its system share's) purchase price, USD: up to 1e9. */
  capitalUsd: { min: 0, limit: 1e9 },
} as const;

export type PriceBasis = 'list' | 'tco';

/** The options of `--price-basis tco`; each falls back to its documented default, the capitals to the chip's plugin. */
export interface TcoOptions {
  readonly capitalUsd?: number;
  readonly systemCapitalUsdPerChip?: number;
  readonly amortizationYears?: number;
  readonly utilization?: number;
  readonly usdPerKwh?: number;
  readonly usdPerKwMonth?: number;
  readonly pue?: number;
}

/** One chip-hour of serving, split: amortised capital, electricity at the facility, facility rent; USD. */
export interface CostBreakdown {
  readonly capital: number;
  readonly power: number;
  readonly facility: number;
}

/** What `--price-basis tco` resolved to: the per-chip-hour price, its parts and every input with where it came from. */
export interface TcoPrice {
  readonly usdPerChipHour: number;
  readonly breakdown: CostBreakdown;
  readonly inputs: {
    readonly capitalUsd: number;
    readonly systemCapitalUsdPerChip: number;
    readonly amortizationYears: number;
    readonly utilization: number;
    readonly usdPerKwh: number;
    readonly usdPerKwMonth: number;
    readonly pue: number;
    /** The chip's IT power at its system's maximum, P_max + nodeOverheadW, W. */
    readonly itW: number;
  };
  /** Where the capital figures came from: the plugin's source (with its date), or the flag. */
  readonly sources: { readonly capital: string; readonly systemCapital: string };
}

/** A chip without a sourced capital cost under `--price-basis tco`. */
export class MissingCapitalError extends Error {
  override readonly name = 'MissingCapitalError';
  readonly chipId: string;
  constructor(chipId: string) {
    super(`${chipId} has no sourced capital cost: give --capital-usd (its purchase price per chip, USD) for --price-basis tco`);
    this.chipId = chipId;
  }
}

/**
 * The TCO price of one chip-hour:
 * capital = (capitalUsd + systemCapitalUsdPerChip) / (years · 8760 · u);
 * power = usdPerKwh · (P_max + nodeOverheadW) · PUE / 1000 (the provisioned draw, each serving hour);
 * facility = usdPerKwMonth · (P_max + nodeOverheadW) / 1000 / 730 / u.
 *
 * @example
 * tcoPrice(h100).usdPerChipHour; // 33750/43800 + 0.0806·1.275·1.2 + 184.06·1.275/730
 */
export function tcoPrice(chip: ChipSpec, options: TcoOptions = {}): TcoPrice {
  const price = chip.price;
  const capitalUsd = options.capitalUsd ?? price.capitalUsd?.value;
  if (capitalUsd === undefined) throw new MissingCapitalError(chip.id);
  const systemCapitalUsdPerChip = options.systemCapitalUsdPerChip ?? price.systemCapitalUsdPerChip?.value ?? 0;
  const amortizationYears = options.amortizationYears ?? DEFAULT_AMORTIZATION_YEARS;
  const utilization = options.utilization ?? DEFAULT_UTILIZATION;
  const usdPerKwh = options.usdPerKwh ?? DEFAULT_USD_PER_KWH;
  const usdPerKwMonth = options.usdPerKwMonth ?? DEFAULT_USD_PER_KW_MONTH;
  const pue = options.pue ?? DEFAULT_PUE;
  const itW = chip.power.maxW.value + (chip.power.nodeOverheadW?.value ?? 0);
  const breakdown: CostBreakdown = {
    capital: (capitalUsd + systemCapitalUsdPerChip) / (amortizationYears * HOURS_PER_YEAR * utilization),
    power: (usdPerKwh * itW * pue) / 1000,
    facility: (usdPerKwMonth * itW) / 1000 / HOURS_PER_MONTH / utilization,
  };
  const dated = (s: { readonly source: string } | undefined): string | undefined => (s === undefined ? undefined : `${s.source}${price.capitalAsOf === undefined ? '' : ` (as of ${price.capitalAsOf})`}`);
  return {
    usdPerChipHour: breakdown.capital + breakdown.power + breakdown.facility,
    breakdown,
    inputs: { capitalUsd, systemCapitalUsdPerChip, amortizationYears, utilization, usdPerKwh, usdPerKwMonth, pue, itW },
    sources: {
      capital: options.capitalUsd !== undefined ? '--capital-usd' : (dated(price.capitalUsd) ?? ''),
      systemCapital:
        options.systemCapitalUsdPerChip !== undefined
          ? '--system-capital-usd'
          : (dated(price.systemCapitalUsdPerChip) ?? 'none sourced: the chip alone, an underestimate (give --system-capital-usd)'),
    },
  };
}

/** The `cost` field of a result: the basis, the headline $/M tokens, and the per-chip-hour breakdown. */
export interface CostFigures {
  readonly basis: PriceBasis;
  readonly usdPerChipHour: number;
  readonly usdPerMillionOutputTokens: number;
  readonly usdPerMillionInputTokens: number;
  /** USD per chip-hour: the list price is all `capital` under `list` (a rental rate does not split). */
  readonly breakdown: CostBreakdown;
  /** `usdPerMillionOutputTokens` split in the proportions of `breakdown`, USD. */
  readonly breakdownPerMillionOutputTokens: CostBreakdown;
  readonly tco?: TcoPrice;
  /** `sourced` when every price, capital and power figure behind the cost is; `estimated` when any is (issue 12 §7). */
  readonly status: FigureStatus;
  /** Each figure the cost rests on: the price per chip-hour under `list`; capital, system capital, P_max and node overhead under `tco`. */
  readonly figures: readonly CostFigure[];
  /** The estimated ones, with the rule their source states. */
  readonly estimatedFigures: readonly EstimatedFigure[];
  /**
   * One line when a figure is estimated, chip by chip; under `list` it says when a chip has no
   * on-demand list price (the common kind of price source); `null` when every figure is sourced.
   */
  readonly statusNote: string | null;
}

/** One figure behind a cost: its chip and dotted path, status, source (or the flag that gave it) and the date it was read. */
export interface CostFigure {
  readonly chip: string;
  readonly figure: string;
  readonly status: FigureStatus;
  readonly source: string;
  /** `price.asOf` for the price, `price.capitalAsOf` for capital; `null` for a flag, a power figure (dated in its source) or an absent figure. */
  readonly asOf: string | null;
}

/** Which chips a cost was priced on, and whether `--price` overrode the first one's list price. */
export interface CostProvenance {
  /** The configuration's chip first, then a different prefill chip. */
  readonly chips: readonly ChipSpec[];
  /** `--price` (or `usdPerChipHour` in the configuration) replaced the first chip's list price. */
  readonly priceGiven?: boolean;
}

const GIVEN = (flag: string, value: number): Sourced => ({ value, source: flag });

/** The figures a cost rests on, chip by chip (issue 12 §7). */
function costFiguresOf(basis: PriceBasis, provenance: CostProvenance, tco: TcoPrice | undefined): { chip: ChipSpec; figures: [string, Sourced | undefined, string, string | null][] }[] {
  const seen = new Set<string>();
  return provenance.chips.flatMap((chip, i) => {
    if (seen.has(chip.id)) return [];
    seen.add(chip.id);
    const price = chip.price;
    if (basis === 'list' || tco === undefined || i > 0) {
      const given = i === 0 && provenance.priceGiven === true;
      return [{ chip, figures: [['price.usdPerChipHour', given ? GIVEN('--price', 0) : price.usdPerChipHour, '', given ? null : price.asOf]] }];
    }
    const capitalGiven = tco.sources.capital === '--capital-usd';
    const systemGiven = tco.sources.systemCapital === '--system-capital-usd';
    return [
      {
        chip,
        figures: [
          ['price.capitalUsd', capitalGiven ? GIVEN('--capital-usd', 0) : price.capitalUsd, 'absent', capitalGiven ? null : (price.capitalAsOf ?? null)],
          [
            'price.systemCapitalUsdPerChip',
            systemGiven ? GIVEN('--system-capital-usd', 0) : price.systemCapitalUsdPerChip,
            'absent: counted as $0, the chip alone, an underestimate (give --system-capital-usd)',
            systemGiven || price.systemCapitalUsdPerChip === undefined ? null : (price.capitalAsOf ?? null),
          ],
          ['power.maxW', chip.power.maxW, '', null],
          ['power.nodeOverheadW', chip.power.nodeOverheadW, 'absent: counted as 0 W (the plugin gives no host share)', null],
        ],
      },
    ];
  });
}

/** The `cost` field from a result's headline figures and the price it ran at. */
export function costFigures(
  result: { readonly costPerMillionTokensUsd: number; readonly costPerMillionInputTokensUsd: number },
  basis: PriceBasis,
  usdPerChipHour: number,
  tco: TcoPrice | undefined,
  provenance: CostProvenance,
): CostFigures {
  const entries = costFiguresOf(basis, provenance, tco);
  const figures: CostFigure[] = entries.flatMap(({ chip, figures: fs }) =>
    fs.map(([figure, f, absent, asOf]) =>
      f === undefined ? { chip: chip.id, figure, status: 'estimated' as const, source: absent, asOf: null } : { chip: chip.id, figure, status: figureStatus(f), source: f.source, asOf },
    ),
  );
  const status = figuresStatus(
    entries.map(({ chip, figures: fs }) => ({
      chip,
      figures: fs.map(([figure, f, absent]): [string, Sourced | undefined, string] => [figure, f, absent]),
      ...(basis === 'list' && figureStatus(chip.price.usdPerChipHour) === 'estimated' && !(chip === provenance.chips[0] && provenance.priceGiven === true)
        ? { why: 'no on-demand list price of the common kind is published' }
        : {}),
    })),
    'cost figures',
  );
  const breakdown = tco === undefined ? { capital: usdPerChipHour, power: 0, facility: 0 } : tco.breakdown;
  const share = (part: number): number => (usdPerChipHour === 0 ? 0 : (result.costPerMillionTokensUsd * part) / usdPerChipHour);
  return {
    basis,
    usdPerChipHour,
    usdPerMillionOutputTokens: result.costPerMillionTokensUsd,
    usdPerMillionInputTokens: result.costPerMillionInputTokensUsd,
    breakdown,
    breakdownPerMillionOutputTokens: {
      capital: share(breakdown.capital),
      power: share(breakdown.power),
      facility: share(breakdown.facility),
    },
    ...(tco === undefined ? {} : { tco }),
    status: status.status,
    figures,
    estimatedFigures: status.estimatedFigures,
    statusNote: status.note,
  };
}

import { formatEnergy, formatNumber, formatPercent, formatPower, formatUsd } from '@ridgeline/format';
import { figureStatus, type ChipSpec, type Precision, type Sourced } from '@ridgeline/hardware';
import {
  costFigures,
  DEFAULT_AMORTIZATION_YEARS,
  DEFAULT_PUE,
  DEFAULT_USD_PER_KW_MONTH,
  DEFAULT_USD_PER_KWH,
  DEFAULT_UTILIZATION,
  hasComponentPower,
  limitText,
  MissingCapitalError,
  TCO_LIMITS,
  tcoPrice,
  type CostBreakdown,
  type CostProvenance,
  type FeasibleInferenceResult,
  type PriceBasis,
  type TcoOptions,
  type TcoPrice,
} from '@ridgeline/model';
import type { AppState, EnergySettings } from './state.ts';

/**
 * The energy and cost panels' view model (docs/MODEL.md §10–11): which price a chip-hour runs at
 * under the page's price basis, the checks of the PUE and TCO boxes against the model's
 * `TCO_LIMITS` (the CLI's bounds), and the rows the panels show. No physics: every figure is the
 * model's `energy` and `costFigures`; this module picks, labels and splits them.
 */

/** The number boxes of the energy and cost panel. */
export type EnergyField = Exclude<keyof EnergySettings, 'priceBasis'>;

/** A range of `TCO_LIMITS`. */
export interface Limits {
  readonly min: number;
  readonly max?: number;
  readonly limit?: number;
  readonly minExclusive?: boolean;
}

/** Each box: the CLI flag it is, what it is in words, its range, its default in words. */
export const ENERGY_FIELDS: Readonly<Record<EnergyField, { readonly flag: string; readonly what: string; readonly limits: Limits; readonly fallback: string }>> = {
  pue: { flag: '--pue', what: 'the PUE', limits: TCO_LIMITS.pue, fallback: String(DEFAULT_PUE) },
  amortizationYears: { flag: '--amortization-years', what: 'the amortization (years)', limits: TCO_LIMITS.amortizationYears, fallback: String(DEFAULT_AMORTIZATION_YEARS) },
  utilization: { flag: '--utilization', what: 'the utilization', limits: TCO_LIMITS.utilization, fallback: String(DEFAULT_UTILIZATION) },
  usdPerKwh: { flag: '--usd-per-kwh', what: 'the electricity price (USD per kWh)', limits: TCO_LIMITS.usdPerKwh, fallback: String(DEFAULT_USD_PER_KWH) },
  usdPerKwMonth: { flag: '--usd-per-kw-month', what: 'the facility rent (USD per kW-month)', limits: TCO_LIMITS.usdPerKwMonth, fallback: String(DEFAULT_USD_PER_KW_MONTH) },
  capitalUsd: { flag: '--capital-usd', what: 'the capital per chip (USD)', limits: TCO_LIMITS.capitalUsd, fallback: "the chip's sourced capital cost" },
  systemCapitalUsd: { flag: '--system-capital-usd', what: 'the system share per chip (USD)', limits: TCO_LIMITS.capitalUsd, fallback: "the chip's sourced share, else 0" },
};

/** The boxes that only `tco` uses, in the order the panel and the CLI list them. */
export const TCO_FIELDS = ['capitalUsd', 'systemCapitalUsd', 'amortizationYears', 'utilization', 'usdPerKwh', 'usdPerKwMonth'] as const satisfies readonly EnergyField[];

/**
 * A range in words, as the CLI says it.
 *
 * @example
 * rangeText(TCO_LIMITS.pue); // 'from 1 to 10'
 * rangeText(TCO_LIMITS.utilization); // 'above 0, up to 1'
 * rangeText(TCO_LIMITS.usdPerKwh); // 'from 0 to 100'
 */
export function rangeText(l: Limits): string {
  const top = l.max ?? l.limit ?? Number.POSITIVE_INFINITY;
  if (!Number.isFinite(top)) return l.minExclusive === true ? `above ${l.min}` : `≥ ${l.min}`;
  return l.minExclusive === true ? `above ${l.min}, up to ${limitText(top)}` : `from ${l.min} to ${limitText(top)}`;
}

/** Whether `value` is a finite number in `l`. */
export function inLimits(value: number, l: Limits): boolean {
  const top = l.max ?? l.limit ?? Number.POSITIVE_INFINITY;
  return Number.isFinite(value) && (l.minExclusive === true ? value > l.min : value >= l.min) && value <= top;
}

/**
 * What is wrong with a box's value, or null (null is the default, always fine).
 *
 * @example
 * energyFieldProblem('pue', 0.9); // 'the PUE must be a number from 1 to 10.'
 * energyFieldProblem('utilization', null); // null
 */
export function energyFieldProblem(field: EnergyField, value: number | null): string | null {
  if (value === null) return null;
  const f = ENERGY_FIELDS[field];
  return inLimits(value, f.limits) ? null : `${f.what} must be a number ${rangeText(f.limits)}.`;
}

/**
 * The model's `TcoOptions` for the settings; undefined under `list`.
 *
 * @example
 * tcoOptionsOf({ ...DEFAULT_ENERGY, priceBasis: 'tco', utilization: 0.5, pue: 1.5 }); // { utilization: 0.5, pue: 1.5 }
 */
export function tcoOptionsOf(e: EnergySettings): TcoOptions | undefined {
  if (e.priceBasis !== 'tco') return undefined;
  const pick = (v: number | null, key: keyof TcoOptions): Partial<Record<keyof TcoOptions, number>> => (v === null ? {} : { [key]: v });
  return {
    ...pick(e.capitalUsd, 'capitalUsd'),
    ...pick(e.systemCapitalUsd, 'systemCapitalUsdPerChip'),
    ...pick(e.amortizationYears, 'amortizationYears'),
    ...pick(e.utilization, 'utilization'),
    ...pick(e.usdPerKwh, 'usdPerKwh'),
    ...pick(e.usdPerKwMonth, 'usdPerKwMonth'),
    ...pick(e.pue, 'pue'),
  };
}

/** The price a chip-hour runs at, or why there is none (a box to fix, a chip without a capital cost). */
export type PriceOutcome =
  | { readonly ok: true; readonly basis: PriceBasis; readonly usdPerChipHour: number | undefined; readonly tco: TcoPrice | undefined }
  | { readonly ok: false; readonly field: string; readonly message: string };

/**
 * The chip-hour price under the page's basis, as `ridgeline estimate` resolves `--price` and
 * `--price-basis tco …`: `list` is the price override (undefined: the chip's list price); `tco` the
 * model's `tcoPrice` of `chip`, which refuses a price override and a different prefill chip (it
 * prices one chip), and needs a capital cost (sourced or typed).
 *
 * @example
 * priceFor({ ...DEFAULT_STATE, energy: { ...DEFAULT_ENERGY, priceBasis: 'tco' } }, h100); // { ok: true, usdPerChipHour: 1.2153…, … }
 */
export function priceFor(state: AppState, chip: ChipSpec, prefillChip: ChipSpec | null = null): PriceOutcome {
  const e = state.energy;
  const fields: readonly EnergyField[] = e.priceBasis === 'tco' ? ['pue', ...TCO_FIELDS] : ['pue'];
  for (const field of fields) {
    const problem = energyFieldProblem(field, e[field]);
    if (problem !== null) return { ok: false, field: `energy.${field}`, message: `${problem[0]?.toUpperCase() ?? ''}${problem.slice(1)}` };
  }
  const options = tcoOptionsOf(e);
  if (options === undefined) return { ok: true, basis: 'list', usdPerChipHour: state.price ?? undefined, tco: undefined };
  if (state.price !== null) return { ok: false, field: 'price', message: 'The price override is a list price per chip-hour: clear it, or use the list price basis.' };
  if (prefillChip !== null && prefillChip.id !== chip.id) {
    return { ok: false, field: 'energy.priceBasis', message: 'The tco price basis prices one chip: use the list basis with a prefill chip of its own, or prefill on the decode chip.' };
  }
  try {
    const tco = tcoPrice(chip, options);
    return { ok: true, basis: 'tco', usdPerChipHour: tco.usdPerChipHour, tco };
  } catch (error) {
    if (error instanceof MissingCapitalError) {
      return { ok: false, field: 'energy.capitalUsd', message: `${chip.name} has no sourced capital cost: type its purchase price per chip (Capital per chip) for the tco basis, or use the list basis.` };
    }
    throw error;
  }
}

/** A power figure of a chip that is an estimate (its source says so), with the source. */
export interface EstimatedFigure {
  readonly chip: string;
  /** `power.staticW`, `power.joulesPerFlop.bf16`, …; `(absent: 0 W)` for a missing host share. */
  readonly path: string;
  readonly source: string;
}

/** Which of a chip's power figures behind its draw, and behind its provisioned power, are estimates. */
export interface PowerEstimates {
  /** Behind chip W and chip J/token: the component figures at the precision (or P_idle), and P_max (the cap). */
  readonly draw: readonly EstimatedFigure[];
  /** Behind provisioned power and tokens per MW: P_max and the host share `nodeOverheadW`. */
  readonly provisioned: readonly EstimatedFigure[];
}

/**
 * The chip's power figures that are estimates, grouped by what they feed (docs/MODEL.md §10): a
 * source labelled so (`estimate: 10% of TDP …`; `figureStatus`, the rule the CLI's JSON uses) marks one. A missing host share counts as
 * an estimate of 0 W, as `plan --power-budget` says.
 *
 * @example
 * powerEstimates(tpuV6e, 'bf16').draw.map((f) => f.path); // ['power.staticW', 'power.joulesPerFlop.bf16', 'power.joulesPerByteMemory']
 */
export function powerEstimates(chip: ChipSpec, precision: Precision): PowerEstimates {
  const p = chip.power;
  const drawFigures: [string, Sourced | undefined][] = hasComponentPower(chip, precision)
    ? [
        ['power.staticW', p.staticW],
        [`power.joulesPerFlop.${precision}`, p.joulesPerFlop?.[precision]],
        ['power.joulesPerByteMemory', p.joulesPerByteMemory],
        ['power.joulesPerByteLink', p.joulesPerByteLink],
        ['power.maxW', p.maxW],
      ]
    : [
        ['power.idleW', p.idleW],
        ['power.maxW', p.maxW],
      ];
  const estimated = (figures: readonly [string, Sourced | undefined][]): EstimatedFigure[] =>
    figures.flatMap(([path, s]) => (s !== undefined && figureStatus(s) === 'estimated' ? [{ chip: chip.name, path, source: s.source }] : []));
  const overhead = p.nodeOverheadW === undefined ? [{ chip: chip.name, path: 'power.nodeOverheadW (absent: 0 W)', source: 'estimate: the plugin gives no host, NIC or switch share' }] : [];
  return {
    draw: estimated(drawFigures),
    provisioned: [...estimated([['power.maxW', p.maxW]]), ...overhead, ...estimated([['power.nodeOverheadW', p.nodeOverheadW]])],
  };
}

/** The estimates behind a deployment of these chips (the decode chip, and the prefill chip if another). */
export function deploymentEstimates(chips: readonly ChipSpec[], precision: Precision): PowerEstimates {
  const unique = chips.filter((c, i) => chips.findIndex((d) => d.id === c.id) === i);
  const each = unique.map((c) => powerEstimates(c, precision));
  return { draw: each.flatMap((e) => e.draw), provisioned: each.flatMap((e) => e.provisioned) };
}

/** Which estimates a figure rests on: the draw, the provisioned power, or both (node and facility energy add the host share). */
export type EstimateBasis = 'draw' | 'provisioned' | 'node';

/** The estimated figures one energy figure rests on. */
export function estimatesFor(basis: EstimateBasis, e: PowerEstimates): readonly EstimatedFigure[] {
  if (basis === 'draw') return e.draw;
  if (basis === 'provisioned') return e.provisioned;
  // node and facility energy: the chips' draw plus the host share (not P_max's provisioning)
  return [...e.draw, ...e.provisioned.filter((f) => f.path.startsWith('power.nodeOverheadW'))];
}

/** One row of the energy panel. */
export interface EnergyRow {
  /** The result's field (`energy.chipJPerOutputToken`), tagged for tests and copy-paste. */
  readonly metric: string;
  readonly label: string;
  readonly value: number;
  readonly text: string;
  /** The power figures it rests on that are estimates (empty: all sourced). */
  readonly estimates: readonly EstimatedFigure[];
}

/** The energy panel: J per output token at chip, node and facility; the chip's draw; provisioned power and tokens per MW. */
export interface EnergyPanel {
  readonly rows: readonly EnergyRow[];
  readonly pue: number;
  readonly powerModel: FeasibleInferenceResult['energy']['powerModel'];
  /** Every estimated figure behind the panel, once each. */
  readonly estimates: readonly EstimatedFigure[];
}

/**
 * The energy panel's rows from a feasible result and the chips it ran on.
 *
 * @example
 * energyPanel(result, [h100]).rows.map((r) => r.metric); // ['energy.chipJPerOutputToken', …, 'energy.tokensPerSPerProvisionedMW']
 */
export function energyPanel(result: FeasibleInferenceResult, chips: readonly ChipSpec[]): EnergyPanel {
  const e = result.energy;
  const est = deploymentEstimates(chips, result.inputs.computePrecision);
  const row = (key: keyof typeof e, label: string, text: (x: number) => string, basis: EstimateBasis): EnergyRow => {
    const value = e[key] as number;
    return { metric: `energy.${key}`, label, value, text: text(value), estimates: estimatesFor(basis, est) };
  };
  const perToken = (x: number): string => `${formatEnergy(x)} /token`;
  const rows = [
    row('chipJPerOutputToken', 'Chip energy per output token', perToken, 'draw'),
    row('nodeJPerOutputToken', 'Node energy per output token (host, NIC, switch share)', perToken, 'node'),
    row('facilityJPerOutputToken', `Facility energy per output token (× PUE ${formatNumber(e.pue)})`, perToken, 'node'),
    row('chipW', 'Chip draw, serving cycle', formatPower, 'draw'),
    row('decodeChipW', 'Chip draw in decode', formatPower, 'draw'),
    row('prefillChipW', 'Chip draw in prefill', formatPower, 'draw'),
    row('facilityW', 'Facility draw, deployment average', formatPower, 'node'),
    row('provisionedFacilityW', 'Provisioned facility power', formatPower, 'provisioned'),
    row('tokensPerSPerProvisionedMW', 'Output tokens/s per provisioned MW', (x) => `${formatNumber(x)} tok/s/MW`, 'provisioned'),
  ];
  const all = [...est.draw, ...est.provisioned];
  const estimates = all.filter((f, i) => all.findIndex((g) => g.chip === f.chip && g.path === f.path) === i);
  return { rows, pue: e.pue, powerModel: e.powerModel, estimates };
}

/** One part of the cost breakdown. */
export interface CostPart {
  readonly key: keyof CostBreakdown;
  readonly label: string;
  readonly usdPerChipHour: number;
  readonly usdPerMillionOutputTokens: number;
  /** Its share of the chip-hour price, 0–1. */
  readonly share: number;
}

/** The cost panel: the basis, the headline $/M output and input tokens, and the breakdown per chip-hour and per M output tokens. */
export interface CostPanel {
  readonly basis: PriceBasis;
  readonly usdPerChipHour: number;
  readonly usdPerMillionOutputTokens: number;
  readonly usdPerMillionInputTokens: number;
  readonly parts: readonly CostPart[];
  /** The TCO inputs as used, each with its value in words and where it came from; empty under `list`. */
  readonly inputs: readonly { readonly label: string; readonly text: string }[];
}

const PART_LABELS: Readonly<Record<keyof CostBreakdown, string>> = {
  capital: 'Capital (amortised)',
  power: 'Electricity',
  facility: 'Facility rent',
};

/**
 * The cost panel from a feasible result and the price it ran at (`priceFor`): the model's
 * `costFigures`, one row per part of the breakdown. Under `list` the rental rate is all capital
 * (it does not split), as the CLI reports it.
 *
 * @example
 * costPanel(result, { basis: 'tco', tco }, { chips: [h100] }).parts.map((p) => p.key); // ['capital', 'power', 'facility']
 */
export function costPanel(result: FeasibleInferenceResult, price: { readonly basis: PriceBasis; readonly tco: TcoPrice | undefined }, provenance: CostProvenance): CostPanel {
  const usdPerChipHour = result.inputs.usdPerChipHour;
  const c = costFigures(result, price.basis, usdPerChipHour, price.tco, provenance);
  const parts = (['capital', 'power', 'facility'] as const).map((key) => ({
    key,
    label: PART_LABELS[key],
    usdPerChipHour: c.breakdown[key],
    usdPerMillionOutputTokens: c.breakdownPerMillionOutputTokens[key],
    share: usdPerChipHour === 0 ? 0 : c.breakdown[key] / usdPerChipHour,
  }));
  const t = price.tco;
  const inputs =
    t === undefined
      ? []
      : [
          { label: 'capital per chip', text: `${formatUsd(t.inputs.capitalUsd)} — ${t.sources.capital === '--capital-usd' ? 'typed' : t.sources.capital}` },
          { label: 'system share per chip', text: `${formatUsd(t.inputs.systemCapitalUsdPerChip)} — ${t.sources.systemCapital === '--system-capital-usd' ? 'typed' : t.sources.systemCapital}` },
          { label: 'amortization', text: `${formatNumber(t.inputs.amortizationYears)} years at ${formatPercent(t.inputs.utilization)} utilization` },
          { label: 'electricity', text: `${formatUsd(t.inputs.usdPerKwh)} per kWh on ${formatPower(t.inputs.itW)} IT power per chip × PUE ${formatNumber(t.inputs.pue)}` },
          { label: 'facility rent', text: `${formatUsd(t.inputs.usdPerKwMonth)} per kW-month of IT power` },
        ];
  return { basis: c.basis, usdPerChipHour, usdPerMillionOutputTokens: c.usdPerMillionOutputTokens, usdPerMillionInputTokens: c.usdPerMillionInputTokens, parts, inputs };
}

/**
 * The chips a sweep runs, each at the page's price basis: as they are under `list` (the sweep's
 * price override, if any, applies to all), or under `tco` each with its cost of ownership as its
 * price per chip-hour (the WASM kernel prices from it, as `ridgeline sweep` would at that price);
 * or why a chip cannot be priced.
 *
 * @example
 * pricedChips(tcoState, [h100]); // { ok: true, chips: [{ …h100, price: { usdPerChipHour: { value: 1.2153…, … } } }] }
 */
export function pricedChips(state: AppState, chips: readonly ChipSpec[]): { readonly ok: true; readonly chips: readonly ChipSpec[] } | { readonly ok: false; readonly message: string } {
  if (state.energy.priceBasis !== 'tco') return { ok: true, chips };
  const priced: ChipSpec[] = [];
  for (const chip of chips) {
    const price = priceFor(state, chip);
    if (!price.ok) return { ok: false, message: `The sweep prices every chip by tco: ${price.message}` };
    if (price.tco === undefined) priced.push(chip);
    else priced.push({ ...chip, price: { ...chip.price, usdPerChipHour: { value: price.tco.usdPerChipHour, source: `cost of ownership (--price-basis tco): capital ${price.tco.sources.capital}` } } });
  }
  return { ok: true, chips: priced };
}

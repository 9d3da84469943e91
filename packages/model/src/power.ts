import { figureStatus, type ChipSpec, type FigureStatus, type Precision, type Sourced } from '@ridgeline/hardware';
import { estimateInference } from './inference.ts';
import type { InferenceConfig, InferenceResult } from './types.ts';

/**
 * Power usage effectiveness when the configuration gives none: 1.2, the upper end of the 1.1–1.2
 * that hyperscale and liquid-cooled AI facilities reach, against an industry average of 1.58
 * (Uptime Institute Global Data Center Survey 2024, as summarised at lowdown.today/e/pue). Give
 * `pue` for your facility. docs/MODEL.md §10.
 */
export const DEFAULT_PUE = 1.2;

/**
 * Whether `chip` draws by the component model at `precision` (docs/MODEL.md §10): it gives
 * `power.staticW`, `power.joulesPerByteMemory` and `power.joulesPerFlop[precision]`.
 */
export function hasComponentPower(chip: ChipSpec, precision: Precision): boolean {
  const p = chip.power;
  return p.staticW !== undefined && p.joulesPerByteMemory !== undefined && p.joulesPerFlop?.[precision] !== undefined;
}

/**
 * One chip's draw, watts, while it runs `flopsPerS` FLOP/s of matmuls at `precision`, moves
 * `bytesPerS` bytes/s to and from memory and runs collectives `commShare` of the time (docs/MODEL.md §10):
 * - components: `min(P_max, P_static + e_flop(p)·FLOP/s + e_mem·bytes/s + e_link·β_up·commShare)`,
 *   the link bytes/s taken as β_up while the collectives run (an upper bound: latency-bound time
 *   and slower scale-out links count as scale-up traffic);
 * - otherwise (a chip without them, as third-party plugins before): `P_idle + (P_max − P_idle)·u`,
 *   `u` = `utilisation`, the busier of compute and memory, at most 1.
 *
 * @example
 * chipPowerW(h200, 'bf16', 0, 3.84e12, 0, 0.8); // min(700, 80 + 5.6e-11 × 3.84e12) = 295.04
 */
export function chipPowerW(chip: ChipSpec, precision: Precision, flopsPerS: number, bytesPerS: number, commShare: number, utilisation: number): number {
  const p = chip.power;
  const eFlop = p.joulesPerFlop?.[precision];
  if (p.staticW !== undefined && p.joulesPerByteMemory !== undefined && eFlop !== undefined) {
    const linkW = (p.joulesPerByteLink?.value ?? 0) * chip.scaleUp.bandwidthBytesPerS.value * commShare;
    return Math.min(p.maxW.value, p.staticW.value + eFlop.value * flopsPerS + p.joulesPerByteMemory.value * bytesPerS + linkW);
  }
  return p.idleW.value + (p.maxW.value - p.idleW.value) * utilisation;
}

/**
 * A chip's draw split by component (docs/MODEL.md §10), W: static, matmul FLOPs, memory (HBM or
 * SRAM) bytes and scale-up link bytes. They sum to `chipPowerW`'s draw (to rounding): when the sum
 * would pass `P_max`, the dynamic parts are scaled down together to the headroom `P_max − P_static`.
 */
export interface PowerComponentsW {
  readonly staticW: number;
  readonly computeW: number;
  readonly memoryW: number;
  readonly linkW: number;
}

/**
 * `chipPowerW`'s draw by component, or `null` for a chip that draws by interpolation (no components
 * at `precision`): which of FLOPs, bytes and the chip's floor its energy goes to.
 *
 * @example
 * chipPowerComponentsW(h200, 'bf16', 0, 3.84e12, 0); // { staticW: 80, computeW: 0, memoryW: 215.04, linkW: 0 }
 */
export function chipPowerComponentsW(chip: ChipSpec, precision: Precision, flopsPerS: number, bytesPerS: number, commShare: number): PowerComponentsW | null {
  const p = chip.power;
  const eFlop = p.joulesPerFlop?.[precision];
  if (p.staticW === undefined || p.joulesPerByteMemory === undefined || eFlop === undefined) return null;
  const computeW = eFlop.value * flopsPerS;
  const memoryW = p.joulesPerByteMemory.value * bytesPerS;
  const linkW = (p.joulesPerByteLink?.value ?? 0) * chip.scaleUp.bandwidthBytesPerS.value * commShare;
  const dynamicW = computeW + memoryW + linkW;
  const headroomW = p.maxW.value - p.staticW.value;
  const scale = dynamicW > headroomW && dynamicW > 0 ? Math.max(0, headroomW) / dynamicW : 1;
  return { staticW: Math.min(p.staticW.value, p.maxW.value), computeW: computeW * scale, memoryW: memoryW * scale, linkW: linkW * scale };
}

/** One figure behind a result that is an estimate: the chip, its dotted path, and the rule its source states. */
export interface EstimatedFigure {
  readonly chip: string;
  readonly figure: string;
  readonly rule: string;
}

/**
 * The power figures a chip's energy rests on at `precision`, by dotted path (docs/MODEL.md §10):
 * with components `power.maxW`, `power.staticW`, `power.joulesPerFlop.<p>`, `power.joulesPerByteMemory`,
 * `power.joulesPerByteLink` (when given) and `power.nodeOverheadW`; by interpolation `power.idleW`,
 * `power.maxW` and `power.nodeOverheadW`. An absent `nodeOverheadW` counts as 0 W: listed `undefined`.
 */
export function powerFiguresOf(chip: ChipSpec, precision: Precision): [string, Sourced | undefined][] {
  const p = chip.power;
  const overhead: [string, Sourced | undefined] = ['power.nodeOverheadW', p.nodeOverheadW];
  if (!hasComponentPower(chip, precision)) return [['power.idleW', p.idleW], ['power.maxW', p.maxW], overhead];
  return [
    ['power.maxW', p.maxW],
    ['power.staticW', p.staticW],
    [`power.joulesPerFlop.${precision}`, p.joulesPerFlop?.[precision]],
    ['power.joulesPerByteMemory', p.joulesPerByteMemory],
    ...(p.joulesPerByteLink === undefined ? [] : [['power.joulesPerByteLink', p.joulesPerByteLink] as [string, Sourced]]),
    overhead,
  ];
}

/** The status of a set of figures: `estimated` when any is, with each estimate and its rule. */
export interface FiguresStatus {
  readonly status: FigureStatus;
  readonly estimatedFigures: readonly EstimatedFigure[];
  /** One line naming the estimates, chip by chip; `null` when every figure is sourced. */
  readonly note: string | null;
}

/**
 * The status of each chip's `figures` (issue 12 §7): an `undefined` figure is an estimate whose rule
 * is `absent`. `what` names the figures in the note ("power figures", "price figures").
 */
export function figuresStatus(
  entries: readonly { readonly chip: ChipSpec; readonly figures: readonly [string, Sourced | undefined, string?][]; readonly why?: string }[],
  what: string,
): FiguresStatus {
  const estimated: EstimatedFigure[] = [];
  const parts: string[] = [];
  const seen = new Set<string>();
  for (const { chip, figures, why } of entries) {
    if (seen.has(chip.id)) continue;
    seen.add(chip.id);
    const mine = figures.flatMap(([figure, f, absent]): EstimatedFigure[] =>
      f === undefined ? [{ chip: chip.id, figure, rule: absent ?? 'absent: counted as 0' }] : figureStatus(f) === 'estimated' ? [{ chip: chip.id, figure, rule: f.source }] : [],
    );
    estimated.push(...mine);
    if (mine.length > 0) parts.push(`${chip.id}: ${mine.length} of ${figures.length} ${what} estimated (${mine.map((e) => e.figure).join(', ')})${why === undefined ? '' : `: ${why}`}`);
  }
  return {
    status: estimated.length === 0 ? 'sourced' : 'estimated',
    estimatedFigures: estimated,
    note: parts.length === 0 ? null : parts.join('; '),
  };
}

/** The draw of a powered chip doing no work: `P_static` with components, else `P_idle`. */
export function chipFloorW(chip: ChipSpec, precision: Precision): number {
  return hasComponentPower(chip, precision) ? chip.power.staticW!.value : chip.power.idleW.value;
}

/**
 * `chip` under a power cap of `capW` watts with its compute throttled to `computeScale` of its
 * peaks (docs/MODEL.md §10): every precision's `F(p)` × `computeScale`, `P_max` → `min(P_max, cap)`
 * (so any draw left above the cap is held at it). `estimateUnderPowerCap` picks the scale.
 *
 * @example
 * withPowerCap(h200, 450, 0.5).compute.peakDenseFlopsPerS.bf16?.value; // 989.5e12 × 0.5
 */
export function withPowerCap(chip: ChipSpec, capW: number, computeScale: number): ChipSpec {
  const maxW = chip.power.maxW.value;
  const peaks = Object.fromEntries(
    Object.entries(chip.compute.peakDenseFlopsPerS).map(([p, s]) => [
      p,
      computeScale === 1 ? s : { value: s!.value * computeScale, source: `${s!.source}; throttled to ${(computeScale * 100).toPrecision(3)}% by a ${capW} W power cap` },
    ]),
  );
  return {
    ...chip,
    compute: { ...chip.compute, peakDenseFlopsPerS: peaks },
    power: {
      ...chip.power,
      idleW: { ...chip.power.idleW, value: Math.min(chip.power.idleW.value, capW) },
      ...(chip.power.staticW === undefined ? {} : { staticW: { ...chip.power.staticW, value: Math.min(chip.power.staticW.value, capW) } }),
      maxW: capW < maxW ? { value: capW, source: `power cap ${capW} W (--power-cap), below the chip's ${maxW} W` } : chip.power.maxW,
    },
  };
}

/**
 * Estimates `config` with every chip capped at `capW` watts (`--power-cap`, docs/MODEL.md §10).
 * The configuration runs once uncapped; when a phase draws `P > cap` (the larger of the prefill and
 * decode draws), compute throttles: each precision's peak is scaled by
 * `s = (cap − P_floor)/(P − P_floor)` (P_floor = P_static, or P_idle for a chip without components)
 * and the configuration runs again, so the compute time of every compute-bound operator stretches by
 * `1/s`, the ratio of the phase's dynamic power over the cap's headroom. Memory bandwidth is not
 * throttled (decode keeps its speed under a cap), and a draw still above the cap is held at it.
 * Throws `RangeError` for a cap at or below the chip's floor.
 */
export function estimateUnderPowerCap(config: InferenceConfig, capW: number): InferenceResult {
  const chips = [config.chip, ...(config.disaggregation?.prefillChip === undefined ? [] : [config.disaggregation.prefillChip])];
  for (const chip of chips) {
    const floorW = chip.power.staticW?.value ?? chip.power.idleW.value;
    if (!(capW > floorW)) throw new RangeError(`power cap ${capW} W is at or below ${chip.name}'s static power ${floorW} W: the chip could do no work`);
  }
  const free = estimateInference(config);
  const capAll = (scale: number): InferenceConfig => ({
    ...config,
    chip: withPowerCap(config.chip, capW, scale),
    ...(config.disaggregation?.prefillChip === undefined
      ? {}
      : { disaggregation: { ...config.disaggregation, prefillChip: withPowerCap(config.disaggregation.prefillChip, capW, scale) } }),
  });
  if (!free.feasible) return estimateInference(capAll(1));
  const drawW = Math.max(free.energy.prefillChipW, free.energy.decodeChipW);
  if (drawW <= capW) return estimateInference(capAll(1));
  const floorW = Math.max(...chips.map((c) => c.power.staticW?.value ?? c.power.idleW.value));
  return estimateInference(capAll(Math.min(1, (capW - floorW) / (drawW - floorW))));
}

/**
 * The facility power provisioned for `chips` chips of `chip` (docs/MODEL.md §10):
 * `chips × (P_max + nodeOverheadW) × PUE`, in the order `energyFigures` sums it, so a one-pool
 * deployment's `energy.provisionedFacilityW` equals it to the last bit.
 *
 * @example
 * provisionedFacilityW(h100, 8, 1.2); // 8 × (700 + 575) × 1.2 = 12,240 W
 */
export function provisionedFacilityW(chip: ChipSpec, chips: number, pue: number): number {
  return chips * (chip.power.maxW.value + (chip.power.nodeOverheadW?.value ?? 0)) * pue;
}

/**
 * The facility power provisioned for a deployment of one or more pools (docs/MODEL.md §10):
 * `Σ chips × (P_max + nodeOverheadW)`, pool by pool in order, × PUE. `energyFigures` sums it so, so a
 * disaggregated replica's `energy.provisionedFacilityW` equals it to the last bit.
 *
 * @example
 * provisionedPoolsW([{ chip: b200, chips: 8 }, { chip: h200, chips: 16 }], 1.2);
 */
export function provisionedPoolsW(pools: readonly PowerPool[], pue: number): number {
  let systemMaxW = 0;
  for (const { chip, chips } of pools) systemMaxW += chips * (chip.power.maxW.value + (chip.power.nodeOverheadW?.value ?? 0));
  return systemMaxW * pue;
}

/** Node and facility energy of a deployment (docs/MODEL.md §10): `result.energy`. */
export interface EnergyFigures {
  /** A chip's average draw over the serving cycle (= `powerPerChipW`), W. */
  readonly chipW: number;
  /** A chip's draw in decode (static: the decode step; continuous: the iteration; disaggregated: a decode chip), W. */
  readonly decodeChipW: number;
  /** A chip's draw in prefill (static: the prefill pass; continuous: the iteration; disaggregated: a prefill chip while busy), W. */
  readonly prefillChipW: number;
  /** Chip energy per output token (= `energyPerTokenJ`), J. */
  readonly chipJPerOutputToken: number;
  /** Chips plus their share of host, NIC and switch power (`power.nodeOverheadW`), per output token, J. */
  readonly nodeJPerOutputToken: number;
  /** Node energy × PUE, per output token, J. */
  readonly facilityJPerOutputToken: number;
  /** The deployment's average facility draw: (chips·chipW + Σ nodeOverheadW)·PUE, W. */
  readonly facilityW: number;
  /** chips × (P_max + nodeOverheadW) × PUE: the power the facility provisions for the deployment, W. */
  readonly provisionedFacilityW: number;
  /** Output tokens/s ÷ (provisionedFacilityW / 1e6): InferenceX's tokens per provisioned megawatt. */
  readonly tokensPerSPerProvisionedMW: number;
  readonly pue: number;
  /**
   * How the chips' draw was computed: `components` (docs/MODEL.md §10), `interpolated` (P_idle to
   * P_max by utilisation, a chip without component figures), or `mixed` (a disaggregated deployment
   * whose pools differ).
   */
  readonly powerModel: 'components' | 'interpolated' | 'mixed';
  /** Σ nodeOverheadW over the deployment's chips, W (0 for chips without it). */
  readonly nodeOverheadW: number;
  /**
   * `decodeChipW` split into static, compute (FLOPs), memory (bytes) and link power, W; `null` when
   * the decode chip draws by interpolation. In decode's energy per token the shares are the same.
   */
  readonly decodeChipWByComponent: PowerComponentsW | null;
  /** `sourced` when every power figure behind these figures is; `estimated` when any is (issue 12 §7). */
  readonly status: FigureStatus;
  /** Each estimated power figure with its chip and the rule its source states (`hardware show` prints it too). */
  readonly estimatedFigures: readonly EstimatedFigure[];
  /** One line naming the estimated power figures chip by chip, `null` when all are sourced. */
  readonly statusNote: string | null;
}

function powerModelOf(components: readonly boolean[]): EnergyFigures['powerModel'] {
  if (components.every(Boolean)) return 'components';
  return components.some(Boolean) ? 'mixed' : 'interpolated';
}

/** One pool of identical chips in a deployment. */
export interface PowerPool {
  readonly chip: ChipSpec;
  readonly chips: number;
}

/**
 * Node and facility figures from the chip figures (docs/MODEL.md §10). Host, NIC and switch power
 * is charged at its share of the system's maximum whatever the load; the facility multiplies by PUE.
 */
export function energyFigures(
  precision: Precision,
  pools: readonly PowerPool[],
  figures: {
    readonly chipW: number;
    readonly decodeChipW: number;
    readonly prefillChipW: number;
    readonly chipJPerOutputToken: number;
    readonly tokensPerS: number;
    readonly decodeChipWByComponent?: PowerComponentsW | null;
  },
  pue: number,
): EnergyFigures {
  let chips = 0;
  let overheadW = 0;
  for (const { chip, chips: n } of pools) {
    chips += n;
    overheadW += n * (chip.power.nodeOverheadW?.value ?? 0);
  }
  const nodeW = chips * figures.chipW + overheadW;
  const provisionedFacilityW = provisionedPoolsW(pools, pue);
  return {
    chipW: figures.chipW,
    decodeChipW: figures.decodeChipW,
    prefillChipW: figures.prefillChipW,
    chipJPerOutputToken: figures.chipJPerOutputToken,
    nodeJPerOutputToken: nodeW / figures.tokensPerS,
    facilityJPerOutputToken: (nodeW * pue) / figures.tokensPerS,
    facilityW: nodeW * pue,
    provisionedFacilityW,
    tokensPerSPerProvisionedMW: figures.tokensPerS / (provisionedFacilityW / 1e6),
    pue,
    powerModel: powerModelOf(pools.map(({ chip }) => hasComponentPower(chip, precision))),
    nodeOverheadW: overheadW,
    decodeChipWByComponent: figures.decodeChipWByComponent ?? null,
    ...energyStatus(precision, pools),
  };
}

/** The status of the power figures behind a deployment's energy (issue 12 §7). */
function energyStatus(precision: Precision, pools: readonly PowerPool[]): { status: FigureStatus; estimatedFigures: readonly EstimatedFigure[]; statusNote: string | null } {
  const { status, estimatedFigures, note } = figuresStatus(
    pools.map(({ chip }) => ({ chip, figures: powerFiguresOf(chip, precision).map(([path, f]): [string, Sourced | undefined, string] => [path, f, 'absent: counted as 0 W (the plugin gives no host share)']) })),
    'power figures',
  );
  return { status, estimatedFigures, statusNote: note };
}

import type { ChipSpec, Precision } from '@ridgeline/hardware';

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

/** The draw of a powered chip doing no work: `P_static` with components, else `P_idle`. */
export function chipFloorW(chip: ChipSpec, precision: Precision): number {
  return hasComponentPower(chip, precision) ? chip.power.staticW!.value : chip.power.idleW.value;
}

/**
 * `chip` under a power cap of `capW` watts (`--power-cap`, docs/MODEL.md §10): its maximum power
 * becomes `min(P_max, cap)` and the compute it can sustain is throttled so that a compute-bound
 * matmul fits the cap. Each precision's peak `F(p)` is scaled by `min(1, (cap − P_floor)/(P_max − P_floor))`
 * (the fraction of its dynamic range the cap leaves; `P_floor` is P_static with components, else
 * P_idle): the compute time of every operator stretches by the ratio of the chip's full dynamic power
 * over the cap's headroom. Memory bandwidth is not throttled (decode keeps its speed under a cap,
 * as measured power-capped GPUs do), and any draw still above the cap is held at it.
 * A cap at or above P_max changes nothing.
 *
 * @example
 * withPowerCap(h200, 450).compute.peakDenseFlopsPerS.bf16.value; // 989e12 × (450 − 80)/(700 − 80)
 */
export function withPowerCap(chip: ChipSpec, capW: number): ChipSpec {
  const maxW = chip.power.maxW.value;
  if (!(capW < maxW)) return chip;
  const floorW = chip.power.staticW?.value ?? chip.power.idleW.value;
  const scale = Math.max(0, Math.min(1, (capW - floorW) / (maxW - floorW)));
  if (!(scale > 0)) throw new RangeError(`power cap ${capW} W is at or below ${chip.name}'s static power ${floorW} W: the chip could do no work`);
  const peaks = Object.fromEntries(
    Object.entries(chip.compute.peakDenseFlopsPerS).map(([p, s]) => [p, { value: s!.value * scale, source: `${s!.source}; throttled to ${(scale * 100).toFixed(1)}% by a ${capW} W power cap` }]),
  );
  return {
    ...chip,
    compute: { ...chip.compute, peakDenseFlopsPerS: peaks },
    power: {
      ...chip.power,
      idleW: { ...chip.power.idleW, value: Math.min(chip.power.idleW.value, capW) },
      maxW: { value: capW, source: `power cap ${capW} W (--power-cap), below the chip's ${maxW} W` },
    },
  };
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
  /** Σ nodeOverheadW over the deployment's chips, W (0 for chips without it). */
  readonly nodeOverheadW: number;
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
  pools: readonly PowerPool[],
  figures: { readonly chipW: number; readonly decodeChipW: number; readonly prefillChipW: number; readonly chipJPerOutputToken: number; readonly tokensPerS: number },
  pue: number,
): EnergyFigures {
  let chips = 0;
  let overheadW = 0;
  let systemMaxW = 0;
  for (const { chip, chips: n } of pools) {
    const overhead = chip.power.nodeOverheadW?.value ?? 0;
    chips += n;
    overheadW += n * overhead;
    systemMaxW += n * (chip.power.maxW.value + overhead);
  }
  const nodeW = chips * figures.chipW + overheadW;
  const provisionedFacilityW = systemMaxW * pue;
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
    nodeOverheadW: overheadW,
  };
}

import type { ChipSpec, Precision, Sourced } from './types.ts';

// Estimated component-power coefficients (docs/MODEL.md §10) for a chip whose static power, energy
// per FLOP and energy per byte nobody has measured: each figure is labelled `estimate:` with the
// rule that gives it, never passed off as sourced. Only the H100 and H200 carry measured or derived
// figures of their own.

/** e_mem of HBM: 7 pJ/bit × 8 = 5.6e-11 J/byte, the low end of HBM3E's 7–9 pJ/bit (the figure H100/H200 use). */
export const HBM_JOULES_PER_BYTE_ESTIMATE = 5.6e-11;

/**
 * The share of its dynamic range (P_max − P_static) an H200 draws streaming its HBM at peak
 * bandwidth: 5.6e-11 J/byte × 4.8e12 B/s / (700 − 80) W = 0.4335. The rule for the energy per byte
 * of an SRAM-only chip, which no pJ/bit figure covers.
 */
export const H200_MEMORY_SHARE_OF_DYNAMIC_RANGE: number = (5.6e-11 * 4.8e12) / (700 - 80);

/**
 * `chip` with estimated component power where its plugin gives none (docs/MODEL.md §10), each
 * figure's source starting `estimate:` and stating its rule:
 * - `P_static` = the chip's idle figure (`power.idleW`, itself an estimate for every chip but the H200);
 * - `e_flop(p) = (P_max − P_static)/F(p)` at each listed precision but fp32 (the Hopper rule: the
 *   dynamic range spent at the dense peak; a lower bound);
 * - `e_mem` = 5.6e-11 J/byte for HBM (HBM3E's low end, as H100/H200; a lower bound for older HBM),
 *   and for SRAM `0.4335 × (P_max − P_static)/β_mem` (streaming at peak draws the H200's share of
 *   the dynamic range);
 * - `nodeOverheadW` as given (labelled by the caller), unless the plugin gives one.
 * Figures the plugin already gives are kept.
 *
 * @example
 * withEstimatedPower(a100, { value: 412.5, source: 'estimate: …' }).power.staticW?.value; // 40, the idle estimate
 */
export function withEstimatedPower(chip: ChipSpec, nodeOverheadW?: Sourced): ChipSpec {
  const p = chip.power;
  const staticW: Sourced = p.staticW ?? {
    value: p.idleW.value,
    source: `estimate: P_static taken as the chip's idle figure, ${p.idleW.value} W (power.idleW: ${p.idleW.source})`,
  };
  const range = p.maxW.value - staticW.value;
  const joulesPerFlop: Partial<Record<Precision, Sourced>> = { ...(p.joulesPerFlop ?? {}) };
  for (const [precision, peak] of Object.entries(chip.compute.peakDenseFlopsPerS) as [Precision, Sourced | undefined][]) {
    if (precision === 'fp32' || peak === undefined || joulesPerFlop[precision] !== undefined) continue;
    joulesPerFlop[precision] = {
      value: range / peak.value,
      source: `estimate: (P_max − P_static)/F(${precision}) = (${p.maxW.value} − ${staticW.value}) W / ${peak.value.toExponential(4)} FLOP/s, the H100/H200 rule (the dynamic range spent at the dense peak; a lower bound); no energy-per-FLOP measurement of this chip`,
    };
  }
  const bandwidth = chip.memory.bandwidthBytesPerS.value;
  const joulesPerByteMemory: Sourced =
    p.joulesPerByteMemory ??
    (chip.memory.kind === 'sram'
      ? {
          value: (H200_MEMORY_SHARE_OF_DYNAMIC_RANGE * range) / bandwidth,
          source: `estimate: ${H200_MEMORY_SHARE_OF_DYNAMIC_RANGE.toFixed(4)} × (P_max − P_static)/β_mem = ${H200_MEMORY_SHARE_OF_DYNAMIC_RANGE.toFixed(4)} × ${range} W / ${bandwidth.toExponential(3)} B/s: streaming its SRAM at peak draws the share of its dynamic range an H200 draws streaming HBM (5.6e-11 J/byte × 4.8e12 B/s / 620 W); no SRAM energy-per-byte figure published for this chip`,
        }
      : {
          value: HBM_JOULES_PER_BYTE_ESTIMATE,
          source: 'estimate: 7 pJ/bit × 8 = 5.6e-11 J/byte, the low end of HBM3E\'s 7–9 pJ/bit (patsnap eureka, "HBM4 Energy Metrics", Sep 2025), as H100/H200 use; a lower bound for older HBM generations; no measurement of this chip',
        });
  const overhead = p.nodeOverheadW ?? nodeOverheadW;
  return {
    ...chip,
    power: { ...p, staticW, joulesPerFlop, joulesPerByteMemory, ...(overhead === undefined ? {} : { nodeOverheadW: overhead }) },
  };
}

/** GB200 NVL72's system share: (120 kW / 72 − 1,200 W) / 1,200 W = 0.389 of the GPU's P_max, the leanest published here. */
export const RACK_SCALE_OVERHEAD_SHARE: number = (120_000 / 72 - 1200) / 1200;

/**
 * `nodeOverheadW` of a rack-scale accelerator whose system maximum is unpublished (TPU, LPU):
 * `0.389 × P_max`, the share of P_max that GB200 NVL72's rack adds per GPU for host CPUs, NICs,
 * switches and conversion (~120 kW / 72 − 1,200 W = 467 W), labelled an estimate with that rule.
 *
 * @example
 * rackScaleNodeOverheadW(400, 'TPU v6e hosts'); // { value: 155.6, source: 'estimate: 0.389 × P_max …' }
 */
export function rackScaleNodeOverheadW(maxW: number, system: string): Sourced {
  return {
    value: RACK_SCALE_OVERHEAD_SHARE * maxW,
    source: `estimate: ${RACK_SCALE_OVERHEAD_SHARE.toFixed(3)} × P_max = ${RACK_SCALE_OVERHEAD_SHARE.toFixed(3)} × ${maxW} W, the share of P_max GB200 NVL72's rack adds per GPU (~120 kW / 72 − 1,200 W = 467 W of host, NIC, switch and conversion power), applied to ${system}: no system maximum is published for it`,
  };
}

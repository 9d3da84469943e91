/**
 * The range every number of a chip may take (docs/MODEL.md §1.5, with the model's and workload's
 * limits). These are physical bounds with a wide margin around every real chip, not plausibility
 * checks: they reject what no chip can be (a subnormal bandwidth, 1e308 FLOP/s, an efficiency of
 * 1e-300) because such figures turn results into ∞ or NaN, while a figure merely unlike known chips
 * (4 B/s of memory bandwidth, a slip of units) is valid and flagged by `ridgeline plugin check`.
 *
 * `min` applies to figures other than 0 where a field allows 0 (latencies, idle power, price).
 * With every figure at a limit and every model and workload field at its own, results stay finite.
 */
export interface FigureLimit {
  readonly min: number;
  readonly max: number;
}

/** The figures `CHIP_LIMITS` bounds, each as `FigureLimit`. */
export interface ChipLimits {
  readonly flopsPerS: FigureLimit;
  readonly memoryCapacityBytes: FigureLimit;
  readonly memoryBandwidthBytesPerS: FigureLimit;
  readonly linkBandwidthBytesPerS: FigureLimit;
  readonly domainSize: FigureLimit;
  readonly latencyS: FigureLimit;
  readonly requestOverheadS: FigureLimit;
  readonly powerW: FigureLimit;
  readonly joulesPerFlop: FigureLimit;
  readonly joulesPerByte: FigureLimit;
  readonly usdPerChipHour: FigureLimit;
  readonly capitalUsd: FigureLimit;
  readonly fraction: FigureLimit;
  readonly curveX: FigureLimit;
}

/**
 * @example
 * CHIP_LIMITS.memoryBandwidthBytesPerS.max; // 1e18
 */
export const CHIP_LIMITS: ChipLimits = {
  /** 1 FLOP/s to 1e18 (1 EFLOP/s dense, 70× the fastest chip's FP4, 1.5e16). */
  flopsPerS: { min: 1, max: 1e18 },
  /** 1 byte to 1e16 (10 PB, 30,000× the largest HBM today, 288 GB; room for wafer-scale and pooled memory). */
  memoryCapacityBytes: { min: 1, max: 1e16 },
  /** 1 B/s to 1e18 (1 EB/s, 50× a wafer-scale chip's 2.1e16 SRAM bandwidth). */
  memoryBandwidthBytesPerS: { min: 1, max: 1e18 },
  /** Scale-up and scale-out link bandwidth per chip: 1 B/s to 1e16 (10 PB/s, 10,000× NVLink 5's 9e11 per direction). */
  linkBandwidthBytesPerS: { min: 1, max: 1e16 },
  /** Chips in one scale-up domain: up to 2^24, the workload's limit on chips. */
  domainSize: { min: 1, max: 16_777_216 },
  /** Latencies and the per-layer overhead: 1 ps (light crosses 0.3 mm) to 1 s (10⁵× a network hop). */
  latencyS: { min: 1e-12, max: 1 },
  /** A serving stack's fixed time per request (t_req): 1 ns to 60 s (measured stacks: ~0.1 s). */
  requestOverheadS: { min: 1e-9, max: 60 },
  /** Power: 1 mW to 1 MW per chip (a whole 72-GPU rack draws 0.12 MW). */
  powerW: { min: 1e-3, max: 1e6 },
  /** Energy per FLOP: 1e-18 to 1e-6 J (a 2025 tensor core spends ~1e-12 J, 0.3–1 pJ). */
  joulesPerFlop: { min: 1e-18, max: 1e-6 },
  /** Energy per byte of memory traffic: 1e-15 to 1e-6 J (HBM3E ~5.6e-11 J, 7 pJ/bit). */
  joulesPerByte: { min: 1e-15, max: 1e-6 },
  /** Price: 1e-6 to 1e6 USD per chip-hour (today's list prices are 1–10 USD). */
  usdPerChipHour: { min: 1e-6, max: 1e6 },
  /** Capital: 1 to 1e9 USD per chip (a 2026 GPU module costs 2–6 × 10⁴ USD). */
  capitalUsd: { min: 1, max: 1e9 },
  /** Fractions (usable memory, efficiencies): at least 1e-4, so that work ÷ (peak · η) stays finite. */
  fraction: { min: 1e-4, max: 1 },
  /** A curve's x: arithmetic intensity in FLOP/byte or a message size in bytes, up to 1e18. */
  curveX: { min: 0, max: 1e18 },
};

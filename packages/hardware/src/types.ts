/**
 * The hardware-plugin contract. A plugin is plain, serialisable data: no functions, no classes,
 * so it can be validated, shipped as JSON, and flattened into typed arrays for the WASM engine.
 *
 * Units are SI throughout: bytes, seconds, FLOP/s, bytes/s, watts, USD. Every number a plugin
 * states carries a `source` (datasheet, paper, vendor page, or "fit: …" for fitted efficiencies).
 */

/** The plugin API version this package implements. Plugins declare it in `apiVersion`. */
export const HARDWARE_API_VERSION = 1 as const;

/** Numeric precisions, with their storage size in `PRECISION_BYTES`. */
export const PRECISIONS = ['fp32', 'bf16', 'fp16', 'fp8', 'int8', 'fp4', 'int4'] as const;
export type Precision = (typeof PRECISIONS)[number];

/** Bytes per element for each precision (MODEL.md §1.2). */
export const PRECISION_BYTES: Readonly<Record<Precision, number>> = {
  fp32: 4,
  bf16: 2,
  fp16: 2,
  fp8: 1,
  int8: 1,
  fp4: 0.5,
  int4: 0.5,
};

/** Scale-up topologies understood by the collective model (MODEL.md §3). */
export const TOPOLOGIES = ['switch', 'ring', 'torus1d', 'torus2d', 'torus3d'] as const;
export type Topology = (typeof TOPOLOGIES)[number];

export const CHIP_KINDS = ['gpu', 'tpu', 'lpu', 'other'] as const;
export type ChipKind = (typeof CHIP_KINDS)[number];

export const MEMORY_KINDS = ['hbm', 'sram', 'gddr', 'lpddr'] as const;
export type MemoryKind = (typeof MEMORY_KINDS)[number];

/** A number with the place it comes from. */
export interface Sourced {
  readonly value: number;
  /** Where the number comes from: datasheet and section, paper and table, or "fit: …" with the rows fitted. */
  readonly source: string;
}

/**
 * An efficiency (fraction of peak, in (0, 1]) as a constant or as a piecewise-linear curve.
 * A curve is a list of `[x, efficiency]` points with increasing x, evaluated with linear
 * interpolation and clamped to the end points outside their range. `over` says what x is:
 * arithmetic intensity in FLOP/byte (for `flop` and `memory`), or message size in bytes (for `network`).
 */
export type Efficiency =
  | { readonly value: number; readonly source: string }
  | {
      readonly curve: ReadonlyArray<readonly [number, number]>;
      readonly over: 'arithmeticIntensity' | 'messageBytes';
      readonly source: string;
    };

export interface ChipCompute {
  /** Peak dense (not 2:4-sparse) FLOP/s per operand precision. Missing precisions are unsupported. */
  readonly peakDenseFlopsPerS: Readonly<Partial<Record<Precision, Sourced>>>;
}

export interface ChipMemory {
  /** `sram` for SRAM-only chips (e.g. Groq LPU): capacity and bandwidth are the SRAM's. */
  readonly kind: MemoryKind;
  readonly capacityBytes: Sourced;
  readonly bandwidthBytesPerS: Sourced;
  /** Fraction of capacity usable for weights + KV + activations (the rest is runtime reserve). */
  readonly usableFraction: Sourced;
}

export interface ScaleUpLink {
  /** Per chip, one direction, summed over all its scale-up links (datasheets often quote both directions: halve them). */
  readonly bandwidthBytesPerS: Sourced;
  /** Largest number of chips in one scale-up domain (NVLink domain, ICI slice/pod, …). */
  readonly domainSize: Sourced;
  readonly topology: Topology;
  /** Per-hop latency α, seconds. */
  readonly hopLatencyS: Sourced;
  /** Optional fixed latency of one collective inside the domain; replaces the per-hop sum when given. */
  readonly collectiveLatencyS?: Sourced;
}

export interface ScaleOutLink {
  /** Per chip, one direction (e.g. one 400 Gb/s NIC per GPU = 50e9 B/s). */
  readonly bandwidthBytesPerS: Sourced;
  readonly hopLatencyS: Sourced;
}

export interface ChipPower {
  readonly idleW: Sourced;
  readonly maxW: Sourced;
}

export interface ChipPrice {
  /** On-demand list price of one chip for one hour, USD. Users may override it. */
  readonly usdPerChipHour: Sourced;
  /** The date the price was read, ISO `YYYY-MM-DD`. */
  readonly asOf: string;
}

export interface ChipEfficiency {
  /** η_flop: achievable fraction of peak FLOP/s for large matmuls. */
  readonly flop: Efficiency;
  /** η_mem: achievable fraction of peak memory bandwidth. */
  readonly memory: Efficiency;
  /** η_net: achievable fraction of link bandwidth for collectives. */
  readonly network: Efficiency;
  /** t_layer: fixed per-layer overhead (kernel launch, synchronisation), seconds. */
  readonly layerOverheadS: Sourced;
}

/** One chip, as a plugin describes it. */
export interface ChipSpec {
  /** Stable kebab-case id used on the command line, e.g. `h100-sxm`. */
  readonly id: string;
  /** Human-readable name, e.g. `NVIDIA H100 SXM5 80GB`. */
  readonly name: string;
  readonly vendor: string;
  readonly kind: ChipKind;
  /** Other names users type (`h100`, `trillium`). */
  readonly aliases?: readonly string[];
  readonly compute: ChipCompute;
  readonly memory: ChipMemory;
  readonly scaleUp: ScaleUpLink;
  readonly scaleOut: ScaleOutLink;
  readonly power: ChipPower;
  readonly price: ChipPrice;
  readonly efficiency: ChipEfficiency;
  /** Free-form caveats a reader should know (e.g. "FP8 figures are dense, sparse halved"). */
  readonly notes?: string;
}

/** A hardware plugin: a versioned, named bundle of chips. */
export interface HardwarePlugin {
  /** Must equal `HARDWARE_API_VERSION`; checked before anything else. */
  readonly apiVersion: typeof HARDWARE_API_VERSION;
  readonly meta: { readonly name: string; readonly version: string };
  readonly chips: readonly ChipSpec[];
}

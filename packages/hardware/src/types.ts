/**
 * The hardware-plugin contract. A plugin is plain, serialisable data: no functions, no classes,
 * so it can be validated, shipped as JSON, and flattened into typed arrays for the WASM engine.
 *
 * Units are SI throughout: bytes, seconds, FLOP/s, bytes/s, watts, USD. Every number a plugin
 * states carries a `source` (datasheet, paper, vendor page, or "fit: …" for fitted efficiencies).
 */

/**
 * The plugin API version this package implements. Plugins declare it in `apiVersion`. Version 2
 * added calibration status, efficiency profiles, η_flop per precision, the MTP acceptance and
 * t_req (docs/writing-a-hardware-plugin.md, "Migrating from apiVersion 1").
 *
 * @example
 * defineHardware({ apiVersion: HARDWARE_API_VERSION, meta, chips });
 */
export const HARDWARE_API_VERSION = 2 as const;

/**
 * The plugin API versions this package reads. Version 2 only added optional fields, so every
 * version 1 plugin is read as it is; its efficiencies count as datasheet values (no calibration).
 *
 * @example
 * SUPPORTED_API_VERSIONS.includes(plugin.apiVersion); // true for 1 and 2
 */
export const SUPPORTED_API_VERSIONS = [1, 2] as const;

/**
 * One of `SUPPORTED_API_VERSIONS`.
 *
 * @example
 * const version: HardwareApiVersion = 2;
 */
export type HardwareApiVersion = (typeof SUPPORTED_API_VERSIONS)[number];

/**
 * Numeric precisions, with their storage size in `PRECISION_BYTES`.
 *
 * @example
 * PRECISIONS.includes('fp8'); // true
 */
export const PRECISIONS = ['fp32', 'bf16', 'fp16', 'fp8', 'int8', 'fp4', 'int4'] as const;
/**
 * One of `PRECISIONS`.
 *
 * @example
 * const weights: Precision = 'fp8';
 */
export type Precision = (typeof PRECISIONS)[number];

/**
 * Bytes per element for each precision (MODEL.md §1.2).
 *
 * @example
 * 70e9 * PRECISION_BYTES.fp8; // 70e9 bytes of fp8 weights
 */
export const PRECISION_BYTES: Readonly<Record<Precision, number>> = {
  fp32: 4,
  bf16: 2,
  fp16: 2,
  fp8: 1,
  int8: 1,
  fp4: 0.5,
  int4: 0.5,
};

/**
 * Scale-up topologies understood by the collective model (MODEL.md §3).
 *
 * @example
 * TOPOLOGIES.includes('torus3d'); // true
 */
export const TOPOLOGIES = ['switch', 'ring', 'torus1d', 'torus2d', 'torus3d'] as const;
/**
 * One of `TOPOLOGIES`: `switch` for an NVSwitch-style all-to-all domain, `torusKd` for ICI-style meshes.
 *
 * @example
 * const nvlink: Topology = 'switch';
 */
export type Topology = (typeof TOPOLOGIES)[number];

/**
 * Kinds of chip.
 *
 * @example
 * CHIP_KINDS.includes('lpu'); // true
 */
export const CHIP_KINDS = ['gpu', 'tpu', 'lpu', 'other'] as const;
/**
 * One of `CHIP_KINDS`.
 *
 * @example
 * const kind: ChipKind = 'gpu';
 */
export type ChipKind = (typeof CHIP_KINDS)[number];

/**
 * Whether a chip can be bought or rented: `shipping`, or `announced` (announced, not yet shipping).
 *
 * @example
 * AVAILABILITIES.includes('announced'); // true
 */
export const AVAILABILITIES = ['shipping', 'announced'] as const;
/**
 * One of `AVAILABILITIES`.
 *
 * @example
 * const availability: Availability = 'announced';
 */
export type Availability = (typeof AVAILABILITIES)[number];

/**
 * Kinds of main memory.
 *
 * @example
 * MEMORY_KINDS.includes('sram'); // true
 */
export const MEMORY_KINDS = ['hbm', 'sram', 'gddr', 'lpddr'] as const;
/**
 * One of `MEMORY_KINDS`.
 *
 * @example
 * const memory: MemoryKind = 'hbm';
 */
export type MemoryKind = (typeof MEMORY_KINDS)[number];

/**
 * A number with the place it comes from.
 *
 * @example
 * const bandwidth: Sourced = { value: 3.35e12, source: 'NVIDIA H100 datasheet, SXM, GPU memory bandwidth' };
 */
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
 *
 * @example
 * const constant: Efficiency = { value: 0.8, source: 'fit: STREAM copy, 4 runs' };
 * const curve: Efficiency = { curve: [[1, 0.1], [100, 0.6], [300, 0.75]], over: 'arithmeticIntensity', source: 'fit: GEMM sweep' };
 */
export type Efficiency =
  | { readonly value: number; readonly source: string }
  | {
      readonly curve: ReadonlyArray<readonly [number, number]>;
      readonly over: 'arithmeticIntensity' | 'messageBytes';
      readonly source: string;
    };

/**
 * What a chip computes.
 *
 * @example
 * const compute: ChipCompute = { peakDenseFlopsPerS: { bf16: { value: 989e12, source: 'datasheet' } } };
 */
export interface ChipCompute {
  /** Peak dense (not 2:4-sparse) FLOP/s per operand precision. Missing precisions are unsupported. */
  readonly peakDenseFlopsPerS: Readonly<Partial<Record<Precision, Sourced>>>;
}

/**
 * A chip's main memory.
 *
 * @example
 * const memory: ChipMemory = {
 *   kind: 'hbm',
 *   capacityBytes: { value: 80e9, source: 'datasheet' },
 *   bandwidthBytesPerS: { value: 3.35e12, source: 'datasheet' },
 *   usableFraction: { value: 0.9, source: 'runtime reserve, measured' },
 * };
 */
export interface ChipMemory {
  /** `sram` for SRAM-only chips (e.g. Groq LPU): capacity and bandwidth are the SRAM's. */
  readonly kind: MemoryKind;
  readonly capacityBytes: Sourced;
  readonly bandwidthBytesPerS: Sourced;
  /** Fraction of capacity usable for weights + KV + activations (the rest is runtime reserve). */
  readonly usableFraction: Sourced;
}

/**
 * The fast domain a chip belongs to (NVLink, ICI, …).
 *
 * @example
 * const scaleUp: ScaleUpLink = {
 *   bandwidthBytesPerS: { value: 450e9, source: 'NVLink 4: 900 GB/s bidirectional, halved' },
 *   domainSize: { value: 8, source: 'HGX H100 8-GPU' },
 *   topology: 'switch',
 *   hopLatencyS: { value: 1e-6, source: 'estimate' },
 * };
 */
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

/**
 * The network between scale-up domains.
 *
 * @example
 * const scaleOut: ScaleOutLink = {
 *   bandwidthBytesPerS: { value: 50e9, source: 'one 400 Gb/s NIC per GPU' },
 *   hopLatencyS: { value: 5e-6, source: 'estimate' },
 * };
 */
export interface ScaleOutLink {
  /** Per chip, one direction (e.g. one 400 Gb/s NIC per GPU = 50e9 B/s). */
  readonly bandwidthBytesPerS: Sourced;
  readonly hopLatencyS: Sourced;
}

/**
 * Power draw of one chip, watts.
 *
 * @example
 * const power: ChipPower = { idleW: { value: 100, source: 'estimate' }, maxW: { value: 700, source: 'datasheet, max TDP' } };
 */
export interface ChipPower {
  readonly idleW: Sourced;
  readonly maxW: Sourced;
  // The component power model (docs/MODEL.md §10), all optional: a chip with `staticW`,
  // `joulesPerByteMemory` and `joulesPerFlop` at the configuration's compute precision draws
  // min(P_max, P_static + e_flop(p)·FLOP/s + e_mem·bytes/s); otherwise the interpolation
  // P_idle + (P_max − P_idle)·u by the busier of its compute and memory utilisations.
  /** P_static: the draw of a powered chip doing no work (leakage, clocks, HBM refresh), W. */
  readonly staticW?: Sourced;
  /** e_flop(p): joules per FLOP of its matmuls at each compute precision. */
  readonly joulesPerFlop?: Readonly<Partial<Record<Precision, Sourced>>>;
  /** e_mem: joules per byte moved to or from HBM (SRAM for SRAM-only chips). */
  readonly joulesPerByteMemory?: Sourced;
  /**
   * e_link: joules per byte over the scale-up links. The model counts a chip's link bytes as the
   * time its collectives run × its scale-up bandwidth. 0 when absent.
   */
  readonly joulesPerByteLink?: Sourced;
  /**
   * The chip's share of its system's power beyond the chip (host CPUs, memory, NICs, switches,
   * fans, power conversion) at the system's published maximum: system W / chips − P_max. 0 when absent.
   */
  readonly nodeOverheadW?: Sourced;
}

/**
 * What one chip costs to rent.
 *
 * @example
 * const price: ChipPrice = { usdPerChipHour: { value: 2.5, source: 'cloud list price' }, asOf: '2025-06-01' };
 */
export interface ChipPrice {
  /** On-demand list price of one chip for one hour, USD. Users may override it. */
  readonly usdPerChipHour: Sourced;
  /** The date the price was read, ISO `YYYY-MM-DD`. */
  readonly asOf: string;
  /**
   * Purchase price of one chip (the GPU module or card), USD: the capital of `--price-basis tco`.
   * For a rack sold whole (NVL72) the rack price ÷ its chips, with `systemCapitalUsdPerChip` 0.
   */
  readonly capitalUsd?: Sourced;
  /** The chip's share of its system's purchase price beyond the chip (host, NICs, switches), USD. */
  readonly systemCapitalUsdPerChip?: Sourced;
  /** The date the capital costs were read, ISO `YYYY-MM-DD` (required with `capitalUsd`). */
  readonly capitalAsOf?: string;
}

/**
 * How a chip's efficiencies were obtained, in the order of trust: `fitted` to published
 * measurements of this chip (`pnpm validate --fit`), `transferred` from a fitted chip of the same
 * architecture and software stack by a stated rule, or `datasheet`: starting values from
 * microbenchmarks or assumptions, not fitted to serving or training measurements (docs/MODEL.md §9).
 *
 * @example
 * CALIBRATION_STATUSES.includes('transferred'); // true
 */
export const CALIBRATION_STATUSES = ['fitted', 'transferred', 'datasheet'] as const;

/**
 * How an out-of-sample error was measured (`CalibrationStatus.outOfSampleError.method`):
 * `leave-one-curve-out`, the efficiencies fitted on all but one curve of their own rows at a time;
 * `another-fit`, the rows predicted by a fit that never saw them (the chip's profile of another
 * stack, or another chip's by the transfer rule), a stand-in where nothing of their own can be left out.
 *
 * @example
 * ERROR_METHODS.includes('another-fit'); // true
 */
export const ERROR_METHODS = ['leave-one-curve-out', 'another-fit'] as const;

/**
 * One of `CALIBRATION_STATUSES`.
 *
 * @example
 * const status: CalibrationStatusKind = 'fitted';
 */
export type CalibrationStatusKind = (typeof CALIBRATION_STATUSES)[number];

/**
 * The calibration status of a chip's efficiencies, shown wherever its numbers are: what they were
 * fitted on (rows), transferred from (chip and rule), or what they are; and the error measured on
 * rows they were not fitted to. Computed by `pnpm validate` and committed with the plugin, never at
 * estimate time.
 *
 * @example
 * const calibration: CalibrationStatus = {
 *   status: 'datasheet',
 *   basis: 'achievable-matmul benchmarks and near-peak memory bandwidth; not fitted to serving measurements',
 *   outOfSampleError: { throughput: 1.263, interactivity: 1.003, on: 'InferenceX DeepSeek-R1, 381 rows (pnpm validate, 2026-12-04)' },
 * };
 */
export interface CalibrationStatus {
  readonly status: CalibrationStatusKind;
  /** fitted: the rows; transferred: the source chip and the rule; datasheet: what the values are. */
  readonly basis: string;
  /**
   * Median |error| (fractions) of throughput per chip and tokens/s per user on measurements these
   * efficiencies were not fitted to, and which measurements; absent when none exist.
   */
  readonly outOfSampleError?: {
    readonly throughput: number;
    readonly interactivity: number;
    /** Median |error| of time to first token, where measured. */
    readonly ttft?: number;
    readonly on: string;
    /**
     * How it was measured (`ERROR_METHODS`); absent means `leave-one-curve-out`. A chip's default
     * profile is the fitted one of least error, those measured by `another-fit` ranking after the rest.
     */
    readonly method?: (typeof ERROR_METHODS)[number];
  };
}

/**
 * How far below the roofline a chip runs (MODEL.md §1.4).
 *
 * @example
 * const efficiency: ChipEfficiency = {
 *   flop: { value: 0.7, source: 'fit: GEMM sweep' },
 *   memory: { value: 0.8, source: 'fit: STREAM copy' },
 *   network: { value: 0.75, source: 'fit: nccl-tests all_reduce' },
 *   layerOverheadS: { value: 5e-6, source: 'fit: decode steps' },
 * };
 */
export interface ChipEfficiency {
  /** η_flop: achievable fraction of peak FLOP/s for large matmuls; the fallback of `flopByPrecision`. */
  readonly flop: Efficiency;
  /**
   * η_flop per compute precision (the wider of the weights' and activations' precisions), where
   * it differs: FP8 and FP4 kernels seldom reach the fraction of their doubled peak that BF16 ones
   * reach of theirs. A precision without an entry uses `flop` (MODEL.md §1.4).
   */
  readonly flopByPrecision?: Partial<Readonly<Record<Precision, Efficiency>>>;
  /**
   * η_flop of the routed experts' grouped GEMMs (a few tokens per expert, many experts per kernel),
   * where it differs from the chip's matmuls: what serving a MoE model pins, which a dense model's
   * GEMMs do not share. The `experts` operator uses it; absent, `flop` (docs/MODEL.md §2).
   */
  readonly expertFlop?: Efficiency;
  /** `expertFlop` per compute precision, as `flopByPrecision` is to `flop`; a precision without one uses `expertFlop`, then the nearest given precision's scaled by the matmuls' ratio, then `flop` (`expertFlopAtPrecision`). */
  readonly expertFlopByPrecision?: Partial<Readonly<Record<Precision, Efficiency>>>;
  /** η_mem: achievable fraction of peak memory bandwidth (of every read `weightMemory` does not cover). */
  readonly memory: Efficiency;
  /**
   * η_mem of contiguous weight reads, where it differs from `memory`: the dense GEMMs' weight
   * matrices (attention projections, dense and shared-expert FFNs, router, LM head), streamed
   * whole as a STREAM-type benchmark streams memory. `memory` then covers the gathered reads: the
   * paged KV cache, the routed experts' weights (only the experts the tokens pick), the embedding
   * rows. Absent, `memory` covers both (docs/MODEL.md §2).
   */
  readonly weightMemory?: Efficiency;
  /** η_net: achievable fraction of link bandwidth for collectives. */
  readonly network: Efficiency;
  /**
   * t_layer: fixed overhead (kernel launch, synchronisation) of a reference layer of 9 kernels, standard
   * attention and a dense FFN, seconds; a layer pays it in proportion to its kernels (an MLA + MoE
   * layer 20/9 of it; docs/MODEL.md §2).
   */
  readonly layerOverheadS: Sourced;
  /**
   * Fraction in [0, 1] of prefill collective time this chip's software stack hides behind compute
   * (e.g. XLA's collective matmuls); default 0. Decode keeps collectives on the critical path
   * unless the user says otherwise (MODEL.md §3).
   */
  readonly commOverlap?: Sourced;
  /**
   * The serving stack's effective acceptance of each multi-token-prediction draft token, a
   * probability in [0, 1]: what `--speculative mtp` uses when no acceptance is given (else the
   * model's default, 0.85). Fitted per stack on measured MTP serving (docs/MODEL.md §9).
   */
  readonly mtpAcceptance?: Sourced;
  /**
   * t_req: fixed time per request before its first token that no chip work explains (the serving
   * front end's queueing, tokenisation, scheduling and HTTP), seconds; added to TTFT and request
   * latency, not to throughput (the host does it while the chips serve other requests). Default 0.
   */
  readonly requestOverheadS?: Sourced;
  /**
   * How the serving stack sizes its KV cache, where it does not fill the chip's usable memory
   * (docs/MODEL.md §4, "KV cache budget"). Absent, the weights, KV cache and activations share
   * `memory.usableFraction` of the memory (vLLM's `gpu_memory_utilization`).
   */
  readonly kvCacheBudget?: KvCacheBudget;
  /** How these efficiencies were obtained (fitted, transferred or datasheet) and their measured error; absent reads as datasheet. */
  readonly calibration?: CalibrationStatus;
}

/**
 * How a `KvCacheBudget` counts: `free`, a fraction of the memory left after the weights, the
 * activations and the runtime (TensorRT-LLM). The other way, a fraction of all the memory shared
 * with the weights and activations (vLLM, SGLang), is the chip's `memory.usableFraction`.
 *
 * @example
 * KV_CACHE_BUDGET_BASES.includes('free'); // true
 */
export const KV_CACHE_BUDGET_BASES = ['free'] as const;

/**
 * A serving stack's KV cache sized from the memory left free (TensorRT-LLM's
 * `kv_cache_config.free_gpu_memory_fraction`): after loading the weights and running a step at
 * its largest activation workspace, the runtime gives the KV cache `fraction` of what is free,
 * the runtime's own allocations (`reservedBytes`: CUDA context, cuBLAS workspaces, NCCL buffers)
 * taken out first. The KV cache may then hold `fraction · (M − reservedBytes − weights −
 * activations)` (docs/MODEL.md §4, "KV cache budget").
 *
 * @example
 * const budget: KvCacheBudget = {
 *   basis: 'free',
 *   fraction: { value: 0.9, source: 'TensorRT-LLM KvCacheConfig default' },
 *   reservedBytes: { value: 1 * 2 ** 30, source: 'CUDA context, cuBLAS and NCCL, measured' },
 * };
 */
export interface KvCacheBudget {
  /** `free`: a fraction of the memory the weights, activations and runtime leave (`KV_CACHE_BUDGET_BASES`). */
  readonly basis: (typeof KV_CACHE_BUDGET_BASES)[number];
  /** The share of the free memory the KV cache takes, in (0, 1]. */
  readonly fraction: Sourced;
  /** The runtime's own allocations outside the weights, activations and KV cache, bytes. */
  readonly reservedBytes: Sourced;
}

/**
 * One named set of a chip's efficiencies: a serving stack's or an era's, with what it describes.
 *
 * @example
 * const profile: EfficiencyProfile = { description: 'TensorRT-LLM 0.5 (2023 tables)', flop, memory, network, layerOverheadS };
 */
export interface EfficiencyProfile extends ChipEfficiency {
  /** What the profile describes: the stack and version, or the era of the measurements. */
  readonly description: string;
}

/**
 * One chip, as a plugin describes it.
 *
 * @example
 * const chip: ChipSpec = { id: 'acme-x1', name: 'Acme X1', vendor: 'Acme', kind: 'gpu', compute, memory, scaleUp, scaleOut, power, price, efficiency };
 */
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
  /** The default efficiencies: those of the chip's best-fitted current serving stack (docs/MODEL.md §9). */
  readonly efficiency: ChipEfficiency;
  /**
   * Named alternatives to `efficiency`: a serving stack's (`sglang`, `trtllm`, `vllm`, `atom`) or an
   * era's (`2023`, the stacks of the published paper rows). `--stack`/`--efficiency-profile` select
   * one; a chip without the named profile falls back to `efficiency` with a note.
   */
  readonly efficiencyProfiles?: Readonly<Record<string, EfficiencyProfile>>;
  /** Free-form caveats a reader should know (e.g. "FP8 figures are dense, sparse halved"). */
  readonly notes?: string;
  /**
   * `announced` for a chip that is announced but not yet shipping: its figures are the vendor's
   * announcement (often rack totals or secondary reports), nothing has been measured, and hosts mark
   * it as announced wherever they list it. Omitted means `shipping`.
   */
  readonly availability?: Availability;
}

/**
 * A hardware plugin: a versioned, named bundle of chips. Write it with `defineHardware`, check it
 * with `validateHardware`.
 *
 * @example
 * const plugin: HardwarePlugin = { apiVersion: 2, meta: { name: 'acme-chips', version: '1.0.0' }, chips: [chip] };
 */
export interface HardwarePlugin {
  /** `HARDWARE_API_VERSION` (2), or 1 for a plugin written before it; checked before anything else. */
  readonly apiVersion: HardwareApiVersion;
  readonly meta: { readonly name: string; readonly version: string };
  readonly chips: readonly ChipSpec[];
}

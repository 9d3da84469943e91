import { fittedProfiles, type ChipEfficiency, type Efficiency, type FittedProfiles, type Sourced } from '@ridgeline/hardware';
import { INFERENCEX_PROFILES } from './inferencex-profiles.ts';

// Figures shared by several NVIDIA chips. Internal: the package exports chips, not these pieces.

/** Fraction of HBM left for weights + KV + activations once the serving runtime has taken its reserve. */
export const USABLE_FRACTION: Sourced = {
  value: 0.9,
  source:
    "vLLM engine argument --gpu-memory-utilization, default 0.9 (vLLM engine arguments docs): the serving runtime plans with 90% of device memory; the rest is CUDA context, NCCL buffers, CUDA graphs and fragmentation",
};

/** α: one NCCL point-to-point step over NVLink/NVSwitch. */
export const NVLINK_HOP_LATENCY_S: Sourced = {
  value: 3.7e-6,
  source:
    'NVIDIA/nccl#1984: nccl-tests sendrecv_perf, 1 KiB, 4×H800 over NVLink (CUDA graphs on) ≈ 3.7 µs per point-to-point; used as the per-hop latency of every NVLink/NVSwitch generation here (no per-generation measurement found)',
};

/** α for the scale-out fabric (one NIC per GPU). */
export const INFINIBAND_HOP_LATENCY_S: Sourced = {
  value: 5e-6,
  source:
    'estimate: InfiniBand one-way latency 1–2 µs (2–4 µs round trip, HDR; t4d-gmbh/efficientClusterComputation source/content/recapHPC/nodeArchitecture.md) plus PCIe/NIC and NCCL proxy overhead; 5 µs used',
};

/** Small-message all-reduce inside an 8-GPU NVSwitch node with NVLink SHARP (Hopper, Blackwell). */
export const NVSWITCH_COLLECTIVE_LATENCY_S: Sourced = {
  value: 10e-6,
  source:
    'MODEL.md §3: measured 8-GPU small all-reduces take about 6–11 µs; NVIDIA/nccl#1259 (HGX 8×H100, NCCL 2.20.5, nccl-tests all_reduce_perf with CUDA graphs, NVLSTree): ≈6 µs at 2 GPUs, rising with GPU count; 10 µs used for 8 GPUs without CUDA-graph capture',
};

/** One 400 Gb/s ConnectX-7 per GPU (DGX/HGX H100, H200, B200). */
export const CX7_400G_PER_GPU: Sourced = {
  value: 400e9 / 8,
  source:
    'NVIDIA DGX BasePOD reference architecture, Core Components: DGX H100/H200 "four OSFP ports serving eight single-port ConnectX-7 VPI, up to 400 Gb/s" and DGX B200 "4x OSFP ports serving 8x single-port ConnectX-7 VPI, up to 400Gb/s": one 400 Gb/s NIC per GPU = 400e9/8 = 50e9 B/s per direction',
};

/** Idle power as a stated fraction of TDP, with the one idle measurement we have as the anchor. */
export function idleFromTdp(tdpW: number): Sourced {
  return {
    value: tdpW * 0.1,
    source: `estimate: 10% of TDP (${tdpW} W × 0.10); anchor: H200 SXM (700 W TDP) measured 80.3 W idle "ghost power" (Serial Alice GPU Energy Benchmark, api.serialalice.pt/alice-benchmark, June 2026)`,
  };
}

/**
 * Efficiencies fitted by Ridgeline's validation (`pnpm validate --fit`): one constant set per chip,
 * chosen by grid search to minimise the mean |log(predicted / published)| over the chip's rows of
 * apps/validation/data/public.csv. The rows are 2022–2023 FasterTransformer and TensorRT-LLM runs,
 * so the values describe those stacks, not a tuned 2026 stack: calibrate against your own runs.
 */
export function fittedEfficiency(
  fit: {
    flop: number | readonly [readonly [number, number], readonly [number, number]];
    memory: number;
    network: number;
    layerOverheadS: number;
    commOverlap: number;
  },
  rows: string,
  medianAbsErrorPct: number,
): ChipEfficiency {
  const source = `fit: pnpm validate --fit over public.csv rows ${rows} (median |error| ${medianAbsErrorPct}%)`;
  return {
    // η_flop climbs from small GEMMs (decode, short prefills) to training-sized ones: a curve over FLOP/byte.
    flop: typeof fit.flop === 'number' ? { value: fit.flop, source } : { curve: fit.flop, over: 'arithmeticIntensity', source },
    memory: { value: fit.memory, source },
    network: { value: fit.network, source },
    layerOverheadS: { value: fit.layerOverheadS, source },
    commOverlap: { value: fit.commOverlap, source },
  };
}

/** A chip's InferenceX stack profiles with its fallback η_flop, and its default: the best fitted (docs/MODEL.md §9). */
export function inferencexProfiles(id: string, flop: Efficiency): FittedProfiles {
  return fittedProfiles(id, INFERENCEX_PROFILES[id], flop);
}

import { fittedProfiles, servedMatmul, type ChipEfficiency, type ChipPower, type Efficiency, type FittedProfiles, type KvCacheBudget, type Precision, type Sourced, type SourcedEfficiencies } from '@ridgeline/hardware';
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
  value: 10e-6,
  source:
    'measured: nccl-tests all_reduce_perf across two nodes, one GPU each, over HDR InfiniBand takes 19–20 µs for 8–128 bytes (NVIDIA/nccl-tests#150, A100 nodes, 2023); a two-rank ring all-reduce is 2·(n − 1) = 2 latency steps, so α ≈ 10 µs per step, NIC, PCIe and the NCCL proxy included (the wire alone is 1–2 µs one way)',
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

/**
 * e_mem for HBM3 and HBM3E: 7 pJ/bit = 7e-12 × 8 = 5.6e-11 J per byte, the low end of HBM3E's 7–9
 * pJ/bit (patsnap eureka, "HBM4 Energy Metrics: Bandwidth Per Watt And pJ/Bit Benchmarks", 2025:
 * HBM1 35–40 pJ/bit, HBM3E 7–9). HBM3 (H100) has no figure of its own there; the trend puts it at
 * or above HBM3E's, so this is a lower bound for it. Check: an H200 decode streaming at the fitted
 * η_mem 0.9 × 4.8 TB/s draws 80 + 5.6e-11 × 4.32e12 = 322 W, at the top of the measured 137–300 W
 * H200 decode range of issue 12; at a bandwidth share of 0.5, 214 W.
 */
export const HBM3E_JOULES_PER_BYTE: Sourced = {
  value: 5.6e-11,
  source:
    'derived: 7 pJ/bit × 8 bits = 5.6e-11 J/byte, the low end of HBM3E\'s 7–9 pJ/bit (patsnap eureka, "HBM4 Energy Metrics: Bandwidth Per Watt And pJ/Bit Benchmarks", Sep 2025); a lower bound for HBM3, which that source does not give',
};

/**
 * The component power model (docs/MODEL.md §10) of a Hopper GPU from its measured static power,
 * its TDP and its dense peaks: e_flop(p) = (P_max − P_static)/F(p), the dynamic range spent at the
 * datasheet peak of each precision (so FP8 at twice BF16's peak costs half the energy per FLOP and
 * draws the same, as measured: H200 661.7 W at FP8 against 662.8 W at BF16, Serial Alice GPU
 * Energy Benchmark, api.serialalice.pt/alice-benchmark, June 2026). A lower bound of the energy per
 * FLOP: a chip reaches its TDP below its peak.
 */
export function hopperComponentPower(staticW: Sourced, tdpW: number, peaks: Readonly<Partial<Record<Precision, number>>>, systemNote: Sourced): Pick<ChipPower, 'staticW' | 'joulesPerFlop' | 'joulesPerByteMemory' | 'nodeOverheadW'> {
  const joulesPerFlop = Object.fromEntries(
    Object.entries(peaks).map(([p, peak]) => [
      p,
      {
        value: (tdpW - staticW.value) / peak!,
        source: `derived: (P_max − P_static)/F(${p}) = (${tdpW} − ${staticW.value}) W / ${peak!.toExponential(4)} FLOP/s: the dynamic range spent at the dense ${p} peak (a lower bound; FP8 and BF16 draw alike at load, H200 661.7 vs 662.8 W, Serial Alice GPU Energy Benchmark, June 2026)`,
      },
    ]),
  );
  return { staticW, joulesPerFlop, joulesPerByteMemory: HBM3E_JOULES_PER_BYTE, nodeOverheadW: systemNote };
}

/**
 * DGX H100 and DGX H200: 8 GPUs, maximum system input 10.2 kW (six 3.3 kW supplies, 4+2 redundant;
 * NVIDIA DGX H100/H200 user guide, power specifications, as summarised at
 * unanswered.io/guide/nvidia-dgx-power-consumption-watts): 10,200/8 − 700 = 575 W per GPU for the
 * CPUs, memory, NICs, NVSwitches, fans and conversion.
 */
export const DGX_HOPPER_NODE_OVERHEAD_W: Sourced = {
  value: 10_200 / 8 - 700,
  source:
    'derived: DGX H100/H200 maximum system input 10.2 kW for 8 GPUs (NVIDIA DGX H100/H200 user guide, power specifications; unanswered.io/guide/nvidia-dgx-power-consumption-watts) = 1,275 W per GPU, less the GPU\'s 700 W: 575 W of host, NIC, NVSwitch and fan power per GPU',
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
export function inferencexProfiles(id: string, flop: Efficiency, sourced: SourcedEfficiencies = {}): FittedProfiles {
  return fittedProfiles(id, INFERENCEX_PROFILES[id], flop, sourced);
}

/**
 * η_net of Blackwell's NVLink 5, an estimate: no ring all-reduce measurement without NVLink SHARP is
 * in hand, so NVLink 4's measured share (`HOPPER_NETWORK_EFFICIENCY`), rounded down. It replaces
 * the profiles' "held at the plugin's value", which had lost this source.
 */
export const BLACKWELL_NETWORK_EFFICIENCY: Efficiency = {
  value: 0.8,
  source:
    "initial: NVLink 4's measured all-reduce share without NVLink SHARP, 367.61 of 450 GB/s = 0.82 on 8×H200 (stas00/ml-engineering network/benchmarks/results/all-reduce-8xH200.md), rounded down for NVLink 5, which has no such measurement in hand (8×B200 with NVLS reaches 830+ GB/s of 900, NVIDIA/nccl#1807); to be refit",
};

/**
 * η_mem of the dense GEMMs' contiguous weight reads (`weightMemory`, docs/MODEL.md §2): the share
 * of peak HBM bandwidth a streaming benchmark reaches. The serving fits hold it and fit `memory`,
 * which then covers the gathered reads (paged KV cache, routed experts' weights) alone.
 */
export const NVIDIA_WEIGHT_MEMORY_EFFICIENCY: Efficiency = {
  value: 0.9,
  source:
    'measured: BabelStream on NVIDIA data-centre GPUs reaches up to 90% of peak HBM bandwidth, against 81% on MI300X ("AMD MI300X GPU Performance Analysis", arXiv 2510.27583, Oct 2025); taken for every Hopper and Blackwell part',
};

/**
 * η_net of Hopper's links, measured: NCCL's ring all-reduce over NVLink 4 without NVLink SHARP
 * reaches 82% of the 450 GB/s per direction at large payloads (the same node reaches 107% with
 * NVLS, which reduces inside the switch). It replaces a 0.5 fitted on 2023 serving rows, which made
 * every Hopper collective take 1.6× the measured time against Blackwell's 0.8.
 */
export const HOPPER_NETWORK_EFFICIENCY: Efficiency = {
  value: 0.82,
  source:
    'measured: all_reduce on one 8×H200 NVSwitch node (torch 2.9.1, NCCL 2.27.7, 2026-08-04), busbw 367.61 GB/s with NVLink SHARP disabled = 0.82 of NVLink 4\'s 450 GB/s per direction (482 GB/s with NVLS) (stas00/ml-engineering network/benchmarks/results/all-reduce-8xH200.md); taken for the ConnectX-7 scale-out too, where DeepEP\'s low-latency kernels reach 43–46 GB/s of a 50 GB/s NIC (deepseek-ai/DeepEP docs/legacy.md)',
};

/**
 * NVFP4 GEMMs reach a smaller share of Blackwell's FP4 peak than BF16 GEMMs of BF16's, measured on
 * the same shapes in the same benchmark: the best NVFP4 GEMM (no activation quantisation) 3,904 of
 * 9,000 TFLOP/s = 0.434 against the best BF16 matmul 1,421 of 2,250 = 0.632, ratio 0.687.
 */
export const NVFP4_OVER_BF16_GEMM: Sourced = {
  value: 0.434 / 0.632,
  source:
    'vLLM PR #20646 (2025-07-08), benchmarks/kernels/bench_nvfp4_gemm.py on B200, Llama-3.1-8B N=6144 K=4096, M up to 16,384: NVFP4 CUTLASS GEMM without the activation quantise at most 3,904 TFLOP/s (0.434 of the 9 PFLOPS dense FP4 peak), torch BF16 matmul at most 1,421 TFLOP/s (0.632 of 2.25 PFLOPS); ratio 0.434 / 0.632 = 0.687',
};

/**
 * η_flop of NVFP4 matmuls on a Blackwell chip: its BF16 achievable-matmul fraction scaled by
 * `NVFP4_OVER_BF16_GEMM`, since no serving stack was fitted at FP4 compute (InferenceX's FP4 rows run
 * FP8 matmuls, docs/MODEL.md §9) and no FP4 MAMF table exists.
 */
function nvfp4Flop(bf16: Efficiency): Efficiency {
  if (!('value' in bf16)) throw new Error('nvfp4Flop: the BF16 η_flop must be a constant (a MAMF figure)');
  return {
    value: Math.round(bf16.value * NVFP4_OVER_BF16_GEMM.value * 100) / 100,
    source: `derived: BF16 achievable matmul ${bf16.value} × NVFP4/BF16 GEMM efficiency ratio ${NVFP4_OVER_BF16_GEMM.value.toFixed(3)} (${NVFP4_OVER_BF16_GEMM.source}); BF16: ${bf16.source}`,
  };
}

/**
 * TensorRT-LLM's KV cache budget (docs/MODEL.md §4, "KV cache budget"): after loading the weights
 * and a step at its largest token budget, the runtime gives the KV cache 0.9 of the memory left
 * free, where vLLM (and the chips' `usableFraction`) give the weights, activations and KV cache 0.9
 * of all of it. On a chip the weights nearly fill (Llama 3.1 70B FP8 on one 80 GB H100) that is
 * twice the KV cache.
 */
export const TRTLLM_KV_CACHE_BUDGET: KvCacheBudget = {
  basis: 'free',
  fraction: {
    value: 0.9,
    source: 'TensorRT-LLM documentation, "How to Change KV Cache Behavior" (nvidia.github.io/TensorRT-LLM/examples/kvcacheconfig.html): "The default for free_gpu_memory_fraction is 0.9, which means TensorRT LLM will try to allocate 90% of free GPU memory for KV cache"; aiconfigurator models it the same way (TRTLLM_DEFAULT_FREE_GPU_MEMORY_FRACTION 0.9, the "of free" budget against vLLM\'s and SGLang\'s "of total": ai-dynamo/aiconfigurator sdk/memory.py)',
  },
  reservedBytes: {
    value: 551 * 2 ** 20 + 392 * 2 ** 20,
    source: 'measured, as aiconfigurator records it for Hopper (ai-dynamo/aiconfigurator systems/h800_sxm.yaml, "misc"): CUDA context and cuBLAS 551 MiB (the measured figure before its 3.5 GiB safety padding) + NCCL buffers 392 MiB at TP 4–8 = 943 MiB; taken for every NVIDIA part and TP',
  },
};

/** The KV cache budget of each serving stack whose profiles an NVIDIA chip carries and that has one. */
const STACK_KV_CACHE_BUDGETS: Readonly<Record<string, KvCacheBudget>> = { trtllm: TRTLLM_KV_CACHE_BUDGET };

/** What a Hopper chip sources rather than fits: its measured η_net, its weights' streaming η_mem and TensorRT-LLM's KV cache budget. */
export const HOPPER_SOURCED: SourcedEfficiencies = { network: HOPPER_NETWORK_EFFICIENCY, weightMemory: NVIDIA_WEIGHT_MEMORY_EFFICIENCY, kvCacheBudgetByProfile: STACK_KV_CACHE_BUDGETS };

/**
 * A Blackwell chip's InferenceX profiles over its BF16 achievable matmul `bf16` (a MAMF figure): its
 * matmuls outside the experts at the served share of it at BF16 and of its NVFP4 figure at FP4
 * (`servedMatmul`, docs/MODEL.md §9, "Served matmuls"), and what it sources rather than fits: its
 * η_net, its weights' streaming η_mem and TensorRT-LLM's KV cache budget.
 */
export function blackwellProfiles(id: string, bf16: Efficiency): FittedProfiles {
  return inferencexProfiles(id, servedMatmul(bf16), {
    flopByPrecision: { fp4: servedMatmul(nvfp4Flop(bf16)) },
    network: BLACKWELL_NETWORK_EFFICIENCY,
    weightMemory: NVIDIA_WEIGHT_MEMORY_EFFICIENCY,
    kvCacheBudgetByProfile: STACK_KV_CACHE_BUDGETS,
  });
}

/**
 * DGX A100: 8 GPUs, maximum system power 6.5 kW (NVIDIA DGX A100 documentation, six 3 kW supplies
 * of which half are redundant, as reported by pcnews.ru, "NVIDIA DGX A100 … шестью блоками питания
 * по 3 кВт", May 2020): 6,500/8 − 400 = 412.5 W per GPU beyond the GPU.
 */
export const DGX_A100_NODE_OVERHEAD_W: Sourced = {
  value: 6_500 / 8 - 400,
  source:
    'derived: DGX A100 maximum system power 6.5 kW for 8 GPUs (NVIDIA DGX A100 documentation, as reported by pcnews.ru, May 2020: "максимальное энергопотребление достигает 6500 Вт") = 812.5 W per GPU, less the GPU\'s 400 W: 412.5 W of host, NIC, NVSwitch and fan power per GPU',
};

/** DGX B200: 8 GPUs, maximum system input 14.3 kW (NVIDIA DGX B200 user guide): 14,300/8 − 1,000 = 787.5 W per GPU. */
export const DGX_B200_NODE_OVERHEAD_W: Sourced = {
  value: 14_300 / 8 - 1000,
  source:
    'derived: DGX B200 maximum input 14.3 kW for 8 GPUs (NVIDIA DGX B200 user guide, "Introduction to NVIDIA DGX B200 Systems", power specifications: six 3.3 kW supplies, 14.3 kW max; docs.nvidia.com/dgx/dgxb200-user-guide) = 1,787.5 W per GPU, less the GPU\'s 1,000 W: 787.5 W of host, NIC, NVSwitch and fan power per GPU',
};

/** B300 in an HGX/DGX B300: the DGX B200's share per GPU, no DGX B300 maximum being in hand. */
export const HGX_B300_NODE_OVERHEAD_W: Sourced = {
  value: 14_300 / 8 - 1000,
  source:
    'estimate: the DGX B200\'s 787.5 W of host, NIC, NVSwitch and fan power per GPU (14.3 kW / 8 − 1,000 W, NVIDIA DGX B200 user guide), taken unchanged for the HGX/DGX B300 (the same 8-GPU chassis design; no DGX B300 system maximum found)',
};

/** GB300 NVL72: the GB200 NVL72 rack's share per GPU, no GB300 rack figure being in hand. */
export const GB300_NVL72_NODE_OVERHEAD_W: Sourced = {
  value: 120_000 / 72 - 1200,
  source:
    'estimate: the GB200 NVL72 rack\'s 467 W of Grace CPU, NIC, NVLink switch and conversion power per GPU (~120 kW / 72 − 1,200 W), taken unchanged for GB300 NVL72 (the same rack design: 18 compute trays with Grace CPUs, 9 NVLink switch trays); no GB300 rack maximum found',
};

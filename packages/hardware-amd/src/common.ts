import type { Efficiency, Sourced, SourcedEfficiencies } from '@ridgeline/hardware';

// Figures shared by several AMD Instinct chips. Internal: the package exports chips, not these pieces.

/** Fraction of HBM left for weights + KV + activations once the serving runtime has taken its reserve. */
export const USABLE_FRACTION: Sourced = {
  value: 0.9,
  source:
    'vLLM engine argument --gpu-memory-utilization, default 0.9 (vLLM engine arguments docs; the same default applies to vLLM on ROCm): the serving runtime plans with 90% of device memory, the rest is HIP context, RCCL buffers, graphs and fragmentation',
};

/** The 8-GPU Instinct platform: every GPU has a direct Infinity Fabric link to each of the other seven. */
export const PLATFORM_DOMAIN: Sourced = {
  value: 8,
  source:
    'AMD Instinct platform (8 OAM GPUs on a UBB): 7 Infinity Fabric links per GPU, one to each other GPU, fully connected; modelled as a switch of 8 (ROCm/rccl README, section "Improving performance on MI300 when using less than 8 GPUs", added in ROCm/rccl#1270: "each pair of GPUs are connected with dedicated XGMI links in a fully-connected topology")',
};

/** η_net of the 8-GPU Infinity Fabric platform, measured on MI300X (RCCL all-reduce bus bandwidth); the serving fits hold it. */
export const MI300X_NETWORK_EFFICIENCY: Efficiency = {
  value: 0.7,
  source:
    'initial: all_reduce_bench.py on 8×MI300X, 4 GiB payload, busbw 312.9 GB/s of 448 GB/s per-direction peak = 0.70 (stas00/ml-engineering network/README.md, "Peer-to-peer bandwidth"); to be refit',
};

/**
 * η_mem of the dense GEMMs' contiguous weight reads (`weightMemory`, docs/MODEL.md §2): the share
 * of peak HBM bandwidth a streaming benchmark reaches on MI300X. The serving fits hold it and fit
 * `memory`, which then covers the gathered reads (paged KV cache, routed experts' weights) alone.
 */
export const MI300X_WEIGHT_MEMORY_EFFICIENCY: Efficiency = {
  value: 0.81,
  source: 'measured: BabelStream on MI300X reaches 81% of its 5.3 TB/s peak HBM bandwidth ("AMD MI300X GPU Performance Analysis", arXiv 2510.27583, Oct 2025)',
};

/** What MI300X sources rather than fits: its measured η_net and its weights' streaming η_mem. */
export const MI300X_SOURCED: SourcedEfficiencies = { network: MI300X_NETWORK_EFFICIENCY, weightMemory: MI300X_WEIGHT_MEMORY_EFFICIENCY };

/** α: one RCCL point-to-point step over Infinity Fabric. */
export const XGMI_HOP_LATENCY_S: Sourced = {
  value: 4e-6,
  source:
    'estimate: a few µs per RCCL point-to-point step; no Infinity Fabric sendrecv measurement in hand, so taken as the NVLink figure (nccl-tests sendrecv_perf ≈ 3.7 µs on H800, NVIDIA/nccl#1984) rounded up to 4 µs',
};

/** One 400 Gb/s NIC per GPU. */
export const NIC_400G_PER_GPU: Sourced = {
  value: 400e9 / 8,
  source:
    'Azure ND MI300X v5 (MicrosoftDocs azure-docs articles/virtual-machines/sizes/gpu-accelerated/nd-mi300x-v5-series.md): "Infiniband: Supported, GPUDirect RDMA, 8x400 Gigabit NDR" for 8 MI300X = one 400 Gb/s NIC per GPU → 400e9/8 = 50e9 B/s per direction',
};

/** α for the scale-out fabric. */
export const INFINIBAND_HOP_LATENCY_S: Sourced = {
  value: 10e-6,
  source:
    'estimate: NCCL\'s measured step across two nodes over 400G-class RDMA, taken for RCCL: nccl-tests all_reduce_perf between two nodes, one GPU each, takes 19–20 µs for 8–128 bytes (NVIDIA/nccl-tests#150, HDR InfiniBand, 2023), 2 ring steps, so α ≈ 10 µs per step with the NIC, PCIe and the collective library\'s proxy; no RCCL figure of the kind was found',
};

/** Idle power as a stated fraction of board power (no Instinct idle measurement in hand). */
export function idleFromBoardPower(boardW: number): Sourced {
  return {
    value: boardW * 0.1,
    source: `estimate: 10% of peak board power (${boardW} W × 0.10), the same convention as @ridgeline/hardware-nvidia (anchored there on a measured 80.3 W idle for a 700 W H200); no Instinct idle measurement in hand`,
  };
}

/**
 * An Instinct 8-OAM platform's host, NIC, switch and fan power per GPU: no AMD system maximum in
 * hand, so the DGX H100/H200's share, 575 W per GPU, taken unchanged (the same 8-accelerator server
 * design: two host CPUs, one NIC per GPU, fans and conversion).
 */
export const OAM_PLATFORM_NODE_OVERHEAD_W: Sourced = {
  value: 10_200 / 8 - 700,
  source:
    'estimate: the DGX H100/H200\'s 575 W of host, NIC, switch and fan power per GPU (10.2 kW maximum / 8 − 700 W, NVIDIA DGX H100/H200 user guide) taken unchanged for an 8-GPU Instinct OAM platform (two host CPUs, one NIC per GPU, fans); no Instinct platform maximum found',
};

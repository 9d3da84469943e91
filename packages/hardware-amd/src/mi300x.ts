import { withEstimatedPower, fittedProfiles, servedMatmul, type ChipSpec, type Efficiency } from '@ridgeline/hardware';
import {
  idleFromBoardPower,
  INFINIBAND_HOP_LATENCY_S,
  NIC_400G_PER_GPU,
  PLATFORM_DOMAIN,
  USABLE_FRACTION,
  XGMI_HOP_LATENCY_S,
  MI300X_SOURCED,
  OAM_PLATFORM_NODE_OVERHEAD_W,
} from './common.ts';
import { INFERENCEX_PROFILES } from './inferencex-profiles.ts';

const SPEC = 'AMD Instinct MI300X specifications (amd.com product page / data sheet), peak theoretical';


/**
 * AMD's published Max-Achievable FLOPs (MAF) of MI300X, the figures its own math library reaches on
 * its best-tiled shapes with normally distributed inputs (ROCm/rocm-blogs
 * blogs/software-tools-optimization/measuring-max-achievable-flops-part2/README.md, "AMD MAF
 * Results", Table 1, measured 2025-02-25 with hipBLASLt db8e93b, ROCm 6.3): BF16 708 TFLOPs at a
 * median 1,207 MHz, FP8 1,273 TFLOPs at 1,230 MHz. FP8 reaches a smaller share of its doubled peak
 * than BF16 does of its own (dense matrix cores clock down under load), so FP8 has its own value.
 */
const MAF = 'AMD Instinct MI300X (750 W) Max-Achievable FLOPs, ROCm/rocm-blogs measuring-max-achievable-flops-part2 Table 1 (hipBLASLt-bench, trig_float inputs)';

/** The BF16 achievable matmul; η_flop at precisions no serving stack was fitted at (BF16 training and dense models) is its served share. */
const FLOP_FALLBACK: Efficiency = {
  value: 0.54,
  source: `${MAF}: BF16 708 of 1,307.4 TFLOPS dense = 0.54 (the MAMF table of stas00/ml-engineering measured 668.4 with torch 2.5.1 + ROCm 6.3, 0.51)`,
};

/** η_flop of FP8 matmuls: AMD's measured FP8 MAF over the FP8 dense peak. */
const FLOP_FP8: Efficiency = {
  value: 0.487,
  source: `${MAF}: FP8 1,273 of 2,614.9 TFLOPS dense = 0.487`,
};

// the matmuls serve at the served share of the achievable figures (docs/MODEL.md §9, "Served matmuls")
const INFERENCEX = fittedProfiles('mi300x', INFERENCEX_PROFILES['mi300x'], servedMatmul(FLOP_FALLBACK), { ...MI300X_SOURCED, flopByPrecision: { fp8: servedMatmul(FLOP_FP8) } });

/**
 * AMD Instinct MI300X (CDNA 3, 192 GB HBM3) in the 8-GPU Instinct platform.
 *
 * @example
 * mi300x.scaleUp.bandwidthBytesPerS.value; // 448e9 = 7 links × 64 GB/s per direction
 */
export const mi300x: ChipSpec = withEstimatedPower({
  id: 'mi300x',
  name: 'AMD Instinct MI300X 192GB',
  vendor: 'AMD',
  kind: 'gpu',
  aliases: ['instinct-mi300x', 'mi300x-oam'],
  compute: {
    peakDenseFlopsPerS: {
      fp32: {
        value: 653.7e12,
        source: `${SPEC}: TF32 matrix 653.7 TFLOPS (1,307.4 with sparsity). TF32 is used as the fp32 matmul rate (assumes TF32 math is enabled); full-precision FP32 matrix is 163.4 TFLOPS`,
      },
      bf16: {
        value: 1307.4e12,
        source: `${SPEC}: BF16 matrix 1,307.4 TFLOPS dense (2,614.9 with sparsity) = 2100 MHz × 256 FMA × 2 × 1216 Matrix Cores (stas00/ml-engineering compute/accelerator/README.md)`,
      },
      fp16: { value: 1307.4e12, source: `${SPEC}: FP16 matrix 1,307.4 TFLOPS dense (2,614.9 with sparsity)` },
      fp8: { value: 2614.9e12, source: `${SPEC}: FP8 2,614.9 TFLOPS dense (5,229.8 with sparsity)` },
      int8: { value: 2614.9e12, source: `${SPEC}: INT8 2,614.9 TOPS dense (5,229.8 with sparsity)` },
    },
  },
  memory: {
    kind: 'hbm',
    capacityBytes: {
      value: 205822885888,
      source: `${SPEC}: 192 GB HBM3, listed under "VRAM (GiB)"; rocm-smi --showmeminfo vram reports "VRAM Total Memory (B): 205822885888" (192 GiB less 320 MiB), the device memory a runtime's memory fraction is taken of`,
    },
    bandwidthBytesPerS: { value: 5.3e12, source: `${SPEC}: peak memory bandwidth 5.3 TB/s` },
    usableFraction: USABLE_FRACTION,
  },
  scaleUp: {
    bandwidthBytesPerS: {
      value: 7 * 64e9,
      source:
        'AMD MI300X: 7 Infinity Fabric links to the other 7 GPUs, peak 128 GB/s per link counting both directions → 64 GB/s per direction per link; 7 × 64e9 = 448e9 per direction = AMD\'s 896 GB/s platform aggregate (both directions) / 2 (stas00/ml-engineering network/README.md, Infinity Fabric table: MI300X 64 GB/s per link per direction, 7 links, 448 GB/s uni-directional all-to-all)',
    },
    domainSize: PLATFORM_DOMAIN,
    topology: 'switch',
    hopLatencyS: XGMI_HOP_LATENCY_S,
    collectiveLatencyS: {
      value: 10e-6,
      source:
        'estimate: vLLM PR #39080 measured 6.3–7.6 µs for TP8 custom all-reduce of 24–96 KiB on MI355X; no equivalent CDNA 3 measurement in hand, so MI300X is set at 10 µs, the middle of the 6–11 µs band MODEL.md §3 gives for 8-GPU switch domains',
    },
  },
  scaleOut: { bandwidthBytesPerS: NIC_400G_PER_GPU, hopLatencyS: INFINIBAND_HOP_LATENCY_S },
  power: {
    idleW: idleFromBoardPower(750),
    maxW: {
      value: 750,
      source: `${SPEC}: 750 W peak total board power (OAM); MLPerf Inference v4.1 AMD system description names the part "AMD Instinct MI300X-NPS1-SPX-192GB-750W"`,
    },
  },
  price: {
    usdPerChipHour: {
      value: 1.85,
      source:
        'on-demand list price: Vultr MI300X $1.85 per GPU-hour (cliffcenter.com research note "AMD inference economics", 2026-05-18, which also lists TensorWave $1.50 and Azure/Oracle $6.00; gpu.blog marketplace also shows Vultr $1.85; read 2026-11-23). A list price, not a committed or negotiated rate: override with your own',
    },
    asOf: '2026-05-18',
  },
  // the best fitted of the serving stacks InferenceX ran it on (pnpm validate --fit --write): docs/MODEL.md §9
  efficiency: INFERENCEX.efficiency,
  efficiencyProfiles: INFERENCEX.profiles,
  notes:
    'Dense matrix rates (AMD publishes sparsity figures separately at 2×). fp32 means TF32. Infinity Fabric is point-to-point: a pair of GPUs shares one 64 GB/s-per-direction link, so groups smaller than 8 see (n−1)×64 GB/s, not 448 GB/s (2 GPUs: 47.7 GB/s busbw vs 312.9 GB/s for 8, stas00/ml-engineering). The switch model here is exact only for 8-GPU groups.',
}, OAM_PLATFORM_NODE_OVERHEAD_W);

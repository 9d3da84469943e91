import { servedMatmul, withEstimatedPower, transferredEfficiency, transferredProfiles, type ChipEfficiency, type ChipSpec, type Efficiency, type TransferRule } from '@ridgeline/hardware';
import {
  idleFromBoardPower,
  INFINIBAND_HOP_LATENCY_S,
  PLATFORM_DOMAIN,
  USABLE_FRACTION,
  XGMI_HOP_LATENCY_S,
  OAM_PLATFORM_NODE_OVERHEAD_W,
} from './common.ts';
import { mi300x } from './mi300x.ts';

const SPEC = 'AMD Instinct MI325X specifications (amd.com product page / data sheet), peak theoretical';


/**
 * MI325X is MI300X's compute die with more, faster HBM. The rule's error is measured on the pair
 * that differs the same way, with the stack MI300X's efficiencies come from: H100's sglang profile
 * predicting H200's sglang rows (`pnpm validate --fit`). MI300X has only an sglang profile; the
 * trtllm pair was quoted before, the error of a stack MI300X was never fitted on.
 */
const TRANSFER: TransferRule = {
  fromId: 'mi300x',
  why: 'the same CDNA 3 compute die, Infinity Fabric and software stacks; only the HBM (256 GB, 6 TB/s) differs',
  // the default's and the sglang profile's, MI300X's only one
  outOfSampleError: { throughput: 0.264, interactivity: 0.246, ttft: 0.566, on: "InferenceX DeepSeek-R1: h100-sxm's sglang profile on h200's 60 sglang rows, the same more-HBM transfer (pnpm validate --fit)" },
};

/**
 * AMD's published Max-Achievable FLOPs of MI325X (ROCm/rocm-blogs
 * blogs/software-tools-optimization/measuring-max-achievable-flops-part2/README.md, "AMD MAF
 * Results", Table 1, 2025-02-25): the same die as MI300X at 1,000 W holds higher clocks under dense
 * matrix load (1,447 against 1,207 MHz in BF16), so its matmuls reach more of the same peak. These
 * are the chip's own figures, so they replace MI300X's under the transferred serving fit (the
 * transfer scales by what the sources justify, docs/MODEL.md §9).
 */
const MAF = 'AMD Instinct MI325X (1,000 W) Max-Achievable FLOPs, ROCm/rocm-blogs measuring-max-achievable-flops-part2 Table 1 (hipBLASLt-bench, trig_float inputs)';
const FLOP_BF16: Efficiency = { value: 0.645, source: `${MAF}: BF16 843 of 1,307.4 TFLOPS dense = 0.645` };
const FLOP_FP8: Efficiency = { value: 0.581, source: `${MAF}: FP8 1,519 of 2,614.9 TFLOPS dense = 0.581` };

/** `efficiency` transferred from MI300X, with the served share of MI325X's own achievable-matmul figures. */
function withOwnMatmuls<T extends ChipEfficiency>(efficiency: T): T {
  return { ...efficiency, flop: servedMatmul(FLOP_BF16), flopByPrecision: { ...efficiency.flopByPrecision, fp8: servedMatmul(FLOP_FP8) } };
}

/**
 * AMD Instinct MI325X: MI300X compute (CDNA 3) with 256 GB of HBM3E, in the 8-GPU Instinct platform.
 *
 * @example
 * mi325x.memory.capacityBytes.value; // 256 * 2 ** 30 (274.9e9 B)
 */
export const mi325x: ChipSpec = withEstimatedPower({
  id: 'mi325x',
  name: 'AMD Instinct MI325X 256GB',
  vendor: 'AMD',
  kind: 'gpu',
  aliases: ['instinct-mi325x', 'mi325x-oam'],
  compute: {
    peakDenseFlopsPerS: {
      fp32: {
        value: 653.7e12,
        source: `${SPEC}: TF32 matrix 653.7 TFLOPS dense (same compute as MI300X; awesomeagents.ai MI325X spec table). TF32 is used as the fp32 matmul rate (assumes TF32 math is enabled); full-precision FP32 matrix is 163.4 TFLOPS`,
      },
      bf16: {
        value: 1307.4e12,
        source: `${SPEC}: FP16/BF16 matrix 1,307.4 TFLOPS dense (same CDNA 3 compute as MI300X: "MI325X is the same compute as MI300X", stas00/ml-engineering compute/accelerator/README.md note 18)`,
      },
      fp16: { value: 1307.4e12, source: `${SPEC}: FP16 matrix 1,307.4 TFLOPS dense` },
      fp8: { value: 2614.9e12, source: `${SPEC}: FP8 2,614.9 TFLOPS dense (5,229.8 with sparsity)` },
      int8: { value: 2614.9e12, source: `${SPEC}: INT8 2,614.9 TOPS dense, as MI300X` },
    },
  },
  memory: {
    kind: 'hbm',
    capacityBytes: {
      value: 256 * 2 ** 30,
      source: `${SPEC}: 256 GB HBM3E, listed under "VRAM (GiB)"; taken as 256 GiB, as rocm-smi bears out the table's GiB on MI300X (205822885888 B, 192 GiB less 320 MiB) and MI355X (309220868096 B, 288 GiB less 16 MiB). No rocm-smi reading of an MI325X in hand: up to 0.1% high`,
    },
    bandwidthBytesPerS: { value: 6e12, source: `${SPEC}: peak memory bandwidth 6 TB/s` },
    usableFraction: USABLE_FRACTION,
  },
  scaleUp: {
    bandwidthBytesPerS: {
      value: 7 * 64e9,
      source:
        'AMD MI325X: 7 Infinity Fabric links to the other 7 GPUs of the platform at 128 GB/s peak per link counting both directions, as MI300X → 64 GB/s per direction per link; 7 × 64e9 = 448e9 per direction (stas00/ml-engineering network/README.md Infinity Fabric table: MI325X 64 GB/s, 7 links, 448 GB/s uni-directional)',
    },
    domainSize: PLATFORM_DOMAIN,
    topology: 'switch',
    hopLatencyS: XGMI_HOP_LATENCY_S,
    collectiveLatencyS: {
      value: 10e-6,
      source:
        'estimate: as MI300X (same Infinity Fabric): vLLM PR #39080 measured 6.3–7.6 µs for small TP8 custom all-reduces on MI355X; no CDNA 3 measurement in hand, 10 µs used (middle of the 6–11 µs band in MODEL.md §3)',
    },
  },
  scaleOut: {
    bandwidthBytesPerS: {
      value: 400e9 / 8,
      source:
        'assumed as on the MI300X platform (Azure ND MI300X v5: 8×400 Gb/s NDR InfiniBand for 8 GPUs, MicrosoftDocs azure-docs nd-mi300x-v5-series.md): one 400 Gb/s NIC per GPU = 50e9 B/s; the MI325X platform is a drop-in replacement for the MI300X UBB. Not verified for a specific MI325X offering',
    },
    hopLatencyS: INFINIBAND_HOP_LATENCY_S,
  },
  power: {
    idleW: idleFromBoardPower(1000),
    maxW: {
      value: 1000,
      source: `${SPEC}: 1,000 W peak total board power (stas00/ml-engineering MAMF table row "AMD MI325X … 1000W")`,
    },
  },
  price: {
    usdPerChipHour: {
      value: 1.95,
      source:
        'on-demand list price: TensorWave MI325X $1.95 per GPU-hour (cliffcenter.com research note "AMD inference economics", 2026-05-18; read 2026-11-23). A list price, not a committed or negotiated rate: override with your own',
    },
    asOf: '2026-05-18',
  },
  // No MI325X serving measurement is published: MI300X's (the same CDNA 3 die) transferred, each stack too.
  efficiency: withOwnMatmuls(transferredEfficiency(mi300x.efficiency, TRANSFER)),
  efficiencyProfiles: Object.fromEntries(Object.entries(transferredProfiles(mi300x.efficiencyProfiles, TRANSFER)).map(([name, profile]) => [name, withOwnMatmuls(profile)])),
  notes:
    'Same CDNA 3 compute and Infinity Fabric as MI300X; more and faster HBM (HBM3E) at higher board power. fp32 means TF32. Infinity Fabric is point-to-point (64 GB/s per direction per GPU pair), so groups smaller than 8 get only (n−1)×64 GB/s; the switch model is exact for 8-GPU groups.',
}, OAM_PLATFORM_NODE_OVERHEAD_W);

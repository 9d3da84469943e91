import { servedMatmul, withEstimatedPower, fittedProfiles, type ChipSpec, type Efficiency } from '@ridgeline/hardware';
import {
  idleFromBoardPower,
  INFINIBAND_HOP_LATENCY_S,
  PLATFORM_DOMAIN,
  USABLE_FRACTION,
  XGMI_HOP_LATENCY_S,
  MI300X_NETWORK_EFFICIENCY,
  MI300X_WEIGHT_MEMORY_EFFICIENCY,
  OAM_PLATFORM_NODE_OVERHEAD_W,
} from './common.ts';
import { INFERENCEX_PROFILES } from './inferencex-profiles.ts';

const SPEC = 'AMD Instinct MI355X specifications (amd.com product page), peak theoretical dense';
const FORMULA = 'stas00/ml-engineering compute/accelerator/README.md: 2400 MHz × 512 FMA × 2 × 1024 Matrix Cores = 2516.6 TFLOPS BF16';


/** The BF16 achievable matmul; η_flop at precisions no serving stack was fitted at (BF16 training and dense models) is its served share. */
const FLOP_FALLBACK: Efficiency = {
  value: 0.62,
  source:
    'initial: maximum achievable matmul FLOPS BF16 on MI355X = 1565 TFLOPS (stas00/ml-engineering compute/accelerator/README.md, MAMF table, torch 2.8.0 + ROCm 7.0.2) ÷ 2516.6 dense peak = 0.62; to be refit',
};

/** An MI300X measurement taken for MI355X, for want of its own (`missing` names the measurement), saying so in its source. */
const asMi300x = (e: Efficiency, missing: string): Efficiency => ({ ...e, source: `as MI300X, no MI355X ${missing} in hand: ${e.source}` });

const INFERENCEX = fittedProfiles('mi355x', INFERENCEX_PROFILES['mi355x'], servedMatmul(FLOP_FALLBACK), {
  network: asMi300x(MI300X_NETWORK_EFFICIENCY, 'busbw measurement'),
  weightMemory: asMi300x(MI300X_WEIGHT_MEMORY_EFFICIENCY, 'streaming-bandwidth measurement'),
});

/**
 * AMD Instinct MI355X (CDNA 4, 288 GB HBM3E, 1,400 W, liquid-cooled) in the 8-GPU Instinct platform.
 *
 * @example
 * mi355x.compute.peakDenseFlopsPerS.fp4?.value; // 10066.4e12
 */
export const mi355x: ChipSpec = withEstimatedPower({
  id: 'mi355x',
  name: 'AMD Instinct MI355X 288GB',
  vendor: 'AMD',
  kind: 'gpu',
  aliases: ['instinct-mi355x', 'mi355x-oam'],
  compute: {
    peakDenseFlopsPerS: {
      fp32: {
        value: 157.3e12,
        source: `${SPEC}: FP32 157.3 TFLOPS (stas00/ml-engineering TFLOPS table, note 22: AMD's dense figures). AMD publishes no TF32 rate for MI355X, so fp32 here is full-precision FP32`,
      },
      bf16: { value: 2516.6e12, source: `${SPEC}: BF16 matrix 2.5 PFLOPS (5 PFLOPS with structured sparsity); exact 2516.6e12 from ${FORMULA}` },
      fp16: { value: 2516.6e12, source: `${SPEC}: FP16 matrix 2.5 PFLOPS (5 with structured sparsity); exact 2516.6e12 as BF16` },
      fp8: {
        value: 2 * 2516.6e12,
        source: `${SPEC}: OCP-FP8 5.0 PFLOPS (10.1 with structured sparsity); exact 2 × 2516.6e12 = 5033.2e12 (cross-check: 8,192 FP8 FLOPs per CU per clock, ISSCC 2026 as reported by world-today-news.com, × 256 CUs (ROCm GPU specifications) × 2.4 GHz peak engine clock (stas00/ml-engineering) = 5.03e15)`,
      },
      int8: { value: 2 * 2516.6e12, source: `${SPEC}: INT8 5.0 POPS dense (stas00/ml-engineering TFLOPS table: int8 5000); exact 5033.2e12 as FP8` },
      fp4: {
        value: 4 * 2516.6e12,
        source: `${SPEC}: MXFP4 (and MXFP6) 10.1 PFLOPS, published without a sparsity qualifier and dense (stas00/ml-engineering note 22); exact 4 × 2516.6e12 = 10066.4e12`,
      },
    },
  },
  memory: {
    kind: 'hbm',
    capacityBytes: {
      value: 309220868096,
      source: `${SPEC}: 288 GB HBM3E, listed under "VRAM (GiB)"; rocm-smi --showmeminfo vram reports "VRAM Total Memory (B): 309220868096" (288 GiB less 16 MiB) and torch.cuda.get_device_properties the same total_memory, the device memory a runtime's memory fraction is taken of`,
    },
    bandwidthBytesPerS: { value: 8e12, source: `${SPEC}: peak memory bandwidth 8 TB/s` },
    usableFraction: USABLE_FRACTION,
  },
  scaleUp: {
    bandwidthBytesPerS: {
      value: 7 * 76.8e9,
      source:
        'AMD MI355X: 7 Infinity Fabric links to the other 7 GPUs at 153.6 GB/s peak per link counting both directions → 76.8 GB/s per direction per link; 7 × 76.8e9 = 537.6e9 per direction (vLLM PR #39080: "Peak busbw = (N-1) × 76.8 GB/s: … TP8 = 537.6 GB/s"; stas00/ml-engineering network/README.md rounds the link to 76.5 GB/s)',
    },
    domainSize: PLATFORM_DOMAIN,
    topology: 'switch',
    hopLatencyS: XGMI_HOP_LATENCY_S,
    collectiveLatencyS: {
      value: 7e-6,
      source:
        'vLLM PR #39080 (ROCm custom all-reduce, MI355X, TP8, bf16 hidden 3072): 6.3 µs at 24 KiB, 6.7 µs at 48 KiB, 6.8–7.6 µs at 96 KiB; 7 µs used',
    },
  },
  scaleOut: {
    bandwidthBytesPerS: {
      value: 400e9 / 8,
      source:
        'assumed as on the MI300X platform (Azure ND MI300X v5: 8×400 Gb/s NDR InfiniBand for 8 GPUs, MicrosoftDocs azure-docs nd-mi300x-v5-series.md): one 400 Gb/s NIC per GPU = 50e9 B/s. Not verified for a specific MI355X offering',
    },
    hopLatencyS: INFINIBAND_HOP_LATENCY_S,
  },
  power: {
    idleW: idleFromBoardPower(1400),
    maxW: {
      value: 1400,
      source:
        "AMD MI355X: up to 1,400 W total board power, liquid-cooled; the air-cooled MI350X is 1,000 W (Tom's Hardware, \"AMD's Instinct MI355X accelerator will reportedly consume 1,400 watts\", ISC 2025)",
    },
  },
  price: {
    usdPerChipHour: {
      value: 6.03,
      source:
        'PLACEHOLDER, not a quoted price: no public on-demand MI355X list price was found in the sources read on 2026-11-23. Set to the B200 on-demand list price used by @ridgeline/hardware-nvidia (Spheron $6.03 per GPU-hour, as of 2026-03-17) because AMD positions MI355X against B200; override with a real quote',
    },
    asOf: '2026-03-17',
  },
  // the best fitted of the serving stacks InferenceX ran it on (pnpm validate --fit --write): docs/MODEL.md §9
  efficiency: INFERENCEX.efficiency,
  efficiencyProfiles: INFERENCEX.profiles,
  notes:
    'CDNA 4. Dense rates (AMD publishes structured-sparsity figures separately at 2× for FP16/BF16/FP8). fp4 is MXFP4; fp32 is full-precision FP32 (no TF32 rate published). Infinity Fabric is point-to-point (76.8 GB/s per direction per GPU pair), so groups smaller than 8 get (n−1)×76.8 GB/s; the switch model is exact for 8-GPU groups. The price is a placeholder.',
}, OAM_PLATFORM_NODE_OVERHEAD_W);

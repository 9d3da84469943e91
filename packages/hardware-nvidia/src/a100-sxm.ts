import { withEstimatedPower, type ChipEfficiency, type ChipSpec } from '@ridgeline/hardware';
import {
  fittedEfficiency,
  idleFromTdp,
  INFINIBAND_HOP_LATENCY_S,
  NVLINK_HOP_LATENCY_S,
  USABLE_FRACTION,
  DGX_A100_NODE_OVERHEAD_W,
} from './common.ts';

const DATASHEET = 'NVIDIA A100 Tensor Core GPU datasheet, A100 80GB SXM column';

/** The efficiencies of the 2023 paper rows' stacks: the default until a current stack is fitted, and the `2023` profile. */
const EFFICIENCY_2023: ChipEfficiency = {
  ...fittedEfficiency(
  { flop: [[128, 0.65], [4096, 0.75]], memory: 0.7, network: 0.5, layerOverheadS: 120e-6, commOverlap: 0 },
  'FT-01…FT-17, TRTO-05, TRTO-06, TRTO-08, TRTO-11, TRTO-13, MEG-01…MEG-10, PALM-07, BLOOM-01, BLOOM-02',
  6.4,
),
  calibration: { status: 'fitted', basis: 'pnpm validate --fit over public.csv rows FT-01…FT-17, TRTO-05, TRTO-06, TRTO-08, TRTO-11, TRTO-13, MEG-01…MEG-04 (FasterTransformer, 2023 TensorRT-LLM and Megatron-LM tables)' },
};

/**
 * NVIDIA A100 SXM4 80GB in an 8-GPU HGX/DGX A100 node (NVLink3 + second-generation NVSwitch).
 *
 * @example
 * a100Sxm.compute.peakDenseFlopsPerS.fp8; // undefined: Ampere has no FP8 Tensor Cores
 */
export const a100Sxm: ChipSpec = withEstimatedPower({
  id: 'a100-sxm',
  name: 'NVIDIA A100 SXM4 80GB',
  vendor: 'NVIDIA',
  kind: 'gpu',
  aliases: ['a100', 'a100-sxm4', 'a100-80gb'],
  compute: {
    peakDenseFlopsPerS: {
      fp32: {
        value: 312e12 / 2,
        source: `${DATASHEET}: TF32 Tensor Core 156 TFLOPS (312 TFLOPS with sparsity); dense = 156e12. TF32 is used as the fp32 matmul rate (assumes TF32 math is enabled); plain FP32 is 19.5 TFLOPS`,
      },
      bf16: { value: 624e12 / 2, source: `${DATASHEET}: BFLOAT16 Tensor Core 312 TFLOPS (624 with sparsity); dense = 312e12` },
      fp16: { value: 624e12 / 2, source: `${DATASHEET}: FP16 Tensor Core 312 TFLOPS (624 with sparsity); dense = 312e12` },
      int8: { value: 1248e12 / 2, source: `${DATASHEET}: INT8 Tensor Core 624 TOPS (1,248 with sparsity); dense = 624e12` },
      int4: {
        value: 2496e12 / 2,
        source: `${DATASHEET} / NVIDIA Ampere architecture whitepaper: INT4 Tensor Core 1,248 TOPS (2,496 with sparsity); dense = 1248e12 (glennklockwood.com/garden/processors/A100 performance table)`,
      },
    },
  },
  memory: {
    kind: 'hbm',
    capacityBytes: {
      value: 81920 * 2 ** 20,
      source: `${DATASHEET}: GPU memory 80 GB HBM2e; nvidia-smi reports 81920 MiB for this part, so capacity = 81920 · 2^20 B`,
    },
    bandwidthBytesPerS: { value: 2.039e12, source: `${DATASHEET}: GPU memory bandwidth 2,039 GB/s` },
    usableFraction: USABLE_FRACTION,
  },
  scaleUp: {
    bandwidthBytesPerS: {
      value: 600e9 / 2,
      source: `${DATASHEET}: NVIDIA NVLink 600 GB/s, both directions summed; per direction 300e9 (jax-ml/scaling-book gpus.md NVLink table: NVLink 3.0, 12 ports × 25 GB/s each way = 300 GB/s)`,
    },
    domainSize: {
      value: 8,
      source: 'jax-ml/scaling-book gpus.md NVLink table: Ampere node = 8 GPUs on 6 second-generation NVSwitches (DGX/HGX A100 8-GPU)',
    },
    topology: 'switch',
    hopLatencyS: NVLINK_HOP_LATENCY_S,
    collectiveLatencyS: {
      value: 11e-6,
      source:
        'MODEL.md §3: measured 8-GPU small all-reduces take about 6–11 µs; A100\'s second-generation NVSwitch has no NVLink SHARP, so NCCL uses ring/tree with the LL protocol — the top of that range (11 µs) is used; no A100-specific measurement in hand',
    },
  },
  scaleOut: {
    bandwidthBytesPerS: {
      value: 200e9 / 8,
      source: 'NVIDIA DGX A100 datasheet: 8 × single-port ConnectX-6 VPI, 200 Gb/s HDR InfiniBand, one per GPU → 200e9/8 = 25e9 B/s per direction',
    },
    hopLatencyS: INFINIBAND_HOP_LATENCY_S,
  },
  power: {
    idleW: idleFromTdp(400),
    maxW: { value: 400, source: `${DATASHEET}: max thermal design power (TDP) 400 W` },
  },
  price: {
    usdPerChipHour: {
      value: 2.4984,
      source:
        'on-demand list price: Modal A100 80GB $2.4984 per GPU-hour ($0.000694/s), as listed on modal.com/pricing and tabulated in techbytes.app "Serverless GPU Pricing Matrix" (prices verified 2026-05-07; read 2026-11-23). Modal bills per second of use; dedicated A100 VMs are often cheaper. A list price, not a committed or negotiated rate: override with your own',
    },
    asOf: '2026-05-07',
  },
  efficiency: EFFICIENCY_2023,
  efficiencyProfiles: { '2023': { ...EFFICIENCY_2023, description: 'the stacks of the published paper rows it is fitted to: FasterTransformer, TensorRT-LLM\'s 2023 tables and Megatron-LM' } },
  notes:
    'Dense Tensor Core rates (sparse headline figures halved). fp32 means TF32. No FP8/FP4 Tensor Cores: fp8/fp4 work is unsupported (or must be upcast). The DGX A100 NIC is 200 Gb/s HDR, half of the Hopper generation.',
}, DGX_A100_NODE_OVERHEAD_W);

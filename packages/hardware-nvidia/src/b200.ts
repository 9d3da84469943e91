import { withEstimatedPower, type ChipSpec, type Efficiency } from '@ridgeline/hardware';
import {
  CX7_400G_PER_GPU,
  idleFromTdp,
  INFINIBAND_HOP_LATENCY_S,
  blackwellProfiles,
  NVLINK_HOP_LATENCY_S,
  NVSWITCH_COLLECTIVE_LATENCY_S,
  USABLE_FRACTION,
  DGX_B200_NODE_OVERHEAD_W,
} from './common.ts';

const DGX = 'NVIDIA DGX B200 datasheet (8× B200)';
const PER_GPU =
  'per-GPU dense figures as tabulated from the DGX B200 datasheet in stas00/ml-engineering compute/accelerator/README.md (TFLOPS comparison table, note 20) and glennklockwood.com/garden/processors/B200 (HGX B200 at 1,000 W: dense = half the sparse column)';

/** B200's BF16 achievable matmul (MAMF); its matmuls serve at `servedMatmul` of it, and its NVFP4 figure derives from it. */
export const B200_ACHIEVABLE_BF16: Efficiency = {
  value: 0.78,
  source:
    'initial: maximum achievable matmul FLOPS BF16 on B200 SXM = 1745 of 2250 TFLOPS = 0.776 (stas00/ml-engineering compute/accelerator/README.md, MAMF table, torch 2.7.1+cu128); to be refit',
};

const INFERENCEX = blackwellProfiles('b200', B200_ACHIEVABLE_BF16);

/**
 * NVIDIA B200 in an 8-GPU HGX/DGX B200 node (NVLink5, two NVSwitch chips).
 *
 * @example
 * b200.compute.peakDenseFlopsPerS.fp4?.value; // 9e15
 */
export const b200: ChipSpec = withEstimatedPower({
  id: 'b200',
  name: 'NVIDIA B200 (HGX B200, 8-GPU NVLink domain)',
  vendor: 'NVIDIA',
  kind: 'gpu',
  aliases: ['hgx-b200', 'dgx-b200', 'b200-sxm'],
  compute: {
    peakDenseFlopsPerS: {
      fp32: {
        value: 2250e12 / 2,
        source: `TF32 Tensor Core 2,250 TFLOPS with sparsity per GPU; dense = 1.125e15 (${PER_GPU}; glennklockwood lists 1,100 dense). TF32 is used as the fp32 matmul rate (assumes TF32 math is enabled); plain FP32 is 80 TFLOPS`,
      },
      bf16: { value: 4500e12 / 2, source: `BF16 Tensor Core 4,500 TFLOPS with sparsity per GPU; dense = 2.25e15 (${PER_GPU})` },
      fp16: { value: 4500e12 / 2, source: `FP16 Tensor Core 4,500 TFLOPS with sparsity per GPU; dense = 2.25e15 (${PER_GPU})` },
      fp8: {
        value: 72e15 / 8 / 2,
        source: `${DGX}: FP8 Tensor Core 72 PFLOPS with sparsity for 8 GPUs; per GPU dense = 72e15/8/2 = 4.5e15`,
      },
      int8: { value: 9000e12 / 2, source: `INT8 Tensor Core 9,000 TOPS with sparsity per GPU; dense = 4.5e15 (${PER_GPU})` },
      fp4: {
        value: 144e15 / 8 / 2,
        source: `${DGX}: FP4 Tensor Core 144 PFLOPS with sparsity (72 PFLOPS dense) for 8 GPUs; per GPU dense = 144e15/8/2 = 9e15`,
      },
    },
  },
  memory: {
    kind: 'hbm',
    capacityBytes: {
      value: 183359 * 2 ** 20,
      source:
        'NVIDIA DGX B200 user guide: 8 × B200 with 1,440 GB total GPU memory, "180 GB" per GPU in binary units; nvidia-smi reports 183,359 MiB per B200 (driver 570 and later), so capacity = 183359 · 2^20 B ≈ 192.3e9 B: the device memory a runtime\'s memory fraction is taken of, as for H100 and B300',
    },
    bandwidthBytesPerS: {
      value: 64e12 / 8,
      source: `${DGX}: 64 TB/s HBM3e bandwidth for 8 GPUs → 8e12 B/s per GPU`,
    },
    usableFraction: USABLE_FRACTION,
  },
  scaleUp: {
    bandwidthBytesPerS: {
      value: 1.8e12 / 2,
      source:
        'NVIDIA DGX B200 user guide: 2 fifth-generation NVLink switches with 14.4 TB/s aggregate = 8 × 1.8 TB/s per GPU, both directions summed; per direction 1.8e12/2 = 900e9 (jax-ml/scaling-book gpus.md: 18 NVLink5 links × 50 GB/s each way)',
    },
    domainSize: { value: 8, source: 'NVIDIA DGX B200 user guide: 8 B200 GPUs per system on the NVLink switch fabric' },
    topology: 'switch',
    hopLatencyS: NVLINK_HOP_LATENCY_S,
    collectiveLatencyS: NVSWITCH_COLLECTIVE_LATENCY_S,
  },
  scaleOut: { bandwidthBytesPerS: CX7_400G_PER_GPU, hopLatencyS: INFINIBAND_HOP_LATENCY_S },
  power: {
    idleW: idleFromTdp(1000),
    maxW: {
      value: 1000,
      source:
        'HGX B200 per-GPU max TDP 1,000 W (verda.com "NVIDIA GB300 NVL72: GPU Architecture & Performance", per-GPU specification table: B200 max TDP 1 kW; glennklockwood.com/garden/processors/B200: "1000 W maximum")',
    },
  },
  price: {
    usdPerChipHour: {
      value: 6.03,
      source:
        'on-demand list price: Spheron B200 SXM $6.03 per GPU-hour, "prices as of 17 March 2026" (spheron.network/blog/nvidia-h200-vs-b200-vs-gb200; read 2026-11-23). A list price, not a committed or negotiated rate: override with your own',
    },
    asOf: '2026-03-17',
    capitalUsd: {
      value: 50000,
      source: 'purchase price: B200 SXM ≈ $50,000 (ornnai.com (research/nvidia-b200-vs-b300-why-use-one-instead-of-the-other, 2026; read 2026-12-04)). The system\'s share (host, NICs, switches) is not sourced: give --system-capital-usd',
    },
    capitalAsOf: '2026-12-04',
  },
  // the best fitted of the serving stacks InferenceX ran it on (pnpm validate --fit --write): docs/MODEL.md §9
  efficiency: INFERENCEX.efficiency,
  efficiencyProfiles: INFERENCEX.profiles,
  notes:
    'Dense Tensor Core rates (sparse headline figures halved). fp32 means TF32. fp4 is NVFP4/MXFP4 Tensor Core math. Scale-out: DGX/HGX B200 ship one 400 Gb/s ConnectX-7 per GPU; 800 Gb/s ConnectX-8 arrives with B300, not B200.',
}, DGX_B200_NODE_OVERHEAD_W);

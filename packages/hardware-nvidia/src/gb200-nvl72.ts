import { withEstimatedPower, type ChipSpec, type Efficiency } from '@ridgeline/hardware';
import {
  idleFromTdp,
  INFINIBAND_HOP_LATENCY_S,
  blackwellProfiles,
  NVLINK_HOP_LATENCY_S,
  NVSWITCH_COLLECTIVE_LATENCY_S,
  USABLE_FRACTION,
} from './common.ts';

const RACK = 'NVIDIA GB200 NVL72 specifications (72 Blackwell GPUs + 36 Grace CPUs per rack)';

/** GB200's BF16 achievable matmul (MAMF); its matmuls serve at `servedMatmul` of it, and its NVFP4 figure derives from it. */
const ACHIEVABLE_BF16: Efficiency = {
  value: 0.73,
  source:
    'initial: maximum achievable matmul FLOPS BF16 on GB200 = 1822 of 2500 TFLOPS = 0.729 (stas00/ml-engineering compute/accelerator/README.md, MAMF table, torch 2.10.0.dev+cu130); to be refit',
};

const INFERENCEX = blackwellProfiles('gb200-nvl72', ACHIEVABLE_BF16);

/**
 * One Blackwell GPU of a GB200 NVL72 rack: the B200-class GPU at the GB200 power level, in a
 * 72-GPU NVLink domain.
 *
 * @example
 * gb200Nvl72.scaleUp.domainSize.value; // 72
 */
export const gb200Nvl72: ChipSpec = withEstimatedPower({
  id: 'gb200-nvl72',
  name: 'NVIDIA GB200 NVL72 (Blackwell GPU, 72-GPU NVLink domain)',
  vendor: 'NVIDIA',
  kind: 'gpu',
  aliases: ['gb200', 'nvl72', 'gb200-nvl'],
  compute: {
    peakDenseFlopsPerS: {
      fp32: {
        value: 180e15 / 72 / 2,
        source: `${RACK}: TF32 Tensor Core 180 PFLOPS with sparsity per rack; per GPU dense = 180e15/72/2 = 1.25e15. TF32 is used as the fp32 matmul rate (assumes TF32 math is enabled)`,
      },
      bf16: {
        value: 360e15 / 72 / 2,
        source: `${RACK}: FP16/BF16 Tensor Core 360 PFLOPS with sparsity per rack; per GPU dense = 360e15/72/2 = 2.5e15 (matches glennklockwood.com B200 page, GB200 variant at 1,200 W: BF16 2,500 dense)`,
      },
      fp16: { value: 360e15 / 72 / 2, source: `${RACK}: FP16/BF16 Tensor Core 360 PFLOPS with sparsity per rack; per GPU dense = 2.5e15` },
      fp8: { value: 720e15 / 72 / 2, source: `${RACK}: FP8/FP6 Tensor Core 720 PFLOPS with sparsity per rack; per GPU dense = 5e15` },
      int8: { value: 720e15 / 72 / 2, source: `${RACK}: INT8 Tensor Core 720 POPS with sparsity per rack; per GPU dense = 5e15` },
      fp4: {
        value: 1440e15 / 72 / 2,
        source: `${RACK}: FP4 Tensor Core 1,440 PFLOPS with sparsity (720 PFLOPS dense) per rack; per GPU dense = 1440e15/72/2 = 10e15`,
      },
    },
  },
  memory: {
    kind: 'hbm',
    capacityBytes: {
      value: 189471 * 2 ** 20,
      source: `${RACK}: up to 13.4 TB HBM3e per rack ≈ 186 GB per GPU; NVIDIA's MIG table lists GB200 at 186GB (stas00/ml-engineering compute/accelerator/README.md memory table) and MLPerf Inference v6.1 Crusoe GB200-NVL72 system description: accelerator_memory_capacity "186 GB" — binary GB: nvidia-smi reports 189,471 MiB (185 GiB) per GB200, so capacity = 189471 · 2^20 B ≈ 198.7e9 B, the device memory a runtime's memory fraction is taken of, as for H100 and GB300`,
    },
    bandwidthBytesPerS: { value: 576e12 / 72, source: `${RACK}: 576 TB/s HBM3e bandwidth per rack → 8e12 B/s per GPU` },
    usableFraction: USABLE_FRACTION,
  },
  scaleUp: {
    bandwidthBytesPerS: {
      value: 1.8e12 / 2,
      source: `${RACK}: 130 TB/s NVLink Switch System per rack ≈ 72 × 1.8 TB/s per GPU, both directions summed; per direction 1.8e12/2 = 900e9 (fifth-generation NVLink, 18 links × 50 GB/s each way)`,
    },
    domainSize: {
      value: 72,
      source: `${RACK}: all 72 GPUs in one NVLink domain (jax-ml/scaling-book gpus.md: "GB200 NVL72 … 72 GPUs in a single NVLink domain with full 900GB/s of GPU to GPU bandwidth")`,
    },
    topology: 'switch',
    hopLatencyS: NVLINK_HOP_LATENCY_S,
    collectiveLatencyS: NVSWITCH_COLLECTIVE_LATENCY_S,
  },
  scaleOut: {
    bandwidthBytesPerS: {
      value: 400e9 / 8,
      source:
        'one 400 Gb/s ConnectX-7 per GPU: jax-ml/scaling-book gpus.md GB200 SuperPod, rack egress 4 × 18 × 400 Gb/s / 8 = 3.6 TB/s for 72 GPUs = 50e9 B/s each; MLPerf Inference v6.1 Crusoe GB200-NVL72 system description: 4 ConnectX-7 per 4-GPU compute tray',
    },
    hopLatencyS: INFINIBAND_HOP_LATENCY_S,
  },
  power: {
    idleW: idleFromTdp(1200),
    nodeOverheadW: {
      value: 120_000 / 72 - 1200,
      source:
        'derived: a GB200 NVL72 rack draws about 120 kW for 72 GPUs (introl.com/blog/why-nvidia-gb300-nvl72-blackwell-ultra-matters: 18 compute trays of ~6.5 kW, 9 NVLink switch trays 3.6 kW, power shelves of 132 kW DC output; the ~120 kW rack figure of NVIDIA\'s NVL72 material) = 1,667 W per GPU, less the GPU\'s 1,200 W: 467 W of Grace CPU, NIC, NVLink switch and conversion power per GPU',
    },
    maxW: {
      value: 1200,
      source:
        'GB200 runs each Blackwell GPU at up to 1,200 W (glennklockwood.com/garden/processors/B200: "GB200 variant of B200 when configured to 1,200 W"; verda.com GB300 NVL72 architecture blog, per-GPU table: GB200 max TDP 1.2 kW)',
    },
  },
  price: {
    usdPerChipHour: {
      value: 9.08 / 2,
      source:
        'on-demand list price: Spheron GB200 $9.08 per hour per GB200 Superchip (1 Grace + 2 Blackwell GPUs), "prices as of 17 March 2026" (spheron.network/blog/nvidia-h200-vs-b200-vs-gb200; read 2026-11-23) → $4.54 per GPU-hour. A list price, not a committed or negotiated rate: override with your own',
    },
    asOf: '2026-03-17',
    capitalUsd: {
      value: 3450000 / 72,
      source: 'rack purchase price per GPU: GB200 NVL72 $3.0–3.9 M (ornnai.com (research/nvidia-b200-vs-b300-why-use-one-instead-of-the-other, 2026; read 2026-12-04)), midpoint $3.45 M / 72 GPUs = $47,917, the system included',
    },
    systemCapitalUsdPerChip: { value: 0, source: 'included in capitalUsd, a whole-rack price (Grace CPUs, NVLink switches, power shelves)' },
    capitalAsOf: '2026-12-04',
  },
  // the best fitted of the serving stacks InferenceX ran it on (pnpm validate --fit --write): docs/MODEL.md §9
  efficiency: INFERENCEX.efficiency,
  efficiencyProfiles: INFERENCEX.profiles,
  notes:
    'Per-GPU figures derived from rack totals (÷72, sparse headline figures halved). fp32 means TF32. collectiveLatencyS is the 8-GPU small-message figure; collectives spanning all 72 GPUs will take longer (no measurement in hand). The Grace CPU memory (LPDDR5X) is not counted in capacity.',
});

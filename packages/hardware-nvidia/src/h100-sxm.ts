import type { ChipEfficiency, ChipSpec } from '@ridgeline/hardware';
import {
  DGX_HOPPER_NODE_OVERHEAD_W,
  hopperComponentPower,
  fittedEfficiency,
  inferencexProfiles,
  HOPPER_SOURCED,
  CX7_400G_PER_GPU,
  idleFromTdp,
  INFINIBAND_HOP_LATENCY_S,
  NVLINK_HOP_LATENCY_S,
  NVSWITCH_COLLECTIVE_LATENCY_S,
  USABLE_FRACTION,
} from './common.ts';

const DATASHEET = 'NVIDIA H100 Tensor Core GPU datasheet, H100 SXM column';

/** The efficiencies of the 2023 paper rows' stacks: the `2023` profile, and η_flop at precisions no current stack was fitted at. */
const EFFICIENCY_2023: ChipEfficiency = {
  ...fittedEfficiency(
  { flop: [[128, 0.3], [4096, 0.55]], memory: 0.35, network: 0.5, layerOverheadS: 120e-6, commOverlap: 0.25 },
  'TRTO-01…TRTO-04, TRTO-07, TRTO-09, TRTO-10, TRTO-12, TRTO-14, L3-01…L3-03',
  4.6,
),
  calibration: { status: 'fitted', basis: 'pnpm validate --fit over public.csv rows TRTO-01…TRTO-04, TRTO-07, TRTO-09, TRTO-10, TRTO-12, TRTO-14, L3-01…L3-03 (2023 TensorRT-LLM and Llama 3 tables, median |error| 4.6% in sample and 10.1% with each row left out of the fit that predicts it)', outOfSampleError: { throughput: 0.201, interactivity: 0.23, on: 'InferenceX DeepSeek-R1, 62 H100 rows, continuous batching (apps/validation, 2026-12-06)' } },
};

const INFERENCEX = inferencexProfiles('h100-sxm', EFFICIENCY_2023.flop, HOPPER_SOURCED);

/**
 * NVIDIA H100 SXM5 80GB in an 8-GPU HGX/DGX node (NVLink4 + third-generation NVSwitch).
 *
 * @example
 * h100Sxm.compute.peakDenseFlopsPerS.bf16?.value; // 989.5e12
 */
export const h100Sxm: ChipSpec = {
  id: 'h100-sxm',
  name: 'NVIDIA H100 SXM5 80GB',
  vendor: 'NVIDIA',
  kind: 'gpu',
  aliases: ['h100', 'h100-sxm5', 'h100-80gb'],
  compute: {
    peakDenseFlopsPerS: {
      fp32: {
        value: 989e12 / 2,
        source: `${DATASHEET}: TF32 Tensor Core 989 TFLOPS with sparsity; dense = 494.5e12. TF32 is used as the fp32 matmul rate (assumes TF32 math is enabled); plain FP32 (CUDA cores) is 67 TFLOPS`,
      },
      bf16: { value: 1979e12 / 2, source: `${DATASHEET}: BF16 Tensor Core 1,979 TFLOPS with sparsity; dense = 989.5e12` },
      fp16: { value: 1979e12 / 2, source: `${DATASHEET}: FP16 Tensor Core 1,979 TFLOPS with sparsity; dense = 989.5e12` },
      fp8: { value: 3958e12 / 2, source: `${DATASHEET}: FP8 Tensor Core 3,958 TFLOPS with sparsity; dense = 1979e12` },
      int8: { value: 3958e12 / 2, source: `${DATASHEET}: INT8 Tensor Core 3,958 TOPS with sparsity; dense = 1979e12` },
    },
  },
  memory: {
    kind: 'hbm',
    capacityBytes: {
      value: 81559 * 2 ** 20,
      source: `${DATASHEET}: GPU memory 80 GB HBM3; nvidia-smi reports 81559 MiB for this part, so capacity = 81559 · 2^20 B`,
    },
    bandwidthBytesPerS: { value: 3.35e12, source: `${DATASHEET}: GPU memory bandwidth 3.35 TB/s` },
    usableFraction: USABLE_FRACTION,
  },
  scaleUp: {
    bandwidthBytesPerS: {
      value: 900e9 / 2,
      source: `${DATASHEET}: NVIDIA NVLink 900 GB/s, both directions summed; per direction 450e9 (jax-ml/scaling-book gpus.md: 18 NVLink4 links × 25 GB/s each way = 450 GB/s)`,
    },
    domainSize: {
      value: 8,
      source: 'jax-ml/scaling-book gpus.md "At the node level": an H100 node is 8 GPUs on 4 NVSwitches, all-to-all at full NVLink bandwidth',
    },
    topology: 'switch',
    hopLatencyS: NVLINK_HOP_LATENCY_S,
    collectiveLatencyS: NVSWITCH_COLLECTIVE_LATENCY_S,
  },
  scaleOut: { bandwidthBytesPerS: CX7_400G_PER_GPU, hopLatencyS: INFINIBAND_HOP_LATENCY_S },
  power: {
    idleW: idleFromTdp(700),
    // the component model (docs/MODEL.md §10): P_static = the idle estimate above
    ...hopperComponentPower(idleFromTdp(700), 700, { bf16: 989.5e12, fp16: 989.5e12, fp8: 1979e12, int8: 1979e12 }, DGX_HOPPER_NODE_OVERHEAD_W),
    maxW: { value: 700, source: `${DATASHEET}: max thermal design power (TDP) up to 700 W (configurable)` },
  },
  price: {
    usdPerChipHour: {
      value: 2.95,
      source:
        'on-demand list price: Nebius AI Cloud, NVIDIA HGX H100 (8-GPU) $2.95 per GPU-hour (nebius.com/prices, as tabulated from live public pricing on 2026-05-18 in opslyft.com "Nebius vs AWS GPU cost allocation"; read 2026-11-23). A list price, not a committed or negotiated rate: override with your own',
    },
    asOf: '2026-05-18',
    capitalUsd: {
      value: 27500,
      source: 'purchase price: H100 sold for $25,000–30,000 (Raymond James estimate, reported by Tae Kim, Barron\'s, August 2023, as cited in Epoch AI\'s training-cost-trends notebook, github.com/epoch-research/training-cost-trends; read 2026-12-05) → midpoint $27,500',
    },
    systemCapitalUsdPerChip: {
      value: 270000 / 8 - 27500,
      source: 'the rest of a DGX H100: SemiAnalysis estimates its sale price at ≈ $270,000 (semianalysis.com/p/ai-server-cost-analysis-memory-is, May 2023, as cited in Epoch AI\'s training-cost-trends notebook; read 2026-12-05) → 270,000 / 8 − 27,500 = $6,250 per GPU for host, NICs and NVSwitch baseboard',
    },
    capitalAsOf: '2026-12-05',
  },
  // the best fitted of the serving stacks InferenceX ran it on (pnpm validate --fit --write): docs/MODEL.md §9
  efficiency: INFERENCEX.efficiency,
  efficiencyProfiles: { ...INFERENCEX.profiles, '2023': { ...EFFICIENCY_2023, description: 'the stacks of the published paper rows it is fitted to: TensorRT-LLM\'s 2023 performance tables and NVIDIA\'s Llama 3 tables' } },
  notes:
    'Dense Tensor Core rates (NVIDIA headline figures are 2:4-sparse and were halved). fp32 means TF32 Tensor Core math. Scale-up is per direction; all-reduces use NVLink SHARP (NVLS) in NCCL, which can exceed the ring model at large sizes.',
};

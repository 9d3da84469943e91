import type { ChipEfficiency, ChipSpec } from '@ridgeline/hardware';
import {
  DGX_HOPPER_NODE_OVERHEAD_W,
  hopperComponentPower,
  CX7_400G_PER_GPU,
  INFINIBAND_HOP_LATENCY_S,
  NVLINK_HOP_LATENCY_S,
  NVSWITCH_COLLECTIVE_LATENCY_S,
  USABLE_FRACTION,
  inferencexProfiles,
  HOPPER_SOURCED,
} from './common.ts';
import { transferredEfficiency } from '@ridgeline/hardware';
import { h100Sxm } from './h100-sxm.ts';

const DATASHEET = 'NVIDIA H200 Tensor Core GPU datasheet, H200 SXM column';

/** P_static: the measured idle draw. */
const H200_IDLE_W = {
  value: 80,
  source:
    'measured: H200 SXM idle "ghost power" 80.3 W (Serial Alice GPU Energy Benchmark, api.serialalice.pt/alice-benchmark, June 2026, TDX-attested readings); rounded to 80 W',
};

/** The efficiencies of the 2023 paper rows' stacks: the `2023` profile, and η_flop at precisions no current stack was fitted at. */
const EFFICIENCY_2023: ChipEfficiency = transferredEfficiency(h100Sxm.efficiencyProfiles!['2023']!, {
  fromId: 'h100-sxm',
  why: 'the same Hopper GPU and software stacks; only the HBM differs',
});

const INFERENCEX = inferencexProfiles('h200', EFFICIENCY_2023.flop, HOPPER_SOURCED);

/**
 * NVIDIA H200 SXM 141GB in an 8-GPU HGX/DGX node: H100 compute with HBM3e.
 *
 * @example
 * h200.memory.bandwidthBytesPerS.value; // 4.8e12
 */
export const h200: ChipSpec = {
  id: 'h200',
  name: 'NVIDIA H200 SXM 141GB',
  vendor: 'NVIDIA',
  kind: 'gpu',
  aliases: ['h200-sxm', 'h200-141gb'],
  compute: {
    peakDenseFlopsPerS: {
      fp32: {
        value: 989e12 / 2,
        source: `${DATASHEET}: TF32 Tensor Core 989 TFLOPS with sparsity; dense = 494.5e12. TF32 is used as the fp32 matmul rate (assumes TF32 math is enabled); plain FP32 is 67 TFLOPS`,
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
      value: 143155 * 2 ** 20,
      source: `${DATASHEET}: GPU memory 141 GB HBM3e; nvidia-smi reports 143,155 MiB on an 8×H200 node (stas00/ml-engineering network/benchmarks/results/all-reduce-8xH200.md; newer drivers print 143,771), so capacity = 143155 · 2^20 B ≈ 150.1e9 B: the device memory a runtime's memory fraction is taken of, as for H100`,
    },
    bandwidthBytesPerS: { value: 4.8e12, source: `${DATASHEET}: GPU memory bandwidth 4.8 TB/s` },
    usableFraction: USABLE_FRACTION,
  },
  scaleUp: {
    bandwidthBytesPerS: {
      value: 900e9 / 2,
      source: `${DATASHEET}: NVIDIA NVLink 900 GB/s, both directions summed; per direction 450e9 (NVLink4, 18 links × 25 GB/s each way)`,
    },
    domainSize: {
      value: 8,
      source: 'HGX/DGX H200: 8 GPUs on four NVSwitch chips (NVIDIA DGX BasePOD reference architecture, Core Components: "Eight NVIDIA Hopper GPUs … Four NVIDIA NVSwitch chips")',
    },
    topology: 'switch',
    hopLatencyS: NVLINK_HOP_LATENCY_S,
    collectiveLatencyS: NVSWITCH_COLLECTIVE_LATENCY_S,
  },
  scaleOut: { bandwidthBytesPerS: CX7_400G_PER_GPU, hopLatencyS: INFINIBAND_HOP_LATENCY_S },
  power: {
    // the component model (docs/MODEL.md §10): P_static = the measured idle below
    ...hopperComponentPower(H200_IDLE_W, 700, { bf16: 989.5e12, fp16: 989.5e12, fp8: 1979e12, int8: 1979e12 }, DGX_HOPPER_NODE_OVERHEAD_W),
    idleW: H200_IDLE_W,
    maxW: {
      value: 700,
      source: `${DATASHEET}: max TDP up to 700 W (MLPerf Inference v4.1 NVIDIA system H200-SXM-141GBx8_TRT_MaxQ.json hw_notes: "H200 TGP 700W")`,
    },
  },
  price: {
    usdPerChipHour: {
      value: 3.5,
      source:
        'on-demand list price: Nebius AI Cloud, one NVIDIA H200 GPU (preset 1gpu-16vcpu-200gb) $3.50 per hour, unified GPU+vCPU+RAM price from 2025-10-22 (docs.nebius.com/signup-billing/billing-changes-oct-2025; read 2026-11-23). A list price, not a committed or negotiated rate: override with your own',
    },
    asOf: '2025-10-22',
  },
  // the best fitted of the serving stacks InferenceX ran it on (pnpm validate --fit --write): docs/MODEL.md §9
  efficiency: INFERENCEX.efficiency,
  efficiencyProfiles: { ...INFERENCEX.profiles, '2023': { ...EFFICIENCY_2023, description: 'the 2023 stacks of H100\'s published paper rows, transferred' } },
  notes:
    'Same GH100 compute as H100 SXM; only memory capacity and bandwidth differ. Dense Tensor Core rates (sparse headline figures halved); fp32 means TF32.',
};

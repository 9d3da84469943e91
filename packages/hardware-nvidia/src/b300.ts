import { withEstimatedPower, type ChipSpec, type Efficiency } from '@ridgeline/hardware';
import { B200_ACHIEVABLE_BF16 } from './b200.ts';
import {
  idleFromTdp,
  INFINIBAND_HOP_LATENCY_S,
  NVLINK_HOP_LATENCY_S,
  NVSWITCH_COLLECTIVE_LATENCY_S,
  blackwellProfiles,
  USABLE_FRACTION,
  HGX_B300_NODE_OVERHEAD_W,
} from './common.ts';

const GLENN = 'glennklockwood.com/garden/processors/B300';
const GLENN_TABLE = `${GLENN}, HGX B300 table`;
const MLE = 'stas00/ml-engineering compute/accelerator/README.md (dense TFLOPS table)';
const AIC = 'ai-dynamo/aiconfigurator (NVIDIA), aic-core/src/aiconfigurator_core/systems/*.yaml, B300 SXM system (commit 095f58a)';


/** B300's BF16 achievable matmul: B200's, the same Blackwell compute (no B300 MAMF in hand). */
const ACHIEVABLE_BF16: Efficiency = { ...B200_ACHIEVABLE_BF16, source: `transferred from b200 (the same dual-die Blackwell compute for BF16): ${B200_ACHIEVABLE_BF16.source}` };

const INFERENCEX = blackwellProfiles('b300', ACHIEVABLE_BF16);

/**
 * NVIDIA B300 (Blackwell Ultra) in an 8-GPU HGX/DGX B300 node (NVLink5, NVSwitch).
 *
 * @example
 * b300.memory.capacityBytes.value; // 275040 * 2 ** 20 (288.4e9 B)
 */
export const b300: ChipSpec = withEstimatedPower({
  id: 'b300',
  name: 'NVIDIA B300 (Blackwell Ultra, HGX B300, 8-GPU NVLink domain)',
  vendor: 'NVIDIA',
  kind: 'gpu',
  aliases: ['nvidia-b300', 'blackwell-ultra', 'hgx-b300', 'dgx-b300', 'b300-sxm'],
  compute: {
    peakDenseFlopsPerS: {
      fp32: {
        value: 1125e12,
        source: `TF32 Tensor Core 1,125 TFLOPS dense per GPU (${GLENN_TABLE}: TF32 1,125 dense / 2,250 sparse; ${MLE}). TF32 is used as the fp32 matmul rate (assumes TF32 math is enabled); plain FP32 is 75 TFLOPS`,
      },
      bf16: { value: 2250e12, source: `BF16 Tensor Core 2,250 TFLOPS dense per GPU (${GLENN_TABLE}; ${MLE}; ${AIC}: all three agree, the same as B200)` },
      fp16: { value: 2250e12, source: `FP16 Tensor Core 2,250 TFLOPS dense per GPU (${GLENN_TABLE}; ${MLE}; ${AIC})` },
      fp8: { value: 4500e12, source: `FP8 Tensor Core 4,500 TFLOPS dense per GPU (${GLENN_TABLE}; ${MLE}; ${AIC}: all three agree, the same as B200)` },
      int8: {
        value: 307e12 / 2,
        source: `INT8 Tensor Core 153.5 TOPS dense per GPU: ${AIC}, NVIDIA's own figure, "307 TOPS sparse / 2" from the Blackwell Ultra datasheet. Chosen over the 4,500 TOPS that glennklockwood.com and ml-engineering list (carried over from B200): Blackwell Ultra cut INT8 and FP64 to make room for FP4, and NVIDIA's tool is the nearer source. Do not quantize to INT8 on B300; use FP8 or FP4`,
      },
      fp4: {
        value: 13125e12,
        source: `FP4 Tensor Core 13,125 TFLOPS dense per GPU (${GLENN_TABLE}: 13,125 dense / 18,000 sparse). Sources conflict: ${AIC} 14,000; ml-engineering 12,600 fp4 / 15,000 nvfp4; DGX B300's 108 PFLOPS dense per 8 GPUs would be 13,500. 13,125 is the HGX B300 table figure, in the middle of the range; NVFP4 kernels may run faster`,
      },
    },
  },
  memory: {
    kind: 'hbm',
    capacityBytes: {
      value: 275040 * 2 ** 20,
      source: `${AIC}: 275,040 MiB as nvidia-smi reports it = 288.4e9 B per GPU (HBM3e, 8 stacks 12-high), matching the marketed 288 GB (${GLENN}: 288 GB HBM3e)`,
    },
    bandwidthBytesPerS: {
      value: 8e12,
      source: `8 TB/s HBM3e per GPU (${GLENN}: "8 TB/s (max)"; stas00/ml-engineering compute/accelerator/README.md memory table). Chosen over the 7.75 TB/s in ${AIC} (DGX B300 62 TB/s / 8), as for B200 where aiconfigurator also uses a lower 7.7: the datasheet peak, with the achievable fraction left to the memory efficiency`,
    },
    usableFraction: USABLE_FRACTION,
  },
  scaleUp: {
    bandwidthBytesPerS: {
      value: 1.8e12 / 2,
      source: `fifth-generation NVLink, 1.8 TB/s per GPU both directions summed; per direction 900e9 (${AIC}: intra-node bytes/s single direction; stas00/ml-engineering network/README.md NVLink table; ${GLENN}: "2x 900 GB/s NVLink 5")`,
    },
    domainSize: { value: 8, source: `${AIC}: 8 GPUs per HGX/DGX B300 node on the NVLink switch fabric (aiwiki.ai "NVIDIA DGX B300": 8× B300)` },
    topology: 'switch',
    hopLatencyS: NVLINK_HOP_LATENCY_S,
    collectiveLatencyS: NVSWITCH_COLLECTIVE_LATENCY_S,
  },
  scaleOut: {
    bandwidthBytesPerS: {
      value: 800e9 / 8,
      source: `one 800 Gb/s ConnectX-8 per GPU = 800e9/8 = 100e9 B/s per direction: DGX B300 has 8× 800 Gb/s ConnectX-8 (stas00/ml-engineering network/README.md inter-node NIC table; ${AIC} inter-node bytes/s); AWS P6-B300 gives the same per GPU (16× 400 Gb/s EFA per 8 GPUs)`,
    },
    hopLatencyS: INFINIBAND_HOP_LATENCY_S,
  },
  power: {
    idleW: idleFromTdp(1100),
    maxW: {
      value: 1100,
      source: `${AIC}: 1,100 W per GPU, configurable. The DGX B300 power-capping docs (via stas00/ml-engineering power table) give a 1,000 W maximum TGP; 1,100 W is used because it is NVIDIA's per-GPU figure for the HGX part and maxW is the most a GPU may draw. Set 1,000 W for a DGX B300 at its cap`,
    },
  },
  price: {
    usdPerChipHour: {
      value: 6.03 * (53000 / 50000),
      source:
        'estimate, no on-demand list price found for B300 (chips catalog: none in the sources): B200\'s on-demand list price, Spheron $6.03 per GPU-hour "as of 17 March 2026" (spheron.network/blog/nvidia-h200-vs-b200-vs-gb200), scaled by the purchase prices ornnai.com gives (research/nvidia-b200-vs-b300-why-use-one-instead-of-the-other, 2026; read 2026-12-04): B300 module ≈ $53,000 vs B200 SXM ≈ $50,000 → 6.03 × 53/50 = $6.39. Same page, cross-check: observed neocloud on-demand B300 rentals $5.00–7.25 per hour. Override with your own rate',
    },
    asOf: '2026-03-17',
    capitalUsd: {
      value: 53000,
      source: 'purchase price: B300 module ≈ $53,000 (ornnai.com (research/nvidia-b200-vs-b300-why-use-one-instead-of-the-other, 2026; read 2026-12-04)). The system\'s share (host, NICs, switches) is not sourced: give --system-capital-usd',
    },
    capitalAsOf: '2026-12-04',
  },
  // the best fitted of the serving stacks InferenceX ran it on (pnpm validate --fit --write): docs/MODEL.md §9
  efficiency: INFERENCEX.efficiency,
  efficiencyProfiles: INFERENCEX.profiles,
  notes:
    'Blackwell Ultra: same dual-die Blackwell compute as B200 for BF16/FP8, more dense FP4, 288 GB of 12-high HBM3e, and INT8 and FP64 cut (use FP8 or FP4, not INT8). Dense Tensor Core rates; fp32 means TF32. Scale-out is 800 Gb/s ConnectX-8 per GPU, twice B200.',
}, HGX_B300_NODE_OVERHEAD_W);

import { withEstimatedPower, transferredEfficiency, transferredProfiles, withGpuFigures, type ChipSpec, type TransferRule } from '@ridgeline/hardware';
import { b300 } from './b300.ts';
import { gb200Nvl72 } from './gb200-nvl72.ts';
import {
  idleFromTdp,
  INFINIBAND_HOP_LATENCY_S,
  NVLINK_HOP_LATENCY_S,
  NVSWITCH_COLLECTIVE_LATENCY_S,
  USABLE_FRACTION,
  GB300_NVL72_NODE_OVERHEAD_W,
} from './common.ts';

const RACK = 'GB300 NVL72 rack figures in glennklockwood.com/garden/processors/B300 (72 Blackwell Ultra GPUs + 36 Grace CPUs per rack)';
const MLE = 'stas00/ml-engineering compute/accelerator/README.md (dense TFLOPS table, GB300 row)';
const AIC = 'ai-dynamo/aiconfigurator (NVIDIA), aic-core/src/aiconfigurator_core/systems/*.yaml, GB300 system (commit 095f58a)';


/**
 * GB300 is B300's GPU in GB200's rack. The rule's error is measured on the pair that differs the
 * same way, stack by stack: B200's trtllm profile predicting GB200 NVL72's trtllm rows (B300's
 * default is its trtllm profile), and B200's sglang profile GB200's sglang rows
 * (`pnpm validate --fit`).
 */
const TRANSFER: TransferRule = {
  fromId: 'b300',
  why: 'the same Blackwell Ultra GPU and software stacks, in an NVL72 rack with Grace CPUs',
  // the default's and the trtllm profile's (a profile not named below quotes this)
  outOfSampleError: { throughput: 0.161, interactivity: 0.168, ttft: 0.396, on: "InferenceX DeepSeek-R1: b200's trtllm profile on gb200-nvl72's 116 trtllm rows, the same GPU-to-rack transfer (pnpm validate --fit)" },
  profileOutOfSampleError: {
    sglang: { throughput: 0.242, interactivity: 0.216, ttft: 0.591, on: "InferenceX DeepSeek-R1: b200's sglang profile on gb200-nvl72's 74 sglang rows, the same GPU-to-rack transfer (pnpm validate --fit)" },
  },
};

/**
 * The one exception, SGLang: B300's own SGLang profile is fitted on runs the datasheets contradict.
 * On the same configurations as B200's SGLang runs three weeks before, B300's (SGLang v0.5.10.post1,
 * April 2026) serve 0.46× B200's FP8 throughput per GPU in the median, down to 0.21×, though B300 is
 * at least B200 on every datasheet figure (apps/validation/README.md, "Measurements the datasheets
 * contradict"), so its fit (η_mem 0.4, t_req 200 ms) describes that release, not the GPU; transferred,
 * it made GB300 serve below B200 on 134 of B200's 174 SGLang row configurations and below GB200 on 70
 * of its 74. The next nearest chip is GB200 NVL72, the same rack one
 * GPU generation step back (B200 is two steps: the GPU and the rack), whose SGLang rows the check does
 * not contradict. The quoted error stays the one measured on a one-step SGLang transfer that no
 * contradicted run enters, B200 → GB200 NVL72 (B200 → B300, the GPU step, is measured on B300's
 * contradicted SGLang rows).
 */
const SGLANG_TRANSFER: TransferRule = {
  fromId: 'gb200-nvl72',
  why: "the same NVL72 rack and Blackwell software stack, one GPU step back; B300's own SGLang profile is fitted on runs that serve below B200's on the same configurations, which its datasheet contradicts (apps/validation/README.md)",
  outOfSampleError: TRANSFER.profileOutOfSampleError?.sglang,
};

const FROM_B300 = transferredProfiles(b300.efficiencyProfiles, TRANSFER);
const GB200_SGLANG = gb200Nvl72.efficiencyProfiles?.sglang;

/**
 * One Blackwell Ultra GPU of a GB300 NVL72 rack: the B300-class GPU at the GB300 power level, in a
 * 72-GPU NVLink domain.
 *
 * @example
 * gb300Nvl72.scaleUp.domainSize.value; // 72
 */
export const gb300Nvl72: ChipSpec = withEstimatedPower({
  id: 'gb300-nvl72',
  name: 'NVIDIA GB300 NVL72 (Blackwell Ultra GPU, 72-GPU NVLink domain)',
  vendor: 'NVIDIA',
  kind: 'gpu',
  aliases: ['gb300', 'nvidia-gb300', 'gb300-nvl'],
  compute: {
    peakDenseFlopsPerS: {
      fp32: {
        value: 1250e12,
        source: `TF32 Tensor Core 1,250 TFLOPS dense per GPU (${MLE}). TF32 is used as the fp32 matmul rate (assumes TF32 math is enabled); plain FP32 is 80 TFLOPS`,
      },
      bf16: { value: 2500e12, source: `BF16 Tensor Core 2,500 TFLOPS dense per GPU (${MLE}; ${AIC}: both agree, the same as GB200)` },
      fp16: { value: 2500e12, source: `FP16 Tensor Core 2,500 TFLOPS dense per GPU (${MLE}; ${AIC})` },
      fp8: {
        value: 5000e12,
        source: `FP8 Tensor Core 5,000 TFLOPS dense per GPU (${MLE}; ${AIC}); the rack's 360 PF FP8 / 72 = 5e15 agrees (${RACK})`,
      },
      int8: {
        value: 330e12 / 2,
        source: `INT8 Tensor Core 165 TOPS dense per GPU: ${AIC}, NVIDIA's own figure, the Blackwell Ultra datasheet's sparse rate / 2. Chosen over the 5,000 TOPS that ml-engineering lists (carried over from GB200): Blackwell Ultra cut INT8 and FP64 to make room for FP4, and NVIDIA's tool is the nearer source. Do not quantize to INT8 on GB300; use FP8 or FP4`,
      },
      fp4: {
        value: 15000e12,
        source: `FP4 Tensor Core 15,000 TFLOPS dense per GPU (${MLE}; ${AIC}: both agree); the rack's 1.1 EF dense FP4 / 72 ≈ 15.3e15 (${RACK})`,
      },
    },
  },
  memory: {
    kind: 'hbm',
    capacityBytes: {
      value: 284208 * 2 ** 20,
      source: `${AIC}: 284,208 MiB as nvidia-smi reports it = 298.0e9 B per GPU (HBM3e, 12-high); marketed as 288 GB per GPU (${RACK}: 20 TB per rack). The Grace CPU memory (LPDDR5X) is not counted`,
    },
    bandwidthBytesPerS: { value: 576e12 / 72, source: `${RACK}: 576 TB/s HBM3e per rack → 8e12 B/s per GPU (${AIC}: 8 TB/s)` },
    usableFraction: USABLE_FRACTION,
  },
  scaleUp: {
    bandwidthBytesPerS: {
      value: 1.8e12 / 2,
      source: `${RACK}: 130 TB/s NVLink Switch System per rack ≈ 72 × 1.8 TB/s per GPU, both directions summed; per direction 1.8e12/2 = 900e9 (${AIC}: intra-node bytes/s single direction; stas00/ml-engineering network/README.md NVLink table)`,
    },
    domainSize: { value: 72, source: `${RACK}: all 72 GPUs in one NVLink domain (${AIC})` },
    topology: 'switch',
    hopLatencyS: NVLINK_HOP_LATENCY_S,
    collectiveLatencyS: NVSWITCH_COLLECTIVE_LATENCY_S,
  },
  scaleOut: {
    bandwidthBytesPerS: {
      value: 800e9 / 8,
      source: `${RACK}: 72 ConnectX-8 NICs per rack, one 800 Gb/s NIC per GPU = 800e9/8 = 100e9 B/s per direction (${AIC}: inter-node bytes/s); twice GB200's 400 Gb/s ConnectX-7`,
    },
    hopLatencyS: INFINIBAND_HOP_LATENCY_S,
  },
  power: {
    idleW: idleFromTdp(1400),
    maxW: {
      value: 1400,
      source: `GB300 runs each Blackwell Ultra GPU at up to 1,400 W (glennklockwood.com/garden/processors/B300: "1400 W maximum", up from GB200's 1,200 W; stas00/ml-engineering power table; ${AIC}): the per-GPU maximum in the rack's power budget`,
    },
  },
  price: {
    usdPerChipHour: {
      value: (9.08 / 2) * (4.35 / 3.45),
      source:
        'estimate, no on-demand list price found for GB300 (chips catalog: none in the sources): GB200\'s on-demand list price, Spheron $9.08 per GB200 Superchip (1 Grace + 2 GPUs) "as of 17 March 2026" (spheron.network/blog/nvidia-h200-vs-b200-vs-gb200) = $4.54 per GPU-hour, scaled by the rack purchase prices ornnai.com gives (research/nvidia-b200-vs-b300-why-use-one-instead-of-the-other, 2026; read 2026-12-04): GB300 NVL72 $3.7–5.0 M vs GB200 NVL72 $3.0–3.9 M, midpoints 4.35/3.45 → 4.54 × 1.26 = $5.72. Override with your own rate',
    },
    asOf: '2026-03-17',
    capitalUsd: {
      value: 4350000 / 72,
      source: 'rack purchase price per GPU: GB300 NVL72 $3.7–5.0 M (ornnai.com (research/nvidia-b200-vs-b300-why-use-one-instead-of-the-other, 2026; read 2026-12-04)), midpoint $4.35 M / 72 GPUs = $60,417, the system included',
    },
    systemCapitalUsdPerChip: { value: 0, source: 'included in capitalUsd, a whole-rack price (Grace CPUs, NVLink switches, power shelves)' },
    capitalAsOf: '2026-12-04',
  },
  // No GB300 serving measurement is published: the B300's (the same GPU) transferred, each stack
  // too, but SGLang's serving fit, which is GB200 NVL72's (SGLANG_TRANSFER) over B300's GPU figures.
  efficiency: transferredEfficiency(b300.efficiency, TRANSFER),
  efficiencyProfiles:
    FROM_B300.sglang === undefined || GB200_SGLANG === undefined
      ? FROM_B300
      : { ...FROM_B300, sglang: withGpuFigures(transferredProfiles({ sglang: GB200_SGLANG }, SGLANG_TRANSFER).sglang!, FROM_B300.sglang) },
  notes:
    'Per-GPU figures (rack totals ÷ 72 where only those are published). Blackwell Ultra: more dense FP4 than GB200, 288 GB of 12-high HBM3e, INT8 and FP64 cut (use FP8 or FP4, not INT8). fp32 means TF32. collectiveLatencyS is the 8-GPU small-message figure; collectives spanning all 72 GPUs will take longer (no measurement in hand). Efficiencies are transferred from B300 (docs/MODEL.md §9), the SGLang profile from GB200 NVL72.',
}, GB300_NVL72_NODE_OVERHEAD_W);

/**
 * Google Cloud TPUs for Ridgeline: v4, v5e, v5p, v6e (Trillium) and TPU7x (Ironwood).
 *
 * Every number carries the document and figure it comes from. Conventions that matter here:
 * - HBM capacity is binary (GiB), as Google's own tables state it (`32 GiB`, `95 GiB`, `192 GiB`).
 * - ICI `bandwidthBytesPerS` is per chip, one direction, summed over all links: the scaling book's
 *   one-way per-link figure times the number of links (6 on a 3D torus, 4 on a 2D torus). Ridgeline
 *   divides it evenly over the torus axes.
 * - Power is published for TPU v4 only; the other chips carry estimates, and their sources say so.
 * - Efficiencies: v4 fitted to the PaLM rows, v5e/v5p/v6e η_flop fitted to MaxText rows, TPU7x transferred from v6e.
 *
 * @example
 * import google, { tpuV5e } from '@ridgeline/hardware-google';
 * google.chips.map((chip) => chip.id); // ['tpu-v4', 'tpu-v5e', 'tpu-v5p', 'tpu-v6e', 'tpu-v7']
 * tpuV5e.memory.capacityBytes.value; // 17179869184 (16 GiB)
 *
 * @module
 */
import { rackScaleNodeOverheadW, transferredEfficiency, withEstimatedPower, type ChipSpec, type HardwarePlugin } from '@ridgeline/hardware';

const GIB = 2 ** 30;

// Documents read, named once so each source string says where the figure is.
const BOOK_TPUS = 'jax-ml/scaling-book, Part 2 "How to Think About TPUs"';
const BOOK_SPECS = `${BOOK_TPUS}, chip table`;
const BOOK_ICI = `${BOOK_TPUS}, interconnect table "ICI BW/link (one-way, bytes/s)"`;
const BOOK_DCN = `${BOOK_TPUS}, text after the interconnect table (DCN bandwidth per TPU)`;
const BOOK_HOP =
  'jax-ml/scaling-book, Part 3 "Sharding", "A note on ICI latency": each ICI hop has an intrinsic overhead of "typically around 1us"';
const DOC_V4 = 'Google Cloud TPU docs "TPU v4", system architecture table';
const DOC_V5E = 'Google Cloud TPU docs "TPU v5e", system architecture table';
const DOC_V5P = 'Google Cloud TPU docs "TPU v5p", system architecture table';
const DOC_V6E = 'Google Cloud TPU docs "TPU v6e", system architecture table';
const DOC_TPU7X = 'Google Cloud TPU docs "TPU7x (Ironwood)", system architecture table (v5p | v6e | TPU7x columns)';
const PRICING = 'Google Cloud TPU pricing page (cloud.google.com/tpu/pricing), on-demand "starting at" price per chip-hour';

// Initial efficiencies, shared where no chip-specific measurement was read.
const ETA_MEM = {
  value: 0.85,
  source: `initial: ${BOOK_TPUS}, worked problem 1 — an HBM-bound sampling step "is close to being achievable" at small batch; 0.85 of peak HBM bandwidth assumed until refitted`,
} as const;
const ETA_NET = {
  value: 0.8,
  source: `initial: assumed 0.8 of the ICI link rate for ring collectives on a full torus (wraparound links); ${BOOK_TPUS} notes that without wraparound the rate halves`,
} as const;
const LAYER_OVERHEAD = {
  value: 5e-6,
  source:
    'initial: XLA compiles a whole step into one program (no per-kernel launch), so the fixed per-layer cost is synchronisation and pipeline fill, a few ICI hop latencies (~1 µs each, scaling book Part 3); 5 µs assumed until refitted',
} as const;
const USABLE_HBM = {
  value: 0.94,
  source:
    'initial estimate: the XLA runtime, compiled program and compiler scratch buffers reserve a few percent of HBM; 0.94 assumed',
} as const;
const DCN_HOP = {
  value: 1e-5,
  source: 'estimate: data-center network between hosts (NIC + switch hops), ~10 µs; no per-hop DCN latency is published in the TPU docs read',
} as const;

/**
 * Google Cloud TPU v4: 275 TFLOP/s (bf16 = int8), 32 GiB HBM2 at 1.2 TB/s, 3D torus of up to 4096 chips.
 *
 * @example
 * import { tpuV4 } from '@ridgeline/hardware-google';
 * tpuV4.compute.peakDenseFlopsPerS.bf16?.value; // 275e12
 */
/** One set fitted over the Pope et al. and PaLM rows by grid search (mean |log error|), η_flop a two-point curve. */
const TPU_V4_FIT = 'fit: pnpm validate --fit over public.csv rows ESTI-01…ESTI-17, ESTI-25…ESTI-29 (Pope et al. 2022, PaLM on 64 TPU v4) and PALM-01…PALM-03 (PaLM training on 6144 TPU v4); median |error| 4.0% in sample, 9.5% with each row predicted by the fit on the others (2026-12-06)';

export const tpuV4: ChipSpec = withEstimatedPower({
  id: 'tpu-v4',
  name: 'Google Cloud TPU v4',
  vendor: 'Google',
  kind: 'tpu',
  aliases: ['v4', 'tpuv4'],
  compute: {
    peakDenseFlopsPerS: {
      bf16: { value: 275e12, source: `${DOC_V4}: "Peak compute per chip 275 teraflops (bf16 or int8)"` },
      int8: { value: 275e12, source: `${DOC_V4}: "275 teraflops (bf16 or int8)" — v4 int8 runs at the bf16 rate; ${BOOK_SPECS} (TPU v4p: 2.75e14 int8)` },
    },
  },
  memory: {
    kind: 'hbm',
    capacityBytes: { value: 32 * GIB, source: `${DOC_V4}: "HBM2 capacity and bandwidth 32 GiB, 1200 GBps"` },
    bandwidthBytesPerS: { value: 1200e9, source: `${DOC_V4}: "32 GiB, 1200 GBps"; ${BOOK_SPECS} (1.2e12)` },
    usableFraction: USABLE_HBM,
  },
  scaleUp: {
    bandwidthBytesPerS: {
      value: 6 * 4.5e10,
      source: `${BOOK_ICI}: TPU v4p 4.5e10 per link, × 6 links (3D torus, ±x ±y ±z; ${BOOK_TPUS} "TPU v4 and TPU v5p are connected to the nearest 6 neighbors")`,
    },
    domainSize: { value: 4096, source: `${DOC_V4}: "TPU Pod size 4096 chips"; ${BOOK_SPECS} (16x16x16 superpod)` },
    topology: 'torus3d',
    hopLatencyS: { value: 1e-6, source: BOOK_HOP },
  },
  scaleOut: {
    bandwidthBytesPerS: { value: 6.25e9, source: `${BOOK_DCN}: "typically around 6.25e9 bytes / second per TPU"` },
    hopLatencyS: DCN_HOP,
  },
  power: {
    idleW: { value: 90, source: `${DOC_V4}: "Measured min/mean/max power 90/170/192 W" (the same measurements as Jouppi et al., ISCA 2023, TPU v4 paper)` },
    maxW: { value: 192, source: `${DOC_V4}: "Measured min/mean/max power 90/170/192 W" (Jouppi et al., ISCA 2023)` },
  },
  price: {
    usdPerChipHour: {
      value: 3.22,
      source: `${PRICING}, TPU v4 on-demand; the $3.22/chip-hour figure is also quoted from that page by the INFER forecasting question "Will the price per chip-hour of ... TPU v4 be greater than $3.22" (posted 2022-08-11)`,
    },
    asOf: '2022-08-11',
  },
  efficiency: {
    // small GEMMs (decode, a 64-chip prefill's slices) at 0.5 of peak, training-sized ones at 0.65
    flop: { curve: [[128, 0.5], [4096, 0.65]], over: 'arithmeticIntensity', source: TPU_V4_FIT },
    memory: { value: 0.6, source: TPU_V4_FIT },
    network: { value: 0.9, source: TPU_V4_FIT },
    layerOverheadS: { value: 60e-6, source: TPU_V4_FIT },
    // XLA overlaps prefill collectives with the matmuls (Pope et al. §3.5, looped collective einsums).
    commOverlap: { value: 0.9, source: TPU_V4_FIT },
    calibration: { status: 'fitted', basis: 'pnpm validate --fit over public.csv rows ESTI-01…ESTI-17, ESTI-25…ESTI-29 (Pope et al. 2022, PaLM inference on TPU v4) and PALM-01…PALM-03 (PaLM training), median |error| 4.0% in sample and 9.5% with each row left out of the fit that predicts it; no current serving stack measured' },
  },
  notes:
    'ICI figure uses the scaling book per-link rate (4.5e10 one way) × 6 links. Slices smaller than a 4x4x4 cube have no wraparound links, which roughly halves ring-collective bandwidth. Price is the last confirmed v4 list price (2022).',
}, rackScaleNodeOverheadW(192, 'TPU v4 hosts and ICI (4 chips per host)'));

/**
 * Google Cloud TPU v5e: 197 TFLOP/s bf16 (int8 2×), 16 GiB HBM at 819 GB/s, 2D torus of up to 256 chips.
 *
 * @example
 * import { tpuV5e } from '@ridgeline/hardware-google';
 * tpuV5e.compute.peakDenseFlopsPerS.int8?.value; // 394e12
 */
export const tpuV5e: ChipSpec = withEstimatedPower({
  id: 'tpu-v5e',
  name: 'Google Cloud TPU v5e',
  vendor: 'Google',
  kind: 'tpu',
  aliases: ['v5e', 'v5litepod'],
  compute: {
    peakDenseFlopsPerS: {
      bf16: { value: 197e12, source: `${DOC_V5E}: "Peak compute per chip (bf16) 197 TFLOPs"; ${BOOK_SPECS} (1.97e14)` },
      int8: {
        value: 2 * 197e12,
        source: `${BOOK_SPECS}: TPU v5e int8 3.94e14 = 2 × bf16 (${DOC_V5E} rounds it to "393 TOPs")`,
      },
    },
  },
  memory: {
    kind: 'hbm',
    capacityBytes: {
      value: 16 * GIB,
      source: `${DOC_V5E}: "HBM2 capacity and bandwidth 16 GB, 819 GBps"; ${BOOK_TPUS} states it as "TPU v5e has 16GiB of HBM"`,
    },
    bandwidthBytesPerS: {
      value: 819e9,
      source: `${DOC_V5E}: "16 GB, 819 GBps" (a newer version of the table says "800 GiBps"; ${BOOK_SPECS} 8.1e11–8.2e11)`,
    },
    usableFraction: USABLE_HBM,
  },
  scaleUp: {
    bandwidthBytesPerS: {
      value: 4 * 4.5e10,
      source: `${BOOK_ICI}: TPU v5e 4.5e10 per link, × 4 links (2D torus; ${DOC_V5E} "ICI ports per chip 4", "Bidirectional ... ICI bandwidth (per chip) 400 GBps")`,
    },
    domainSize: { value: 256, source: `${DOC_V5E}: "TPU Pod size 256 chips"; ${BOOK_SPECS} (16x16)` },
    topology: 'torus2d',
    hopLatencyS: { value: 1e-6, source: BOOK_HOP },
  },
  scaleOut: {
    bandwidthBytesPerS: {
      value: (2 * 100e9) / 8 / 8,
      source: `${DOC_V5E}: "Per-host NIC configuration 2 x 100 Gbps NIC", "Chips per host 8" → 25 Gb/s per chip; ${BOOK_DCN} (3.125e9 for TPU v5e)`,
    },
    hopLatencyS: DCN_HOP,
  },
  power: {
    idleW: { value: 68, source: 'estimate: 0.47 × the estimated max power (TPU v4 measured min/max ratio 90/192 W, Google Cloud TPU v4 docs)' },
    maxW: {
      value: 145,
      source:
        'estimate (no published TPU v5e power): Google\'s Trillium announcement (May 2024) says v6e is "67% more energy-efficient than TPU v5e"; with the v6e estimate of 2.3 TFLOP/s/W (see tpu-v6e) v5e ≈ 2.3/1.67 = 1.38 TFLOP/s/W → 197e12 / 1.38e12 ≈ 145 W',
    },
  },
  price: {
    usdPerChipHour: { value: 1.2, source: `${PRICING}, TPU v5e on-demand, US regions ($1.20); not re-read in this session — check before relying on it` },
    asOf: '2025-01-07',
  },
  efficiency: {
    flop: {
      value: 0.9,
      source:
        'fit: pnpm validate --fit over public.csv rows MAXT-11, MAXT-12 (MaxText training on one TPU v5e-256; MAXT-12 does not fit in HBM without activation offloading, so MAXT-11 alone sets it, 7.7% off at 0.9; the fit\'s 0.95 (3.1%, 2026-12-06) is past the ≈ 0.89 of peak that its 66.86 % MFU with full rematerialisation executes, so 0.9 is kept; one row, so no error out of sample); training rows pin η_flop only, the other efficiencies are initial values',
    },
    memory: ETA_MEM,
    network: ETA_NET,
    layerOverheadS: LAYER_OVERHEAD,
    calibration: { status: 'fitted', basis: 'pnpm validate --fit over public.csv rows MAXT-11, MAXT-12 (MaxText training on TPU v5e-256; η_flop only, the rest sourced starting values)' },
  },
  notes:
    'Single TensorCore per chip, 8 chips per host. The pod cannot grow past 16x16; slices with an axis shorter than 16 have no wraparound on that axis. Power is an estimate (see source).',
}, rackScaleNodeOverheadW(145, 'TPU v5e hosts'));

/**
 * Google Cloud TPU v5p: 459 TFLOP/s bf16 (int8 2×), 95 GiB HBM2e at 2.765 TB/s, 3D torus pod of 8960 chips.
 *
 * @example
 * import { tpuV5p } from '@ridgeline/hardware-google';
 * tpuV5p.scaleUp.topology; // 'torus3d'
 */
export const tpuV5p: ChipSpec = withEstimatedPower({
  id: 'tpu-v5p',
  name: 'Google Cloud TPU v5p',
  vendor: 'Google',
  kind: 'tpu',
  aliases: ['v5p'],
  compute: {
    peakDenseFlopsPerS: {
      bf16: { value: 459e12, source: `${DOC_V5P}: "Peak compute per chip (BF16) 459 TFLOPs"; ${BOOK_SPECS} (4.59e14)` },
      int8: { value: 2 * 459e12, source: `${BOOK_SPECS}: TPU v5p int8 9.18e14 = 2 × bf16` },
      fp8: { value: 459e12, source: `${DOC_TPU7X}: "Peak compute per chip (FP8) (TFLOPs)" v5p 459 — fp8 runs at the bf16 rate on v5p` },
    },
  },
  memory: {
    kind: 'hbm',
    capacityBytes: { value: 95 * GIB, source: `${DOC_TPU7X}: "HBM capacity per chip (GiB)" v5p 95; ${DOC_V5P} "95 GB, 2765 GBps"` },
    bandwidthBytesPerS: { value: 2765e9, source: `${DOC_TPU7X}: "HBM bandwidth per chip (GBps)" v5p 2765; ${BOOK_SPECS} (2.8e12)` },
    usableFraction: USABLE_HBM,
  },
  scaleUp: {
    bandwidthBytesPerS: {
      value: 6 * 9e10,
      source: `${BOOK_ICI}: TPU v5p 9.0e10 per link, × 6 links (3D torus). ${DOC_TPU7X} lists 1200 GBps bidirectional per chip, i.e. 6e11 one way — 10% above the scaling book's figure`,
    },
    domainSize: {
      value: 8960,
      source: `${DOC_V5P}: "There are 8960 chips in a v5p Pod"; ${BOOK_SPECS} (16x20x28). The largest single slice Google schedules is 6144 chips (16x16x24)`,
    },
    topology: 'torus3d',
    hopLatencyS: { value: 1e-6, source: BOOK_HOP },
  },
  scaleOut: {
    bandwidthBytesPerS: { value: 50e9 / 8, source: `${DOC_TPU7X}: "Data center network (DCN) bandwidth per chip (Gbps)" v5p 50 → 6.25e9 B/s; ${BOOK_DCN}` },
    hopLatencyS: DCN_HOP,
  },
  power: {
    idleW: { value: 155, source: 'estimate: 0.47 × the estimated max power (TPU v4 measured min/max ratio 90/192 W, Google Cloud TPU v4 docs)' },
    maxW: {
      value: 330,
      source:
        'estimate (no published TPU v5p power): assumes the same peak efficiency as its sibling v5e (~1.38 TFLOP/s/W, see tpu-v5e) → 459e12 / 1.38e12 ≈ 330 W',
    },
  },
  price: {
    usdPerChipHour: { value: 4.2, source: `${PRICING}, TPU v5p on-demand, US regions ($4.20); not re-read in this session — check before relying on it` },
    asOf: '2025-01-07',
  },
  efficiency: {
    flop: {
      value: 0.85,
      source:
        'fit: pnpm validate --fit over public.csv rows MAXT-07, MAXT-08, MAXT-09 (MaxText training on TPU v5p; MAXT-09 does not fit in HBM under Ridgeline\'s activation model; median |error| 6.4% in sample, 14.7% with each row left out of the fit that predicts it, 2026-12-06); training rows pin η_flop only, the other efficiencies are initial values',
    },
    memory: ETA_MEM,
    network: ETA_NET,
    layerOverheadS: LAYER_OVERHEAD,
    calibration: { status: 'fitted', basis: 'pnpm validate --fit over public.csv rows MAXT-07…MAXT-09 (MaxText training on TPU v5p; η_flop only, the rest sourced starting values)' },
  },
  notes:
    'Two TensorCores per chip (megacore), 4 chips per host. fp8 is accepted at the bf16 rate (459 TFLOP/s); int8 is 2×. Pod 8960 chips, largest single slice 6144. Power is an estimate (see source).',
}, rackScaleNodeOverheadW(330, 'TPU v5p hosts and ICI'));

/**
 * Google Cloud TPU v6e (Trillium): 918 TFLOP/s bf16 (int8 2×), 32 GiB HBM at 1.638 TB/s, 2D torus of 256.
 *
 * @example
 * import { tpuV6e } from '@ridgeline/hardware-google';
 * tpuV6e.aliases; // ['trillium', 'v6e']
 */
export const tpuV6e: ChipSpec = withEstimatedPower({
  id: 'tpu-v6e',
  name: 'Google Cloud TPU v6e (Trillium)',
  vendor: 'Google',
  kind: 'tpu',
  aliases: ['trillium', 'v6e'],
  compute: {
    peakDenseFlopsPerS: {
      bf16: { value: 918e12, source: `${DOC_V6E}: "Peak compute per chip (bf16) 918 TFLOPs" (${BOOK_SPECS} rounds to 9.20e14)` },
      int8: { value: 2 * 918e12, source: `${DOC_V6E}: "Peak compute per chip (Int8) 1836 TOPs" = 2 × bf16` },
      fp8: { value: 918e12, source: `${DOC_TPU7X}: "Peak compute per chip (FP8) (TFLOPs)" v6e 918 — fp8 runs at the bf16 rate on v6e` },
    },
  },
  memory: {
    kind: 'hbm',
    capacityBytes: { value: 32 * GIB, source: `${DOC_TPU7X}: "HBM capacity per chip (GiB)" v6e 32 (${DOC_V6E} writes "32 GB")` },
    bandwidthBytesPerS: { value: 1638e9, source: `${DOC_V6E}: "HBM bandwidth per chip 1638 GBps"; ${DOC_TPU7X} v6e 1638` },
    usableFraction: USABLE_HBM,
  },
  scaleUp: {
    bandwidthBytesPerS: {
      value: 4 * 9e10,
      source: `${BOOK_ICI}: TPU v6e 9.0e10 per link, × 4 links (2D torus; ${DOC_V6E} "ICI ports per chip 4", "Bidirectional ... ICI bandwidth (per chip) 800 GBps" = 4e11 one way)`,
    },
    domainSize: { value: 256, source: `${DOC_V6E}: "TPU Pod size 256 chips"; ${BOOK_SPECS} (16x16)` },
    topology: 'torus2d',
    hopLatencyS: { value: 1e-6, source: BOOK_HOP },
  },
  scaleOut: {
    bandwidthBytesPerS: { value: 100e9 / 8, source: `${DOC_TPU7X}: "Data center network (DCN) bandwidth per chip (Gbps)" v6e 100 → 1.25e10 B/s; ${BOOK_DCN}` },
    hopLatencyS: DCN_HOP,
  },
  power: {
    idleW: { value: 188, source: 'estimate: 0.47 × the estimated max power (TPU v4 measured min/max ratio 90/192 W, Google Cloud TPU v4 docs)' },
    maxW: {
      value: 400,
      source:
        'estimate (no published v6e power): Google\'s Ironwood announcement (Apr 2025) claims 2× the performance per watt of Trillium; with Ironwood at ~1 kW (see tpu-v7) its FP8 peak gives 4.6 TFLOP/s/W, so Trillium ≈ 2.3 TFLOP/s/W → 918e12 / 2.3e12 ≈ 400 W',
    },
  },
  price: {
    usdPerChipHour: {
      value: 2.7,
      source: `${PRICING}, TPU v6e on-demand ($2.70); cross-checked against skypilot-org/skypilot PR #4540 catalog rows (tpu-v6e-256, us-east5, $691.20/h ÷ 256 = $2.70)`,
    },
    asOf: '2025-01-07',
  },
  efficiency: {
    flop: {
      value: 0.6,
      source:
        'fit: pnpm validate --fit over public.csv rows MAXT-01…MAXT-06, MAXT-14 (MaxText training on TPU v6e-256; median |error| 4.5% in sample and 4.5% with each row left out of the fit that predicts it, 2026-12-06); training rows pin η_flop only, the other efficiencies are initial values',
    },
    memory: ETA_MEM,
    network: ETA_NET,
    layerOverheadS: LAYER_OVERHEAD,
    calibration: { status: 'fitted', basis: 'pnpm validate --fit over public.csv rows MAXT-01…MAXT-06, MAXT-14 (MaxText training on TPU v6e-256; η_flop only, the rest sourced starting values)' },
  },
  notes:
    'Trillium: one TensorCore with two 256x256 MXUs (weights should be padded to 256), 8 chips per host, pod capped at 16x16. fp8 at the bf16 rate; int8 2×. Power is an estimate (see source).',
}, rackScaleNodeOverheadW(400, 'TPU v6e (Trillium) hosts'));

/**
 * Google Cloud TPU7x (Ironwood): 2307 TFLOP/s bf16, 4614 TFLOP/s fp8, 192 GiB HBM3e at 7.38 TB/s, 9216-chip pod.
 *
 * @example
 * import { tpuV7 } from '@ridgeline/hardware-google';
 * tpuV7.compute.peakDenseFlopsPerS.fp8?.value; // 4614e12
 */
export const tpuV7: ChipSpec = withEstimatedPower({
  id: 'tpu-v7',
  name: 'Google Cloud TPU7x (Ironwood)',
  vendor: 'Google',
  kind: 'tpu',
  aliases: ['ironwood', 'tpu7x', 'v7'],
  compute: {
    peakDenseFlopsPerS: {
      bf16: { value: 2307e12, source: `${DOC_TPU7X}: "Peak compute per chip (BF16) (TFLOPs)" TPU7x 2307; ${BOOK_SPECS} (TPU7x 2.30e15)` },
      fp8: {
        value: 4614e12,
        source: `${DOC_TPU7X}: "Peak compute per chip (FP8) (TFLOPs)" TPU7x 4614; Google Cloud "TPU7x (Ironwood) performance optimizations" ("4614 TFLOPS per chip")`,
      },
      int8: { value: 4614e12, source: `${BOOK_SPECS}: TPU7x int8 column 4.61e15 (Google's TPU7x page lists FP8 only)` },
    },
  },
  memory: {
    kind: 'hbm',
    capacityBytes: { value: 192 * GIB, source: `${DOC_TPU7X}: "HBM capacity per chip (GiB)" TPU7x 192` },
    bandwidthBytesPerS: { value: 7380e9, source: `${DOC_TPU7X}: "HBM bandwidth per chip (GBps)" TPU7x 7380; ${BOOK_SPECS} (7.4e12)` },
    usableFraction: USABLE_HBM,
  },
  scaleUp: {
    bandwidthBytesPerS: {
      value: 6 * 9e10,
      source: `${BOOK_ICI}: TPU7x 9.0e10 per link, × 6 links (3D torus, as v5p; ${DOC_TPU7X} "Bidirectional ICI bandwidth per chip (GBps)" 1200, the same as v5p)`,
    },
    domainSize: { value: 9216, source: `${DOC_TPU7X}: "Number of chips per pod" 9216; ${BOOK_SPECS} (4x4x576)` },
    topology: 'torus3d',
    hopLatencyS: { value: 1e-6, source: BOOK_HOP },
  },
  scaleOut: {
    bandwidthBytesPerS: { value: 100e9 / 8, source: `${DOC_TPU7X}: "Data center network (DCN) bandwidth per chip (Gbps)" TPU7x 100 → 1.25e10 B/s; ${BOOK_DCN}` },
    hopLatencyS: DCN_HOP,
  },
  power: {
    idleW: { value: 470, source: 'estimate: 0.47 × the estimated max power (TPU v4 measured min/max ratio 90/192 W, Google Cloud TPU v4 docs)' },
    maxW: {
      value: 1000,
      source:
        'estimate (no published per-chip power): Google\'s Hot Chips 2025 Ironwood talk gives ~10 MW for a 9,216-chip superpod, ≈1.08 kW per chip including host, network and cooling shares; ~1 kW taken for the chip',
    },
  },
  price: {
    usdPerChipHour: {
      value: 2 / 0.45,
      source:
        'estimate, not a list price (no on-demand TPU7x price was found): SemiAnalysis AI Cloud TCO Model rents TPU7x at $2.00/chip-hour on a 3-year commitment (SemiAnalysisAI/InferenceX-app PR #1083, 2026-09-08); Cloud TPU 3-year commitments list at roughly 45% of on-demand (e.g. v6e ~$1.22 vs $2.70; recalled, verify) → $2.00 / 0.45 ≈ $4.44',
    },
    asOf: '2026-09-08',
  },
  // No TPU7x measurement is published: the nearest fitted TPU's (docs/MODEL.md §9).
  efficiency: transferredEfficiency(tpuV6e.efficiency, {
    fromId: 'tpu-v6e',
    why: 'the nearest fitted TPU: the same XLA/JAX stack and MXU design; Ironwood\'s doubled FLOP/s and HBM enter through its datasheet peaks',
  }),
  notes:
    'Ironwood: two TensorCores per chip (exposed as two devices), liquid cooled. bf16 2307 TFLOP/s, fp8 4614. Price and power are estimates (see sources) — override the price with your contract rate.',
}, rackScaleNodeOverheadW(1000, 'TPU7x (Ironwood) hosts and ICI'));

/**
 * The Google TPU plugin: v4, v5e, v5p, v6e (Trillium) and TPU7x (Ironwood).
 *
 * @example
 * import google from '@ridgeline/hardware-google';
 * const trillium = google.chips.find((chip) => chip.aliases?.includes('trillium'));
 * trillium?.id; // 'tpu-v6e'
 */
export const google: HardwarePlugin = {
  apiVersion: 2,
  meta: { name: '@ridgeline/hardware-google', version: '0.1.0' },
  chips: [tpuV4, tpuV5e, tpuV5p, tpuV6e, tpuV7],
};

export default google;

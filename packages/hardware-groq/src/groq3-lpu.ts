import { rackScaleNodeOverheadW, withEstimatedPower, transferredEfficiency, type ChipSpec, type Sourced } from '@ridgeline/hardware';
import { groqLpu } from './groq-lpu.ts';

const NV_LPX =
  'NVIDIA Technical Blog, "Inside NVIDIA Groq 3 LPX: The Low-Latency Inference Accelerator for the NVIDIA Vera Rubin Platform" (GTC 2026), developer.nvidia.com/blog/inside-nvidia-groq-3-lpx-the-low-latency-inference-accelerator-for-the-nvidia-vera-rubin-platform';
/** The LPX rack totals, as reported from GTC 2026; each field quotes the total it divides. */
const RACK =
  'LPX rack (32 trays × 8 LP30 LPUs) as reported from GTC 2026 (secondary, 2026-03-16/17; e.g. bitcoinnewsinvest.com, "NVIDIA Unveils Groq 3 LPX Rack System for Ultra-Low Latency AI Inference", 2026-03-16)';
/** The per-LPU figures, as reported from GTC 2026. */
const PER_CHIP = 'per-LPU figure reported from GTC 2026 (secondary, 2026-03-16/17)';
const LINKS =
  'secondary reports of GTC 2026 (e.g. bitcoinnewsinvest.com, 2026-03-16): "Each LPU connects through 96 chip-to-chip links running at 112 Gbps, enabling 2.5 TB/s of bidirectional bandwidth per chip"';

/** Chips per LPX rack: the divisor that turns the reported rack totals into per-chip figures. */
const LPUS_PER_RACK = 256;

/** Groq v1's fixed all-reduce latency, which Groq 3 inherits as an estimate. */
const V1_COLLECTIVE: Sourced = groqLpu.scaleUp.collectiveLatencyS ?? { value: 2 * 3e-6, source: 'groq-lpu: 2 × its 3 µs end-to-end bound' };

/**
 * NVIDIA Groq 3 LPU (LP30), one of the 256 LPUs of a Groq 3 LPX rack: 1.2 PFLOP/s fp8, 500 MB SRAM
 * at 150 TB/s, 1.25 TB/s chip-to-chip per direction. Announced at GTC 2026, not yet shipping; no
 * power, price or scale-out figure is published, so those are labelled estimates.
 *
 * @example
 * import { groq3Lpu } from '@ridgeline/hardware-groq';
 * groq3Lpu.availability; // 'announced'
 * Math.ceil(70.6e9 / (groq3Lpu.memory.capacityBytes.value * groq3Lpu.memory.usableFraction.value)); // 157 chips for 70B fp8 weights
 */
export const groq3Lpu: ChipSpec = withEstimatedPower({
  id: 'nvidia-groq3-lpu',
  name: 'NVIDIA Groq 3 LPU (LP30, 256-LPU LPX rack)',
  vendor: 'NVIDIA',
  kind: 'lpu',
  availability: 'announced',
  aliases: ['groq3', 'groq-3-lpu', 'groq3-lpu', 'lp30'],
  compute: {
    peakDenseFlopsPerS: {
      fp8: {
        value: 1.2e15,
        source: `${PER_CHIP}: "~1.2 PFLOPS FP8" per LPU; cross-check: ${RACK}: "315 PFLOPS" per rack → 315e15 / ${LPUS_PER_RACK} = 1.23e15 (the rack total is rounded; the lower per-chip figure is used). Dense vs sparse is not stated: taken as dense (Groq's LPUs have no sparsity mode and v1's figures are dense)`,
      },
      int8: {
        value: 1.2e15,
        source:
          'estimate: no INT8 rate is published for Groq 3; taken equal to the FP8 rate (same operand width; INT8 was the headline rate of Groq v1 and equals FP8 on H100/B200)',
      },
    },
  },
  memory: {
    kind: 'sram',
    capacityBytes: {
      value: 128e9 / LPUS_PER_RACK,
      source: `${RACK}: "128 GB of on-chip SRAM" per rack → 128e9 B / ${LPUS_PER_RACK} = 500e6 B per LPU, matching the ${PER_CHIP}, "500 MB" of on-die SRAM. SRAM only: no HBM, so this is all the chip holds`,
    },
    bandwidthBytesPerS: {
      value: 150e12,
      source: `${PER_CHIP}: "150 TB/s" of on-die SRAM bandwidth; cross-check: ${RACK}: "40 PB/s of memory bandwidth" per rack → 40e15 / ${LPUS_PER_RACK} = 156e12 (the rack total is rounded; the lower per-chip figure is used)`,
    },
    usableFraction: {
      value: groqLpu.memory.usableFraction.value,
      source: `estimate, as for ${groqLpu.id}: ${groqLpu.memory.usableFraction.source.replace(/^estimate: /, '')}`,
    },
  },
  scaleUp: {
    bandwidthBytesPerS: {
      value: 2.5e12 / 2,
      source: `${LINKS} → 2.5e12 / 2 = 1.25e12 B/s per direction; cross-check: ${RACK}: "Scale-up bandwidth hits 640 TB/s" → 640e12 / ${LPUS_PER_RACK} = 2.5e12 both directions. The 'switch' approximation assumes the compiler spreads traffic over all 96 links`,
    },
    domainSize: {
      value: LPUS_PER_RACK,
      source: `${NV_LPX}: one LPX rack of 256 LPUs; ${RACK}. Choice: the rack's compiler-scheduled chip-to-chip network is modelled as one 'switch' domain (as for ${groqLpu.id}); the reports give no per-link topology beyond 96 links per chip`,
    },
    topology: 'switch',
    hopLatencyS: {
      value: groqLpu.scaleUp.hopLatencyS.value,
      source: `estimate: no Groq 3 link latency is published; ${groqLpu.id}'s per-hop figure kept (the same plesiosynchronous, compiler-scheduled chip-to-chip design): ${groqLpu.scaleUp.hopLatencyS.source}`,
    },
    collectiveLatencyS: {
      value: V1_COLLECTIVE.value,
      source: `estimate: no Groq 3 figure is published; ${groqLpu.id}'s bound kept, likely pessimistic inside one 256-chip rack (v1's spans 10,440 chips): ${V1_COLLECTIVE.source}`,
    },
  },
  scaleOut: {
    bandwidthBytesPerS: {
      value: 1.6e12 / 8 / 8,
      source:
        'estimate — NO SCALE-OUT FIGURE IS PUBLISHED for the LPU or the LPX rack (the 640 TB/s is all rack-internal chip-to-chip). Assumed: one 1.6 Tb/s ConnectX-9 SuperNIC port (the Vera Rubin platform NIC) per 8-LPU tray, shared by its 8 LPUs → 1.6e12 / 8 bits / 8 LPUs = 25e9 B/s per chip per direction. Used past one rack (more than 256 chips in a group, or data moved between racks); replace it once NVIDIA publishes the tray I/O',
    },
    hopLatencyS: {
      value: 5e-6,
      source:
        'estimate: no figure published; the 5 µs per scale-out hop (NIC, switch and software) that Ridgeline uses for NVIDIA GPUs over InfiniBand/Ethernet',
    },
  },
  power: {
    idleW: {
      value: 100,
      source: 'estimate: ~1/3 of the estimated 300 W maximum, as for groq-lpu; NVIDIA publishes no power figure for the LPU or the LPX rack',
    },
    maxW: {
      value: 300,
      source:
        'estimate: NVIDIA publishes no LPU or LPX rack power (only "up to 35x higher inference throughput per megawatt" with Vera Rubin NVL72). Taken equal to groq-lpu\'s 300 W (TechSpot, 2020), assuming the newer process offsets 2.2× the SRAM and 1.6× the 8-bit rate → 256 × 300 W ≈ 77 kW of LPUs per LPX rack',
    },
  },
  price: {
    usdPerChipHour: {
      value: groqLpu.price.usdPerChipHour.value * (500e6 / 230e6),
      source: `estimate, not a list price (the chip is announced, sold only inside LPX racks, and no rack price or rental rate is published): ${groqLpu.id}'s estimate ($${groqLpu.price.usdPerChipHour.value.toFixed(2)}/chip-h, from the GroqCard list price) scaled by SRAM per chip, 500 MB / 230 MB (SRAM area dominates an SRAM-only die) → ≈ $3.31 per chip-hour, ≈ $847/h per 256-LPU rack. Override it with your own`,
    },
    asOf: '2026-03-16',
  },
  // Announced, nothing measured: the earlier LPU's efficiencies (docs/MODEL.md §9). That includes
  // t_layer, the GroqChip's ≤ 1 µs ResNet-50 bound: the same statically scheduled pipeline, whose
  // fill and drain per layer Groq 3's unpublished clock would scale; its chip-to-chip costs come
  // from its own link figures (1.25 TB/s) and the latencies kept above.
  efficiency: transferredEfficiency(groqLpu.efficiency, {
    fromId: groqLpu.id,
    why: 'the same compiler-scheduled, SRAM-only LPU architecture; the chip is announced and no Groq 3 measurement exists',
  }),
  notes:
    'Announced at GTC 2026 (NVIDIA, from the Dec-2025 Groq licensing deal), not yet shipping (H2 2026): every figure is the announcement\'s, none measured. Per-chip figures are the LPX rack totals ÷ 256 as reported (128 GB → 500 MB; 640 TB/s → 2.5 TB/s both directions = 1.25 TB/s each way); where the rounded rack totals give slightly more (315 PF → 1.23 PF, 40 PB/s → 156 TB/s) the stated per-chip 1.2 PF and 150 TB/s are used. SRAM only: 500 MB per chip, so a 70B model at 1 byte/param needs ~157 chips for weights alone. Only FP8 is published (INT8 estimated equal): quantise models to fp8 or int8. No scale-out figure is published: 25 GB/s per chip is an assumption (one 1.6 Tb/s NIC per 8-LPU tray) — anything crossing racks rests on it. Power, price, latencies and the usable fraction are estimates; the efficiencies are transferred from groq-lpu until fitted. NVIDIA pairs LPX with Vera Rubin NVL72 (GPUs prefill, LPUs decode).',
}, rackScaleNodeOverheadW(300, 'the LPX rack (256 LPUs)'));

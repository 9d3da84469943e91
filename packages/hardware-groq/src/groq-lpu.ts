import { rackScaleNodeOverheadW, withEstimatedPower, type ChipSpec } from '@ridgeline/hardware';

const ISCA_2020 = 'Abts et al., "Think Fast: A Tensor Streaming Processor (TSP) for Accelerating Deep Learning Workloads", ISCA 2020';
const ISCA_2022 =
  'Abts et al., "A Software-defined Tensor Streaming Multiprocessor for Large-scale Machine Learning", ISCA 2022, abstract';
const HOT_CHIPS_2022 = 'Abts, "The Groq Software-defined Scale-out Tensor Streaming Multiprocessor", Hot Chips 34 (2022)';
const LINLEY_2020 =
  'Linley Newsletter "Groq Gets Connected" (2020-11-10), reporting Abts at the Linley Fall Processor Conference 2020';
const SPECS =
  'Groq GroqChip product figures as reported by TechPowerUp (Feb 2024): "750 TOPS at INT8 and 188 TeraFLOPS at FP16", "80 TB/s of bandwidth", "230 MB capacity of local SRAM"';

/** Per C2C link, per direction, when cabled between cards: 4 lanes × 28 Gb/s = 14 GB/s (Linley 2020). */
const C2C_LINK_BYTES_PER_S = 14e9;

/**
 * Groq LPU (GroqChip): 188 TFLOP/s fp16, 750 TOP/s int8, 230 MB SRAM at 80 TB/s, 16 chip-to-chip links.
 *
 * @example
 * import { groqLpu } from '@ridgeline/hardware-groq';
 * groqLpu.memory.kind; // 'sram'
 */
export const groqLpu: ChipSpec = withEstimatedPower({
  id: 'groq-lpu',
  name: 'Groq LPU (GroqChip, 14 nm)',
  vendor: 'Groq',
  kind: 'lpu',
  aliases: ['lpu', 'groqchip'],
  compute: {
    peakDenseFlopsPerS: {
      fp16: { value: 188e12, source: `${SPECS}` },
      int8: { value: 750e12, source: `${SPECS}` },
    },
  },
  memory: {
    kind: 'sram',
    capacityBytes: {
      value: 230e6,
      source: `${SPECS}; ${ISCA_2022}: "Each TSP contributes 220 MiBytes to the global memory capacity" (220 MiB = 230.7e6 bytes)`,
    },
    bandwidthBytesPerS: { value: 80e12, source: `${SPECS} (on-die SRAM bandwidth)` },
    usableFraction: {
      value: 0.9,
      source:
        'estimate: the compiler allocates SRAM statically; some must stay free for activations, KV staging and stream buffers; 0.9 assumed',
    },
  },
  scaleUp: {
    bandwidthBytesPerS: {
      value: 16 * C2C_LINK_BYTES_PER_S,
      source: `${LINLEY_2020}: "16 chip-to-chip links. Each link comprises four 30Gbps lanes, but the link speed slows to 28Gbps when cabled. Thus, the peak card-to-card bandwidth is 14GB/s per link in each direction" → 16 × 14e9 B/s. This is the chip's injection bandwidth; the 'switch' approximation assumes the compiler spreads traffic over all links`,
    },
    domainSize: {
      value: 10440,
      source: `${ISCA_2022}: "a large-scale parallel machine learning system with up to 10,440 TSPs". Choice: Ridgeline treats the whole software-scheduled Dragonfly (nodes of 8 fully connected TSPs, ${HOT_CHIPS_2022}) as one 'switch' domain, because every chip-to-chip path is the same C2C link; the flat, one-global-hop part is smaller (33 nodes × 8 = 264 chips, from 4 global ports per card)`,
    },
    topology: 'switch',
    hopLatencyS: {
      value: 6e-7,
      source: `derived: ${ISCA_2022} gives "less than 3 microseconds of end-to-end system latency" across the 10,440-TSP system; over a Dragonfly path of up to ~5 C2C hops (local, global, local with a non-minimal detour — estimate) that is ~0.6 µs per hop. Deterministic: the schedule is fixed at compile time. It is the latency of a pipeline stage hand-off (docs/MODEL.md §3, "The LPU pipeline"): one hop, the compiler placing consecutive stages on directly linked chips (estimate); a hand-off over the worst path would cost the whole 3 µs`,
    },
    collectiveLatencyS: {
      value: 2 * 3e-6,
      source: `derived: an all-reduce is a reduce-scatter plus an all-gather, each one pass across the software-scheduled network, bounded by the "less than 3 microseconds of end-to-end system latency" in ${ISCA_2022} → 2 × 3 µs. Replaces the per-hop sum, which would count 2(n−1) hops over hundreds of chips. With tensor parallelism it is the chip-to-chip cost of every layer, 2 all-reduces × 6 µs = 12 µs (docs/MODEL.md §3, "The LPU pipeline")`,
    },
  },
  scaleOut: {
    bandwidthBytesPerS: {
      value: 4 * C2C_LINK_BYTES_PER_S,
      source: `${HOT_CHIPS_2022}, "Groq Scale-out Dragonfly Topology" slide: 4 global (inter-node) ports per GroqCard, × 14e9 B/s per cabled link per direction (${LINLEY_2020}). Used only past the 10,440-chip domain, where no other network figure is published`,
    },
    hopLatencyS: { value: 3e-6, source: `${ISCA_2022}: "less than 3 microseconds of end-to-end system latency"` },
  },
  power: {
    idleW: {
      value: 100,
      source: 'estimate: ~1/3 of the 300 W TDP; Groq publishes no idle figure',
    },
    maxW: {
      value: 300,
      source: 'TechSpot, "Groq launches the first AI accelerator card capable of 1 PetaOPS" (Jan 2020): "The Groq Tensor Streaming Processor (TSP) demands 300W"',
    },
  },
  price: {
    usdPerChipHour: {
      value: (2 * 20_000) / (3 * 8760),
      source:
        'estimate, not a list price (Groq sells tokens, not chip-hours): GroqCard list price ~$20,000 (Mouser, quantity 1, as cited in "About that Groq demo", isopack.blogspot.com, 2024-02-21), straight-line over 3 years (3 × 8760 h) = $0.76/h, ×2 for host servers, networking, power and data-center space → ≈ $1.52 per chip-hour',
    },
    asOf: '2024-02-21',
  },
  efficiency: {
    flop: {
      value: 0.8,
      source: `initial: deterministic, compiler-scheduled execution with no caches, arbitration or runtime contention (${ISCA_2020}) keeps the matrix units fed by a static schedule; 0.8 assumed until refitted`,
    },
    memory: {
      value: 0.9,
      source: `initial: SRAM reads are streams scheduled at compile time (${ISCA_2020}); 0.9 of the 80 TB/s assumed until refitted`,
    },
    network: {
      value: 0.9,
      source: `initial: the C2C network is scheduled by software and "avoids the latency variation introduced by dynamic contention for network links" (${ISCA_2022}); 0.9 assumed`,
    },
    layerOverheadS: {
      value: 1e-6,
      source: `estimate: at most ~1 µs per layer. ${ISCA_2020} reports ResNet-50 at 20.4K images/s at batch size 1 on one chip, 1/20,400 = 49 µs per image over its ~50 weight layers (49 convolutions and the classifier) = 0.98 µs per layer with the layer's own compute included, so the fixed part — the compiler-scheduled pipeline's fill and drain between dependent operations; there are no kernel launches and no runtime synchronisation (chips run one static, plesiosynchronous schedule, ${ISCA_2022}) — is at most that; rounded up, the whole 1 µs is taken. Chip-to-chip costs are not in it: the TP all-reduces are charged by collectiveLatencyS and the pipeline hand-offs by hopLatencyS and the link bandwidth (docs/MODEL.md §3, "The LPU pipeline"). Not back-solved from a served tokens/s figure`,
    },
    calibration: {
      status: 'datasheet',
      basis:
        'starting values from the architecture papers; t_layer bounded by the ISCA 2020 ResNet-50 batch-1 latency per layer, chip-to-chip costs from the link figures (not fitted to a served tokens/s figure)',
    },
  },
  notes:
    'SRAM-only: capacity and bandwidth are the on-die SRAM\'s (230 MB, 80 TB/s), so large models need hundreds of chips (70B at 2 bytes/param ≈ 614 chips for weights alone). Groq lists FP16 and INT8 matmul rates, not BF16: run 2-byte models as fp16. The chip-to-chip pipeline is costed from the link figures: each TP all-reduce the 6 µs collective latency plus its bytes over 16 × 14 GB/s, each pipeline stage hand-off one 0.6 µs hop plus its bytes; the per-layer overhead is the ≤ 1 µs bound from ResNet-50\'s batch-1 latency. On Llama 2 70B at batch 1 (576 chips, tp 64 · pp 9, int8 weights) that predicts ≈ 930 tokens/s per user, 3.1× the ~300 Groq served in Feb 2024: the link figures do not account for what Groq measured (docs/MODEL.md §3). The price is an estimate derived from the card list price (Groq rents no chip-hours) and the idle power is an estimate — override both with your own figures.',
}, rackScaleNodeOverheadW(300, 'GroqNode/GroqRack systems (8 cards per node)'));

// Random inputs for the property tests: a seeded PRNG, synthetic models (dense, GQA/MQA, MoE, MLA,
// sliding window, MTP modules) and chips (first-party chips with curves, other topologies and
// latencies), and configurations with or without speculative decoding.
import amd from '@ridgeline/hardware-amd';
import google from '@ridgeline/hardware-google';
import groq from '@ridgeline/hardware-groq';
import nvidia from '@ridgeline/hardware-nvidia';
import { models as catalogModels } from '@ridgeline/catalog';
import { PRECISIONS, TOPOLOGIES, type ChipSpec, type Efficiency } from '@ridgeline/hardware';
import { DISAGGREGATION_BOUNDS, type InfeasibleInferenceResult, type InferenceConfig, type InferenceResult, type ModelSpec, type SpeculativeConfig, type TrainingConfig, type TrainingResult } from '@ridgeline/model';
import { OUTPUTS, type Output } from '../descriptors.ts';
import { TRAINING_OUTPUTS, type TrainingOutput } from '../training.ts';

/** Every first-party chip. */
export const FIRST_PARTY_CHIPS: readonly ChipSpec[] = [nvidia, amd, google, groq].flatMap((p) => p.chips);
/** Every catalog model. */
export const CATALOG_MODELS: readonly ModelSpec[] = catalogModels;
/** Catalog models small enough to draft for the others: dense, MoE and sliding-window ones. */
export const DRAFT_MODELS: readonly ModelSpec[] = catalogModels.filter((m) =>
  ['llama-3.1-8b', 'llama-2-7b', 'llama-7b', 'gpt-6.7b', 'mixtral-8x7b', 'gemma-3-27b'].includes(m.id),
);

/** mulberry32: a small, fast, seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = () => number;

export function pick<T>(random: Random, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)] as T;
}

export function int(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** Log-uniform integer in [min, max]. */
export function logInt(random: Random, min: number, max: number): number {
  return Math.max(min, Math.min(max, Math.round(Math.exp(Math.log(min) + random() * (Math.log(max) - Math.log(min))))));
}

/** A synthetic model: dense or MoE, GQA/MQA/MHA or MLA, with or without a sliding window, now and then with MTP modules. */
export function randomModel(random: Random, n: number): ModelSpec {
  const heads = pick(random, [8, 12, 16, 24, 32, 40, 48, 64, 96, 128]);
  const kvHeads = pick(random, [1, 2, 4, 8, heads]);
  const headDim = pick(random, [64, 80, 96, 128, 256]);
  const hiddenSize = pick(random, [1024, 2048, 4096, 5120, 7168, 8192, 12288, 16384]);
  const layers = pick(random, [2, 12, 24, 30, 32, 36, 40, 48, 60, 61, 64, 80, 96, 126]);
  const moe = random() < 0.4;
  const mla = random() < 0.2;
  const window = random() < 0.25;
  const experts = pick(random, [8, 16, 32, 64, 128, 160, 256]);
  return {
    id: `synthetic-${n}`,
    name: `Synthetic ${n}`,
    layers,
    hiddenSize,
    heads,
    kvHeads: mla ? heads : kvHeads,
    headDim,
    ffnHiddenSize: pick(random, [0, 2816, 11008, 14336, 18432, 28672, 53248]),
    gatedFfn: random() < 0.8,
    vocabSize: pick(random, [32000, 50257, 128256, 129280, 151936, 256000]),
    tiedEmbeddings: random() < 0.3,
    ...(random() < 0.15 ? { parallelAttentionFfn: true } : {}),
    ...(moe
      ? {
          moe: {
            experts,
            activeExperts: Math.min(experts, pick(random, [1, 2, 4, 6, 8])),
            sharedExperts: pick(random, [0, 0, 1, 2]),
            expertHiddenSize: pick(random, [512, 1408, 2048, 4096, 14336]),
            denseLayers: Math.min(layers, pick(random, [0, 0, 1, 3, layers])),
          },
        }
      : {}),
    ...(mla
      ? {
          mla: {
            qLoraRank: pick(random, [0, 1536]),
            kvLoraRank: pick(random, [256, 512]),
            qkNopeHeadDim: pick(random, [64, 128]),
            qkRopeHeadDim: pick(random, [32, 64]),
            vHeadDim: pick(random, [64, 128]),
          },
        }
      : {}),
    ...(window
      ? { slidingWindow: { windowTokens: pick(random, [128, 1024, 4096, 8192]), windowedLayers: int(random, 0, layers) } }
      : {}),
    ...(random() < 0.3 ? { mtpModules: pick(random, [0, 1, 1, 2, 3]) } : {}),
    source: 'synthetic: property test',
  };
}

function randomCurve(random: Random, over: 'arithmeticIntensity' | 'messageBytes'): Efficiency {
  const n = int(random, 2, 16);
  const points: [number, number][] = [];
  let x = over === 'messageBytes' ? 2 ** int(random, 6, 14) : 0.5 + random() * 4;
  for (let i = 0; i < n; i++) {
    points.push([x, 0.05 + random() * 0.95]);
    x *= 1.5 + random() * 8;
  }
  return { curve: points, over, source: 'synthetic: property test' };
}

/** A first-party chip, sometimes with curves for its efficiencies, another topology or domain size, or no collective latency. */
export function randomChip(random: Random, n: number): ChipSpec {
  const base = pick(random, FIRST_PARTY_CHIPS);
  if (random() < 0.4) return base;
  const s = (value: number): { value: number; source: string } => ({ value, source: 'synthetic: property test' });
  const { collectiveLatencyS, ...scaleUp } = base.scaleUp;
  const withCollective = random() < 0.5;
  return {
    ...base,
    id: `${base.id}-variant-${n}`,
    scaleUp: {
      ...scaleUp,
      topology: random() < 0.5 ? scaleUp.topology : pick(random, TOPOLOGIES),
      domainSize: random() < 0.5 ? scaleUp.domainSize : s(pick(random, [1, 4, 8, 16, 64, 72, 256, 4096])),
      ...(withCollective ? { collectiveLatencyS: collectiveLatencyS ?? s(random() * 2e-5) } : {}),
    },
    efficiency: {
      flop: random() < 0.5 ? randomCurve(random, 'arithmeticIntensity') : base.efficiency.flop,
      memory: random() < 0.5 ? randomCurve(random, 'arithmeticIntensity') : base.efficiency.memory,
      network: random() < 0.5 ? randomCurve(random, 'messageBytes') : base.efficiency.network,
      layerOverheadS: base.efficiency.layerOverheadS,
      // a serving stack's MTP acceptance (the default when a configuration gives none) and t_req
      ...(random() < 0.5 ? { mtpAcceptance: s(random()) } : {}),
      ...(random() < 0.5 ? { requestOverheadS: s(random() < 0.2 ? 0 : random() * 0.5) } : {}),
      // a serving stack's KV cache budget of the free memory (docs/MODEL.md §4): a share and the
      // runtime's bytes, sometimes more than the weights leave (nothing fits)
      ...(random() < 0.4
        ? { kvCacheBudget: { basis: 'free' as const, fraction: s(0.5 + 0.5 * random()), reservedBytes: s(random() < 0.2 ? 0 : random() * 4e9) } }
        : {}),
      // η_flop per compute precision for some precisions, a constant or a curve
      ...(random() < 0.5
        ? {
            flopByPrecision: Object.fromEntries(
              PRECISIONS.filter(() => random() < 0.5).map((p) => [p, random() < 0.5 ? s(0.2 + 0.7 * random()) : randomCurve(random, 'arithmeticIntensity')]),
            ),
          }
        : {}),
      // the routed experts' η_flop (docs/MODEL.md §2): shared, per compute precision, or both
      ...(random() < 0.5 ? { expertFlop: random() < 0.5 ? s(0.05 + 0.6 * random()) : randomCurve(random, 'arithmeticIntensity') } : {}),
      ...(random() < 0.5
        ? {
            expertFlopByPrecision: Object.fromEntries(
              PRECISIONS.filter(() => random() < 0.5).map((p) => [p, random() < 0.5 ? s(0.05 + 0.6 * random()) : randomCurve(random, 'arithmeticIntensity')]),
            ),
          }
        : {}),
      // η_mem of the dense GEMMs' contiguous weight reads (docs/MODEL.md §2): a constant or a curve, half the time
      ...(random() < 0.5 ? { weightMemory: random() < 0.5 ? s(0.2 + 0.7 * random()) : randomCurve(random, 'arithmeticIntensity') } : {}),
    },
    // the component power model (docs/MODEL.md §10) half the time: P_static, e_mem, and e_flop at
    // some precisions (a configuration at a precision without one interpolates), capped at P_max
    power: random() < 0.5 ? base.power : randomPower(random, base.power.maxW.value),
  };
}

/** A chip's power with the component model's figures, on a scale that spans draws below and above P_max. */
function randomPower(random: Random, maxW: number): ChipSpec['power'] {
  const s = (value: number): { value: number; source: string } => ({ value, source: 'synthetic: property test' });
  const idleW = random() * 0.3 * maxW;
  return {
    idleW: s(idleW),
    maxW: s(maxW),
    staticW: s(random() < 0.1 ? 0 : random() * 0.4 * maxW),
    joulesPerByteMemory: s(random() < 0.1 ? 0 : 10 ** (-12 + 2 * random())),
    joulesPerFlop: Object.fromEntries(PRECISIONS.filter(() => random() < 0.8).map((p) => [p, s(10 ** (-13 + 2 * random()))])),
    ...(random() < 0.5 ? { joulesPerByteLink: s(10 ** (-12 + 2 * random())) } : {}),
    ...(random() < 0.5 ? { nodeOverheadW: s(random() * maxW) } : {}),
  };
}

const WITH_MTP = new WeakMap<readonly ModelSpec[], readonly ModelSpec[]>();

/**
 * Speculative decoding in about half of the configurations: mtp (on a model with MTP modules more
 * often than not) or a draft model of `drafts` (its heads divided by TP or not), γ mostly 1–4,
 * acceptance one value (0 and 1 included), one per position (γ from the list's length or given),
 * or MTP's default; now and then an explicit `none`.
 */
function randomSpeculation(random: Random, drafts: readonly ModelSpec[]): SpeculativeConfig | undefined {
  const r = random();
  if (r < 0.5) return undefined;
  if (r < 0.55) return { mode: 'none' };
  const mode = random() < 0.5 ? 'mtp' : 'draft';
  const gamma = random() < 0.9 ? int(random, 1, 4) : pick(random, [8, 16]);
  const probability = (): number => (random() < 0.1 ? pick(random, [0, 1]) : random());
  const shape = random();
  const acceptance = mode === 'mtp' && shape < 0.25 ? undefined : shape < 0.5 ? Array.from({ length: gamma }, probability) : probability();
  // γ given, or left to the list's length (or 1)
  const draftTokens = random() < 0.2 && (Array.isArray(acceptance) || gamma === 1) ? undefined : gamma;
  return {
    mode,
    ...(draftTokens === undefined ? {} : { draftTokens }),
    ...(acceptance === undefined ? {} : { acceptance }),
    ...(mode === 'draft' ? { draftModel: pick(random, drafts) } : {}),
  };
}

/**
 * A random configuration: parallelism feasible or not (EP dividing the experts or not, redundant
 * experts given or not), any precisions, lengths and batch, either
 * schedule (or the default), and chunk budgets from 256 tokens up (small ones make the budget bind
 * and prompts take several chunks); one output token now and then (no decode tokens); speculative
 * decoding in about half of them (`randomSpeculation`, draft models from `drafts`). About three
 * in ten have data-parallel attention, half of those with a TP that need not divide the heads (so
 * the batch seldom divides by TP either).
 */
export function randomConfig(random: Random, models: readonly ModelSpec[], chips: readonly ChipSpec[], drafts: readonly ModelSpec[] = DRAFT_MODELS): InferenceConfig {
  const speculative = randomSpeculation(random, drafts);
  let withMtp = WITH_MTP.get(models);
  if (withMtp === undefined) {
    withMtp = models.filter((m) => (m.mtpModules ?? 0) > 0);
    WITH_MTP.set(models, withMtp);
  }
  const model = speculative?.mode === 'mtp' && withMtp.length > 0 && random() < 0.7 ? pick(random, withMtp) : pick(random, models);
  const chip = pick(random, chips);
  const divisors = (n: number, max: number): number[] => Array.from({ length: max }, (_, i) => i + 1).filter((i) => n % i === 0);
  // Three in four configurations respect the parallelism rules (so capacity and the roofline are
  // exercised), the rest are anything (so every infeasibility reason is).
  const plausible = random() < 0.75;
  const sharding = random();
  const attentionSharding = sharding < 0.3 ? 'dp' : sharding < 0.45 ? 'batch' : sharding < 0.6 ? 'heads' : undefined;
  // data-parallel attention needs no TP dividing the heads (72: a whole NVL72 rack)
  const anyTp = attentionSharding === 'dp' && random() < 0.5;
  const tp = anyTp
    ? pick(random, [2, 3, 4, 6, 8, 12, 16, 24, 72])
    : plausible
      ? pick(random, divisors(model.heads, 64))
      : pick(random, [1, 2, 4, 8, 16, 32, 64, 3, 6]);
  // PP need not divide the layers (the slowest stage holds ⌈L/PP⌉); more stages than layers breaks the rule.
  const pp = plausible ? pick(random, [1, 2, 3, 4, 5, 6, 7, 8].filter((p) => p <= model.layers)) : pick(random, [1, 2, 4, 8, 3, 5, 16, 64]);
  let dp = pick(random, [1, 1, 2, 4, 8, 16]);
  let ep = pick(random, [1, 2, 4, 8, 16, 32, 64, 3, 72]);
  if (plausible) {
    // EP need not divide the experts (⌈(E + R)/EP⌉ per chip): multiples of TP, dividing E or not
    const experts = model.moe?.experts;
    const candidates = experts === undefined ? [] : [1, 2, 3, 4, 6, 8, 9].map((m) => tp * m).filter((e) => e <= 2 * experts);
    ep = candidates.length === 0 || random() < 0.4 ? 1 : pick(random, candidates);
    if ((tp * dp) % ep !== 0) dp = ep / tp;
  }
  // R: the default (auto) mostly; sometimes none, a few, or more than E·(EP − 1) allows
  const redundantExperts =
    model.moe !== undefined && random() < 0.3 ? pick(random, [0, 0, 1, 8, 32, 100_000]) : random() < 0.02 ? 1 : undefined;
  // One in five continuous configurations is disaggregated: a decode worker of TP·PP chips (now and
  // then not), prefill workers of any TP and EP, heads or dp attention, on the same chip or another.
  const schedule = random() < 0.75 ? pick(random, ['continuous', 'static'] as const) : undefined;
  const disaggregation =
    schedule !== 'static' && random() < 0.2
      ? (() => {
          const prefillTp = random() < 0.3 ? undefined : plausible ? pick(random, divisors(model.heads, 64)) : pick(random, [1, 2, 3, 4, 8, 16, 72]);
          const prefillEp = random() < 0.4 ? undefined : pick(random, [1, 2, 4, 8, prefillTp ?? tp]);
          const prefillAttention = random() < 0.5 ? undefined : pick(random, ['heads', 'dp'] as const);
          const prefillChip = random() < 0.5 ? undefined : random() < 0.2 ? chip : pick(random, chips);
          return {
            prefillWorkers: random() < 0.5 ? 1 : int(random, 1, 12),
            decodeWorkers: random() < 0.3 ? 1 : int(random, 1, 24),
            ...(prefillTp === undefined ? {} : { prefillTp }),
            ...(prefillEp === undefined ? {} : { prefillEp }),
            ...(prefillAttention === undefined ? {} : { prefillAttention }),
            ...(prefillChip === undefined ? {} : { prefillChip }),
          };
        })()
      : undefined;
  const chipsCount = disaggregation !== undefined && random() < 0.9 ? tp * pp : random() < 0.95 ? tp * pp * dp : int(random, 1, 512);
  return {
    model,
    chip,
    chips: chipsCount,
    parallelism: { tp, pp, ep },
    batch: logInt(random, 1, 2048),
    // the engine's cap on requests in flight (continuous only), above or below the batch
    ...(schedule !== 'static' && random() < 0.25 ? { maxBatch: logInt(random, 1, 2048) } : {}),
    inputTokens: logInt(random, 1, 131072),
    outputTokens: random() < 0.05 ? 1 : logInt(random, 1, 16384),
    precision: {
      weights: random() < 0.5 ? 'bf16' : pick(random, PRECISIONS),
      kvCache: pick(random, PRECISIONS),
      activations: random() < 0.7 ? 'bf16' : pick(random, PRECISIONS),
      // an FP4/FP8 checkpoint's wider attention, now and then
      ...(random() < 0.25 ? { attentionWeights: pick(random, PRECISIONS) } : {}),
    },
    ...(random() < 0.3 ? { commOverlap: random() } : {}),
    ...(random() < 0.3 ? { moeImbalance: 1 + random() * 3 } : {}),
    ...(random() < 0.2 ? { twoBatchOverlap: random() < 0.8 } : {}),
    ...(redundantExperts === undefined ? {} : { redundantExperts }),
    ...(random() < 0.2 ? { usdPerChipHour: random() * 10 } : {}),
    ...(attentionSharding === undefined ? {} : { attentionSharding }),
    ...(schedule === undefined ? {} : { schedule }),
    ...(disaggregation === undefined ? {} : { disaggregation }),
    ...(random() < 0.7 ? { chunkTokens: random() < 0.5 ? pick(random, [256, 512, 1024, 2048, 4096, 8192, 16384]) : logInt(random, 1, 65536) } : {}),
    ...(speculative === undefined ? {} : { speculative }),
    // the facility's PUE (docs/MODEL.md §10) over its whole range now and then, else the default
    ...(random() < 0.5 ? { pue: random() < 0.1 ? pick(random, [1, 10]) : 1 + random() * 2 } : {}),
    // prompts started on every data-parallel attention rank together (docs/MODEL.md §6), one engine only
    ...(attentionSharding === 'dp' && schedule !== 'static' && disaggregation === undefined && random() < 0.6
      ? { contextBalance: { timeoutIterations: random() < 0.1 ? 0 : logInt(random, 1, 10_000) } }
      : {}),
    // the scheduler's intake every N iterations (docs/MODEL.md §6), one continuous engine only
    ...(schedule !== 'static' && disaggregation === undefined && random() < 0.2 ? { receiveInterval: logInt(random, 1, 1000) } : {}),
  };
}

/** The reference's value of every kernel output (NaN where the reference has none, as for every figure of an infeasible result). */
export function referenceOutputs(r: InferenceResult): Record<Output, number> {
  if (!r.feasible) return infeasibleOutputs(r);
  const boundCode = (b: string): number => ['compute', 'memory', 'network'].indexOf(b);
  return {
    feasible: 1,
    reason: -1,
    ttftS: r.ttftS,
    tpotS: r.tpotS,
    requestLatencyS: r.requestLatencyS,
    tokensPerS: r.tokensPerS,
    tokensPerSPerChip: r.tokensPerSPerChip,
    tokensPerSPerUser: r.tokensPerSPerUser,
    prefillTokensPerS: r.prefillTokensPerS,
    costPerMillionTokensUsd: r.costPerMillionTokensUsd,
    costPerMillionInputTokensUsd: r.costPerMillionInputTokensUsd,
    powerPerChipW: r.powerPerChipW,
    energyPerTokenJ: r.energyPerTokenJ,
    mfuPrefill: r.mfu.prefill,
    mfuDecode: r.mfu.decode,
    mbuPrefill: r.mbu.prefill,
    mbuDecode: r.mbu.decode,
    boundPrefill: boundCode(r.bound.prefill),
    boundDecode: boundCode(r.bound.decode),
    memoryWeightsBytes: r.memoryPerChipBytes.weights,
    memoryKvCacheBytes: r.memoryPerChipBytes.kvCache,
    memoryActivationsBytes: r.memoryPerChipBytes.activations,
    memoryTotalBytes: r.memoryPerChipBytes.total,
    memoryCapacityBytes: r.memoryPerChipBytes.capacity,
    minChipsToFit: Number.NaN,
    prefillComputeBoundS: r.prefill.computeBoundS,
    prefillMemoryBoundS: r.prefill.memoryBoundS,
    prefillNetworkS: r.prefill.networkS,
    prefillOverheadS: r.prefill.overheadS,
    decodeComputeBoundS: r.decode.computeBoundS,
    decodeMemoryBoundS: r.decode.memoryBoundS,
    decodeNetworkS: r.decode.networkS,
    decodeOverheadS: r.decode.overheadS,
    inputTokensPerSPerChip: r.inputTokensPerSPerChip,
    totalTokensPerSPerChip: r.totalTokensPerSPerChip,
    prefillIdleShare: r.disaggregation?.prefillIdleShare ?? Number.NaN,
    decodeIdleShare: r.disaggregation?.decodeIdleShare ?? Number.NaN,
    kvTransferS: r.disaggregation?.kvTransferS ?? Number.NaN,
    disaggregationBound: r.disaggregation === null ? Number.NaN : DISAGGREGATION_BOUNDS.indexOf(r.disaggregation.bound),
    nodeJPerOutputToken: r.energy.nodeJPerOutputToken,
    facilityJPerOutputToken: r.energy.facilityJPerOutputToken,
    facilityW: r.energy.facilityW,
    provisionedFacilityW: r.energy.provisionedFacilityW,
    tokensPerSPerProvisionedMW: r.energy.tokensPerSPerProvisionedMW,
  };
}

/** An infeasible result's outputs: NaN for every figure; the memory that did not fit and the chips that would, for `capacity`. */
function infeasibleOutputs(r: InfeasibleInferenceResult): Record<Output, number> {
  const out = Object.fromEntries(OUTPUTS.map((o) => [o, Number.NaN])) as Record<Output, number>;
  const m = r.memoryPerChipBytes;
  out.feasible = 0;
  if (m !== null) {
    out.memoryWeightsBytes = m.weights;
    out.memoryKvCacheBytes = m.kvCache;
    out.memoryActivationsBytes = m.activations;
    out.memoryTotalBytes = m.total;
    out.memoryCapacityBytes = m.capacity;
  }
  out.minChipsToFit = r.minChipsToFit ?? Number.NaN;
  return out;
}

/** |a − b| / max(|a|, |b|); 0 when both are 0 or both NaN; Infinity when only one is NaN. */
export function relativeError(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Number.POSITIVE_INFINITY;
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

/** Resolvers over the catalog and the first-party chips, as the CLI passes them. */
export const TEST_RESOLVERS: { model: (id: string) => ModelSpec; chip: (id: string) => ChipSpec } = {
  model: (id) => {
    const m = CATALOG_MODELS.find((x) => x.id === id);
    if (m === undefined) throw new Error(`unknown model "${id}"`);
    return m;
  },
  chip: (id) => {
    const c = FIRST_PARTY_CHIPS.find((x) => x.id === id || (x.aliases ?? []).includes(id));
    if (c === undefined) throw new Error(`unknown hardware "${id}"`);
    return c;
  },
};

/**
 * A random training configuration: parallelism (DP/TP/PP/CP/EP) respecting the rules or not,
 * uneven pipelines, sequence, global batch, micro-batch, interleaving, ZeRO, recomputation,
 * sequence parallelism, overlap, optimizer state, precision and price.
 */
export function randomTrainingConfig(random: Random, models: readonly ModelSpec[], chips: readonly ChipSpec[]): TrainingConfig {
  const model = pick(random, models);
  const chip = pick(random, chips);
  const divisors = (n: number, max: number): number[] => Array.from({ length: max }, (_, i) => i + 1).filter((i) => n % i === 0);
  const plausible = random() < 0.8;
  const tp = plausible ? pick(random, divisors(model.heads, 16)) : pick(random, [1, 2, 4, 8, 16, 3, 6]);
  const pp = random() < 0.8 ? pick(random, divisors(model.layers, 16)) : pick(random, [2, 3, 4, 5, 7, 8, 16]);
  const cp = random() < 0.7 ? 1 : pick(random, [2, 4, 8, 3]);
  let dp = pick(random, [1, 1, 2, 4, 8, 16, 32, 64, 128]);
  let ep = pick(random, [1, 2, 4, 8, 16, 3]);
  if (plausible) {
    const experts = model.moe?.experts;
    const candidates = experts === undefined ? [] : [1, 2, 4, 8].map((m) => tp * m).filter((e) => experts % e === 0);
    ep = candidates.length === 0 || random() < 0.4 ? 1 : pick(random, candidates);
    if ((tp * dp) % ep !== 0) dp = ep / tp;
  }
  const sequenceLength = plausible ? cp * pick(random, [256, 512, 1024, 2048, 4096, 8192, 16384]) : logInt(random, 1, 131072);
  const microBatch = pick(random, [1, 1, 2, 4, 8]);
  const globalBatch = plausible ? dp * microBatch * logInt(random, 1, 256) : logInt(random, 1, 4096);
  return {
    model,
    chip,
    chips: random() < 0.95 ? dp * tp * pp * cp : int(random, 1, 1024),
    parallelism: { dp, tp, pp, cp, ep },
    sequenceLength,
    globalBatch,
    microBatch,
    ...(random() < 0.5 ? { virtualStages: pick(random, [1, 2, 3, 4]) } : {}),
    totalTokens: random() < 0.5 ? 15e12 : 1e6 + random() * 1e13,
    ...(random() < 0.7 ? { precision: random() < 0.6 ? 'bf16' : pick(random, PRECISIONS) } : {}),
    ...(random() < 0.5 ? { optimizerBytesPerParam: pick(random, [0, 4, 8, 12, 16]) } : {}),
    ...(random() < 0.8 ? { zeroStage: pick(random, [0, 1, 2, 3] as const) } : {}),
    ...(random() < 0.8 ? { recompute: pick(random, ['none', 'selective', 'full'] as const) } : {}),
    ...(random() < 0.3 ? { sequenceParallel: random() < 0.5 } : {}),
    ...(random() < 0.3 ? { commOverlap: random() } : {}),
    ...(random() < 0.2 ? { usdPerChipHour: random() * 10 } : {}),
  };
}

/** The reference's value of every training kernel output (NaN where the reference has none, as for every figure of an infeasible result). */
export function referenceTrainingOutputs(r: TrainingResult): Record<TrainingOutput, number> {
  if (!r.feasible) {
    const out = Object.fromEntries(TRAINING_OUTPUTS.map((o) => [o, Number.NaN])) as Record<TrainingOutput, number>;
    const m = r.memoryPerChipBytes;
    out.feasible = 0;
    if (m !== null) {
      out.memoryWeightsBytes = m.weights;
      out.memoryGradientsBytes = m.gradients;
      out.memoryOptimizerBytes = m.optimizer;
      out.memoryActivationsBytes = m.activations;
      out.memoryTotalBytes = m.total;
      out.memoryCapacityBytes = m.capacity;
    }
    return out;
  }
  const bound = ['compute', 'memory', 'network'].indexOf(r.bound);
  const m = r.memoryPerChipBytes;
  return {
    feasible: 1,
    reason: -1,
    stepTimeS: r.stepTimeS,
    tokensPerS: r.tokensPerS,
    tokensPerSPerChip: r.tokensPerSPerChip,
    mfu: r.mfu,
    mfuWithAttention: r.mfuWithAttention,
    hfu: r.hfu,
    bubbleFraction: r.bubbleFraction,
    dataParallelS: r.dataParallelS,
    microBatches: r.microBatches,
    steps: r.steps,
    totalTimeS: r.totalTimeS,
    chipHours: r.chipHours,
    costUsd: r.costUsd,
    powerPerChipW: r.powerPerChipW,
    energyJ: r.energyJ,
    bound,
    boundCopy: bound,
    memoryWeightsBytes: m.weights,
    memoryGradientsBytes: m.gradients,
    memoryOptimizerBytes: m.optimizer,
    memoryActivationsBytes: m.activations,
    memoryTotalBytes: m.total,
    memoryCapacityBytes: m.capacity,
    microBatchComputeS: r.microBatchTime.computeS,
    microBatchMemoryS: r.microBatchTime.memoryS,
    microBatchNetworkS: r.microBatchTime.networkS,
    microBatchOverheadS: r.microBatchTime.overheadS,
  };
}

/** The result, narrowed to feasible; fails the test with the reason otherwise. */
export function feasible<R extends InferenceResult | TrainingResult>(result: R): Extract<R, { readonly feasible: true }> {
  if (!result.feasible) throw new Error(`expected a feasible result, got ${result.reason}: ${result.explanation}`);
  return result as Extract<R, { readonly feasible: true }>;
}

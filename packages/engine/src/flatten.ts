import {
  expertFlopAtPrecision,
  HARDWARE_API_VERSION,
  PRECISIONS,
  validateHardware,
  type ChipSpec,
  type Efficiency,
  type Precision,
} from '@ridgeline/hardware';
import { DEFAULT_MTP_ACCEPTANCE, InputError, WORKLOAD_LIMITS, countParams, layerKernelWeights, limitText, validateModelSpec, type ModelSpec } from '@ridgeline/model';
import { CHIP, EFF_STRIDE, MAX_CURVE_POINTS, MODEL } from './descriptors.ts';

// a ring is a one-axis torus (collectives.ts)
const TORUS_AXES: Readonly<Record<string, number>> = { ring: 1, torus1d: 1, torus2d: 2, torus3d: 3 };

/** Options for `flattenChip`. */
export interface FlattenChipOptions {
  /** Overrides the chip's list price, USD per chip-hour (like `InferenceConfig.usdPerChipHour`). */
  readonly usdPerChipHour?: number;
}

function writeEfficiency(out: Float64Array, at: number, e: Efficiency, field: string): void {
  if ('value' in e) {
    out[at] = 0;
    out[at + 1] = e.value;
    return;
  }
  const points = e.curve;
  if (points.length === 0 || points.length > MAX_CURVE_POINTS) {
    throw new InputError(
      field,
      `${field} must have 1 to ${MAX_CURVE_POINTS} points for the sweep engine, got ${points.length}; resample the curve`,
    );
  }
  out[at] = points.length;
  out[at + 1] = Number.NaN;
  points.forEach(([x, y], i) => {
    out[at + 2 + 2 * i] = x;
    out[at + 3 + 2 * i] = y;
  });
}

/**
 * A chip as the kernel reads it: CHIP.stride f64 with the peak FLOP/s per precision (NaN where
 * unsupported), memory, links, topology, power, price and the three efficiencies (constants, or
 * curves of up to MAX_CURVE_POINTS points). Validates the chip with `validateHardware` first and
 * throws `InputError` listing every problem.
 *
 * @example
 * const descriptor = flattenChip(h100Sxm); // Float64Array(128)
 * descriptor[CHIP.memBandwidth]; // 3.35e12
 */
export function flattenChip(chip: ChipSpec, options: FlattenChipOptions = {}): Float64Array {
  const checked = validateHardware({ apiVersion: HARDWARE_API_VERSION, meta: { name: 'sweep', version: '0.0.0' }, chips: [chip] });
  if (!checked.ok) {
    const lines = checked.issues.map((i) => `  - ${i.path.replace(/^chips\[[^\]]*\]\.?/, '')}: ${i.message} (allowed: ${i.allowed}). Fix: ${i.fix}`);
    throw new InputError('hardware', `chip "${String(chip.id)}" cannot be used: ${checked.issues.length} problem${checked.issues.length === 1 ? '' : 's'}\n${lines.join('\n')}`);
  }
  const price = options.usdPerChipHour ?? chip.price.usdPerChipHour.value;
  if (!Number.isFinite(price) || price < 0) {
    throw new InputError('usdPerChipHour', `usdPerChipHour must be a price ≥ 0 USD per chip-hour, got ${String(price)}`);
  }
  if (price > WORKLOAD_LIMITS.usdPerChipHour) {
    throw new InputError('usdPerChipHour', `usdPerChipHour must be at most ${limitText(WORKLOAD_LIMITS.usdPerChipHour)} USD per chip-hour, got ${String(price)}`);
  }
  const out = new Float64Array(CHIP.stride);
  PRECISIONS.forEach((p, i) => {
    out[CHIP.peak + i] = chip.compute.peakDenseFlopsPerS[p]?.value ?? Number.NaN;
  });
  out[CHIP.memCapacity] = chip.memory.capacityBytes.value;
  out[CHIP.memBandwidth] = chip.memory.bandwidthBytesPerS.value;
  out[CHIP.memUsable] = chip.memory.usableFraction.value;
  out[CHIP.upBandwidth] = chip.scaleUp.bandwidthBytesPerS.value;
  out[CHIP.upDomain] = chip.scaleUp.domainSize.value;
  out[CHIP.upTorusAxes] = TORUS_AXES[chip.scaleUp.topology] ?? 0;
  out[CHIP.upHop] = chip.scaleUp.hopLatencyS.value;
  out[CHIP.upCollective] = chip.scaleUp.collectiveLatencyS?.value ?? Number.NaN;
  out[CHIP.outBandwidth] = chip.scaleOut.bandwidthBytesPerS.value;
  out[CHIP.outHop] = chip.scaleOut.hopLatencyS.value;
  out[CHIP.idleW] = chip.power.idleW.value;
  out[CHIP.maxW] = chip.power.maxW.value;
  out[CHIP.price] = price;
  out[CHIP.layerOverhead] = chip.efficiency.layerOverheadS.value;
  out[CHIP.commOverlap] = chip.efficiency.commOverlap?.value ?? Number.NaN;
  out[CHIP.mtpAcceptance] = chip.efficiency.mtpAcceptance?.value ?? DEFAULT_MTP_ACCEPTANCE;
  out[CHIP.requestOverhead] = chip.efficiency.requestOverheadS?.value ?? 0;
  out[CHIP.kvFreeFraction] = chip.efficiency.kvCacheBudget?.fraction.value ?? Number.NaN;
  out[CHIP.kvReserved] = chip.efficiency.kvCacheBudget?.reservedBytes.value ?? 0;
  writeEfficiency(out, CHIP.effFlop, chip.efficiency.flop, `${chip.id}.efficiency.flop`);
  writeEfficiency(out, CHIP.effMemory, chip.efficiency.memory, `${chip.id}.efficiency.memory`);
  writeEfficiency(out, CHIP.effNetwork, chip.efficiency.network, `${chip.id}.efficiency.network`);
  // η_flop at every compute precision as atComputePrecision resolves it: the plugin's for that
  // precision, else its default; the experts' by expertFlopAtPrecision, else the matmuls' (phase.ts),
  // each with the field it comes from
  const e = chip.efficiency;
  const flopAt = (p: Precision): [Efficiency, string] => (e.flopByPrecision?.[p] !== undefined ? [e.flopByPrecision[p], `flopByPrecision.${p}`] : [e.flop, 'flop']);
  const expertFlopAt = (p: Precision): [Efficiency, string] => {
    const expert = expertFlopAtPrecision(e, p);
    if (expert === undefined) return flopAt(p);
    const field = e.expertFlopByPrecision?.[p] !== undefined ? `expertFlopByPrecision.${p}` : expert === e.expertFlop ? 'expertFlop' : `expertFlopByPrecision (derived at ${p})`;
    return [expert, field];
  };
  for (const [block, at] of [[CHIP.effFlopByPrecision, flopAt], [CHIP.effExpertFlopByPrecision, expertFlopAt]] as const) {
    PRECISIONS.forEach((p, i) => {
      const [value, field] = at(p);
      writeEfficiency(out, block + i * EFF_STRIDE, value, `${chip.id}.efficiency.${field}`);
    });
  }
  if (CHIP.effFlopByPrecision + PRECISIONS.length * EFF_STRIDE > CHIP.powerStatic) throw new Error('chip descriptor overflow');
  if (CHIP.effExpertFlopByPrecision + PRECISIONS.length * EFF_STRIDE > CHIP.effWeightMemory) throw new Error('chip descriptor overflow');
  // η_mem of contiguous weight reads as phase.ts weightMemoryOf resolves it: weightMemory, else memory
  const weightMemory: [Efficiency, string] = e.weightMemory !== undefined ? [e.weightMemory, 'weightMemory'] : [e.memory, 'memory'];
  writeEfficiency(out, CHIP.effWeightMemory, weightMemory[0], `${chip.id}.efficiency.${weightMemory[1]}`);
  if (CHIP.effWeightMemory + EFF_STRIDE > CHIP.stride) throw new Error('chip descriptor overflow');
  // the component power model (docs/MODEL.md §10): NaN where the plugin gives no figure
  out[CHIP.powerStatic] = chip.power.staticW?.value ?? Number.NaN;
  out[CHIP.powerMemory] = chip.power.joulesPerByteMemory?.value ?? Number.NaN;
  PRECISIONS.forEach((p, i) => {
    out[CHIP.powerFlop + i] = chip.power.joulesPerFlop?.[p]?.value ?? Number.NaN;
  });
  out[CHIP.powerLink] = chip.power.joulesPerByteLink?.value ?? Number.NaN;
  // an absent host share counts as 0 W, as power.ts energyFigures counts it
  out[CHIP.nodeOverhead] = chip.power.nodeOverheadW?.value ?? 0;
  if (CHIP.nodeOverhead + 1 > CHIP.stride) throw new Error('chip descriptor overflow');
  return out;
}

/**
 * A model architecture as the kernel reads it: MODEL.stride f64 (layers, widths, heads, MoE, MLA,
 * sliding window, the active parameter count from `countParams`, and the multi-token-prediction
 * modules speculative decoding's `mtp` mode drafts with). Throws `InputError` naming
 * the field for a value the model cannot use (a non-integer head count, more active experts than
 * experts, a size beyond `MODEL_LIMITS`, …: `validateModelSpec`).
 *
 * @example
 * flattenModel(llama31_70b)[MODEL.layers]; // 80
 */
export function flattenModel(model: ModelSpec): Float64Array {
  validateModelSpec(model);
  const out = new Float64Array(MODEL.stride);
  out[MODEL.layers] = model.layers;
  out[MODEL.hiddenSize] = model.hiddenSize;
  out[MODEL.heads] = model.heads;
  out[MODEL.kvHeads] = model.kvHeads;
  out[MODEL.headDim] = model.headDim;
  out[MODEL.ffnHiddenSize] = model.ffnHiddenSize;
  out[MODEL.gatedFfn] = model.gatedFfn ? 1 : 0;
  out[MODEL.vocabSize] = model.vocabSize;
  out[MODEL.tiedEmbeddings] = model.tiedEmbeddings ? 1 : 0;
  out[MODEL.parallelAttentionFfn] = model.parallelAttentionFfn === true ? 1 : 0;
  const moe = model.moe;
  if (moe !== undefined) {
    out[MODEL.hasMoe] = 1;
    out[MODEL.experts] = moe.experts;
    out[MODEL.activeExperts] = moe.activeExperts;
    out[MODEL.sharedExperts] = moe.sharedExperts;
    out[MODEL.expertHiddenSize] = moe.expertHiddenSize;
    out[MODEL.denseLayers] = moe.denseLayers;
  }
  const mla = model.mla;
  if (mla !== undefined) {
    out[MODEL.hasMla] = 1;
    out[MODEL.qLoraRank] = mla.qLoraRank;
    out[MODEL.kvLoraRank] = mla.kvLoraRank;
    out[MODEL.qkNopeHeadDim] = mla.qkNopeHeadDim;
    out[MODEL.qkRopeHeadDim] = mla.qkRopeHeadDim;
    out[MODEL.vHeadDim] = mla.vHeadDim;
  }
  const window = model.slidingWindow;
  if (window !== undefined) {
    out[MODEL.hasWindow] = 1;
    out[MODEL.windowTokens] = window.windowTokens;
    out[MODEL.windowedLayers] = window.windowedLayers;
  }
  out[MODEL.activeParams] = countParams(model).active;
  out[MODEL.mtpModules] = model.mtpModules ?? 0;
  const kernelWeights = layerKernelWeights(model);
  out[MODEL.kernelWeightDense] = kernelWeights.dense;
  out[MODEL.kernelWeightMoe] = kernelWeights.moe;
  return out;
}

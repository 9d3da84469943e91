// The inference model of @ridgeline/model (packages/model/src), operator by operator, over flat
// descriptors. Each section names the TypeScript function it mirrors; the floating-point
// operations are the same and in the same order, so results agree to the last bit or nearly
// (Math.pow is imported from the host for exactly that reason). Change both together: the
// property test in src/kernel.test.ts shows any drift. The training model (training.ts
// estimateTraining) is at the end, on the same stage cost and collectives; src/training.test.ts
// is its property test.
//
// State lives in globals, set level by level as the sweep's odometer turns: setBase() when the
// model, chip, precisions or overlap change; setParallel() when speculation, the schedule or
// TP/PP/EP/chips change; then per configuration memory, and for the static schedule the prefill
// stage (cached per batch and prompt length) and decode (its operator table cached per batch), for
// the continuous schedule the steady state and one stage of the mixed iteration. Speculative
// decoding's drafter (speculative.ts) runs its passes between enterDrafter() and leaveDrafter(),
// which swap the drafter's model, layout and stage into the same globals and back, on an operator
// table of its own (DRAFT_OPS) so that the cached prefill and decode tables stay valid. A sweep
// computes a replica's figures once for the configurations that run the same replica (DP, and
// axes that change nothing in a layout) and each one's outputs from them: "sharing across DP".
// Two configurations next to each other in the inner block run their continuous-batching stage as
// the two lanes of f64x2 vectors (WASM SIMD), the scalar operations lane by lane: "two
// configurations at once". Training sweeps turn their own odometer the same way (see "training sweeps").
import {
  A_ACCEPTANCE,
  A_ACTIVATIONS,
  A_ATTENTION_WEIGHTS,
  A_BATCH,
  A_CHIP,
  A_CHIPS,
  A_CHUNK,
  A_DECODE_WORKERS,
  A_LAST_PARALLEL,
  A_PREFILL_ATTENTION,
  A_PREFILL_CHIP,
  A_PREFILL_EP,
  A_PREFILL_TP,
  A_PREFILL_WORKERS,
  A_DRAFT_MODEL,
  A_DRAFT_TOKENS,
  A_EP,
  A_IMBALANCE,
  A_INPUT,
  A_LAST_BASE,
  A_KV,
  A_MODEL,
  A_OUTPUT,
  A_OVERLAP,
  A_PP,
  A_REDUNDANT,
  A_SCHEDULE,
  A_SHARDING,
  A_SPECULATIVE,
  A_TP,
  A_TWO_BATCH,
  A_WEIGHTS,
  C_COMM_OVERLAP,
  C_EFF_EXPERT_FLOP_BY_PRECISION,
  C_EFF_WEIGHT_MEMORY,
  C_EFF_FLOP_BY_PRECISION,
  EFF_STRIDE,
  C_EFF_MEMORY,
  C_EFF_NETWORK,
  C_IDENTITY,
  C_MTP_ACCEPTANCE,
  C_REQUEST_OVERHEAD,
  C_IDLE_W,
  C_POWER_STATIC,
  C_POWER_MEMORY,
  C_POWER_FLOP,
  C_POWER_LINK,
  C_LAYER_OVERHEAD,
  C_MAX_W,
  C_NODE_OVERHEAD,
  C_MEM_BANDWIDTH,
  C_MEM_CAPACITY,
  C_MEM_USABLE,
  C_KV_FREE_FRACTION,
  C_KV_RESERVED,
  C_OUT_BANDWIDTH,
  C_OUT_HOP,
  C_PEAK,
  C_PRICE,
  C_UP_BANDWIDTH,
  C_UP_COLLECTIVE,
  C_UP_DOMAIN,
  C_UP_HOP,
  C_UP_TORUS_AXES,
  CFG_CONTEXT_BALANCE,
  CFG_RECEIVE_INTERVAL,
  CFG_EXPECTED,
  CFG_PRICE,
  CFG_MAX_BATCH,
  CFG_PUE,
  CHIP_STRIDE,
  CONFIG_STRIDE,
  H_AXIS_LENGTHS,
  H_CHIPS,
  H_DP_MODE,
  H_MIN_CHIPS,
  H_MODE,
  H_PUE,
  H_MODELS,
  HEADER_SLOTS,
  H_PER_MODEL,
  MAX_AXES,
  M_ACTIVE_EXPERTS,
  M_ACTIVE_PARAMS,
  M_DENSE_LAYERS,
  M_EXPERT_FFN,
  M_EXPERTS,
  M_FFN,
  M_GATED,
  M_HAS_MLA,
  M_HAS_MOE,
  M_HAS_WINDOW,
  M_HEAD_DIM,
  M_HEADS,
  M_HIDDEN,
  M_KV_HEADS,
  M_KV_LORA,
  M_LAYERS,
  M_KERNELS_DENSE,
  M_KERNELS_MOE,
  M_MTP_MODULES,
  M_PARALLEL_FFN,
  M_Q_LORA,
  M_QK_NOPE,
  M_QK_ROPE,
  M_SHARED_EXPERTS,
  M_TIED,
  M_V_HEAD,
  M_VOCAB,
  M_WINDOW,
  M_WINDOWED_LAYERS,
  MODEL_STRIDE,
  N_AXES,
  N_OUT,
  O_BOUND_DECODE,
  O_BOUND_PREFILL,
  O_COST_PER_M,
  O_COST_PER_M_INPUT,
  O_DECODE_COMPUTE,
  O_DECODE_IDLE_SHARE,
  O_DISAGGREGATION_BOUND,
  O_KV_TRANSFER_S,
  O_PREFILL_IDLE_SHARE,
  O_DECODE_MEMORY,
  O_DECODE_NETWORK,
  O_DECODE_OVERHEAD,
  O_ENERGY_PER_TOKEN,
  O_FACILITY_J_PER_TOKEN,
  O_FACILITY_W,
  O_FEASIBLE,
  O_INPUT_TOKENS_PER_S_PER_CHIP,
  O_MBU_DECODE,
  O_MBU_PREFILL,
  O_MEM_ACTIVATIONS,
  O_MEM_CAPACITY,
  O_MEM_KV,
  O_MEM_TOTAL,
  O_MEM_WEIGHTS,
  O_MFU_DECODE,
  O_MFU_PREFILL,
  O_MIN_CHIPS,
  O_NODE_J_PER_TOKEN,
  O_POWER,
  O_PROVISIONED_FACILITY_W,
  O_PREFILL_COMPUTE,
  O_PREFILL_MEMORY,
  O_PREFILL_NETWORK,
  O_PREFILL_OVERHEAD,
  O_PREFILL_TOKENS_PER_S,
  O_REASON,
  O_REQUEST_LATENCY,
  O_TOKENS_PER_S,
  O_TOKENS_PER_S_PER_MW,
  O_TOKENS_PER_S_PER_CHIP,
  O_TOKENS_PER_S_PER_USER,
  O_TOTAL_TOKENS_PER_S_PER_CHIP,
  O_TPOT,
  O_TTFT,
  R_CAPACITY,
  R_CHIPS_DIVIDE_PARALLELISM,
  R_EP_DIVIDES_EXPERTS,
  R_EP_LAYOUT,
  R_PP_DIVIDES_LAYERS,
  R_PRECISION_UNSUPPORTED,
  R_SPECULATIVE_UNSUPPORTED,
  R_TP_DIVIDES_HEADS,
} from './layout';
import {
  N_TRAIN_OUT,
  R_BATCH_DIVIDES,
  R_CP_DIVIDES_SEQUENCE,
  R_INTERLEAVE_NEEDS_PIPELINE,
  T_CHIP,
  T_CHIPS,
  T_CP,
  T_DP,
  T_EP,
  T_GLOBAL_BATCH,
  T_MICRO_BATCH,
  T_MODEL,
  T_N_AXES,
  T_OPTIMIZER_BYTES,
  T_OVERLAP,
  T_PP,
  T_PRECISION,
  T_PRICE,
  T_RECOMPUTE,
  T_SEQ_PARALLEL,
  T_SEQUENCE,
  T_TOTAL_TOKENS,
  T_TP,
  T_VIRTUAL_STAGES,
  T_ZERO,
  TO_BOUND,
  TO_BOUND_COPY,
  TO_BUBBLE,
  TO_CHIP_HOURS,
  TO_COST,
  TO_DATA_PARALLEL,
  TO_ENERGY,
  TO_FEASIBLE,
  TO_HFU,
  TO_MB_COMPUTE,
  TO_MB_MEMORY,
  TO_MB_NETWORK,
  TO_MB_OVERHEAD,
  TO_MEM_ACTIVATIONS,
  TO_MEM_CAPACITY,
  TO_MEM_GRADIENTS,
  TO_MEM_OPTIMIZER,
  TO_MEM_TOTAL,
  TO_MEM_WEIGHTS,
  TO_MFU,
  TO_MFU_ATTENTION,
  TO_MICRO_BATCHES,
  TO_POWER,
  TO_REASON,
  TO_STEP_TIME,
  TO_STEPS,
  TO_TOKENS_PER_S,
  TO_TOKENS_PER_S_PER_CHIP,
  TO_TOTAL_TIME,
  TRAIN_CONFIG_STRIDE,
  TS_CHIP,
  TS_CHIPS,
  TS_MODEL,
  TS_EP,
  TS_MICRO_BATCH,
  TS_OVERLAP,
  TS_RECOMPUTE,
  TS_VIRTUAL_STAGES,
} from './layout';
import { countEvaluated, countInfeasible, initReducers, OUT, reduceFeasible, setPair, slotsRead, topMayTake } from './reducers';

/** The host's Math.pow, so E_touched matches the TypeScript reference bit for bit. */
@external('env', 'pow')
declare function hostPow(x: f64, y: f64): f64;
/** The host's Math.log, so c(EP) of the busiest expert rank matches the reference bit for bit. */
@external('env', 'log')
declare function hostLog(x: f64): f64;

const BOUND_COMPUTE: i32 = 0;
const BOUND_MEMORY: i32 = 1;
const BOUND_NETWORK: i32 = 2;

@inline function f(ptr: usize, slot: i32): f64 {
  return load<f64>(ptr + (<usize>slot << 3));
}
@inline function put(slot: i32, value: f64): void {
  store<f64>(OUT + (<usize>slot << 3), value);
}

/** hardware PRECISION_BYTES by precision index. */
@inline function precisionBytes(code: i32): f64 {
  return code == 0 ? 4 : code <= 2 ? 2 : code <= 4 ? 1 : 0.5;
}

// ---------------------------------------------------------------- setup image
let image: usize = 0;
let modelsPtr: usize = 0;
let chipsPtr: usize = 0;
let dpMode: bool = false;
let withMinChips: bool = false;
let trainingMode: bool = false;
let axisCount: i32 = N_AXES;
const AXIS_VALUES: usize = memory.data(MAX_AXES * 8, 16); // pointer to each axis' values
const AXIS_LENGTHS: usize = memory.data(MAX_AXES * 8, 16); // i64
const DIGITS: usize = memory.data(MAX_AXES * 8, 16); // i64
const VALUES: usize = memory.data(MAX_AXES * 8, 16); // f64: the current configuration

// Axes per model (H_PER_MODEL): per value of the model axis, its first index (f64) and the address
// of its block; the odometer swaps a model's lengths and value pointers in as it enters the model.
let perModel: bool = false;
let perModelCount: i32 = 0;
let perModelTable: usize = 0;
let perModelTotal: f64 = 0;

@inline function modelStart(m: i32): f64 {
  return load<f64>(perModelTable + (<usize>m << 4));
}

/** Makes model `m`'s axes (every axis but the model) the odometer's. */
function useModelAxes(m: i32): void {
  const block = load<usize>(perModelTable + (<usize>m << 4), 8);
  let p = block + (<usize>N_AXES << 3);
  for (let a = 1; a < N_AXES; a++) {
    const n = <i64>load<f64>(block + (<usize>a << 3));
    store<i64>(AXIS_LENGTHS + (<usize>a << 3), n);
    store<usize>(AXIS_VALUES + (<usize>a << 3), p);
    p += <usize>n << 3;
  }
}

/** Reads a setup image (see src/image.ts) and resets every reducer. */
export function init(ptr: usize): void {
  image = ptr;
  const models = <i32>f(ptr, H_MODELS);
  const chips = <i32>f(ptr, H_CHIPS);
  dpMode = f(ptr, H_DP_MODE) == 1;
  withMinChips = f(ptr, H_MIN_CHIPS) == 1;
  trainingMode = f(ptr, H_MODE) == 1;
  sweepPue = f(ptr, H_PUE);
  pue = sweepPue;
  axisCount = trainingMode ? T_N_AXES : N_AXES;
  let p = ptr + (HEADER_SLOTS << 3);
  for (let a = 0; a < axisCount; a++) {
    const n = <i64>f(ptr, H_AXIS_LENGTHS + a);
    store<i64>(AXIS_LENGTHS + (<usize>a << 3), n);
    store<usize>(AXIS_VALUES + (<usize>a << 3), p);
    p += <usize>n << 3;
  }
  modelsPtr = p;
  p += <usize>models * MODEL_STRIDE * 8;
  chipsPtr = p;
  p += <usize>chips * CHIP_STRIDE * 8;
  initReducers(ptr, p);
  sweepWanted = slotsRead();
  const perModelSlot = <usize>f(ptr, H_PER_MODEL);
  perModel = !trainingMode && perModelSlot > 0;
  if (perModel) {
    perModelCount = <i32>axisLength(A_MODEL);
    perModelTable = heap.alloc(<usize>perModelCount << 4);
    let block = ptr + (perModelSlot << 3);
    let start: f64 = 0;
    for (let m = 0; m < perModelCount; m++) {
      store<f64>(perModelTable + (<usize>m << 4), start);
      store<usize>(perModelTable + (<usize>m << 4), block, 8);
      let n: f64 = 1;
      let values: usize = 0;
      for (let a = 1; a < N_AXES; a++) {
        const length = load<f64>(block + (<usize>a << 3));
        n *= length;
        values += <usize>length;
      }
      start += n;
      block += (<usize>N_AXES + values) << 3;
    }
    perModelTotal = start;
    useModelAxes(0);
  }
}

@inline function value(axis: i32): f64 {
  return load<f64>(VALUES + (<usize>axis << 3));
}

// ---------------------------------------------------------------- efficiency.ts efficiencyAt
function efficiencyAt(e: usize, x: f64): f64 {
  const count = <i32>load<f64>(e);
  if (count == 0) return load<f64>(e, 8);
  const points = e + 16;
  const x0 = load<f64>(points);
  if (x <= x0) return load<f64>(points, 8);
  const last = points + (<usize>(count - 1) << 4);
  if (x >= load<f64>(last)) return load<f64>(last, 8);
  for (let i = 1; i < count; i++) {
    const p = points + (<usize>i << 4);
    const x1 = load<f64>(p);
    if (x <= x1) {
      const y1 = load<f64>(p, 8);
      const q = p - 16;
      const xa = load<f64>(q);
      const ya = load<f64>(q, 8);
      return ya + ((y1 - ya) * (x - xa)) / (x1 - xa);
    }
  }
  return load<f64>(last, 8);
}

// ---------------------------------------------------------------- base: model, chip, precisions
let chip: usize = 0;
let L: f64 = 0;
let d: f64 = 0;
let h: f64 = 0;
let hKv: f64 = 0;
let dH: f64 = 0;
let ffn: f64 = 0;
let gated: bool = false;
let vocab: f64 = 0;
let tied: bool = false;
let parallelFfn: bool = false;
let hasMoe: bool = false;
let experts: f64 = 0;
let activeExperts: f64 = 0;
let sharedExperts: f64 = 0;
let expertFfn: f64 = 0;
let denseLayersModel: f64 = 0;
let kernelsDense: f64 = 1; // κ_dense and κ_moe of the loaded model (layer-overhead.ts layerKernelWeights)
let kernelsMoe: f64 = 1;
let hasMla: bool = false;
let qLora: f64 = 0;
let kvLora: f64 = 0;
let qkNope: f64 = 0;
let qkRope: f64 = 0;
let vHead: f64 = 0;
let hasWindow: bool = false;
let window: f64 = 0;
let windowedLayers: f64 = 0;
let activeParams: f64 = 0;

let peak: f64 = 0;
let memBandwidth: f64 = 0;
let memCapacity: f64 = 0;
let memUsable: f64 = 0;
let memKvFreeFraction: f64 = NaN; // a serving stack's KV cache share of the free memory, NaN = none
let memKvReserved: f64 = 0;
let upBandwidth: f64 = 0;
let upDomain: f64 = 0;
let upAxes: i32 = 0;
let upHop: f64 = 0;
let upCollective: f64 = 0;
let outBandwidth: f64 = 0;
let outHop: f64 = 0;
let idleW: f64 = 0;
let maxW: f64 = 0;
// the component power model at the compute precision (docs/MODEL.md §10); NaN in any: interpolate
let staticW: f64 = NaN;
let joulesPerByte: f64 = NaN;
let joulesPerFlop: f64 = NaN;
let joulesPerLinkByte: f64 = 0;
let price: f64 = 0;
let layerOverhead: f64 = 0;
let effFlop: usize = 0;
let effMemory: usize = 0;
let effNetwork: usize = 0;
let flopConstant: f64 = NaN;
let memoryConstant: f64 = NaN;
let networkConstant: f64 = NaN;
let rooflineConstant: bool = false;
// the experts' η_flop at the compute precision (phase.ts: efficiency.expertFlop, else η_flop)
let effExpertFlop: usize = 0;
let expertFlopConstant: f64 = NaN;
let expertRooflineConstant: bool = false;
// η_mem of the dense GEMMs' contiguous weight reads (phase.ts weightMemoryOf: efficiency.weightMemory, else η_mem)
let effWeightMemory: usize = 0;
let weightMemoryConstant: f64 = NaN;
let weightRooflineConstant: bool = false;
// the attention block's peak and η_flop at its own compute precision (inference.ts attentionComputeOf;
// the compute precision's when they are the same, so the figures match bit for bit)
let attentionPeak: f64 = 0;
let effAttentionFlop: usize = 0;
let attentionFlopConstant: f64 = NaN;
let attentionRooflineConstant: bool = false;
let attentionWeightRooflineConstant: bool = false;

let bw: f64 = 0;
let bwAttention: f64 = 0; // the attention block's projection weights (memory.ts weightBytes, phase.ts bwAttention)
let bkv: f64 = 0;
let ba: f64 = 0;
let bc: f64 = 0; // phase.ts collectiveBytes(ba)
let byBatchSharding: bool = false;
let dpAttention: bool = false; // data-parallel attention (A_SHARDING 2)
let attentionImbalance: f64 = 1; // u = ⌈B/TP⌉/(B/TP) with data-parallel attention, per configuration
let prefillOverlap: f64 = 0;
let decodeOverlap: f64 = 0;
let imbalance: f64 = 1;
let priceOverride: f64 = NaN;
let sweepPue: f64 = 1; // H_PUE: the sweep's PUE, which an explicit record's CFG_PUE replaces while it is evaluated
let pue: f64 = 1;

let targetModel: usize = 0; // the configuration's model descriptor
let mtpModules: f64 = 0;

/** The architecture globals from a model descriptor (all but the active parameters, which stay the configuration's). */
function loadModel(m: usize): void {
  L = f(m, M_LAYERS);
  d = f(m, M_HIDDEN);
  h = f(m, M_HEADS);
  hKv = f(m, M_KV_HEADS);
  dH = f(m, M_HEAD_DIM);
  ffn = f(m, M_FFN);
  gated = f(m, M_GATED) == 1;
  vocab = f(m, M_VOCAB);
  tied = f(m, M_TIED) == 1;
  parallelFfn = f(m, M_PARALLEL_FFN) == 1;
  hasMoe = f(m, M_HAS_MOE) == 1;
  experts = f(m, M_EXPERTS);
  activeExperts = f(m, M_ACTIVE_EXPERTS);
  sharedExperts = f(m, M_SHARED_EXPERTS);
  expertFfn = f(m, M_EXPERT_FFN);
  denseLayersModel = f(m, M_DENSE_LAYERS);
  hasMla = f(m, M_HAS_MLA) == 1;
  qLora = f(m, M_Q_LORA);
  kvLora = f(m, M_KV_LORA);
  qkNope = f(m, M_QK_NOPE);
  qkRope = f(m, M_QK_ROPE);
  vHead = f(m, M_V_HEAD);
  hasWindow = f(m, M_HAS_WINDOW) == 1;
  window = f(m, M_WINDOW);
  windowedLayers = f(m, M_WINDOWED_LAYERS);
  kernelsDense = f(m, M_KERNELS_DENSE);
  kernelsMoe = f(m, M_KERNELS_MOE);
}

let computeCode: i32 = 0; // the compute precision's code (the wider of weights and activations)
let attentionComputeCode: i32 = 0; // the attention block's (the wider of its weights and the activations)
let overlapBatches: f64 = 1; // m: 2 with two-batch overlap (phase.ts stageCost)

function setBase(): void {
  targetModel = modelsPtr + (<usize>value(A_MODEL) * MODEL_STRIDE << 3);
  loadModel(targetModel);
  activeParams = f(targetModel, M_ACTIVE_PARAMS);
  mtpModules = f(targetModel, M_MTP_MODULES);

  // inference.ts computePrecision: the wider of weights and activations, activations on a tie
  const wCode = <i32>value(A_WEIGHTS);
  const aCode = <i32>value(A_ACTIVATIONS);
  bw = precisionBytes(wCode);
  ba = precisionBytes(aCode);
  // phase.ts collectiveBytes: collectives and sends carry the hidden state at 16 bits or wider
  bc = max<f64>(ba, 2);
  bkv = precisionBytes(<i32>value(A_KV));
  computeCode = bw > ba ? wCode : aCode;
  // inference.ts attentionComputePrecision: the attention weights (NaN: the weights) against the activations
  const attentionWeights = value(A_ATTENTION_WEIGHTS);
  const attCode = isNaN(attentionWeights) ? wCode : <i32>attentionWeights;
  bwAttention = precisionBytes(attCode);
  attentionComputeCode = bwAttention > ba ? attCode : aCode;
  byBatchSharding = value(A_SHARDING) == 1;
  dpAttention = value(A_SHARDING) == 2;
  imbalance = value(A_IMBALANCE);
  // phase.ts stageCost's m: two micro-batches with two-batch overlap
  overlapBatches = value(A_TWO_BATCH) == 1 ? 2 : 1;
  decodeChip = chipsPtr + (<usize>value(A_CHIP) * CHIP_STRIDE << 3);
  loadChip(decodeChip);
}

let decodeChip: usize = 0; // the configuration's chip (a decode worker's with disaggregation)

/**
 * The chip's globals: memory, links, power, price, efficiencies, the peak at the compute precision
 * and the overlaps (setBase's, and the prefill pool's chip between enterPrefillPool and leavePrefillPool).
 */
function loadChip(c: usize): void {
  chip = c;
  memCapacity = f(chip, C_MEM_CAPACITY);
  memBandwidth = f(chip, C_MEM_BANDWIDTH);
  memUsable = f(chip, C_MEM_USABLE);
  memKvFreeFraction = f(chip, C_KV_FREE_FRACTION);
  memKvReserved = f(chip, C_KV_RESERVED);
  upBandwidth = f(chip, C_UP_BANDWIDTH);
  upDomain = f(chip, C_UP_DOMAIN);
  upAxes = <i32>f(chip, C_UP_TORUS_AXES);
  upHop = f(chip, C_UP_HOP);
  upCollective = f(chip, C_UP_COLLECTIVE);
  outBandwidth = f(chip, C_OUT_BANDWIDTH);
  outHop = f(chip, C_OUT_HOP);
  idleW = f(chip, C_IDLE_W);
  maxW = f(chip, C_MAX_W);
  staticW = f(chip, C_POWER_STATIC);
  joulesPerByte = f(chip, C_POWER_MEMORY);
  joulesPerFlop = f(chip, C_POWER_FLOP + computeCode);
  const link = f(chip, C_POWER_LINK);
  joulesPerLinkByte = isNaN(link) ? 0 : link;
  // a record's price override is the configuration chip's (a different prefill chip keeps its own)
  price = isNaN(priceOverride) || c != decodeChip ? f(chip, C_PRICE) : priceOverride;
  layerOverhead = f(chip, C_LAYER_OVERHEAD);
  // the chip's η_flop at the compute precision (hardware atComputePrecision; flatten fills every slot)
  effFlop = chip + (<usize>(C_EFF_FLOP_BY_PRECISION + computeCode * EFF_STRIDE) << 3);
  effMemory = chip + (C_EFF_MEMORY << 3);
  effNetwork = chip + (C_EFF_NETWORK << 3);
  // Constant efficiencies skip the curve lookup (and, when both roofline ones are, the intensity).
  flopConstant = load<f64>(effFlop) == 0 ? load<f64>(effFlop, 8) : NaN;
  memoryConstant = load<f64>(effMemory) == 0 ? load<f64>(effMemory, 8) : NaN;
  networkConstant = load<f64>(effNetwork) == 0 ? load<f64>(effNetwork, 8) : NaN;
  rooflineConstant = !isNaN(flopConstant) && !isNaN(memoryConstant);
  effExpertFlop = chip + (<usize>(C_EFF_EXPERT_FLOP_BY_PRECISION + computeCode * EFF_STRIDE) << 3);
  expertFlopConstant = load<f64>(effExpertFlop) == 0 ? load<f64>(effExpertFlop, 8) : NaN;
  expertRooflineConstant = !isNaN(expertFlopConstant) && !isNaN(memoryConstant);
  effWeightMemory = chip + (C_EFF_WEIGHT_MEMORY << 3);
  weightMemoryConstant = load<f64>(effWeightMemory) == 0 ? load<f64>(effWeightMemory, 8) : NaN;
  weightRooflineConstant = !isNaN(flopConstant) && !isNaN(weightMemoryConstant);
  peak = f(chip, C_PEAK + computeCode);
  effAttentionFlop = chip + (<usize>(C_EFF_FLOP_BY_PRECISION + attentionComputeCode * EFF_STRIDE) << 3);
  attentionFlopConstant = load<f64>(effAttentionFlop) == 0 ? load<f64>(effAttentionFlop, 8) : NaN;
  attentionRooflineConstant = !isNaN(attentionFlopConstant) && !isNaN(memoryConstant);
  attentionWeightRooflineConstant = !isNaN(attentionFlopConstant) && !isNaN(weightMemoryConstant);
  attentionPeak = f(chip, C_PEAK + attentionComputeCode);
  // inference.ts resolvedInputs: the config's overlap for both phases; without one, the plugin's
  // for prefill and none for decode
  const overlap = value(A_OVERLAP);
  const pluginOverlap = f(chip, C_COMM_OVERLAP);
  prefillOverlap = !isNaN(overlap) ? overlap : !isNaN(pluginOverlap) ? pluginOverlap : 0;
  decodeOverlap = !isNaN(overlap) ? overlap : 0;
}

/**
 * power.ts chipPowerW: the loaded chip's draw at `flopsPerS`, `bytesPerS` and the share of time its
 * collectives run: min(P_max, P_static + e_flop·FLOP/s + e_mem·bytes/s + e_link·β_up·share) with
 * components, else P_idle + (P_max − P_idle)·u.
 */
function chipPowerW(flopsPerS: f64, bytesPerS: f64, commShare: f64, utilisation: f64): f64 {
  if (!isNaN(staticW) && !isNaN(joulesPerByte) && !isNaN(joulesPerFlop)) {
    return min<f64>(maxW, staticW + joulesPerFlop * flopsPerS + joulesPerByte * bytesPerS + joulesPerLinkByte * upBandwidth * commShare);
  }
  return idleW + (maxW - idleW) * utilisation;
}

/** power.ts chipFloorW: P_static with components, else P_idle. */
function chipFloorW(): f64 {
  return !isNaN(staticW) && !isNaN(joulesPerByte) && !isNaN(joulesPerFlop) ? staticW : idleW;
}

// ---------------------------------------------------------------- layout.ts shardLayout
let headsPerChip: f64 = 0;
let kvElementsPerTokenPerChip: f64 = 0;
let kvElementsPerToken: f64 = 0;
let prefillQk: f64 = 0;
let prefillV: f64 = 0;
let decodeQk: f64 = 0;
let decodeV: f64 = 0;
let qkvParamsPerChip: f64 = 0;
let qkvOutWidthPerChip: f64 = 0;
let outParamsPerChip: f64 = 0;
let attnOutWidthPerChip: f64 = 0;
let ffnParamsPerChip: f64 = 0;
let ffnInnerWidthPerChip: f64 = 0;
let expertParamsPerChip: f64 = 0;
let expertsPerChip: f64 = 0;
let sharedExpertParamsPerChip: f64 = 0;
let routerParamsPerChip: f64 = 0;
let lmHeadParamsPerChip: f64 = 0;
let embeddingParamsPerChip: f64 = 0;
// Products of outer-level values that stageCost and memoryPerChip use as whole sub-expressions
// (hoisted, not reassociated: each is the same operation on the same operands as in the model).
let qkvWeightBytes: f64 = 0;
let qkvActivationWidth: f64 = 0;
let attentionActivationWidth: f64 = 0;
let outWeightBytes: f64 = 0;
let outActivationWidth: f64 = 0;
let ffnWeightBytes: f64 = 0;
let ffnActivationWidth: f64 = 0;
let routerWeightBytes: f64 = 0;
let sharedWeightBytes: f64 = 0;
let lmHeadWeightBytes: f64 = 0;
let lmHeadActivationWidth: f64 = 0;

/** layout.ts shardLayout: the attention block split `attentionTp` ways (TP, or 1 with data-parallel attention). */
function shardLayout(tp: f64, ep: f64, redundantExperts: f64, attentionTp: f64): void {
  headsPerChip = h / attentionTp;
  if (!hasMla) {
    const kvHeadsPerChip = Math.ceil(hKv / attentionTp);
    kvElementsPerTokenPerChip = 2 * kvHeadsPerChip * dH;
    kvElementsPerToken = 2 * hKv * dH;
    qkvParamsPerChip = d * dH * (headsPerChip + 2 * kvHeadsPerChip);
    qkvOutWidthPerChip = dH * (headsPerChip + 2 * kvHeadsPerChip);
    attnOutWidthPerChip = headsPerChip * dH;
    prefillQk = dH;
    prefillV = dH;
    decodeQk = dH;
    decodeV = dH;
  } else {
    const qkHead = qkNope + qkRope;
    kvElementsPerTokenPerChip = kvLora + qkRope;
    kvElementsPerToken = kvElementsPerTokenPerChip;
    const query = qLora == 0 ? d * headsPerChip * qkHead : d * qLora + qLora * headsPerChip * qkHead;
    const kvDown = d * (kvLora + qkRope);
    const kvUp = kvLora * headsPerChip * (qkNope + vHead);
    qkvParamsPerChip = query + kvDown + kvUp;
    qkvOutWidthPerChip = headsPerChip * qkHead + kvLora + qkRope;
    attnOutWidthPerChip = headsPerChip * vHead;
    prefillQk = qkHead;
    prefillV = vHead;
    decodeQk = kvLora + qkRope;
    decodeV = kvLora;
  }
  const gates: f64 = gated ? 3 : 2;
  const expertParams = hasMoe ? 3 * d * expertFfn : 0;
  const headParams = vocab * d;
  outParamsPerChip = attnOutWidthPerChip * d;
  ffnParamsPerChip = (gates * d * ffn) / tp;
  ffnInnerWidthPerChip = ((gates - 1) * ffn) / tp;
  expertParamsPerChip = ep == 1 ? expertParams / tp : expertParams;
  expertsPerChip = !hasMoe ? 0 : ep == 1 ? experts : Math.ceil((experts + redundantExperts) / ep);
  sharedExpertParamsPerChip = !hasMoe ? 0 : (sharedExperts * expertParams) / tp;
  routerParamsPerChip = !hasMoe ? 0 : d * experts;
  lmHeadParamsPerChip = headParams / tp;
  embeddingParamsPerChip = headParams / tp;
}

// layout.ts meanAttendedContext
function meanAttendedContext(contextTokens: f64, causalPrefill: bool): f64 {
  const full = causalPrefill ? contextTokens / 2 : contextTokens;
  if (!hasWindow) return full;
  const w = window;
  let windowed: f64;
  if (causalPrefill) windowed = contextTokens <= w ? contextTokens / 2 : w - (w * w) / (2 * contextTokens);
  else windowed = min<f64>(contextTokens, w);
  const fractionWindowed = windowedLayers / L;
  return fractionWindowed * windowed + (1 - fractionWindowed) * full;
}

// layout.ts touchedFraction and expectedExpertsTouched
@inline function touchedFraction(e: f64, k: f64, tokens: f64): f64 {
  return 1 - hostPow(1 - k / e, tokens);
}
@inline function expectedExpertsTouched(e: f64, k: f64, tokens: f64): f64 {
  return e * touchedFraction(e, k, tokens);
}

// layout.ts expectedMaxStandardNormal: Blom's Φ⁻¹((n − 3/8)/(n + 1/4)) by Acklam's approximation,
// memoised on n (EP changes by level, and the drafter and the prefill worker swap it in and out)
let maxNormalN: f64 = -1;
let maxNormalC: f64 = 0;
function expectedMaxStandardNormal(n: f64): f64 {
  if (n <= 1) return 0;
  const p = (n - 0.375) / (n + 0.25);
  if (p > 1 - 0.02425) {
    const q = Math.sqrt(-2 * hostLog(1 - p));
    return (
      -(((((-7.784894002430293e-3 * q + -3.223964580411365e-1) * q + -2.400758277161838) * q + -2.549732539343734) * q + 4.374664141464968) * q + 2.938163982698783) /
      ((((7.784695709041462e-3 * q + 3.224671290700398e-1) * q + 2.445134137142996) * q + 3.754408661907416) * q + 1)
    );
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((-3.969683028665376e1 * r + 2.209460984245205e2) * r + -2.759285104469687e2) * r + 1.38357751867269e2) * r + -3.066479806614716e1) * r + 2.506628277459239) * q) /
    (((((-5.447609879822406e1 * r + 1.615858368580409e2) * r + -1.556989798598866e2) * r + 6.680131188771972e1) * r + -1.328068155288572e1) * r + 1)
  );
}
@inline function maxNormalOf(n: f64): f64 {
  if (n != maxNormalN) {
    maxNormalN = n;
    maxNormalC = expectedMaxStandardNormal(n);
  }
  return maxNormalC;
}
// layout.ts busiestExpertRank at the current EP, expert slots and imbalance: the routings and the
// experts read of the busiest of EP ranks, for the group's `tokens`
@inline function busiestRoutings(tokens: f64): f64 {
  const routings = tokens * activeExperts;
  const share = 1 / ep;
  const mean = routings * share;
  const finitePopulation = experts > activeExperts ? (experts - activeExperts) / (experts - 1) : 0;
  const sd = Math.sqrt(routings * share * (1 - share) * finitePopulation);
  return max<f64>(mean * imbalance, mean + maxNormalOf(ep) * sd);
}
@inline function busiestTouched(tokens: f64): f64 {
  const q = touchedFraction(experts, activeExperts, tokens);
  const touched = expertsPerChip * q;
  return min<f64>(expertsPerChip, touched + maxNormalOf(ep) * Math.sqrt(touched * (1 - q)));
}

// ---------------------------------------------------------------- parallelism and the rules
let tp: f64 = 1;

/**
 * layout.ts dataParallelAttentionImbalance at the current TP: with data-parallel attention, the
 * busiest rank's ⌈B/TP⌉ requests over the mean B/TP; 1 otherwise.
 */
@inline function attentionImbalanceFor(requests: f64): f64 {
  return dpAttention ? Math.ceil(requests / tp) / (requests / tp) : 1;
}
let pp: f64 = 1;
let ep: f64 = 1;
let redundant: f64 = 0; // R, resolved (inference.ts redundantExpertsOf; 0 in training)
let chips: f64 = 1;
let dp: f64 = 1;
let stageLayers: f64 = 0;
let denseLayersStage: f64 = 0;
let moeLayersStage: f64 = 0;

// layout.ts slowestStageLayers (inference) or evenStageLayers (training, `evenStages`)
let evenStages: bool = false;
let splitLayers: f64 = 0;
let splitDense: f64 = 0;
let splitMoe: f64 = 0;

function stageSplit(ppS: f64): void {
  if (evenStages) {
    splitLayers = L / ppS;
    splitDense = (!hasMoe ? L : denseLayersModel) / ppS;
    splitMoe = (!hasMoe ? 0 : L - denseLayersModel) / ppS;
  } else {
    splitLayers = Math.ceil(L / ppS);
    splitMoe = min<f64>(splitLayers, !hasMoe ? 0 : L - denseLayersModel);
    splitDense = splitLayers - splitMoe;
  }
}

/**
 * inference.ts ruleBroken, then speculationBroken: the first broken rule's reason code, or -1.
 * Resolves the speculation first; sets the layout (and the drafter's memory) when no rule is broken.
 */
function setParallel(): i32 {
  disaggregated = value(A_PREFILL_WORKERS) > 0;
  setSpeculation();
  tp = value(A_TP);
  pp = value(A_PP);
  ep = value(A_EP);
  evenStages = false;
  // layout.ts defaultRedundantExperts when the axis says auto (NaN)
  const givenRedundant = value(A_REDUNDANT);
  redundant = !isNaN(givenRedundant) ? givenRedundant : !hasMoe ? 0 : Math.ceil(experts / ep) * ep - experts;
  chips = dpMode ? tp * pp * value(A_CHIPS) : value(A_CHIPS);
  const itp = <i64>tp;
  const ipp = <i64>pp;
  const iep = <i64>ep;
  const ichips = <i64>chips;
  if (ichips % (itp * ipp) != 0) return R_CHIPS_DIVIDE_PARALLELISM;
  if (<i64>h % itp != 0 && !dpAttention) return R_TP_DIVIDES_HEADS; // data-parallel attention keeps every head
  if (pp > L) return R_PP_DIVIDES_LAYERS; // uneven stages are fine, empty ones are not
  dp = chips / (tp * pp);
  // EP need not divide E (⌈(E + R)/EP⌉ experts per chip), but needs experts, and R at most E·(EP − 1)
  if (iep > 1 && !hasMoe) return R_EP_DIVIDES_EXPERTS;
  if (redundant > 0 && (!hasMoe || redundant > experts * (ep - 1))) return R_EP_DIVIDES_EXPERTS;
  if (iep > 1) {
    // data-parallel attention: EP need only divide the stage's chips (inference.ts ruleBroken)
    if ((!dpAttention && iep % itp != 0) || (itp * <i64>dp) % iep != 0) return R_EP_LAYOUT;
  }
  if (isNaN(peak) || isNaN(attentionPeak)) return R_PRECISION_UNSUPPORTED;
  const disaggregationReason = setDisaggregation();
  if (disaggregationReason >= 0) return disaggregationReason;
  // speculative.ts speculationBroken: a drafter that does not exist or does not fit the layout
  if (specMode == SPEC_MTP && mtpModules < 1) return R_SPECULATIVE_UNSUPPORTED;
  if (specMode == SPEC_DRAFT && (draftModel == 0 || (<i64>f(draftModel, M_HEADS) % itp != 0 && !dpAttention))) return R_SPECULATIVE_UNSUPPORTED;
  if (specMode != SPEC_NONE) drafterMemoryStatic(tp, ep, redundant);
  setLayout();
  return -1;
}

// inference.ts prefillWorkerOf / disaggregationRuleBroken: the prefill pool of a disaggregated configuration
let disaggregated: bool = false;
let prefillWorkers: f64 = 0; // n_p
let decodeWorkers: f64 = 0; // n_d
let prefillChip: usize = 0;
let pTp: f64 = 1; // a prefill worker's TP (its chips, W_p)
let pEp: f64 = 1;
let pRedundant: f64 = 0;
let pDpAttention: bool = false;

/**
 * Resolves the prefill pool (defaults as prefillWorkerOf) and checks disaggregationRuleBroken: a
 * decode worker is one replica, and ruleBroken on the prefill worker's own chip. The reason, or -1.
 */
function setDisaggregation(): i32 {
  prefillWorkers = value(A_PREFILL_WORKERS);
  disaggregated = prefillWorkers > 0;
  if (!disaggregated) return -1;
  decodeWorkers = value(A_DECODE_WORKERS);
  // the decode chip when none is given, or when the given one is the same chip (prefillWorkerOf)
  const givenChip = value(A_PREFILL_CHIP);
  prefillChip = isNaN(givenChip) ? decodeChip : chipsPtr + (<usize>givenChip * CHIP_STRIDE << 3);
  const identity = f(prefillChip, C_IDENTITY);
  if (identity != 0 && identity == f(decodeChip, C_IDENTITY)) prefillChip = decodeChip;
  const givenTp = value(A_PREFILL_TP);
  pTp = isNaN(givenTp) ? tp : givenTp;
  const givenEp = value(A_PREFILL_EP);
  pEp = isNaN(givenEp) ? (ep > 1 ? pTp : 1) : givenEp;
  pRedundant = !hasMoe ? 0 : Math.ceil(experts / pEp) * pEp - experts;
  pDpAttention = value(A_PREFILL_ATTENTION) == 2;
  if (chips != tp * pp) return R_CHIPS_DIVIDE_PARALLELISM;
  const ipTp = <i64>pTp;
  const ipEp = <i64>pEp;
  if (<i64>h % ipTp != 0 && !pDpAttention) return R_TP_DIVIDES_HEADS;
  if (ipEp > 1 && !hasMoe) return R_EP_DIVIDES_EXPERTS;
  if (pRedundant > 0 && (!hasMoe || pRedundant > experts * (pEp - 1))) return R_EP_DIVIDES_EXPERTS;
  if (ipEp > 1) {
    if ((!pDpAttention && ipEp % ipTp != 0) || ipTp % ipEp != 0) return R_EP_LAYOUT;
  }
  if (isNaN(f(prefillChip, C_PEAK + computeCode)) || isNaN(f(prefillChip, C_PEAK + attentionComputeCode))) return R_PRECISION_UNSUPPORTED;
  return -1;
}

/** The layout of (tp, ep), its hoisted products, the parallelism part of memory and the stage's layer counts. */
function setLayout(): void {
  shardLayout(tp, ep, redundant, dpAttention ? 1 : tp);
  hoistLayout();
  memoryStatic(tp, pp);
  // phase.ts stageCost: the costed stage's layers (memoryStatic just split them for pp)
  stageLayers = splitLayers;
  denseLayersStage = splitDense;
  moeLayersStage = splitMoe;
}

/** The layout's products that stageCost uses whole (after shardLayout). */
function hoistLayout(): void {
  qkvWeightBytes = qkvParamsPerChip * bwAttention;
  qkvActivationWidth = d + qkvOutWidthPerChip;
  attentionActivationWidth = qkvOutWidthPerChip + attnOutWidthPerChip;
  outWeightBytes = outParamsPerChip * bwAttention;
  outActivationWidth = attnOutWidthPerChip + d;
  ffnWeightBytes = ffnParamsPerChip * bw;
  ffnActivationWidth = 2 * d + ffnInnerWidthPerChip;
  routerWeightBytes = routerParamsPerChip * bw;
  sharedWeightBytes = sharedExpertParamsPerChip * bw;
  lmHeadWeightBytes = lmHeadParamsPerChip * bw;
  lmHeadActivationWidth = d + vocab / tp;
}

// ---------------------------------------------------------------- speculative.ts
const SPEC_NONE: i32 = 0;
const SPEC_MTP: i32 = 1;
const SPEC_DRAFT: i32 = 2;
let specMode: i32 = SPEC_NONE;
let gamma: f64 = 0; // γ, draft tokens per step
let verifyTokens: f64 = 1; // g = γ + 1 (1 without speculation)
let expectedTokens: f64 = 1; // E (1 without speculation)
let expectedOverride: f64 = NaN; // CFG_EXPECTED of an explicit record
let balanceIterations: f64 = NaN; // CFG_CONTEXT_BALANCE of an explicit record; NaN in sweeps
let receiveInterval: f64 = NaN; // CFG_RECEIVE_INTERVAL of an explicit record; NaN in sweeps
let draftModel: usize = 0; // the draft model's descriptor (mode draft), 0 when none

/** speculative.ts resolveSpeculation: the mode, γ, g and E = 1 + a + a² + … (γ terms, summed as expectedTokensPerStep does). */
function setSpeculation(): void {
  specMode = <i32>value(A_SPECULATIVE);
  if (specMode == SPEC_NONE) {
    gamma = 0;
    verifyTokens = 1;
    expectedTokens = 1;
    return;
  }
  gamma = value(A_DRAFT_TOKENS);
  verifyTokens = gamma + 1;
  if (!isNaN(expectedOverride)) expectedTokens = expectedOverride;
  else {
    // NaN: the chip's serving stack's fitted acceptance, else the model's default (speculative.ts)
    let a = value(A_ACCEPTANCE);
    if (isNaN(a)) a = f(decodeChip, C_MTP_ACCEPTANCE);
    let term: f64 = 1;
    let expected: f64 = 1;
    for (let i = 0; i < <i32>gamma; i++) {
      term *= a;
      expected += term;
    }
    expectedTokens = expected;
  }
  const draft = value(A_DRAFT_MODEL);
  draftModel = specMode != SPEC_DRAFT || isNaN(draft) ? 0 : modelsPtr + (<usize>draft * MODEL_STRIDE << 3);
}

/** speculative.ts drafterOf: the draft model, or the MTP modules (the model's layers of the MoE kind, dense for a dense model). */
function useDrafterModel(): void {
  if (specMode == SPEC_DRAFT) loadModel(draftModel);
  else {
    L = mtpModules;
    denseLayersModel = 0;
    // the MTP modules attend to the full context (drafterOf drops the model's sliding window)
    hasWindow = false;
  }
}

/** Back to the configuration's model after useDrafterModel. */
function useTargetModel(): void {
  if (specMode == SPEC_DRAFT) loadModel(targetModel);
  else {
    L = f(targetModel, M_LAYERS);
    denseLayersModel = f(targetModel, M_DENSE_LAYERS);
    hasWindow = f(targetModel, M_HAS_WINDOW) == 1;
  }
}

let drafting: bool = false; // stageCost runs the drafter (its own operator table)
let targetPp: f64 = 1;
let targetEp: f64 = 1;
let targetImbalance: f64 = 1;

/**
 * speculative.ts drafterContext: the drafter's model, layout and stage in the globals stageCost
 * reads — the replica's TP chips, unpipelined (pp 1, so the embedding gather), MTP's experts laid
 * out as the model's (EP, R, imbalance), a draft model's dense over TP (EP 1, R 0, imbalance 1).
 */
function enterDrafter(): void {
  useDrafterModel();
  targetPp = pp;
  targetEp = ep;
  targetImbalance = imbalance;
  const mtp = specMode == SPEC_MTP;
  pp = 1;
  if (!mtp) {
    ep = 1;
    imbalance = 1;
  }
  shardLayout(tp, ep, mtp ? redundant : 0, dpAttention ? 1 : tp);
  hoistLayout();
  stageSplit(1);
  stageLayers = splitLayers;
  denseLayersStage = splitDense;
  moeLayersStage = splitMoe;
  drafting = true;
}

/** Restores the configuration's model, layout and stage after enterDrafter. */
function leaveDrafter(): void {
  useTargetModel();
  pp = targetPp;
  ep = targetEp;
  imbalance = targetImbalance;
  shardLayout(tp, ep, redundant, dpAttention ? 1 : tp);
  hoistLayout();
  stageSplit(pp);
  stageLayers = splitLayers;
  denseLayersStage = splitDense;
  moeLayersStage = splitMoe;
  drafting = false;
}

// speculative.ts drafterMemory, the parallelism part: the drafter's weights and KV shape per chip
let dmWeights: f64 = 0;
let dmLayers: f64 = 0;
let dmKvPerChip: f64 = 0;
let dmHasWindow: bool = false;
let dmWindow: f64 = 0;
let dmWindowedLayers: f64 = 0;

/** layout.ts weightBytes: `params` at bw, of which `attentionParams` at bwAttention where the attention weights differ. */
@inline function weightBytes(params: f64, attentionParams: f64): f64 {
  return bwAttention == bw ? params * bw : (params - attentionParams) * bw + attentionParams * bwAttention;
}

/** drafterMemory's weights at (tpM, epM, RM) and what its KV cache needs; leaves the configuration's model loaded (not its layout). */
function drafterMemoryStatic(tpM: f64, epM: f64, RM: f64): void {
  useDrafterModel();
  const mtp = specMode == SPEC_MTP;
  shardLayout(tpM, mtp ? epM : 1, mtp ? RM : 0, dpAttention ? 1 : tpM);
  const denseL = !hasMoe ? L : denseLayersModel;
  const moeL = L - denseL;
  let params =
    L * (qkvParamsPerChip + outParamsPerChip) +
    denseL * ffnParamsPerChip +
    moeL * (expertsPerChip * expertParamsPerChip + sharedExpertParamsPerChip + routerParamsPerChip);
  if (mtp) params += (2 * d * d) / tpM;
  else params += tied ? embeddingParamsPerChip : embeddingParamsPerChip + lmHeadParamsPerChip;
  dmWeights = weightBytes(params, L * (qkvParamsPerChip + outParamsPerChip));
  dmLayers = L;
  dmKvPerChip = kvElementsPerTokenPerChip;
  dmHasWindow = hasWindow;
  dmWindow = window;
  dmWindowedLayers = windowedLayers;
  useTargetModel();
}

/** layout.ts meanCachedTokens of the drafter (meanAttendedContext, not causal, with its window and layers). */
function drafterCachedTokens(contextTokens: f64): f64 {
  if (!dmHasWindow) return contextTokens;
  const windowed = min<f64>(contextTokens, dmWindow);
  const fractionWindowed = dmWindowedLayers / dmLayers;
  return fractionWindowed * windowed + (1 - fractionWindowed) * contextTokens;
}

// ---------------------------------------------------------------- collectives.ts
const TORUS_SIZES: usize = memory.data(64 * 8, 16);
const TORUS_FACTORS: usize = memory.data(64 * 8, 16);
let torusMemoN: f64 = -1;
let torusMemoAxes: i32 = -1;
let torusMemoCount: i32 = 0;
const TORUS_MEMO: usize = memory.data(4 * 8, 16);

/** torusAxisSizes(n, axes): writes the axis sizes (> 1) to TORUS_SIZES and returns how many. */
function torusAxisSizes(n: f64, axes: i32): i32 {
  if (n == torusMemoN && axes == torusMemoAxes) {
    memory.copy(TORUS_SIZES, TORUS_MEMO, <usize>torusMemoCount << 3);
    return torusMemoCount;
  }
  let count = 0;
  let rest = <i64>n;
  for (let p: i64 = 2; p * p <= rest; p++) {
    while (rest % p == 0) {
      store<f64>(TORUS_FACTORS + (<usize>count << 3), <f64>p);
      count++;
      rest /= p;
    }
  }
  if (rest > 1) {
    store<f64>(TORUS_FACTORS + (<usize>count << 3), <f64>rest);
    count++;
  }
  // largest first (insertion sort; a handful of factors)
  for (let i = 1; i < count; i++) {
    const x = load<f64>(TORUS_FACTORS + (<usize>i << 3));
    let j = i - 1;
    while (j >= 0 && load<f64>(TORUS_FACTORS + (<usize>j << 3)) < x) {
      store<f64>(TORUS_FACTORS + (<usize>(j + 1) << 3), load<f64>(TORUS_FACTORS + (<usize>j << 3)));
      j--;
    }
    store<f64>(TORUS_FACTORS + (<usize>(j + 1) << 3), x);
  }
  for (let i = 0; i < axes; i++) store<f64>(TORUS_SIZES + (<usize>i << 3), 1);
  for (let k = 0; k < count; k++) {
    let smallest = 0;
    for (let i = 1; i < axes; i++) {
      if (load<f64>(TORUS_SIZES + (<usize>i << 3)) < load<f64>(TORUS_SIZES + (<usize>smallest << 3))) smallest = i;
    }
    const at = TORUS_SIZES + (<usize>smallest << 3);
    store<f64>(at, load<f64>(at) * load<f64>(TORUS_FACTORS + (<usize>k << 3)));
  }
  let kept = 0;
  for (let i = 0; i < axes; i++) {
    const s = load<f64>(TORUS_SIZES + (<usize>i << 3));
    if (s > 1) {
      store<f64>(TORUS_SIZES + (<usize>kept << 3), s);
      kept++;
    }
  }
  torusMemoN = n;
  torusMemoAxes = axes;
  torusMemoCount = kept;
  memory.copy(TORUS_MEMO, TORUS_SIZES, <usize>kept << 3);
  return kept;
}

@inline function networkEfficiency(messageBytes: f64): f64 {
  return isNaN(networkConstant) ? efficiencyAt(effNetwork, messageBytes) : networkConstant;
}

function flatRingS(bandwidth: f64, hop: f64, collective: f64, eta: f64, messageBytes: f64, n: f64, passes: f64): f64 {
  const bandwidthS = ((passes * (n - 1)) / n) * (messageBytes / (bandwidth * eta));
  return bandwidthS + (isNaN(collective) ? passes * (n - 1) * hop : collective);
}

function scaleUpRingS(messageBytes: f64, n: f64, passes: f64): f64 {
  const eta = networkEfficiency(messageBytes);
  const axes = upAxes;
  if (axes == 0) return flatRingS(upBandwidth, upHop, upCollective, eta, messageBytes, n, passes);
  // the group's axes run at once: the bandwidth of all of them
  const count = torusAxisSizes(n, axes);
  const groupBandwidth = (upBandwidth / <f64>axes) * <f64>count;
  const bandwidthS = ((passes * (n - 1)) / n) * (messageBytes / (groupBandwidth * eta));
  let latencyS: f64 = 0;
  for (let i = 0; i < count; i++) {
    const a = load<f64>(TORUS_SIZES + (<usize>i << 3));
    latencyS += passes * (a - 1) * upHop;
  }
  return bandwidthS + (isNaN(upCollective) ? latencyS : upCollective);
}

/** The largest divisor of `n` that is at most `cap` (at least 1), in O(√n) (divisors.ts largestDivisorAtMost). */
function largestDivisorAtMost(n: f64, cap: f64): f64 {
  const limit = Math.floor(cap);
  if (n <= limit) return n;
  for (let i = max<f64>(1, Math.ceil(n / limit)); i * i <= n; i++) if (n % i == 0) return n / i;
  for (let k = min<f64>(limit, Math.floor(Math.sqrt(n))); k > 1; k--) if (n % k == 0) return k;
  return 1;
}

/** collectives.ts ringCollectiveS; `membersPerDomain` NaN = not given (a contiguous group: min(n, D)). */
function ringCollectiveS(messageBytes: f64, n: f64, passes: f64, membersPerDomain: f64 = NaN): f64 {
  if (n <= 1) return 0;
  const cap = isNaN(membersPerDomain) ? min<f64>(n, upDomain) : membersPerDomain;
  if (n <= cap) return scaleUpRingS(messageBytes, n, passes);
  const k = largestDivisorAtMost(n, cap);
  if (k > 1 && n % k == 0) {
    const inside = passes * scaleUpRingS(messageBytes, k, 1);
    const shard = messageBytes / k;
    return inside + flatRingS(outBandwidth, outHop, NaN, networkEfficiency(shard), shard, n / k, passes);
  }
  return flatRingS(outBandwidth, outHop, NaN, networkEfficiency(messageBytes), messageBytes, n, passes);
}

@inline function allReduceS(messageBytes: f64, n: f64): f64 {
  return ringCollectiveS(messageBytes, n, 2);
}

@inline function allGatherS(messageBytes: f64, n: f64): f64 {
  return ringCollectiveS(messageBytes, n, 1);
}

/** collectives.ts allToAllS: one launch latency plus the bytes; scale-up and scale-out parts at once beyond a domain. */
function allToAllS(messageBytes: f64, n: f64): f64 {
  if (n <= 1) return 0;
  const eta = networkEfficiency(messageBytes);
  if (n <= upDomain) return scaleUpAllToAllS(messageBytes, n, eta);
  const k = largestDivisorAtMost(n, upDomain);
  const outsideS = ((n - k) / n) * (messageBytes / (outBandwidth * eta)) + outHop;
  if (k == 1) return outsideS;
  return max<f64>(scaleUpAllToAllS((messageBytes * k) / n, k, eta), outsideS);
}

/** collectives.ts scaleUpAllToAllS: a switch's (n−1)/n of m, or a torus' bisection bound. */
function scaleUpAllToAllS(messageBytes: f64, n: f64, eta: f64): f64 {
  const axes = upAxes;
  if (axes == 0) return ((n - 1) / n) * (messageBytes / (upBandwidth * eta)) + (isNaN(upCollective) ? upHop : upCollective);
  const count = torusAxisSizes(n, axes);
  const axisBandwidth = upBandwidth / <f64>axes;
  let largest: f64 = 1;
  let diameter: f64 = 0;
  for (let i = 0; i < count; i++) {
    const a = load<f64>(TORUS_SIZES + (<usize>i << 3));
    if (a > largest) largest = a;
    diameter += Math.floor(a / 2);
  }
  const injectionS = ((n - 1) / n) * (messageBytes / (axisBandwidth * <f64>count * eta));
  const bisectionS = (largest * messageBytes) / (4 * axisBandwidth * eta);
  return max<f64>(injectionS, bisectionS) + (isNaN(upCollective) ? diameter * upHop : upCollective);
}

// phase.ts pipelineSendRawS (pointToPointS over linkLevelFor(tp·pp))
function pipelineSendRawS(tokens: f64): f64 {
  if (pp == 1) return 0;
  const sent = dpAttention ? (tokens / tp) * attentionImbalance : tokens;
  const message = sent * d * bc;
  const scaleUp = tp * pp <= upDomain;
  const bandwidth = scaleUp ? upBandwidth : outBandwidth;
  const hop = scaleUp ? upHop : outHop;
  return message / (bandwidth * networkEfficiency(message)) + hop;
}

// phase.ts pipelineSendS: the send hides behind what the stage's collectives left (`spare`)
function pipelineSendS(tokens: f64, spare: f64): f64 {
  if (pp == 1) return 0;
  return max<f64>(0, pipelineSendRawS(tokens) - spare);
}

// ---------------------------------------------------------------- phase.ts operatorCost + stageCost
let sComputeS: f64 = 0;
let sMemoryS: f64 = 0;
let sFlops: f64 = 0;
let sBytes: f64 = 0;
let sCommS: f64 = 0; // the stage's collectives before overlap
let sOverlap: f64 = 0; // the fraction of its operator time they may hide behind
let sSpareS: f64 = 0; // hiding capacity left for a pipeline send
let sNetworkS: f64 = 0;
let sOverheadS: f64 = 0;
let sTimeS: f64 = 0;
let sBound: i32 = 0;

// Each operator's share of the stage, in push order: time·layers, compute-bound (1/0), flops·layers,
// bytes·layers. Decode keeps its table, so that when only the context changes (the prompt or output
// length) just the attention row is recomputed and the sums are taken again in the same order.
const OP_SLOTS: i32 = 16;
const PREFILL_OPS: usize = memory.data(OP_SLOTS * 4 * 8, 16);
const DECODE_OPS: usize = memory.data(OP_SLOTS * 4 * 8, 16);
const ITERATION_OPS: usize = memory.data(OP_SLOTS * 4 * 8, 16); // a continuous-batching iteration
const DRAFT_OPS: usize = memory.data(OP_SLOTS * 4 * 8, 16); // a drafter's pass (speculative decoding)
let ops: usize = PREFILL_OPS;
let opCount: i32 = 0;
let decodeOpCount: i32 = 0;
let decodeCommS: f64 = 0;
let decodeOverheadS: f64 = 0;
/** The stage's layers times m (two-batch overlap): the repeat count of the per-layer operators. */
let mbLayers: f64 = 0;
/** The decode operator table holds the current batch (and everything outside it). */
let decodeValid: bool = false;

/** operatorCost, then `repeated(op, layers)`: its row in the stage's operator table. A dense GEMM: its weights stream at the contiguous-read η_mem (phase.ts `op`). */
@inline function operator(flops: f64, bytes: f64, layers: f64): void {
  operatorAt(peak, effFlop, flopConstant, effWeightMemory, weightMemoryConstant, weightRooflineConstant, flops, bytes, layers);
}

/** The attention block's projections (phase.ts `attentionOp`): a dense GEMM at the attention compute precision's peak and η_flop. */
@inline function attentionProjection(flops: f64, bytes: f64, layers: f64): void {
  operatorAt(attentionPeak, effAttentionFlop, attentionFlopConstant, effWeightMemory, weightMemoryConstant, attentionWeightRooflineConstant, flops, bytes, layers);
}

/** Attention itself (phase.ts `attentionGathered`): gathered KV-cache reads at the attention compute precision's peak and η_flop. */
@inline function attentionGatheredOperator(flops: f64, bytes: f64, layers: f64): void {
  operatorAt(attentionPeak, effAttentionFlop, attentionFlopConstant, effMemory, memoryConstant, attentionRooflineConstant, flops, bytes, layers);
}

/** An operator of gathered reads (attention's KV cache, the embedding rows) at the chip's η_mem (phase.ts `gathered`). */
@inline function gatheredOperator(flops: f64, bytes: f64, layers: f64): void {
  operatorAt(peak, effFlop, flopConstant, effMemory, memoryConstant, rooflineConstant, flops, bytes, layers);
}

/** The routed experts' operator: the same roofline at the experts' η_flop (phase.ts expertChip). */
@inline function expertsOperator(flops: f64, bytes: f64, layers: f64): void {
  operatorAt(peak, effExpertFlop, expertFlopConstant, effMemory, memoryConstant, expertRooflineConstant, flops, bytes, layers);
}

/** operator's roofline at `peakFlops` with the η_flop table `flopTable` and the η_mem table `memoryTable` (their constants `flopConst`, `memoryConst` when `constant`). */
@inline function operatorAt(peakFlops: f64, flopTable: usize, flopConst: f64, memoryTable: usize, memoryConst: f64, constant: bool, flops: f64, bytes: f64, layers: f64): void {
  let computeS: f64;
  let memoryS: f64;
  if (constant) {
    computeS = flops / (peakFlops * flopConst);
    memoryS = bytes / (memBandwidth * memoryConst);
  } else {
    const arithmeticIntensity = bytes > 0 ? flops / bytes : Infinity;
    computeS = flops / (peakFlops * efficiencyAt(flopTable, arithmeticIntensity));
    memoryS = bytes / (memBandwidth * efficiencyAt(memoryTable, arithmeticIntensity));
  }
  const timeS = max<f64>(computeS, memoryS);
  const row = ops + (<usize>opCount << 5);
  store<f64>(row, timeS * layers);
  store<f64>(row, computeS >= memoryS ? 1 : 0, 8);
  store<f64>(row, flops * layers, 16);
  store<f64>(row, bytes * layers, 24);
  opCount++;
}

/** The same operator, not repeated (lm_head, embedding): x·1 = x, so `operator(…, 1)`. */
@inline function operatorOnce(flops: f64, bytes: f64): void {
  operator(flops, bytes, 1);
}

/** phase.ts stageCost's loop: the bound-wise time sums, flops and bytes, in push order. */
function sumOperators(table: usize, count: i32): void {
  let computeS: f64 = 0;
  let memoryS: f64 = 0;
  let flops: f64 = 0;
  let bytes: f64 = 0;
  for (let i = 0; i < count; i++) {
    const row = table + (<usize>i << 5);
    if (load<f64>(row, 8) == 1) computeS += load<f64>(row);
    else memoryS += load<f64>(row);
    flops += load<f64>(row, 16);
    bytes += load<f64>(row, 24);
  }
  sComputeS = computeS;
  sMemoryS = memoryS;
  sFlops = flops;
  sBytes = bytes;
}

// phase.ts dominantBound
@inline function dominantBound(computeS: f64, memoryS: f64, networkS: f64): i32 {
  if (computeS >= memoryS && computeS >= networkS) return BOUND_COMPUTE;
  if (memoryS >= networkS) return BOUND_MEMORY;
  return BOUND_NETWORK;
}

/**
 * phase.ts stageCost's ownTokens: with data-parallel attention the busiest chip's share of `n` of
 * its group's tokens, (n/TP)·u; otherwise all of them.
 */
@inline function ownTokens(n: f64): f64 {
  return dpAttention ? (n / tp) * attentionImbalance : n;
}

/** The attention operator (scores + context) at `contextTokens`: the one that depends on the context. */
function attentionOperator(prefill: bool, tokens: f64, contextTokens: f64): void {
  const attended = meanAttendedContext(contextTokens, prefill);
  const qk = prefill ? prefillQk : decodeQk;
  const v = prefill ? prefillV : decodeV;
  const byBatch = !prefill && byBatchSharding && tp > 1;
  const attnHeads = byBatch ? h : headsPerChip;
  const chipTokens = ownTokens(tokens);
  const attnTokens = byBatch ? tokens / tp : chipTokens;
  const kvPerToken = byBatch ? kvElementsPerToken : kvElementsPerTokenPerChip;
  const attentionFlops = 2 * attnHeads * (qk + v) * attended * attnTokens;
  const kvBytes = !prefill ? attnTokens * (attended + 1) * kvPerToken * bkv : attnTokens * kvElementsPerTokenPerChip * bkv;
  attentionGatheredOperator(attentionFlops, kvBytes + chipTokens * attentionActivationWidth * ba, mbLayers);
}

/** phase.ts stageCost's `prompt_attention`: a prompt chunk's causal attention over its prompt (prefill's heads and dims). */
function promptAttentionOperator(prompt: f64, promptLength: f64): void {
  const promptAttended = meanAttendedContext(promptLength, true);
  const promptTokens = ownTokens(prompt);
  attentionGatheredOperator(
    2 * headsPerChip * (prefillQk + prefillV) * promptAttended * promptTokens,
    promptTokens * kvElementsPerTokenPerChip * bkv + promptTokens * attentionActivationWidth * ba,
    mbLayers,
  );
}

// phase.ts iterationOverlap: prefill's and decode's overlap weighted by their tokens
@inline function iterationOverlap(decodeTokens: f64, promptTokens: f64): f64 {
  return (prefillOverlap * promptTokens + decodeOverlap * decodeTokens) / (promptTokens + decodeTokens);
}

/**
 * phase.ts stageCost. A decode stage may carry `promptTokens` prompt tokens of prompts
 * `promptLength` long (a continuous-batching iteration, `iteration` true: its own operator table,
 * leaving the static decode table alone); they join every matmul and add `prompt_attention`.
 */
function stageCost(
  prefill: bool,
  tokens: f64,
  contextTokens: f64,
  logitTokens: f64,
  promptTokens: f64 = 0,
  promptLength: f64 = 0,
  iteration: bool = false,
): void {
  const table = drafting ? DRAFT_OPS : prefill ? PREFILL_OPS : iteration ? ITERATION_OPS : DECODE_OPS;
  ops = table;
  opCount = 0;
  // two-batch overlap: every operator on half the tokens, m times (÷ 1 and × 1 change nothing)
  const mb = overlapBatches;
  tokens = tokens / mb;
  logitTokens = logitTokens / mb;
  promptTokens = promptTokens / mb;
  mbLayers = stageLayers * mb;
  const mbDense = denseLayersStage * mb;
  const mbMoe = moeLayersStage * mb;
  // + 0 leaves a pure phase bit for bit
  const allTokens = tokens + promptTokens;
  // data-parallel attention: the chip's own share through the attention block and the router
  const attentionAllTokens = ownTokens(allTokens);

  // Attention block, every layer.
  const twoTokens = 2 * allTokens;
  const twoAttentionTokens = 2 * attentionAllTokens;
  attentionProjection(twoAttentionTokens * qkvParamsPerChip, qkvWeightBytes + attentionAllTokens * qkvActivationWidth * ba, mbLayers);
  attentionOperator(prefill, tokens, contextTokens); // row 1
  if (promptTokens > 0) promptAttentionOperator(promptTokens, promptLength);
  attentionProjection(twoAttentionTokens * outParamsPerChip, outWeightBytes + attentionAllTokens * outActivationWidth * ba, mbLayers);

  if (denseLayersStage > 0) {
    operator(twoTokens * ffnParamsPerChip, ffnWeightBytes + allTokens * ffnActivationWidth * ba, mbDense);
  }

  let expertGroupTokens = allTokens;
  if (hasMoe && moeLayersStage > 0) {
    const k = activeExperts;
    expertGroupTokens = ep == 1 ? allTokens : (allTokens * ep) / tp;
    const routingsPerChip = ep == 1 ? allTokens * k : busiestRoutings(expertGroupTokens);
    const touched = ep == 1 ? expectedExpertsTouched(experts, k, allTokens) : busiestTouched(expertGroupTokens);
    operator(twoAttentionTokens * routerParamsPerChip, routerWeightBytes + attentionAllTokens * d * ba, mbMoe);
    expertsOperator(
      2 * routingsPerChip * expertParamsPerChip,
      touched * expertParamsPerChip * bw + routingsPerChip * 2 * d * ba,
      mbMoe,
    );
    if (sharedExperts > 0) {
      operator(
        twoTokens * sharedExpertParamsPerChip,
        sharedWeightBytes + allTokens * 2 * d * ba,
        mbMoe,
      );
    }
  }

  // the LM head and the embedding once per micro-batch (operatorOnce when m = 1)
  operator(2 * logitTokens * lmHeadParamsPerChip, lmHeadWeightBytes + logitTokens * lmHeadActivationWidth * ba, mb);
  if (pp == 1) gatheredOperator(0, allTokens * d * bw, mb);

  sCommS = stageCommS(prefill, tokens, logitTokens, allTokens, attentionAllTokens, expertGroupTokens, mbDense, mbMoe);
  // two micro-batches: each one's communication runs beside the other's operators, all of it may hide
  sOverlap = mb > 1 ? 1 : promptTokens > 0 ? iterationOverlap(tokens, promptTokens) : prefill ? prefillOverlap : decodeOverlap;
  // phase.ts: t_layer per reference layer, each layer weighted by its kernels
  sOverheadS = (mbDense * kernelsDense + mbMoe * kernelsMoe) * layerOverhead;
  finishStage(table, opCount);
  if (!prefill && !iteration && !drafting) {
    decodeOpCount = opCount;
    decodeCommS = sCommS;
    decodeOverheadS = sOverheadS;
    decodeValid = true;
  }
}

/**
 * phase.ts stageCost's communication per layer: TP all-reduces, EP all-to-alls, batch-sharded
 * attention, for a stage of `tokens` (+ prompt tokens: `allTokens`) after the m split.
 */
@inline function stageCommS(
  prefill: bool,
  tokens: f64,
  logitTokens: f64,
  allTokens: f64,
  attentionAllTokens: f64,
  expertGroupTokens: f64,
  mbDense: f64,
  mbMoe: f64,
): f64 {
  const activationMessage = allTokens * d * bc;
  const arPerLayer = allReduceS(activationMessage, tp);
  const denseAllReduces: f64 = parallelFfn ? 1 : 2;
  let commS = dpAttention
    ? dataParallelAttentionCommS(attentionAllTokens, ownTokens(logitTokens), mbDense, mbMoe)
    : mbDense * denseAllReduces * arPerLayer;
  if (!dpAttention && moeLayersStage > 0 && hasMoe) {
    if (ep == 1) commS += mbMoe * denseAllReduces * arPerLayer;
    else {
      const dispatchBytes = (expertGroupTokens * activeExperts * d * ba) / ep;
      const combineBytes = (expertGroupTokens * activeExperts * d * bc) / ep;
      commS += mbMoe * (arPerLayer + allToAllS(dispatchBytes, ep) + allToAllS(combineBytes, ep));
    }
  }
  if (!prefill && byBatchSharding && tp > 1) {
    const resharded = tokens * headsPerChip * (decodeQk + decodeV) * ba;
    commS += mbLayers * 2 * allToAllS(resharded / 2, tp);
  }
  return commS;
}

/** phase.ts dataParallelAttentionCommS: the all-gathers and reduce-scatters around the sharded parts, EP's all-to-alls. */
function dataParallelAttentionCommS(own: f64, ownLogitTokens: f64, mbDense: f64, mbMoe: f64): f64 {
  const gatherScatterS = 2 * allGatherS(tp * own * d * bc, tp);
  let commS = mbDense * gatherScatterS;
  if (hasMoe && moeLayersStage > 0) {
    if (ep == 1) commS += mbMoe * gatherScatterS;
    else {
      const shared: f64 = sharedExperts > 0 ? gatherScatterS : 0;
      commS += mbMoe * (shared + allToAllS(own * activeExperts * d * ba, ep) + allToAllS(own * activeExperts * d * bc, ep));
    }
  }
  return commS + overlapBatches * allGatherS(tp * ownLogitTokens * d * bc, tp);
}

/** Decode at a new context for the batch in the decode table: only the attention row changes. */
function decodeAtContext(tokens: f64, contextTokens: f64): void {
  ops = DECODE_OPS;
  opCount = 1;
  mbLayers = stageLayers * overlapBatches;
  attentionOperator(false, tokens / overlapBatches, contextTokens);
  sCommS = decodeCommS;
  sOverlap = overlapBatches > 1 ? 1 : decodeOverlap;
  sOverheadS = decodeOverheadS;
  finishStage(DECODE_OPS, decodeOpCount);
}

/** phase.ts stageCost's tail: the sums, then the communication the operators cannot hide (at most overlap × their time). */
function finishStage(table: usize, count: i32): void {
  sumOperators(table, count);
  const hideS = sOverlap * (sComputeS + sMemoryS);
  sNetworkS = max<f64>(0, sCommS - hideS);
  sSpareS = max<f64>(0, hideS - sCommS);
  sTimeS = sComputeS + sMemoryS + sNetworkS + sOverheadS;
  sBound = dominantBound(sComputeS, sMemoryS, sNetworkS);
}

// speculative.ts draftPass: one pass of the drafter (between enterDrafter and leaveDrafter)
let dComputeS: f64 = 0;
let dMemoryS: f64 = 0;
let dNetworkS: f64 = 0;
let dOverheadS: f64 = 0;
let dTimeS: f64 = 0;
let dFlops: f64 = 0;
let dBytes: f64 = 0;
let dCommS: f64 = 0;

/**
 * The drafter's stage on its own table, plus for MTP the 2d→d projection (`mtp_proj`) that joins a
 * token's embedding and the model's last hidden state: its time goes to the bound it has, the
 * stage's communication, overheads and bound stay as they are.
 */
function draftPass(prefill: bool, tokens: f64, contextTokens: f64, logitTokens: f64, promptTokens: f64 = 0, promptLength: f64 = 0): void {
  stageCost(prefill, tokens, contextTokens, logitTokens, promptTokens, promptLength);
  dComputeS = sComputeS;
  dMemoryS = sMemoryS;
  dNetworkS = sNetworkS;
  dOverheadS = sOverheadS;
  dTimeS = sTimeS;
  dFlops = sFlops;
  dBytes = sBytes;
  dCommS = sCommS;
  if (specMode != SPEC_MTP) return;
  const all = tokens + promptTokens;
  const params = (2 * d * d) / tp;
  const row = ops + (<usize>opCount << 5);
  operatorOnce(2 * all * params, params * bw + all * 3 * d * ba);
  const projS = load<f64>(row);
  const computeBound = load<f64>(row, 8) == 1;
  dComputeS = sComputeS + (computeBound ? projS : 0);
  dMemoryS = sMemoryS + (computeBound ? 0 : projS);
  dTimeS = sTimeS + projS;
  dFlops = sFlops + load<f64>(row, 16);
  dBytes = sBytes + load<f64>(row, 24);
}

// ---------------------------------------------------------------- memory.ts memoryPerChip / minChipsToFit
let memWeights: f64 = 0; // the fullest chip's, the drafter's included
let memKv: f64 = 0;
let memActivations: f64 = 0;
let memTotal: f64 = 0;

// memoryPerChip, in two parts: what depends on the parallelism (once per TP/PP/EP) and what
// depends on batch and lengths (per configuration).
let memStageLayers: f64 = 0;
let memStageWeights: f64 = 0; // the model's weights on the fullest chip
let memWeightParams: f64 = 0;
let memKvPerChip: f64 = 0;
let memWidthPerToken: f64 = 0;
let memVocabPerTp: f64 = 0;
let memPp: f64 = 1;
let memTp: f64 = 1;
let memAttentionWidth: f64 = 0; // data-parallel attention: d + the full projections' width
let memShardedWidth: f64 = 0; // data-parallel attention: the sharded FFN's or experts' width

/** The parallelism part of memoryPerChip for the layout last set by shardLayout(tpM, ·). */
function memoryStatic(tpM: f64, ppM: f64): void {
  stageSplit(ppM);
  const stageL = splitLayers;
  const denseL = splitDense;
  const moeL = splitMoe;
  // memory.ts weightParamsPerChip
  const heads =
    ppM == 1 && tied
      ? embeddingParamsPerChip
      : ppM == 1
        ? embeddingParamsPerChip + lmHeadParamsPerChip
        : lmHeadParamsPerChip;
  const weightParams =
    stageL * (qkvParamsPerChip + outParamsPerChip) +
    denseL * ffnParamsPerChip +
    moeL * (expertsPerChip * expertParamsPerChip + sharedExpertParamsPerChip + routerParamsPerChip) +
    heads;
  memWeightParams = weightParams;
  memStageWeights = weightBytes(weightParams, stageL * (qkvParamsPerChip + outParamsPerChip));
  memStageLayers = stageL;
  memKvPerChip = byBatchSharding && tpM > 1 ? kvElementsPerToken / tpM : kvElementsPerTokenPerChip;
  const moeWidth = !hasMoe ? 0 : (activeExperts * 2 * expertFfn) / tpM;
  memWidthPerToken = max<f64>(max<f64>(d + qkvOutWidthPerChip, d + ffnInnerWidthPerChip), d + moeWidth);
  memAttentionWidth = d + qkvOutWidthPerChip;
  memShardedWidth = max<f64>(d + ffnInnerWidthPerChip, d + moeWidth);
  memVocabPerTp = vocab / tpM;
  memPp = ppM;
  memTp = tpM;
}

/**
 * The per-configuration part of memoryPerChip (after memoryStatic, and drafterMemoryStatic when
 * speculating). memory.ts workspaceTokens: a static prefill's chunk (or the batch's g verified
 * tokens), or the continuous steady state's largest iteration per stage (steadyState must have run
 * for this configuration). The drafter's weights and KV cache join the model's.
 */
function memoryDynamic(batch: f64, inputTokens: f64, outputTokens: f64, chunkTokens: f64): void {
  const cachedTokens = meanAttendedContext(inputTokens + outputTokens, false);
  // data-parallel attention: the KV cache of the chip's own ⌈B/TP⌉ sequences
  const sequences = dpAttention ? Math.ceil(batch / memTp) : batch;
  memKv = sequences * cachedTokens * memStageLayers * memKvPerChip * bkv;
  let workspaceTokens: f64;
  // memory.ts memoryPerChip's decodeOnly: a disaggregated decode worker's g·B/p
  if (disaggregated) workspaceTokens = (verifyTokens * batch) / memPp;
  else if (value(A_SCHEDULE) == 1) workspaceTokens = max<f64>(min<f64>(batch * inputTokens, chunkTokens), batch * verifyTokens);
  else if (ssBinds) workspaceTokens = chunkTokens / memPp;
  else workspaceTokens = (verifyTokens * ssDecode + max<f64>(ssPrompt, inputTokens / ssChunks)) / memPp;
  const logits = batch * memVocabPerTp * 4;
  if (dpAttention) {
    // the chip's own share through attention, the group's (gathered) through the sharded FFN or experts
    const own = (workspaceTokens / memTp) * (Math.ceil(batch / memTp) / (batch / memTp));
    const attention = own * memAttentionWidth;
    const sharded = memTp * own * memShardedWidth;
    memActivations = max<f64>(attention, sharded) * ba + logits;
  } else memActivations = workspaceTokens * memWidthPerToken * ba + logits;
  memWeights = memStageWeights;
  if (specMode != SPEC_NONE) {
    const drafterKv = sequences * drafterCachedTokens(inputTokens + outputTokens) * dmLayers * dmKvPerChip * bkv;
    memWeights = memStageWeights + dmWeights;
    memKv = memKv + drafterKv;
  }
  memTotal = memWeights + memKv + memActivations;
}

/**
 * memory.ts memoryCapacityFor on the loaded chip: what weights, KV cache and activations may fill,
 * M · usableFraction; or, for a stack that sizes its KV cache from the free memory (TensorRT-LLM),
 * the weights and activations plus f·(M − R − W − A) (M − R when they exceed it). A function of
 * the figures it is compared with, so nothing keeps it beside them.
 */
@inline function capacityFor(weights: f64, activations: f64): f64 {
  if (isNaN(memKvFreeFraction)) return memCapacity * memUsable;
  const free = memCapacity - memKvReserved - weights - activations;
  return free >= 0 ? weights + activations + memKvFreeFraction * free : memCapacity - memKvReserved;
}

// The divisors up to √n of the heads and of the layers; a model's heads and layers are at most 1e5
// (MODEL_LIMITS), whose divisors up to √n number at most 64, far below the room here.
const MAX_SMALL_DIVISORS: i32 = 1024;
const HEAD_DIVISORS: usize = memory.data(MAX_SMALL_DIVISORS * 8, 16);
const LAYER_DIVISORS: usize = memory.data(MAX_SMALL_DIVISORS * 8, 16);

/** Writes the divisors i ≤ √n of n to `at`, ascending, and returns how many (divisors.ts divisors). */
function smallDivisors(n: i64, at: usize): i32 {
  let count: i32 = 0;
  for (let i: i64 = 1; i * i <= n && count < MAX_SMALL_DIVISORS; i++) {
    if (n % i != 0) continue;
    store<i64>(at + (<usize>count << 3), i);
    count++;
  }
  return count;
}

/**
 * The k-th divisor of n, ascending, of the `count` small divisors at `at`: the small ones in
 * order, then their cofactors n/i in reverse (the square root once). `total` is 2·count, less 1
 * when n is a square.
 */
@inline function divisorAt(n: i64, at: usize, count: i32, k: i32): i64 {
  if (k < count) return load<i64>(at + (<usize>k << 3));
  const total = divisorCount(n, at, count);
  return n / load<i64>(at + (<usize>(total - 1 - k) << 3));
}

@inline function divisorCount(n: i64, at: usize, count: i32): i32 {
  if (count == 0) return 0;
  const largest = load<i64>(at + (<usize>(count - 1) << 3));
  return largest * largest == n ? 2 * count - 1 : 2 * count;
}

/**
 * minChipsToFit: the smallest TP·PP that fits, or NaN. Leaves the layout of (tp, ep) in place.
 * TP over the divisors of the heads and PP over those of the layers, both ascending in O(√n),
 * the order memory.ts smallestLayoutToFit walks, so both keep the same first layout of the fewest chips.
 */
function minChipsToFit(batch: f64, inputTokens: f64, outputTokens: f64, chunkTokens: f64): f64 {
  let best: f64 = NaN;
  const heads = <i64>h;
  const layers = <i64>L;
  const headSmall = smallDivisors(heads, HEAD_DIVISORS);
  const layerSmall = smallDivisors(layers, LAYER_DIVISORS);
  const headCount = divisorCount(heads, HEAD_DIVISORS, headSmall);
  const layerCount = divisorCount(layers, LAYER_DIVISORS, layerSmall);
  for (let ti = 0; ti < headCount; ti++) {
    const t = divisorAt(heads, HEAD_DIVISORS, headSmall, ti);
    for (let pi = 0; pi < layerCount; pi++) {
      const p = divisorAt(layers, LAYER_DIVISORS, layerSmall, pi); // an even layout (memory.ts minChipsToFit)
      const n = <f64>(t * p);
      if (!isNaN(best) && n >= best) continue;
      const tpM = <f64>t;
      const keepEp = ep == tpM;
      const epM = keepEp ? ep : 1;
      const RM = keepEp ? redundant : 0;
      if (specMode != SPEC_NONE) drafterMemoryStatic(tpM, epM, RM);
      shardLayout(tpM, epM, RM, dpAttention ? 1 : tpM);
      memoryStatic(tpM, <f64>p);
      memoryDynamic(batch, inputTokens, outputTokens, chunkTokens);
      if (memTotal <= capacityFor(memWeights, memActivations)) best = n;
    }
  }
  if (specMode != SPEC_NONE) drafterMemoryStatic(tp, ep, redundant);
  shardLayout(tp, ep, redundant, dpAttention ? 1 : tp);
  memoryStatic(tp, pp);
  return best;
}

// ---------------------------------------------------------------- inference.ts estimateInference
let prefillValid: bool = false;
let pTimeS: f64 = 0;
let pComputeS: f64 = 0;
let pMemoryS: f64 = 0;
let pNetworkS: f64 = 0;
let pOverheadS: f64 = 0;
let pBytes: f64 = 0;
let pBound: i32 = 0;
let pAllBytes: f64 = 0; // the prefill's bytes: every stage's, and the drafter's pass
let ttftS: f64 = 0;

function writeInfeasible(reason: i32, memoryKnown: bool, minChips: f64): void {
  for (let i = 0; i < N_OUT; i++) put(i, NaN);
  put(O_FEASIBLE, 0);
  put(O_REASON, <f64>reason);
  if (memoryKnown) {
    put(O_MEM_WEIGHTS, memWeights);
    put(O_MEM_KV, memKv);
    put(O_MEM_ACTIVATIONS, memActivations);
    put(O_MEM_TOTAL, memTotal);
    put(O_MEM_CAPACITY, capacityFor(memWeights, memActivations));
    put(O_MIN_CHIPS, minChips);
  }
}

/** The latencies and rates of a feasible configuration (per user: 1/TPOT; total per chip: input + output). */
@inline function putRates(ttftS: f64, tpotS: f64, requestLatencyS: f64, tokensPerS: f64, tokensPerSPerChip: f64, inputTokensPerSPerChip: f64, prefillTokensPerS: f64): void {
  // t_req of the configuration's chip delays a served request's first token, not the chips
  // (inference.ts requestOverheadOf)
  const requestOverheadS = f(decodeChip, C_REQUEST_OVERHEAD);
  put(O_TTFT, ttftS + requestOverheadS);
  put(O_TPOT, tpotS);
  put(O_REQUEST_LATENCY, requestLatencyS + requestOverheadS);
  put(O_TOKENS_PER_S, tokensPerS);
  put(O_TOKENS_PER_S_PER_CHIP, tokensPerSPerChip);
  put(O_TOKENS_PER_S_PER_USER, 1 / tpotS);
  put(O_INPUT_TOKENS_PER_S_PER_CHIP, inputTokensPerSPerChip);
  put(O_TOTAL_TOKENS_PER_S_PER_CHIP, inputTokensPerSPerChip + tokensPerSPerChip);
  put(O_PREFILL_TOKENS_PER_S, prefillTokensPerS);
}

/** Cost per million output and input tokens, power per chip and energy per output token. */
@inline function putCosts(costPerMillionUsd: f64, costPerMillionInputUsd: f64, powerPerChipW: f64, energyPerTokenJ: f64): void {
  put(O_COST_PER_M, costPerMillionUsd);
  put(O_COST_PER_M_INPUT, costPerMillionInputUsd);
  put(O_POWER, powerPerChipW);
  put(O_ENERGY_PER_TOKEN, energyPerTokenJ);
}

/**
 * Node and facility figures of a deployment of `n1` chips `c1` and `n2` chips `c2` (power.ts
 * energyFigures, whose sums this follows term by term, pool by pool: a one-pool deployment passes
 * n2 = 0, whose terms would add nothing). Host, NIC and switch power is charged at its share of the
 * system's maximum whatever the load; the facility multiplies by PUE.
 */
@inline function putEnergy(tokensPerS: f64, chipW: f64, n1: f64, c1: usize, n2: f64, c2: usize): void {
  const overhead1 = f(c1, C_NODE_OVERHEAD);
  let n = n1;
  let overheadW = n1 * overhead1;
  let systemMaxW = n1 * (f(c1, C_MAX_W) + overhead1);
  if (n2 > 0) {
    const overhead2 = f(c2, C_NODE_OVERHEAD);
    n += n2;
    overheadW += n2 * overhead2;
    systemMaxW += n2 * (f(c2, C_MAX_W) + overhead2);
  }
  const nodeW = n * chipW + overheadW;
  const provisionedW = systemMaxW * pue;
  put(O_NODE_J_PER_TOKEN, nodeW / tokensPerS);
  put(O_FACILITY_J_PER_TOKEN, (nodeW * pue) / tokensPerS);
  put(O_FACILITY_W, nodeW * pue);
  put(O_PROVISIONED_FACILITY_W, provisionedW);
  put(O_TOKENS_PER_S_PER_MW, tokensPerS / (provisionedW / 1e6));
}

/** Both phases' MFU, MBU and bound (InferenceResult.mfu, .mbu, .bound). */
@inline function putPhases(mfuPrefill: f64, mfuDecode: f64, mbuPrefill: f64, mbuDecode: f64, boundPrefill: i32, boundDecode: i32): void {
  put(O_MFU_PREFILL, mfuPrefill);
  put(O_MFU_DECODE, mfuDecode);
  put(O_MBU_PREFILL, mbuPrefill);
  put(O_MBU_DECODE, mbuDecode);
  put(O_BOUND_PREFILL, <f64>boundPrefill);
  put(O_BOUND_DECODE, <f64>boundDecode);
}

/** Where each phase's time goes (InferenceResult.prefill and .decode: compute-, memory-bound, network, overhead). */
@inline function putBreakdown(pCompute: f64, pMemory: f64, pNetwork: f64, pOverhead: f64, dCompute: f64, dMemory: f64, dNetwork: f64, dOverhead: f64): void {
  put(O_PREFILL_COMPUTE, pCompute);
  put(O_PREFILL_MEMORY, pMemory);
  put(O_PREFILL_NETWORK, pNetwork);
  put(O_PREFILL_OVERHEAD, pOverhead);
  put(O_DECODE_COMPUTE, dCompute);
  put(O_DECODE_MEMORY, dMemory);
  put(O_DECODE_NETWORK, dNetwork);
  put(O_DECODE_OVERHEAD, dOverhead);
}

// ---------------------------------------------------------------- serving.ts steadyState
let ssDecode: f64 = 0; // D: sequences decoding per iteration (each with g verified tokens)
let ssPrompt: f64 = 0; // P: prompt tokens per iteration
let ssChunks: f64 = 0; // k: iterations one prompt's chunks take
let ssBinds: bool = false; // the budget binds (g·D + P = C)

/** n′ = (S_out − 1)/E: decode iterations per request (without speculation E = 1, and x/1 = x needs no division). */
@inline function decodeIterations(outputTokens: f64): f64 {
  return specMode == SPEC_NONE ? outputTokens - 1 : (outputTokens - 1) / expectedTokens;
}

/** serving.ts promptFitsIn: S_in ≤ k·(C − g·D_k), with D_k = B·n′/(n′ + k); `gBatch` is g·B, as the model multiplies first. */
@inline function promptFitsIn(k: f64, gBatch: f64, isl: f64, n: f64, C: f64): bool {
  return isl <= k * (C - (gBatch * n) / (n + k));
}

/**
 * serving.ts steadyState: the iteration of continuous batching with chunked prefill, each decoding
 * sequence verifying g = γ + 1 tokens and advancing E (speculative decoding; g = E = 1 without).
 */
function steadyState(batch: f64, inputTokens: f64, outputTokens: f64, chunkTokens: f64): void {
  const n = decodeIterations(outputTokens);
  const g = verifyTokens;
  const C = chunkTokens;
  const isl = inputTokens;
  const perRequest = isl + g * n; // S_in + g·n′, as the model computes it each time
  const chunksWhenBound = Math.ceil(perRequest / C);
  if (batch * perRequest >= C * (n + chunksWhenBound)) {
    const decodeTokens = (C * n) / perRequest;
    ssDecode = decodeTokens;
    ssPrompt = C - g * decodeTokens;
    ssChunks = chunksWhenBound;
    ssBinds = true;
    return;
  }
  const gBatch = g * batch;
  const b = C * n - gBatch * n - isl;
  const root = Math.sqrt(b * b + 4 * C * isl * n);
  const r = b > 0 ? (2 * isl * n) / (b + root) : (root - b) / (2 * C);
  let k = max<f64>(1, Math.ceil(r));
  while (k > 1 && promptFitsIn(k - 1, gBatch, isl, n, C)) k -= 1;
  while (!promptFitsIn(k, gBatch, isl, n, C)) k += 1;
  ssDecode = (batch * n) / (n + k);
  ssPrompt = (batch * isl) / (n + k);
  ssChunks = k;
  ssBinds = false;
}

// ---------------------------------------------------------------- a replica's figures
// A configuration's figures split in two: its replica's (memory, the steady state, the stages,
// TTFT, TPOT, latency, MFU, MBU, power per chip, the time breakdown), which DP and the chips do
// not change, at `replica`; then the outputs from them and DP, chips, price and PUE. A sweep keeps
// the first in entries it shares between the configurations that run the same replica (see
// "sharing across DP"); a configuration evaluated alone runs both.
const R_TTFT: i32 = 0;
const R_TPOT: i32 = 1;
const R_LATENCY: i32 = 2;
const R_POWER: i32 = 3;
const R_PROMPT: i32 = 4; // continuous: P, prompt tokens per iteration
const R_DECODE_TOKENS: i32 = 5; // continuous: g·D
const R_MFU_PREFILL: i32 = 6;
const R_MFU_DECODE: i32 = 7;
const R_MBU_PREFILL: i32 = 8;
const R_MBU_DECODE: i32 = 9;
const R_BOUND_PREFILL: i32 = 10;
const R_BOUND_DECODE: i32 = 11;
const R_PREFILL_COMPUTE: i32 = 12;
const R_PREFILL_MEMORY: i32 = 13;
const R_PREFILL_NETWORK: i32 = 14;
const R_PREFILL_OVERHEAD: i32 = 15;
const R_DECODE_COMPUTE: i32 = 16;
const R_DECODE_MEMORY: i32 = 17;
const R_DECODE_NETWORK: i32 = 18;
const R_DECODE_OVERHEAD: i32 = 19;
const R_MEM_WEIGHTS: i32 = 20;
const R_MEM_KV: i32 = 21;
const R_MEM_ACTIVATIONS: i32 = 22;
const R_MEM_TOTAL: i32 = 23;
const R_SLOTS: i32 = 24;
const REPLICA: usize = memory.data(R_SLOTS * 8, 16);
/** Where the current configuration's replica figures are: REPLICA, or a sweep's shared entry (no copy). */
let replica: usize = REPLICA;

@inline function r(slot: i32): f64 {
  return load<f64>(replica + (<usize>slot << 3));
}
@inline function setR(slot: i32, value: f64): void {
  store<f64>(replica + (<usize>slot << 3), value);
}

// The outputs a sweep computes: a configuration's outputs feed the reducers, which read a few
// (reducers.ts slotsRead), so a sweep computes the DP-dependent figures only those need (divisions
// mostly), and every output of a configuration the top-k may take, whose digest reads them all.
// Rows and explicit records compute every output. An output left out is NaN.
const ALL_OUTPUTS: u64 = ~(<u64>0);
/** The outputs replicaOutputs computes, bit s for OUT slot s. */
let wanted: u64 = ALL_OUTPUTS;
/** The outputs a sweep's reducers read (slotsRead at init). */
let sweepWanted: u64 = ALL_OUTPUTS;

@inline function bit(slot: i32): u64 {
  return <u64>1 << <u64>slot;
}
@inline function wants(slots: u64): bool {
  return (wanted & slots) != 0;
}
const ENERGY_OUTPUTS: u64 = bit(O_NODE_J_PER_TOKEN) | bit(O_FACILITY_J_PER_TOKEN) | bit(O_FACILITY_W) | bit(O_PROVISIONED_FACILITY_W) | bit(O_TOKENS_PER_S_PER_MW);
const NEEDS_TOKENS_PER_CHIP: u64 = bit(O_TOKENS_PER_S_PER_CHIP) | bit(O_TOTAL_TOKENS_PER_S_PER_CHIP);
const NEEDS_INPUT_PER_CHIP: u64 = bit(O_INPUT_TOKENS_PER_S_PER_CHIP) | bit(O_TOTAL_TOKENS_PER_S_PER_CHIP);
const NEEDS_FLEET_USD: u64 = bit(O_COST_PER_M) | bit(O_COST_PER_M_INPUT);
const NEEDS_TOKENS_PER_S: u64 = bit(O_TOKENS_PER_S) | NEEDS_TOKENS_PER_CHIP | bit(O_COST_PER_M) | ENERGY_OUTPUTS;
/** Continuous: input tokens per chip are prefill tokens/s per chip. */
const NEEDS_PREFILL_TOKENS_PER_S: u64 = bit(O_PREFILL_TOKENS_PER_S) | NEEDS_INPUT_PER_CHIP | bit(O_COST_PER_M_INPUT);
/** Static: input tokens per chip come from the request latency. */
const NEEDS_PREFILL_TOKENS_PER_S_STATIC: u64 = bit(O_PREFILL_TOKENS_PER_S) | bit(O_COST_PER_M_INPUT);

/** One configuration whose rules hold: its replica's figures (evaluateReplica), then the outputs. */
function evaluateInner(computeMinChips: bool): bool {
  replica = REPLICA;
  if (!evaluateReplica(computeMinChips)) return false;
  if (!disaggregated) replicaOutputs();
  return true;
}

/**
 * Capacity, then the schedule's figures (static: prefill cached per batch and prompt, decode;
 * continuous: the steady-state iteration) at `replica`. False, the infeasible outputs written, when
 * it does not fit. A disaggregated configuration writes every output here (it is never shared).
 */
function evaluateReplica(computeMinChips: bool): bool {
  const batch = value(A_BATCH);
  const inputTokens = value(A_INPUT);
  const outputTokens = value(A_OUTPUT);
  const chunkTokens = value(A_CHUNK);
  const continuousSchedule = value(A_SCHEDULE) == 0;
  // layout.ts dataParallelAttentionImbalance: the busiest chip's ⌈B/TP⌉ sequences over the mean
  attentionImbalance = attentionImbalanceFor(batch);
  // the continuous workspace is the steady state's iteration (memory.ts workspaceTokens); a
  // disaggregated decode worker has no prompt chunks
  if (continuousSchedule && !disaggregated) steadyState(batch, inputTokens, outputTokens, chunkTokens);
  memoryDynamic(batch, inputTokens, outputTokens, chunkTokens);
  if (memTotal > capacityFor(memWeights, memActivations)) {
    let minChips: f64 = NaN;
    if (computeMinChips) {
      const weights = memWeights;
      const kv = memKv;
      const activations = memActivations;
      const totalBytes = memTotal;
      minChips = minChipsToFit(batch, inputTokens, outputTokens, chunkTokens);
      memWeights = weights;
      memKv = kv;
      memActivations = activations;
      memTotal = totalBytes;
    }
    writeInfeasible(R_CAPACITY, true, minChips);
    return false;
  }
  if (disaggregated) {
    if (!evaluateDisaggregated(batch, inputTokens, outputTokens, chunkTokens)) return false;
    putFeasible(memWeights, memKv, memActivations, memTotal);
    return true;
  }
  if (continuousSchedule) evaluateContinuous(batch, inputTokens, outputTokens, chunkTokens);
  else evaluateStatic(batch, inputTokens, outputTokens);
  setR(R_MEM_WEIGHTS, memWeights);
  setR(R_MEM_KV, memKv);
  setR(R_MEM_ACTIVATIONS, memActivations);
  setR(R_MEM_TOTAL, memTotal);
  return true;
}

/** The outputs of a feasible configuration on one engine (not disaggregated) from its replica's figures at `replica`. */
function replicaOutputs(): void {
  const batch = value(A_BATCH);
  const inputTokens = value(A_INPUT);
  if (value(A_SCHEDULE) == 0) continuousOutputs(batch, inputTokens, value(A_OUTPUT));
  else staticOutputs(batch, inputTokens);
  put(O_PREFILL_IDLE_SHARE, NaN);
  put(O_DECODE_IDLE_SHARE, NaN);
  put(O_KV_TRANSFER_S, NaN);
  put(O_DISAGGREGATION_BOUND, NaN);
  putFeasible(r(R_MEM_WEIGHTS), r(R_MEM_KV), r(R_MEM_ACTIVATIONS), r(R_MEM_TOTAL));
}

/** Feasible, and the memory per chip with what it may fill (capacityFor, on the configuration's chip). */
@inline function putFeasible(weights: f64, kv: f64, activations: f64, totalBytes: f64): void {
  put(O_FEASIBLE, 1);
  put(O_REASON, -1);
  put(O_MEM_WEIGHTS, weights);
  put(O_MEM_KV, kv);
  put(O_MEM_ACTIVATIONS, activations);
  put(O_MEM_TOTAL, totalBytes);
  put(O_MEM_CAPACITY, capacityFor(weights, activations));
  put(O_MIN_CHIPS, NaN);
}

/**
 * inference.ts estimateInference, static schedule: the batch prefilled together, then decoded
 * together; speculating, a drafter pass over the prompts joins the prefill, and a decode step is
 * one verification of the batch's g tokens per sequence after γ draft passes, advancing E tokens.
 */
function evaluateStatic(batch: f64, inputTokens: f64, outputTokens: f64): void {
  const replicaChips = tp * pp;
  const prefillTokens = batch * inputTokens;
  if (!prefillValid) {
    stageCost(true, prefillTokens, inputTokens, batch);
    pTimeS = sTimeS;
    pComputeS = sComputeS;
    pMemoryS = sMemoryS;
    pNetworkS = sNetworkS;
    pOverheadS = sOverheadS;
    pBytes = sBytes;
    pBound = sBound;
    ttftS = pp * pTimeS + (pp - 1) * pipelineSendS(prefillTokens, sSpareS);
    pAllBytes = pp * pBytes;
    if (specMode != SPEC_NONE) {
      // the drafter reads the prompts too, to fill its own KV cache (withDraftPasses(prefill, draft, 1))
      enterDrafter();
      draftPass(true, prefillTokens, inputTokens, batch);
      leaveDrafter();
      ttftS = ttftS + dTimeS;
      pAllBytes = pAllBytes + dBytes;
      pComputeS = pComputeS + 1 * dComputeS;
      pMemoryS = pMemoryS + 1 * dMemoryS;
      pNetworkS = pNetworkS + 1 * dNetworkS;
      pOverheadS = pOverheadS + 1 * dOverheadS;
      pBound = dominantBound(pComputeS, pMemoryS, pNetworkS);
    }
    prefillValid = true;
  }

  const decodeContext = inputTokens + outputTokens / 2;
  let tpotS: f64;
  let decodeBytes: f64;
  let decodeFlops: f64;
  let decodeCommS: f64;
  let computeS: f64;
  let memoryS: f64;
  let networkS: f64;
  let overheadS: f64;
  let bound: i32;
  if (specMode == SPEC_NONE) {
    const microBatch = batch / pp;
    if (decodeValid) decodeAtContext(microBatch, decodeContext);
    else stageCost(false, microBatch, decodeContext, microBatch);
    tpotS = pp * (sTimeS + pipelineSendS(microBatch, sSpareS));
    decodeBytes = pp * sBytes;
    decodeFlops = pp * sFlops;
    decodeCommS = pp * sCommS;
    computeS = sComputeS;
    memoryS = sMemoryS;
    networkS = sNetworkS;
    overheadS = sOverheadS;
    bound = sBound;
  } else {
    // the verification pass of B·g tokens, pipelined; then γ draft passes of the batch on the last stage
    const verified = (batch * verifyTokens) / pp;
    if (decodeValid) decodeAtContext(verified, decodeContext);
    else stageCost(false, verified, decodeContext, verified);
    const verifyS = pp * (sTimeS + pipelineSendS(verified, sSpareS));
    const vComputeS = sComputeS;
    const vMemoryS = sMemoryS;
    const vNetworkS = sNetworkS;
    const vOverheadS = sOverheadS;
    const vFlops = sFlops;
    const vBytes = sBytes;
    const vCommS = sCommS;
    enterDrafter();
    draftPass(false, batch, decodeContext, batch);
    leaveDrafter();
    const E = expectedTokens;
    tpotS = (verifyS + gamma * dTimeS) / E;
    computeS = vComputeS + gamma * dComputeS;
    memoryS = vMemoryS + gamma * dMemoryS;
    networkS = vNetworkS + gamma * dNetworkS;
    overheadS = vOverheadS + gamma * dOverheadS;
    bound = dominantBound(computeS, memoryS, networkS);
    decodeBytes = (pp * vBytes + gamma * dBytes) / E;
    decodeFlops = (pp * vFlops + gamma * dFlops) / E;
    decodeCommS = (pp * vCommS + gamma * dCommS) / E;
  }

  const usefulPerToken = 2 * activeParams;
  const mfuPrefill = (usefulPerToken * prefillTokens) / ttftS / (replicaChips * peak);
  const mbuPrefill = pAllBytes / ttftS / memBandwidth;
  const mfuDecode = (usefulPerToken * batch) / tpotS / (replicaChips * peak);
  const mbuDecode = decodeBytes / tpotS / memBandwidth;
  const computeUtilisation = decodeFlops / tpotS / peak;
  const utilisation = min<f64>(1, max<f64>(computeUtilisation, mbuDecode));
  const powerPerChipW = chipPowerW(decodeFlops / tpotS, decodeBytes / tpotS, decodeCommS / tpotS, utilisation);
  const requestLatencyS = ttftS + (outputTokens - 1) * tpotS;

  setR(R_TTFT, ttftS);
  setR(R_TPOT, tpotS);
  setR(R_LATENCY, requestLatencyS);
  setR(R_POWER, powerPerChipW);
  setR(R_MFU_PREFILL, mfuPrefill);
  setR(R_MFU_DECODE, mfuDecode);
  setR(R_MBU_PREFILL, mbuPrefill);
  setR(R_MBU_DECODE, mbuDecode);
  setR(R_BOUND_PREFILL, <f64>pBound);
  setR(R_BOUND_DECODE, <f64>bound);
  setR(R_PREFILL_COMPUTE, pComputeS);
  setR(R_PREFILL_MEMORY, pMemoryS);
  setR(R_PREFILL_NETWORK, pNetworkS);
  setR(R_PREFILL_OVERHEAD, pOverheadS);
  setR(R_DECODE_COMPUTE, computeS);
  setR(R_DECODE_MEMORY, memoryS);
  setR(R_DECODE_NETWORK, networkS);
  setR(R_DECODE_OVERHEAD, overheadS);
}

/**
 * evaluateStatic's outputs from its replica's figures (`replica`): what DP and the chips change, each
 * figure computed when an output in `wanted` needs it (every one but in a sweep).
 */
/**
 * The rate, cost and energy outputs of a sweep's static or continuous configuration from its
 * figures (putRates and putCosts, each output computed only when `wanted`): `inputUsdPerS` is the
 * fleet's cost per second that the prompt tokens pay for, `energyPerTokenJ` already NaN unless wanted.
 */
@inline function putRateOutputs(
  ttftS: f64, tpotS: f64, requestLatencyS: f64, requestOverheadS: f64, tokensPerS: f64, tokensPerSPerChip: f64, inputTokensPerSPerChip: f64,
  prefillTokensPerS: f64, fleetUsdPerS: f64, inputUsdPerS: f64, powerPerChipW: f64, energyPerTokenJ: f64,
): void {
  put(O_TTFT, ttftS + requestOverheadS);
  put(O_TPOT, tpotS);
  put(O_REQUEST_LATENCY, requestLatencyS + requestOverheadS);
  put(O_TOKENS_PER_S, tokensPerS);
  put(O_TOKENS_PER_S_PER_CHIP, tokensPerSPerChip);
  put(O_TOKENS_PER_S_PER_USER, wants(bit(O_TOKENS_PER_S_PER_USER)) ? 1 / tpotS : NaN);
  put(O_INPUT_TOKENS_PER_S_PER_CHIP, inputTokensPerSPerChip);
  put(O_TOTAL_TOKENS_PER_S_PER_CHIP, inputTokensPerSPerChip + tokensPerSPerChip);
  put(O_PREFILL_TOKENS_PER_S, prefillTokensPerS);
  put(O_COST_PER_M, wants(bit(O_COST_PER_M)) ? (fleetUsdPerS / tokensPerS) * 1e6 : NaN);
  put(O_COST_PER_M_INPUT, wants(bit(O_COST_PER_M_INPUT)) ? (inputUsdPerS / prefillTokensPerS) * 1e6 : NaN);
  put(O_POWER, powerPerChipW);
  put(O_ENERGY_PER_TOKEN, energyPerTokenJ);
  if (wants(ENERGY_OUTPUTS)) putEnergy(tokensPerS, powerPerChipW, chips, decodeChip, 0, 0);
}

function staticOutputs(batch: f64, inputTokens: f64): void {
  const replicaChips = tp * pp;
  const prefillTokens = batch * inputTokens;
  const ttftS = r(R_TTFT);
  const tpotS = r(R_TPOT);
  const requestLatencyS = r(R_LATENCY);
  const powerPerChipW = r(R_POWER);
  const tokensPerS = wants(NEEDS_TOKENS_PER_S) ? (dp * batch) / tpotS : NaN;
  const prefillTokensPerS = wants(NEEDS_PREFILL_TOKENS_PER_S_STATIC) ? (dp * prefillTokens) / ttftS : NaN;
  const fleetUsdPerS = wants(NEEDS_FLEET_USD) ? (chips * price) / 3600 : NaN;
  const inputTokensPerSPerChip = wants(NEEDS_INPUT_PER_CHIP) ? (dp * batch * inputTokens) / requestLatencyS / chips : NaN;
  const tokensPerSPerChip = wants(NEEDS_TOKENS_PER_CHIP) ? tokensPerS / chips : NaN;

  // a static batch has no serving front end: no t_req
  putRateOutputs(
    ttftS, tpotS, requestLatencyS, 0, tokensPerS, tokensPerSPerChip, inputTokensPerSPerChip, prefillTokensPerS, fleetUsdPerS, fleetUsdPerS, powerPerChipW,
    wants(bit(O_ENERGY_PER_TOKEN)) ? (replicaChips * powerPerChipW * tpotS) / batch : NaN,
  );
  putPhases(r(R_MFU_PREFILL), r(R_MFU_DECODE), r(R_MBU_PREFILL), r(R_MBU_DECODE), <i32>r(R_BOUND_PREFILL), <i32>r(R_BOUND_DECODE));
  putBreakdown(
    r(R_PREFILL_COMPUTE), r(R_PREFILL_MEMORY), r(R_PREFILL_NETWORK), r(R_PREFILL_OVERHEAD),
    r(R_DECODE_COMPUTE), r(R_DECODE_MEMORY), r(R_DECODE_NETWORK), r(R_DECODE_OVERHEAD),
  );
}

// inference.ts continuous, runIteration: the iteration's stage with its draft passes (withDraftPasses)
let itComputeS: f64 = 0;
let itMemoryS: f64 = 0;
let itNetworkS: f64 = 0;
let itOverheadS: f64 = 0;
let itFlops: f64 = 0;
let itBytes: f64 = 0;
let itCommS: f64 = 0;
let itBound: i32 = 0;

/** The stage stageCost just left in s* becomes the iteration's (it*), before any draft passes join it. */
@inline function takeStage(): void {
  itComputeS = sComputeS;
  itMemoryS = sMemoryS;
  itNetworkS = sNetworkS;
  itOverheadS = sOverheadS;
  itFlops = sFlops;
  itBytes = sBytes;
  itCommS = sCommS;
  itBound = sBound;
}

/** speculative.ts withDraftPasses: `times` passes of the last draftPass after the iteration's stage. */
function addDraftPasses(times: f64): void {
  itComputeS = itComputeS + times * dComputeS;
  itMemoryS = itMemoryS + times * dMemoryS;
  itNetworkS = itNetworkS + times * dNetworkS;
  itOverheadS = itOverheadS + times * dOverheadS;
  itFlops = itFlops + times * dFlops;
  itBytes = itBytes + times * dBytes;
  itCommS = itCommS + times * dCommS;
  itBound = dominantBound(itComputeS, itMemoryS, itNetworkS);
}

/**
 * The model's pass of an iteration: `decodeTokens` (g·D) beside `prompt` prompt tokens, `logits`
 * of them through the LM head, PP splitting them into pp micro-batches. Returns its time, p·(stage
 * + send); the stage is in s*. Without speculation this is the whole iteration.
 */
@inline function verifyIteration(decodeTokens: f64, prompt: f64, logits: f64, inputTokens: f64, contextTokens: f64): f64 {
  stageCost(false, decodeTokens / pp, contextTokens, logits / pp, prompt / pp, inputTokens, true);
  return pp * (sTimeS + pipelineSendS((decodeTokens + prompt) / pp, sSpareS));
}

/**
 * inference.ts runIteration, speculating: the verification pass of the D decoding sequences' g·D
 * tokens and the prompt chunk (verifyIteration), then the drafter's γ passes on the last stage,
 * the first also reading the prompt chunk into its KV cache. Returns the iteration's time; its
 * stage is in it*.
 */
function runIteration(D: f64, prompt: f64, logits: f64, inputTokens: f64, contextTokens: f64): f64 {
  let timeS = verifyIteration(verifyTokens * D, prompt, logits, inputTokens, contextTokens);
  takeStage();
  enterDrafter();
  draftPass(false, D, contextTokens, D, prompt, inputTokens);
  addDraftPasses(1);
  timeS = timeS + dTimeS;
  if (gamma != 1) {
    draftPass(false, D, contextTokens, D);
    const rest = gamma - 1;
    addDraftPasses(rest);
    timeS = timeS + rest * dTimeS;
  }
  leaveDrafter();
  return timeS;
}

/**
 * One iteration of D decoding sequences (g·D tokens) beside `prompt` prompt tokens, `logits` of
 * them through the LM head; its figures in it*. Without speculation (the sweeps' common case) it
 * is the model's pass alone: no drafter, no division by E = 1.
 */
function iteration(D: f64, prompt: f64, logits: f64, inputTokens: f64, contextTokens: f64): f64 {
  if (specMode != SPEC_NONE) return runIteration(D, prompt, logits, inputTokens, contextTokens);
  const timeS = verifyIteration(verifyTokens * D, prompt, logits, inputTokens, contextTokens);
  takeStage();
  return timeS;
}

/**
 * inference.ts contextBalanceOf: the prompts that have come when a balanced iteration starts, every
 * rank's (`ranks`) when they fill before the timeout, else those the timeout finds. Only a filled
 * group has all `ranks`, so the caller tells the two waits apart by it.
 */
function balanceArrivals(timeoutS: f64, ranks: f64, batch: f64, rate: f64): f64 {
  if (batch >= ranks && ranks - 1 <= rate * timeoutS) return ranks;
  return min<f64>(min<f64>(batch, ranks), 1 + Math.floor(rate * timeoutS));
}

/**
 * inference.ts continuous: the steady state's mean iteration of D decoding sequences (g tokens
 * each) and P prompt tokens through one stage (PP splits it into pp micro-batches) and the
 * drafter's passes — with prompts arriving one at a time, the mean of decode-alone iterations and
 * chunk-carrying ones — TPOT = that iteration / E, TTFT = its chunks (plus queueing when the
 * budget binds), every per-token figure by Little's law over the request. Both phases' MFU, MBU,
 * bound and time breakdown are the mean iteration's.
 */
function evaluateContinuous(batch: f64, inputTokens: f64, outputTokens: f64, chunkTokens: f64): void {
  const g = verifyTokens;
  const E = expectedTokens;
  const n = decodeIterations(outputTokens);
  // steadyState ran before memory (evaluateInner)
  const D = ssDecode;
  const P = ssPrompt;
  const decodeTokens = g * D;
  const decodeContext = inputTokens + outputTokens / 2;
  // A prompt's k iterations carry its own chunk of S_in/k tokens. When prompts arrive one at a time
  // (the chunk is more than the average P, the budget not binding), a request decodes beside the
  // other B − 1 requests' chunks, a share (P/chunk)·(B − 1)/B of its iterations, and alone in the
  // rest: the mean of the two (inference.ts continuous, phase.ts mixedStage), left in it*. Prompts
  // that finish in an iteration each take one logit.
  const chunk = inputTokens / ssChunks;
  const oneAtATime = !ssBinds && chunk > P;
  let iterationS: f64;
  let chunkIterationS: f64 = 0;
  let waitS: f64 = 0;
  let groupPrompts: f64 = 1;
  if (oneAtATime) {
    let share = (P / chunk) * ((batch - 1) / batch);
    const aloneS = iteration(D, 0, decodeTokens, inputTokens, decodeContext);
    const aComputeS = itComputeS;
    const aMemoryS = itMemoryS;
    const aNetworkS = itNetworkS;
    const aOverheadS = itOverheadS;
    const aFlops = itFlops;
    const aBytes = itBytes;
    const aCommS = itCommS;
    chunkIterationS = iteration(D, chunk, decodeTokens + chunk / inputTokens, inputTokens, decodeContext);
    // inference.ts contextBalanceOf: under context balance the load of the schedule with prompts
    // alone sets how many prompts start together (m) and their wait; m > 1 runs their iteration
    if (!isNaN(balanceIterations)) {
      const latencyAloneS = ssChunks * chunkIterationS + n * ((1 - share) * aloneS + share * chunkIterationS);
      const rate = batch / latencyAloneS;
      const timeoutS = balanceIterations * aloneS;
      const arrived = balanceArrivals(timeoutS, tp, batch, rate);
      const m = min<f64>(arrived, max<f64>(1, Math.floor((chunkTokens - decodeTokens) / chunk)));
      waitS = arrived == tp ? (tp - 1) / (2 * rate) : timeoutS - (arrived - 1) / (2 * rate);
      groupPrompts = m;
      if (m > 1) {
        share = (P / (m * chunk)) * ((batch - m) / batch);
        chunkIterationS = iteration(D, m * chunk, decodeTokens + (m * chunk) / inputTokens, inputTokens, decodeContext);
      }
    }
    const rest = 1 - share;
    iterationS = rest * aloneS + share * chunkIterationS;
    itComputeS = rest * aComputeS + share * itComputeS;
    itMemoryS = rest * aMemoryS + share * itMemoryS;
    itNetworkS = rest * aNetworkS + share * itNetworkS;
    itOverheadS = rest * aOverheadS + share * itOverheadS;
    itFlops = rest * aFlops + share * itFlops;
    itBytes = rest * aBytes + share * itBytes;
    itCommS = rest * aCommS + share * itCommS;
    itBound = dominantBound(itComputeS, itMemoryS, itNetworkS);
  } else {
    iterationS = iteration(D, P, decodeTokens + P / inputTokens, inputTokens, decodeContext);
  }
  const tpotS = specMode == SPEC_NONE ? iterationS : iterationS / E;
  // TTFT: when the budget binds, B/λ − n′·T (the excess requests queue); otherwise the prompt's k
  // iterations, each carrying its chunk.
  let timeToFirstS: f64;
  if (ssBinds) timeToFirstS = iterationS * ((batch * (inputTokens + g * n)) / chunkTokens - n);
  else if (oneAtATime) timeToFirstS = waitS + ssChunks * chunkIterationS;
  else timeToFirstS = ssChunks * iterationS;
  // inference.ts continuous: an arrival waits half the iterations between the scheduler's intakes,
  // every N and after every iteration with prompt tokens: min(N, 1/s)
  if (!isNaN(receiveInterval)) {
    const intakeShare = oneAtATime ? P / (groupPrompts * chunk) : 1;
    timeToFirstS = timeToFirstS + (min<f64>(receiveInterval, 1 / intakeShare) * iterationS) / 2;
  }
  putContinuous(timeToFirstS, tpotS, iterationS, n, D, P, decodeTokens, itComputeS, itMemoryS, itNetworkS, itOverheadS, itFlops, itBytes, itCommS, itBound);
}

/**
 * evaluateContinuous's end: request latency, MFU, MBU and power from the iteration's figures, and
 * the replica's figures at `replica` (a pair's lanes end here one by one too).
 */
@inline function putContinuous(
  timeToFirstS: f64,
  tpotS: f64,
  iterationS: f64,
  n: f64,
  D: f64,
  P: f64,
  decodeTokens: f64,
  computeS: f64,
  memoryS: f64,
  networkS: f64,
  overheadS: f64,
  flops: f64,
  bytes: f64,
  commS: f64,
  bound: i32,
): void {
  const replicaChips = tp * pp;
  const E = expectedTokens;
  const requestLatencyS = timeToFirstS + n * iterationS;

  // Useful work counts the tokens kept: E per decoding sequence, and the prompt's.
  const mfu = (2 * activeParams * (E * D + P)) / iterationS / (replicaChips * peak);
  const mbu = (pp * bytes) / iterationS / memBandwidth;
  const computeUtilisation = (pp * flops) / iterationS / peak;
  const utilisation = min<f64>(1, max<f64>(computeUtilisation, mbu));
  const powerPerChipW = chipPowerW((pp * flops) / iterationS, (pp * bytes) / iterationS, (pp * commS) / iterationS, utilisation);

  setR(R_TTFT, timeToFirstS);
  setR(R_TPOT, tpotS);
  setR(R_LATENCY, requestLatencyS);
  setR(R_POWER, powerPerChipW);
  setR(R_PROMPT, P);
  setR(R_DECODE_TOKENS, decodeTokens);
  setR(R_MFU_DECODE, mfu);
  setR(R_MBU_DECODE, mbu);
  setR(R_BOUND_DECODE, <f64>bound);
  setR(R_DECODE_COMPUTE, computeS);
  setR(R_DECODE_MEMORY, memoryS);
  setR(R_DECODE_NETWORK, networkS);
  setR(R_DECODE_OVERHEAD, overheadS);
}

/**
 * evaluateContinuous's outputs from its replica's figures (`replica`): what DP and the chips change,
 * each figure computed when an output in `wanted` needs it (every one but in a sweep).
 */
function continuousOutputs(batch: f64, inputTokens: f64, outputTokens: f64): void {
  const replicaChips = tp * pp;
  const requestLatencyS = r(R_LATENCY);
  const powerPerChipW = r(R_POWER);
  const tpotS = r(R_TPOT);
  const P = r(R_PROMPT);
  const tokensPerS = wants(NEEDS_TOKENS_PER_S) ? (dp * batch * outputTokens) / requestLatencyS : NaN;
  const prefillTokensPerS = wants(NEEDS_PREFILL_TOKENS_PER_S) ? (dp * batch * inputTokens) / requestLatencyS : NaN;
  const inputTokensPerSPerChip = wants(NEEDS_INPUT_PER_CHIP) ? prefillTokensPerS / chips : NaN;
  const tokensPerSPerChip = wants(NEEDS_TOKENS_PER_CHIP) ? tokensPerS / chips : NaN;
  const fleetUsdPerS = wants(NEEDS_FLEET_USD) ? (chips * price) / 3600 : NaN;

  // putRates: t_req of the configuration's chip delays a served request's first token; the prompt
  // tokens' share of the iteration's tokens pays for them
  putRateOutputs(
    r(R_TTFT), tpotS, requestLatencyS, f(decodeChip, C_REQUEST_OVERHEAD), tokensPerS, tokensPerSPerChip, inputTokensPerSPerChip, prefillTokensPerS, fleetUsdPerS,
    wants(bit(O_COST_PER_M_INPUT)) ? fleetUsdPerS * (P / (r(R_DECODE_TOKENS) + P)) : NaN,
    powerPerChipW,
    wants(bit(O_ENERGY_PER_TOKEN)) ? (replicaChips * powerPerChipW * requestLatencyS) / (batch * outputTokens) : NaN,
  );
  const mfu = r(R_MFU_DECODE);
  const mbu = r(R_MBU_DECODE);
  const bound = <i32>r(R_BOUND_DECODE);
  putPhases(mfu, mfu, mbu, mbu, bound, bound);
  const computeS = r(R_DECODE_COMPUTE);
  const memoryS = r(R_DECODE_MEMORY);
  const networkS = r(R_DECODE_NETWORK);
  const overheadS = r(R_DECODE_OVERHEAD);
  putBreakdown(computeS, memoryS, networkS, overheadS, computeS, memoryS, networkS, overheadS);
}

// ---------------------------------------------------------------- two configurations at once (WASM SIMD)
// A sweep's innermost axis is the output length, inside the input length, the batch and the chunk
// budget (the inner block): two configurations next to each other in a block differ in those alone.
// Without speculation and on one engine, a continuous-batching replica's iteration stages are then
// two stages of the same operators with other token counts, and the sweep computes them as the two
// lanes of f64x2 vectors: every add, subtract, multiply, divide, min and max in the scalar order,
// lane by lane, which IEEE 754 makes the same bits as the scalar code's. The first stage is a
// lane's decode-alone iteration or its average one (a prompt_attention row in one lane only, +0 in
// the other), the chunk stage one vector when both lanes take prompts one at a time, and each
// lane's mean of the two (evaluateContinuous). What is not arithmetic runs per lane on the scalar
// code: the steady state and memory (ceilings, loops), the efficiency curves' lookups, the experts
// touched (the host's pow), the collectives and pipeline sends, the chunk stage when one lane alone
// needs it, and each lane's figures from its stage (putContinuous). A configuration without a neighbour in its block (the last of an odd block, the
// end of a range, a shared entry one of the two can read) runs the scalar path, evaluateReplica,
// which stays the reference; rows pair the same way, so that the row tests compare both paths.

@inline function vsplat(x: f64): v128 {
  return f64x2.splat(x);
}
/** The vector (a, b). */
@inline function vpair(a: f64, b: f64): v128 {
  return f64x2.replace_lane(f64x2.splat(a), 1, b);
}
@inline function lane0(v: v128): f64 {
  return f64x2.extract_lane(v, 0);
}
@inline function lane1(v: v128): f64 {
  return f64x2.extract_lane(v, 1);
}
@inline function vadd(a: v128, b: v128): v128 {
  return f64x2.add(a, b);
}
@inline function vsub(a: v128, b: v128): v128 {
  return f64x2.sub(a, b);
}
@inline function vmul(a: v128, b: v128): v128 {
  return f64x2.mul(a, b);
}
@inline function vdiv(a: v128, b: v128): v128 {
  return f64x2.div(a, b);
}
/** x·s, the scalar on the right as the scalar code writes it. */
@inline function vmuls(a: v128, s: f64): v128 {
  return f64x2.mul(a, f64x2.splat(s));
}
@inline function vdivs(a: v128, s: f64): v128 {
  return f64x2.div(a, f64x2.splat(s));
}

// The pair's operator table: per operator, lane pairs of time·layers, compute-bound (all ones or
// zeros per lane), flops·layers, bytes·layers.
const PAIR_OPS: usize = memory.data(OP_SLOTS * 4 * 16, 16);
let pairOpCount: i32 = 0;
let vComputeS: v128 = f64x2.splat(0);
let vMemoryS: v128 = f64x2.splat(0);
let vFlops: v128 = f64x2.splat(0);
let vBytes: v128 = f64x2.splat(0);
let vCommS: v128 = f64x2.splat(0);
let vOverlap: v128 = f64x2.splat(0);
let vNetworkS: v128 = f64x2.splat(0);
let vSpareS: v128 = f64x2.splat(0);
let vTimeS: v128 = f64x2.splat(0);
let vOverheadS: f64 = 0;
/** Each lane's dominant bound (as f64). */
let vBound: v128 = f64x2.splat(0);
/** Each lane's attentionImbalance (the batch's: data-parallel attention). */
let vImbalance: v128 = f64x2.splat(1);

// A pair's per-lane figures, field by field with the two lanes side by side: lane `lane` of field
// `field` at LANES + field·16 + lane·8. A field is then one f64x2 for the vector code (lanes) and
// a lane's value one f64 for the scalar code (laneValue), so that each per-lane step is written
// once, with the lane as a parameter, and a lane's figures are kept while the other's are computed.
const LANE_BATCH: i32 = 0;
const LANE_INPUT: i32 = 1;
const LANE_OUTPUT: i32 = 2;
const LANE_CHUNK_TOKENS: i32 = 3; // the chunk budget C
const LANE_IMBALANCE: i32 = 4; // attentionImbalance
const LANE_DECODE: i32 = 5; // steadyState's D
const LANE_PROMPT: i32 = 6; // P
const LANE_CHUNKS: i32 = 7; // k
const LANE_BINDS: i32 = 8; // 1 when the budget binds, else 0
const LANE_WEIGHTS: i32 = 9; // memoryDynamic's figures
const LANE_KV: i32 = 10;
const LANE_ACTIVATIONS: i32 = 11;
const LANE_TOTAL: i32 = 12;
const LANE_ONE_AT_A_TIME: i32 = 13; // all ones where prompts arrive one at a time (a mask)
const LANE_BOUND: i32 = 14; // the first stage's dominant bound
const LANE_ITERATION: i32 = 15; // continuousPair's mean iteration and its figures
const LANE_CHUNK_ITERATION: i32 = 16;
const LANE_COMPUTE: i32 = 17;
const LANE_MEMORY: i32 = 18;
const LANE_NETWORK: i32 = 19;
const LANE_OVERHEAD: i32 = 20;
const LANE_FLOPS: i32 = 21;
const LANE_BYTES: i32 = 22;
const LANE_COMM: i32 = 23;
const LANE_FIELDS: i32 = 24;
const LANES: usize = memory.data(LANE_FIELDS * 16, 16);

/** Where lane `lane` of `field` is. */
@inline function laneAt(field: i32, lane: i32): usize {
  return LANES + (<usize>field << 4) + (<usize>lane << 3);
}
@inline function laneValue(field: i32, lane: i32): f64 {
  return load<f64>(laneAt(field, lane));
}
@inline function setLaneValue(field: i32, lane: i32, value: f64): void {
  store<f64>(laneAt(field, lane), value);
}
/** Both lanes of `field`, as an f64x2. */
@inline function lanes(field: i32): v128 {
  return v128.load(laneAt(field, 0));
}
@inline function setLanes(field: i32, value: v128): void {
  v128.store(laneAt(field, 0), value);
}

/** operator() on both lanes. */
function operator2(flops: v128, bytes: v128, layers: f64): void {
  operator2At(peak, effFlop, flopConstant, effWeightMemory, weightMemoryConstant, weightRooflineConstant, flops, bytes, layers);
}

/** gatheredOperator() on both lanes. */
function gatheredOperator2(flops: v128, bytes: v128, layers: f64): void {
  operator2At(peak, effFlop, flopConstant, effMemory, memoryConstant, rooflineConstant, flops, bytes, layers);
}

/** expertsOperator on both lanes. */
function expertsOperator2(flops: v128, bytes: v128, layers: f64): void {
  operator2At(peak, effExpertFlop, expertFlopConstant, effMemory, memoryConstant, expertRooflineConstant, flops, bytes, layers);
}

/** attentionProjection() on both lanes. */
function attentionProjection2(flops: v128, bytes: v128, layers: f64): void {
  operator2At(attentionPeak, effAttentionFlop, attentionFlopConstant, effWeightMemory, weightMemoryConstant, attentionWeightRooflineConstant, flops, bytes, layers);
}

/** attentionGatheredOperator() on both lanes. */
function attentionGatheredOperator2(flops: v128, bytes: v128, layers: f64): void {
  operator2At(attentionPeak, effAttentionFlop, attentionFlopConstant, effMemory, memoryConstant, attentionRooflineConstant, flops, bytes, layers);
}

/** operatorAt on both lanes. */
@inline function operator2At(peakFlops: f64, flopTable: usize, flopConst: f64, memoryTable: usize, memoryConst: f64, constant: bool, flops: v128, bytes: v128, layers: f64): void {
  let computeS: v128;
  let memoryS: v128;
  if (constant) {
    computeS = vdivs(flops, peakFlops * flopConst);
    memoryS = vdivs(bytes, memBandwidth * memoryConst);
  } else {
    // bytes > 0 ? flops / bytes : Infinity
    const intensity = v128.bitselect(vdiv(flops, bytes), vsplat(Infinity), f64x2.gt(bytes, vsplat(0)));
    const i0 = lane0(intensity);
    const i1 = lane1(intensity);
    computeS = vdiv(flops, vmul(vsplat(peakFlops), vpair(efficiencyAt(flopTable, i0), efficiencyAt(flopTable, i1))));
    memoryS = vdiv(bytes, vmul(vsplat(memBandwidth), vpair(efficiencyAt(memoryTable, i0), efficiencyAt(memoryTable, i1))));
  }
  const timeS = f64x2.max(computeS, memoryS);
  const row = PAIR_OPS + (<usize>pairOpCount << 6);
  v128.store(row, vmuls(timeS, layers));
  v128.store(row, f64x2.ge(computeS, memoryS), 16);
  v128.store(row, vmuls(flops, layers), 32);
  v128.store(row, vmuls(bytes, layers), 48);
  pairOpCount++;
}

/** ownTokens on both lanes. */
@inline function ownTokens2(n: v128): v128 {
  return dpAttention ? vmul(vdivs(n, tp), vImbalance) : n;
}

/** attentionOperator(false, …) on both lanes: decode's attention at each lane's context. */
function decodeAttention2(tokens: v128, contextTokens: v128): void {
  // meanAttendedContext(contextTokens, false)
  let attended = contextTokens;
  if (hasWindow) {
    const fractionWindowed = windowedLayers / L;
    attended = vadd(vmuls(f64x2.min(contextTokens, vsplat(window)), fractionWindowed), vmuls(contextTokens, 1 - fractionWindowed));
  }
  const byBatch = byBatchSharding && tp > 1;
  const attnHeads = byBatch ? h : headsPerChip;
  const chipTokens = ownTokens2(tokens);
  const attnTokens = byBatch ? vdivs(tokens, tp) : chipTokens;
  const kvPerToken = byBatch ? kvElementsPerToken : kvElementsPerTokenPerChip;
  const attentionFlops = vmul(vmuls(attended, 2 * attnHeads * (decodeQk + decodeV)), attnTokens);
  const kvBytes = vmuls(vmuls(vmul(attnTokens, vadd(attended, vsplat(1))), kvPerToken), bkv);
  attentionGatheredOperator2(attentionFlops, vadd(kvBytes, vmuls(vmuls(chipTokens, attentionActivationWidth), ba)), mbLayers);
}

/**
 * promptAttentionOperator on the lanes set in `present` (prompt > 0, all ones, where stageCost pushes
 * the row): a lane without it (a request decoding alone) keeps +0 in the row, which finishStage's
 * sums add as the scalar code adds nothing.
 */
function promptAttention2(prompt: v128, promptLength: v128, present: v128): void {
  const has0 = i64x2.extract_lane(present, 0) != 0;
  const has1 = i64x2.extract_lane(present, 1) != 0;
  if (!has0 && !has1) return;
  const promptAttended = vpair(meanAttendedContext(lane0(promptLength), true), meanAttendedContext(lane1(promptLength), true));
  const promptTokens = ownTokens2(prompt);
  attentionGatheredOperator2(
    vmul(vmuls(promptAttended, 2 * headsPerChip * (prefillQk + prefillV)), promptTokens),
    vadd(vmuls(vmuls(promptTokens, kvElementsPerTokenPerChip), bkv), vmuls(vmuls(promptTokens, attentionActivationWidth), ba)),
    mbLayers,
  );
  if (has0 && has1) return;
  const row = PAIR_OPS + (<usize>(pairOpCount - 1) << 6);
  v128.store(row, v128.and(v128.load(row), present));
  v128.store(row, v128.and(v128.load(row, 16), present), 16);
  v128.store(row, v128.and(v128.load(row, 32), present), 32);
  v128.store(row, v128.and(v128.load(row, 48), present), 48);
}

/**
 * stageCost(false, …, iteration true) on both lanes: a continuous-batching iteration of `tokens`
 * decode and `promptTokens` prompt tokens of prompts `promptLength` long; a lane's prompt may be 0
 * (decoding alone: no prompt_attention row, decode's overlap) while the other's is not. Its figures
 * are in v*.
 */
function iterationStage2(tokens: v128, contextTokens: v128, logitTokens: v128, promptTokens: v128, promptLength: v128): void {
  pairOpCount = 0;
  const mb = overlapBatches;
  tokens = vdivs(tokens, mb);
  logitTokens = vdivs(logitTokens, mb);
  promptTokens = vdivs(promptTokens, mb);
  mbLayers = stageLayers * mb;
  const mbDense = denseLayersStage * mb;
  const mbMoe = moeLayersStage * mb;
  const allTokens = vadd(tokens, promptTokens);
  const attentionAllTokens = ownTokens2(allTokens);

  const twoTokens = vmul(vsplat(2), allTokens);
  const twoAttentionTokens = vmul(vsplat(2), attentionAllTokens);
  attentionProjection2(vmuls(twoAttentionTokens, qkvParamsPerChip), vadd(vsplat(qkvWeightBytes), vmuls(vmuls(attentionAllTokens, qkvActivationWidth), ba)), mbLayers);
  decodeAttention2(tokens, contextTokens);
  const zero = vsplat(0);
  const promptPresent = f64x2.gt(promptTokens, zero);
  promptAttention2(promptTokens, promptLength, promptPresent);
  attentionProjection2(vmuls(twoAttentionTokens, outParamsPerChip), vadd(vsplat(outWeightBytes), vmuls(vmuls(attentionAllTokens, outActivationWidth), ba)), mbLayers);

  if (denseLayersStage > 0) {
    operator2(vmuls(twoTokens, ffnParamsPerChip), vadd(vsplat(ffnWeightBytes), vmuls(vmuls(allTokens, ffnActivationWidth), ba)), mbDense);
  }

  let expertGroupTokens = allTokens;
  if (hasMoe && moeLayersStage > 0) {
    const k = activeExperts;
    expertGroupTokens = ep == 1 ? allTokens : vdivs(vmuls(allTokens, ep), tp);
    const routingsPerChip = ep == 1 ? vmuls(allTokens, k) : vpair(busiestRoutings(lane0(expertGroupTokens)), busiestRoutings(lane1(expertGroupTokens)));
    const touched =
      ep == 1
        ? vpair(expectedExpertsTouched(experts, k, lane0(allTokens)), expectedExpertsTouched(experts, k, lane1(allTokens)))
        : vpair(busiestTouched(lane0(expertGroupTokens)), busiestTouched(lane1(expertGroupTokens)));
    operator2(vmuls(twoAttentionTokens, routerParamsPerChip), vadd(vsplat(routerWeightBytes), vmuls(vmuls(attentionAllTokens, d), ba)), mbMoe);
    expertsOperator2(
      vmuls(vmul(vsplat(2), routingsPerChip), expertParamsPerChip),
      vadd(vmuls(vmuls(touched, expertParamsPerChip), bw), vmuls(vmuls(vmuls(routingsPerChip, 2), d), ba)),
      mbMoe,
    );
    if (sharedExperts > 0) {
      operator2(vmuls(twoTokens, sharedExpertParamsPerChip), vadd(vsplat(sharedWeightBytes), vmuls(vmuls(vmuls(allTokens, 2), d), ba)), mbMoe);
    }
  }

  operator2(vmuls(vmul(vsplat(2), logitTokens), lmHeadParamsPerChip), vadd(vsplat(lmHeadWeightBytes), vmuls(vmuls(logitTokens, lmHeadActivationWidth), ba)), mb);
  if (pp == 1) gatheredOperator2(vsplat(0), vmuls(vmuls(allTokens, d), bw), mb);

  attentionImbalance = laneValue(LANE_IMBALANCE, 0);
  const commS0 = stageCommS(false, lane0(tokens), lane0(logitTokens), lane0(allTokens), lane0(attentionAllTokens), lane0(expertGroupTokens), mbDense, mbMoe);
  attentionImbalance = laneValue(LANE_IMBALANCE, 1);
  vCommS = vpair(commS0, stageCommS(false, lane1(tokens), lane1(logitTokens), lane1(allTokens), lane1(attentionAllTokens), lane1(expertGroupTokens), mbDense, mbMoe));
  // iterationOverlap(tokens, promptTokens) where a lane has prompt tokens, else decode's, unless two micro-batches
  if (mb > 1) vOverlap = vsplat(1);
  else if (!v128.any_true(promptPresent)) vOverlap = vsplat(decodeOverlap);
  else {
    const mixed = vdiv(vadd(vmuls(promptTokens, prefillOverlap), vmuls(tokens, decodeOverlap)), vadd(promptTokens, tokens));
    vOverlap = v128.bitselect(mixed, vsplat(decodeOverlap), promptPresent);
  }
  vOverheadS = (mbDense * kernelsDense + mbMoe * kernelsMoe) * layerOverhead;

  // finishStage: the sums in push order (a lane adds +0 where the scalar code adds nothing: the
  // sums start at +0 and every time is ≥ 0 or NaN, so the bits are the same)
  let computeS = zero;
  let memoryS = zero;
  let flops = zero;
  let bytes = zero;
  for (let i = 0; i < pairOpCount; i++) {
    const row = PAIR_OPS + (<usize>i << 6);
    const timeS = v128.load(row);
    const computeBound = v128.load(row, 16);
    computeS = vadd(computeS, v128.bitselect(timeS, zero, computeBound));
    memoryS = vadd(memoryS, v128.bitselect(zero, timeS, computeBound));
    flops = vadd(flops, v128.load(row, 32));
    bytes = vadd(bytes, v128.load(row, 48));
  }
  vComputeS = computeS;
  vMemoryS = memoryS;
  vFlops = flops;
  vBytes = bytes;
  const hideS = vmul(vOverlap, vadd(computeS, memoryS));
  vNetworkS = f64x2.max(zero, vsub(vCommS, hideS));
  vSpareS = f64x2.max(zero, vsub(hideS, vCommS));
  vTimeS = vadd(vadd(vadd(computeS, memoryS), vNetworkS), vsplat(vOverheadS));
  vBound = vpair(
    <f64>dominantBound(lane0(computeS), lane0(memoryS), lane0(vNetworkS)),
    <f64>dominantBound(lane1(computeS), lane1(memoryS), lane1(vNetworkS)),
  );
}

/** verifyIteration on both lanes: the stage (in v*), and p·(stage + send) per lane. */
function verifyIteration2(decodeTokens: v128, prompt: v128, logits: v128, inputTokens: v128, contextTokens: v128): v128 {
  iterationStage2(vdivs(decodeTokens, pp), contextTokens, vdivs(logits, pp), vdivs(prompt, pp), inputTokens);
  const sent = vdivs(vadd(decodeTokens, prompt), pp);
  attentionImbalance = laneValue(LANE_IMBALANCE, 0);
  const send0 = pipelineSendS(lane0(sent), lane0(vSpareS));
  attentionImbalance = laneValue(LANE_IMBALANCE, 1);
  return vmul(vsplat(pp), vadd(vTimeS, vpair(send0, pipelineSendS(lane1(sent), lane1(vSpareS)))));
}

/** The lane's steady state back in ss* and its attentionImbalance (for the scalar evaluateContinuous). */
@inline function restoreSteadyState(lane: i32): void {
  ssDecode = laneValue(LANE_DECODE, lane);
  ssPrompt = laneValue(LANE_PROMPT, lane);
  ssChunks = laneValue(LANE_CHUNKS, lane);
  ssBinds = laneValue(LANE_BINDS, lane) != 0;
  attentionImbalance = laneValue(LANE_IMBALANCE, lane);
}

/** The second replica buffer of a pair evaluated outside shared entries. */
const REPLICA2: usize = memory.data(R_SLOTS * 8, 16);

/** Axis `a`'s value at `digit`. */
@inline function valueAt(a: i32, digit: i64): f64 {
  return load<f64>(load<usize>(AXIS_VALUES + (<usize>a << 3)) + (<usize>digit << 3));
}

/** Whether the current level's configurations can run in pairs: continuous, on one engine, without speculation (after setParallel). */
@inline function pairsRun(): bool {
  return !disaggregated && specMode == SPEC_NONE && value(A_SCHEDULE) == 0;
}

/**
 * Whether the current configuration (of a level where pairsRun) and the next can run as a pair:
 * the next is in the same inner block. The next one's chunk budget, batch, input and output
 * lengths go to lane 1.
 */
function pairable(): bool {
  let nextChunk = value(A_CHUNK);
  let nextBatch = value(A_BATCH);
  let nextInput = value(A_INPUT);
  // the odometer's next turn within the block: the innermost axis not at its last value steps,
  // those inside it restart
  let a = A_OUTPUT;
  while (a >= A_CHUNK && digitOf(a) + 1 >= axisLength(a)) a--;
  if (a < A_CHUNK) return false;
  const next = valueAt(a, digitOf(a) + 1);
  setLaneValue(LANE_OUTPUT, 1, a == A_OUTPUT ? next : valueAt(A_OUTPUT, 0));
  if (a == A_INPUT) nextInput = next;
  else if (a < A_INPUT) nextInput = valueAt(A_INPUT, 0);
  if (a == A_BATCH) nextBatch = next;
  else if (a < A_BATCH) nextBatch = valueAt(A_BATCH, 0);
  if (a == A_CHUNK) nextChunk = next;
  setLaneValue(LANE_INPUT, 1, nextInput);
  setLaneValue(LANE_BATCH, 1, nextBatch);
  setLaneValue(LANE_CHUNK_TOKENS, 1, nextChunk);
  return true;
}

/**
 * A lane's attentionImbalance, steady state and memory (its configuration in the lane's fields),
 * kept in its fields while the other lane's are computed. Whether the lane fits.
 */
@inline function keepLane(lane: i32): bool {
  const batch = laneValue(LANE_BATCH, lane);
  const inputTokens = laneValue(LANE_INPUT, lane);
  const outputTokens = laneValue(LANE_OUTPUT, lane);
  const chunkTokens = laneValue(LANE_CHUNK_TOKENS, lane);
  setLaneValue(LANE_IMBALANCE, lane, attentionImbalanceFor(batch));
  steadyState(batch, inputTokens, outputTokens, chunkTokens);
  setLaneValue(LANE_DECODE, lane, ssDecode);
  setLaneValue(LANE_PROMPT, lane, ssPrompt);
  setLaneValue(LANE_CHUNKS, lane, ssChunks);
  setLaneValue(LANE_BINDS, lane, ssBinds ? 1 : 0);
  memoryDynamic(batch, inputTokens, outputTokens, chunkTokens);
  setLaneValue(LANE_WEIGHTS, lane, memWeights);
  setLaneValue(LANE_KV, lane, memKv);
  setLaneValue(LANE_ACTIVATIONS, lane, memActivations);
  setLaneValue(LANE_TOTAL, lane, memTotal);
  return !(memTotal > capacityFor(memWeights, memActivations));
}

/** A lane alone on the scalar path (evaluateContinuous), its figures at `at`. */
@inline function evaluateLane(lane: i32, at: usize): void {
  restoreSteadyState(lane);
  replica = at;
  evaluateContinuous(laneValue(LANE_BATCH, lane), laneValue(LANE_INPUT, lane), laneValue(LANE_OUTPUT, lane), laneValue(LANE_CHUNK_TOKENS, lane));
}

/** A fitting lane's memory figures at `at`. */
@inline function putLaneMemory(lane: i32, at: usize): void {
  replica = at;
  setR(R_MEM_WEIGHTS, laneValue(LANE_WEIGHTS, lane));
  setR(R_MEM_KV, laneValue(LANE_KV, lane));
  setR(R_MEM_ACTIVATIONS, laneValue(LANE_ACTIVATIONS, lane));
  setR(R_MEM_TOTAL, laneValue(LANE_TOTAL, lane));
}

/**
 * evaluateReplica(false) of the current configuration (lane 0) and the next (pairable, lane 1),
 * their figures at `r0` and `r1`: bit 1 set when the first fits, bit 2 when the second does.
 */
function evaluateReplicaPair(r0: usize, r1: usize): i32 {
  setLaneValue(LANE_BATCH, 0, value(A_BATCH));
  setLaneValue(LANE_INPUT, 0, value(A_INPUT));
  setLaneValue(LANE_OUTPUT, 0, value(A_OUTPUT));
  setLaneValue(LANE_CHUNK_TOKENS, 0, value(A_CHUNK));
  // lane 1 first, so that ss* and mem* are left holding lane 0's, the current configuration's;
  // each call inlined with its lane a constant (the lanes' field addresses folded)
  const fits = (keepLane(1) ? 2 : 0) | (keepLane(0) ? 1 : 0);
  vImbalance = lanes(LANE_IMBALANCE);
  if (fits == 3) continuousPair(r0, r1);
  else {
    // the lanes one by one on the scalar path
    if (fits & 1) evaluateLane(0, r0);
    if (fits & 2) evaluateLane(1, r1);
  }
  if (fits & 1) putLaneMemory(0, r0);
  if (fits & 2) putLaneMemory(1, r1);
  return fits;
}

/** A lane of the chunk stage's mix, `rest·a + share·b`, where `one` is set; `a` elsewhere. */
@inline function mixed(a: v128, b: v128, rest: v128, share: v128, one: v128): v128 {
  return v128.bitselect(vadd(vmul(rest, a), vmul(share, b)), a, one);
}

/**
 * evaluateContinuous without speculation for both lanes (configurations and steady states in the
 * lanes' fields), the iterations' stages as f64x2. Per lane, as the scalar code: when prompts
 * arrive one at a time (the budget not binding, a prompt's chunk more than P) the mean of the
 * iteration decoding alone (prompt 0) and the one carrying a chunk, each figure mixed
 * `rest·a + share·b` in that lane; otherwise the average iteration (prompt P). The first stage is
 * one f64x2 stage whatever each lane needs (a lane's prompt 0 drops its prompt_attention row); the
 * chunk stage is one too when both lanes need it, the scalar verifyIteration for the lane that does
 * when one does. Each lane's figures then end in putContinuous (putLane).
 */
function continuousPair(r0: usize, r1: usize): void {
  const g = verifyTokens;
  const zero = vsplat(0);
  const P = lanes(LANE_PROMPT);
  const inputTokens = lanes(LANE_INPUT);
  const decodeTokens = vmul(vsplat(g), lanes(LANE_DECODE));
  const decodeContext = vadd(inputTokens, vdiv(lanes(LANE_OUTPUT), vsplat(2)));
  const chunk = vdiv(inputTokens, lanes(LANE_CHUNKS));
  // all ones in a lane whose prompts arrive one at a time: !binds && chunk > P
  const one = v128.andnot(f64x2.gt(chunk, P), f64x2.ne(lanes(LANE_BINDS), zero));
  setLanes(LANE_ONE_AT_A_TIME, one);
  // The first stage: alone (prompt 0, logits g·D) or the average iteration (P, g·D + P/S_in). A
  // lane's 0 gives g·D + 0/S_in = g·D + 0, the same bits as g·D (g·D ≥ +0, S_in ≥ 1).
  const prompt = v128.bitselect(zero, P, one);
  let stageS = verifyIteration2(decodeTokens, prompt, vadd(decodeTokens, vdiv(prompt, inputTokens)), inputTokens, decodeContext);
  let computeS = vComputeS;
  let memoryS = vMemoryS;
  let networkS = vNetworkS;
  let overheadS = vsplat(vOverheadS);
  let flops = vFlops;
  let bytes = vBytes;
  let commS = vCommS;
  setLanes(LANE_BOUND, vBound);
  if (v128.any_true(one)) {
    // The chunk stage (prompt S_in/k, logits g·D + chunk/S_in), in a lane that needs it.
    let chunkS: v128;
    let cComputeS: v128;
    let cMemoryS: v128;
    let cNetworkS: v128;
    let cOverheadS: v128;
    let cFlops: v128;
    let cBytes: v128;
    let cCommS: v128;
    if (i64x2.all_true(one)) {
      chunkS = verifyIteration2(decodeTokens, chunk, vadd(decodeTokens, vdiv(chunk, inputTokens)), inputTokens, decodeContext);
      cComputeS = vComputeS;
      cMemoryS = vMemoryS;
      cNetworkS = vNetworkS;
      cOverheadS = vsplat(vOverheadS);
      cFlops = vFlops;
      cBytes = vBytes;
      cCommS = vCommS;
    } else {
      // The lane's scalar stage, its inputs recomputed from its fields by the same operations as
      // the vectors' lanes; in the other lane the first stage's entries, mixed and then not used
      // (`one` is that lane's mask).
      const lane = i64x2.extract_lane(one, 0) != 0 ? 0 : 1;
      const input = laneValue(LANE_INPUT, lane);
      const decode = g * laneValue(LANE_DECODE, lane);
      const c = input / laneValue(LANE_CHUNKS, lane);
      attentionImbalance = laneValue(LANE_IMBALANCE, lane);
      const s = verifyIteration(decode, c, decode + c / input, input, input + laneValue(LANE_OUTPUT, lane) / 2);
      chunkS = v128.bitselect(vsplat(s), stageS, one);
      cComputeS = v128.bitselect(vsplat(sComputeS), computeS, one);
      cMemoryS = v128.bitselect(vsplat(sMemoryS), memoryS, one);
      cNetworkS = v128.bitselect(vsplat(sNetworkS), networkS, one);
      cOverheadS = v128.bitselect(vsplat(sOverheadS), overheadS, one);
      cFlops = v128.bitselect(vsplat(sFlops), flops, one);
      cBytes = v128.bitselect(vsplat(sBytes), bytes, one);
      cCommS = v128.bitselect(vsplat(sCommS), commS, one);
    }
    setLanes(LANE_CHUNK_ITERATION, chunkS);
    // share = (P/chunk)·((B − 1)/B) of a request's iterations beside another's chunk, rest = 1 − share
    const batch = lanes(LANE_BATCH);
    const share = vmul(vdiv(P, chunk), vdiv(vsub(batch, vsplat(1)), batch));
    const rest = vsub(vsplat(1), share);
    stageS = mixed(stageS, chunkS, rest, share, one);
    computeS = mixed(computeS, cComputeS, rest, share, one);
    memoryS = mixed(memoryS, cMemoryS, rest, share, one);
    networkS = mixed(networkS, cNetworkS, rest, share, one);
    overheadS = mixed(overheadS, cOverheadS, rest, share, one);
    flops = mixed(flops, cFlops, rest, share, one);
    bytes = mixed(bytes, cBytes, rest, share, one);
    commS = mixed(commS, cCommS, rest, share, one);
  }
  setLanes(LANE_ITERATION, stageS);
  setLanes(LANE_COMPUTE, computeS);
  setLanes(LANE_MEMORY, memoryS);
  setLanes(LANE_NETWORK, networkS);
  setLanes(LANE_OVERHEAD, overheadS);
  setLanes(LANE_FLOPS, flops);
  setLanes(LANE_BYTES, bytes);
  setLanes(LANE_COMM, commS);
  putLane(0, r0);
  putLane(1, r1);
}

/** continuousPair's end for one lane: its bound and TTFT, then putContinuous at `at`. */
@inline function putLane(lane: i32, at: usize): void {
  const g = verifyTokens;
  const batch = laneValue(LANE_BATCH, lane);
  const inputTokens = laneValue(LANE_INPUT, lane);
  const n = laneValue(LANE_OUTPUT, lane) - 1;
  const D = laneValue(LANE_DECODE, lane);
  const k = laneValue(LANE_CHUNKS, lane);
  const oneAtATime = load<i64>(laneAt(LANE_ONE_AT_A_TIME, lane)) != 0;
  const iterationS = laneValue(LANE_ITERATION, lane);
  const computeS = laneValue(LANE_COMPUTE, lane);
  const memoryS = laneValue(LANE_MEMORY, lane);
  const networkS = laneValue(LANE_NETWORK, lane);
  // a mixed lane's bound is its mean iteration's, as evaluateContinuous's
  const bound = oneAtATime ? dominantBound(computeS, memoryS, networkS) : <i32>laneValue(LANE_BOUND, lane);
  // TTFT: queueing when the budget binds, else the prompt's k chunk iterations (one at a time) or k iterations
  let timeToFirstS: f64;
  if (laneValue(LANE_BINDS, lane) != 0) timeToFirstS = iterationS * ((batch * (inputTokens + g * n)) / laneValue(LANE_CHUNK_TOKENS, lane) - n);
  else if (oneAtATime) timeToFirstS = k * laneValue(LANE_CHUNK_ITERATION, lane);
  else timeToFirstS = k * iterationS;
  replica = at;
  putContinuous(
    timeToFirstS, iterationS, iterationS, n, D, laneValue(LANE_PROMPT, lane), g * D,
    computeS, memoryS, networkS, laneValue(LANE_OVERHEAD, lane), laneValue(LANE_FLOPS, lane), laneValue(LANE_BYTES, lane), laneValue(LANE_COMM, lane), bound,
  );
}

// ---------------------------------------------------------------- inference.ts disaggregated
// The decode worker's state, kept while the prefill pool's chip and layout are in the globals.
let keptTp: f64 = 1;
let keptPp: f64 = 1;
let keptEp: f64 = 1;
let keptRedundant: f64 = 0;
let keptDp: f64 = 1;
let keptDpAttention: bool = false;
let keptByBatch: bool = false;
let keptImbalance: f64 = 1;
let keptMemWeights: f64 = 0;
let keptMemKv: f64 = 0;
let keptMemActivations: f64 = 0;
let keptMemTotal: f64 = 0;

/** Puts a prefill worker's chip, parallelism (pp 1, dp 1), layout and stage in the globals stageCost reads. */
function enterPrefillPool(): void {
  keptTp = tp;
  keptPp = pp;
  keptEp = ep;
  keptRedundant = redundant;
  keptDp = dp;
  keptDpAttention = dpAttention;
  keptByBatch = byBatchSharding;
  keptImbalance = attentionImbalance;
  keptMemWeights = memWeights;
  keptMemKv = memKv;
  keptMemActivations = memActivations;
  keptMemTotal = memTotal;
  loadChip(prefillChip);
  tp = pTp;
  pp = 1;
  ep = pEp;
  redundant = pRedundant;
  dp = 1;
  dpAttention = pDpAttention;
  byBatchSharding = false;
  // chunked prompts spread evenly over the attention ranks
  attentionImbalance = 1;
  setLayout();
}

/** Back to the decode worker after enterPrefillPool, its memory figures included. */
function leavePrefillPool(): void {
  loadChip(decodeChip);
  tp = keptTp;
  pp = keptPp;
  ep = keptEp;
  redundant = keptRedundant;
  dp = keptDp;
  dpAttention = keptDpAttention;
  byBatchSharding = keptByBatch;
  attentionImbalance = keptImbalance;
  setLayout();
  memWeights = keptMemWeights;
  memKv = keptMemKv;
  memActivations = keptMemActivations;
  memTotal = keptMemTotal;
  // the prefill stage used the static schedule's prefill table
  prefillValid = false;
}

/**
 * memory.ts memoryPerChip for a prefill worker (after enterPrefillPool): one iteration's
 * ⌈C/S_in⌉ prompts, static workspace max(min(b·S_in, C), b), no output tokens, no drafter.
 */
function prefillWorkerMemory(inputTokens: f64, chunkTokens: f64): void {
  const batch = Math.ceil(chunkTokens / inputTokens);
  const cachedTokens = meanAttendedContext(inputTokens + 0, false);
  const sequences = dpAttention ? Math.ceil(batch / memTp) : batch;
  memKv = sequences * cachedTokens * memStageLayers * memKvPerChip * bkv;
  const workspaceTokens = max<f64>(min<f64>(batch * inputTokens, chunkTokens), batch * 1);
  const logits = batch * memVocabPerTp * 4;
  if (dpAttention) {
    const own = (workspaceTokens / memTp) * (Math.ceil(batch / memTp) / (batch / memTp));
    const attention = own * memAttentionWidth;
    const sharded = memTp * own * memShardedWidth;
    memActivations = max<f64>(attention, sharded) * ba + logits;
  } else memActivations = workspaceTokens * memWidthPerToken * ba + logits;
  memWeights = memStageWeights;
  memTotal = memWeights + memKv + memActivations;
}

// a decode iteration of the disaggregated decode worker (disaggregatedIteration)
let dgComputeS: f64 = 0;
let dgMemoryS: f64 = 0;
let dgNetworkS: f64 = 0;
let dgOverheadS: f64 = 0;
let dgFlops: f64 = 0;
let dgBytes: f64 = 0;
let dgCommS: f64 = 0;
let dgBound: i32 = 0;

/**
 * inference.ts disaggregated's iterate: D decoding sequences' g·D verified tokens with no prompt
 * chunk (PP splitting them into pp micro-batches), then the drafter's γ passes of D tokens.
 * Returns the iteration's time; its stage is in dg*.
 */
function disaggregatedIteration(D: f64, contextTokens: f64): f64 {
  const decodeTokens = verifyTokens * D;
  stageCost(false, decodeTokens / pp, contextTokens, decodeTokens / pp, 0, 0, true);
  let timeS = pp * (sTimeS + pipelineSendS(decodeTokens / pp, sSpareS));
  takeStage();
  if (specMode != SPEC_NONE) {
    enterDrafter();
    draftPass(false, D, contextTokens, D);
    leaveDrafter();
    addDraftPasses(gamma);
    timeS = timeS + gamma * dTimeS;
  }
  dgComputeS = itComputeS;
  dgMemoryS = itMemoryS;
  dgNetworkS = itNetworkS;
  dgOverheadS = itOverheadS;
  dgFlops = itFlops;
  dgBytes = itBytes;
  dgCommS = itCommS;
  dgBound = itBound;
  return timeS;
}

/** The prompts one prefill iteration runs at load `lambdaLoad`, m = r·T(m) (inference.ts `prefillAt`). */
function prefillPromptsAt(lambdaLoad: f64, partial: bool, T1: f64, slope: f64, inputTokens: f64, C: f64): f64 {
  if (!partial) return C / inputTokens;
  const r = lambdaLoad / prefillWorkers;
  const denominator = 1 - r * slope * inputTokens;
  return denominator <= 0 ? C / inputTokens : min<f64>(C / inputTokens, max<f64>(1, (r * (T1 - slope * inputTokens)) / denominator));
}

/** The prefill a prompt sees in an iteration of m prompts, or its ⌈S_in/C⌉ full ones (inference.ts `prefillAt`). */
function prefillTimeS(m: f64, partial: bool, chunksPerPrompt: f64, Tp: f64, T1: f64, slope: f64, inputTokens: f64): f64 {
  return partial ? T1 + slope * (m - 1) * inputTokens : chunksPerPrompt * Tp;
}

/**
 * inference.ts disaggregated: the prefill pool's iteration and memory, the KV transfer, decode at
 * the full batch, λ = min(λ_p, λ_d, λ_kv), decode again at the batch the loop leaves it, and the
 * outputs over both pools' chips. False (capacity written) when a prefill worker does not fit.
 */
function evaluateDisaggregated(batch: f64, inputTokens: f64, outputTokens: f64, chunkTokens: f64): bool {
  const C = chunkTokens;
  const Wp = pTp;
  const Wd = tp * pp;
  const prefillChips = prefillWorkers * Wp;
  const decodeChips = decodeWorkers * Wd;
  const totalChips = prefillChips + decodeChips;
  const oneDomain = prefillChip == decodeChip && totalChips <= upDomain;
  // the KV cache of one request: S_in · L · (KV elements per token) · bytes
  const kvBytes = inputTokens * L * kvElementsPerToken * bkv;

  enterPrefillPool();
  prefillWorkerMemory(inputTokens, C);
  if (memTotal > capacityFor(memWeights, memActivations)) {
    leavePrefillPool();
    writeInfeasible(R_CAPACITY, true, NaN);
    return false;
  }
  stageCost(true, C, inputTokens, C / inputTokens);
  const Tp = sTimeS;
  const pComputeSum = sComputeS;
  const pMemorySum = sMemoryS;
  const pNetwork = sNetworkS;
  const pOverhead = sOverheadS;
  const pStageFlops = sFlops;
  const pStageBytes = sBytes;
  const pStageCommS = sCommS;
  const pStageBound = sBound;
  const peakP = peak;
  const bandwidthP = memBandwidth;
  const utilisationP = min<f64>(1, max<f64>(pStageFlops / Tp / peak, pStageBytes / Tp / memBandwidth));
  const floorP = chipFloorW();
  const busyP = chipPowerW(pStageFlops / Tp, pStageBytes / Tp, pStageCommS / Tp, utilisationP);
  const priceP = price;
  // the prefill worker's egress (collectives.ts workerLinkBytesPerS) and the first hop
  const egress = Wp * (oneDomain ? upBandwidth : outBandwidth) * networkEfficiency(kvBytes / Wp);
  const hopS = oneDomain ? upHop : outHop;
  const chunksPerPrompt = Math.ceil(inputTokens / C);
  // a prompt shorter than the budget runs in an iteration of the prompts waiting (inference.ts
  // prefillAt): the secant through one prompt's iteration T1 and the full one
  const partial = chunksPerPrompt == 1 && inputTokens < C;
  let T1 = Tp;
  if (partial) {
    // a lone prompt sits on one data-parallel attention rank (inference.ts ctxLone): ⌈1/W_p⌉/(1/W_p)
    attentionImbalance = attentionImbalanceFor(1);
    // inference.ts lonePrompt: the rank's share of the budget, C/W_p with data-parallel attention;
    // a longer prompt runs k iterations of it on its rank, the last one the rest
    const rankBudget = dpAttention ? C / Wp : C;
    const chunks = Math.ceil(inputTokens / rankBudget);
    if (chunks <= 1) {
      stageCost(true, inputTokens, inputTokens, 1);
      T1 = sTimeS;
    } else {
      const last = inputTokens - (chunks - 1) * rankBudget;
      stageCost(true, rankBudget, inputTokens, 1);
      const fullChunkS = sTimeS;
      stageCost(true, last, inputTokens, 1);
      T1 = (chunks - 1) * fullChunkS + sTimeS;
    }
  }
  leavePrefillPool();
  const slope = partial ? (Tp - T1) / (C - inputTokens) : 0;

  const lambdaP = (prefillWorkers * C) / (inputTokens * Tp);
  const ingress = Wd * (oneDomain ? upBandwidth : outBandwidth) * networkEfficiency(kvBytes / Wd);
  const kvS = hopS + kvBytes / min<f64>(egress, ingress);
  const lambdaKv = min<f64>(prefillWorkers * egress, decodeWorkers * ingress) / kvBytes;

  const E = expectedTokens;
  const n = (outputTokens - 1) / E;
  const contextTokens = inputTokens + outputTokens / 2;
  const fullS = disaggregatedIteration(batch, contextTokens);
  const lambdaD1 = (decodeWorkers * batch) / (n * fullS + prefillTimeS(prefillPromptsAt(0, partial, T1, slope, inputTokens, C), partial, chunksPerPrompt, Tp, T1, slope, inputTokens) + kvS);
  const prefillPrompts = prefillPromptsAt(min<f64>(min<f64>(lambdaP, lambdaD1), lambdaKv), partial, T1, slope, inputTokens, C);
  const prefillS = prefillTimeS(prefillPrompts, partial, chunksPerPrompt, Tp, T1, slope, inputTokens);
  const firstS = prefillS + kvS;
  const lambdaD = (decodeWorkers * batch) / (n * fullS + firstS);
  // inference.ts lambdaPrefill: where the secant falls, the rate at iterations of m prompts, n_p·m/T(m), at most λ_p
  const lambdaPrefill = slope < 0 ? min<f64>(lambdaP, (prefillWorkers * prefillPrompts) / prefillS) : lambdaP;
  let lambda: f64;
  let bound: f64;
  if (lambdaPrefill <= lambdaD && lambdaPrefill <= lambdaKv) {
    lambda = lambdaPrefill;
    bound = 0;
  } else if (lambdaD <= lambdaKv) {
    lambda = lambdaD;
    bound = 1;
  } else {
    lambda = lambdaKv;
    bound = 2;
  }
  const D = (lambda * n * fullS) / decodeWorkers;
  const iterationS = disaggregatedIteration(D, contextTokens);
  const tpotS = iterationS / E;
  const requestLatencyS = (batch * decodeWorkers) / lambda;
  const ttftS = requestLatencyS - n * iterationS;

  const tokensPerS = lambda * outputTokens;
  const prefillTokensPerS = lambda * inputTokens;
  const inputTokensPerSPerChip = prefillTokensPerS / totalChips;
  const tokensPerSPerChip = tokensPerS / totalChips;
  const prefillUsdPerS = (prefillChips * priceP) / 3600;
  const fleetUsdPerS = prefillUsdPerS + (decodeChips * price) / 3600;
  // inference.ts: busy r·T(m)/m of the time below the capacity, λ/λ_p for prompts longer than the budget
  const prefillBusy = partial ? ((lambda / prefillWorkers) * prefillS) / prefillPrompts : lambda / lambdaP;
  const mfuP = (2 * activeParams * C) / Tp / (Wp * peakP);
  const mbuP = pStageBytes / Tp / bandwidthP;
  const powerP = floorP + (busyP - floorP) * prefillBusy;
  const mfu = (2 * activeParams * (E * D)) / iterationS / (Wd * peak);
  const mbu = (pp * dgBytes) / iterationS / memBandwidth;
  const utilisation = min<f64>(1, max<f64>((pp * dgFlops) / iterationS / peak, mbu));
  const powerD = chipPowerW((pp * dgFlops) / iterationS, (pp * dgBytes) / iterationS, (pp * dgCommS) / iterationS, utilisation);
  const powerPerChipW = (prefillChips * powerP + decodeChips * powerD) / totalChips;

  putRates(ttftS, tpotS, requestLatencyS, tokensPerS, tokensPerSPerChip, inputTokensPerSPerChip, prefillTokensPerS);
  putCosts((fleetUsdPerS / tokensPerS) * 1e6, (prefillUsdPerS / prefillTokensPerS) * 1e6, powerPerChipW, (totalChips * powerPerChipW) / tokensPerS);
  // one pool when the prefill chip is the decode chip (inference.ts: chipP === chip), else prefill's first
  if (prefillChip == decodeChip) putEnergy(tokensPerS, powerPerChipW, totalChips, decodeChip, 0, 0);
  else putEnergy(tokensPerS, powerPerChipW, prefillChips, prefillChip, decodeChips, decodeChip);
  putPhases(mfuP, mfu, mbuP, mbu, pStageBound, dgBound);
  putBreakdown(pComputeSum, pMemorySum, pNetwork, pOverhead, dgComputeS, dgMemoryS, dgNetworkS, dgOverheadS);
  put(O_PREFILL_IDLE_SHARE, 1 - lambda / lambdaP);
  put(O_DECODE_IDLE_SHARE, 1 - lambda / lambdaD);
  put(O_KV_TRANSFER_S, kvS);
  put(O_DISAGGREGATION_BOUND, bound);
  return true;
}

// ---------------------------------------------------------------- explicit configurations
/**
 * Evaluates `n` configuration records (CONFIG_STRIDE f64 each) at `configs`, writing N_OUT f64
 * per configuration to `out`. Used by the property test and by `evaluate()` in the loader.
 */
export function evaluateConfigs(configs: usize, n: i32, out: usize): void {
  wanted = ALL_OUTPUTS;
  for (let i = 0; i < n; i++) {
    const c = configs + (<usize>i * CONFIG_STRIDE << 3);
    memory.copy(VALUES, c, N_AXES * 8);
    priceOverride = f(c, CFG_PRICE);
    expectedOverride = f(c, CFG_EXPECTED);
    pue = f(c, CFG_PUE);
    balanceIterations = f(c, CFG_CONTEXT_BALANCE);
    receiveInterval = f(c, CFG_RECEIVE_INTERVAL);
    // inference.ts withWaitingRequests: above the engine's cap K, the configuration at K in
    // flight, and the B − K waiting requests' wait, L_K·(B − K)/K, in TTFT and request latency
    const clients = value(A_BATCH);
    const maxBatch = f(c, CFG_MAX_BATCH);
    const slots = maxBatch < clients ? maxBatch : clients; // the clients for NaN (no cap)
    let inFlight = slots;
    evaluateAtBatch(slots);
    // inference.ts admittedByMemory: with a cap, the engine admits only the requests whose KV cache
    // fits, the most below the slots by bisection, the same probes as the reference
    if (maxBatch == maxBatch && slots > 1 && infeasibleFor(R_CAPACITY)) {
      evaluateAtBatch(1);
      if (!infeasibleFor(R_CAPACITY)) {
        let low: f64 = 1;
        let high: f64 = slots - 1;
        while (low < high) {
          const mid = low + Math.ceil((high - low) / 2);
          evaluateAtBatch(mid);
          if (infeasibleFor(R_CAPACITY)) high = mid - 1;
          else low = mid;
        }
        inFlight = low;
      }
      // the answer at the admitted count (or, when one request does not fit, at the slots)
      evaluateAtBatch(inFlight);
    }
    store<f64>(VALUES + (<usize>A_BATCH << 3), clients);
    if (inFlight < clients && load<f64>(OUT + (<usize>O_FEASIBLE << 3)) == 1) {
      const latencyS = load<f64>(OUT + (<usize>O_REQUEST_LATENCY << 3));
      const waitS = ((latencyS - f(decodeChip, C_REQUEST_OVERHEAD)) * (clients - inFlight)) / inFlight;
      put(O_TTFT, load<f64>(OUT + (<usize>O_TTFT << 3)) + waitS);
      put(O_REQUEST_LATENCY, latencyS + waitS);
    }
    memory.copy(out + (<usize>i * N_OUT << 3), OUT, N_OUT * 8);
  }
  priceOverride = NaN;
  expectedOverride = NaN;
  balanceIterations = NaN;
  receiveInterval = NaN;
  pue = sweepPue;
}

/** One explicit configuration's outputs with `batch` requests in flight (the record's other values as read). */
function evaluateAtBatch(batch: f64): void {
  store<f64>(VALUES + (<usize>A_BATCH << 3), batch);
  setBase();
  const reason = setParallel();
  if (reason >= 0) writeInfeasible(reason, false, NaN);
  else {
    prefillValid = false;
    decodeValid = false;
    evaluateInner(true);
  }
}

/** Whether the outputs just written are infeasible for `reason`. */
function infeasibleFor(reason: i32): bool {
  return load<f64>(OUT + (<usize>O_FEASIBLE << 3)) != 1 && load<f64>(OUT + (<usize>O_REASON << 3)) == <f64>reason;
}

// ---------------------------------------------------------------- the sweep: a mixed-radix odometer
@inline function axisLength(a: i32): i64 {
  return load<i64>(AXIS_LENGTHS + (<usize>a << 3));
}
@inline function setDigit(a: i32, digit: i64): void {
  store<i64>(DIGITS + (<usize>a << 3), digit);
  store<f64>(VALUES + (<usize>a << 3), load<f64>(load<usize>(AXIS_VALUES + (<usize>a << 3)) + (<usize>digit << 3)));
}
@inline function digitOf(a: i32): i64 {
  return load<i64>(DIGITS + (<usize>a << 3));
}

/** Total configurations of the sweep (the product of the axis lengths). */
export function total(): f64 {
  if (perModel) return perModelTotal;
  let n: f64 = 1;
  for (let a = 0; a < axisCount; a++) n *= <f64>axisLength(a);
  return n;
}

function decode(index: i64): void {
  let rest = index;
  if (perModel) {
    // the last model whose range starts at or before the index
    let m = 0;
    while (m + 1 < perModelCount && modelStart(m + 1) <= <f64>index) m++;
    useModelAxes(m);
    rest = index - <i64>modelStart(m);
    for (let a = N_AXES - 1; a >= 1; a--) {
      const n = axisLength(a);
      setDigit(a, rest % n);
      rest /= n;
    }
    setDigit(A_MODEL, <i64>m);
    return;
  }
  for (let a = N_AXES - 1; a >= 0; a--) {
    const n = axisLength(a);
    setDigit(a, rest % n);
    rest /= n;
  }
}

/** Advances the odometer from axis `axis` inward-reset; returns the outermost axis that changed (-1 past the end). */
function increment(axis: i32): i32 {
  for (let a = axis + 1; a < N_AXES; a++) if (digitOf(a) != 0) setDigit(a, 0);
  for (let a = axis; a >= 0; a--) {
    const next = digitOf(a) + 1;
    if (next < axisLength(a)) {
      if (perModel && a == A_MODEL) {
        // the next model has axes of its own: every digit restarts on its values
        useModelAxes(<i32>next);
        for (let b = 1; b < N_AXES; b++) setDigit(b, 0);
      }
      setDigit(a, next);
      return a;
    }
    setDigit(a, 0);
  }
  return -1;
}

/** Configurations from the current one to the end of its (chunk × batch × input × output) block. */
@inline function restOfInnerBlock(): i64 {
  const nBatch = axisLength(A_BATCH);
  const nIn = axisLength(A_INPUT);
  const nOut = axisLength(A_OUTPUT);
  const position = ((digitOf(A_CHUNK) * nBatch + digitOf(A_BATCH)) * nIn + digitOf(A_INPUT)) * nOut + digitOf(A_OUTPUT);
  return axisLength(A_CHUNK) * nBatch * nIn * nOut - position;
}

// ---------------------------------------------------------------- sharing across DP
// Configurations that differ only in the chips axis (DP, or chips at one TP·PP) run the same
// replica: its memory, stages and times are the same operations on the same values, only the
// outputs that scale with DP or the chips differ. The chips axis sits outside the inner block
// (chunk × batch × input × output), so the sweep keeps each position's replica figures (or that
// it did not fit) in an entry, written there by the evaluation itself (`replica`), and the next DP
// value at that position reads them there and computes only its outputs (replicaOutputs), the
// same operations on the same values as a full evaluation.
//
// Two base axes change nothing in some layouts, and their configurations share the same way:
// heads and batch attention sharding at TP 1 (batch sharding needs TP > 1), and the MoE imbalance
// of a dense model or at EP 1 (it scales the routings of EP > 1 only); both without speculation,
// whose drafter this does not cover. Entries are then kept per value of the axes between the
// outermost shared axis and the chips axis but the shared ones (overlap, two-batch overlap,
// speculation, schedule, TP, PP, EP, redundant experts) and per position, each with the sharding
// and imbalance it was computed at: an entry serves a configuration whose sharding and imbalance
// are its own, or make no difference. When that many entries would not fit in MAX_SHARED, the
// imbalance alone is shared (entries per value of the axes inside it), else the chips axis alone
// (entries per position).
//
// A stamp marks the current entries; it changes when an axis outside the outermost shared one
// changes (the model, chip and precisions; or more), and entries with another are stale. Sharing
// is off when an axis between the chips axis and the inner block (the disaggregation axes) has
// more than one value, and for disaggregated configurations (their pools' figures depend on the chips).
const SHARED_STRIDE: i32 = 4 + R_SLOTS; // [stamp, fits (1) or not (0), sharding, imbalance, the R_SLOTS replica figures]
/** Entries at most (7.3 MB); an inner block larger than this shares its first positions only. */
const MAX_SHARED: i32 = 32768;
let sharedPtr: usize = 0;
let sharedCapacity: i32 = 0;
/** The stamp of the current entries. */
let sharedStamp: f64 = 0;
/** Whether the configurations of the current level share their replica figures. */
let sharing: bool = false;
/** The outermost shared axis: A_SHARDING, A_IMBALANCE or A_CHIPS; a change outside it makes new entries. */
let sharedFrom: i32 = A_CHIPS;
/** The first entry of the current key axes' values (0 per position only). */
let sharedBase: i64 = 0;
/** The current configuration's attention sharding and MoE imbalance change nothing (see above). */
let shardingFree: bool = false;
let imbalanceFree: bool = false;

/** The axes entries are kept per value of, sharing from axis `from`. */
@inline function isKeyAxis(a: i32, from: i32): bool {
  return a > from && a < A_CHIPS && a != A_IMBALANCE;
}

@inline function innerBlock(): i64 {
  return axisLength(A_CHUNK) * axisLength(A_BATCH) * axisLength(A_INPUT) * axisLength(A_OUTPUT);
}

/** Entries kept sharing from axis `from`: per value of its key axes, per position. */
function sharedEntries(from: i32): i64 {
  let entries = innerBlock();
  for (let a = from + 1; a < A_CHIPS; a++) if (isKeyAxis(a, from)) entries *= axisLength(a);
  return entries;
}

/** New entries, after a change outside the outermost shared axis: where sharing starts, and room. */
function newSharedLevel(): void {
  sharedStamp += 1;
  sharing = true;
  for (let a = A_CHIPS + 1; a <= A_LAST_PARALLEL; a++) if (axisLength(a) != 1) sharing = false;
  let entries = sharedEntries(A_SHARDING);
  sharedFrom = A_SHARDING;
  if (entries > <i64>MAX_SHARED) {
    entries = sharedEntries(A_IMBALANCE);
    sharedFrom = A_IMBALANCE;
  }
  if (entries > <i64>MAX_SHARED) {
    entries = innerBlock();
    sharedFrom = A_CHIPS;
  }
  const wanted = entries < <i64>MAX_SHARED ? <i32>entries : MAX_SHARED;
  if (sharing && wanted > sharedCapacity) {
    // a fresh block: stamp 0 in every entry, which no level has
    sharedPtr = heap.alloc(<usize>wanted * SHARED_STRIDE * 8);
    memory.fill(sharedPtr, 0, <usize>wanted * SHARED_STRIDE * 8);
    sharedCapacity = wanted;
  }
}

/** After setParallel: the first entry of the current key axes' values and what changes nothing. */
function sharedKey(): void {
  let key: i64 = 0;
  for (let a = sharedFrom + 1; a < A_CHIPS; a++) if (isKeyAxis(a, sharedFrom)) key = key * axisLength(a) + digitOf(a);
  sharedBase = key * innerBlock();
  shardingFree = tp == 1 && !dpAttention && specMode == SPEC_NONE;
  imbalanceFree = (!hasMoe || ep == 1) && specMode == SPEC_NONE;
}

/** The current configuration's position in its inner block (chunk × batch × input × output). */
@inline function innerPosition(): i64 {
  return ((digitOf(A_CHUNK) * axisLength(A_BATCH) + digitOf(A_BATCH)) * axisLength(A_INPUT) + digitOf(A_INPUT)) * axisLength(A_OUTPUT) + digitOf(A_OUTPUT);
}

/**
 * A configuration whose rules hold, as evaluateInner(false), its replica figures taken from its
 * entry when a configuration that runs the same replica left them there, else computed and left there.
 */
function evaluateShared(): bool {
  const index = sharedBase + innerPosition();
  if (index >= <i64>sharedCapacity) return evaluateInner(false);
  const entry = sharedPtr + (<usize>index * SHARED_STRIDE << 3);
  if (entryServes(entry)) {
    if (load<f64>(entry, 8) == 0) return false;
    replica = entry + 32;
    replicaOutputs();
    return true;
  }
  // the replica's figures go straight into the entry
  replica = entry + 32;
  const fits = evaluateReplica(false);
  stampEntry(entry, fits);
  if (!fits) return false;
  replicaOutputs();
  return true;
}

/** Whether the entry holds the current configuration's replica figures (or that it does not fit). */
@inline function entryServes(entry: usize): bool {
  if (load<f64>(entry) != sharedStamp) return false;
  const entrySharding = load<f64>(entry, 16);
  const sameSharding = entrySharding == value(A_SHARDING) || (shardingFree && entrySharding != 2);
  return sameSharding && (load<f64>(entry, 24) == value(A_IMBALANCE) || imbalanceFree);
}

/** Marks the entry as the current configuration's, its figures written (or that it does not fit). */
@inline function stampEntry(entry: usize, fits: bool): void {
  store<f64>(entry, sharedStamp);
  store<f64>(entry, fits ? 1 : 0, 8);
  store<f64>(entry, value(A_SHARDING), 16);
  store<f64>(entry, value(A_IMBALANCE), 24);
}

/**
 * The current configuration and the next in its block (pairable) evaluated as a pair, their figures
 * at `r0` and `r1` (`entry`: the first's shared entry, the second's next to it; 0 when not sharing),
 * into the reducers as configurations `i` and `i + 1`. The odometer ends on the second.
 */
function sweepPair(r0: usize, r1: usize, entry: usize, i: i64): void {
  const fits = evaluateReplicaPair(r0, r1);
  if (entry != 0) stampEntry(entry, (fits & 1) != 0);
  reduceEvaluated((fits & 1) != 0, r0, i);
  // within the inner block: the output length's axis, or one inside the block
  const changed = increment(N_AXES - 1);
  if (changed <= A_INPUT) prefillValid = false;
  if (changed <= A_BATCH) decodeValid = false;
  if (entry != 0) stampEntry(entry + (<usize>SHARED_STRIDE << 3), (fits & 2) != 0);
  reduceEvaluated((fits & 2) != 0, r1, i + 1);
}

/** A configuration of the sweep evaluated (`fits`: its figures at `at`), into the reducers. */
@inline function reduceEvaluated(fits: bool, at: usize, i: i64): void {
  if (fits) {
    replica = at;
    replicaOutputs();
    if (topMayTake(<f64>i)) {
      wanted = ALL_OUTPUTS;
      replicaOutputs();
      wanted = sweepWanted;
    }
    reduceFeasible(<f64>i);
  } else countInfeasible(R_CAPACITY, 1);
}

/**
 * Streams configurations [start, end) through the reducers. A block of (chunk × batch × input ×
 * output) whose parallelism breaks a rule is counted in one step: every configuration in it is infeasible
 * for the same reason.
 */
export function sweep(start: f64, end: f64): void {
  if (trainingMode) {
    sweepTraining(start, end);
    return;
  }
  let i = <i64>start;
  const stop = <i64>end;
  if (i >= stop) return;
  countEvaluated(<f64>(stop - i));
  decode(i);
  wanted = sweepWanted;
  let changed = 0;
  let reason = -1;
  let share = false;
  let pairs = false;
  while (i < stop) {
    if (changed <= A_CHIP) setPair(<f64>(digitOf(A_MODEL) * axisLength(A_CHIP) + digitOf(A_CHIP)));
    if (changed <= A_LAST_BASE) setBase();
    if (changed <= A_LAST_PARALLEL) {
      if (changed < sharedFrom || changed > A_CHIPS) newSharedLevel();
      reason = setParallel();
      share = sharing && !disaggregated;
      if (share) sharedKey();
      pairs = pairsRun();
    }
    if (reason >= 0) {
      const block = restOfInnerBlock();
      const n = block < stop - i ? block : stop - i;
      countInfeasible(reason, <f64>n);
      i += n;
      if (i >= stop) break;
      changed = increment(A_LAST_PARALLEL);
      continue;
    }
    if (changed <= A_INPUT) prefillValid = false;
    if (changed <= A_BATCH) decodeValid = false;
    // this configuration and the next in its block as a pair (WASM SIMD) when both compute their
    // replica here; a configuration that reads a shared entry reads it first
    if (pairs && i + 1 < stop) {
      if (share) {
        const index = sharedBase + innerPosition();
        if (index + 1 < <i64>sharedCapacity) {
          const entry = sharedPtr + (<usize>index * SHARED_STRIDE << 3);
          const next = entry + (<usize>SHARED_STRIDE << 3);
          if (entryServes(entry)) reduceEvaluated(load<f64>(entry, 8) != 0, entry + 32, i);
          else if (pairable() && !entryServes(next)) {
            sweepPair(entry + 32, next + 32, entry, i);
            i++;
          } else {
            // the replica's figures go straight into the entry
            replica = entry + 32;
            const fits = evaluateReplica(false);
            stampEntry(entry, fits);
            reduceEvaluated(fits, entry + 32, i);
          }
          i++;
          if (i >= stop) break;
          changed = increment(N_AXES - 1);
          continue;
        }
      } else if (pairable()) {
        sweepPair(REPLICA, REPLICA2, 0, i);
        i += 2;
        if (i >= stop) break;
        changed = increment(N_AXES - 1);
        continue;
      }
    }
    if (share ? evaluateShared() : evaluateInner(false)) {
      // the top-k's digest reads every output (a disaggregated configuration has them all)
      if (!disaggregated && topMayTake(<f64>i)) {
        wanted = ALL_OUTPUTS;
        replicaOutputs();
        wanted = sweepWanted;
      }
      reduceFeasible(<f64>i);
    } else countInfeasible(R_CAPACITY, 1);
    i++;
    if (i >= stop) break;
    changed = increment(N_AXES - 1);
  }
  wanted = ALL_OUTPUTS;
}

/** Writes N_OUT f64 per configuration for [start, start + count) to `out` (full rows for --out). */
export function rows(start: f64, count: i32, out: usize): void {
  if (trainingMode) {
    rowsTraining(start, count, out);
    return;
  }
  let i = <i64>start;
  decode(i);
  wanted = ALL_OUTPUTS;
  let changed = 0;
  let reason = -1;
  for (let k = 0; k < count; k++) {
    if (changed <= A_LAST_BASE) setBase();
    if (changed <= A_LAST_PARALLEL) reason = setParallel();
    if (reason >= 0) writeInfeasible(reason, false, NaN);
    else {
      if (changed <= A_INPUT) prefillValid = false;
      if (changed <= A_BATCH) decodeValid = false;
      if (k + 1 < count && pairsRun() && pairable()) {
        // a pair, as a sweep evaluates it (a lane that does not fit is evaluated alone, for its outputs)
        const fits = evaluateReplicaPair(REPLICA, REPLICA2);
        rowOf((fits & 1) != 0, REPLICA);
        memory.copy(out + (<usize>k * N_OUT << 3), OUT, N_OUT * 8);
        k++;
        changed = increment(N_AXES - 1); // within the inner block
        if (changed <= A_INPUT) prefillValid = false;
        if (changed <= A_BATCH) decodeValid = false;
        i++;
        rowOf((fits & 2) != 0, REPLICA2);
      } else evaluateInner(withMinChips);
    }
    memory.copy(out + (<usize>k * N_OUT << 3), OUT, N_OUT * 8);
    i++;
    if (k + 1 < count) changed = increment(N_AXES - 1);
  }
}

/** A row of a pair: its outputs from its figures at `at`, or, when it does not fit, from evaluateInner. */
function rowOf(fits: bool, at: usize): void {
  if (fits) {
    replica = at;
    replicaOutputs();
  } else evaluateInner(withMinChips);
}

// ---------------------------------------------------------------- training.ts estimateTraining
// A training configuration is read from a record (TRAIN_CONFIG_STRIDE f64, T_* slots): the model,
// chip and precision go through setBase() as an inference configuration with weights = KV cache =
// activations = the training precision, heads sharding and no MoE imbalance; the forward pass of
// one micro-batch is the prefill stageCost above, on the model padded to ⌈L/p⌉·p layers.
//
// estimateTraining is evaluated in levels, in the order of a training sweep's axes (TS_* in
// layout.ts), each caching what depends only on its axes and the outer ones, so that a sweep's
// odometer recomputes only what changed (an explicit record runs every level):
//   trainingBase         model, chip, precision, overlap: setBase, capacity, optimizer bandwidth
//   trainingLayout       TP, PP, EP: the padded model, the layout, weights per chip; rules on heads, experts, precision
//   trainingForward      CP, sequence, micro-batch: tokens, activation base; the forward pass (stageCost, the CP
//                        all-gather, the pipeline send, attention FLOPs per token) on first use
//   trainingReplicas     DP / chips: the chips rule, EP layout; the gradient all-reduce on first use
//   trainingStep         global batch, virtual stages: every rule known; micro-batches, bubble
//   trainingActivations  sequence parallelism, recomputation: activation memory; the micro-batch's
//                        time (backward, recomputation, communication, pipeline) on first use
//   trainingTail         ZeRO stage, optimizer bytes, total tokens: memory, step time and the outputs
// The values are the reference's, computed by the same operations in the same order: only where
// they are computed (and how often) differs.
const TRAIN: usize = memory.data(TRAIN_CONFIG_STRIDE * 8, 16);

@inline function t(slot: i32): f64 {
  return load<f64>(TRAIN + (<usize>slot << 3));
}

function writeTrainingInfeasible(reason: i32, w: f64, g: f64, o: f64, a: f64, total: f64, capacity: f64): void {
  for (let i = 0; i < N_TRAIN_OUT; i++) put(i, NaN);
  put(TO_FEASIBLE, 0);
  put(TO_REASON, <f64>reason);
  put(TO_MEM_WEIGHTS, w);
  put(TO_MEM_GRADIENTS, g);
  put(TO_MEM_OPTIMIZER, o);
  put(TO_MEM_ACTIVATIONS, a);
  put(TO_MEM_TOTAL, total);
  put(TO_MEM_CAPACITY, capacity);
}

// trainingBase
let trainModelLayers: f64 = 0; // L as given (L itself is the padded count while training)
let trainOverlap: f64 = 0;
let trainBytes: f64 = 0;
let trainCapacity: f64 = 0;
let trainOptimizerBandwidth: f64 = 0;

function trainingBase(): void {
  const precision = t(T_PRECISION);
  store<f64>(VALUES + (<usize>A_MODEL << 3), t(T_MODEL));
  store<f64>(VALUES + (<usize>A_CHIP << 3), t(T_CHIP));
  store<f64>(VALUES + (<usize>A_WEIGHTS << 3), precision);
  store<f64>(VALUES + (<usize>A_KV << 3), precision);
  store<f64>(VALUES + (<usize>A_ACTIVATIONS << 3), precision);
  store<f64>(VALUES + (<usize>A_ATTENTION_WEIGHTS << 3), NaN);
  store<f64>(VALUES + (<usize>A_SHARDING << 3), 0);
  store<f64>(VALUES + (<usize>A_OVERLAP << 3), t(T_OVERLAP));
  store<f64>(VALUES + (<usize>A_IMBALANCE << 3), 1);
  store<f64>(VALUES + (<usize>A_TWO_BATCH << 3), 0);
  priceOverride = t(T_PRICE);
  setBase();
  priceOverride = NaN;
  // the forward and decode tables no longer hold an inference configuration
  prefillValid = false;
  decodeValid = false;
  trainModelLayers = L;
  trainOverlap = prefillOverlap;
  trainBytes = bw;
  trainCapacity = memCapacity * memUsable;
  trainOptimizerBandwidth = memBandwidth * efficiencyAt(effWeightMemory, 1);
}

// trainingLayout
let trainTpBreaks: bool = false; // tp_divides_heads
let trainEpExpertsBreak: bool = false; // ep_divides_experts

function trainingLayout(): void {
  tp = t(T_TP);
  pp = t(T_PP);
  ep = t(T_EP);
  redundant = 0;
  evenStages = true;
  trainTpBreaks = h % tp != 0;
  trainEpExpertsBreak = ep > 1 && (!hasMoe || experts % ep != 0);
  // the staged model: an uneven pipeline is costed at ⌈L/p⌉ layers per stage
  L = trainModelLayers;
  if (L % pp != 0) L = Math.ceil(L / pp) * pp;
  // Each of these rules alone makes every configuration below infeasible: no layout is needed.
  if (!trainTpBreaks && !trainEpExpertsBreak && !isNaN(peak)) setLayout();
}

// trainingForward
let trainCp: f64 = 1;
let trainSequence: f64 = 0;
let trainMicroBatch: f64 = 0;
let trainCpBreaks: bool = false; // cp_divides_sequence
let trainS: f64 = 0; // tokens per sequence per CP rank
let trainActivationBase: f64 = 0;
let trainTokens: f64 = 0;
let forwardValid: bool = false;
let fCompute: f64 = 0;
let fMemory: f64 = 0;
let fComm: f64 = 0;
let fOverhead: f64 = 0;
let fFlops: f64 = 0;
let fAttentionS: f64 = 0;
let fAttentionFlops: f64 = 0;
let forwardOpsS: f64 = 0;
let kvGatherS: f64 = 0; // the CP all-gather of one layer's KV (cp > 1)
let pipelineSend: f64 = 0; // pipelineSendRawS of the micro-batch
let attentionPerToken: f64 = 0;

function trainingForward(): void {
  const cp = t(T_CP);
  const S = t(T_SEQUENCE);
  const b = t(T_MICRO_BATCH);
  trainCp = cp;
  trainSequence = S;
  trainMicroBatch = b;
  trainCpBreaks = S % cp != 0;
  // activationBytesPerLayer's s·b·d·(bytes/2)
  const s = S / cp;
  trainS = s;
  trainActivationBase = s * b * d * (trainBytes / 2);
  trainTokens = (b * S) / cp;
  forwardValid = false;
}

/** The forward pass of one micro-batch through the slowest stage (prefill, every token's logits) and what follows from it alone. */
function trainingForwardPass(): void {
  const cp = trainCp;
  const S = trainSequence;
  const tokens = trainTokens;
  stageCost(true, tokens, S, tokens);
  fAttentionS = load<f64>(PREFILL_OPS + 32); // row 1: attention, time·layers
  fAttentionFlops = load<f64>(PREFILL_OPS + 32, 16);
  fCompute = sComputeS;
  fMemory = sMemoryS;
  fComm = sCommS;
  fOverhead = sOverheadS;
  fFlops = sFlops;
  forwardOpsS = fCompute + fMemory;
  if (cp > 1) {
    const kvGatherBytes = trainMicroBatch * S * kvElementsPerTokenPerChip * trainBytes;
    kvGatherS = ringCollectiveS(kvGatherBytes, cp, 1);
  }
  pipelineSend = pipelineSendRawS(tokens);
  // attentionFlopsPerToken on the model as given (not padded)
  const staged = L;
  L = trainModelLayers;
  attentionPerToken = L * 2 * h * (prefillQk + prefillV) * meanAttendedContext(S, true);
  L = staged;
  forwardValid = true;
}

// trainingReplicas
let trainEarlyReason: i32 = -1; // the first of chips_divide_parallelism, tp_divides_heads, cp_divides_sequence
let trainLateReason: i32 = -1; // the first of ep_divides_experts, ep_layout, precision_unsupported
let trainGradientBytes: f64 = 0;
let trainMembers: f64 = 0;
let fleetFlopsPerS: f64 = 0;
let dpValid: bool = false;
let dpRing: f64 = 0; // the gradient all-reduce before the ZeRO-3 factor

/** `derive`: a sweep's chips (from DP) or DP (from chips), the axis it does not give holding NaN. */
function trainingReplicas(derive: bool): void {
  const cp = trainCp;
  dp = t(T_DP);
  chips = t(T_CHIPS);
  if (derive) {
    if (isNaN(chips)) chips = dp * tp * pp * cp;
    else if (isNaN(dp)) {
      const inner = tp * pp * cp;
      dp = chips % inner == 0 ? chips / inner : NaN;
    }
  }
  // ruleBroken (training), in its order; batch_divides and interleave_needs_pipeline come in between
  if (dp * tp * pp * cp != chips) trainEarlyReason = R_CHIPS_DIVIDE_PARALLELISM;
  else if (trainTpBreaks) trainEarlyReason = R_TP_DIVIDES_HEADS;
  else if (trainCpBreaks) trainEarlyReason = R_CP_DIVIDES_SEQUENCE;
  else trainEarlyReason = -1;
  if (trainEpExpertsBreak) trainLateReason = R_EP_DIVIDES_EXPERTS;
  else if (ep > 1 && (ep % tp != 0 || (tp * dp) % ep != 0)) trainLateReason = R_EP_LAYOUT;
  else if (isNaN(peak)) trainLateReason = R_PRECISION_UNSUPPORTED;
  else trainLateReason = -1;
  // Data-parallel gradient all-reduce over strided peers (membersPerDomainFor(chip, dp, tp·pp·cp)).
  trainGradientBytes = memWeightParams * trainBytes;
  trainMembers = min<f64>(dp, max<f64>(1, Math.floor(upDomain / (tp * pp * cp))));
  fleetFlopsPerS = chips * peak;
  dpValid = false;
}

// trainingStep
let trainStepReason: i32 = -1; // every rule: the reason, or -1
let trainVirtualStages: f64 = 1;
let microBatches: f64 = 0;
let inFlight: f64 = 0;
let bubbleFraction: f64 = 0;
let tokensPerStep: f64 = 0;

function trainingStep(): void {
  const globalBatch = t(T_GLOBAL_BATCH);
  const virtualStages = t(T_VIRTUAL_STAGES);
  const b = trainMicroBatch;
  if (globalBatch % (dp * b) != 0) trainStepReason = R_BATCH_DIVIDES;
  else if (virtualStages > 1 && pp == 1) trainStepReason = R_INTERLEAVE_NEEDS_PIPELINE;
  else trainStepReason = trainLateReason;
  trainVirtualStages = virtualStages;
  microBatches = globalBatch / (dp * b);
  inFlight = min<f64>(pp, microBatches);
  bubbleFraction = (pp - 1) / (virtualStages * microBatches + pp - 1);
  tokensPerStep = globalBatch * trainSequence;
}

// trainingActivations
let trainRecompute: i32 = 0; // 0 none, 1 selective, 2 full
let mActivations: f64 = 0;
let microValid: bool = false;
let pipelineS: f64 = 0;
let lastBackwardS: f64 = 0;
let executedPerMicroBatch: f64 = 0;
let mbCompute: f64 = 0;
let mbMemory: f64 = 0;
let mbNetwork: f64 = 0;
let mbOverhead: f64 = 0;

function trainingActivations(): void {
  const recompute = <i32>t(T_RECOMPUTE);
  const spValue = t(T_SEQ_PARALLEL);
  const sequenceParallel = isNaN(spValue) ? tp > 1 : spValue == 1;
  trainRecompute = recompute;
  // activationBytesPerLayer (Korthikanti)
  const base = trainActivationBase;
  let activationsPerLayer: f64;
  if (recompute == 2) activationsPerLayer = (base * 2) / (sequenceParallel ? tp : 1);
  else {
    const scores = recompute == 1 ? 0 : (5 * h * trainS) / (d * tp);
    const linear = sequenceParallel ? 34 / tp : 10 + 24 / tp;
    activationsPerLayer = base * (linear + scores);
  }
  mActivations = (L / pp) * inFlight * activationsPerLayer;
  microValid = false;
}

/** One micro-batch: forward, backward, recomputation, TP/CP/PP communication; the pipeline's time. */
function trainingMicroBatch(): void {
  const recompute = trainRecompute;
  const commOverlap = trainOverlap;
  const virtualStages = trainVirtualStages;
  const recomputeOpsS = recompute == 2 ? forwardOpsS : recompute == 1 ? fAttentionS : 0;
  const forwardPasses: f64 = recompute == 2 ? 2 : 1;
  const opsS = 3 * forwardOpsS + recomputeOpsS;
  // the micro-batch's communication hides behind at most overlap × its operators' time
  const tpCommS = fComm * (1 + forwardPasses);
  const cpCommS = trainCp > 1 ? (L / pp) * (1 + forwardPasses) * kvGatherS : 0;
  const sendS = 2 * virtualStages * pipelineSend;
  const networkS = max<f64>(0, tpCommS + cpCommS + sendS - commOverlap * opsS);
  const overheadS = (2 + forwardPasses) * fOverhead;
  const microBatchS = opsS + networkS + overheadS;
  pipelineS = (microBatches + (pp - 1) / virtualStages) * microBatchS;
  lastBackwardS = 2 * forwardOpsS + (recompute == 0 ? 0 : recomputeOpsS);
  executedPerMicroBatch = 3 * fFlops + (recompute == 2 ? fFlops : recompute == 1 ? fAttentionFlops : 0);
  mbCompute = 3 * fCompute + (recompute == 2 ? fCompute : 0) + (recompute == 1 ? fAttentionS : 0);
  mbMemory = 3 * fMemory + (recompute == 2 ? fMemory : 0);
  mbNetwork = networkS;
  mbOverhead = overheadS;
  microValid = true;
}

/**
 * The innermost level of a configuration whose rules hold (ZeRO stage, optimizer bytes, total
 * tokens): memory and capacity, then the step time and every output in OUT; true when feasible.
 * `writeInfeasible`: write the outputs of a configuration that does not fit too (rows; a sweep only counts it).
 */
function trainingTail(writeInfeasible: bool): bool {
  const zeroStage = t(T_ZERO);
  const optimizerBytesPerParam = t(T_OPTIMIZER_BYTES);
  const totalTokens = t(T_TOTAL_TOKENS);
  const commOverlap = trainOverlap;
  const bytes = trainBytes;
  const capacity = trainCapacity;

  // Memory (ZeRO)
  const paramsPerChip = memWeightParams;
  const mWeights = (paramsPerChip * bytes) / (zeroStage >= 3 ? dp : 1);
  const mGradients = (paramsPerChip * bytes) / (zeroStage >= 2 ? dp : 1);
  const mOptimizer = (paramsPerChip * optimizerBytesPerParam) / (zeroStage >= 1 ? dp : 1);
  const mTotal = mWeights + mGradients + mOptimizer + mActivations;
  if (mTotal > capacity) {
    if (writeInfeasible) writeTrainingInfeasible(R_CAPACITY, mWeights, mGradients, mOptimizer, mActivations, mTotal, capacity);
    return false;
  }
  if (!forwardValid) trainingForwardPass();
  if (!microValid) trainingMicroBatch();
  if (!dpValid) {
    dpRing = ringCollectiveS(trainGradientBytes, dp, 2, trainMembers);
    dpValid = true;
  }

  const dpRaw = dpRing * (zeroStage >= 3 ? 1.5 : 1);
  const dataParallelS = max<f64>(0, dpRaw - commOverlap * lastBackwardS);
  const optimizerS = (2 * (mWeights + mGradients + mOptimizer)) / trainOptimizerBandwidth;
  const stepTimeS = pipelineS + dataParallelS + optimizerS;

  const tokensPerS = tokensPerStep / stepTimeS;
  const mfu = (6 * activeParams * tokensPerS) / fleetFlopsPerS;
  const mfuWithAttention = ((6 * activeParams + 3 * attentionPerToken) * tokensPerS) / fleetFlopsPerS;
  const hfu = (microBatches * executedPerMicroBatch) / stepTimeS / peak;

  const steps = totalTokens / tokensPerStep;
  const totalTimeS = steps * stepTimeS;
  const powerPerChipW = idleW + (maxW - idleW) * min<f64>(1, hfu);
  const bound = dominantBound(mbCompute * microBatches, mbMemory * microBatches, mbNetwork * microBatches + dataParallelS);

  put(TO_FEASIBLE, 1);
  put(TO_REASON, -1);
  put(TO_STEP_TIME, stepTimeS);
  put(TO_TOKENS_PER_S, tokensPerS);
  put(TO_TOKENS_PER_S_PER_CHIP, tokensPerS / chips);
  put(TO_MFU, mfu);
  put(TO_MFU_ATTENTION, mfuWithAttention);
  put(TO_HFU, hfu);
  put(TO_BUBBLE, bubbleFraction);
  put(TO_DATA_PARALLEL, dataParallelS);
  put(TO_MICRO_BATCHES, microBatches);
  put(TO_STEPS, steps);
  put(TO_TOTAL_TIME, totalTimeS);
  put(TO_CHIP_HOURS, (chips * totalTimeS) / 3600);
  put(TO_COST, (chips * price * totalTimeS) / 3600);
  put(TO_POWER, powerPerChipW);
  put(TO_ENERGY, chips * powerPerChipW * totalTimeS);
  put(TO_BOUND, <f64>bound);
  put(TO_BOUND_COPY, <f64>bound);
  put(TO_MEM_WEIGHTS, mWeights);
  put(TO_MEM_GRADIENTS, mGradients);
  put(TO_MEM_OPTIMIZER, mOptimizer);
  put(TO_MEM_ACTIVATIONS, mActivations);
  put(TO_MEM_TOTAL, mTotal);
  put(TO_MEM_CAPACITY, capacity);
  put(TO_MB_COMPUTE, mbCompute);
  put(TO_MB_MEMORY, mbMemory);
  put(TO_MB_NETWORK, mbNetwork);
  put(TO_MB_OVERHEAD, mbOverhead);
  return true;
}

/**
 * training.ts estimateTraining for the configuration in TRAIN, given that every axis from
 * `changed` inward changed since the last call (0: everything): writes N_TRAIN_OUT outputs to
 * OUT; true when feasible.
 */
function evaluateTraining(changed: i32, derive: bool): bool {
  if (changed <= TS_OVERLAP) trainingBase();
  if (changed <= TS_EP) trainingLayout();
  if (changed <= TS_MICRO_BATCH) trainingForward();
  if (changed <= TS_CHIPS) trainingReplicas(derive);
  if (trainEarlyReason >= 0) {
    writeTrainingInfeasible(trainEarlyReason, NaN, NaN, NaN, NaN, NaN, NaN);
    return false;
  }
  if (changed <= TS_VIRTUAL_STAGES) trainingStep();
  if (trainStepReason >= 0) {
    writeTrainingInfeasible(trainStepReason, NaN, NaN, NaN, NaN, NaN, NaN);
    return false;
  }
  if (changed <= TS_RECOMPUTE) trainingActivations();
  return trainingTail(true);
}

/**
 * Evaluates `n` training configuration records (TRAINING_CONFIG_STRIDE f64 each) at `configs`,
 * writing N_TRAIN_OUT f64 per configuration to `out`. `init` must have read an image with the models and chips.
 */
export function evaluateTrainingConfigs(configs: usize, n: i32, out: usize): void {
  for (let i = 0; i < n; i++) {
    memory.copy(TRAIN, configs + (<usize>i * TRAIN_CONFIG_STRIDE << 3), TRAIN_CONFIG_STRIDE * 8);
    evaluateTraining(0, false);
    memory.copy(out + (<usize>i * N_TRAIN_OUT << 3), OUT, N_TRAIN_OUT * 8);
  }
  L = trainModelLayers;
}

// ---------------------------------------------------------------- training sweeps
// A training sweep's index is mixed radix over its T_N_AXES axes in TS_* order (the last fastest);
// each axis writes its record slot in TRAIN. The odometer tells evaluateTraining the outermost axis
// that changed, so a sweep computes one forward pass per (model, chip, precision, overlap, TP, PP,
// EP, CP, sequence, micro-batch) and one gradient all-reduce per DP below it. The `dp` axis holds
// [NaN] when the spec gives `chips` (DP = chips/(TP·PP·CP), NaN when that is not an integer:
// chips_divide_parallelism), and the `chips` axis holds [NaN] when it gives `dp` (chips = DP·TP·PP·CP).

/** The record slot of each training sweep axis, in TS_* order. */
const TRAINING_AXIS_SLOTS: usize = memory.data<i32>([
  T_MODEL,
  T_CHIP,
  T_PRECISION,
  T_OVERLAP,
  T_TP,
  T_PP,
  T_EP,
  T_CP,
  T_SEQUENCE,
  T_MICRO_BATCH,
  T_DP,
  T_CHIPS,
  T_GLOBAL_BATCH,
  T_VIRTUAL_STAGES,
  T_SEQ_PARALLEL,
  T_RECOMPUTE,
  T_ZERO,
  T_OPTIMIZER_BYTES,
  T_TOTAL_TOKENS,
]);

/** The record slot (T_*) of training sweep axis `axis` (TS_*): the host checks its twin against it. */
export function trainingAxisSlot(axis: i32): i32 {
  return axis >= 0 && axis < T_N_AXES ? load<i32>(TRAINING_AXIS_SLOTS + (<usize>axis << 2)) : -1;
}

@inline function setTrainingDigit(a: i32, digit: i64): void {
  store<i64>(DIGITS + (<usize>a << 3), digit);
  const slot = load<i32>(TRAINING_AXIS_SLOTS + (<usize>a << 2));
  store<f64>(TRAIN + (<usize>slot << 3), load<f64>(load<usize>(AXIS_VALUES + (<usize>a << 3)) + (<usize>digit << 3)));
}

function decodeTraining(index: i64): void {
  let rest = index;
  for (let a = T_N_AXES - 1; a >= 0; a--) {
    const n = axisLength(a);
    setTrainingDigit(a, rest % n);
    rest /= n;
  }
  store<f64>(TRAIN + (<usize>T_PRICE << 3), NaN);
}

/** Advances the training odometer at `axis`, resetting the axes inside it; returns the outermost axis that changed (-1 past the end). */
function incrementTraining(axis: i32): i32 {
  for (let a = axis + 1; a < T_N_AXES; a++) if (digitOf(a) != 0) setTrainingDigit(a, 0);
  for (let a = axis; a >= 0; a--) {
    const next = digitOf(a) + 1;
    if (next < axisLength(a)) {
      setTrainingDigit(a, next);
      return a;
    }
    setTrainingDigit(a, 0);
  }
  return -1;
}

/** Configurations from the current one to the end of the block of axes inside `axis`. */
function restOfTrainingBlock(axis: i32): i64 {
  let size: i64 = 1;
  let position: i64 = 0;
  for (let a = axis + 1; a < T_N_AXES; a++) {
    const n = axisLength(a);
    position = position * n + digitOf(a);
    size *= n;
  }
  return size - position;
}

/**
 * Streams training configurations [start, end) through the reducers. A block whose rules break
 * is counted in one step: below DP (chips_divide_parallelism, tp_divides_heads,
 * cp_divides_sequence) and below the virtual stages (every rule), all its configurations are
 * infeasible for the same reason.
 */
function sweepTraining(start: f64, end: f64): void {
  let i = <i64>start;
  const stop = <i64>end;
  if (i >= stop) return;
  countEvaluated(<f64>(stop - i));
  decodeTraining(i);
  let changed = 0;
  while (i < stop) {
    if (changed <= TS_CHIP) setPair(<f64>(digitOf(TS_MODEL) * axisLength(TS_CHIP) + digitOf(TS_CHIP)));
    if (changed <= TS_OVERLAP) trainingBase();
    if (changed <= TS_EP) trainingLayout();
    if (changed <= TS_MICRO_BATCH) trainingForward();
    if (changed <= TS_CHIPS) trainingReplicas(true);
    let reason = trainEarlyReason;
    let level = TS_CHIPS;
    if (reason < 0) {
      if (changed <= TS_VIRTUAL_STAGES) trainingStep();
      reason = trainStepReason;
      level = TS_VIRTUAL_STAGES;
    }
    if (reason >= 0) {
      const block = restOfTrainingBlock(level);
      const n = block < stop - i ? block : stop - i;
      countInfeasible(reason, <f64>n);
      i += n;
      if (i >= stop) break;
      changed = incrementTraining(level);
      continue;
    }
    if (changed <= TS_RECOMPUTE) trainingActivations();
    if (trainingTail(false)) reduceFeasible(<f64>i);
    else countInfeasible(R_CAPACITY, 1);
    i++;
    if (i >= stop) break;
    changed = incrementTraining(T_N_AXES - 1);
  }
}

function rowsTraining(start: f64, count: i32, out: usize): void {
  if (count <= 0) return;
  decodeTraining(<i64>start);
  let changed = 0;
  for (let k = 0; k < count; k++) {
    evaluateTraining(changed, true);
    for (let j = N_TRAIN_OUT; j < N_OUT; j++) put(j, NaN);
    memory.copy(out + (<usize>k * N_OUT << 3), OUT, N_OUT * 8);
    if (k + 1 < count) changed = incrementTraining(T_N_AXES - 1);
  }
}

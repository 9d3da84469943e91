// Memory layout shared with src/descriptors.ts: every offset here has a twin there, and
// src/descriptors.test.ts checks the exported copies against the TypeScript ones.

// ---- precisions: index = position in PRECISIONS (fp32, bf16, fp16, fp8, int8, fp4, int4)
export const N_PRECISIONS: i32 = 7;

// ---- efficiency block: [count, constant, x0, y0, x1, y1, …]; count 0 = constant
export const MAX_CURVE_POINTS: i32 = 16;
export const EFF_STRIDE: i32 = 2 + 2 * MAX_CURVE_POINTS;

// ---- chip descriptor (f64 slots)
export const C_PEAK: i32 = 0; // 7 slots, NaN = unsupported
export const C_MEM_CAPACITY: i32 = 7;
export const C_MEM_BANDWIDTH: i32 = 8;
export const C_MEM_USABLE: i32 = 9;
export const C_UP_BANDWIDTH: i32 = 10;
export const C_UP_DOMAIN: i32 = 11;
export const C_UP_TORUS_AXES: i32 = 12; // 0 switch, 1 ring, K for torusKd
export const C_UP_HOP: i32 = 13;
export const C_UP_COLLECTIVE: i32 = 14; // NaN = none
export const C_OUT_BANDWIDTH: i32 = 15;
export const C_OUT_HOP: i32 = 16;
export const C_IDLE_W: i32 = 17;
export const C_MAX_W: i32 = 18;
export const C_PRICE: i32 = 19;
export const C_LAYER_OVERHEAD: i32 = 20;
export const C_COMM_OVERLAP: i32 = 21; // the plugin's prefill overlap; NaN = none
export const C_EFF_FLOP: i32 = 22;
export const C_EFF_MEMORY: i32 = C_EFF_FLOP + EFF_STRIDE;
export const C_EFF_NETWORK: i32 = C_EFF_MEMORY + EFF_STRIDE;
/** 1 + the table index of the first chip with this chip's id (0: unset): which entries are the same chip. */
export const C_IDENTITY: i32 = 124;
/** The MTP acceptance a configuration without one uses: efficiency.mtpAcceptance, else the model's default. */
export const C_MTP_ACCEPTANCE: i32 = 125;
/** t_req, efficiency.requestOverheadS (0 when not given): added to TTFT and request latency. */
export const C_REQUEST_OVERHEAD: i32 = 126;
/**
 * The KV cache's share of the memory left free (efficiency.kvCacheBudget.fraction, basis free),
 * NaN = none: the KV cache shares C_MEM_USABLE of the memory with the weights and activations.
 */
export const C_KV_FREE_FRACTION: i32 = 127;
/** η_flop at each compute precision (PRECISIONS order), EFF_STRIDE slots each: flopByPrecision, else flop. */
export const C_EFF_FLOP_BY_PRECISION: i32 = 128;
/** P_static of the component power model (power.staticW), NaN = no components: docs/MODEL.md §10. */
export const C_POWER_STATIC: i32 = C_EFF_FLOP_BY_PRECISION + N_PRECISIONS * EFF_STRIDE + 2;
/** e_mem, joules per byte of memory traffic (power.joulesPerByteMemory), NaN = none. */
export const C_POWER_MEMORY: i32 = C_POWER_STATIC + 1;
/** e_flop at each compute precision (PRECISIONS order), NaN = none: power.joulesPerFlop. */
export const C_POWER_FLOP: i32 = C_POWER_MEMORY + 1;
/** e_link, joules per byte over scale-up links (power.joulesPerByteLink), NaN = none (0). */
export const C_POWER_LINK: i32 = C_POWER_FLOP + N_PRECISIONS;
/** The chip's share of host, NIC and switch power (power.nodeOverheadW), 0 when absent: docs/MODEL.md §10. */
export const C_NODE_OVERHEAD: i32 = C_POWER_LINK + 1;
// the experts' η_flop at each compute precision (expertFlopAtPrecision in @ridgeline/hardware, else η_flop)
export const C_EFF_EXPERT_FLOP_BY_PRECISION: i32 = C_NODE_OVERHEAD + 1;
// η_mem of the dense GEMMs' contiguous weight reads (efficiency.weightMemory, else η_mem)
export const C_EFF_WEIGHT_MEMORY: i32 = C_EFF_EXPERT_FLOP_BY_PRECISION + N_PRECISIONS * EFF_STRIDE;
/** The runtime's own bytes outside the weights, activations and KV cache (efficiency.kvCacheBudget.reservedBytes), 0 = none. */
export const C_KV_RESERVED: i32 = C_EFF_WEIGHT_MEMORY + EFF_STRIDE;
export const CHIP_STRIDE: i32 = C_KV_RESERVED + 1;

// ---- model descriptor (f64 slots)
export const M_LAYERS: i32 = 0;
export const M_HIDDEN: i32 = 1;
export const M_HEADS: i32 = 2;
export const M_KV_HEADS: i32 = 3;
export const M_HEAD_DIM: i32 = 4;
export const M_FFN: i32 = 5;
export const M_GATED: i32 = 6;
export const M_VOCAB: i32 = 7;
export const M_TIED: i32 = 8;
export const M_PARALLEL_FFN: i32 = 9;
export const M_HAS_MOE: i32 = 10;
export const M_EXPERTS: i32 = 11;
export const M_ACTIVE_EXPERTS: i32 = 12;
export const M_SHARED_EXPERTS: i32 = 13;
export const M_EXPERT_FFN: i32 = 14;
export const M_DENSE_LAYERS: i32 = 15;
export const M_HAS_MLA: i32 = 16;
export const M_Q_LORA: i32 = 17;
export const M_KV_LORA: i32 = 18;
export const M_QK_NOPE: i32 = 19;
export const M_QK_ROPE: i32 = 20;
export const M_V_HEAD: i32 = 21;
export const M_HAS_WINDOW: i32 = 22;
export const M_WINDOW: i32 = 23;
export const M_WINDOWED_LAYERS: i32 = 24;
export const M_ACTIVE_PARAMS: i32 = 25;
export const M_MTP_MODULES: i32 = 26; // multi-token-prediction modules (0: none)
export const M_KERNELS_DENSE: i32 = 27; // κ_dense: a dense layer's kernels over the reference layer's (layer-overhead.ts)
export const M_KERNELS_MOE: i32 = 28; // κ_moe: an MoE layer's
export const MODEL_STRIDE: i32 = 32;

// ---- axes of a sweep, outermost first; also the slots of an explicit configuration record.
// The kernel caches by level: base (model … two-batch overlap), then speculation and the schedule with the
// parallelism (TP … chips, with R), then the chunk budget, then batch and lengths innermost.
export const A_MODEL: i32 = 0;
export const A_CHIP: i32 = 1;
export const A_WEIGHTS: i32 = 2;
export const A_KV: i32 = 3;
export const A_ACTIVATIONS: i32 = 4;
export const A_ATTENTION_WEIGHTS: i32 = 5; // the attention block's projection weights' precision; NaN: A_WEIGHTS's
export const A_SHARDING: i32 = 6; // 0 heads, 1 batch, 2 dp (data-parallel attention)
export const A_OVERLAP: i32 = 7; // NaN: not given (prefill takes the plugin's, decode 0)
export const A_IMBALANCE: i32 = 8;
export const A_TWO_BATCH: i32 = 9; // two-batch overlap: 0 off, 1 on (base level: it changes every stage)
/** The innermost axis of the base level (setBase runs when it or an outer one changes). */
export const A_LAST_BASE: i32 = A_TWO_BATCH;
export const A_SPECULATIVE: i32 = 10; // index into SPECULATIVE_MODES: 0 none, 1 mtp, 2 draft
export const A_DRAFT_MODEL: i32 = 11; // the draft model's index in the model table; NaN: none
export const A_DRAFT_TOKENS: i32 = 12; // γ, draft tokens per step (read only when speculating)
export const A_ACCEPTANCE: i32 = 13; // a, every draft position's acceptance; NaN in a record with CFG_EXPECTED
export const A_SCHEDULE: i32 = 14; // index into SCHEDULES: 0 continuous, 1 static
export const A_TP: i32 = 15;
export const A_PP: i32 = 16;
export const A_EP: i32 = 17;
export const A_REDUNDANT: i32 = 18; // R, redundant expert slots; NaN: auto, ⌈E/EP⌉·EP − E
export const A_CHIPS: i32 = 19; // chips, or DP when the header says so (a decode worker's with disaggregation)
export const A_PREFILL_WORKERS: i32 = 20; // n_p, disaggregated prefill workers; 0: one engine does both (the next five unused)
export const A_DECODE_WORKERS: i32 = 21; // n_d, decode workers of `chips` each
export const A_PREFILL_CHIP: i32 = 22; // the prefill workers' chip, an index in the chip table; NaN: the decode chip
export const A_PREFILL_TP: i32 = 23; // TP (= chips) of a prefill worker; NaN: the decode worker's TP
export const A_PREFILL_EP: i32 = 24; // EP of a prefill worker; NaN: its TP when the decode worker runs EP > 1, else 1
export const A_PREFILL_ATTENTION: i32 = 25; // 0 heads, 2 dp (A_SHARDING's codes)
/** The innermost axis of the parallelism level (setParallel runs when it or an outer one changes). */
export const A_LAST_PARALLEL: i32 = A_PREFILL_ATTENTION;
export const A_CHUNK: i32 = 26; // chunkTokens: the iteration's token budget C (and the prefill workspace)
export const A_BATCH: i32 = 27;
export const A_INPUT: i32 = 28;
export const A_OUTPUT: i32 = 29;
export const N_AXES: i32 = 30;
/** Explicit configuration record: the 30 axis values, a price override (NaN = the chip's), then E. */
export const CFG_PRICE: i32 = 30;
/** E, tokens per speculative step, computed by the host from a list of acceptances; NaN = from γ and A_ACCEPTANCE. */
export const CFG_EXPECTED: i32 = 31;
/** The configuration's PUE (InferenceConfig.pue, else DEFAULT_PUE); a sweep's is the header's H_PUE. */
export const CFG_PUE: i32 = 32;
/** K, the engine's cap on requests in flight (InferenceConfig.maxBatch); NaN = none. Sweeps have none. */
export const CFG_MAX_BATCH: i32 = 33;
/** N, the iterations a prompt waits at most for every attention rank's (InferenceConfig.contextBalance); NaN = none. Sweeps have none. */
export const CFG_CONTEXT_BALANCE: i32 = 34;
/** N, the iterations between the scheduler's intakes of new requests (InferenceConfig.receiveInterval); NaN = not modelled. Sweeps have none. */
export const CFG_RECEIVE_INTERVAL: i32 = 35;
export const CONFIG_STRIDE: i32 = 36;

// ---- outputs of one configuration (f64 slots)
export const O_FEASIBLE: i32 = 0;
export const O_REASON: i32 = 1; // index into INFEASIBLE_REASONS, -1 when feasible
export const O_TTFT: i32 = 2;
export const O_TPOT: i32 = 3;
export const O_REQUEST_LATENCY: i32 = 4;
export const O_TOKENS_PER_S: i32 = 5;
export const O_TOKENS_PER_S_PER_CHIP: i32 = 6;
export const O_TOKENS_PER_S_PER_USER: i32 = 7;
export const O_PREFILL_TOKENS_PER_S: i32 = 8;
export const O_COST_PER_M: i32 = 9;
export const O_COST_PER_M_INPUT: i32 = 10;
export const O_POWER: i32 = 11;
export const O_ENERGY_PER_TOKEN: i32 = 12;
export const O_MFU_PREFILL: i32 = 13;
export const O_MFU_DECODE: i32 = 14;
export const O_MBU_PREFILL: i32 = 15;
export const O_MBU_DECODE: i32 = 16;
export const O_BOUND_PREFILL: i32 = 17; // 0 compute, 1 memory, 2 network; NaN when infeasible
export const O_BOUND_DECODE: i32 = 18;
export const O_MEM_WEIGHTS: i32 = 19;
export const O_MEM_KV: i32 = 20;
export const O_MEM_ACTIVATIONS: i32 = 21;
export const O_MEM_TOTAL: i32 = 22;
export const O_MEM_CAPACITY: i32 = 23;
export const O_MIN_CHIPS: i32 = 24; // NaN = none fits (or not computed)
export const O_PREFILL_COMPUTE: i32 = 25;
export const O_PREFILL_MEMORY: i32 = 26;
export const O_PREFILL_NETWORK: i32 = 27;
export const O_PREFILL_OVERHEAD: i32 = 28;
export const O_DECODE_COMPUTE: i32 = 29;
export const O_DECODE_MEMORY: i32 = 30;
export const O_DECODE_NETWORK: i32 = 31;
export const O_DECODE_OVERHEAD: i32 = 32;
export const O_INPUT_TOKENS_PER_S_PER_CHIP: i32 = 33;
export const O_TOTAL_TOKENS_PER_S_PER_CHIP: i32 = 34;
export const O_PREFILL_IDLE_SHARE: i32 = 35; // disaggregated only (NaN otherwise)
export const O_DECODE_IDLE_SHARE: i32 = 36;
export const O_KV_TRANSFER_S: i32 = 37;
export const O_DISAGGREGATION_BOUND: i32 = 38; // 0 prefill, 1 decode, 2 kv-transfer
// result.energy (power.ts energyFigures): node and facility figures, PUE from the image or record
export const O_NODE_J_PER_TOKEN: i32 = 39;
export const O_FACILITY_J_PER_TOKEN: i32 = 40;
export const O_FACILITY_W: i32 = 41;
export const O_PROVISIONED_FACILITY_W: i32 = 42;
export const O_TOKENS_PER_S_PER_MW: i32 = 43; // output tokens/s per provisioned MW
export const N_OUT: i32 = 44;

// ---- infeasibility reasons: the order of INFEASIBLE_REASONS in @ridgeline/model
export const R_CAPACITY: i32 = 0;
export const R_TP_DIVIDES_HEADS: i32 = 1;
export const R_PP_DIVIDES_LAYERS: i32 = 2;
export const R_EP_DIVIDES_EXPERTS: i32 = 3;
export const R_EP_LAYOUT: i32 = 4;
export const R_CHIPS_DIVIDE_PARALLELISM: i32 = 5;
export const R_PRECISION_UNSUPPORTED: i32 = 6;
export const R_BATCH_DIVIDES: i32 = 7; // training only
export const R_CP_DIVIDES_SEQUENCE: i32 = 8; // training only
export const R_INTERLEAVE_NEEDS_PIPELINE: i32 = 9; // training only
export const R_SPECULATIVE_UNSUPPORTED: i32 = 10; // inference only
export const N_REASONS: i32 = 11;

// ---- setup image header (f64 slots); axis values, models, chips, histogram specs and filters follow
export const H_VERSION: i32 = 0;
export const H_MODELS: i32 = 1;
export const H_CHIPS: i32 = 2;
export const H_DP_MODE: i32 = 3; // 1: the A_CHIPS axis holds DP, chips = TP·PP·DP
export const H_MIN_CHIPS: i32 = 4; // 1: compute minChipsToFit for capacity-infeasible configurations
export const H_PARETO_N: i32 = 5; // 0, 2 or 3 objectives
export const H_PARETO_SLOT: i32 = 6; // 3 slots
export const H_PARETO_SIGN: i32 = 9; // 3 slots: +1 minimise, -1 maximise
export const H_TOP_K: i32 = 12;
export const H_TOP_SLOT: i32 = 13;
export const H_TOP_SIGN: i32 = 14;
export const H_HISTOGRAMS: i32 = 15;
export const H_AXIS_LENGTHS: i32 = 16; // N_AXES slots (T_N_AXES for a training sweep)
export const H_MODE: i32 = 47; // 0 inference, 1 training
export const H_WHERE: i32 = 48; // filters after the histogram specs, WHERE_STRIDE slots each
// 0 none, +1 model, +2 chip. The host splits sweeps at group boundaries; the kernel never reads it,
// it is here so that the fingerprint (a hash of the image) tells grouped and ungrouped runs apart.
export const H_GROUP_BY: i32 = 49;
// Axes given per model: 0 none, else the image slot of the per-model blocks (after the filters).
// One block per value of the model axis: N_AXES lengths, then the values of every axis but the
// model's; a model's configurations are the product of its block's lengths (the model's own 1),
// and the models' index ranges follow each other in the model axis' order.
export const H_PER_MODEL: i32 = 50;
/** The sweep's PUE (facility ÷ IT power), for the node and facility outputs: docs/MODEL.md §10. */
export const H_PUE: i32 = 51;
export const MAX_AXES: i32 = 31;
export const HEADER_SLOTS: i32 = 52;
export const IMAGE_VERSION: i32 = 16;
/** A filter: output slot, min, max (inclusive; ±Infinity where a bound is absent). */
export const WHERE_STRIDE: i32 = 3;

// ---- packed reducer state: counts, then histograms, then top-k, then the Pareto frontier
export const S_EVALUATED: i32 = 0;
export const S_FEASIBLE: i32 = 1;
export const S_REASONS: i32 = 2; // N_REASONS slots
export const S_BOUND_PREFILL: i32 = S_REASONS + N_REASONS; // 3 slots
export const S_BOUND_DECODE: i32 = S_BOUND_PREFILL + 3; // 3 slots
export const S_MATCHED: i32 = S_BOUND_DECODE + 3; // feasible and meeting every filter
export const S_COUNTS: i32 = S_MATCHED + 1;
/** A Pareto entry: three keys (sign·value; unused keys 0) and the configuration index. */
export const PARETO_STRIDE: i32 = 4;
/** A top-k entry: key (sign·value), the configuration index and the digest of its outputs. */
export const TOP_STRIDE: i32 = 3;

// ---- training (estimateTraining): an explicit training configuration record (f64 slots)
export const T_MODEL: i32 = 0;
export const T_CHIP: i32 = 1;
export const T_PRECISION: i32 = 2;
export const T_ZERO: i32 = 3;
export const T_RECOMPUTE: i32 = 4; // 0 none, 1 selective, 2 full
export const T_SEQ_PARALLEL: i32 = 5; // 0/1; NaN: the default (TP > 1)
export const T_OVERLAP: i32 = 6; // NaN: the chip's, else 0
export const T_OPTIMIZER_BYTES: i32 = 7;
export const T_TP: i32 = 8;
export const T_PP: i32 = 9;
export const T_CP: i32 = 10;
export const T_EP: i32 = 11;
export const T_DP: i32 = 12;
export const T_CHIPS: i32 = 13;
export const T_SEQUENCE: i32 = 14;
export const T_GLOBAL_BATCH: i32 = 15;
export const T_MICRO_BATCH: i32 = 16;
export const T_VIRTUAL_STAGES: i32 = 17;
export const T_TOTAL_TOKENS: i32 = 18;
export const T_PRICE: i32 = 19; // NaN: the chip's
export const TRAIN_CONFIG_STRIDE: i32 = 20;
/** A training sweep has an axis for each of the record's slots 0…18 (all but the price). */
export const T_N_AXES: i32 = 19;

// ---- a training sweep's axes, outermost first (src/training.ts TRAINING_SWEEP_AXES): first what
// the forward pass of one micro-batch depends on, then the replicas, the step, activation memory,
// and last what only changes the arithmetic after it. The kernel caches each level's work.
export const TS_MODEL: i32 = 0;
export const TS_CHIP: i32 = 1;
export const TS_PRECISION: i32 = 2;
export const TS_OVERLAP: i32 = 3;
export const TS_TP: i32 = 4;
export const TS_PP: i32 = 5;
export const TS_EP: i32 = 6;
export const TS_CP: i32 = 7;
export const TS_SEQUENCE: i32 = 8;
export const TS_MICRO_BATCH: i32 = 9;
export const TS_DP: i32 = 10;
export const TS_CHIPS: i32 = 11;
export const TS_GLOBAL_BATCH: i32 = 12;
export const TS_VIRTUAL_STAGES: i32 = 13;
export const TS_SEQ_PARALLEL: i32 = 14;
export const TS_RECOMPUTE: i32 = 15;
export const TS_ZERO: i32 = 16;
export const TS_OPTIMIZER_BYTES: i32 = 17;
export const TS_TOTAL_TOKENS: i32 = 18;

// ---- outputs of one training configuration (f64 slots)
export const TO_FEASIBLE: i32 = 0;
export const TO_REASON: i32 = 1;
export const TO_STEP_TIME: i32 = 2;
export const TO_TOKENS_PER_S: i32 = 3;
export const TO_TOKENS_PER_S_PER_CHIP: i32 = 4;
export const TO_MFU: i32 = 5;
export const TO_MFU_ATTENTION: i32 = 6;
export const TO_HFU: i32 = 7;
export const TO_BUBBLE: i32 = 8;
export const TO_DATA_PARALLEL: i32 = 9;
export const TO_MICRO_BATCHES: i32 = 10;
export const TO_STEPS: i32 = 11;
export const TO_TOTAL_TIME: i32 = 12;
export const TO_CHIP_HOURS: i32 = 13;
export const TO_COST: i32 = 14;
export const TO_POWER: i32 = 15;
export const TO_ENERGY: i32 = 16;
export const TO_BOUND: i32 = 17; // 0 compute, 1 memory, 2 network; NaN when infeasible (same slot as O_BOUND_PREFILL)
export const TO_BOUND_COPY: i32 = 18; // the same (same slot as O_BOUND_DECODE, so the bound counters work unchanged)
export const TO_MEM_WEIGHTS: i32 = 19;
export const TO_MEM_GRADIENTS: i32 = 20;
export const TO_MEM_OPTIMIZER: i32 = 21;
export const TO_MEM_ACTIVATIONS: i32 = 22;
export const TO_MEM_TOTAL: i32 = 23;
export const TO_MEM_CAPACITY: i32 = 24;
export const TO_MB_COMPUTE: i32 = 25;
export const TO_MB_MEMORY: i32 = 26;
export const TO_MB_NETWORK: i32 = 27;
export const TO_MB_OVERHEAD: i32 = 28;
export const N_TRAIN_OUT: i32 = 29; // ≤ N_OUT: training outputs share the reducers' output buffer

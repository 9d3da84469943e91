import type { CalibrationStatus, ChipSpec, KvCacheBudget, Precision } from '@ridgeline/hardware';
import type { EnergyFigures } from './power.ts';

/**
 * A transformer's architecture, in MODEL.md §1.1 symbols (named out in full here).
 * Parameter counts are derived from these fields; `published` states the total the authors
 * give so tests can check the derivation.
 */
export interface ModelSpec {
  /** Stable kebab-case id, e.g. `llama-3.1-70b`. */
  readonly id: string;
  readonly name: string;
  /** L: transformer layers. */
  readonly layers: number;
  /** d: hidden size (d_model). */
  readonly hiddenSize: number;
  /** h: query heads. */
  readonly heads: number;
  /** h_kv: key/value heads (GQA: < h; MQA: 1). */
  readonly kvHeads: number;
  /** d_h: head dimension, from the config (not always d/h). */
  readonly headDim: number;
  /** f: dense FFN hidden size (for MoE models, that of the leading dense layers). */
  readonly ffnHiddenSize: number;
  /** SwiGLU/GeGLU (3 matrices) rather than a plain 2-matrix MLP. */
  readonly gatedFfn: boolean;
  /** V: vocabulary size. */
  readonly vocabSize: number;
  /** Input and output embeddings share one matrix. */
  readonly tiedEmbeddings: boolean;
  /** Attention and FFN read the same layer input (PaLM, GPT-J): one TP all-reduce per layer instead of two. */
  readonly parallelAttentionFfn?: boolean;
  readonly moe?: MoeSpec;
  readonly mla?: MlaSpec;
  readonly slidingWindow?: SlidingWindowSpec;
  /**
   * Multi-token-prediction modules shipped with the weights (DeepSeek-V3: 1, `num_nextn_predict_layers`):
   * each is one more transformer layer (of the MoE kind) plus a 2d→d projection, sharing the
   * embedding and LM head. Speculative decoding with `mode: 'mtp'` drafts with them (docs/MODEL.md §7).
   */
  readonly mtpModules?: number;
  /** The authors' published parameter totals. */
  readonly published?: PublishedParams;
  /** Where the architecture numbers come from (config.json, paper table). */
  readonly source: string;
}

export interface MoeSpec {
  /** E: routed experts per MoE layer. */
  readonly experts: number;
  /** k: routed experts active per token. */
  readonly activeExperts: number;
  /** E_s: shared experts (always active). */
  readonly sharedExperts: number;
  /** f_e: expert FFN hidden size (experts are gated, 3 matrices). */
  readonly expertHiddenSize: number;
  /** L_dense: leading layers with a dense FFN of size `ffnHiddenSize` instead of experts. */
  readonly denseLayers: number;
}

/** Multi-head latent attention (DeepSeek-V2/V3). */
export interface MlaSpec {
  /** r_q: query LoRA rank, 0 for none. */
  readonly qLoraRank: number;
  /** r_kv: KV LoRA rank (the latent cached per token). */
  readonly kvLoraRank: number;
  /** d_nope: non-rotary query/key head dim. */
  readonly qkNopeHeadDim: number;
  /** d_rope: rotary query/key head dim (the rotary key is shared across heads and cached). */
  readonly qkRopeHeadDim: number;
  /** d_v: value head dim. */
  readonly vHeadDim: number;
}

export interface SlidingWindowSpec {
  /** w: attention window in tokens. */
  readonly windowTokens: number;
  /** How many of the L layers use the window; the others attend to the full context. */
  readonly windowedLayers: number;
}

export interface PublishedParams {
  readonly totalParams: number;
  /** For MoE models: parameters active per token. */
  readonly activeParams?: number;
  readonly source: string;
}

/** Weight, KV-cache and activation/compute precisions (MODEL.md §1.2). */
export interface PrecisionConfig {
  readonly weights: Precision;
  readonly kvCache: Precision;
  readonly activations: Precision;
  /**
   * The attention block's projection weights (Q/K/V, output) where they differ from `weights`:
   * FP4 checkpoints quantise the FFN and experts and keep some of attention wider (NVIDIA's
   * DeepSeek-R1 FP4 v2 "additionally quantizes the wo module in attention layers" over v1, which
   * left it wider). The attention block computes at the wider of these and the activations (MODEL.md §1.2).
   * Absent: `weights`.
   */
  readonly attentionWeights?: Precision;
}

/** Parallelism of one deployment (MODEL.md §1.3). DP is derived: chips / (tp·pp). */
export interface ParallelismConfig {
  readonly tp: number;
  readonly pp: number;
  readonly ep: number;
}

/** One inference configuration: a model on chips serving a workload. */
export interface InferenceConfig {
  readonly model: ModelSpec;
  readonly chip: ChipSpec;
  /** N: total chips. Must be a multiple of tp·pp; the quotient is DP (replicas). */
  readonly chips: number;
  readonly parallelism: ParallelismConfig;
  /** B: concurrent sequences per replica. */
  readonly batch: number;
  /**
   * K: the most requests the engine holds in flight per replica (or per decode worker when
   * disaggregated): TensorRT-LLM's `max_batch_size`, SGLang's `--max-running-requests`, vLLM's
   * `--max-num-seqs`. With B above it, K run and B − K wait for a slot (docs/MODEL.md §6, "Engine
   * cap"): the figures are the engine's at K in flight, and the wait adds to TTFT and request
   * latency. With a cap the engine also admits only the requests its memory holds: when K requests'
   * KV cache does not fit, the most that do run and the rest wait the same way (`serving.admission`).
   * An integer from 1 to WORKLOAD_LIMITS.batch; continuous schedule only. Default: no cap (B in
   * flight, and a B that does not fit is infeasible: `capacity`).
   */
  readonly maxBatch?: number;
  /**
   * Prompts started on every attention rank together (docs/MODEL.md §6, "Context balance"): with
   * data-parallel attention, a serving engine that holds a prompt until each attention rank has one,
   * or until `timeoutIterations` iterations have passed, so that no rank's prompt stalls the other
   * ranks' decode (TensorRT-LLM's `attention_dp_config` with `enable_balance: true` and
   * `timeout_iters`). The prompts then prefill in iterations of up to TP at a time and wait for each
   * other first. An integer from 0 to WORKLOAD_LIMITS.contextBalanceIterations; continuous
   * schedule, data-parallel attention, one engine (not disaggregated). Default: none (each prompt
   * starts alone, spread over the ranks).
   */
  readonly contextBalance?: { readonly timeoutIterations: number };
  /**
   * N, the iterations between the scheduler's intakes of new requests (docs/MODEL.md §6, "Receive
   * interval"): SGLang's `--scheduler-recv-interval`, which polls for requests every N iterations
   * of its loop. An arriving request waits for the next intake, N/2 mean iterations on average, in
   * TTFT and the request latency. An integer from 1 to WORKLOAD_LIMITS.receiveInterval; continuous
   * schedule, one engine (not disaggregated). Default: not modelled (a request starts at once; 1
   * would add the wait for the iteration in progress, half an iteration).
   */
  readonly receiveInterval?: number;
  /** S_in: prompt tokens per sequence. */
  readonly inputTokens: number;
  /** S_out: generated tokens per sequence. */
  readonly outputTokens: number;
  readonly precision: PrecisionConfig;
  /**
   * Fraction of communication hidden behind compute, [0, 1], in both phases. Default: the chip's
   * `efficiency.commOverlap` in prefill and 0 in decode, where collectives are on the critical path (MODEL.md §3).
   */
  readonly commOverlap?: number;
  /**
   * Factor ≥ 1 on the busiest expert shard's routed tokens when EP > 1; default
   * `DEFAULT_MOE_IMBALANCE` (1.11, measured after expert load balancing; MODEL.md §4, MoE).
   */
  readonly moeImbalance?: number;
  /**
   * R: redundant expert slots (copies of hot experts, as EPLB places them), an integer ≥ 0 and at
   * most E·(EP − 1). Each chip holds ⌈(E + R)/EP⌉ experts, so EP need not divide E. Default: fill
   * the slots, R = ⌈E/EP⌉·EP − E (0 when EP divides E).
   */
  readonly redundantExperts?: number;
  /** Overrides the chip's list price, USD per chip-hour. */
  readonly usdPerChipHour?: number;
  /** Power usage effectiveness of the facility, ≥ 1: facility power ÷ IT power. Default DEFAULT_PUE, 1.2 (docs/MODEL.md §10). */
  readonly pue?: number;
  /**
   * How attention and the KV cache are split over the TP chips. `heads` (default, MODEL.md
   * §1.3): by KV head, replicated when TP > h_kv. `batch`: decode attention by sequence, each chip
   * holding all KV heads of B/TP sequences, with two all-to-alls per layer to move queries and
   * contexts (Pope et al. 2022 §3.3, "multiquery attention sharded over batch"); prefill stays over
   * heads and the weights stay sharded. `dp`: data-parallel attention (SGLang's
   * `--enable-dp-attention`, TensorRT-LLM's `enable_attention_dp`): each chip runs the whole
   * attention block, weights replicated, for its own sequences (the busiest ⌈B/TP⌉) with its own
   * KV cache, in prefill and decode; dense FFN layers, shared experts and the LM head stay sharded
   * over the TP chips, between an all-gather and a reduce-scatter; experts run over EP. TP need not
   * divide the heads.
   */
  readonly attentionSharding?: AttentionSharding;
  /**
   * How requests share the replica (docs/MODEL.md §6). `continuous` (default): continuous batching
   * with chunked prefill, B requests in flight, each iteration running the decode tokens and up to
   * `chunkTokens` in all with prompt chunks; throughput by Little's law. `static`: the B prompts
   * prefilled together, then decoded together (paper-style static batches; throughput counts decode only).
   */
  readonly schedule?: Schedule;
  /** C: tokens per iteration (decode + prompt chunk), and the prefill chunk of the memory workspace; default 8192. */
  readonly chunkTokens?: number;
  /** Speculative decoding (docs/MODEL.md §7); default none. */
  readonly speculative?: SpeculativeConfig;
  /**
   * Two-batch overlap (SGLang's `--enable-two-batch-overlap`, DeepSeek's dual micro-batch overlap):
   * each stage's tokens run as two micro-batches, so one's all-to-alls and other collectives hide
   * behind the other's operators (overlap 1, still capped by their time), at the price of reading
   * the weights twice and launching every layer twice (MODEL.md §3). Default false.
   */
  readonly twoBatchOverlap?: boolean;
  /**
   * Disaggregated prefill and decode (docs/MODEL.md §8): prefill workers feed decode workers over
   * the interconnect. With it, `chip`, `chips`, `parallelism` and `attentionSharding` describe one
   * decode worker (`chips` = TP·PP, one replica), `batch` is the requests in flight per decode worker,
   * and the schedule is continuous. Default: none, one engine does both.
   */
  readonly disaggregation?: DisaggregationConfig;
}

/** The most workers of either pool (`prefillWorkers`, `decodeWorkers`). */
export const MAX_WORKERS = 65_536;

/** Disaggregated prefill and decode (docs/MODEL.md §8). */
export interface DisaggregationConfig {
  /** n_p: prefill workers, 1 to MAX_WORKERS. */
  readonly prefillWorkers: number;
  /** n_d: decode workers, 1 to MAX_WORKERS, each one replica of the configuration's `chips`. */
  readonly decodeWorkers: number;
  /** TP over one prefill worker's chips, which number TP (no PP). Default: the decode worker's TP. */
  readonly prefillTp?: number;
  /** EP of a prefill worker. Default: its TP when the decode worker runs EP > 1, else 1. */
  readonly prefillEp?: number;
  /** `heads` or `dp` in a prefill worker. Default: `heads`. */
  readonly prefillAttention?: 'heads' | 'dp';
  /** The prefill workers' chip (a mixed fleet). Default: the decode workers' chip. */
  readonly prefillChip?: ChipSpec;
}

/** What limits a disaggregated deployment's request rate (docs/MODEL.md §8). */
export const DISAGGREGATION_BOUNDS = ['prefill', 'decode', 'kv-transfer'] as const;
export type DisaggregationBound = (typeof DISAGGREGATION_BOUNDS)[number];

/** A disaggregated deployment's two pools in the closed loop (docs/MODEL.md §8). */
export interface DisaggregationState {
  readonly prefillChip: string;
  readonly prefillWorkers: number;
  readonly decodeWorkers: number;
  /** n_p · W_p chips prefilling. */
  readonly prefillChips: number;
  /** n_d · W_d chips decoding. */
  readonly decodeChips: number;
  readonly prefillParallelism: { readonly tp: number; readonly ep: number; readonly attention: 'heads' | 'dp' };
  /** λ: requests per second of the whole deployment. */
  readonly requestsPerS: number;
  /** The pool or link that sets λ. */
  readonly bound: DisaggregationBound;
  /**
   * 1 − λ/λ_prefill: the prefill pool's spare capacity, the share of its full-budget rate unused.
   * Below capacity its iterations run fewer prompts than a full budget's (`promptsPerPrefillIteration`),
   * so it is busy somewhat more of the time than 1 − this (`prefillBusyShare`; docs/MODEL.md §8).
   */
  readonly prefillIdleShare: number;
  /**
   * The share of time a prefill worker runs an iteration, r·T(m)/m with r = λ/n_p (λ/λ_p for a prompt
   * longer than the budget); 1 at the capacity. Its power draws on it (docs/MODEL.md §10).
   */
  readonly prefillBusyShare: number;
  /** 1 − λ/λ_decode: the decode workers' spare share (they run below their batch). */
  readonly decodeIdleShare: number;
  /** T_p: one prefill iteration of C prompt tokens, seconds (what sets the prefill pool's capacity). */
  readonly prefillIterationS: number;
  /**
   * m: the prompts one prefill iteration runs at this load (docs/MODEL.md §8, "Prefill
   * iterations"): those arriving while one runs, from 1 (a lone prompt) to C/S_in (the budget
   * full); C/S_in, below 1, when a prompt spans several iterations.
   */
  readonly promptsPerPrefillIteration: number;
  /** The prefill a prompt sees, seconds: its iteration of m prompts, or its ⌈S_in/C⌉ full ones (part of TTFT). */
  readonly promptPrefillS: number;
  /**
   * The iterations a lone prompt takes on its attention rank, ⌈S_in/c⌉ with c the rank's share of
   * the budget (C/W_p with data-parallel attention, else C; docs/MODEL.md §8): 1 when it fits one,
   * and 1 for a prompt longer than the whole budget (its ⌈S_in/C⌉ full iterations instead).
   */
  readonly lonePromptIterations: number;
  /** One request's KV cache moved from its prefill to its decode worker, bytes. */
  readonly kvTransferBytes: number;
  /** Seconds to move it (part of TTFT). */
  readonly kvTransferS: number;
  /** The link it moves over: one scale-up domain holds both pools, or scale-out. */
  readonly kvLink: 'scale-up' | 'scale-out';
  /** The prefill worker's fullest chip. */
  readonly prefillMemoryPerChipBytes: MemoryBreakdown;
  /** Assumptions a reader should know (an estimated link figure). */
  readonly notes: readonly string[];
}

/** Speculative decoding modes, in the order the engine codes them. */
export const SPECULATIVE_MODES = ['none', 'mtp', 'draft'] as const;
/**
 * One of `SPECULATIVE_MODES`: `none`; `mtp`, drafting with the model's own multi-token-prediction
 * modules (`ModelSpec.mtpModules`); `draft`, drafting with a separate small model (`draftModel`).
 */
export type SpeculativeMode = (typeof SPECULATIVE_MODES)[number];

/** The most draft tokens per step accepted (serving stacks use 1 to ~8). */
export const MAX_DRAFT_TOKENS = 16;

/**
 * Speculative decoding (docs/MODEL.md §7): each step drafts γ tokens in γ sequential draft passes,
 * then verifies them (γ + 1 tokens per sequence) in one pass of the model; a sequence advances
 * E = 1 + a₁ + a₁a₂ + … + a₁⋯a_γ tokens per step on average.
 */
export interface SpeculativeConfig {
  readonly mode: SpeculativeMode;
  /** γ: draft tokens per step, 1 to MAX_DRAFT_TOKENS. Default: the length of an `acceptance` list, else 1. */
  readonly draftTokens?: number;
  /**
   * a_i: the probability that draft token i is accepted given the ones before it were, in [0, 1]:
   * one value for every position, or one per position (γ values). Default for `mtp`: 0.85, the
   * low end of DeepSeek-V3's reported second-token acceptance; `draft` requires it.
   */
  readonly acceptance?: number | readonly number[];
  /** The draft model (`mode: 'draft'`). It runs on the replica's TP chips, unpipelined, at the replica's precisions. */
  readonly draftModel?: ModelSpec;
}

export type AttentionSharding = 'heads' | 'batch' | 'dp';

/** Serving schedules, in the order the engine codes them. */
export const SCHEDULES = ['continuous', 'static'] as const;
export type Schedule = (typeof SCHEDULES)[number];

/** What limited a phase: the largest of its summed compute-, memory- and network-bound time. */
export type Bound = 'compute' | 'memory' | 'network';

/** Reason codes for `feasible: false` (MODEL.md §5). */
export const INFEASIBLE_REASONS = [
  'capacity',
  'tp_divides_heads',
  'pp_divides_layers',
  'ep_divides_experts',
  'ep_layout',
  'chips_divide_parallelism',
  'precision_unsupported',
  'batch_divides',
  'cp_divides_sequence',
  'interleave_needs_pipeline',
  'speculative_unsupported',
] as const;
export type InfeasibleReason = (typeof INFEASIBLE_REASONS)[number];

/** Time, work and traffic of one operator on one chip (MODEL.md §2). */
export interface OperatorCost {
  /** `qkv_proj`, `attention`, `out_proj`, `ffn`, `router`, `experts`, `shared_experts`, `lm_head`. */
  readonly name: string;
  /** W: FLOPs on one chip for the whole phase step (all layers of the slowest stage). */
  readonly flops: number;
  /** Q: bytes moved to/from memory on one chip. */
  readonly bytes: number;
  /** W / Q, FLOP/byte. */
  readonly arithmeticIntensity: number;
  /** max(W/(F·η_flop), Q/(BW·η_mem)), seconds. */
  readonly timeS: number;
  readonly bound: 'compute' | 'memory';
}

/** One phase (prefill or a decode step) of the slowest pipeline stage. */
export interface PhaseCost {
  /** Wall-clock time of the phase: TTFT for prefill, TPOT for decode, seconds. */
  readonly timeS: number;
  readonly computeBoundS: number;
  readonly memoryBoundS: number;
  /** The stage's collectives before any overlap, seconds. */
  readonly commS: number;
  /** Communication not hidden behind compute: max(0, commS − overlap · (computeBoundS + memoryBoundS)). */
  readonly networkS: number;
  /** Per-layer fixed overheads (t_layer). */
  readonly overheadS: number;
  readonly bound: Bound;
  readonly operators: readonly OperatorCost[];
  /** Model FLOP utilisation: 2·N_active·tokens/s ÷ (chips·F(p)), attention excluded. */
  readonly mfu: number;
  /** Memory bandwidth utilisation: bytes/s ÷ peak bandwidth, per chip. */
  readonly mbu: number;
}

/** Per-chip memory of the fullest chip, bytes. */
export interface MemoryBreakdown {
  readonly weights: number;
  readonly kvCache: number;
  readonly activations: number;
  readonly total: number;
  /** What the weights, KV cache and activations may fill (`memoryCapacityFor`): M · usableFraction, or the serving stack's KV cache budget over the weights and activations. */
  readonly capacity: number;
}

/**
 * The estimate of one inference configuration: `FeasibleInferenceResult` with every figure, or
 * `InfeasibleInferenceResult` with the reason and no figures. Narrow on `feasible` before reading
 * a figure.
 *
 * @example
 * const r = estimateInference(config);
 * if (r.feasible) r.tpotS; else r.reason; // 'capacity', …
 */
export type InferenceResult = FeasibleInferenceResult | InfeasibleInferenceResult;

/**
 * A configuration that breaks a rule (MODEL.md §1.3) or does not fit in memory. It carries no
 * figures and no bound: nothing ran, so nothing limited it.
 */
export interface InfeasibleInferenceResult {
  readonly feasible: false;
  readonly reason: InfeasibleReason;
  /** One sentence a person can act on: what is wrong and, where known, what would fit. */
  readonly explanation: string;
  /** For `capacity`: the smallest chip count (TP·PP, DP 1) whose memory holds the configuration. */
  readonly minChipsToFit: number | null;
  /** For `capacity`: that smallest layout of one replica, or null (other reasons, or none fits). */
  readonly layoutToFit: { readonly tp: number; readonly pp: number } | null;
  readonly schedule: Schedule;
  /**
   * For `capacity`: the fullest chip's memory (a decode worker's when disaggregated; the explanation
   * names a prefill worker that does not fit); null when a rule broke before memory was counted.
   */
  readonly memoryPerChipBytes: MemoryBreakdown | null;
  readonly inputs: ResolvedInputs;
}

/** A configuration that runs, with every figure. */
export interface FeasibleInferenceResult {
  readonly feasible: true;
  readonly reason: null;
  /** One sentence a person can act on: what limits the configuration. */
  readonly explanation: string;
  readonly minChipsToFit: null;
  /** The schedule the figures are for. */
  readonly schedule: Schedule;
  /** Time to first token, seconds (continuous: the prompt's chunks plus any queueing). */
  readonly ttftS: number;
  /** Time per output token after the first, seconds (continuous: the steady-state iteration). */
  readonly tpotS: number;
  /** Time for one request: TTFT + (S_out − 1)·TPOT. */
  readonly requestLatencyS: number;
  /**
   * Output tokens/s of all replicas. Continuous: by Little's law, DP·B·S_out / requestLatencyS.
   * Static: decode only, DP·B / TPOT.
   */
  readonly tokensPerS: number;
  /** tokensPerS ÷ chips. */
  readonly tokensPerSPerChip: number;
  /** Output tokens/s one user sees while decoding: 1 / TPOT. */
  readonly tokensPerSPerUser: number;
  /** Prompt tokens/s per chip: DP·B·S_in / requestLatencyS ÷ chips (both schedules). */
  readonly inputTokensPerSPerChip: number;
  /** inputTokensPerSPerChip + tokensPerSPerChip: InferenceX's "throughput per GPU". */
  readonly totalTokensPerSPerChip: number;
  /** Prompt tokens/s of all replicas. Continuous: DP·B·S_in / requestLatencyS. Static: DP·B·S_in / TTFT. */
  readonly prefillTokensPerS: number;
  /** The steady state of a continuous schedule (docs/MODEL.md §6); null for static. */
  readonly serving: ServingState | null;
  /** The two pools of a disaggregated deployment (docs/MODEL.md §8); null otherwise. */
  readonly disaggregation: DisaggregationState | null;
  readonly mfu: { readonly prefill: number; readonly decode: number };
  readonly mbu: { readonly prefill: number; readonly decode: number };
  readonly bound: { readonly prefill: Bound; readonly decode: Bound };
  readonly memoryPerChipBytes: MemoryBreakdown;
  /**
   * USD per million output tokens: N·price/3600 / tokensPerS · 1e6. Continuous: all-in (the prefill
   * is paid by the output tokens too); static: decode time only.
   */
  readonly costPerMillionTokensUsd: number;
  /**
   * USD per million prompt tokens. Continuous: the prompt tokens' share of the iteration's tokens,
   * of the fleet's cost, per input token; static: the fleet's cost over prefill throughput.
   */
  readonly costPerMillionInputTokensUsd: number;
  /** Average chip power (continuous: the iteration; static: decode), watts: the component model of docs/MODEL.md §10, or P_idle + (P_max − P_idle)·u for a chip without it. */
  readonly powerPerChipW: number;
  /**
   * Joules per output token. Continuous: all-in, N_replica·P·requestLatencyS / (B·S_out); static:
   * decode only, N_replica·P·TPOT / B.
   */
  readonly energyPerTokenJ: number;
  /** Chip, node and facility power and energy, provisioned power and tokens per provisioned MW (docs/MODEL.md §10). */
  readonly energy: EnergyFigures;
  readonly prefill: PhaseCost;
  readonly decode: PhaseCost;
  readonly inputs: ResolvedInputs;
}

/**
 * The steady state of continuous batching (docs/MODEL.md §6): what one iteration runs and how a
 * prompt gets through.
 */
export interface ServingState {
  /** C: the token budget of one iteration. */
  readonly chunkTokens: number;
  /**
   * D: sequences decoding in each iteration (past their first token): one decode token each, or
   * γ + 1 verified tokens each under speculative decoding.
   */
  readonly decodeTokens: number;
  /** P: prompt tokens per iteration. */
  readonly promptTokens: number;
  /** k: iterations a prompt takes, ⌈S_in / (C − D)⌉ (when the budget binds, ⌈(S_in + n)/C⌉). */
  readonly chunksPerPrompt: number;
  /** Whether the budget binds (P = C − D): prompts then queue, and TTFT grows with B. */
  readonly budgetBinds: boolean;
  /** λ: requests per second per replica. */
  readonly requestsPerS: number;
  /**
   * Seconds a request waits before its first chunk: for the scheduler's next intake (receive
   * interval), for budget when the budget binds, for the other ranks' prompts under context balance,
   * for a slot above the engine's cap; else 0.
   */
  readonly queueingS: number;
  /**
   * Under context balance (`InferenceConfig.contextBalance`): m, the prompts one prefill iteration
   * starts together (one per attention rank at most), and the mean seconds a prompt waits for
   * them. null without it, or when prompts do not arrive one at a time (the budget binds, or more
   * than a chunk of prompt tokens comes per iteration).
   */
  readonly contextBalance: { readonly promptsPerIteration: number; readonly waitS: number } | null;
  /**
   * Under a receive interval (`InferenceConfig.receiveInterval`): the iterations between the
   * scheduler's intakes, min(N, 1/s), and the mean seconds an arrival waits for one. null without.
   */
  readonly intake: { readonly iterations: number; readonly waitS: number } | null;
  /**
   * With an engine cap (`InferenceConfig.maxBatch`) and more requests than the engine holds: K, the
   * requests in flight, and what limits them, the cap's slots (`maxBatch`) or the memory
   * (`memory`: the most requests whose KV cache fits beside the weights, below the cap). null when
   * every request is in flight.
   */
  readonly admission: { readonly requestsInFlight: number; readonly limitedBy: 'maxBatch' | 'memory' } | null;
}

/** The resolved configuration, so a reader can redo the arithmetic (MODEL.md §5). */
export interface ResolvedInputs {
  readonly model: string;
  readonly chip: string;
  readonly chips: number;
  readonly parallelism: { readonly tp: number; readonly pp: number; readonly ep: number; readonly dp: number };
  readonly batch: number;
  /** K, the engine's cap on requests in flight (`InferenceConfig.maxBatch`); null without one. */
  readonly maxBatch: number | null;
  /** The iterations a prompt waits at most for every attention rank's (`InferenceConfig.contextBalance`); null without. */
  readonly contextBalanceIterations: number | null;
  /** N, the iterations between the scheduler's intakes of new requests (`InferenceConfig.receiveInterval`); null without. */
  readonly receiveInterval: number | null;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** c: mean decode context, S_in + S_out/2. */
  readonly decodeContextTokens: number;
  readonly schedule: Schedule;
  /** C: tokens per iteration (and per prefill chunk of the memory workspace). */
  readonly chunkTokens: number;
  /** Speculative decoding as resolved: γ, the acceptances per position, E, and where the defaults come from. */
  readonly speculative: {
    readonly mode: SpeculativeMode;
    /** γ (0 without speculation). */
    readonly draftTokens: number;
    /** a₁ … a_γ. */
    readonly acceptance: readonly number[];
    /** E = 1 + a₁ + a₁a₂ + … : tokens a sequence advances per step. */
    readonly expectedTokensPerStep: number;
    readonly draftModel: string | null;
    readonly source: string;
  };
  readonly precision: PrecisionConfig;
  /** The precision whose peak FLOP/s the matmuls run at. */
  readonly computePrecision: Precision;
  /** The precision the attention block computes at: `computePrecision` unless `precision.attentionWeights` makes it wider. */
  readonly attentionComputePrecision: Precision;
  /** Fraction of collective time hidden behind compute: the user's value, else the chip's (prefill) or 0. */
  readonly commOverlap: { readonly prefill: number; readonly decode: number };
  readonly moeImbalance: number;
  /** R: redundant expert slots (the given value, or ⌈E/EP⌉·EP − E). */
  readonly redundantExperts: number;
  readonly attentionSharding: AttentionSharding;
  /** Two micro-batches per stage, one's communication behind the other's operators. */
  readonly twoBatchOverlap: boolean;
  readonly usdPerChipHour: number;
  readonly params: { readonly total: number; readonly active: number };
  readonly hardware: {
    readonly peakFlopsPerS: number;
    readonly memoryBandwidthBytesPerS: number;
    readonly memoryCapacityBytes: number;
    readonly scaleUpBandwidthBytesPerS: number;
    readonly scaleUpDomain: number;
    readonly topology: string;
  };
  /**
   * Efficiencies (constants, or curves as given) with their sources — η_flop at the compute
   * precision — and the chip's calibration status: fitted, transferred or datasheet, what on, and
   * the error measured on rows it was not fitted to (null when the plugin states none).
   */
  readonly efficiencies: {
    readonly flop: EfficiencyInput;
    /** η_flop of the routed experts' GEMMs: `efficiency.expertFlop` at the compute precision, else `flop` (docs/MODEL.md §2). */
    readonly expertFlop: EfficiencyInput;
    /**
     * Where `expertFlop` is derived from another precision's fit (the chip gives no experts' η_flop
     * at the compute precision): that precision and the factor (`expertFlopDerivation`); null where
     * it is the chip's own, so a report can say the quoted error was measured at another precision.
     */
    readonly expertFlopDerivedFrom: { readonly precision: Precision; readonly ratio: number } | null;
    /** η_mem of gathered reads: the KV cache, the routed experts' weights, the embedding rows. */
    readonly memory: EfficiencyInput;
    /** η_mem of the dense GEMMs' contiguous weight reads: `efficiency.weightMemory`, else `memory` (docs/MODEL.md §2). */
    readonly weightMemory: EfficiencyInput;
    readonly network: EfficiencyInput;
    readonly layerOverheadS: EfficiencyInput;
    readonly commOverlap: EfficiencyInput;
    /** t_req, the serving front end's fixed time per request, included in TTFT (docs/MODEL.md §6, §9). */
    readonly requestOverheadS: EfficiencyInput;
    readonly calibration: CalibrationStatus | null;
  };
  /** The serving stack's KV cache budget (`efficiency.kvCacheBudget`), null when the KV cache shares `memory.usableFraction` with the weights and activations (docs/MODEL.md §4). */
  readonly kvCacheBudget: KvCacheBudget | null;
  readonly sources: Readonly<Record<string, string>>;
}

/** One efficiency as an estimate used it: its value (a constant, or the curve as given) and its source. */
export interface EfficiencyInput {
  readonly value: unknown;
  readonly source: string;
}

/** Activation recomputation during the backward pass (MODEL.md §1.2). */
/** Activation recomputation modes, in the order the engine codes them. */
export const RECOMPUTE_MODES = ['none', 'selective', 'full'] as const;
export type Recompute = (typeof RECOMPUTE_MODES)[number];

/** Parallelism of a training run: N = DP·TP·PP·CP chips; EP carves expert shards out of TP·DP. */
export interface TrainingParallelism {
  readonly dp: number;
  readonly tp: number;
  readonly pp: number;
  /** Context parallelism: the sequence split over CP chips (ring attention). */
  readonly cp: number;
  readonly ep: number;
}

/** One training configuration (MODEL.md §1.2, §4). */
export interface TrainingConfig {
  readonly model: ModelSpec;
  readonly chip: ChipSpec;
  /** N: total chips; must equal DP·TP·PP·CP. */
  readonly chips: number;
  readonly parallelism: TrainingParallelism;
  /** S: tokens per sequence. */
  readonly sequenceLength: number;
  /** G: sequences per optimizer step, all replicas. */
  readonly globalBatch: number;
  /** b: sequences per micro-batch per replica. */
  readonly microBatch: number;
  /**
   * v: model chunks per pipeline stage for the interleaved 1F1B schedule (Narayanan et al. 2021
   * §2.2.2); default 1, plain 1F1B. The bubble shrinks to (p − 1)/(v·m + p − 1) of the step, and
   * pipeline sends grow v-fold.
   */
  readonly virtualStages?: number;
  /** T_total: tokens of the whole run. */
  readonly totalTokens: number;
  /** Precision of weights, gradients and matmuls (default bf16). */
  readonly precision?: Precision;
  /** Bytes of optimizer state per parameter beyond weights and gradients (Adam: fp32 master + 2 moments = 12). */
  readonly optimizerBytesPerParam?: number;
  /** ZeRO/FSDP stage 0–3: 1 shards optimizer state over DP, 2 also gradients, 3 also weights. */
  readonly zeroStage?: 0 | 1 | 2 | 3;
  readonly recompute?: Recompute;
  /** Sequence parallelism: norms and dropout sharded over TP (activation memory ÷ TP). */
  readonly sequenceParallel?: boolean;
  /** Fraction of communication hidden behind compute; default the chip's `efficiency.commOverlap`, else 0. */
  readonly commOverlap?: number;
  readonly usdPerChipHour?: number;
}

/** Per-chip training memory, bytes. */
export interface TrainingMemory {
  readonly weights: number;
  readonly gradients: number;
  readonly optimizer: number;
  readonly activations: number;
  readonly total: number;
  readonly capacity: number;
}

/**
 * The estimate of one training configuration: `FeasibleTrainingResult` with every figure, or
 * `InfeasibleTrainingResult` with the reason and no figures. Narrow on `feasible` before reading
 * a figure.
 *
 * @example
 * const r = estimateTraining(config);
 * if (r.feasible) r.mfu; else r.explanation;
 */
export type TrainingResult = FeasibleTrainingResult | InfeasibleTrainingResult;

/** The resolved inputs of a training estimate, so a reader can redo the arithmetic. */
export interface TrainingInputs {
  readonly model: string;
  readonly chip: string;
  readonly chips: number;
  readonly parallelism: TrainingParallelism;
  readonly sequenceLength: number;
  readonly globalBatch: number;
  readonly microBatch: number;
  readonly virtualStages: number;
  readonly totalTokens: number;
  readonly precision: Precision;
  readonly optimizerBytesPerParam: number;
  readonly zeroStage: 0 | 1 | 2 | 3;
  readonly recompute: Recompute;
  readonly sequenceParallel: boolean;
  readonly commOverlap: number;
  readonly usdPerChipHour: number;
  readonly peakFlopsPerS: number;
  readonly params: { readonly total: number; readonly active: number };
  /** PP does not divide L: the slowest stage, ⌈L/p⌉ layers, sets the pace (MODEL.md §1.3). */
  readonly unevenPipeline: boolean;
}

/** A training configuration that breaks a rule or does not fit: the reason, no figures and no bound. */
export interface InfeasibleTrainingResult {
  readonly feasible: false;
  readonly reason: InfeasibleReason;
  /** One sentence a person can act on: what is wrong and what to change. */
  readonly explanation: string;
  /** For `capacity`: the fullest chip's memory that did not fit; null when a rule broke before memory was counted. */
  readonly memoryPerChipBytes: TrainingMemory | null;
  readonly inputs: TrainingInputs;
}

/** A training configuration that runs, with every figure. */
export interface FeasibleTrainingResult {
  readonly feasible: true;
  readonly reason: null;
  /** One sentence a person can act on: what limits the step. */
  readonly explanation: string;
  /** Seconds per optimizer step. */
  readonly stepTimeS: number;
  /** Micro-batches per replica per step: G / (DP·b). */
  readonly microBatches: number;
  /** 1F1B bubble: (p − 1) / (v·m + p − 1) of the step (v = 1 without interleaving). */
  readonly bubbleFraction: number;
  readonly tokensPerS: number;
  readonly tokensPerSPerChip: number;
  /** 6·N_active·tokens/s ÷ (N·F), attention FLOPs not counted (MODEL.md §4). */
  readonly mfu: number;
  /** The same with the attention core's forward and backward FLOPs counted (PaLM's convention). */
  readonly mfuWithAttention: number;
  /** Hardware FLOP utilisation: every FLOP executed, recomputation included. */
  readonly hfu: number;
  /** Where one micro-batch's time on the slowest stage goes, seconds (before the bubble). */
  readonly microBatchTime: { readonly computeS: number; readonly memoryS: number; readonly networkS: number; readonly overheadS: number };
  /** Exposed data-parallel gradient synchronisation per step, seconds. */
  readonly dataParallelS: number;
  readonly bound: Bound;
  readonly memoryPerChipBytes: TrainingMemory;
  readonly steps: number;
  readonly totalTimeS: number;
  readonly chipHours: number;
  readonly costUsd: number;
  readonly powerPerChipW: number;
  readonly energyJ: number;
  readonly inputs: TrainingInputs;
}

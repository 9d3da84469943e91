import { defineCommand, type CommandDef } from 'citty';
import { PRECISIONS, type ChipSpec, type Precision } from '@ridgeline/hardware';
import {
  DEFAULT_MOE_IMBALANCE,
  InputError,
  PREFILL_CHUNK_TOKENS,
  SCHEDULES,
  SPECULATIVE_MODES,
  WORKLOAD_LIMITS,
  estimateInference,
  estimateUnderPowerCap,
  type AttentionSharding,
  type InferenceConfig,
  type InferenceResult,
  type Schedule,
  type SpeculativeMode,
} from '@ridgeline/model';
import { nonNegativeInteger, numberInRange, positiveInteger } from '../args.ts';
import { disaggregationFlags, receiveIntervalFlag, speculativeFlags } from '../serving-flags.ts';
import { assertHoldsOneLayer } from '../capacity.ts';
import { inferenceFix, renderInfeasible } from '../infeasible.ts';
import { quoted, UserError } from '../errors.ts';
import { ioOf } from '../io.ts';
import { MODEL_ARG, type ModelArgDef } from '../model-arg.ts';
import { PLUGIN_ARG, pluginFlags, type PluginArgDef } from '../plugin-args.ts';
import { placeholderWarning, resolveChip } from '../registry.ts';
import { renderReport } from '../report.ts';
import { chipOnProfile, EFFICIENCY_PROFILE_ARG, profileFlag, STACK_ARG, type ProfileArgDef } from '../profile-flag.ts';
import { costBlock, PRICE_BASIS_ARG, PUE_ARG, pueFlag, TCO_ARGS, tcoFlags, tcoOf, type PriceBasisArgDef, type StringArgDef } from '../tco-flags.ts';
import { resolveModel } from '../resolve-model.ts';

// citty validates enum values before `run`; the `as Precision[]` below gives isolatedDeclarations
// the explicit type it needs for a non-literal array.
const PRECISION_OPTIONS: Precision[] = [...PRECISIONS];
const SPECULATIVE_OPTIONS: SpeculativeMode[] = [...SPECULATIVE_MODES];

const args = {
  model: MODEL_ARG as ModelArgDef,
  hardware: {
    type: 'string',
    required: true,
    valueHint: 'id|plugin[#chip]',
    description: 'Chip id or alias (see "ridgeline hardware list"), or a hardware plugin file/package, optionally #chip-id',
  },
  chips: { type: 'string', valueHint: 'N', description: 'Total chips N, a multiple of tp·pp (default: tp·pp)' },
  tp: { type: 'string', valueHint: 'n', description: 'Tensor-parallel degree (default: chips/pp, else 1)' },
  pp: { type: 'string', valueHint: 'n', default: '1', description: 'Pipeline-parallel degree' },
  ep: { type: 'string', valueHint: 'n', default: '1', description: 'Expert-parallel degree (MoE models); need not divide the experts' },
  'redundant-experts': {
    type: 'string',
    valueHint: 'R',
    description: 'Redundant expert slots, 0 to E·(EP − 1): each chip holds ⌈(E + R)/EP⌉ experts (default: fill the slots, ⌈E/EP⌉·EP − E)',
  },
  batch: { type: 'string', valueHint: 'B', default: '1', description: 'Requests in flight per replica (concurrency, counting those still in prefill)' },
  'max-batch': {
    type: 'string',
    valueHint: 'K',
    description:
      "The engine's cap on requests in flight per replica (per decode worker with --prefill-workers), 1 to 1000000000: TensorRT-LLM's max_batch_size, SGLang's --max-running-requests, vLLM's --max-num-seqs. Above it, --batch − K requests wait for a slot, in TTFT; continuous only (default: none)",
  },
  'context-balance': {
    type: 'string',
    valueHint: 'iterations',
    description:
      "With --attention dp on one continuous engine: hold each prompt until every attention rank has one, at most N iterations, then prefill them together (TensorRT-LLM's attention_dp_config enable_balance with timeout_iters N), 0 to 1000000; the wait is in TTFT (default: none, each prompt starts alone)",
  },
  'receive-interval': {
    type: 'string',
    valueHint: 'iterations',
    description:
      "One continuous engine whose scheduler takes in new requests every N iterations (SGLang's --scheduler-recv-interval), 1 to 1000000: an arrival waits N/2 iterations on average, in TTFT (default: not modelled, a request starts at once)",
  },
  input: { type: 'string', valueHint: 'tokens', default: '2048', description: 'Prompt tokens per sequence' },
  output: { type: 'string', valueHint: 'tokens', default: '256', description: 'Generated tokens per sequence' },
  weights: { type: 'enum', options: PRECISION_OPTIONS as Precision[], default: 'bf16', description: 'Weight precision' },
  kv: { type: 'enum', options: PRECISION_OPTIONS as Precision[], default: 'bf16', description: 'KV-cache precision' },
  activations: { type: 'enum', options: PRECISION_OPTIONS as Precision[], default: 'bf16', description: 'Activation/compute precision' },
  'attention-weights': {
    type: 'enum',
    options: PRECISION_OPTIONS as Precision[],
    description:
      "Precision of the attention block's projection weights where it differs from --weights (an FP4 checkpoint that keeps attention at fp8 or bf16); the attention block computes at the wider of it and --activations (default: --weights)",
  },
  overlap: {
    type: 'string',
    valueHint: '0..1',
    description: "Fraction of communication hidden behind compute, both phases (default: the chip's for prefill, 0 for decode)",
  },
  attention: {
    type: 'enum',
    options: ['heads', 'batch', 'dp'] as AttentionSharding[],
    default: 'heads',
    description:
      "How attention is split across the TP chips: heads, by heads; batch, decode attention by sequences of the batch, weights still sharded (Pope et al.); dp, data-parallel attention: each chip runs all heads, weights replicated, for its own sequences (the busiest ⌈batch/tp⌉) with its own KV cache, while dense FFN layers, shared experts and the LM head stay sharded over TP and experts run over --ep (SGLang's --enable-dp-attention); TP need not divide the heads",
  },
  schedule: {
    type: 'enum',
    options: [...SCHEDULES] as Schedule[],
    default: 'continuous',
    description:
      'continuous: continuous batching with chunked prefill, throughput = batch·output ÷ request latency (Little\'s law), cost and energy all-in; static: the batch prefilled, then decoded together (paper-style; throughput counts decode only)',
  },
  'chunk-tokens': {
    type: 'string',
    valueHint: 'C',
    default: '8192',
    description: 'Token budget of one continuous-batching iteration (decode + prompt chunk), 1–1048576; also bounds the prefill workspace',
  },
  speculative: {
    type: 'enum',
    options: SPECULATIVE_OPTIONS as SpeculativeMode[],
    default: 'none',
    description:
      "Speculative decoding: mtp drafts with the model's multi-token-prediction module (DeepSeek-V3/R1), draft with --draft-model; a step drafts γ tokens, verifies γ + 1 per sequence and advances E = 1 + a₁ + a₁a₂ + … tokens, so TPOT = step ÷ E",
  },
  'draft-tokens': { type: 'string', valueHint: 'γ', description: 'Draft tokens per step, 1–16 (default: the number of --acceptance values, else 1)' },
  acceptance: {
    type: 'string',
    valueHint: 'a|a1,a2,…',
    description: 'Probability each draft token is accepted given the previous ones were: one value for every position, or one per draft token (0.9,0.7,0.5) (default: 0.85 with mtp, from the DeepSeek-V3 report; none with draft)',
  },
  'draft-model': { type: 'string', valueHint: 'id|config.json', description: 'The draft model of --speculative draft: a catalog id or a Hugging Face config.json' },
  'two-batch-overlap': {
    type: 'boolean',
    description:
      "Run each stage as two micro-batches so one's all-to-alls and collectives hide behind the other's compute, at the price of reading the weights twice (SGLang's --enable-two-batch-overlap)",
  },
  'moe-imbalance': {
    type: 'string',
    valueHint: '1..64',
    default: String(DEFAULT_MOE_IMBALANCE) as string,
    description: "Factor on the busiest expert shard's mean routed tokens with EP > 1, 1 to 64; 1.11 is measured after expert load balancing (at a small batch the routing's random spread can exceed it, and then sets the busiest shard)",
  },
  'prefill-workers': {
    type: 'string',
    valueHint: 'n',
    description:
      'Disaggregated prefill and decode: n prefill workers, 1–65536, feed --decode-workers decode workers over the interconnect; --hardware, --chips, --tp, --pp, --ep and --attention then describe one decode worker (chips = tp·pp), --batch its requests in flight (default: none, one engine does both)',
  },
  'decode-workers': { type: 'string', valueHint: 'm', description: 'Decode workers with --prefill-workers, 1–65536 (default: 1)' },
  'prefill-tp': { type: 'string', valueHint: 'n', description: "TP of one prefill worker, which has that many chips (default: the decode worker's --tp)" },
  'prefill-ep': { type: 'string', valueHint: 'n', description: 'EP of one prefill worker (default: its TP when --ep > 1, else 1)' },
  'prefill-attention': {
    type: 'enum',
    options: ['heads', 'dp'] as ('heads' | 'dp')[],
    description: 'Attention in a prefill worker: heads, or dp (data-parallel over its chips) (default: heads)',
  },
  'prefill-hardware': {
    type: 'string',
    valueHint: 'id|plugin[#chip]',
    description: 'The prefill workers\' chip, for a mixed fleet such as GPU prefill with LPU decode (default: --hardware)',
  },
  stack: STACK_ARG as ProfileArgDef,
  'efficiency-profile': EFFICIENCY_PROFILE_ARG as ProfileArgDef,
  price: { type: 'string', valueHint: 'usd/h', description: "Price per chip-hour in USD, 0 to 1e6 (default: the chip's list price)" },
  'price-basis': PRICE_BASIS_ARG as PriceBasisArgDef,
  'capital-usd': TCO_ARGS['capital-usd'] as StringArgDef,
  'system-capital-usd': TCO_ARGS['system-capital-usd'] as StringArgDef,
  'amortization-years': TCO_ARGS['amortization-years'] as StringArgDef,
  utilization: TCO_ARGS.utilization as StringArgDef,
  'usd-per-kwh': TCO_ARGS['usd-per-kwh'] as StringArgDef,
  'usd-per-kw-month': TCO_ARGS['usd-per-kw-month'] as StringArgDef,
  pue: PUE_ARG as StringArgDef,
  'power-cap': {
    type: 'string',
    valueHint: 'W',
    description: "Cap each chip's power at W watts: compute throttles so a compute-bound matmul fits (each precision's peak × (W − P_static)/(P_max − P_static)); memory bandwidth is not throttled (default: none, the chip's maximum power)",
  },
  plugin: PLUGIN_ARG as PluginArgDef,
  json: { type: 'boolean', description: 'Print the full result as JSON' },
} as const;

/** The largest iteration budget accepted: 2^20 tokens, far above any serving stack's default (8192). */
const MAX_CHUNK_TOKENS = 1_048_576;

function estimate(config: InferenceConfig, powerCapW?: number): InferenceResult {
  try {
    return powerCapW === undefined ? estimateInference(config) : estimateUnderPowerCap(config, powerCapW);
  } catch (error) {
    if (error instanceof InputError) throw new UserError(error.message, { cause: error });
    if (error instanceof RangeError && powerCapW !== undefined) throw new UserError(`--power-cap: ${error.message}`, { cause: error });
    throw error;
  }
}

/** `ridgeline estimate`: prefill/decode times, throughput, memory, cost and energy of one configuration. */
const command: CommandDef<typeof args> = defineCommand({
  meta: {
    name: 'estimate',
    description: 'Estimate latency, throughput, memory, cost and energy of serving a model on given hardware',
  },
  args,
  async run({ args: a, data, rawArgs }) {
    const io = ioOf(data);
    const W = WORKLOAD_LIMITS;
    const pp = positiveInteger('pp', a.pp, W.chips) ?? 1;
    const ep = positiveInteger('ep', a.ep, W.chips) ?? 1;
    const chipsArg = positiveInteger('chips', a.chips, W.chips);
    let tp = positiveInteger('tp', a.tp, W.chips);
    if (tp === undefined) {
      if (chipsArg !== undefined && chipsArg % pp !== 0) {
        throw new UserError(`--chips (${chipsArg}) must be a multiple of --pp (${pp}); or give --tp as well`);
      }
      tp = chipsArg === undefined ? 1 : chipsArg / pp;
    }
    const chips = chipsArg ?? tp * pp;
    const batch = positiveInteger('batch', a.batch, W.batch) ?? 1;
    const maxBatch = positiveInteger('max-batch', a['max-batch'], W.batch);
    if (maxBatch !== undefined && a.schedule === 'static') throw new UserError('--max-batch needs --schedule continuous: it caps the requests a continuous engine holds in flight');
    const balanceIterations = nonNegativeInteger('context-balance', a['context-balance']);
    if (balanceIterations !== undefined) {
      if (balanceIterations > W.contextBalanceIterations) throw new UserError(`--context-balance must be an integer from 0 to ${W.contextBalanceIterations}, got ${quoted(a['context-balance'] ?? '')}`);
      if (a.attention !== 'dp') throw new UserError('--context-balance needs --attention dp: it starts prompts on every data-parallel attention rank together');
      if (a.schedule === 'static') throw new UserError('--context-balance needs --schedule continuous: a static batch prefills every prompt at once');
      if (a['prefill-workers'] !== undefined) throw new UserError('--context-balance applies to one engine: with --prefill-workers the decode workers prefill nothing');
    }
    const receiveInterval = receiveIntervalFlag(a['receive-interval'], a.schedule, a['prefill-workers'] !== undefined);
    const inputTokens = positiveInteger('input', a.input, W.tokens) ?? 2048;
    const outputTokens = positiveInteger('output', a.output, W.tokens) ?? 256;
    const weights = a.weights;
    const kvCache = a.kv;
    const activations = a.activations;
    const commOverlap = numberInRange('overlap', a.overlap, { min: 0, max: 1 });
    const chunkTokens = positiveInteger('chunk-tokens', a['chunk-tokens']) ?? PREFILL_CHUNK_TOKENS;
    if (chunkTokens > MAX_CHUNK_TOKENS) throw new UserError(`--chunk-tokens must be a positive integer up to ${MAX_CHUNK_TOKENS}, got ${quoted(a['chunk-tokens'] ?? '')}`);
    const moeImbalance = numberInRange('moe-imbalance', a['moe-imbalance'], { min: 1, limit: W.moeImbalance }) ?? DEFAULT_MOE_IMBALANCE;
    const redundantExperts = nonNegativeInteger('redundant-experts', a['redundant-experts']);
    const price = numberInRange('price', a.price, { min: 0, what: 'a price in USD per chip-hour (a number ≥ 0)', limit: W.usdPerChipHour, unit: 'USD per chip-hour' });
    const pue = pueFlag(a.pue);
    const tcoOptions = tcoFlags(a, pue);
    const powerCap = numberInRange('power-cap', a['power-cap'], { min: 0, what: 'a power in watts (a number > 0)', limit: 1e6, unit: 'W' });
    const speculative = speculativeFlags(a);

    const disaggregation = disaggregationFlags(a, a.schedule);

    const model = await resolveModel(a.model, io.cwd);
    const draftModel = a['draft-model'] === undefined ? undefined : await resolveModel(a['draft-model'], io.cwd, '--draft-model');
    const profile = profileFlag(a.stack, a['efficiency-profile']);
    const withProfile = (c: ChipSpec): ChipSpec => chipOnProfile(c, profile, (m) => io.stderr(`ridgeline: note: ${m}\n`));
    const chip = withProfile(
      await resolveChip(a.hardware, {
        cwd: io.cwd,
        plugins: pluginFlags(rawArgs),
        warn: (m) => io.stderr(`ridgeline: note: ${m}\n`),
      }),
    );
    assertHoldsOneLayer(chip, model, weights);
    const prefillChip =
      a['prefill-hardware'] === undefined
        ? undefined
        : withProfile(await resolveChip(a['prefill-hardware'], { cwd: io.cwd, plugins: pluginFlags(rawArgs), warn: (m) => io.stderr(`ridgeline: note: ${m}\n`) }));
    for (const used of new Set([chip, prefillChip ?? chip])) {
      const warning = placeholderWarning(used);
      if (warning !== undefined) io.stderr(`ridgeline: warning: ${warning}\n`);
    }
    if (prefillChip !== undefined) assertHoldsOneLayer(prefillChip, model, weights);
    if (tcoOptions !== undefined && prefillChip !== undefined && prefillChip.id !== chip.id) {
      throw new UserError('--price-basis tco prices one chip: give --prefill-hardware only with --price-basis list (or the same chip)');
    }
    const tco = tcoOptions === undefined ? undefined : tcoOf(chip, tcoOptions);
    const usdPerChipHour = tco?.usdPerChipHour ?? price;
    const config: InferenceConfig = {
      model,
      chip,
      chips,
      parallelism: { tp, pp, ep },
      ...(redundantExperts === undefined ? {} : { redundantExperts }),
      batch,
      ...(maxBatch === undefined ? {} : { maxBatch }),
      ...(balanceIterations === undefined ? {} : { contextBalance: { timeoutIterations: balanceIterations } }),
      ...(receiveInterval === undefined ? {} : { receiveInterval }),
      inputTokens,
      outputTokens,
      precision: { weights, kvCache, activations, ...(a['attention-weights'] === undefined ? {} : { attentionWeights: a['attention-weights'] }) },
      ...(commOverlap === undefined ? {} : { commOverlap }),
      moeImbalance,
      attentionSharding: a.attention,
      ...(a['two-batch-overlap'] === true ? { twoBatchOverlap: true } : {}),
      schedule: a.schedule,
      chunkTokens,
      ...(usdPerChipHour === undefined ? {} : { usdPerChipHour }),
      ...(pue === undefined ? {} : { pue }),
      ...(speculative === undefined ? {} : { speculative: { ...speculative, ...(draftModel === undefined ? {} : { draftModel }) } }),
      ...(disaggregation === undefined ? {} : { disaggregation: { ...disaggregation, ...(prefillChip === undefined ? {} : { prefillChip }) } }),
    };
    const result = estimate(config, powerCap);
    const cost = result.feasible ? costBlock(result, config, tco, tco === undefined && price !== undefined) : undefined;
    // An infeasible configuration is an answer, not a mistake: it is reported and exits 0.
    if (a.json) io.stdout(`${JSON.stringify(cost === undefined ? result : { ...result, cost }, null, 2)}\n`);
    else if (result.feasible) io.stdout(renderReport(result, model, chip, prefillChip, cost));
    else io.stdout(renderInfeasible(result, model, chip, inferenceFix(config, result, rawArgs)));
  },
});

export default command;

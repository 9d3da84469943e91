import {
  formatBytes,
  formatNumber,
  formatDuration,
  formatEnergy,
  formatPercent,
  formatPower,
  formatTokenRate,
  formatUsd,
  table,
} from '@ridgeline/format';
import { PRECISION_BYTES, type ChipSpec, type Precision } from '@ridgeline/hardware';
import { calibrationLine } from './calibration-text.ts';
import { attentionParams, slowestStageLayers, type CostFigures, type FeasibleInferenceResult, type TcoPrice, type InferenceResult, type ModelSpec } from '@ridgeline/model';

/** Section headings of the readable `estimate` report, in order. */
export const REPORT_HEADINGS: readonly string[] = ['Phases', 'Throughput', 'Memory per chip', 'Cost and energy', 'What limits it'];

function section(heading: string, body: string): string {
  return `${heading}\n${body
    .split('\n')
    .map((line) => (line === '' ? line : `  ${line}`))
    .join('\n')}\n`;
}

/** Lines for what the parallelism implies when it is not the obvious: uneven stages, wide EP, data-parallel attention. */
export function layoutNotes(result: InferenceResult, model: ModelSpec): string[] {
  const { tp, pp, ep } = result.inputs.parallelism;
  const notes: string[] = [];
  if (result.inputs.attentionSharding === 'dp') {
    const batch = result.inputs.batch;
    const busiest = Math.ceil(batch / tp);
    const sequences = `${busiest} ${busiest === 1 ? 'sequence' : 'sequences'}`;
    const share = batch % tp === 0 ? `${sequences} each` : `the busiest ${sequences}, ⌈${batch}/${tp}⌉`;
    const weights = slowestStageLayers(model, pp).layers * attentionParams(model) * PRECISION_BYTES[result.inputs.precision.weights];
    const moe = model.moe;
    const sharded = [
      ...(moe === undefined || moe.denseLayers > 0 ? ['dense FFN'] : []),
      ...(moe !== undefined && moe.sharedExperts > 0 ? ['shared experts'] : []),
      ...(moe !== undefined && ep === 1 ? ['experts'] : []),
      'LM head',
    ];
    const experts = moe !== undefined && ep > 1 ? `, experts over ep ${ep}` : '';
    notes.push(
      `  data-parallel attention: each of the ${tp} chips runs every head for its own sequences (${share}) with its own KV cache; attention weights replicated, ${formatBytes(weights)} per chip; ${sharded.join(', ')} sharded over tp ${tp}${experts}`,
    );
  }
  if (model.layers % pp !== 0) notes.push(`  uneven pipeline: the slowest stage holds ⌈${model.layers}/${pp}⌉ = ${Math.ceil(model.layers / pp)} layers`);
  const experts = model.moe?.experts;
  if (ep > 1 && experts !== undefined) {
    const r = result.inputs.redundantExperts;
    const perChip = Math.ceil((experts + r) / ep);
    notes.push(`  experts: ${perChip} per chip (${experts} + ${r} redundant over ep ${ep}); the busiest chip's routings × ${result.inputs.moeImbalance} imbalance, or the routing's spread where a small batch makes it larger`);
  }
  return notes;
}

/** Requests in flight per replica or decode worker: the batch, or what the engine admits below it (its slots or its memory). */
function inFlight(result: FeasibleInferenceResult): number {
  return result.serving?.admission?.requestsInFlight ?? result.inputs.batch;
}

/** The header's note on the requests in flight: all of them, or those the engine admits and why the rest wait. */
function inFlightText(result: FeasibleInferenceResult): string {
  const admission = result.serving?.admission;
  if (result.serving === null) return '';
  if (admission == null) return ' in flight';
  const why = admission.limitedBy === 'maxBatch' ? 'for a slot: --max-batch' : `for room: the memory holds ${admission.requestsInFlight} requests' KV cache`;
  return ` (${admission.requestsInFlight} in flight, the rest wait ${why})`;
}

/**
 * The human-readable report of a feasible `estimate` result (`renderInfeasible` reports the others).
 *
 * @example
 * io.stdout(renderReport(result, model, chip));
 */
export function renderReport(result: FeasibleInferenceResult, model: ModelSpec, chip: ChipSpec, prefillChip?: ChipSpec, costs?: CostFigures): string {
  const inp = result.inputs;
  const { tp, pp, ep, dp } = inp.parallelism;
  const p = inp.precision;
  const serving = result.serving;
  const spec = inp.speculative;
  const disagg = result.disaggregation;
  const header = [
    `${model.name} on ${inp.chips} × ${chip.name}`,
    `  tp ${tp} · pp ${pp} · ep ${ep} · dp ${dp} · batch ${inp.batch}${inFlightText(result)} · input ${inp.inputTokens} · output ${inp.outputTokens} tokens`,
    ...layoutNotes(result, model),
    `  weights ${p.weights}${attentionWeightsText(p.attentionWeights, p.weights, inp.attentionComputePrecision)} · KV cache ${p.kvCache} · activations ${p.activations} (matmuls at ${inp.computePrecision}) · ${formatUsd(inp.usdPerChipHour)} per chip-hour`,
    ...expertFlopNote(result, model),
    serving === null
      ? '  static batch: the prompts prefilled together, then decoded together; throughput, cost and energy count decode only'
      : `  continuous batching, ${formatNumber(serving.chunkTokens)} tokens per iteration; throughput = batch · output ÷ request latency, cost and energy per output token all-in`,
    ...(spec.mode === 'none' ? [] : [`  ${speculationText(spec)}`]),
    ...(inp.twoBatchOverlap ? ["  two-batch overlap: each stage runs as two micro-batches, one's communication behind the other's compute; the weights are read twice"] : []),
    ...(disagg === null ? [] : disaggregationHeader(disagg, inp.chips, chip)),
  ].join('\n');
  // Speculating, a step (iteration) advances E tokens per sequence: TPOT = step ÷ E.
  const E = spec.expectedTokensPerStep;
  const stepRow = (label: string): string[] => [label, formatDuration(result.tpotS * E), result.bound.decode, formatPercent(result.mfu.decode), formatPercent(result.mbu.decode)];

  const phases =
    serving === null
      ? table([
          ['phase', 'time', 'bound', 'MFU', 'MBU'],
          ['prefill (TTFT)', formatDuration(result.ttftS), result.bound.prefill, formatPercent(result.mfu.prefill), formatPercent(result.mbu.prefill)],
          ...(spec.mode === 'none'
            ? [['decode (TPOT)', formatDuration(result.tpotS), result.bound.decode, formatPercent(result.mfu.decode), formatPercent(result.mbu.decode)]]
            : [stepRow('decode step'), ['decode (TPOT)', formatDuration(result.tpotS), '', '', '']]),
          ['request', formatDuration(result.requestLatencyS), '', '', ''],
        ])
      : `${table([
          ['', 'time', 'bound', 'MFU', 'MBU'],
          ...(spec.mode === 'none'
            ? [['iteration (TPOT)', formatDuration(result.tpotS), result.bound.decode, formatPercent(result.mfu.decode), formatPercent(result.mbu.decode)]]
            : [stepRow('iteration'), ['per token (TPOT)', formatDuration(result.tpotS), '', '', '']]),
          ['first token (TTFT)', formatDuration(result.ttftS), '', '', ''],
          ['request', formatDuration(result.requestLatencyS), '', '', ''],
          ...(disagg === null
            ? []
            : [['prefill iteration', formatDuration(disagg.prefillIterationS), result.bound.prefill, formatPercent(result.mfu.prefill), formatPercent(result.mbu.prefill)]]),
        ])}\n${disagg === null ? iterationText(serving, spec.draftTokens + 1) + intakeText(result) : disaggregationText(result, disagg, serving, spec.draftTokens + 1)}`;

  const replicas = disagg !== null ? disagg.decodeWorkers : dp > 0 ? dp : 1;
  const throughputRows: string[][] = [
    [disagg === null ? 'per replica' : 'per decode worker', formatTokenRate(result.tokensPerS / replicas), `(output; ${inFlight(result)} ${inFlight(result) === 1 ? 'sequence' : 'sequences'}${serving === null ? '' : ' in flight'})`],
    ['per chip', formatTokenRate(result.tokensPerSPerChip), disagg === null ? '(output)' : `(output, over all ${disagg.prefillChips + disagg.decodeChips} chips of both pools)`],
    ['per user', formatTokenRate(result.tokensPerSPerUser), '(1 / TPOT)'],
  ];
  if (disagg !== null) throughputRows.push(['all workers', formatTokenRate(result.tokensPerS), `(output, ${formatNumber(disagg.requestsPerS)} requests/s)`]);
  else if (replicas > 1) throughputRows.push(['all replicas', formatTokenRate(result.tokensPerS), `(output, dp ${dp})`]);
  throughputRows.push(
    ['input per chip', formatTokenRate(result.inputTokensPerSPerChip), '(prompt tokens)'],
    ['total per chip', formatTokenRate(result.totalTokensPerSPerChip), '(input + output)'],
  );

  const mem = result.memoryPerChipBytes;
  const memory = table(
    [
      ['weights', formatBytes(mem.weights)],
      ['KV cache', formatBytes(mem.kvCache)],
      ['activations', formatBytes(mem.activations)],
      ['total', `${formatBytes(mem.total)} of ${formatBytes(mem.capacity)} usable (${formatPercent(mem.total / mem.capacity)})`],
      // a stack that sizes its KV cache from the free memory makes "usable" depend on the configuration: say how
      ...(result.inputs.kvCacheBudget === null
        ? []
        : [
            [
              'usable',
              `the weights and activations + ${formatPercent(result.inputs.kvCacheBudget.fraction.value)} of the memory they and the runtime's ${formatBytes(result.inputs.kvCacheBudget.reservedBytes.value)} leave (the serving stack's KV cache budget)`,
            ],
          ]),
      ...(disagg === null
        ? []
        : [
            [
              'prefill worker',
              `${formatBytes(disagg.prefillMemoryPerChipBytes.total)} of ${formatBytes(disagg.prefillMemoryPerChipBytes.capacity)} usable per chip (weights ${formatBytes(disagg.prefillMemoryPerChipBytes.weights)}, KV cache ${formatBytes(disagg.prefillMemoryPerChipBytes.kvCache)})`,
            ],
          ]),
    ],
    ['left', 'left'],
  );

  const energy = result.energy;
  const cost = table([
    ['output tokens', `${formatUsd(result.costPerMillionTokensUsd)} per million${serving === null ? ' (decode)' : ' (all-in)'}`],
    ['input tokens', `${formatUsd(result.costPerMillionInputTokensUsd)} per million${serving === null ? ' (prefill)' : disagg !== null ? ' (the prefill pool)' : ' (their share of each iteration)'}`],
    ...(costs?.tco === undefined ? [] : tcoRows(costs, costs.tco)),
    ['power', `${formatPower(result.powerPerChipW)} per chip${disagg === null ? '' : ' (both pools, on average)'}${serving === null ? ` in decode, ${formatPower(energy.prefillChipW)} in prefill` : ''} (${energy.powerModel === 'components' ? `static + compute + memory${[chip, prefillChip ?? chip].every((c) => c.power.joulesPerByteLink !== undefined) ? ' + links' : ''}` : energy.powerModel === 'mixed' ? 'one pool by component, the other interpolated from idle to max' : 'interpolated from idle to max by utilisation'})`],
    ['energy', `${formatEnergy(result.energyPerTokenJ)} per output token${serving === null ? ' (decode)' : ' (all-in)'} at the chips, ${formatEnergy(energy.nodeJPerOutputToken)} with the hosts${energy.nodeOverheadW === 0 ? ' (the chip gives no host share)' : ''}, ${formatEnergy(energy.facilityJPerOutputToken)} at the facility (PUE ${energy.pue})`],
    ...drawSplitRows(energy, serving === null ? 'the decode step' : disagg === null ? 'each iteration' : 'a decode chip'),
    ['provisioned', `${formatPower(energy.provisionedFacilityW)} of facility power (max per chip with its host share × PUE): ${formatNumber(energy.tokensPerSPerProvisionedMW)} output tokens/s per MW`],
    ...estimatedRows(energy, costs),
  ]);

  return [
    header,
    '',
    section('Phases', phases),
    section('Throughput', table(throughputRows)),
    section('Memory per chip', memory),
    section('Cost and energy', cost),
    `What limits it: ${result.explanation}`,
    `${calibrationLine(prefillChip === undefined ? [chip] : [prefillChip, chip])}\n`,
  ].join('\n');
}

/**
 * A MoE model whose experts compute at a precision the chip's profile has no fitted experts' η_flop
 * for says so: the value is derived from another precision's fit (docs/MODEL.md §2), and the
 * calibration line's out-of-sample error was measured at that other precision.
 */
function expertFlopNote(result: FeasibleInferenceResult, model: ModelSpec): string[] {
  const derived = result.inputs.efficiencies.expertFlopDerivedFrom;
  if (model.moe === undefined || derived === null) return [];
  const precision = result.inputs.computePrecision;
  const rule = `the experts' η_flop at ${derived.precision} × ${derived.ratio.toFixed(3)}, the matmuls' η_flop for large GEMMs at ${precision} over ${derived.precision}`;
  return [`  experts' η_flop at ${precision}: not fitted at ${precision}, ${rule} (docs/MODEL.md §2)`];
}

/** The decode draw by component, each part's share of it (the same share of decode's energy per token); none for an interpolated chip. */
function drawSplitRows(energy: FeasibleInferenceResult['energy'], what: string): string[][] {
  const c = energy.decodeChipWByComponent;
  if (c === null) return [];
  const total = c.staticW + c.computeW + c.memoryW + c.linkW;
  const part = (name: string, w: number): string => `${name} ${formatPower(w)} (${formatPercent(total === 0 ? 0 : w / total)})`;
  const parts = [part('static', c.staticW), part('compute', c.computeW), part('memory', c.memoryW), ...(c.linkW > 0 ? [part('links', c.linkW)] : [])];
  return [['draw split', `${parts.join(' + ')} of ${what}'s ${formatPower(total)} per chip`]];
}

/** One line when a power, price or capital figure behind the energy or the cost is an estimate (issue 12 §7); none when all are sourced. */
function estimatedRows(energy: FeasibleInferenceResult['energy'], costs: CostFigures | undefined): string[][] {
  const notes = [...(energy.statusNote === null ? [] : [`energy: ${energy.statusNote}`]), ...(costs?.statusNote == null ? [] : [`cost: ${costs.statusNote}`])];
  const chips = [...new Set([...energy.estimatedFigures, ...(costs?.estimatedFigures ?? [])].map((f) => f.chip))];
  return notes.length === 0 ? [] : [['estimated', `${notes.join('; ')}; each rule: --json, or ${chips.map((id) => `ridgeline hardware show ${id}`).join(', ')}`]];
}

/** The `--price-basis tco` lines: the chip-hour price and its parts, and the output tokens' price split the same way. */
function tcoRows(costs: CostFigures, t: TcoPrice): string[][] {
  const b = t.breakdown;
  const i = t.inputs;
  const m = costs.breakdownPerMillionOutputTokens;
  return [[
    'chip-hour (tco)',
    `${formatUsd(t.usdPerChipHour)} = capital ${formatUsd(b.capital)} (${formatUsd(i.capitalUsd + i.systemCapitalUsdPerChip)} over ${formatNumber(i.amortizationYears)} years at ${formatPercent(i.utilization)} utilization) + power ${formatUsd(b.power)} (${formatPower(i.itW * i.pue)} provisioned at ${formatUsd(i.usdPerKwh)}/kWh) + facility ${formatUsd(b.facility)} (${formatUsd(i.usdPerKwMonth)} per kW-month)${i.systemCapitalUsdPerChip === 0 && t.sources.systemCapital.startsWith('none') ? '; no system share sourced (the chip alone)' : ''}`,
  ], ['output split', `capital ${formatUsd(m.capital)} + power ${formatUsd(m.power)} + facility ${formatUsd(m.facility)} per million output tokens`]];
}

/** The two pools of a disaggregated deployment, for the report's header. */
function disaggregationHeader(d: NonNullable<FeasibleInferenceResult['disaggregation']>, decodeWorkerChips: number, chip: ChipSpec): string[] {
  const p = d.prefillParallelism;
  const prefillChips = d.prefillChip === chip.id ? `${p.tp}` : `${p.tp} × ${d.prefillChip}`;
  const decodeChips = d.prefillChip === chip.id ? `${decodeWorkerChips}` : `${decodeWorkerChips} × ${chip.id}`;
  return [
    `  disaggregated: ${d.prefillWorkers} prefill ${d.prefillWorkers === 1 ? 'worker' : 'workers'} of ${prefillChips} chips (tp ${p.tp} · ep ${p.ep}${p.attention === 'dp' ? ' · dp attention' : ''}) feed ${d.decodeWorkers} decode ${d.decodeWorkers === 1 ? 'worker' : 'workers'} of ${decodeChips} chips over ${d.kvLink === 'scale-up' ? 'the scale-up domain' : 'scale-out links'}: ${d.prefillChips + d.decodeChips} chips in all`,
    ...d.notes.map((n) => `  note: ${n}`),
  ];
}

/** The closed loop of a disaggregated deployment in a few sentences: what binds, the idle shares, the KV transfer. */
function disaggregationText(
  result: FeasibleInferenceResult,
  d: NonNullable<FeasibleInferenceResult['disaggregation']>,
  serving: NonNullable<FeasibleInferenceResult['serving']>,
  verifyTokens: number,
): string {
  const decoding = verifyTokens === 1 ? `${formatNumber(serving.decodeTokens)} sequences decode` : `${formatNumber(serving.decodeTokens)} sequences decode (× ${verifyTokens} verified tokens)`;
  const binds = d.bound === 'kv-transfer' ? 'the KV transfer' : `the ${d.bound} pool`;
  return [
    // a prefill pool that binds below its capacity is busy all the time with iterations of the few prompts waiting (docs/MODEL.md §8)
    `${formatNumber(d.requestsPerS)} requests/s, set by ${binds}; spare capacity: prefill ${formatPercent(d.prefillIdleShare)}${d.bound === 'prefill' && d.prefillIdleShare > 5e-4 ? ' of its full-budget rate (busy all the time at its own iterations)' : ''}, decode ${formatPercent(d.decodeIdleShare)}`,
    `each decode iteration: ${decoding} of the ${inFlight(result)} in flight; a prompt takes ${prefillText(d, serving)}, then its KV cache (${formatBytes(d.kvTransferBytes)}) moves in ${formatDuration(d.kvTransferS)} over ${d.kvLink}; it waits ${formatDuration(serving.queueingS)} in all`,
  ].join('\n');
}

/** How a prompt gets through the prefill pool: its ⌈S_in/C⌉ full iterations, or one of the prompts waiting (docs/MODEL.md §8). */
function prefillText(d: NonNullable<FeasibleInferenceResult['disaggregation']>, serving: NonNullable<FeasibleInferenceResult['serving']>): string {
  const budget = `${formatNumber(serving.chunkTokens)} tokens`;
  if (serving.chunksPerPrompt > 1) return `${serving.chunksPerPrompt} prefill iterations of ${budget} (${formatDuration(d.promptPrefillS)})`;
  const m = d.promptsPerPrefillIteration;
  const full = `a full one of ${budget} takes ${formatDuration(d.prefillIterationS)}`;
  // a lone prompt longer than its data-parallel rank's share of the budget runs in several of that rank's iterations
  if (m === 1 && d.lonePromptIterations > 1) {
    const share = formatNumber(serving.chunkTokens / d.prefillParallelism.tp);
    return `${d.lonePromptIterations} prefill iterations of itself on one of ${d.prefillParallelism.tp} data-parallel attention ranks, at most ${share} tokens each, the rank's share of the budget (${formatDuration(d.promptPrefillS)} in all; ${full})`;
  }
  const prompts = m === 1 ? 'itself alone' : `${formatNumber(m)} prompts`;
  return `a prefill iteration of ${prompts} (${formatDuration(d.promptPrefillS)}; ${full})`;
}

/** The scheduler's intake every N iterations (`--receive-interval`) and the mean wait it adds, as a clause; '' without. */
function intakeText(result: FeasibleInferenceResult): string {
  const intake = result.serving?.intake ?? null;
  const n = result.inputs.receiveInterval;
  if (intake === null || n === null) return '';
  const every = intake.iterations < n ? `every ${formatNumber(intake.iterations)} iterations (after each prompt's, sooner than its ${n})` : `every ${n} ${n === 1 ? 'iteration' : 'iterations'}`;
  return `; the scheduler takes in requests ${every}, so a request first waits ${formatDuration(intake.waitS)} on average`;
}

/** What one continuous-batching iteration runs and how a prompt gets through, in a sentence. */
function iterationText(serving: NonNullable<FeasibleInferenceResult['serving']>, verifyTokens: number): string {
  const decode =
    verifyTokens === 1
      ? `${formatNumber(serving.decodeTokens)} decode`
      : `${formatNumber(serving.decodeTokens)} decoding sequences × ${verifyTokens} verified`;
  const tokens = `each iteration runs ${decode} + ${formatNumber(serving.promptTokens)} prompt tokens on average`;
  const k = serving.chunksPerPrompt;
  const chunks = k === 1 ? '1 iteration' : `${k} iterations`;
  if (serving.budgetBinds) {
    return `${tokens}: the ${formatNumber(serving.chunkTokens)}-token budget is full, so prompts queue ${formatDuration(serving.queueingS)} before their ${chunks}`;
  }
  const balance = serving.contextBalance;
  if (balance !== null && balance.promptsPerIteration > 1) {
    return `${tokens}; a prompt waits ${formatDuration(balance.waitS)} for other ranks' prompts (context balance), then its chunks take ${chunks} with theirs, ${balance.promptsPerIteration} prompts at a time, beside the decode tokens`;
  }
  if (balance !== null && balance.waitS > 0) {
    return `${tokens}; a prompt waits ${formatDuration(balance.waitS)} for other ranks' prompts (context balance; none comes in time), then its chunks take ${chunks}, beside the decode tokens`;
  }
  return `${tokens}; a prompt's chunks take ${chunks}, beside the decode tokens`;
}

/** The speculative decoder in a line: mode, γ, the acceptances and E. */
function speculationText(spec: InferenceResult['inputs']['speculative']): string {
  const drafter = spec.mode === 'mtp' ? 'the model\'s MTP module' : `draft model ${spec.draftModel ?? ''}`;
  const acceptance = spec.acceptance.every((a) => a === spec.acceptance[0]) ? formatNumber(spec.acceptance[0] ?? 0) : spec.acceptance.map((a) => formatNumber(a)).join(', ');
  return `speculative decoding: ${spec.draftTokens} draft ${spec.draftTokens === 1 ? 'token' : 'tokens'} per step from ${drafter}, acceptance ${acceptance} → ${formatNumber(spec.expectedTokensPerStep)} tokens per step (TPOT = step ÷ ${formatNumber(spec.expectedTokensPerStep)})`;
}

/** ", attention fp8 (computing at fp8)" where the attention block's weights differ from the rest, else "". */
function attentionWeightsText(attention: Precision | undefined, weights: Precision, computesAt: Precision): string {
  return attention === undefined || attention === weights ? '' : ` (attention ${attention}, computing at ${computesAt})`;
}

import {
  formatBytes,
  formatDuration,
  formatEnergy,
  formatPercent,
  formatPower,
  formatTokenRate,
  formatUsd,
  table,
} from '@ridgeline/format';
import type { ChipSpec } from '@ridgeline/hardware';
import type { InferenceResult, ModelSpec } from '@ridgeline/model';

/** Section headings of the readable `estimate` report, in order. */
export const REPORT_HEADINGS: readonly string[] = ['Phases', 'Throughput', 'Memory per chip', 'Cost and energy', 'What limits it'];

function section(heading: string, body: string): string {
  return `${heading}\n${body
    .split('\n')
    .map((line) => (line === '' ? line : `  ${line}`))
    .join('\n')}\n`;
}

/**
 * The human-readable report of a feasible `estimate` result.
 *
 * @example
 * io.stdout(renderReport(result, model, chip));
 */
export function renderReport(result: InferenceResult, model: ModelSpec, chip: ChipSpec): string {
  const inp = result.inputs;
  const { tp, pp, ep, dp } = inp.parallelism;
  const p = inp.precision;
  const header = [
    `${model.name} on ${inp.chips} × ${chip.name}`,
    `  tp ${tp} · pp ${pp} · ep ${ep} · dp ${dp} · batch ${inp.batch} · input ${inp.inputTokens} · output ${inp.outputTokens} tokens`,
    `  weights ${p.weights} · KV cache ${p.kvCache} · activations ${p.activations} (matmuls at ${inp.computePrecision}) · ${formatUsd(inp.usdPerChipHour)} per chip-hour`,
  ].join('\n');

  const phases = table([
    ['phase', 'time', 'bound', 'MFU', 'MBU'],
    ['prefill (TTFT)', formatDuration(result.ttftS), result.bound.prefill, formatPercent(result.mfu.prefill), formatPercent(result.mbu.prefill)],
    ['decode (TPOT)', formatDuration(result.tpotS), result.bound.decode, formatPercent(result.mfu.decode), formatPercent(result.mbu.decode)],
    ['request', formatDuration(result.requestLatencyS), '', '', ''],
  ]);

  const replicas = dp > 0 ? dp : 1;
  const throughputRows: string[][] = [
    ['per replica', formatTokenRate(result.tokensPerS / replicas), `(${inp.batch} ${inp.batch === 1 ? 'sequence' : 'sequences'})`],
    ['per chip', formatTokenRate(result.tokensPerSPerChip), ''],
    ['per user', formatTokenRate(result.tokensPerSPerUser), ''],
  ];
  if (replicas > 1) throughputRows.push(['all replicas', formatTokenRate(result.tokensPerS), `(dp ${dp})`]);
  throughputRows.push(['prefill', formatTokenRate(result.prefillTokensPerS), '(prompt tokens, all replicas)']);

  const mem = result.memoryPerChipBytes;
  const memory = table(
    [
      ['weights', formatBytes(mem.weights)],
      ['KV cache', formatBytes(mem.kvCache)],
      ['activations', formatBytes(mem.activations)],
      ['total', `${formatBytes(mem.total)} of ${formatBytes(mem.capacity)} usable (${formatPercent(mem.total / mem.capacity)})`],
    ],
    ['left', 'left'],
  );

  const cost = table([
    ['output tokens', `${formatUsd(result.costPerMillionTokensUsd)} per million`],
    ['input tokens', `${formatUsd(result.costPerMillionInputTokensUsd)} per million`],
    ['power', `${formatPower(result.powerPerChipW)} per chip`],
    ['energy', `${formatEnergy(result.energyPerTokenJ)} per output token`],
  ]);

  return [
    header,
    '',
    section('Phases', phases),
    section('Throughput', table(throughputRows)),
    section('Memory per chip', memory),
    section('Cost and energy', cost),
    `What limits it: ${result.explanation}\n`,
  ].join('\n');
}

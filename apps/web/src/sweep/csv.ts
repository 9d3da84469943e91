import type { SweepResult, TrainingSweepResult } from './types.ts';

const COLUMNS = [
  'chip',
  'chips',
  'tp',
  'pp',
  'ep',
  'batch',
  'weights',
  'kv_cache',
  'tokens_per_s_per_user',
  'tokens_per_s_per_chip',
  'usd_per_million_output_tokens',
  'output_tokens_per_s_per_provisioned_mw',
  'ttft_s',
  'tpot_s',
  'memory_per_chip_bytes',
] as const;

function cell(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The sweep's Pareto frontiers as CSV: one row per frontier point, every chip, SI units, full
 * precision (for a spreadsheet or a notebook; the page rounds, the file does not).
 *
 * @example
 * frontierCsv(result).split('\n')[0]; // 'chip,chips,tp,pp,ep,batch,weights,kv_cache,tokens_per_s_per_user,…'
 */
export function frontierCsv(result: SweepResult): string {
  const lines = [COLUMNS.join(',')];
  for (const chip of result.perChip) {
    for (const p of chip.frontier) {
      lines.push(
        [
          chip.chipId,
          p.chips,
          p.tp,
          p.pp,
          p.ep,
          p.batch,
          p.weights,
          p.kvCache,
          p.tokensPerSPerUser,
          p.tokensPerSPerChip,
          p.costPerMillionTokensUsd,
          p.tokensPerSPerProvisionedMW,
          p.ttftS,
          p.tpotS,
          p.memoryPerChipBytes,
        ]
          .map(cell)
          .join(','),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

const TRAINING_COLUMNS = [
  'chip',
  'chips',
  'dp',
  'tp',
  'pp',
  'micro_batch',
  'zero_stage',
  'recompute',
  'total_time_s',
  'cost_usd',
  'step_time_s',
  'mfu',
  'tokens_per_s_per_chip',
  'chip_hours',
  'energy_j',
  'memory_per_chip_bytes',
] as const;

/**
 * A training sweep's frontiers as CSV: one row per frontier run (by run time ascending), every
 * chip, SI units (seconds, USD, joules, bytes), full precision.
 *
 * @example
 * trainingFrontierCsv(result).split('\n')[0]; // 'chip,chips,dp,tp,pp,micro_batch,zero_stage,recompute,total_time_s,cost_usd,…'
 */
export function trainingFrontierCsv(result: TrainingSweepResult): string {
  const lines = [TRAINING_COLUMNS.join(',')];
  for (const chip of result.perChip) {
    for (const p of chip.frontier) {
      lines.push(
        [chip.chipId, p.chips, p.dp, p.tp, p.pp, p.microBatch, p.zeroStage, p.recompute, p.totalTimeS, p.costUsd, p.stepTimeS, p.mfu, p.tokensPerSPerChip, p.chipHours, p.energyJ, p.memoryPerChipBytes]
          .map(cell)
          .join(','),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

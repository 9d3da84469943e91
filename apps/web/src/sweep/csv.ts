import type { SweepResult } from './types.ts';

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

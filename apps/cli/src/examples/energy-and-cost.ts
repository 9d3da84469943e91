// The seeds' energy and cost questions as documented examples (issue 12 §6), for
// docs/examples/energy-and-cost.md: TPU v7 (Ironwood) against v6e in $ per million output tokens,
// an LPU against a GPU in joules per decoded token, and the memory-versus-compute share of a decode
// step's energy. Each row is a real `ridgeline estimate` command run through the CLI;
// examples/energy-and-cost.test.ts checks the page's tables against this rendering (and rewrites
// them with RIDGELINE_WRITE_README=1, `pnpm --filter ridgeline readme:examples`) and re-derives every
// figure by hand from the chips' sourced (or labelled) inputs.
import { formatEnergy, formatNumber, formatPercent, formatPower, formatUsd } from '@ridgeline/format';
import type { CostFigures, FeasibleInferenceResult, InferenceResult } from '@ridgeline/model';
import { runCli } from '../run-cli.ts';

/** One row: what it is, and the `ridgeline estimate` arguments that give it. */
export interface EnergyExampleRow {
  readonly deployment: string;
  readonly argv: readonly string[];
}

/** `estimate --json` output: the model's result with the command's `cost`. */
export type EstimateJson = FeasibleInferenceResult & { readonly cost: CostFigures };

const FP8 = ['--weights', 'fp8', '--kv', 'fp8', '--activations', 'fp8'];

/**
 * (a) Llama 3.1 70B on TPU v7 and v6e, each at the layout `ridgeline plan --objective cost` picks under
 * TTFT ≤ 2 s and TPOT ≤ 50 ms (the page shows that plan): 2,048 in / 256 out, continuous batching.
 */
export const TPU_COST_ROWS: readonly EnergyExampleRow[] = [
  {
    deployment: 'TPU v7 (Ironwood): 4 chips, tp 1 · pp 4, batch 256, fp8',
    argv: ['estimate', '--model', 'llama-3.1-70b', '--hardware', 'tpu-v7', '--chips', '4', '--tp', '1', '--pp', '4', '--batch', '256', '--input', '2048', '--output', '256', ...FP8],
  },
  {
    deployment: 'TPU v6e (Trillium): 16 chips, tp 2 · pp 8, batch 384, fp8 weights and KV, int8 matmuls',
    argv: ['estimate', '--model', 'llama-3.1-70b', '--hardware', 'tpu-v6e', '--chips', '16', '--tp', '2', '--pp', '8', '--batch', '384', '--input', '2048', '--output', '256', '--weights', 'fp8', '--kv', 'fp8', '--activations', 'int8'],
  },
];

const DECODE = ['--model', 'llama-3.1-70b', ...FP8, '--input', '2048', '--output', '512', '--schedule', 'static'];

/**
 * (b) and (c): decode of Llama 3.1 70B, FP8, 2,048 in / 512 out, as a static batch (so the energy per
 * output token is the decode step's alone): H200 at batch 1 and 64, and 512 Groq 3 LPUs (the fewest
 * that hold it at tp 32 · pp 16) at batch 32, the most that fits in their SRAM.
 */
export const DECODE_ROWS: readonly EnergyExampleRow[] = [
  { deployment: '8 H200, tp 8, batch 1', argv: ['estimate', ...DECODE, '--hardware', 'h200', '--tp', '8', '--batch', '1'] },
  { deployment: '8 H200, tp 8, batch 64', argv: ['estimate', ...DECODE, '--hardware', 'h200', '--tp', '8', '--batch', '64'] },
  { deployment: '512 Groq 3 LPU, tp 32 · pp 16, batch 32', argv: ['estimate', ...DECODE, '--hardware', 'nvidia-groq3-lpu', '--tp', '32', '--pp', '16', '--batch', '32'] },
];

/** `ridgeline <argv> --json`, in-process. Throws when the command fails or the configuration is infeasible. */
export async function estimateJson(argv: readonly string[]): Promise<EstimateJson> {
  let stdout = '';
  let stderr = '';
  const code = await runCli([...argv, '--json'], { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) });
  if (code !== 0) throw new Error(`ridgeline ${argv.join(' ')} exited ${code}: ${stderr}`);
  const result = JSON.parse(stdout) as InferenceResult & { cost?: CostFigures };
  if (!result.feasible || result.cost === undefined) throw new Error(`ridgeline ${argv.join(' ')} is infeasible`);
  return result as EstimateJson;
}

const status = (s: 'sourced' | 'estimated'): string => (s === 'sourced' ? 'sourced' : '**estimated**');

/** The three tables of docs/examples/energy-and-cost.md, by their marker names. */
export async function energyAndCostBlocks(): Promise<Record<'tpu-cost' | 'decode-energy' | 'decode-split', string[]>> {
  const tpu = await Promise.all(TPU_COST_ROWS.map(async (row) => ({ row, r: await estimateJson(row.argv) })));
  const base = tpu[1]!.r.cost.usdPerMillionOutputTokens;
  const tpuLines = [
    '| deployment | tok/s per chip | $ per chip-hour (status) | $ per M output tokens | against v6e |',
    '|---|---:|---:|---:|---:|',
    ...tpu.map(
      ({ row, r }) =>
        `| ${row.deployment} | ${formatNumber(r.tokensPerSPerChip)} | ${formatUsd(r.cost.usdPerChipHour)} (${status(r.cost.status)}) | ${formatUsd(r.cost.usdPerMillionOutputTokens)} | ${r === tpu[1]!.r ? '—' : `${r.cost.usdPerMillionOutputTokens < base ? '−' : '+'}${formatPercent(Math.abs(r.cost.usdPerMillionOutputTokens / base - 1))}`} |`,
    ),
    '',
    ...TPU_COST_ROWS.map((row, i) => `${i + 1}. \`ridgeline ${row.argv.join(' ')}\``),
  ];

  const decode = await Promise.all(DECODE_ROWS.map(async (row) => ({ row, r: await estimateJson(row.argv) })));
  const energyLines = [
    '| deployment | chips | tok/s per user | J per output token: chips | with hosts | at the facility (PUE 1.2) | power figures |',
    '|---|---:|---:|---:|---:|---:|---|',
    ...decode.map(
      ({ row, r }) =>
        `| ${row.deployment} | ${r.inputs.chips.toLocaleString('en-US')} | ${formatNumber(r.tokensPerSPerUser)} | ${formatEnergy(r.energy.chipJPerOutputToken)} | ${formatEnergy(r.energy.nodeJPerOutputToken)} | ${formatEnergy(r.energy.facilityJPerOutputToken)} | ${status(r.energy.status)} |`,
    ),
    '',
    ...DECODE_ROWS.map((row, i) => `${i + 1}. \`ridgeline ${row.argv.join(' ')}\``),
  ];

  const splitLines = [
    '| deployment | decode draw per chip | static | compute (FLOPs) | memory (bytes) | memory : compute |',
    '|---|---:|---:|---:|---:|---:|',
    ...decode.map(({ row, r }) => {
      const c = r.energy.decodeChipWByComponent;
      if (c === null) throw new Error(`${row.deployment}: no component split`);
      const total = c.staticW + c.computeW + c.memoryW + c.linkW;
      const part = (w: number): string => `${formatPower(w)} (${formatPercent(w / total)})`;
      return `| ${row.deployment} | ${formatPower(total)} | ${part(c.staticW)} | ${part(c.computeW)} | ${part(c.memoryW)} | ${formatPercent(c.memoryW / (c.memoryW + c.computeW))} : ${formatPercent(c.computeW / (c.memoryW + c.computeW))} |`;
    }),
  ];
  return { 'tpu-cost': tpuLines, 'decode-energy': energyLines, 'decode-split': splitLines };
}

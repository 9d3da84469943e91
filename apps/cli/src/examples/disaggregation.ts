// The README's disaggregation example: GPU prefill with LPU decode against all-GPU serving, for
// Llama 3.1 70B and DeepSeek-R1. Each row is a real `ridgeline estimate` command run through the CLI;
// examples/disaggregation.test.ts checks the README's table against this rendering (and rewrites it
// with RIDGELINE_WRITE_README=1, `pnpm --filter ridgeline readme:examples`).
import { formatDuration, formatEnergy, formatNumber, formatUsd } from '@ridgeline/format';
import type { FeasibleInferenceResult, InferenceResult } from '@ridgeline/model';
import { runCli } from '../run-cli.ts';

/** One row of the comparison: what it is, and the `ridgeline estimate` arguments that give it. */
export interface ExampleRow {
  readonly deployment: string;
  readonly argv: readonly string[];
}

const LLAMA = ['--model', 'llama-3.1-70b', '--weights', 'fp8', '--kv', 'fp8', '--activations', 'fp8', '--input', '2048', '--output', '512'];
// an FP4 checkpoint quantises the experts and FFN and keeps attention wider (docs/MODEL.md §1.2)
const DEEPSEEK = ['--model', 'deepseek-r1', '--weights', 'fp4', '--attention-weights', 'fp8', '--kv', 'fp8', '--activations', 'fp8', '--input', '2048', '--output', '512'];
const B200_PREFILL = ['--prefill-workers', '1', '--prefill-hardware', 'b200', '--prefill-tp', '8', '--decode-workers', '1'];

/** The example's rows, in the README's order. */
export const DISAGGREGATION_EXAMPLE: readonly { readonly model: string; readonly rows: readonly ExampleRow[] }[] = [
  {
    model: 'Llama 3.1 70B, FP8, 2,048 in / 512 out',
    rows: [
      { deployment: '8 B200, one engine, 8 users', argv: ['estimate', ...LLAMA, '--hardware', 'b200', '--tp', '8', '--batch', '8'] },
      { deployment: '8 B200, one engine, 64 users', argv: ['estimate', ...LLAMA, '--hardware', 'b200', '--tp', '8', '--batch', '64'] },
      { deployment: '8 B200 prefill → 8 B200 decode, 64 users', argv: ['estimate', ...LLAMA, '--hardware', 'b200', '--tp', '8', '--batch', '64', ...B200_PREFILL] },
      {
        deployment: '8 B200 prefill → 512 Groq 3 LPU decode (tp 32, pp 16), 64 users',
        argv: ['estimate', ...LLAMA, '--hardware', 'nvidia-groq3-lpu', '--tp', '32', '--pp', '16', '--batch', '64', ...B200_PREFILL],
      },
    ],
  },
  {
    model: 'DeepSeek-R1, FP4 weights with FP8 attention, FP8 KV cache and matmuls, 2,048 in / 512 out',
    rows: [
      { deployment: '8 B200 (dp attention, ep 8), one engine, 16 users', argv: ['estimate', ...DEEPSEEK, '--hardware', 'b200', '--tp', '8', '--ep', '8', '--attention', 'dp', '--batch', '16'] },
      { deployment: '8 B200 (dp attention, ep 8), one engine, 256 users', argv: ['estimate', ...DEEPSEEK, '--hardware', 'b200', '--tp', '8', '--ep', '8', '--attention', 'dp', '--batch', '256'] },
      {
        deployment: '8 B200 prefill → 8 B200 decode, 256 users',
        argv: ['estimate', ...DEEPSEEK, '--hardware', 'b200', '--tp', '8', '--ep', '8', '--attention', 'dp', '--batch', '256', ...B200_PREFILL, '--prefill-ep', '8', '--prefill-attention', 'dp'],
      },
      {
        deployment: '8 B200 prefill → 2,048 Groq 3 LPU decode (tp 128, ep 128, pp 16), 32 users',
        argv: ['estimate', ...DEEPSEEK, '--hardware', 'nvidia-groq3-lpu', '--tp', '128', '--ep', '128', '--pp', '16', '--batch', '32', ...B200_PREFILL, '--prefill-ep', '8', '--prefill-attention', 'dp'],
      },
    ],
  },
];

/** `ridgeline <argv> --json`, in-process. Throws when the command does not succeed or the configuration is infeasible. */
async function estimateJson(argv: readonly string[]): Promise<FeasibleInferenceResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli([...argv, '--json'], { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) });
  if (code !== 0) throw new Error(`ridgeline ${argv.join(' ')} exited ${code}: ${stderr}`);
  const result = JSON.parse(stdout) as InferenceResult;
  if (!result.feasible) throw new Error(`ridgeline ${argv.join(' ')} is infeasible (${result.reason}): ${result.explanation}`);
  return result;
}

/** What sets the pace, in a few words. */
function limitOf(r: FeasibleInferenceResult): string {
  const d = r.disaggregation;
  const decode = `decode ${r.bound.decode}-bound`;
  return d === null ? decode : d.bound === 'decode' ? `${decode}; prefill ${Math.round((1 - d.prefillBusyShare) * 100)}% idle` : `${d.bound} pool`;
}

/** The README block: one table per model, each row with its command. */
export async function disaggregationExampleLines(): Promise<string[]> {
  const lines: string[] = [];
  for (const group of DISAGGREGATION_EXAMPLE) {
    lines.push(`**${group.model}**`, '', '| deployment | chips | tok/s per user | TTFT | tok/s per chip | $ per M output tokens | J per output token | what limits it |', '|---|---:|---:|---:|---:|---:|---:|---|');
    const commands: string[] = [];
    for (const [i, row] of group.rows.entries()) {
      const r = await estimateJson(row.argv);
      const d = r.disaggregation;
      const chips = d === null ? r.inputs.chips : d.prefillChips + d.decodeChips;
      lines.push(
        `| ${i + 1}. ${row.deployment} | ${chips.toLocaleString('en-US')} | ${formatNumber(r.tokensPerSPerUser)} | ${formatDuration(r.ttftS)} | ${formatNumber(r.tokensPerSPerChip)} | ${formatUsd(r.costPerMillionTokensUsd)} | ${formatEnergy(r.energyPerTokenJ)} | ${limitOf(r)} |`,
      );
      commands.push(`${i + 1}. \`ridgeline ${row.argv.join(' ')}\``);
    }
    lines.push('', ...commands, '');
  }
  return lines;
}

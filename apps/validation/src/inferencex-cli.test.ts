import { describe, expect, test } from 'vitest';
import { runCli } from 'ridgeline';
import { inferencexArgv, predictedTputPerGpu, predictInferencex, readInferencex, selectInferencex } from './inferencex.ts';

/** `ridgeline <argv> --json`, in-process: the exit code and the parsed result. */
async function estimateJson(argv: string[]): Promise<{ code: number; result: { ttftS: number; tokensPerSPerUser: number; totalTokensPerSPerChip: number; requestLatencyS: number; tpotS: number; feasible: boolean; reason: string | null } }> {
  let stdout = '';
  const code = await runCli([...argv, '--json'], { stdout: (s) => void (stdout += s), stderr: () => undefined });
  return { code, result: JSON.parse(stdout) as never };
}

describe('every reproduced InferenceX row runs through the CLI with the flags of its command', () => {
  const kept = selectInferencex(readInferencex()).kept;

  test('single-node and disaggregated, MTP or not, dp attention or not: the CLI gives the reported prediction', async () => {
    const mismatches: string[] = [];
    const kinds = new Set<string>();
    for (const row of kept) {
      const prediction = predictInferencex(row, 'continuous');
      const { code, result } = await estimateJson(inferencexArgv(row));
      kinds.add(`${row.disagg ? 'disagg' : 'single'} ${row.specMethod} ${prediction.config.attentionSharding ?? 'heads'}`);
      if (prediction.predicted === undefined) {
        // infeasible: an answer like any other, exit 0, with the same reason in its JSON
        if (code !== 0 || result.feasible || result.reason !== prediction.infeasibleReason) mismatches.push(`line ${row.line}: ${code} ${result.reason}`);
        continue;
      }
      const same = code === 0 && predictedTputPerGpu(row, result) === prediction.predicted.throughput && result.tokensPerSPerUser === prediction.predicted.interactivity && result.ttftS === prediction.predicted.ttft;
      if (!same && mismatches.length < 10) mismatches.push(`line ${row.line}: ${inferencexArgv(row).join(' ')}`);
    }
    expect(mismatches).toEqual([]);
    // all eight kinds of row are among them
    expect([...kinds].sort()).toEqual([
      'disagg mtp dp', 'disagg mtp heads', 'disagg none dp', 'disagg none heads',
      'single mtp dp', 'single mtp heads', 'single none dp', 'single none heads',
    ]);
  }, 120_000);
});

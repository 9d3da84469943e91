import type { PlanPowerBudget, PlanUnpowered } from '@ridgeline/engine';
import { describe, expect, it } from 'vitest';
import { cli, expectNoStack, expectUserError } from '../test-cli.ts';

interface PlanJson {
  readonly results: readonly {
    readonly chip: string;
    readonly meetsTargets: boolean;
    readonly command: readonly string[];
    readonly result: { readonly ttftS: number; readonly tpotS: number; readonly tokensPerSPerChip: number; readonly feasible: boolean };
  }[];
}

/** A disaggregated answer as `plan --json` gives it: the pools beside the estimate. */
interface DisaggregatedJson {
  readonly results: readonly (PlanJson['results'][number] & {
    readonly replicas: number;
    readonly chips: number;
    readonly disaggregation: {
      readonly prefillChip: string;
      readonly prefillWorkers: number;
      readonly decodeWorkers: number;
      readonly prefillWorkerChips: number;
      readonly decodeWorkerChips: number;
      readonly bound: string;
    } | null;
    readonly result: {
      readonly disaggregation: { readonly prefillChip: string; readonly prefillWorkers: number; readonly decodeWorkers: number; readonly prefillChips: number; readonly decodeChips: number; readonly bound: string } | null;
    };
  })[];
}

const LLAMA_70B = ['plan', '--model', 'llama-3.1-70b', '--hardware', 'h100-sxm', '--hardware', 'h200', '--hardware', 'mi300x', '--hardware', 'tpu-v6e', '--input', '2048', '--output', '256', '--ttft', '2s', '--tpot', '50ms'];

// The disaggregated searches take seconds each, more when every package's suite shares the two cores.
describe('ridgeline plan', { timeout: 240_000 }, () => {
  it('answers Llama 3.1 70B on H100, H200, MI300X and TPU v6e, and every answer re-estimates within its targets', async () => {
    const r = await cli([...LLAMA_70B, '--json']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as PlanJson;
    expect(plan.results.map((x) => x.chip).sort()).toEqual(['h100-sxm', 'h200', 'mi300x', 'tpu-v6e']);
    for (const entry of plan.results) {
      expect(entry.meetsTargets).toBe(true);
      expect(entry.command[0]).toBe('estimate');
      expect(entry.command).toContain('--hardware');
      const again = await cli([...entry.command, '--json']);
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toEqual(entry.result);
      expect(entry.result.ttftS).toBeLessThanOrEqual(2);
      expect(entry.result.tpotS).toBeLessThanOrEqual(0.05);
    }
    const perChip = plan.results.map((x) => x.result.tokensPerSPerChip);
    expect(perChip).toEqual([...perChip].sort((a, b) => b - a));
  });

  it('reads a latency target with any duration unit: --ttft 1.5min is --ttft 90', async () => {
    const base = ['plan', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--tpot', '50ms', '--json'];
    const minutes = await cli([...base, '--ttft', '1.5min']);
    expect(minutes.code, minutes.stderr).toBe(0);
    expect(minutes.stdout).toBe((await cli([...base, '--ttft', '90'])).stdout);
  });

  it('prints a table per chip, what limits each, and the command that reproduces the best', async () => {
    const r = await cli(LLAMA_70B);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Plan for llama-3\.1-70b, 2,048 in \/ 256 out, TTFT ≤ 2\.00 s, TPOT ≤ 50\.0 ms: most output tokens\/s per chip$/m);
    for (const chip of ['h100-sxm', 'h200', 'mi300x', 'tpu-v6e']) {
      expect(r.stdout).toMatch(new RegExp(`^\\d  ${chip} +yes `, 'm'));
      expect(r.stdout).toMatch(new RegExp(`^${chip}: decode (compute|memory|network)-bound; .+ configurations meet the targets\\)$`, 'm'));
    }
    expect(r.stdout).toMatch(/^Reproduce #1: ridgeline estimate --model llama-3\.1-70b --hardware \S+ --chips \d+/m);
    // the last line: each chip's calibration status, TTFT's error where measured (the targets are a TTFT's and a TPOT's)
    const last = r.stdout.trimEnd().split('\n').at(-1)!;
    expect(last).toMatch(/^Calibration: h100-sxm fitted .*; h200 fitted .*; mi300x fitted .*; tpu-v6e fitted /);
    expect(last).toMatch(/h200 fitted .*time to first token [\d.]+%/);
  });

  it('--attention-weights holds attention wider in every configuration, and its command reproduces the answer', async () => {
    const argv = ['plan', '--model', 'deepseek-v3', '--hardware', 'b200', '--ttft', '2s', '--tpot', '50ms', '--precisions', 'fp4,fp8', '--attention-weights', 'fp8', '--json'];
    const r = await cli(argv);
    expect(r.code, r.stderr).toBe(0);
    const [entry] = (JSON.parse(r.stdout) as { results: { command: string[]; result: { inputs: { precision: { weights: string; attentionWeights?: string } } } }[] }).results;
    const precision = entry!.result.inputs.precision;
    // B200's best is an fp4 one, its attention held at fp8, as its command says
    expect(precision).toEqual({ weights: 'fp4', kvCache: 'fp8', activations: 'fp4', attentionWeights: 'fp8' });
    expect(entry!.command.join(' ')).toContain('--weights fp4 --kv fp8 --activations fp4 --attention-weights fp8');
    const again = await cli([...entry!.command, '--json']);
    expect(JSON.parse(again.stdout)).toEqual(entry!.result);
    expectUserError(await cli([...argv.slice(0, -3), '--attention-weights', 'fp5']), '--attention-weights must be one of fp32, bf16, fp16, fp8, int8, fp4, int4, got "fp5"');
  });

  it('takes comma-separated chips, and answers a chip that cannot meet the targets with its closest configuration and wall', async () => {
    const r = await cli(['plan', '--model', 'llama-3.1-70b', '--hardware', 'h100-sxm,a100-sxm', '--tpot', '1ms', '--json']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as PlanJson & { results: { misses: { target: string; ratio: number }[] }[] };
    expect(plan.results).toHaveLength(2);
    for (const entry of plan.results) {
      expect(entry.meetsTargets).toBe(false);
      expect(entry.result.feasible).toBe(true);
      expect(entry.misses[0]?.target).toBe('tpot');
      expect(entry.misses[0]?.ratio).toBeCloseTo(entry.result.tpotS / 0.001, 12);
    }
    const text = await cli(['plan', '--model', 'llama-3.1-70b', '--hardware', 'h100-sxm', '--tpot', '1ms']);
    expect(text.stdout).toMatch(/^h100-sxm: misses TPOT by [\d.]+× at best \([\d.]+ ms; decode is (compute|memory|network)-bound\) \(0 of [\d,]+ configurations meet the targets\)$/m);
  });

  it('says what a chip computes in when none of --precisions runs on it', async () => {
    const r = await cli(['plan', '--model', 'llama-3.1-8b', '--hardware', 'groq-lpu', '--tpot', '50ms']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^groq-lpu: computes in fp16, int8, none of --precisions bf16, fp8: add one \(e\.g\. --precisions fp16,int8\)/m);
  });

  it('plans Llama 3.1 70B decoding on H200 with prefill on B200, and every answer re-estimates through its command, --prefill-* flags included', async () => {
    const r = await cli(['plan', '--model', 'llama-3.1-70b', '--hardware', 'h200', '--prefill-hardware', 'b200', '--ttft', '1s', '--tpot', '30ms', '--rate', '40', '--json']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as DisaggregatedJson;
    expect(plan.results.map((x) => x.chip)).toEqual(['h200']);
    for (const entry of plan.results) {
      expect(entry.meetsTargets).toBe(true);
      const pools = entry.result.disaggregation;
      expect(entry.command).toEqual(expect.arrayContaining(['--prefill-workers', String(pools?.prefillWorkers), '--decode-workers', String(pools?.decodeWorkers), '--prefill-hardware', 'b200']));
      const again = await cli([...entry.command, '--json']);
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toEqual(entry.result);
      expect(entry.result.ttftS).toBeLessThanOrEqual(1);
      expect(entry.result.tpotS).toBeLessThanOrEqual(0.03);
      // replicas of the prefill:decode unit serve the rate, within the default budget of 64 chips
      expect(pools?.prefillChip).toBe('b200');
      expect(entry.disaggregation).toMatchObject({ prefillChip: 'b200', prefillWorkers: pools?.prefillWorkers, decodeWorkers: pools?.decodeWorkers, bound: pools?.bound });
      expect(entry.chips).toBe(entry.replicas * ((pools?.prefillChips ?? 0) + (pools?.decodeChips ?? 0)));
      expect(entry.chips).toBeLessThanOrEqual(64);
    }
  });

  it('--disaggregate prints the prefill:decode workers and their chips, what sets the rate, and the command of one replica', async () => {
    const argv = ['plan', '--model', 'deepseek-v3', '--hardware', 'h200', '--disaggregate', '--ttft', '2s', '--tpot', '50ms'];
    const r = await cli(argv);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Plan for deepseek-v3, 2,048 in \/ 256 out, TTFT ≤ 2\.00 s, TPOT ≤ 50\.0 ms: most output tokens\/s per chip over both pools$/m);
    expect(r.stdout).toMatch(/^Searched disaggregated replicas: prefill workers \(TP on the decode chip\) feeding decode workers \(TP, PP, EP, attention by heads or dp\), prefill:decode 8:1 to 1:16, /m);
    expect(r.stdout).toMatch(/^#  chip  meets  chips  replicas  prefill +decode +tp  pp  ep  batch /m);
    expect(r.stdout).toMatch(/^1  h200  yes +\d+ +1  \d+×\d+ h200( dp)? +\d+×\d+( dp)? /m);
    expect(r.stdout).toMatch(/^h200: prefill:decode \d+:\d+, the (decode|prefill) workers set the request rate \(.+\); decode (compute|memory|network)-bound; .+ configurations meet the targets\)$/m);
    expect(r.stdout).toMatch(/^Reproduce #1: ridgeline estimate --model deepseek-v3 --hardware h200 --chips \d+ --tp \d+ .*--prefill-workers \d+ --decode-workers \d+ --prefill-tp \d+/m);
    // the printed command is --json's, and it reproduces the answer (MoE flags such as --attention dp included)
    const plan = JSON.parse((await cli([...argv, '--json'])).stdout) as DisaggregatedJson;
    const [entry] = plan.results;
    expect(r.stdout).toContain(`Reproduce #1: ridgeline ${entry?.command.join(' ')}\n`);
    const again = await cli([...(entry?.command ?? []), '--json']);
    expect(JSON.parse(again.stdout)).toEqual(entry?.result);
  });

  it.each([
    [['--tpot', '50ms', '--prefill-hardware', 'b200,'], '--prefill-hardware must name a chip id, alias or plugin (see "ridgeline hardware list"), got an empty value'],
    [['--tpot', '50ms', '--prefill-hardware', 'b20'], '--prefill-hardware: unknown hardware "b20". Did you mean "b200"? Run "ridgeline hardware list" to see all.'],
    [['--tpot', '50ms', '--prefill-hardware', 'b200', '--no-disaggregate'], '--prefill-hardware plans disaggregated serving, which --no-disaggregate turns off: give one of them'],
    [['--tpot', '50ms', '--disaggregate', '--max-chips', '1'], '--max-chips must be at least 2 with --disaggregate (a prefill and a decode worker), got "1"'],
  ])('rejects disaggregation flags %j with one line and exit 2', async (extra, message) => {
    const r = await cli(['plan', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', ...extra]);
    expectUserError(r, message);
    expectNoStack(r);
  });

  it.each([
    [['--tpot', 'fast'], '--tpot must be a duration above 0 and at most 1 day: a number of seconds (0.05) or a number with a unit (s, ms, us, µs, min, h, d; e.g. 2s, 500ms, 1.5min), got "fast"'],
    [['--ttft', '0'], '--ttft must be a duration above 0 and at most 1 day: a number of seconds (0.05) or a number with a unit (s, ms, us, µs, min, h, d; e.g. 2s, 500ms, 1.5min), got "0"'],
    [['--ttft', '0x2'], '--ttft must be a duration above 0 and at most 1 day: a number of seconds (0.05) or a number with a unit (s, ms, us, µs, min, h, d; e.g. 2s, 500ms, 1.5min), got "0x2"'],
    [['--ttft', ''], '--ttft needs a value (duration), got ""'],
    [[], 'give --ttft and/or --tpot: the latency targets to plan for (e.g. --ttft 2s --tpot 50ms)'],
    [['--tpot', '50ms', '--objective', 'chips'], '--objective chips needs --rate: the requests per second to serve'],
    [['--tpot', '50ms', '--rate', '0'], '--rate must be a request rate above 0 and at most 1000000000 per second, got "0"'],
    [['--tpot', '50ms', '--max-chips', '100000'], '--max-chips must be a positive integer up to 65536, got "100000"'],
    [['--tpot', '50ms', '--precisions', 'fp8,fp9'], '--precisions: unknown precision "fp9". Did you mean "fp4" or "fp8"? Allowed: fp32, bf16, fp16, fp8, int8, fp4, int4'],
    [['--tpot', '50ms', '--hardware', 'h100,'], '--hardware must name a chip id, alias or plugin (see "ridgeline hardware list"), got an empty value'],
  ])('rejects %j with one line and exit 2', async (extra, message) => {
    const hardware = extra.includes('--hardware') ? [] : ['--hardware', 'h100-sxm'];
    const r = await cli(['plan', '--model', 'llama-3.1-8b', ...hardware, ...extra]);
    expectUserError(r, message);
    expectNoStack(r);
  });
});

describe('ridgeline plan --stack', { timeout: 240_000 }, () => {
  it('plans every chip on the named profile, notes a chip without it, and reproduces with --stack', async () => {
    const base = ['plan', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--hardware', 'tpu-v6e', '--input', '1024', '--output', '128', '--tpot', '50ms'];
    const r = await cli([...base, '--stack', '2023', '--json']);
    expect(r.code).toBe(0);
    // TPU v6e has no 2023 profile: a note, not an error
    expect(r.stderr).toContain('ridgeline: note: tpu-v6e has no "2023" efficiency profile');
    const plan = JSON.parse(r.stdout) as { results: { chip: string; command: string[]; result: { inputs: { efficiencies: { calibration: { basis: string } | null } } } }[] };
    const h100 = plan.results.find((x) => x.chip === 'h100-sxm')!;
    expect(h100.command.slice(-2)).toEqual(['--stack', '2023']);
    // the answer was searched on the 2023 efficiencies (public.csv rows), not the default InferenceX profile
    expect(h100.result.inputs.efficiencies.calibration?.basis).toMatch(/public\.csv rows TRTO-01/);
    const byDefault = JSON.parse((await cli([...base, '--json'])).stdout) as typeof plan;
    expect(byDefault.results.find((x) => x.chip === 'h100-sxm')!.command).not.toContain('--stack');
    expect(byDefault.results.find((x) => x.chip === 'h100-sxm')!.result.inputs.efficiencies.calibration?.basis).toMatch(/InferenceX/);
  });
});

describe('ridgeline plan --price-basis tco', { timeout: 240_000 }, () => {
  const base = ['plan', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--input', '1024', '--output', '128', '--tpot', '50ms', '--objective', 'cost'];
  interface CostJson {
    results: { command: string[]; result: { costPerMillionTokensUsd: number; inputs: { usdPerChipHour: number }; cost?: unknown } }[];
  }

  it('ranks on the cost of ownership, and each answer reproduces with the same price flags', async () => {
    const tco = await cli([...base, '--price-basis', 'tco', '--utilization', '0.6', '--json']);
    expect(tco.code).toBe(0);
    const [best] = (JSON.parse(tco.stdout) as CostJson).results;
    // H100's tco price at 60% utilisation: capital and rent over fewer hours, by the model's own rule
    expect(best!.command.slice(-4)).toEqual(['--price-basis', 'tco', '--utilization', '0.6']);
    const again = await cli([...best!.command, '--json']);
    expect(again.code).toBe(0);
    const estimate = JSON.parse(again.stdout) as { costPerMillionTokensUsd: number; inputs: { usdPerChipHour: number } };
    expect(estimate.inputs.usdPerChipHour).toBe(best!.result.inputs.usdPerChipHour);
    expect(estimate.costPerMillionTokensUsd).toBe(best!.result.costPerMillionTokensUsd);
    // a different price than the list one
    const [listed] = (JSON.parse((await cli([...base, '--json'])).stdout) as CostJson).results;
    expect(best!.result.inputs.usdPerChipHour).not.toBe(listed!.result.inputs.usdPerChipHour);
  });

  it("carries estimate --json's cost block in each result, under tco and list alike", async () => {
    for (const extra of [['--price-basis', 'tco', '--utilization', '0.6'], []]) {
      const [best] = (JSON.parse((await cli([...base, ...extra, '--json'])).stdout) as CostJson).results;
      const estimate = JSON.parse((await cli([...best!.command, '--json'])).stdout) as { cost: unknown };
      expect(best!.result.cost).toEqual(estimate.cost);
      // the headline $/Mtok is the result's own, and the basis is the one asked for
      expect(best!.result.cost).toMatchObject({ basis: extra.length === 0 ? 'list' : 'tco', usdPerMillionOutputTokens: best!.result.costPerMillionTokensUsd });
    }
  });

  it.each([
    [['--hardware', 'h200', '--price-basis', 'tco'], 'h200 has no sourced capital cost: give --capital-usd (its purchase price per chip, USD) for --price-basis tco'],
    [['--utilization', '0.5'], '--utilization needs --price-basis tco'],
    [['--pue', '1.3'], '--pue needs --price-basis tco or --power-budget in plan (it prices the electricity of the cost of ownership, or sets the provisioned power)'],
    [['--price-basis', 'tco', '--prefill-hardware', 'b200'], "--price-basis tco prices each answer's one chip: give --prefill-hardware only with --price-basis list"],
  ])('refuses %j in one line', async (extra, message) => {
    expectUserError(await cli([...base, ...extra]), message);
  });
});

/** A power-budget answer as `plan --power-budget --json` gives it. */
interface BudgetJson {
  readonly results: readonly (PlanJson['results'][number] & {
    readonly replicas: number;
    readonly chips: number;
    // the JSON of the engine's PlanPowerBudget
    readonly powerBudget: PlanPowerBudget | null;
    readonly disaggregation: { readonly prefillChip: string; readonly prefillWorkers: number; readonly decodeWorkers: number; readonly prefillWorkerChips: number; readonly decodeWorkerChips: number } | null;
    readonly result: { readonly tokensPerSPerChip: number; readonly energy: { readonly provisionedFacilityW: number; readonly pue: number } };
  })[];
  readonly unpowered: readonly PlanUnpowered[];
  readonly noAnswer: string | null;
}

describe('ridgeline plan --power-budget', { timeout: 240_000 }, () => {
  const base = ['plan', '--model', 'llama-3.1-70b', '--input', '2048', '--output', '256', '--ttft', '2s', '--tpot', '50ms'];

  it('fills 20 MW with H100s: floor(budget / per-replica provisioned power) replicas, within the budget, as the arithmetic by hand says', async () => {
    const r = await cli([...base, '--hardware', 'h100-sxm', '--power-budget', '20MW', '--json']);
    expect(r.code).toBe(0);
    const [h100] = (JSON.parse(r.stdout) as BudgetJson).results;
    const b = h100!.powerBudget!;
    // H100 SXM: P_max 700 W + DGX H100 node share 10,200/8 − 700 = 575 W = 1,275 W of IT power, × PUE 1.2 (default) = 1,530 W per chip
    expect(b.budgetW).toBe(20e6);
    expect(b.pue).toBe(1.2);
    expect(b.provisionedWPerChip).toBeCloseTo(1530, 9);
    // a replica of TP·PP chips provisions replicaChips × 1,530 W; the budget holds ⌊20e6 / that⌋ of them
    expect(b.provisionedWPerReplica).toBeCloseTo(b.replicaChips * 1530, 6);
    expect(b.replicas).toBe(Math.floor(20e6 / (b.replicaChips * 1530)));
    // e.g. 8-chip replicas: 20e6 / 12,240 = 1,633.99 → 1,633 replicas, 13,064 chips, 19,987,920 W
    expect(b.chips).toBe(b.replicas * b.replicaChips);
    expect(h100!.chips).toBe(b.chips);
    expect(h100!.replicas).toBe(b.replicas);
    expect(b.provisionedFacilityW).toBeCloseTo(b.chips * 1275 * 1.2, 3);
    expect(b.provisionedFacilityW).toBeLessThanOrEqual(20e6);
    // one more replica would not fit
    expect((b.replicas + 1) * b.replicaChips * 1530).toBeGreaterThan(20e6);
    // the estimate behind the answer is the whole fleet, and provisions the same power
    expect(h100!.result.energy.provisionedFacilityW).toBe(b.provisionedFacilityW);
    expect(b.tokensPerS).toBeCloseTo(h100!.result.tokensPerSPerChip * b.chips, 6);
    expect(['power', 'capacity', 'bandwidth', 'compute', 'network']).toContain(b.binding);
    // H100's power figures are sourced or derived, none an estimate
    expect(b.estimatedPowerFigures).toEqual([]);
    // the reproduce command runs the whole fleet
    expect(h100!.command).toContain(String(b.chips));
  });

  it('takes --pue into the provisioned power, and reproduces with it', async () => {
    const r = await cli([...base, '--hardware', 'h100-sxm', '--power-budget', '500 kW', '--pue', '1.5', '--json']);
    expect(r.code).toBe(0);
    const [h100] = (JSON.parse(r.stdout) as BudgetJson).results;
    const b = h100!.powerBudget!;
    // 1,275 W × 1.5 = 1,912.5 W per chip; 500 kW holds ⌊500,000 / (chips per replica × 1,912.5)⌋ replicas
    expect(b.provisionedWPerChip).toBeCloseTo(1912.5, 9);
    expect(b.replicas).toBe(Math.floor(500e3 / (b.replicaChips * 1912.5)));
    expect(b.provisionedFacilityW).toBeLessThanOrEqual(500e3);
    expect(h100!.result.energy.pue).toBe(1.5);
    expect(h100!.command.slice(-2)).toEqual(['--pue', '1.5']);
  });

  it('ranks chips by the fleet the budget powers, and says which wall binds in the report', async () => {
    const json = await cli([...base, '--hardware', 'h100-sxm,tpu-v6e', '--power-budget', '2MW', '--json']);
    const results = (JSON.parse(json.stdout) as BudgetJson).results;
    const fleet = results.map((x) => x.powerBudget!.tokensPerS);
    expect(fleet[0]).toBeGreaterThanOrEqual(fleet[1]!);
    // TPU v6e's power is an unpublished estimate: the answer says so
    expect(results.find((x) => x.chip === 'tpu-v6e')!.powerBudget!.estimatedPowerFigures).toContain('power.maxW');
    const text = await cli([...base, '--hardware', 'h100-sxm,tpu-v6e', '--power-budget', '2MW']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('under a 2.00 MW facility power budget');
    expect(text.stdout).toMatch(/2\.00 MW powers [\d,]+ replicas? of \d+ chips? .*the wall: (power|capacity|bandwidth|compute|network)/);
  });

  it('gives no answer when the budget cannot power one replica of any chip: one line, and --json says the same', async () => {
    // 1 kW is under one H100's 1,530 W and one B200's (1,000 + 787.5) × 1.2 = 2,145 W; Llama 3.1 70B fits on one H100 at fp8
    const argv = [...base, '--hardware', 'h100-sxm,b200', '--power-budget', '1kW'];
    const text = await cli(argv);
    // a valid question without an answer, as a plan whose targets are missed: exit 0
    expect(text.code).toBe(0);
    expect(text.stderr).toBe('');
    expect(text.stdout).toBe("--power-budget 1kW is below the smallest replica's provisioned power (1.53 kW: 1 h100-sxm chip); no layout fits\n");
    const json = await cli([...argv, '--json']);
    expect(json.code).toBe(0);
    const plan = JSON.parse(json.stdout) as BudgetJson;
    expect(plan.results).toEqual([]);
    expect(plan.noAnswer).toBe(text.stdout.trimEnd());
    expect(plan.unpowered.map((u) => [u.chip, u.replicaChips])).toEqual([['h100-sxm', 1], ['b200', 1]]);
    expect(plan.unpowered[0]!.provisionedWPerReplica).toBeCloseTo(1530, 9);
    expect(plan.unpowered[1]!.provisionedWPerReplica).toBeCloseTo(2145, 9);
    for (const u of plan.unpowered) expect(u.provisionedWPerReplica).toBeGreaterThan(1000);
  });

  it('leaves out a chip the budget cannot power one replica of, and answers the others within it', async () => {
    // 2 kW powers one H100 (1,530 W) but no B200 (2,145 W); Llama 3.1 8B fits on one chip of either
    const argv = ['plan', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm,b200', '--ttft', '2s', '--tpot', '50ms', '--power-budget', '2kW'];
    const json = await cli([...argv, '--json']);
    expect(json.code).toBe(0);
    const plan = JSON.parse(json.stdout) as BudgetJson;
    expect(plan.results.map((x) => x.chip)).toEqual(['h100-sxm']);
    expect(plan.results[0]!.powerBudget!.replicas).toBe(1);
    expect(plan.results[0]!.result.energy.provisionedFacilityW).toBeLessThanOrEqual(2000);
    expect(plan.unpowered).toEqual([{ chip: 'b200', prefillChip: null, replicaChips: 1, provisionedWPerReplica: expect.closeTo(2145, 9) }]);
    expect(plan.noAnswer).toBeNull();
    const text = await cli(argv);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^1  h100-sxm  yes /m);
    expect(text.stdout).not.toMatch(/^\d+  b200 /m);
    expect(text.stdout).toContain('\nb200: no answer: its smallest replica (1 chip) provisions 2.15 kW, above the 2.00 kW budget\n');
  });

  it('--disaggregate fills 20 MW with replicas of prefill (B200) and decode (H200) pools, each chip provisioned, as the arithmetic by hand says', async () => {
    const argv = [...base, '--hardware', 'h200', '--prefill-hardware', 'b200', '--power-budget', '20MW'];
    const r = await cli([...argv, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const [h200] = (JSON.parse(r.stdout) as BudgetJson).results;
    const b = h200!.powerBudget!;
    const pools = h200!.disaggregation!;
    expect(pools.prefillChip).toBe('b200');
    // a replica: n_p B200 prefill workers of W_p chips at (1,000 + 787.5) W, and n_d H200 decode workers of W_d chips at (700 + 575) W, all × PUE 1.2
    const prefillChips = pools.prefillWorkers * pools.prefillWorkerChips;
    const decodeChips = pools.decodeWorkers * pools.decodeWorkerChips;
    const replicaW = (prefillChips * 1787.5 + decodeChips * 1275) * 1.2;
    expect(b.replicaChips).toBe(prefillChips + decodeChips);
    expect(b.provisionedWPerReplica).toBeCloseTo(replicaW, 6);
    expect(b.replicas).toBe(Math.floor(20e6 / replicaW));
    expect((b.replicas + 1) * replicaW).toBeGreaterThan(20e6);
    expect(h200!.replicas).toBe(b.replicas);
    expect(h200!.chips).toBe(b.replicas * b.replicaChips);
    expect(b.provisionedFacilityW).toBeCloseTo(b.replicas * replicaW, 3);
    expect(b.provisionedFacilityW).toBeLessThanOrEqual(20e6);
    // the estimate behind the answer is one replica: it provisions one replica's power, and the fleet serves replicas × its tokens/s
    expect(h200!.result.energy.provisionedFacilityW).toBe(b.provisionedWPerReplica);
    expect(b.tokensPerS).toBeCloseTo(h200!.result.tokensPerSPerChip * b.chips, 6);
    expect(['power', 'capacity', 'bandwidth', 'compute', 'network']).toContain(b.binding);
    const text = await cli(argv);
    expect(text.stdout).toContain('most output tokens/s of the fleet over both pools');
    expect(text.stdout).toMatch(new RegExp(`^Reproduce #1 \\(one of its ${b.replicas.toLocaleString('en')} replicas\\): ridgeline estimate .*--prefill-hardware b200`, 'm'));
  });

  it('--disaggregate keeps every answer within the budget, and each reproduces through its estimate command', async () => {
    for (const objective of ['throughput', 'cost']) {
      const r = await cli([...base, '--hardware', 'h100-sxm,mi300x', '--disaggregate', '--power-budget', '500kW', '--objective', objective, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const plan = JSON.parse(r.stdout) as BudgetJson;
      expect(plan.results).toHaveLength(2);
      for (const entry of plan.results) {
        const b = entry.powerBudget!;
        expect(b.replicas).toBeGreaterThan(0);
        expect(b.provisionedFacilityW).toBeLessThanOrEqual(500e3);
        expect(entry.result.energy.provisionedFacilityW * b.replicas).toBeLessThanOrEqual(500e3);
        const again = await cli([...entry.command, '--json']);
        expect(again.code).toBe(0);
        expect(JSON.parse(again.stdout)).toEqual(entry.result);
      }
      // ranked by the fleet: tokens/s, or $/Mtok with --objective cost
      const [first, second] = plan.results;
      if (objective === 'throughput') expect(first!.powerBudget!.tokensPerS).toBeGreaterThanOrEqual(second!.powerBudget!.tokensPerS);
      else expect((first!.result as unknown as { costPerMillionTokensUsd: number }).costPerMillionTokensUsd).toBeLessThanOrEqual((second!.result as unknown as { costPerMillionTokensUsd: number }).costPerMillionTokensUsd);
    }
  });

  it('--disaggregate gives no answer when the budget cannot power one prefill and one decode worker', async () => {
    // Llama 3.1 70B fits a prefill and a decode worker of one H100 each: 2 × 1,530 W = 3,060 W, above 2 kW
    const r = await cli([...base, '--hardware', 'h100-sxm', '--disaggregate', '--power-budget', '2kW', '--json']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as BudgetJson;
    expect(plan.results).toEqual([]);
    expect(plan.unpowered).toEqual([{ chip: 'h100-sxm', prefillChip: null, replicaChips: 2, provisionedWPerReplica: expect.closeTo(3060, 9) }]);
    expect(plan.noAnswer).toBe("--power-budget 2kW is below the smallest replica's provisioned power (3.06 kW: 2 h100-sxm chips); no layout fits");
    // with prefill on B200: one B200 and one H200, (1,787.5 + 1,275) W × 1.2 = 3,675 W, named by both chips
    const mixed = await cli([...base, '--hardware', 'h200', '--prefill-hardware', 'b200', '--power-budget', '3kW']);
    expect(mixed.code).toBe(0);
    expect(mixed.stdout).toBe("--power-budget 3kW is below the smallest replica's provisioned power (3.67 kW: 2 chips, h200 decoding and b200 prefilling); no layout fits\n");
  });

  it.each([
    [['--power-budget', '20'], null],
    [['--power-budget', 'lots'], '--power-budget must be a facility power above 0 and at most 10 GW: watts (2e7) or a number with a unit (W, kW, MW, GW; e.g. 20MW, 500kW), got "lots"'],
    [['--power-budget', '0MW'], '--power-budget must be a facility power above 0 and at most 10 GW: watts (2e7) or a number with a unit (W, kW, MW, GW; e.g. 20MW, 500kW), got "0MW"'],
    [['--power-budget', '11GW'], '--power-budget must be a facility power above 0 and at most 10 GW: watts (2e7) or a number with a unit (W, kW, MW, GW; e.g. 20MW, 500kW), got "11GW"'],
    [['--power-budget', '20MW', '--rate', '10'], '--power-budget and --rate both size the fleet: give one of them'],
    // --objective chips conflicts with a budget whether or not a rate is given
    [['--power-budget', '20MW', '--objective', 'chips', '--rate', '1'], '--power-budget plans for --objective throughput or cost, not chips (the budget sets the chips)'],
    [['--power-budget', '20MW', '--objective', 'chips'], '--power-budget plans for --objective throughput or cost, not chips (the budget sets the chips)'],
  ])('checks %j', async (extra, message) => {
    const r = await cli([...base, '--hardware', 'h100-sxm', ...extra, ...(message === null ? ['--json'] : [])]);
    if (message === null) {
      // a bare number is watts: 20 W powers no H100
      expect(r.code).toBe(0);
      expect((JSON.parse(r.stdout) as BudgetJson).noAnswer).toBe("--power-budget 20 is below the smallest replica's provisioned power (1.53 kW: 1 h100-sxm chip); no layout fits");
      return;
    }
    expectUserError(r, message);
  });
});

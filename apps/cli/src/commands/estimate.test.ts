import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstPartyChips } from '../registry.ts';
import { REPORT_HEADINGS } from '../report.ts';
import { cli, expectInfeasible, expectNoStack, expectUserError } from '../test-cli.ts';

const BASE = ['estimate', '--model', 'llama-3.1-70b', '--hardware', 'h100-sxm'];
const LLAMA_70B_ON_8 = [...BASE, '--chips', '8', '--tp', '8', '--batch', '64', '--input', '2048', '--output', '256'];

const REQUIRED_KEYS = [
  'feasible',
  'reason',
  'ttftS',
  'tpotS',
  'tokensPerS',
  'tokensPerSPerChip',
  'tokensPerSPerUser',
  'mfu',
  'mbu',
  'bound',
  'memoryPerChipBytes',
  'costPerMillionTokensUsd',
  'energyPerTokenJ',
  'inputs',
];

interface JsonResult {
  feasible: boolean;
  reason: string | null;
  bound: { prefill: string; decode: string };
  memoryPerChipBytes: Record<string, number>;
  tokensPerS: number;
  inputs: {
    model: string;
    chip: string;
    chips: number;
    parallelism: { tp: number; pp: number; ep: number; dp: number };
    batch: number;
    usdPerChipHour: number;
    params: { total: number };
    precision: { weights: string; kvCache: string; activations: string };
  };
}

const LLAMA_8B_CONFIG = {
  architectures: ['LlamaForCausalLM'],
  model_type: 'llama',
  hidden_size: 4096,
  intermediate_size: 14336,
  num_attention_heads: 32,
  num_hidden_layers: 32,
  num_key_value_heads: 8,
  head_dim: 128,
  hidden_act: 'silu',
  vocab_size: 128256,
  tie_word_embeddings: false,
  max_position_embeddings: 131072,
  rope_theta: 500000.0,
  torch_dtype: 'bfloat16',
};

let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ridgeline-cli-'));
  const h100 = firstPartyChips().find((c) => c.id === 'h100-sxm');
  if (h100 === undefined) throw new Error('h100-sxm missing from the first-party plugins');
  const plugin = (ids: string[]) => ({
    apiVersion: 1,
    meta: { name: 'acme-hardware', version: '1.0.0' },
    chips: ids.map((id) => ({ ...h100, id, name: `Acme ${id}`, vendor: 'Acme', aliases: [] })),
  });
  await writeFile(join(dir, 'chip.json'), JSON.stringify(plugin(['acme-x1'])));
  await writeFile(join(dir, 'chips.json'), JSON.stringify(plugin(['acme-x1', 'acme-x2'])));
  await writeFile(join(dir, 'bad-plugin.json'), JSON.stringify({ apiVersion: 1, meta: { name: 'bad', version: '0.0.0' }, chips: [{ id: 'bad' }] }));
  await mkdir(join(dir, 'llama-8b'));
  await writeFile(join(dir, 'llama-8b', 'config.json'), JSON.stringify(LLAMA_8B_CONFIG));
  await writeFile(join(dir, 'broken.json'), '{ "hidden_size": 4096,');
  await writeFile(join(dir, 'not-a-model.json'), JSON.stringify({ hello: 'world' }));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ridgeline estimate --json', () => {
  it('prints the InferenceResult of Llama-3.1-70B on 8 × H100 SXM, TP 8', async () => {
    const r = await cli([...LLAMA_70B_ON_8, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as JsonResult;
    for (const key of REQUIRED_KEYS) expect(result).toHaveProperty(key);
    expect(result.feasible).toBe(true);
    expect(result.reason).toBeNull();
    expect(['compute', 'memory', 'network']).toContain(result.bound.decode);
    expect(['compute', 'memory', 'network']).toContain(result.bound.prefill);
    expect(Object.keys(result.memoryPerChipBytes)).toEqual(
      expect.arrayContaining(['weights', 'kvCache', 'activations', 'total', 'capacity']),
    );
    expect(result.inputs).toMatchObject({
      model: 'llama-3.1-70b',
      chip: 'h100-sxm',
      chips: 8,
      parallelism: { tp: 8, pp: 1, ep: 1, dp: 1 },
      batch: 64,
      precision: { weights: 'bf16', kvCache: 'bf16', activations: 'bf16' },
    });
    expect(r.stdout).toBe(`${JSON.stringify(result, null, 2)}\n`);
  });

  it('defaults tp to the chip count, and chips to tp·pp', async () => {
    const byChips = JSON.parse((await cli([...BASE, '--chips', '8', '--json'])).stdout) as JsonResult;
    expect(byChips.inputs.parallelism).toMatchObject({ tp: 8, pp: 1, dp: 1 });
    const byTp = JSON.parse((await cli([...BASE, '--tp', '4', '--pp', '2', '--json'])).stdout) as JsonResult;
    expect(byTp.inputs.chips).toBe(8);
    expect(byTp.inputs.batch).toBe(1);
  });

  it('takes precisions and a price override', async () => {
    const r = await cli([...LLAMA_70B_ON_8, '--weights', 'fp8', '--kv', 'fp8', '--price', '1.5', '--json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as JsonResult;
    expect(result.inputs.precision).toEqual({ weights: 'fp8', kvCache: 'fp8', activations: 'bf16' });
    expect(result.inputs.usdPerChipHour).toBe(1.5);
  });
});

describe('ridgeline estimate: power and energy (docs/MODEL.md §10)', () => {
  it('reports chip, node and facility energy and tokens per provisioned MW, at --pue', async () => {
    const r = await cli([...LLAMA_70B_ON_8, '--pue', '1.5', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as JsonResult & { energy: Record<string, number | string>; powerPerChipW: number; energyPerTokenJ: number; tokensPerS: number };
    const e = result.energy;
    expect(e['powerModel']).toBe('components');
    expect(e['pue']).toBe(1.5);
    expect(e['chipJPerOutputToken']).toBe(result.energyPerTokenJ);
    // 8 H100s with 575 W of DGX host power each; provisioned 8 × (700 + 575) × 1.5 = 15,300 W
    expect(e['nodeJPerOutputToken']).toBeCloseTo((8 * result.powerPerChipW + 8 * 575) / result.tokensPerS, 9);
    expect(e['facilityJPerOutputToken']).toBeCloseTo((1.5 * (8 * result.powerPerChipW + 8 * 575)) / result.tokensPerS, 9);
    expect(e['provisionedFacilityW']).toBeCloseTo(15_300, 6);
    expect(e['tokensPerSPerProvisionedMW']).toBeCloseTo(result.tokensPerS / 0.0153, 6);
  });

  it('--power-cap throttles compute below the draw and holds it', async () => {
    const flags = [...BASE, '--chips', '8', '--tp', '8', '--batch', '64', '--input', '8192', '--json'];
    const free = JSON.parse((await cli(flags)).stdout) as { powerPerChipW: number; tokensPerS: number };
    const capped = JSON.parse((await cli([...flags, '--power-cap', '250'])).stdout) as { powerPerChipW: number; tokensPerS: number; energy: { prefillChipW: number } };
    expect(free.powerPerChipW).toBeGreaterThan(250);
    expect(capped.powerPerChipW).toBeLessThanOrEqual(250);
    expect(capped.energy.prefillChipW).toBeLessThanOrEqual(250);
    expect(capped.tokensPerS).toBeLessThan(free.tokensPerS);
  });

  it.each([
    [['--pue', '0.9'], '--pue must be a power usage effectiveness from 1 to 10, got "0.9"'],
    [['--power-cap', '-5'], '--power-cap must be a power in watts (a number > 0), got "-5"'],
    [['--power-cap', '60'], "--power-cap: power cap 60 W is at or below NVIDIA H100 SXM5 80GB's static power 70 W: the chip could do no work"],
  ])('%j → %s', async (extra, message) => {
    expectUserError(await cli([...LLAMA_70B_ON_8, ...extra]), message);
  });
});

describe('ridgeline estimate: --price-basis (docs/MODEL.md §11)', () => {
  interface CostJson {
    costPerMillionTokensUsd: number;
    costPerMillionInputTokensUsd: number;
    inputs: { usdPerChipHour: number };
    cost: {
      basis: string;
      usdPerChipHour: number;
      usdPerMillionOutputTokens: number;
      usdPerMillionInputTokens: number;
      breakdown: { capital: number; power: number; facility: number };
      breakdownPerMillionOutputTokens: { capital: number; power: number; facility: number };
    };
  }
  const run = async (extra: string[]): Promise<CostJson> => {
    const r = await cli([...LLAMA_70B_ON_8, ...extra, '--json']);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as CostJson;
  };

  it('list (the default) keeps the list price and reports it as the cost basis', async () => {
    const list = await run([]);
    expect(list.cost.basis).toBe('list');
    expect(list.cost.usdPerChipHour).toBe(2.95);
    expect(list.cost.usdPerMillionOutputTokens).toBe(list.costPerMillionTokensUsd);
    expect(list.cost.usdPerMillionInputTokens).toBe(list.costPerMillionInputTokensUsd);
    expect(list.cost.breakdown).toEqual({ capital: 2.95, power: 0, facility: 0 });
  });

  it('tco prices the H100 chip-hour from its sourced capital, power and facility, and scales $/Mtok by it', async () => {
    const list = await run([]);
    const tco = await run(['--price-basis', 'tco']);
    // capital (27,500 + 6,250) / (5 · 8760) = 0.770548; power 0.0806 · 1.275 kW · 1.2 = 0.123318; facility 184.06 · 1.275 / 730 = 0.321475
    expect(tco.cost.basis).toBe('tco');
    expect(tco.cost.breakdown.capital).toBeCloseTo(33_750 / 43_800, 12);
    expect(tco.cost.breakdown.power).toBeCloseTo(0.123318, 12);
    expect(tco.cost.breakdown.facility).toBeCloseTo(234.6765 / 730, 12);
    expect(tco.inputs.usdPerChipHour).toBeCloseTo(1.2153406, 6);
    expect(tco.cost.usdPerChipHour).toBe(tco.inputs.usdPerChipHour);
    // the same configuration at another price per chip-hour: $/Mtok scales by the ratio
    expect(tco.costPerMillionTokensUsd).toBeCloseTo((list.costPerMillionTokensUsd * tco.cost.usdPerChipHour) / 2.95, 9);
    const m = tco.cost.breakdownPerMillionOutputTokens;
    expect(m.capital + m.power + m.facility).toBeCloseTo(tco.costPerMillionTokensUsd, 9);
  });

  it('--utilization, --amortization-years, --usd-per-kwh, --usd-per-kw-month, --capital-usd and --pue move their terms', async () => {
    const t = await run(['--price-basis', 'tco', '--capital-usd', '40000', '--system-capital-usd', '0', '--amortization-years', '4', '--utilization', '0.5', '--usd-per-kwh', '0.1', '--usd-per-kw-month', '100', '--pue', '1.5']);
    // capital 40,000 / (4 · 8760 · 0.5) = 2.283105; power 0.1 · 1.275 · 1.5 = 0.19125; facility 100 · 1.275 / 730 / 0.5 = 0.349315
    expect(t.cost.breakdown.capital).toBeCloseTo(40_000 / 17_520, 12);
    expect(t.cost.breakdown.power).toBeCloseTo(0.19125, 12);
    expect(t.cost.breakdown.facility).toBeCloseTo(127.5 / 365, 12);
  });

  it('prints the tco chip-hour and its split in the text report', async () => {
    const r = await cli([...LLAMA_70B_ON_8, '--price-basis', 'tco']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/chip-hour \(tco\)\s+\$1\.22 = capital \$0\.771 \(\$33,750 over 5(\.00)? years/);
    expect(r.stdout).toMatch(/output split\s+capital \$[\d.]+ \+ power \$[\d.]+ \+ facility \$[\d.]+ per million output tokens/);
  });

  it.each([
    [['--utilization', '0.5'], '--utilization needs --price-basis tco'],
    [['--capital-usd', '1'], '--capital-usd needs --price-basis tco'],
    [['--price-basis', 'tco', '--price', '2'], '--price gives a list price per chip-hour: drop it, or drop --price-basis tco'],
    [['--price-basis', 'tco', '--utilization', '0'], '--utilization must be above 0 (a share of the hours the chips serve), got 0'],
    [['--price-basis', 'tco', '--utilization', '1.5'], '--utilization must be a share of the hours above 0, up to 1, got "1.5"'],
  ])('%j → %s', async (extra, message) => {
    expectUserError(await cli([...LLAMA_70B_ON_8, ...extra]), message);
  });

  it('a chip without a sourced capital cost names the chip and the flag, exit 2; --capital-usd answers', async () => {
    const h200 = ['estimate', '--model', 'llama-3.1-70b', '--hardware', 'h200', '--tp', '8', '--price-basis', 'tco'];
    expectUserError(await cli(h200), 'h200 has no sourced capital cost: give --capital-usd (its purchase price per chip, USD) for --price-basis tco');
    const r = await cli([...h200, '--capital-usd', '43800', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { cost: { breakdown: { capital: number } } }).cost.breakdown.capital).toBeCloseTo(1, 12);
  });
});

describe('ridgeline estimate: the status of the figures behind energy and cost (issue 12 §7)', () => {
  interface Status {
    status: 'sourced' | 'estimated';
    estimatedFigures: { chip: string; figure: string; rule: string }[];
    statusNote: string | null;
  }
  type WithStatus = { energy: Status; cost: Status & { figures: { chip: string; figure: string; status: string; source: string; asOf: string | null }[] } };
  const json = async (argv: readonly string[]): Promise<WithStatus> => {
    const r = await cli([...argv, '--json']);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as WithStatus;
  };

  it('H100: its list price, capital and system share are sourced and dated; its one estimated power figure (P_static) is named with its rule', async () => {
    const list = await json(LLAMA_70B_ON_8);
    expect(list.cost.status).toBe('sourced');
    expect(list.cost.figures).toEqual([{ chip: 'h100-sxm', figure: 'price.usdPerChipHour', status: 'sourced', source: expect.stringMatching(/^on-demand list price: Nebius/), asOf: '2026-05-18' }]);
    expect(list.cost.statusNote).toBeNull();
    const tco = await json([...LLAMA_70B_ON_8, '--price-basis', 'tco']);
    expect(tco.cost.status).toBe('sourced');
    expect(tco.cost.figures.map((f) => [f.figure, f.status, f.asOf])).toEqual([
      ['price.capitalUsd', 'sourced', '2026-12-05'],
      ['price.systemCapitalUsdPerChip', 'sourced', '2026-12-05'],
      ['power.maxW', 'sourced', null],
      ['power.nodeOverheadW', 'sourced', null],
    ]);
    // P_static is "estimate: 10% of TDP", anchored on the H200's measured idle; e_flop, e_mem, P_max and the DGX share are sourced or derived
    expect(list.energy.status).toBe('estimated');
    expect(list.energy.estimatedFigures).toEqual([{ chip: 'h100-sxm', figure: 'power.staticW', rule: expect.stringMatching(/^estimate: 10% of TDP/) }]);
    expect(list.energy.statusNote).toBe('h100-sxm: 1 of 5 power figures estimated (power.staticW)');
  });

  it('H200: every power figure and its list price sourced, and the report prints no estimate line', async () => {
    const argv = ['estimate', '--model', 'llama-3.1-70b', '--hardware', 'h200', '--tp', '8', '--batch', '64'];
    const r = await json(argv);
    expect(r.energy).toMatchObject({ status: 'sourced', estimatedFigures: [], statusNote: null });
    expect(r.cost).toMatchObject({ status: 'sourced', estimatedFigures: [], statusNote: null });
    expect((await cli(argv)).stdout).not.toMatch(/^ {2}estimated/m);
  });

  it('TPU v7: power unpublished, so every energy figure is an estimate; no on-demand list price, said in one line', async () => {
    const argv = ['estimate', '--model', 'llama-3.1-70b', '--hardware', 'tpu-v7', '--tp', '2', '--batch', '64', '--weights', 'fp8', '--kv', 'fp8', '--activations', 'fp8'];
    const r = await json(argv);
    expect(r.energy.status).toBe('estimated');
    expect(r.energy.estimatedFigures.map((f) => f.figure)).toEqual(['power.maxW', 'power.staticW', 'power.joulesPerFlop.fp8', 'power.joulesPerByteMemory', 'power.nodeOverheadW']);
    expect(r.energy.estimatedFigures.every((f) => /^estimate/.test(f.rule))).toBe(true);
    expect(r.cost.status).toBe('estimated');
    expect(r.cost.statusNote).toBe('tpu-v7: 1 of 1 cost figures estimated (price.usdPerChipHour): no on-demand list price of the common kind is published');
    const text = (await cli(argv)).stdout;
    const lines = text.split('\n').filter((l) => l.startsWith('  estimated'));
    expect(lines).toEqual([
      '  estimated      energy: tpu-v7: 5 of 5 power figures estimated (power.maxW, power.staticW, power.joulesPerFlop.fp8, power.joulesPerByteMemory, power.nodeOverheadW); cost: tpu-v7: 1 of 1 cost figures estimated (price.usdPerChipHour): no on-demand list price of the common kind is published; each rule: --json, or ridgeline hardware show tpu-v7',
    ]);
    // --price replaces the estimated price with the user's: the cost is then sourced, the energy still estimated
    const priced = await json([...argv, '--price', '2']);
    expect(priced.cost.status).toBe('sourced');
    expect(priced.cost.figures[0]).toMatchObject({ source: '--price', asOf: null });
    expect(priced.energy.status).toBe('estimated');
  });
});

describe('ridgeline estimate (report)', () => {
  it('prints every section of the readable report', async () => {
    const r = await cli(LLAMA_70B_ON_8);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const heading of REPORT_HEADINGS) expect(r.stdout).toMatch(new RegExp(`^${heading}`, 'm'));
    expect(r.stdout).toMatch(/^Llama.* on 8 × /);
    expect(r.stdout).toMatch(/continuous batching, 8,192 tokens per iteration/);
    expect(r.stdout).toMatch(/iteration \(TPOT\)\s+[\d.,]+ [mµn]?s\s+(compute|memory|network)/);
    expect(r.stdout).toMatch(/first token \(TTFT\)\s+[\d.,]+ [mµn]?s/);
    expect(r.stdout).toMatch(/each iteration runs [\d.,]+ decode \+ [\d.,]+ prompt tokens on average/);
    expect(r.stdout).toMatch(/total per chip\s+[\d.,]+ tok\/s\s+\(input \+ output\)/);
    expect(r.stdout).toMatch(/per replica\s+[\d.,]+ tok\/s/);
    expect(r.stdout).toMatch(/per chip\s+[\d.,]+ tok\/s/);
    expect(r.stdout).toMatch(/per user\s+[\d.,]+ tok\/s/);
    expect(r.stdout).toMatch(/weights\s+[\d.]+ GB/);
    expect(r.stdout).toMatch(/KV cache\s+[\d.]+ [kMGT]?B/);
    expect(r.stdout).toMatch(/output tokens\s+\$[\d.,]+ per million/);
    expect(r.stdout).toMatch(/energy\s+[\d.]+ [mµk]?J per output token/);
    expect(r.stdout).toMatch(/^What limits it: \S.*\n/m);
    // the last line: the chip's calibration status, as the plugin commits it
    expect(r.stdout).toMatch(/\nCalibration: h100-sxm fitted \(the trtllm profile, .*\); median \|error\| out of sample: throughput [\d.]+%, tokens\/s per user [\d.]+%, time to first token [\d.]+% \(InferenceX DeepSeek-R1, \d+ trtllm rows, one curve left out at a time \(h200's curves kept\)\)\n$/);
    expect(r.stdout).not.toMatch(/\u001B\[/);
  });

  it("says how the stack's KV cache budget sets what is usable, and only where the stack has one", async () => {
    // H100's default is its trtllm profile: TensorRT-LLM's 0.9 of the memory left free after 943 MiB
    const trtllm = await cli(LLAMA_70B_ON_8);
    expect(trtllm.stdout).toMatch(/\n {2}usable +the weights and activations \+ 90\.0% of the memory they and the runtime's 989 MB leave \(the serving stack's KV cache budget\)\n/);
    // and the figure is that rule's: 85.5 GB of H100 less 989 MB, weights and activations, × 0.9, plus them
    const json = JSON.parse((await cli([...LLAMA_70B_ON_8, '--json'])).stdout) as { memoryPerChipBytes: { weights: number; activations: number; capacity: number }; inputs: { kvCacheBudget: { fraction: { value: number } } | null } };
    const m = json.memoryPerChipBytes;
    expect(json.inputs.kvCacheBudget?.fraction.value).toBe(0.9);
    expect(m.capacity).toBeCloseTo(m.weights + m.activations + 0.9 * (81559 * 2 ** 20 - 943 * 2 ** 20 - m.weights - m.activations), 0);
    // the sglang profile has none: the usable fraction of all the memory, and no such line
    const sglang = await cli([...LLAMA_70B_ON_8, '--stack', 'sglang']);
    expect(sglang.stdout).not.toMatch(/\n {2}usable /);
    expect(sglang.stdout).toMatch(/of 77\.0 GB usable/);
  });

  it('prints a static batch as prefill and decode phases', async () => {
    const r = await cli([...LLAMA_70B_ON_8, '--schedule', 'static']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/static batch: the prompts prefilled together/);
    expect(r.stdout).toMatch(/prefill \(TTFT\)\s+[\d.,]+ [mµn]?s\s+(compute|memory|network)/);
    expect(r.stdout).toMatch(/decode \(TPOT\)\s+[\d.,]+ [mµn]?s\s+(compute|memory|network)/);
    expect(r.stdout).toMatch(/output tokens\s+\$[\d.,]+ per million \(decode\)/);
  });

  it('says when the budget binds and prompts queue', async () => {
    const r = await cli([...LLAMA_70B_ON_8.map((a) => (a === '64' ? '512' : a)), '--chunk-tokens', '2048']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/the 2,048-token budget is full, so prompts queue [\d.,]+ [mµn]?s before their 2 iterations/);
  });

  it('rejects a bad schedule or budget in one line, exit 2', async () => {
    for (const [flag, value, message] of [
      ['--schedule', 'dynamic', '--schedule must be one of continuous, static'],
      ['--chunk-tokens', '0', '--chunk-tokens must be a positive integer'],
      ['--chunk-tokens', '2000000', '--chunk-tokens must be a positive integer up to 1048576'],
    ] as const) {
      const r = await cli([...LLAMA_70B_ON_8, flag, value]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('ridgeline estimate --speculative', () => {
  const DEEPSEEK = ['estimate', '--model', 'deepseek-r1', '--hardware', 'h200', '--chips', '8', '--tp', '8', '--ep', '8', '--batch', '64', '--weights', 'fp8', '--kv', 'fp8', '--activations', 'fp8'];

  it('drafts with the MTP module: the report names γ, the acceptances and E, and TPOT = step ÷ E', async () => {
    const r = await cli([...DEEPSEEK, '--speculative', 'mtp', '--draft-tokens', '3', '--acceptance', '0.9,0.7,0.5']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("speculative decoding: 3 draft tokens per step from the model's MTP module, acceptance 0.900, 0.700, 0.500 → 2.84 tokens per step (TPOT = step ÷ 2.84)");
    expect(r.stdout).toMatch(/^ {2}per token \(TPOT\) /m);
    expect(r.stdout).toMatch(/decoding sequences × 4 verified/);
    const json = JSON.parse((await cli([...DEEPSEEK, '--speculative', 'mtp', '--draft-tokens', '3', '--acceptance', '0.9,0.7,0.5', '--json'])).stdout) as {
      tpotS: number;
      tokensPerSPerUser: number;
      inputs: { speculative: { expectedTokensPerStep: number; acceptance: number[] } };
    };
    expect(json.inputs.speculative.acceptance).toEqual([0.9, 0.7, 0.5]);
    expect(json.inputs.speculative.expectedTokensPerStep).toBeCloseTo(2.845, 12);
    expect(json.tokensPerSPerUser).toBeCloseTo(1 / json.tpotS, 9);
  });

  it('MTP with the chip\'s fitted acceptance beats no speculation on TPOT for DeepSeek-R1', async () => {
    const plain = JSON.parse((await cli([...DEEPSEEK, '--json'])).stdout) as { tpotS: number };
    const mtp = JSON.parse((await cli([...DEEPSEEK, '--speculative', 'mtp', '--json'])).stdout) as { tpotS: number; inputs: { speculative: { source: string } } };
    expect(mtp.tpotS).toBeLessThan(plain.tpotS);
    // the acceptance is H200's serving stack's, fitted on InferenceX's MTP rows
    expect(mtp.inputs.speculative.source).toMatch(/^h200's efficiency\.mtpAcceptance, [\d.]+ per draft position: fit: pnpm validate --fit, one value for the stack: over InferenceX DeepSeek-R1 trtllm MTP rows of [^(]*h200/);
  });

  it.each([
    [['--draft-tokens', '2'], '--draft-tokens needs --speculative mtp or draft'],
    [['--speculative', 'draft', '--acceptance', '0.7'], '--speculative draft needs --draft-model: the small model that drafts the tokens (a catalog id or config.json)'],
    [['--speculative', 'draft', '--draft-model', 'llama-3.1-8b'], '--speculative draft needs --acceptance: the probability each draft token is accepted (one value, or one per draft token)'],
    [['--speculative', 'mtp', '--draft-model', 'llama-3.1-8b'], "--draft-model needs --speculative draft (mtp drafts with the model's own module)"],
    [['--speculative', 'mtp', '--acceptance', '1.2'], '--acceptance must be a probability from 0 to 1, or a comma-separated list of them (0.9,0.7,0.5), got "1.2"'],
    [['--speculative', 'mtp', '--acceptance', '0.9,,0.5'], '--acceptance must be a probability from 0 to 1, or a comma-separated list of them (0.9,0.7,0.5), got "0.9,,0.5"'],
    [['--speculative', 'mtp', '--draft-tokens', '17'], '--draft-tokens must be a positive integer up to 16, got "17"'],
    [['--speculative', 'mtp', '--draft-tokens', '2', '--acceptance', '0.9,0.8,0.7'], '--acceptance lists 3 probabilities for --draft-tokens 2; give one per draft token, or a single value for all'],
  ])('rejects %j in one line, exit 2', async (extra, message) => {
    const r = await cli([...DEEPSEEK, ...extra]);
    expectUserError(r, message);
  });

  it('reports MTP on a model without an MTP module as infeasible', async () => {
    expectInfeasible(await cli([...LLAMA_70B_ON_8, '--speculative', 'mtp']), 'speculative_unsupported', 'llama-3.1-70b ships no multi-token-prediction module');
  });
});

describe('ridgeline estimate --two-batch-overlap', () => {
  // a static batch: its decode steps carry no prompt tokens, whose prefill overlap would hide the all-to-alls anyway
  const EP = ['estimate', '--model', 'deepseek-r1', '--hardware', 'h200', '--chips', '16', '--tp', '16', '--ep', '16', '--attention', 'dp', '--batch', '512', '--weights', 'fp8', '--kv', 'fp8', '--activations', 'fp8', '--schedule', 'static', '--json'];

  it('hides the all-to-alls behind the other micro-batch and reads the weights twice', async () => {
    type Phase = { networkS: number; memoryBoundS: number; computeBoundS: number; commS: number };
    const plain = JSON.parse((await cli(EP)).stdout) as { decode: Phase };
    const r = await cli([...EP, '--two-batch-overlap']);
    expect(r.code).toBe(0);
    const tbo = JSON.parse(r.stdout) as { decode: Phase; inputs: { twoBatchOverlap: boolean } };
    expect(tbo.inputs.twoBatchOverlap).toBe(true);
    // overlap 1: only what the operators cannot cover is exposed
    expect(tbo.decode.networkS).toBe(Math.max(0, tbo.decode.commS - (tbo.decode.computeBoundS + tbo.decode.memoryBoundS)));
    expect(tbo.decode.networkS).toBeLessThan(plain.decode.networkS);
    expect(tbo.decode.memoryBoundS).toBeGreaterThan(plain.decode.memoryBoundS);
    const text = await cli(EP.slice(0, -1).concat('--two-batch-overlap'));
    expect(text.stdout).toContain('two-batch overlap: each stage runs as two micro-batches');
  });
});

describe('ridgeline estimate --prefill-workers (disaggregated prefill and decode)', () => {
  const DEEPSEEK = ['estimate', '--model', 'deepseek-r1', '--hardware', 'h200', '--tp', '8', '--ep', '8', '--attention', 'dp', '--batch', '128', '--input', '1024', '--output', '1024', '--weights', 'fp8', '--kv', 'fp8', '--activations', 'fp8'];
  const DISAGG = [...DEEPSEEK, '--prefill-workers', '1', '--decode-workers', '3', '--prefill-tp', '8', '--prefill-ep', '8'];

  interface Disaggregated {
    tokensPerS: number;
    totalTokensPerSPerChip: number;
    requestLatencyS: number;
    disaggregation: { prefillChips: number; decodeChips: number; prefillIdleShare: number; decodeIdleShare: number; kvTransferS: number; requestsPerS: number; bound: string; kvLink: string; prefillChip: string };
    inputs: { efficiencies: { requestOverheadS: { value: number } } };
  }

  it('prints both pools, what binds and the KV transfer; --json has the disaggregation block', async () => {
    const r = await cli(DISAGG);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/disaggregated: 1 prefill worker of 8 chips \(tp 8 · ep 8\) feed 3 decode workers of 8 chips over scale-out links: 32 chips in all/);
    expect(r.stdout).toMatch(/requests\/s, set by the (prefill|decode) pool; spare capacity: prefill/);
    const json = JSON.parse((await cli([...DISAGG, '--json'])).stdout) as Disaggregated;
    expect([json.disaggregation.prefillChips, json.disaggregation.decodeChips, json.disaggregation.kvLink]).toEqual([8, 24, 'scale-out']);
    // per chip over both pools: (input + output) tokens of λ requests/s over 32 chips
    expect(json.totalTokensPerSPerChip).toBeCloseTo((json.disaggregation.requestsPerS * (1024 + 1024)) / 32, 6);
    // the pool that binds has no spare capacity (prefill by heads: its iterations at load are never slower per prompt than a full one's)
    const spare = json.disaggregation.bound === 'prefill' ? json.disaggregation.prefillIdleShare : json.disaggregation.decodeIdleShare;
    expect(spare).toBeCloseTo(0, 12);
    // Little's law over the 3 decode workers' 128 requests each, in chip time: the stack's t_req
    // delays each request's first token without occupying the chips
    const requestOverheadS = json.inputs.efficiencies.requestOverheadS.value;
    expect(requestOverheadS).toBeGreaterThan(0);
    expect(json.tokensPerS * (json.requestLatencyS - requestOverheadS)).toBeCloseTo(3 * 128 * 1024, 3);
  });

  it('says when a data-parallel prefill pool binds below its capacity, busy all the time with its few prompts each on one rank', async () => {
    // 2k prompts, C = 8,192 over 8 data-parallel ranks: a lone prompt's attention runs on one rank and
    // outlasts a full iteration's share, so the pool serves m prompts per T(m), below λ_p (docs/MODEL.md §8)
    // the README's DeepSeek-R1 disaggregation example 3 (8 B200 prefill → 8 B200 decode, 256 users)
    const args = ['estimate', '--model', 'deepseek-r1', '--weights', 'fp4', '--attention-weights', 'fp8', '--kv', 'fp8', '--activations', 'fp8', '--input', '2048', '--output', '512', '--hardware', 'b200', '--tp', '8', '--ep', '8', '--attention', 'dp', '--batch', '256', '--prefill-workers', '1', '--prefill-hardware', 'b200', '--prefill-tp', '8', '--decode-workers', '1', '--prefill-ep', '8', '--prefill-attention', 'dp'];
    const json = JSON.parse((await cli([...args, '--json'])).stdout) as Disaggregated & { explanation: string; disaggregation: { prefillBusyShare: number } };
    expect(json.disaggregation.bound).toBe('prefill');
    expect(json.disaggregation.prefillIdleShare).toBeGreaterThan(0.01);
    expect(json.disaggregation.prefillBusyShare).toBeCloseTo(1, 9);
    expect(json.explanation).toContain(`busy all the time with iterations of`);
    expect(json.explanation).toContain(`% less than iterations of a full budget would`);
    const text = (await cli(args)).stdout;
    expect(text).toContain(`spare capacity: prefill ${(json.disaggregation.prefillIdleShare * 100).toFixed(1)}% of its full-budget rate (busy all the time at its own iterations)`);
  });

  it('says how many of its rank\'s iterations a lone prompt longer than the rank\'s share of the budget takes', async () => {
    // one user: a 2,048-token prompt on one of 8 data-parallel ranks, each scheduling 8,192/8 = 1,024
    // tokens an iteration, runs in ⌈2048/1024⌉ = 2 of its rank's iterations (docs/MODEL.md §8)
    const args = ['estimate', '--model', 'deepseek-r1', '--weights', 'fp4', '--attention-weights', 'fp8', '--kv', 'fp8', '--activations', 'fp8', '--input', '2048', '--output', '512', '--hardware', 'b200', '--tp', '8', '--ep', '8', '--attention', 'dp', '--batch', '1', '--prefill-workers', '1', '--prefill-hardware', 'b200', '--prefill-tp', '8', '--decode-workers', '1', '--prefill-ep', '8', '--prefill-attention', 'dp'];
    const json = JSON.parse((await cli([...args, '--json'])).stdout) as Disaggregated & { disaggregation: { lonePromptIterations: number; promptsPerPrefillIteration: number } };
    expect(json.disaggregation.promptsPerPrefillIteration).toBe(1);
    expect(json.disaggregation.lonePromptIterations).toBe(2);
    const text = (await cli(args)).stdout;
    expect(text).toContain('a prompt takes 2 prefill iterations of itself on one of 8 data-parallel attention ranks, at most 1,024 tokens each');
  });

  it('puts prefill on another chip (GPU prefill, LPU-style mixed fleets) and names it', async () => {
    const json = JSON.parse((await cli([...DISAGG, '--prefill-hardware', 'b200', '--json'])).stdout) as Disaggregated;
    expect(json.disaggregation.prefillChip).toBe('b200');
    expect(json.disaggregation.kvLink).toBe('scale-out');
  });

  it.each([
    [['--decode-workers', '2'], '--decode-workers needs --prefill-workers (disaggregated prefill and decode)'],
    [['--prefill-hardware', 'b200'], '--prefill-hardware needs --prefill-workers (disaggregated prefill and decode)'],
    [['--prefill-workers', '0'], '--prefill-workers must be a positive integer, got "0"'],
    [['--prefill-workers', '65537'], '--prefill-workers must be a positive integer up to 65536, got "65537"'],
    [['--prefill-workers', '1', '--schedule', 'static'], '--prefill-workers needs --schedule continuous: disaggregated decode workers batch continuously'],
  ])('rejects %j in one line, exit 2', async (extra, message) => {
    expectUserError(await cli([...DEEPSEEK, ...extra]), message);
  });

  it('reports a prefill worker that breaks a rule as infeasible, naming the pool', async () => {
    expectInfeasible(await cli([...DEEPSEEK, '--prefill-workers', '1', '--prefill-tp', '3']), 'tp_divides_heads', 'Prefill worker: TP 3 does not divide the 128 attention heads');
  });
});

describe('ridgeline estimate: wide expert parallelism and uneven pipelines', () => {
  const DEEPSEEK_FP8 = ['estimate', '--model', 'deepseek-v3', '--weights', 'fp8', '--kv', 'fp8', '--activations', 'fp8', '--json'];

  it("SGLang's DeepSeek EP72 decode layout on GB200 NVL72 is feasible: attention over TP 1, experts over EP 72", async () => {
    const r = await cli([...DEEPSEEK_FP8, '--hardware', 'gb200-nvl72', '--chips', '72', '--tp', '1', '--ep', '72', '--batch', '64']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as JsonResult & { inputs: { redundantExperts: number; moeImbalance: number } };
    expect(result.feasible).toBe(true);
    // 256 experts over 72 chips: the 288 slots of SGLang's --ep-num-redundant-experts 32, 4 per chip
    expect(result.inputs.redundantExperts).toBe(32);
    expect(result.inputs.moeImbalance).toBe(1.11);
    const report = await cli([...DEEPSEEK_FP8.slice(0, -1), '--hardware', 'gb200-nvl72', '--chips', '72', '--tp', '1', '--ep', '72', '--batch', '64']);
    expect(report.stdout).toContain('experts: 4 per chip (256 + 32 redundant over ep 72)');
  });

  it('EP 24 and TP 8 · EP 72 are feasible too; TP 72 by heads points at --attention dp', async () => {
    for (const layout of [['--chips', '24', '--tp', '1', '--ep', '24'], ['--chips', '72', '--tp', '8', '--ep', '72']]) {
      const r = await cli([...DEEPSEEK_FP8, '--hardware', 'gb200-nvl72', ...layout, '--batch', '64']);
      expect(r.code, layout.join(' ')).toBe(0);
      expect((JSON.parse(r.stdout) as JsonResult).feasible, layout.join(' ')).toBe(true);
    }
    const tp72 = await cli([...DEEPSEEK_FP8.slice(0, -1), '--hardware', 'gb200-nvl72', '--chips', '72', '--tp', '72', '--ep', '72']);
    expect(tp72.code).toBe(0);
    expect(tp72.stdout).toContain("TP 72 does not divide the 128 attention heads of deepseek-v3; use a TP that divides 128 (or --attention dp, attention data-parallel beside expert parallelism as SGLang's --enable-dp-attention).");
  });

  it("SGLang's EP72 layout with data-parallel attention on GB200 NVL72 is feasible: 72 attention ranks, experts over 72", async () => {
    const layout = ['--hardware', 'gb200-nvl72', '--chips', '72', '--tp', '72', '--ep', '72', '--attention', 'dp', '--batch', '4000'];
    const r = await cli([...DEEPSEEK_FP8, ...layout]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as JsonResult & { inputs: { attentionSharding: string; redundantExperts: number } };
    expect(result.feasible).toBe(true);
    expect(result.inputs.attentionSharding).toBe('dp');
    expect(result.inputs.redundantExperts).toBe(32);
    // ⌈4000/72⌉ = 56 sequences on the busiest chip: 56 · (2048 + 256) tokens · 61 layers · 576 B of MLA latent
    expect(result.memoryPerChipBytes['kvCache']).toBeCloseTo(56 * 2304 * 61 * 576, 0);
    const report = await cli([...DEEPSEEK_FP8.slice(0, -1), ...layout]);
    expect(report.stdout).toContain('data-parallel attention: each of the 72 chips runs every head for its own sequences (the busiest 56 sequences, ⌈4000/72⌉)');
  });

  it("an FP4 MoE under a profile with no FP4 experts' fit says its experts' η_flop is derived, and one with it says nothing", async () => {
    const layout = ['--hardware', 'b200', '--chips', '8', '--tp', '8', '--ep', '8', '--attention', 'dp', '--batch', '64'];
    const fp4 = ['estimate', '--model', 'deepseek-v3', '--weights', 'fp4', '--kv', 'fp8', '--activations', 'fp4'];
    // B200's sglang profile fits its experts at FP8 only: at FP4 they take that curve × the matmuls' large-GEMM ratio,
    // the served figures at 4,096 FLOP/byte: 0.54 × 0.749 = 0.404 over 0.78 × 0.749 = 0.584 (each rounded to 0.001), 0.692
    const sglang = await cli([...fp4, ...layout, '--stack', 'sglang']);
    expect(sglang.code, sglang.stderr).toBe(0);
    expect(sglang.stdout).toMatch(/experts' η_flop at fp4: not fitted at fp4, the experts' η_flop at fp8 × 0\.692, the matmuls' η_flop for large GEMMs at fp4 over fp8 \(docs\/MODEL\.md §2\)/);
    // --json carries the derivation typed, so a tool need not read it out of the source text
    const json = JSON.parse((await cli([...fp4, ...layout, '--stack', 'sglang', '--json'])).stdout);
    expect(json.inputs.efficiencies.expertFlopDerivedFrom.precision).toBe('fp8');
    expect(json.inputs.efficiencies.expertFlopDerivedFrom.ratio).toBeCloseTo(0.404 / 0.584, 12);
    const fitted = JSON.parse((await cli([...fp4, ...layout, '--stack', 'trtllm', '--json'])).stdout);
    expect(fitted.inputs.efficiencies.expertFlopDerivedFrom).toBeNull();
    // its trtllm profile fits them at FP4 (TensorRT-LLM's FP4 rows run FP4 matmuls): no note
    const trtllm = await cli([...fp4, ...layout, '--stack', 'trtllm']);
    expect(trtllm.code, trtllm.stderr).toBe(0);
    expect(trtllm.stdout).not.toContain("experts' η_flop at fp4");
    // a dense model has no experts to note
    const dense = await cli(['estimate', '--model', 'llama-3.1-8b', '--hardware', 'b200', '--weights', 'fp4', '--kv', 'fp8', '--activations', 'fp4', '--stack', 'sglang']);
    expect(dense.code, dense.stderr).toBe(0);
    expect(dense.stdout).not.toContain("experts' η_flop");
  });

  it('DeepSeek-V3 with data-parallel attention on 8 × H200 holds 11.4 GB of FP8 attention weights per chip', async () => {
    const r = await cli([...DEEPSEEK_FP8.slice(0, -1), '--hardware', 'h200', '--chips', '8', '--tp', '8', '--ep', '8', '--attention', 'dp', '--batch', '64']);
    expect(r.code, r.stderr).toBe(0);
    // 61 layers · 187,105,280 MLA parameters · 1 B
    expect(r.stdout).toContain('(8 sequences each) with its own KV cache; attention weights replicated, 11.4 GB per chip; dense FFN, shared experts, LM head sharded over tp 8, experts over ep 8');
  });

  it('takes --redundant-experts, an integer from 0 to E·(EP − 1)', async () => {
    const base = [...DEEPSEEK_FP8, '--hardware', 'gb200-nvl72', '--chips', '72', '--tp', '1', '--ep', '72'];
    const r = await cli([...base, '--redundant-experts', '0']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { inputs: { redundantExperts: number } }).inputs.redundantExperts).toBe(0);
    const tooMany = await cli([...base.filter((w) => w !== '--json'), '--redundant-experts', '18177']);
    expectInfeasible(tooMany, 'ep_divides_experts', '18177 redundant experts: at most E·(EP − 1) = 256·71 = 18176 fit');
    expectUserError(await cli([...base, '--redundant-experts', '-1']), '--redundant-experts must be an integer ≥ 0, got "-1"');
    expectUserError(await cli([...base, '--redundant-experts', '2.5']), '--redundant-experts must be an integer ≥ 0, got "2.5"');
  });

  it('serves Llama 3.1 70B on 640 Groq LPUs at batch 6 and more: the workspace holds the chunk processed', async () => {
    const groq = ['estimate', '--model', 'llama-3.1-70b', '--hardware', 'groq-lpu', '--chips', '640', '--tp', '64', '--pp', '10', '--weights', 'int8', '--activations', 'fp16'];
    for (const [batch, kv] of [['6', 'fp16'], ['8', 'int8'], ['12', 'int8']] as const) {
      const r = await cli([...groq, '--batch', batch, '--kv', kv, '--json']);
      expect(r.code, `batch ${batch}: ${r.stderr}`).toBe(0);
      // (D + 2048)/10 ≈ 206 tokens · 9088 · 2 B ≈ 3.7 MB of activations, not 8192 tokens' 149 MB
      expect((JSON.parse(r.stdout) as JsonResult).memoryPerChipBytes['activations']).toBeLessThan(5e6);
    }
  });

  it('pipelines DeepSeek-V3 over 4 stages of uneven depth', async () => {
    const r = await cli([...DEEPSEEK_FP8.slice(0, -1), '--hardware', 'h100-sxm', '--chips', '32', '--tp', '8', '--pp', '4', '--batch', '32']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('uneven pipeline: the slowest stage holds ⌈61/4⌉ = 16 layers');
  });
});

describe('ridgeline estimate --model <config.json>', () => {
  it('reads a Hugging Face config.json', async () => {
    const r = await cli(['estimate', '--model', join(dir, 'llama-8b', 'config.json'), '--hardware', 'h100-sxm', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as JsonResult;
    expect(result.feasible).toBe(true);
    expect(result.inputs.params.total / 1e9).toBeCloseTo(8.03, 1);
  });

  it('resolves a relative path, or a directory holding config.json, from cwd', async () => {
    for (const model of ['./llama-8b/config.json', './llama-8b']) {
      const r = await cli(['estimate', '--model', model, '--hardware', 'h100', '--json'], dir);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
  });

  it('says a Hugging Face id the catalog does not know is not downloaded, rather than "file not found"', async () => {
    expectUserError(
      await cli(['estimate', '--model', 'Qwen/Qwen2.5-7B', '--hardware', 'h100-sxm'], dir),
      'unknown model "Qwen/Qwen2.5-7B": no catalog model or alias has that Hugging Face id (there is no download), and no config.json is at that path. Run "ridgeline models list" to see all.',
    );
  });

  it('reports a missing file, invalid JSON and a config it cannot read', async () => {
    expectUserError(
      await cli(['estimate', '--model', './nope/config.json', '--hardware', 'h100-sxm'], dir),
      'cannot read model config "./nope/config.json": file not found',
    );
    const broken = await cli(['estimate', '--model', './broken.json', '--hardware', 'h100-sxm'], dir);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^ridgeline: error: model config "\.\/broken\.json" is not valid JSON: .+\n$/);
    const notModel = await cli(['estimate', '--model', './not-a-model.json', '--hardware', 'h100-sxm'], dir);
    expectUserError(
      notModel,
      [
        'model config "./not-a-model.json" has 4 problems: missing "num_hidden_layers" (or "n_layer"): the number of transformer layers',
        'missing "hidden_size" (or "n_embd"): the hidden size d_model',
        'missing "num_attention_heads" (or "n_head"): the number of query heads',
        'missing "vocab_size": the vocabulary size (rows of the embedding table)',
      ].join('; '),
    );
    // a family transformers does not define has no class defaults: every required field is needed
    const { num_hidden_layers: _, ...noLayers } = { ...LLAMA_8B_CONFIG, model_type: 'new_thing', architectures: ['NewThingForCausalLM'] };
    await writeFile(join(dir, 'no-layers.json'), JSON.stringify(noLayers));
    expectUserError(
      await cli(['estimate', '--model', './no-layers.json', '--hardware', 'h100-sxm'], dir),
      'model config "./no-layers.json": missing "num_hidden_layers" (or "n_layer"): the number of transformer layers',
    );
  });

  it("fills in what a Llama config leaves out with LlamaConfig's defaults, as transformers does", async () => {
    const { intermediate_size: _, ...noFfn } = LLAMA_8B_CONFIG;
    await writeFile(join(dir, 'no-ffn.json'), JSON.stringify(noFfn));
    const r = await cli(['models', 'show', './no-ffn.json', '--json'], dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      ffnHiddenSize: 11_008,
      source: "Hugging Face config.json (no-ffn); transformers' LlamaConfig defaults for intermediate_size",
    });
  });
});

describe('ridgeline estimate --hardware <plugin>', () => {
  it('uses the first chip of a plugin file', async () => {
    const r = await cli(['estimate', '--model', 'llama-3.1-70b', '--hardware', './chip.json', '--chips', '8', '--json'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as JsonResult).inputs.chip).toBe('acme-x1');
  });

  it('picks a chip with path#chip-id, and notes the choice when a plugin has several', async () => {
    const picked = await cli(['estimate', '--model', 'llama-3.1-70b', '--hardware', './chips.json#acme-x2', '--tp', '8', '--json'], dir);
    expect(picked.stderr).toBe('');
    expect((JSON.parse(picked.stdout) as JsonResult).inputs.chip).toBe('acme-x2');
    const first = await cli(['estimate', '--model', 'llama-3.1-70b', '--hardware', './chips.json', '--tp', '8', '--json'], dir);
    expect(first.code).toBe(0);
    expect(first.stderr).toBe(
      'ridgeline: note: using chip "acme-x1", the first of 2 in acme-hardware@1.0.0; choose one with "./chips.json#<chip-id>"\n',
    );
  });

  it('reports a chip the plugin does not have', async () => {
    expectUserError(
      await cli(['estimate', '--model', 'llama-3.1-70b', '--hardware', './chips.json#acme-x3'], dir),
      'hardware plugin "./chips.json" (acme-hardware@1.0.0) has no chip "acme-x3". Did you mean "acme-x1" or "acme-x2"? Its chips: acme-x1, acme-x2.',
    );
  });

  it('reports an invalid plugin with the validation message', async () => {
    const r = await cli(['estimate', '--model', 'llama-3.1-70b', '--hardware', './bad-plugin.json'], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^ridgeline: error: \S/);
    expect(r.stderr).toContain('chips');
    expectNoStack(r);
  });

  it('reports a plugin file that does not exist', async () => {
    const r = await cli(['estimate', '--model', 'llama-3.1-70b', '--hardware', './nope.json'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ridgeline: error: cannot load hardware plugin "\.\/nope\.json": .+\n$/);
    expectNoStack(r);
  });
});

describe('ridgeline estimate: user mistakes', () => {
  it('suggests the nearest hardware id', async () => {
    expectUserError(
      await cli(['estimate', '--model', 'llama-3.1-70b', '--hardware', 'h10-sxm']),
      'unknown hardware "h10-sxm". Did you mean "h100-sxm"? Run "ridgeline hardware list" to see all.',
    );
  });

  it('takes a Hugging Face repository id the catalog knows, though it looks like a path', async () => {
    const r = await cli(['estimate', '--model', 'meta-llama/Llama-3.1-70B', '--hardware', 'h100-sxm', '--tp', '8', '--json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as JsonResult).inputs.model).toBe('llama-3.1-70b');
  });

  it('suggests the nearest model id', async () => {
    expectUserError(
      await cli(['estimate', '--model', 'llama-3.1-70', '--hardware', 'h100-sxm']),
      'unknown model "llama-3.1-70". Did you mean "llama-3.1-70b"? Run "ridgeline models list" to see all.',
    );
  });

  // An infeasible configuration is an answer: `set -e` scripts and `--json` readers get exit 0.
  it('reports an infeasible configuration with its reason and a TP that fits, exit 0; --json prints the result, exit 0', async () => {
    const r = await cli([...BASE, '--chips', '3', '--tp', '3']);
    expectInfeasible(r, 'tp_divides_heads', 'TP 3 does not divide the 64 attention heads of llama-3.1-70b; use a TP that divides 64.');
    expect(r.stdout).toContain('What fits: --chips 2 --tp 2\n  ridgeline estimate --model llama-3.1-70b --hardware h100-sxm --chips 2 --tp 2\n');
    const json = await cli([...BASE, '--chips', '3', '--tp', '3', '--json']);
    expect(json.code).toBe(0);
    expect(json.stderr).toBe('');
    const result = JSON.parse(json.stdout) as JsonResult;
    expect(result.feasible).toBe(false);
    expect(result.reason).toBe('tp_divides_heads');
  });

  // Before (reliability defect 27): "needs 302568448016.1 GB"
  it('writes a huge capacity need in exponent form', async () => {
    const r = await cli(['estimate', '--model', 'llama-3.1-70b', '--hardware', 'h100-sxm', '--batch', '1000000000', '--input', '1000000']);
    expectInfeasible(r, 'capacity', 'Does not fit: needs 3.28e11 GB per chip (weights 141.1 GB, KV cache 3.28e11 GB, activations 513025.1 GB)');
  });

  it('reports a configuration that does not fit in memory with the smallest layout that does, as a command that runs', async () => {
    const r = await cli(['estimate', '--model', 'llama-3.1-405b', '--hardware', 'h100-sxm', '--chips', '1']);
    expectInfeasible(r, 'capacity', 'Does not fit: needs 813.4 GB per chip');
    const suggested = /^  ridgeline (estimate .*)$/m.exec(r.stdout)?.[1];
    expect(suggested).toBe('estimate --model llama-3.1-405b --hardware h100-sxm --chips 12 --tp 2 --pp 6');
    const fits = await cli((suggested ?? '').split(' '));
    expect(fits.code).toBe(0);
    expect(fits.stdout).toMatch(/^Llama 3\.1 405B on 12 × NVIDIA H100 SXM5 80GB\n/);
  });

  it('gives an infeasible result with no figures and no bound', async () => {
    const json = JSON.parse((await cli(['estimate', '--model', 'llama-3.1-405b', '--hardware', 'h100-sxm', '--json'])).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ feasible: false, reason: 'capacity', minChipsToFit: 12, layoutToFit: { tp: 2, pp: 6 } });
    for (const absent of ['bound', 'prefill', 'decode', 'ttftS', 'tpotS', 'mfu']) expect(json).not.toHaveProperty(absent);
  });

  it.each([
    [['--batch', '-4'], '--batch must be a positive integer, got "-4"'],
    [['--batch=-4'], '--batch must be a positive integer, got "-4"'],
    [['--batch', '1.5'], '--batch must be a positive integer, got "1.5"'],
    [['--batch', 'NaN'], '--batch must be a positive integer, got "NaN"'],
    [['--batch'], '--batch needs a value (B). Run "ridgeline estimate --help" for usage.'],
    [['--batch', '--json'], '--batch needs a value (B), not the flag "--json". Run "ridgeline estimate --help" for usage.'],
    [['--batch='], '--batch needs a value (B), got ""'],
    [['--plugin', ''], '--plugin needs a value (package|path), got ""'],
    [['--price', ''], '--price needs a value (usd/h), got ""'],
    [['--weights='], '--weights needs one of fp32, bf16, fp16, fp8, int8, fp4, int4, got ""'],
    [['--batch', '0x10'], '--batch must be a positive integer, got "0x10"'],
    [['--batch', '1_000'], '--batch must be a positive integer, got "1_000"'],
    [['--batch', '64x'], '--batch must be a positive integer, got "64x"'],
    [['--overlap', '0.5.'], '--overlap must be a number from 0 to 1, got "0.5."'],
    [['--tp', '0'], '--tp must be a positive integer, got "0"'],
    [['--chips', 'eight'], '--chips must be a positive integer, got "eight"'],
    [['--input', '-1'], '--input must be a positive integer, got "-1"'],
    [['--output', '2.5'], '--output must be a positive integer, got "2.5"'],
    [['--overlap', '1.5'], '--overlap must be a number from 0 to 1, got "1.5"'],
    [['--moe-imbalance', '0.5'], '--moe-imbalance must be a number ≥ 1, got "0.5"'],
    [['--price', '-1'], '--price must be a price in USD per chip-hour (a number ≥ 0), got "-1"'],
    [['--weights', 'bf17'], '--weights must be one of fp32, bf16, fp16, fp8, int8, fp4, int4, got "bf17"'],
    [['--kv', 'int3'], '--kv must be one of fp32, bf16, fp16, fp8, int8, fp4, int4, got "int3"'],
    [['--chips', '6', '--pp', '4'], '--chips (6) must be a multiple of --pp (4); or give --tp as well'],
    [['--bacth', '64'], 'unknown flag "--bacth" for "ridgeline estimate". Did you mean "--batch"? Run "ridgeline estimate --help" for usage.'],
    [['--jsn'], 'unknown flag "--jsn" for "ridgeline estimate". Did you mean "--json"? Run "ridgeline estimate --help" for usage.'],
    [['extra'], 'unexpected argument "extra" for "ridgeline estimate". Run "ridgeline estimate --help" for usage.'],
  ])('%j → %s', async (extra, message) => {
    const r = await cli([...BASE, ...extra]);
    expectUserError(r, message);
  });

  it('names --model when its value is empty', async () => {
    expectUserError(await cli(['estimate', '--model', '', '--hardware', 'h100-sxm']), '--model needs a value (id|config.json), got ""');
  });

  it('reads every integer flag in the one number grammar, exponents included', async () => {
    const plain = await cli([...BASE, '--chips', '8', '--batch', '100', '--input', '1000', '--json']);
    const exponent = await cli([...BASE, '--chips', '8e0', '--batch', '1e2', '--input', '1e3', '--json']);
    expect(exponent.code, exponent.stderr).toBe(0);
    expect(exponent.stdout).toBe(plain.stdout);
  });

  it('reports a missing required flag', async () => {
    expectUserError(
      await cli(['estimate', '--hardware', 'h100-sxm']),
      'missing required flag --model. Run "ridgeline estimate --help" for usage.',
    );
    expectUserError(
      await cli(['estimate', '--model', 'llama-3.1-70b']),
      'missing required flag --hardware. Run "ridgeline estimate --help" for usage.',
    );
  });
});

describe('ridgeline estimate --stack / --efficiency-profile', () => {
  const BASE70 = ['estimate', '--model', 'llama-3.1-70b', '--chips', '8', '--tp', '8', '--batch', '64', '--json'];

  it("selects a chip's named profile; a chip without it keeps its defaults, with a one-line note", async () => {
    const r = await cli([...BASE70, '--hardware', 'h100-sxm', '--efficiency-profile', '2023']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect((JSON.parse(r.stdout) as { inputs: { efficiencies: { calibration: { status: string } } } }).inputs.efficiencies.calibration.status).toBe('fitted');
    const b200 = await cli([...BASE70, '--hardware', 'b200', '--stack', 'vllm']);
    expect(b200.code).toBe(0);
    expect(b200.stderr).toBe('ridgeline: note: b200 has no "vllm" efficiency profile (it has trtllm, sglang); using its default efficiencies\n');
    // B200's TensorRT-LLM profile, fitted on InferenceX: its status and out-of-sample error come along
    const trt = JSON.parse((await cli([...BASE70, '--hardware', 'b200', '--stack', 'trtllm'])).stdout) as { inputs: { efficiencies: { calibration: { status: string; outOfSampleError: { on: string } } } } };
    expect(trt.inputs.efficiencies.calibration.status).toBe('fitted');
    expect(trt.inputs.efficiencies.calibration.outOfSampleError.on).toMatch(/trtllm rows, one curve left out at a time/);
    expect(JSON.parse(b200.stdout)).toEqual(JSON.parse((await cli([...BASE70, '--hardware', 'b200'])).stdout));
  });

  it.each([
    [['--stack', 'sglang', '--efficiency-profile', '2023'], '--stack sglang and --efficiency-profile 2023 name different profiles; give one'],
    [['--stack', 'SGLang!'], '--stack must be a profile name (lowercase letters, digits, dots and dashes, e.g. sglang or 2023), got "SGLang!"'],
  ])('rejects %j in one line, exit 2', async (extra, message) => {
    expectUserError(await cli([...BASE70.slice(0, -1), '--hardware', 'h100-sxm', ...extra]), message);
  });
});

describe('estimate --attention-weights', () => {
  const DEEPSEEK = ['estimate', '--model', 'deepseek-v3', '--hardware', 'b200', '--chips', '8', '--tp', '8', '--ep', '8', '--batch', '64', '--weights', 'fp4', '--kv', 'fp8', '--activations', 'fp4'];

  it('holds the attention projections at their own precision, said in the report and in --json', async () => {
    const text = await cli([...DEEPSEEK, '--attention-weights', 'fp8']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('weights fp4 (attention fp8, computing at fp8)');
    const wide = JSON.parse((await cli([...DEEPSEEK, '--attention-weights', 'fp8', '--json'])).stdout);
    const narrow = JSON.parse((await cli([...DEEPSEEK, '--json'])).stdout);
    expect(wide.inputs.precision.attentionWeights).toBe('fp8');
    expect(wide.inputs.attentionComputePrecision).toBe('fp8');
    expect(narrow.inputs.attentionComputePrecision).toBe('fp4');
    // 61 layers of MLA projections now take 1 byte a parameter, not 0.5, in memory and in every decode step
    expect(wide.memoryPerChipBytes.weights).toBeGreaterThan(narrow.memoryPerChipBytes.weights);
    expect(wide.tpotS).toBeGreaterThan(narrow.tpotS);
  });

  it('rejects a precision it does not know, naming the flag', async () => {
    const r = await cli([...DEEPSEEK, '--attention-weights', 'fp5']);
    expectUserError(r, '--attention-weights must be one of fp32, bf16, fp16, fp8, int8, fp4, int4, got "fp5"');
  });
});

describe('estimate --max-batch', () => {
  const LLAMA = ['estimate', '--model', 'llama-3.1-70b', '--hardware', 'h100', '--chips', '8', '--tp', '8', '--input', '2048', '--output', '256'];

  it('runs the engine at its cap and puts the waiting requests in TTFT, said in the report and in --json', async () => {
    const capped = JSON.parse((await cli([...LLAMA, '--batch', '48', '--max-batch', '16', '--json'])).stdout);
    const atCap = JSON.parse((await cli([...LLAMA, '--batch', '16', '--json'])).stdout);
    expect(capped.inputs.batch).toBe(48);
    expect(capped.inputs.maxBatch).toBe(16);
    expect(capped.tokensPerS).toBe(atCap.tokensPerS);
    // 32 waiting clients on 16 slots: each waits two request latencies at 16 in flight, the
    // front end's t_req (the chip's fitted requestOverheadS) not among them
    const tReq = atCap.inputs.efficiencies.requestOverheadS.value;
    expect(tReq).toBeGreaterThan(0);
    expect(capped.ttftS).toBeCloseTo(atCap.ttftS + 2 * (atCap.requestLatencyS - tReq), 9);
    const text = await cli([...LLAMA, '--batch', '48', '--max-batch', '16']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('batch 48 (16 in flight, the rest wait for a slot: --max-batch)');
    expect(text.stdout).toContain('(output; 16 sequences in flight)');
    expect(text.stdout).toMatch(/32 of the 48 requests per replica wait for one of its 16 slots \(maxBatch\)/);
  });

  it('admits what the memory holds below the cap, and says so in the report and in --json', async () => {
    // 2,000 clients of 2,048 + 256 tokens: each request's BF16 KV cache is 2,304 · 80 layers · 8 KV
    // heads · 128 · 2 · 2 B / 8 chips ≈ 94.4 MB a chip, so about (77.0 − 17.6) GB / 94.4 MB ≈ 626 fit
    const json = JSON.parse((await cli([...LLAMA, '--batch', '2000', '--max-batch', '2000', '--json'])).stdout);
    expect(json.feasible).toBe(true);
    expect(json.serving.admission.limitedBy).toBe('memory');
    const k = json.serving.admission.requestsInFlight;
    expect(k).toBeGreaterThan(600);
    expect(k).toBeLessThan(650);
    expect(json.memoryPerChipBytes.kvCache / k).toBeCloseTo((2304 * 80 * 8 * 128 * 2 * 2) / 8, 0);
    const atK = JSON.parse((await cli([...LLAMA, '--batch', String(k), '--json'])).stdout);
    expect(json.tokensPerS).toBe(atK.tokensPerS);
    const tReq = atK.inputs.efficiencies.requestOverheadS.value;
    expect(json.ttftS).toBeCloseTo(atK.ttftS + ((atK.requestLatencyS - tReq) * (2000 - k)) / k, 6);
    // one more does not fit: without a cap, the batch is in flight and must fit
    const over = JSON.parse((await cli([...LLAMA, '--batch', String(k + 1), '--json'])).stdout);
    expect(over.feasible).toBe(false);
    const text = await cli([...LLAMA, '--batch', '2000', '--max-batch', '2000']);
    expect(text.stdout).toContain(`batch 2000 (${k} in flight, the rest wait for room: the memory holds ${k} requests' KV cache)`);
    expect(text.stdout).toContain(`its memory holds the KV cache of ${k} requests, below its 2000 slots`);
  });

  it.each([
    [['--max-batch', '0'], '--max-batch must be a positive integer, got "0"'],
    [['--max-batch', '4', '--schedule', 'static'], '--max-batch needs --schedule continuous: it caps the requests a continuous engine holds in flight'],
  ])('rejects %j in one line, exit 2', async (extra, message) => {
    expectUserError(await cli([...LLAMA, ...extra]), message);
  });
});

describe('estimate --context-balance', () => {
  // DeepSeek-V3 on 8 B200 with data-parallel attention, a budget of 8 × 8,192 tokens (one per rank)
  const DSV3 = ['estimate', '--model', 'deepseek-v3', '--hardware', 'b200', '--tp', '8', '--ep', '8', '--attention', 'dp', '--batch', '64', '--input', '2048', '--output', '256', '--weights', 'fp8', '--kv', 'fp8', '--activations', 'fp8', '--chunk-tokens', '65536'];

  it('holds prompts for the other ranks\', in TTFT, said in the report and in --json', async () => {
    const plain = JSON.parse((await cli([...DSV3, '--json'])).stdout);
    const balanced = JSON.parse((await cli([...DSV3, '--context-balance', '100000', '--json'])).stdout);
    expect(plain.serving.contextBalance).toBeNull();
    expect(balanced.inputs.contextBalanceIterations).toBe(100000);
    // a timeout that never comes first: the 8 ranks fill, the first 7 prompts waiting (8 − 1)/(2λ₁)
    // with λ₁ = B/L₁ from the schedule with prompts alone (its request latency without t_req)
    const rate = 64 / (plain.requestLatencyS - plain.inputs.efficiencies.requestOverheadS.value);
    expect(balanced.serving.contextBalance.promptsPerIteration).toBe(8);
    expect(balanced.serving.contextBalance.waitS).toBeCloseTo(7 / (2 * rate), 9);
    expect(balanced.ttftS).toBeGreaterThan(plain.ttftS + balanced.serving.contextBalance.waitS);
    const text = await cli([...DSV3, '--context-balance', '100000']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/a prompt waits [\d.]+ ms for other ranks' prompts \(context balance\), then its chunks take 1 iteration with theirs, 8 prompts at a time/);
  });

  it.each([
    [['--context-balance', '-1'], '--context-balance must be an integer ≥ 0, got "-1"'],
    [['--context-balance', '1000001'], '--context-balance must be an integer from 0 to 1000000, got "1000001"'],
    [['--context-balance', '60', '--schedule', 'static'], '--context-balance needs --schedule continuous: a static batch prefills every prompt at once'],
    [['--context-balance', '60', '--prefill-workers', '1'], '--context-balance applies to one engine: with --prefill-workers the decode workers prefill nothing'],
  ])('rejects %j in one line, exit 2', async (extra, message) => {
    expectUserError(await cli([...DSV3, ...extra]), message);
  });

  it('rejects it without --attention dp', async () => {
    const heads = DSV3.filter((arg, i) => arg !== 'dp' && DSV3[i + 1] !== 'dp');
    expectUserError(await cli([...heads, '--context-balance', '60']), '--context-balance needs --attention dp: it starts prompts on every data-parallel attention rank together');
  });
});

describe('estimate --receive-interval', () => {
  const LLAMA = ['estimate', '--model', 'llama-3.1-70b', '--hardware', 'h100', '--chips', '8', '--tp', '8', '--batch', '16', '--input', '2048', '--output', '256'];

  it('puts the wait for the next intake, N/2 iterations, in TTFT, said in the report and in --json', async () => {
    const plain = JSON.parse((await cli([...LLAMA, '--json'])).stdout);
    const r = JSON.parse((await cli([...LLAMA, '--receive-interval', '10', '--json'])).stdout);
    expect(r.inputs.receiveInterval).toBe(10);
    // a 2,048-token prompt comes by in 1 iteration of 16 (P = 16·2,048/256 = 128), so 10 comes first;
    // no speculation: an iteration is one TPOT; 10/2 of them
    expect(r.ttftS).toBeCloseTo(plain.ttftS + 5 * plain.tpotS, 9);
    expect(r.tpotS).toBe(plain.tpotS);
    const text = await cli([...LLAMA, '--receive-interval', '10']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/the scheduler takes in requests every 10 iterations, so a request first waits [\d.]+ ms on average/);
    const sooner = await cli([...LLAMA, '--receive-interval', '30']);
    expect(sooner.stdout).toMatch(/the scheduler takes in requests every 16\.0 iterations \(after each prompt's, sooner than its 30\), so a request first waits/);
  });

  it.each([
    [['--receive-interval', '0'], '--receive-interval must be a positive integer, got "0"'],
    [['--receive-interval', '2000000'], '--receive-interval must be at most 1e6, got "2000000"'],
    [['--receive-interval', '10', '--schedule', 'static'], '--receive-interval needs --schedule continuous: a static batch takes its requests at once'],
    [['--receive-interval', '10', '--prefill-workers', '1'], '--receive-interval applies to one engine: not with --prefill-workers'],
  ])('rejects %j in one line, exit 2', async (extra, message) => {
    expectUserError(await cli([...LLAMA, ...extra]), message);
  });
});

// The CLI under random input (fast-check, fixed seed): argument vectors, config.json files, hardware
// plugin files, sweep specs and shard files. One invariant for every case: either a user error (exit
// 2, one line "ridgeline: error: …" on stderr, never "internal error", no stack trace) or an answer
// (exit 0) whose numbers are all finite and non-negative. Each target prints how many cases it ran.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { h100Sxm } from '@ridgeline/hardware-nvidia';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from './run-cli.ts';

/** Fixed, so `pnpm test` is deterministic; RIDGELINE_FUZZ_SEED=<n> explores other cases (then add what fails as a test). */
const SEED = Number(process.env['RIDGELINE_FUZZ_SEED'] ?? 13_2026);

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ridgeline-fuzz-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function cli(argv: readonly string[]): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), cwd: dir });
  return { code, stdout, stderr };
}

/**
 * The user's own filter bounds, echoed in a sweep result's spec: a negative one is allowed (it
 * matches nothing, or everything; see sweep-filters.test.ts), so it is not a figure to check.
 */
const ECHOED_BOUND = /^\$\.spec\.where\[\d+\]\.(min|max)$/;

/** Paths of the numbers in `value` that are not finite or are negative. */
function badNumbers(value: unknown, path = '$', bad: string[] = []): string[] {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || (value < 0 && !ECHOED_BOUND.test(path))) bad.push(`${path} = ${value}`);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => badNumbers(v, `${path}[${i}]`, bad));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) badNumbers(v, `${path}.${k}`, bad);
  }
  return bad;
}

/** Text that only a broken number prints ("Infinity Fabric" is AMD's interconnect). */
const BROKEN_TEXT = /\bNaN\b|\bInfinity\b(?! Fabric)|∞|\bundefined\b|\de\+\d{3}/;

/** What every run must satisfy; `json` says whether stdout is a JSON result. */
function expectSound(argv: readonly string[], out: Outcome): void {
  const what = `ridgeline ${JSON.stringify(argv)}\n--- exit ${out.code}\n--- stderr\n${out.stderr}\n--- stdout\n${out.stdout.slice(0, 2000)}`;
  expect([0, 2], what).toContain(out.code);
  expect(out.stderr, what).not.toContain('internal error');
  expect(out.stderr, what).not.toMatch(/^\s+at /m);
  if (out.code === 2) {
    expect(out.stderr, what).toMatch(/^ridgeline: error: [^\n]+\n$/);
    return;
  }
  const json = argv.includes('--json') && !argv.includes('--help') && !argv.includes('-h');
  if (json) {
    let parsed: unknown;
    expect(() => (parsed = JSON.parse(out.stdout)), what).not.toThrow();
    expect(badNumbers(parsed), what).toEqual([]);
  } else {
    expect(out.stdout, what).not.toMatch(BROKEN_TEXT);
  }
}

/**
 * Runs a property for `numRuns` cases at the fixed seed, then prints how many it tried and how many
 * were answered (exit 0) rather than refused; returns that count.
 */
async function fuzz<T>(target: string, arbitrary: fc.Arbitrary<T>, numRuns: number, check: (value: T) => Promise<Outcome>): Promise<number> {
  let cases = 0;
  let answered = 0;
  await fc.assert(
    fc.asyncProperty(arbitrary, async (value) => {
      cases++;
      if ((await check(value)).code === 0) answered++;
    }),
    { seed: SEED, numRuns, endOnFailure: true },
  );
  console.log(`fuzz ${target}: ${cases} cases, ${answered} answered, ${cases - answered} refused`);
  expect(cases).toBe(numRuns);
  return answered;
}

/** Runs `ridgeline argv` and checks the invariant. */
async function sound(argv: readonly string[]): Promise<Outcome> {
  const out = await cli(argv);
  expectSound(argv, out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Values: mostly valid, so a good share of cases reach real answers, mixed with malformed ones.

const MODELS = ['llama-3.1-8b', 'llama-3.1-70b', 'mixtral-8x7b', 'deepseek-v3', 'gpt-oss-120b', 'meta-llama/Llama-3.1-70B', 'LLAMA-3.1-8B'];
const CHIPS = ['h100', 'h200', 'b200', 'mi300x', 'tpu-v6e', 'groq-lpu', 'gb200-nvl72', 'a100-sxm'];
const PRECISIONS = ['bf16', 'fp8', 'FP8', 'fp4', 'int4', 'fp16', 'fp32', 'int8'];

/** Malformed or extreme values for any flag. */
const HOSTILE: readonly string[] = [
  '', ' ', '0', '-1', '-0', '1.5', '0x10', '1_000', '1e308', '-1e308', '1e-320', '5e-324', 'NaN', 'Infinity', '-Infinity',
  '∞', '1e21', '9007199254740993', '1,000', '2s', '500ms', '20MW', '１２', 'ünïcödé', 'a\u0000b', '\u001b[31mred', 'x\ny',
  'no-such-model', 'no-such-chip', './missing.json', '/', '--json', '-', '--', 'true', '[]', '{}',
];

const hostile = fc.constantFrom(...HOSTILE);
const smallInt = fc.constantFrom('1', '2', '4', '8', '16', '64', '256');
const tokens = fc.constantFrom('1', '128', '2048', '8192', '131072');
const fraction = fc.constantFrom('0', '0.25', '0.5', '1');

/** A valid value for the flag most of the time, a hostile one otherwise. */
function value(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof({ weight: 12, arbitrary: valid }, { weight: 1, arbitrary: hostile }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) });
}

type FlagTable = Readonly<Record<string, fc.Arbitrary<string> | null>>;

const ESTIMATE_FLAGS: FlagTable = {
  chips: smallInt, tp: smallInt, pp: fc.constantFrom('1', '2', '4'), ep: smallInt, batch: smallInt, 'max-batch': smallInt, 'context-balance': fc.constantFrom('0', '60', '1000'), 'receive-interval': fc.constantFrom('1', '30'),
  input: tokens, output: tokens, weights: fc.constantFrom(...PRECISIONS), kv: fc.constantFrom(...PRECISIONS),
  activations: fc.constantFrom(...PRECISIONS), overlap: fraction, attention: fc.constantFrom('heads', 'batch', 'dp'),
  schedule: fc.constantFrom('continuous', 'static'), 'chunk-tokens': tokens, speculative: fc.constantFrom('none', 'mtp'),
  'draft-tokens': fc.constantFrom('1', '2', '4'), acceptance: fc.constantFrom('0.85', '0.9,0.7,0.5', '1', '0'),
  'moe-imbalance': fc.constantFrom('1', '1.11', '2', '64'), 'prefill-workers': fc.constantFrom('1', '2'),
  'decode-workers': fc.constantFrom('1', '3'), 'prefill-tp': smallInt, 'prefill-ep': smallInt,
  'prefill-attention': fc.constantFrom('heads', 'dp'), 'prefill-hardware': fc.constantFrom(...CHIPS),
  stack: fc.constantFrom('sglang', 'vllm', 'trtllm', '2023'), price: fc.constantFrom('0', '2.5', '1e6'),
  'two-batch-overlap': null, 'redundant-experts': fc.constantFrom('0', '8', '32'), json: null,
};

const TRAIN_FLAGS: FlagTable = {
  chips: fc.constantFrom('8', '64', '1024'), dp: smallInt, tp: smallInt, pp: fc.constantFrom('1', '2', '4'), cp: fc.constantFrom('1', '2'),
  ep: smallInt, seq: tokens, 'global-batch': fc.constantFrom('64', '512', '1024'), 'micro-batch': fc.constantFrom('1', '2', '4'),
  'virtual-stages': fc.constantFrom('1', '2'), tokens: fc.constantFrom('1e9', '2e12', '15e12'), precision: fc.constantFrom(...PRECISIONS),
  zero: fc.constantFrom('0', '1', '2', '3'), recompute: fc.constantFrom('none', 'selective', 'full'),
  'sequence-parallel': fc.constantFrom('auto', 'on', 'off'), 'optimizer-bytes': fc.constantFrom('8', '12', '16'),
  overlap: fraction, stack: fc.constantFrom('2023', 'megatron'), price: fc.constantFrom('0', '2.5'), json: null,
};

const PLAN_FLAGS: FlagTable = {
  input: tokens, output: tokens, ttft: fc.constantFrom('2s', '500ms', '0.5', '10s'), tpot: fc.constantFrom('50ms', '20ms', '0.1s'),
  objective: fc.constantFrom('throughput', 'cost', 'chips'), rate: fc.constantFrom('1', '20', '1000'), 'max-chips': fc.constantFrom('8', '64'),
  precisions: fc.constantFrom('bf16', 'fp8', 'bf16,fp8', 'fp4'), 'prefill-hardware': fc.constantFrom(...CHIPS), json: null,
};

/** One `--flag value` (or `--flag` for a boolean), sometimes malformed: single dash, `=`, no value. */
function flag(table: FlagTable): fc.Arbitrary<string[]> {
  const names = Object.keys(table);
  return fc.tuple(fc.constantFrom(...names), fc.nat(19), fc.string({ maxLength: 8 })).chain(([name, form, junk]) => {
    const valid = table[name] ?? null;
    if (valid === null) {
      if (form === 0) return fc.constant([`-${name}`]);
      if (form === 1) return fc.constant([`--${name}=${junk}`]);
      return fc.constant([`--${name}`]);
    }
    return value(valid).map((v) => {
      if (form === 0) return [`-${name}`, v];
      if (form === 1) return [`--${name}=${v}`];
      if (form === 2) return [`--${name}`];
      if (form === 3) return [`--${name.toUpperCase()}`, v];
      return [`--${name}`, v];
    });
  });
}

/** A command with its required flags (usually valid), some optional ones, and the odd stray token. */
function command(words: readonly string[], required: readonly (readonly [string, fc.Arbitrary<string>])[], table: FlagTable): fc.Arbitrary<string[]> {
  const requiredArgs = fc.tuple(
    ...required.map(([name, valid]) =>
      fc.oneof({ weight: 8, arbitrary: value(valid).map((v) => [`--${name}`, v]) }, { weight: 1, arbitrary: fc.constant([] as string[]) }),
    ),
  );
  return fc
    .tuple(requiredArgs, fc.array(flag(table), { maxLength: 3 }), fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: hostile }), fc.boolean())
    .map(([req, optional, stray, json]) => {
      const argv = [...words, ...req.flat(), ...optional.flat()];
      if (stray !== null) argv.splice(words.length + (stray.length % (argv.length - words.length + 1)), 0, stray);
      if (json && !argv.includes('--json')) argv.push('--json');
      return argv;
    });
}

const MODEL = fc.constantFrom(...MODELS);
const CHIP = fc.constantFrom(...CHIPS);

const argvs: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 60, arbitrary: command(['estimate'], [['model', MODEL], ['hardware', CHIP]], ESTIMATE_FLAGS) },
  { weight: 30, arbitrary: command(['train'], [['model', MODEL], ['hardware', CHIP], ['chips', fc.constantFrom('8', '64', '1024')]], TRAIN_FLAGS) },
  { weight: 20, arbitrary: fc.tuple(command(['plan'], [['model', MODEL], ['hardware', CHIP], ['tpot', fc.constantFrom('50ms', '100ms', '0.2s')]], PLAN_FLAGS), fc.option(CHIP)).map(([a, extra]) => (extra === null ? a : [...a, '--hardware', extra])) },
  { weight: 1, arbitrary: fc.tuple(MODEL, CHIP, CHIP, value(fc.constantFrom('2s', '500ms'))).map(([m, decode, prefill, ttft]) => ['plan', '--model', m, '--hardware', decode, '--prefill-hardware', prefill, '--disaggregate', '--ttft', ttft, '--tpot', '50ms', '--max-chips', '16', '--json']) },
  { weight: 10, arbitrary: fc.tuple(fc.oneof(CHIP, hostile), fc.boolean()).map(([id, json]) => ['hardware', 'show', id, ...(json ? ['--json'] : [])]) },
  { weight: 10, arbitrary: fc.tuple(fc.oneof(MODEL, hostile), fc.boolean()).map(([id, json]) => ['models', 'show', id, ...(json ? ['--json'] : [])]) },
  { weight: 10, arbitrary: fc.array(fc.oneof(fc.constantFrom('hardware', 'models', 'list', 'show', 'sweep', 'merge', 'plugin', 'check', 'completion', 'bash', '--json', '--help', '-v'), hostile), { maxLength: 4 }) },
);

describe('fuzz: the CLI', () => {
  test('argument vectors: a one-line user error or finite, non-negative numbers', async () => {
    const answered: Record<string, number> = {};
    await fuzz('CLI argument vectors', argvs, 500, async (argv) => {
      const out = await sound(argv);
      const what = argv[0] === 'hardware' && argv[1] === 'show' ? 'hardware show' : (argv[0] ?? '');
      if (out.code === 0) answered[what] = (answered[what] ?? 0) + 1;
      return out;
    });
    // the generator is meant to reach real answers, not only errors
    console.log(`fuzz CLI argument vectors, answered (exit 0): ${JSON.stringify(answered)}`);
    for (const what of ['estimate', 'train', 'plan', 'hardware show']) expect(answered[what] ?? 0, what).toBeGreaterThan(10);
  });
});

// ---------------------------------------------------------------------------------------------
// Files: a valid object with a few leaves (or whole subtrees) replaced by hostile JSON values.

const HOSTILE_JSON: readonly unknown[] = [
  0, -1, 0.5, 1e12, 1e15, 1e300, 1.7976931348623157e308, -1e308, 5e-324, 1e-300, 2 ** 53 + 1, '', '12', 'x\u0000y', '\u001b[2J',
  'ünï\ncode', null, true, [], {}, [1, 2], { value: 1 },
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a node of `value` (the root excluded). */
function paths(value: Json, prefix: readonly (string | number)[] = [], out: (readonly (string | number)[])[] = []): (readonly (string | number)[])[] {
  if (Array.isArray(value)) value.forEach((v, i) => (out.push([...prefix, i]), paths(v, [...prefix, i], out)));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) (out.push([...prefix, k]), paths(v, [...prefix, k], out));
  return out;
}

/** `base` with the nodes the picks select replaced (or deleted, for `undefined`). */
function mutate(base: Json, picks: readonly (readonly [number, unknown])[]): Json {
  const copy = structuredClone(base);
  for (const [pick, replacement] of picks) {
    const all = paths(copy);
    const path = all[pick % all.length];
    if (path === undefined) continue;
    let parent = copy as Record<string | number, Json>;
    for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
    const last = path[path.length - 1] as string | number;
    if (replacement === undefined) {
      if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
      else delete parent[last];
    } else parent[last] = replacement as Json;
  }
  return copy;
}

const mutation = fc.array(fc.tuple(fc.nat(), fc.oneof(fc.constantFrom(...HOSTILE_JSON, undefined), fc.double(), fc.integer())), { minLength: 0, maxLength: 3 });

let fileCounter = 0;
async function jsonFile(ext: string, value: unknown): Promise<string> {
  const name = `case-${++fileCounter}.${ext}`;
  await writeFile(join(dir, name), typeof value === 'string' ? value : JSON.stringify(value));
  return `./${name}`;
}

const LLAMA_CONFIG: Json = {
  architectures: ['LlamaForCausalLM'], model_type: 'llama', num_hidden_layers: 32, hidden_size: 4096, num_attention_heads: 32,
  num_key_value_heads: 8, intermediate_size: 14336, vocab_size: 128256, max_position_embeddings: 131072, tie_word_embeddings: false,
};
const MOE_CONFIG: Json = {
  architectures: ['Qwen3MoeForCausalLM'], model_type: 'qwen3_moe', num_hidden_layers: 48, hidden_size: 2048, num_attention_heads: 32,
  num_key_value_heads: 4, head_dim: 128, intermediate_size: 6144, moe_intermediate_size: 768, num_experts: 128,
  num_experts_per_tok: 8, tie_word_embeddings: false, vocab_size: 151936,
};
const MLA_CONFIG: Json = {
  architectures: ['DeepseekV3ForCausalLM'], model_type: 'deepseek_v3', num_hidden_layers: 61, hidden_size: 7168, num_attention_heads: 128,
  num_key_value_heads: 128, intermediate_size: 18432, moe_intermediate_size: 2048, n_routed_experts: 256, n_shared_experts: 1,
  num_experts_per_tok: 8, first_k_dense_replace: 3, kv_lora_rank: 512, q_lora_rank: 1536, qk_nope_head_dim: 128,
  qk_rope_head_dim: 64, v_head_dim: 128, vocab_size: 129280, num_nextn_predict_layers: 1,
};

describe('fuzz: files the CLI reads', () => {
  test('config.json: a one-line user error or finite, non-negative numbers', async () => {
    const cases = fc.tuple(fc.constantFrom(LLAMA_CONFIG, MOE_CONFIG, MLA_CONFIG), mutation, fc.constantFrom('show', 'estimate', 'train'), CHIP);
    const answered = await fuzz('config.json', cases, 300, async ([base, picks, how, chip]) => {
      const file = await jsonFile('json', mutate(base, picks));
      const argv =
        how === 'show' ? ['models', 'show', file, '--json']
        : how === 'estimate' ? ['estimate', '--model', file, '--hardware', chip, '--chips', '8', '--json']
        : ['train', '--model', file, '--hardware', chip, '--chips', '64', '--tokens', '1e9', '--json'];
      return sound(argv);
    });
    expect(answered).toBeGreaterThan(0);
  });

  const PLUGIN: Json = JSON.parse(JSON.stringify({ apiVersion: 1, meta: { name: 'fuzz-chips', version: '1.0.0' }, chips: [{ ...h100Sxm, id: 'fuzz-x1', aliases: [] }] })) as Json;

  test('hardware plugins: a one-line user error or finite, non-negative numbers', async () => {
    const cases = fc.tuple(mutation, fc.constantFrom('show', 'estimate', 'train'), MODEL);
    const answered = await fuzz('hardware plugins', cases, 300, async ([picks, how, model]) => {
      const file = await jsonFile('json', mutate(PLUGIN, picks));
      const argv =
        how === 'show' ? ['hardware', 'show', `${file}#fuzz-x1`, '--json']
        : how === 'estimate' ? ['estimate', '--model', model, '--hardware', `${file}#fuzz-x1`, '--chips', '8', '--json']
        : ['train', '--model', model, '--hardware', `${file}#fuzz-x1`, '--chips', '64', '--tokens', '1e9', '--json'];
      return sound(argv);
    });
    expect(answered).toBeGreaterThan(0);
  });

  const listOf = <T>(items: readonly T[], max = 2): fc.Arbitrary<T[]> => fc.uniqueArray(fc.constantFrom(...items), { minLength: 1, maxLength: max });
  /** A field of the spec: usually `valid`, sometimes a hostile value or a list with one in it. */
  const field = <T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
    fc.oneof(
      { weight: 16, arbitrary: valid },
      { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_JSON) },
      { weight: 1, arbitrary: fc.tuple(valid, fc.constantFrom(...HOSTILE_JSON)).map(([v, h]) => (Array.isArray(v) ? [...(v as unknown[]), h] : h)) },
    );
  /** A small sweep spec: each field usually a valid tiny axis, sometimes a hostile value or left out. */
  const spec: fc.Arbitrary<Record<string, unknown>> = fc.record(
    {
      models: field(listOf(['llama-3.1-8b', 'mixtral-8x7b', 'meta-llama/Llama-3.1-8B'])),
      hardware: field(listOf(['h100-sxm', 'mi300x', 'tpu-v6e', 'groq-lpu'])),
      tp: field(listOf([1, 2, 8])),
      pp: field(listOf([1, 2])),
      batch: field(fc.oneof({ weight: 4, arbitrary: listOf([1, 16, 64]) }, { weight: 1, arbitrary: fc.constantFrom({ from: 1, to: 64, times: 4 }, { from: 1, to: 1e300, times: 2 }, { from: 0, to: 4, times: 1 }) })),
      inputTokens: field(listOf([128, 2048])),
      outputTokens: field(listOf([16, 256])),
      moeImbalance: field(listOf([1, 1.5])),
      precisions: field(fc.constant({ weights: ['bf16', 'fp8'] })),
      chunkTokens: field(listOf([512, 8192])),
      where: field(fc.oneof(fc.constant({ ttftS: { max: 2 } }), fc.constant({ tpotS: { max: -1 } }))),
      reducers: field(
        fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom(
            { top: { k: 3, by: 'costPerMillionTokensUsd' } },
            { pareto: ['costPerMillionTokensUsd', 'tokensPerSPerUser'], groupBy: ['chip'] },
            { histograms: [{ metric: 'tpotS', min: 0.001, max: 1, bins: 8, scale: 'log' }] },
          ) },
          { weight: 1, arbitrary: fc.constantFrom({ top: { k: 1e308, by: 'tpotS' } }, { histograms: [{ metric: 'tpotS', min: 1, max: 0, bins: 1e9 }] }) },
        ),
      ),
    },
    { requiredKeys: ['models', 'hardware'] },
  );

  test('sweep specs: a one-line user error or finite, non-negative numbers', async () => {
    const cases = fc.tuple(spec, fc.constantFrom('', '--top 2 --by cost', '--where ttft<=2s', '--shard 0/2', '--pareto cost,tpot'));
    const answered = await fuzz('sweep specs', cases, 150, async ([s, flags]) => {
      // JSON is YAML: the spec file is written as JSON so every hostile value reaches the parser intact
      const file = await jsonFile('yaml', s);
      const argv = ['sweep', file, ...flags.split(' ').filter((f) => f !== ''), '--json'];
      return sound(argv);
    });
    expect(answered).toBeGreaterThan(0);
  });

  test('shard files: merge gives a one-line user error or finite, non-negative numbers', async () => {
    const specFile = await jsonFile('yaml', {
      models: ['llama-3.1-8b'], hardware: ['h100-sxm', 'mi300x'], tp: [1, 2], batch: [1, 8],
      reducers: { top: { k: 2, by: 'costPerMillionTokensUsd' }, pareto: ['costPerMillionTokensUsd', 'tokensPerSPerUser'], histograms: [{ metric: 'tpotS', min: 0.001, max: 1, bins: 4 }] },
    });
    const shards: Json[] = [];
    for (const shard of ['0/2', '1/2']) {
      const out = await cli(['sweep', specFile, '--shard', shard, '--json']);
      expect(out.code, out.stderr).toBe(0);
      shards.push(JSON.parse(out.stdout) as Json);
    }
    const cases = fc.tuple(
      fc.array(fc.tuple(fc.nat(1), mutation), { minLength: 1, maxLength: 3 }),
      fc.boolean(),
    );
    const answered = await fuzz('shard files', cases, 200, async ([picks, json]) => {
      const files: string[] = [];
      for (const [which, mutations] of picks) files.push(await jsonFile('json', mutate(shards[which] as Json, mutations)));
      const argv = ['merge', ...files, ...(json ? ['--json'] : [])];
      return sound(argv);
    });
    expect(answered).toBeGreaterThan(0);
  });
});

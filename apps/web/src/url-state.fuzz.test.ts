// A shared link under random input (fast-check, fixed seed): the fragment is parsed, and what the page
// computes from it (the estimate, the comparison and the training estimate) either says what is wrong
// in one line or gives numbers that are all finite and non-negative. Prints how many cases it ran.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { compare, estimateFor, resolveChip, resolveModel, resolvePrefillChip, type EstimateOutcome } from './estimate.ts';
import { train, trainingConfigFor } from './training.ts';
import { KEYS, parseState, toBase64Url } from './url-state.ts';

/** Fixed, so `pnpm test` is deterministic; RIDGELINE_FUZZ_SEED=<n> explores other cases. */
const SEED = Number(process.env['RIDGELINE_FUZZ_SEED'] ?? 13_2026);

/** Paths of the numbers in `value` that are not finite or are negative. */
function badNumbers(value: unknown, path = '$', bad: string[] = []): string[] {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) bad.push(`${path} = ${value}`);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => badNumbers(v, `${path}[${i}]`, bad));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) badNumbers(v, `${path}.${k}`, bad);
  }
  return bad;
}

const HOSTILE: readonly string[] = [
  '', '0', '-1', '1.5', '0x10', '1e308', '-1e308', '5e-324', 'NaN', 'Infinity', '1e15', '1e21', '9007199254740993', '１２',
  'a\u0000b', '\u001b[31m', '<img src=x onerror=alert(1)>', 'x'.repeat(5000), '%', '%E0%A4%A', '&', '=', ',,,', 'true',
];

const CONFIG = JSON.stringify({
  architectures: ['LlamaForCausalLM'], model_type: 'llama', num_hidden_layers: 32, hidden_size: 4096, num_attention_heads: 32,
  num_key_value_heads: 8, intermediate_size: 14336, vocab_size: 128256,
});

/** Valid values for most keys, so a good share of links reach real estimates. */
const VALID: Readonly<Partial<Record<keyof typeof KEYS, fc.Arbitrary<string>>>> = {
  view: fc.constantFrom('infer', 'train'),
  model: fc.constantFrom('llama-3.1-8b', 'llama-3.1-70b', 'mixtral-8x7b', 'deepseek-v3', 'meta-llama/Llama-3.1-70B'),
  modelConfig: fc.constantFrom(toBase64Url(CONFIG), toBase64Url(CONFIG.replace('32,', '1e12,')), toBase64Url('{"hidden_size": 1e300}'), toBase64Url('not json')),
  hardware: fc.constantFrom('h100-sxm', 'h200', 'b200', 'mi300x', 'tpu-v6e', 'groq-lpu', 'H100'),
  chips: fc.constantFrom('1', '8', '64'),
  tp: fc.constantFrom('1', '2', '8'),
  pp: fc.constantFrom('1', '2', '4'),
  ep: fc.constantFrom('1', '8'),
  batch: fc.constantFrom('1', '8', '64', '512'),
  inputTokens: fc.constantFrom('128', '2048', '32768'),
  outputTokens: fc.constantFrom('16', '256', '4096'),
  weights: fc.constantFrom('bf16', 'fp8', 'fp4', 'int4'),
  kvCache: fc.constantFrom('bf16', 'fp8'),
  activations: fc.constantFrom('bf16', 'fp8'),
  overlap: fc.constantFrom('0', '0.5', '1'),
  price: fc.constantFrom('0', '2.5', '1e6'),
  prefillWorkers: fc.constantFrom('1', '2'),
  decodeWorkers: fc.constantFrom('1', '3'),
  prefillHardware: fc.constantFrom('b200', 'h100-sxm'),
  prefillTp: fc.constantFrom('1', '8'),
  prefillEp: fc.constantFrom('1', '8'),
  prefillAttention: fc.constantFrom('heads', 'dp'),
  compare: fc.constantFrom('h100-sxm,mi300x', 'tpu-v6e', 'groq-lpu,b200,h200'),
  compareFit: fc.constantFrom('0', '1'),
  pue: fc.constantFrom('1', '1.2', '10'),
  priceBasis: fc.constantFrom('list', 'tco'),
  amortizationYears: fc.constantFrom('0.1', '5', '30'),
  utilization: fc.constantFrom('1e-9', '0.5', '1'),
  usdPerKwh: fc.constantFrom('0', '0.08', '100'),
  usdPerKwMonth: fc.constantFrom('0', '184', '1e5'),
  capitalUsd: fc.constantFrom('0', '30000', '1e9'),
  systemCapitalUsd: fc.constantFrom('0', '5000', '1e9'),
  trainChips: fc.constantFrom('8', '64', '1024'),
  trainTp: fc.constantFrom('1', '8'),
  trainPp: fc.constantFrom('1', '4'),
  trainCp: fc.constantFrom('1', '2'),
  trainEp: fc.constantFrom('1', '8'),
  trainSequence: fc.constantFrom('4096', '8192'),
  trainGlobalBatch: fc.constantFrom('512', '1024'),
  trainMicroBatch: fc.constantFrom('1', '2'),
  trainVirtualStages: fc.constantFrom('1', '2'),
  trainTokens: fc.constantFrom('1e9', '15e12'),
  trainPrecision: fc.constantFrom('bf16', 'fp8'),
  trainZero: fc.constantFrom('0', '1', '3'),
  trainRecompute: fc.constantFrom('none', 'selective', 'full'),
};

const names = Object.keys(KEYS) as (keyof typeof KEYS)[];
const pair: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof({ weight: 20, arbitrary: fc.constantFrom(...names).map((n) => ({ key: KEYS[n] as string, name: n })) }, { weight: 1, arbitrary: fc.constantFrom('zz', '', 'x'.repeat(300)).map((key) => ({ key, name: undefined })) }),
    fc.nat(9),
    fc.constantFrom(...HOSTILE),
    fc.boolean(),
  )
  .chain(([{ key, name }, form, hostile, encode]) => {
    const valid = name === undefined ? undefined : VALID[name];
    const value = valid !== undefined && form < 8 ? valid : fc.oneof(fc.constant(hostile), fc.string({ maxLength: 12 }));
    return value.map((v) => `${key}=${encode ? encodeURIComponent(v) : v}`);
  });
const fragments = fc.array(pair, { maxLength: 12 }).map((pairs) => `#${pairs.join('&')}`);

/** An outcome is a one-line message or a result whose numbers are finite and ≥ 0. */
function expectSound(fragment: string, outcome: EstimateOutcome | ReturnType<typeof train>, what: string): boolean {
  const where = `${what} of ${fragment.slice(0, 500)}`;
  if (outcome.kind === 'error') {
    expect(outcome.message, where).not.toMatch(/\n/);
    expect(outcome.message, where).not.toBe('');
    return false;
  }
  expect(badNumbers(outcome.result, '$'), where).toEqual([]);
  return true;
}

test('fuzz: a shared link is one-line messages or finite, non-negative numbers', () => {
  let cases = 0;
  let results = 0;
  fc.assert(
    fc.property(fragments, (fragment) => {
      cases++;
      const { state, problems } = parseState(fragment);
      for (const p of problems) {
        // a problem echoes the link abbreviated, on one line
        expect(p.message, fragment.slice(0, 500)).not.toMatch(/\n/);
        expect(p.message.length, fragment.slice(0, 500)).toBeLessThan(600);
      }
      const model = resolveModel(state);
      if (!model.ok) return;
      const chip = resolveChip(state.hardware, state.customChip);
      if (!chip.ok) return;
      const prefill = resolvePrefillChip(state);
      if (prefill !== null && !prefill.ok) return;
      if (state.view === 'training') {
        if (expectSound(fragment, train(trainingConfigFor(state, model.model, chip.chip)), 'training')) results++;
        return;
      }
      if (expectSound(fragment, estimateFor(state, model.model, chip.chip, prefill?.chip ?? null), 'estimate')) results++;
      for (const c of compare(state, model.model, prefill?.chip ?? null)) expectSound(fragment, c.outcome, `comparison on ${c.chipId}`);
    }),
    { seed: SEED, numRuns: 1000, endOnFailure: true },
  );
  console.log(`fuzz URL state: ${cases} cases, ${results} reached a result`);
  expect(cases).toBe(1000);
  expect(results).toBeGreaterThan(20);
});

import { describe, expect, test } from 'vitest';
import { fieldsFromChip } from './custom-chip.ts';
import { findChip } from './registry.ts';
import { durationText, parseDuration } from './duration.ts';
import { DEFAULT_DISAGGREGATION, DEFAULT_ENERGY, DEFAULT_PLAN, DEFAULT_STATE, DEFAULT_TRAINING, type AppState } from './state.ts';
import { ECHO_MAX_CHARS, KEYS, abbreviate, fromBase64Url, parseState, serialiseState, toBase64Url } from './url-state.ts';

describe('serialiseState / parseState', () => {
  test('the default state round-trips with no problems', () => {
    const text = serialiseState(DEFAULT_STATE);
    expect(text).toBe(
      'm=llama-3.1-70b&hw=h100-sxm&n=8&tp=8&pp=1&ep=1&b=64&in=2048&out=256&w=bf16&kv=bf16&act=bf16&cmp=h100-sxm,mi300x,tpu-v6e,groq-lpu&fit=1&sb=1024&sbs=pow2&stp=1,2,4,8,16,32,64&spp=1,2,4,8,16,20,40&sc=1&sy=chip',
    );
    expect(parseState(`#${text}`)).toEqual({ state: DEFAULT_STATE, problems: [] });
  });

  test('every field round-trips', () => {
    const state: AppState = {
      view: 'inference',
      model: { kind: 'config', json: '{"num_hidden_layers": 2, "name": "naïve ✓"}' },
      hardware: 'custom',
      customChip: { ...fieldsFromChip(findChip('tpu-v6e')!), name: 'Trillium, tuned & "fast"' },
      chips: 16,
      tp: 4,
      pp: 4,
      ep: 2,
      batch: 7,
      maxBatch: 5,
      inputTokens: 100,
      outputTokens: 9,
      weights: 'fp8',
      kvCache: 'int4',
      activations: 'fp16',
      attentionWeights: 'bf16',
      overlap: 0.25,
      price: 1.5,
      disaggregation: { prefillWorkers: 3, decodeWorkers: 65536, prefillHardware: 'b200', prefillTp: 8, prefillEp: 8, prefillAttention: 'dp' },
      energy: { ...DEFAULT_ENERGY, pue: 1.35 },
      compare: ['custom', 'b200'],
      compareFit: false,
      sweep: { batchMax: 300, batchSpacing: 'all', tp: [2, 4], pp: [1], weights: ['fp8', 'fp4'], kvCache: ['bf16'], compared: false, y: 'costPerMillionTokensUsd', ttftCapS: 0.75 },
      plan: { ttftS: 1.5, tpotS: null, objective: 'chips', rateRps: 12.5 },
      training: DEFAULT_TRAINING,
    };
    const parsed = parseState(serialiseState(state));
    expect(parsed.problems).toEqual([]);
    expect(parsed.state).toEqual({ ...state, customChip: Object.fromEntries(Object.entries(state.customChip ?? {}).filter(([, v]) => v !== '')) });
  });

  test('attention weights: written only when set (aw), read back, and a bad one reported and read as the weights', () => {
    expect(serialiseState(DEFAULT_STATE)).not.toContain('aw=');
    const state: AppState = { ...DEFAULT_STATE, weights: 'fp4', attentionWeights: 'fp8' };
    const text = serialiseState(state);
    expect(text).toContain('w=fp4&kv=bf16&act=bf16&aw=fp8');
    expect(parseState(text)).toEqual({ state, problems: [] });
    const bad = parseState('w=fp4&aw=fp5');
    expect(bad.state.weights).toBe('fp4');
    expect(bad.state.attentionWeights).toBeNull();
    expect(bad.problems).toHaveLength(1);
    expect(bad.problems[0]).toMatchObject({ key: 'aw' });
  });

  test("the engine cap: written only when set (mb), read back, and a bad one reported and read as no cap", () => {
    expect(serialiseState(DEFAULT_STATE)).not.toContain('mb=');
    const state: AppState = { ...DEFAULT_STATE, batch: 48, maxBatch: 16 };
    const text = serialiseState(state);
    expect(text).toContain('b=48&mb=16&in=2048');
    expect(parseState(text)).toEqual({ state, problems: [] });
    const bad = parseState('b=48&mb=0');
    expect(bad.state.maxBatch).toBeNull();
    expect(bad.problems).toEqual([{ key: 'mb', value: '0', message: 'the engine’s cap on requests in flight must be a whole number ≥ 1, or empty for no cap; using no cap.' }]);
  });

  test("the sweep's tokens/s per provisioned MW axis round-trips as sy=mw", () => {
    const state: AppState = { ...DEFAULT_STATE, sweep: { ...DEFAULT_STATE.sweep, y: 'tokensPerSPerProvisionedMW' } };
    const text = serialiseState(state);
    expect(new URLSearchParams(text).get('sy')).toBe('mw');
    const parsed = parseState(text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.state.sweep.y).toBe('tokensPerSPerProvisionedMW');
  });

  test('the PUE and the tco price basis with every input round-trip; the defaults are not written', () => {
    const energy = { pue: 1.1, priceBasis: 'tco', amortizationYears: 4, utilization: 0.6, usdPerKwh: 0.12, usdPerKwMonth: 150, capitalUsd: 30000, systemCapitalUsd: 5000 } as const;
    const state: AppState = { ...DEFAULT_STATE, energy };
    const text = serialiseState(state);
    expect(text).toContain('pue=1.1&pb=tco&cap=30000&scap=5000&amy=4&util=0.6&kwh=0.12&kwm=150&cmp=');
    expect(parseState(text)).toEqual({ state, problems: [] });
    expect(serialiseState(DEFAULT_STATE)).not.toMatch(/pue=|pb=/);
  });

  test('energy settings outside the CLI\'s bounds, TCO inputs without pb=tco, and a price with tco are reported and left out', () => {
    const { state, problems } = parseState('#pue=0.9&util=0.5&price=2');
    expect(state.energy).toEqual(DEFAULT_ENERGY);
    expect(state.price).toBe(2);
    expect(problems.map((p) => [p.key, p.message])).toEqual([
      ['pue', 'the PUE must be a number from 1 to 10; using 1.2.'],
      ['util', 'this setting is for the tco price basis, which the link does not turn on (pb=tco); it was ignored.'],
    ]);
    const tco = parseState('#pb=tco&util=0&amy=31&kwh=101&cap=-1&price=2&pb2=x');
    expect(tco.state.energy).toEqual({ ...DEFAULT_ENERGY, priceBasis: 'tco' });
    expect(tco.state.price).toBeNull();
    expect(tco.problems.map((p) => p.message)).toEqual([
      'the link has a setting "pb2" this page does not know; it was ignored.',
      "the capital per chip (USD) must be a number from 0 to 1e9; using the chip's sourced capital cost.",
      'the amortization (years) must be a number from 0.1 to 30; using 5.',
      'the utilization must be a number above 0, up to 1; using 1.',
      'the electricity price (USD per kWh) must be a number from 0 to 100; using 0.0806.',
      'a price override is a list price per chip-hour, and the link asks for the tco price basis; it was ignored.',
    ]);
    expect(parseState('#pb=rent').problems.map((p) => p.message)).toEqual(['the price basis must be one of list, tco; using list.']);
  });

  test('an empty fragment is the default page', () => {
    expect(parseState('')).toEqual({ state: DEFAULT_STATE, problems: [] });
    expect(parseState('#')).toEqual({ state: DEFAULT_STATE, problems: [] });
  });

  test('a partial link keeps the defaults for what it leaves out', () => {
    const { state, problems } = parseState('#m=llama-3.1-8b&b=8');
    expect(problems).toEqual([]);
    expect(state).toEqual({ ...DEFAULT_STATE, model: { kind: 'catalog', id: 'llama-3.1-8b' }, batch: 8 });
  });

  test('aliases resolve to ids', () => {
    const { state } = parseState('#m=llama-3.3-70b&hw=H100&cmp=trillium,h100');
    expect(state.model).toEqual({ kind: 'catalog', id: 'llama-3.1-70b' });
    expect(state.hardware).toBe('h100-sxm');
    expect(state.compare).toEqual([findChip('trillium')?.id, 'h100-sxm']);
  });
});

describe('the training view in a link', () => {
  const training: AppState = { ...DEFAULT_STATE, view: 'training' };

  test('the default training page round-trips, and carries only its own settings', () => {
    const text = serialiseState(training);
    expect(text).toBe(
      'v=train&m=llama-3.1-70b&hw=h100-sxm&cmp=h100-sxm,mi300x,tpu-v6e,groq-lpu&tn=1024&ttp=8&tpp=4&tcp=1&tep=1&tseq=8192&tgb=512&tmb=1&tvs=1&ttok=1.5e13&tpr=bf16&tz=1&trc=selective&tsn=256,512,1024,2048,4096,8192&tstp=1,2,4,8&tspp=1,2,4,8,16&tsmb=&tsz=1,3&tsr=selective,full&tsc=1',
    );
    expect(parseState(`#${text}`)).toEqual({ state: training, problems: [] });
    // The inference page's link says nothing of training.
    const trainingKeys = Object.entries(KEYS).filter(([name]) => name === 'view' || name.startsWith('train')).map(([, key]) => key);
    expect([...new URLSearchParams(serialiseState(DEFAULT_STATE)).keys()].filter((k) => trainingKeys.includes(k as never))).toEqual([]);
  });

  test('every training field round-trips, with the shared ones', () => {
    const state: AppState = {
      ...DEFAULT_STATE,
      view: 'training',
      model: { kind: 'config', json: '{"num_hidden_layers": 4}' },
      hardware: 'custom',
      customChip: { ...fieldsFromChip(findChip('mi300x')!), id: 'mi-x' },
      overlap: 0.5,
      price: 2.25,
      compare: ['b200', 'custom'],
      training: {
        chips: 96,
        tp: 4,
        pp: 3,
        cp: 2,
        ep: 4,
        sequenceLength: 4096,
        globalBatch: 1536,
        microBatch: 2,
        virtualStages: 2,
        totalTokens: 2.5e12,
        precision: 'fp8',
        zeroStage: 3,
        recompute: 'full',
        sweep: { chips: [96, 192], tp: [2, 4], pp: [3], microBatch: [1, 2, 4], zeroStage: [], recompute: ['none', 'full'], compared: false },
      },
    };
    const text = serialiseState(state);
    expect(text).toContain('ttok=2.5e12');
    expect(text).toContain('tsz=&');
    const parsed = parseState(text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.state).toEqual({ ...state, customChip: Object.fromEntries(Object.entries(state.customChip ?? {}).filter(([, v]) => v !== '')) });
  });

  test('an inference link opened keeps the training defaults, and the reverse', () => {
    expect(parseState('#m=llama-3.1-8b&b=8').state.training).toEqual(DEFAULT_TRAINING);
    const { state } = parseState('#v=train&tn=64&ttp=8&tpp=1');
    expect(state.view).toBe('training');
    expect(state.training).toEqual({ ...DEFAULT_TRAINING, chips: 64, tp: 8, pp: 1 });
    expect(state.batch).toBe(DEFAULT_STATE.batch);
  });

  test.each([
    ['v=trian', 'v', 'the view must be infer or train; showing the inference view.'],
    ['tn=0', 'tn', 'the training chip count must be a whole number ≥ 1; using 1024.'],
    ['ttp=x', 'ttp', 'training TP must be a whole number ≥ 1; using 8.'],
    ['tseq=1.5', 'tseq', 'the sequence length must be a whole number ≥ 1; using 8192.'],
    ['tgb=', 'tgb', 'the global batch must be a whole number ≥ 1; using 512.'],
    ['ttok=lots', 'ttok', 'the run’s total tokens must be a number > 0 (e.g. 15e12); using 1.5e13.'],
    ['ttok=-1e12', 'ttok', 'the run’s total tokens must be a number > 0 (e.g. 15e12); using 1.5e13.'],
    ['tpr=fp12', 'tpr', 'the training precision must be one of fp32, bf16, fp16, fp8, int8, fp4, int4; using bf16.'],
    ['tz=4', 'tz', 'the ZeRO stage must be one of 0, 1, 2, 3; using 1.'],
    ['trc=some', 'trc', 'recomputation must be one of none, selective, full; using selective.'],
    ['tsn=256,lots', 'tsn', 'the training sweep’s chip counts must be a comma-separated list of whole numbers ≥ 1; using 256,512,1024,2048,4096,8192.'],
    ['tsmb=0', 'tsmb', 'the training sweep’s micro-batches must be a comma-separated list of whole numbers ≥ 1; using the current one.'],
    ['tsz=1,5', 'tsz', 'the training sweep’s ZeRO stages: "5" is not one of 0, 1, 2, 3; using 1,3.'],
    ['tsr=full,half,most', 'tsr', 'the training sweep’s recomputation modes: "half", "most" are not among none, selective, full; using selective,full.'],
    ['tsc=2', 'tsc', 'sweeping the compared chips in training must be 1 or 0; using 1.'],
  ])('%s', (fragment, key, message) => {
    const { state, problems } = parseState(`#${fragment}`);
    expect(problems).toEqual([{ key, value: expect.any(String) as string, message }]);
    // Everything else is the default training page.
    expect(state.training.pp).toBe(DEFAULT_TRAINING.pp);
  });

});

describe('latency targets and the TTFT cap in a link', () => {
  test('written only when not the defaults, as durations a person reads', () => {
    const state: AppState = { ...DEFAULT_STATE, plan: { ttftS: 0.5, tpotS: 0.025, objective: 'cost', rateRps: 3 }, sweep: { ...DEFAULT_STATE.sweep, ttftCapS: 2 } };
    const text = serialiseState(state);
    expect(text.endsWith('&sttft=2s&ttft=500ms&tpot=25ms&obj=cost&rate=3')).toBe(true);
    expect(parseState(text)).toEqual({ state, problems: [] });
    // No target at all is written as an empty value, which is not the default.
    const none: AppState = { ...DEFAULT_STATE, plan: { ...DEFAULT_PLAN, ttftS: null, tpotS: null } };
    expect(serialiseState(none).endsWith('&ttft=&tpot=')).toBe(true);
    expect(parseState(serialiseState(none))).toEqual({ state: none, problems: [] });
    // A box being typed in (NaN) is left out of the link.
    expect(serialiseState({ ...DEFAULT_STATE, plan: { ...DEFAULT_PLAN, ttftS: Number.NaN } })).toBe(serialiseState(DEFAULT_STATE));
  });

  test('any spelling the CLI takes', () => {
    expect(parseState('#ttft=2&tpot=50ms&sttft=1500ms').state).toMatchObject({ plan: { ttftS: 2, tpotS: 0.05 }, sweep: { ttftCapS: 1.5 } });
    expect(parseState('#ttft=800us&tpot=.04s').state.plan).toMatchObject({ ttftS: 800 * 1e-6, tpotS: 0.04 });
  });

  test.each([
    ['ttft=soon', 'ttft', 'the TTFT target must be a duration above 0 and at most 1 day, such as 2s, 500ms or 0.05 (seconds), or empty for none; using 2s.'],
    ['tpot=-5ms', 'tpot', 'the TPOT target must be a duration above 0 and at most 1 day, such as 2s, 500ms or 0.05 (seconds), or empty for none; using 50ms.'],
    ['ttft=2d', 'ttft', 'the TTFT target must be a duration above 0 and at most 1 day, such as 2s, 500ms or 0.05 (seconds), or empty for none; using 2s.'],
    ['ttft=86401', 'ttft', 'the TTFT target must be a duration above 0 and at most 1 day, such as 2s, 500ms or 0.05 (seconds), or empty for none; using 2s.'],
    ['sttft=0', 'sttft', 'the sweep’s TTFT cap must be a duration above 0 and at most 1 day, such as 2s, 500ms or 0.05 (seconds), or empty for none; using none.'],
    ['obj=speed', 'obj', 'the plan’s objective must be one of throughput, cost, chips; using throughput.'],
    ['obj=chips', 'obj', 'the chips objective needs a request rate (rate=…); using throughput.'],
    ['rate=0', 'rate', 'the request rate must be a number of requests per second above 0 and at most 1e9, or empty for none; using none.'],
    ['rate=1e10', 'rate', 'the request rate must be a number of requests per second above 0 and at most 1e9, or empty for none; using none.'],
  ])('%s', (fragment, key, message) => {
    const { state, problems } = parseState(`#${fragment}`);
    expect(problems).toEqual([{ key, value: expect.any(String) as string, message }]);
    expect(state.plan).toEqual(DEFAULT_PLAN);
    expect(state.sweep.ttftCapS).toBeNull();
  });
});

describe('disaggregation in a link', () => {
  const on = (patch: Partial<typeof DEFAULT_DISAGGREGATION> = {}): AppState => ({ ...DEFAULT_STATE, disaggregation: { ...DEFAULT_DISAGGREGATION, ...patch } });

  test('off writes nothing; on writes the workers always and the rest when set, after the price', () => {
    expect(serialiseState(DEFAULT_STATE)).not.toMatch(/(^|&)(pw|dw|phw|ptp|pep|patt)=/);
    expect(serialiseState({ ...on(), price: 2 })).toContain('&act=bf16&price=2&pw=1&dw=1&cmp=');
    const all = on({ prefillWorkers: 4, decodeWorkers: 6, prefillHardware: 'b200', prefillTp: 4, prefillEp: 8, prefillAttention: 'dp' });
    expect(serialiseState(all)).toContain('&pw=4&dw=6&phw=b200&ptp=4&pep=8&patt=dp&');
    for (const state of [on(), all]) expect(parseState(serialiseState(state))).toEqual({ state, problems: [] });
  });

  test('the prefill chip by alias, and the custom chip when the link carries one', () => {
    expect(parseState('#pw=2&phw=H100').state.disaggregation?.prefillHardware).toBe('h100-sxm');
    const custom: AppState = { ...on({ prefillHardware: 'custom' }), customChip: { id: 'x1' } };
    expect(parseState(serialiseState(custom))).toEqual({ state: custom, problems: [] });
  });

  test('an empty prefill TP or EP is the default', () => {
    expect(parseState('#pw=2&ptp=&pep=').state.disaggregation).toEqual({ ...DEFAULT_DISAGGREGATION, prefillWorkers: 2 });
  });

  test.each([
    ['pw=0', 'pw', 'the prefill workers must be a whole number from 1 to 65536; using 1.'],
    ['pw=65537', 'pw', 'the prefill workers must be a whole number from 1 to 65536; using 1.'],
    ['pw=2&dw=1.5', 'dw', 'the decode workers must be a whole number from 1 to 65536; using 1.'],
    ['pw=2&phw=h999', 'phw', 'there is no chip "h999" among the first-party chips; the prefill workers use the decode workers\' chip.'],
    ['pw=2&phw=custom', 'phw', 'the link selects the custom chip but does not carry one (hc=…); the prefill workers use the decode workers\' chip.'],
    ['pw=2&ptp=0', 'ptp', 'prefill TP must be a whole number ≥ 1, or empty for the decode worker’s TP; using the decode worker’s TP.'],
    ['pw=2&pep=two', 'pep', 'prefill EP must be a whole number ≥ 1, or empty for the model’s default; using the model’s default.'],
    ['pw=2&patt=batch', 'patt', 'prefill attention must be one of heads, dp; using heads.'],
  ])('%s', (fragment, key, message) => {
    const { state, problems } = parseState(`#${fragment}`);
    expect(problems).toEqual([{ key, value: expect.any(String) as string, message }]);
    expect(state.disaggregation).not.toBeNull();
    expect(state.disaggregation?.prefillAttention).toBe('heads');
  });

  test('its other settings without prefill workers are reported and ignored, as the CLI refuses them', () => {
    const { state, problems } = parseState('#dw=4&ptp=2');
    expect(state.disaggregation).toBeNull();
    expect(problems).toEqual([
      { key: 'dw', value: '4', message: 'this setting is for disaggregated prefill and decode, which the link does not turn on (pw=…); it was ignored.' },
      { key: 'ptp', value: '2', message: 'this setting is for disaggregated prefill and decode, which the link does not turn on (pw=…); it was ignored.' },
    ]);
  });

  test('a training link does not carry it', () => {
    expect(serialiseState({ ...on({ prefillWorkers: 3 }), view: 'training' })).not.toContain('pw=');
  });
});

describe('durations', () => {
  test.each([
    ['2s', 2],
    ['2', 2],
    ['500ms', 0.5],
    ['0.05', 0.05],
    ['50 ms', 0.05],
    ['800us', 800 * 1e-6],
    ['800µs', 800 * 1e-6],
    ['1e-3s', 0.001],
    ['.5', 0.5],
    ['86400', 86_400],
  ])('%s is %f s', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  test('empty is none; anything else is not a duration', () => {
    expect(parseDuration('  ')).toBeNull();
    for (const text of ['0', '0ms', '-1s', '2 minutes', '1h', 's', '86401', '1e400', 'NaN', 'Infinity', '2s2']) expect(parseDuration(text), text).toBeNaN();
  });

  test('durationText reads back exactly, in the shortest usual unit', () => {
    expect([2, 0.05, 0.5, 1.5, 0.007, 800e-6, 86_400].map(durationText)).toEqual(['2s', '50ms', '500ms', '1.5s', '7ms', '0.8ms', '86400s']);
    for (const s of [1 / 3, 0.1 + 0.2, 1e-9, 0.123456789, 2 / 7, 0.05, 0.007]) expect(parseDuration(durationText(s)), String(s)).toBe(s);
  });
});

describe('invalid links: a message per setting, defaults for the rest, never a throw', () => {
  test.each([
    ['m=nope', 'm', 'there is no model "nope" in the catalog; showing llama-3.1-70b.'],
    ['hw=h999', 'hw', 'there is no chip "h999" among the first-party chips; showing h100-sxm.'],
    ['hw=custom', 'hw', 'the link selects the custom chip but does not carry one (hc=…); showing h100-sxm.'],
    ['b=0', 'b', 'the batch must be a whole number ≥ 1; using 64.'],
    ['b=2.5', 'b', 'the batch must be a whole number ≥ 1; using 64.'],
    ['n=', 'n', 'the chip count must be a whole number ≥ 1; using 8.'],
    ['in=abc', 'in', 'the input length must be a whole number ≥ 1; using 2048.'],
    ['w=fp12', 'w', 'the weight precision must be one of fp32, bf16, fp16, fp8, int8, fp4, int4; using bf16.'],
    ['ov=1.5', 'ov', 'the communication overlap must be a number from 0 to 1; using the default.'],
    ['price=-1', 'price', 'the price per chip-hour must be a number ≥ 0; using the default.'],
    ['fit=yes', 'fit', 'fitting each compared chip must be 1 or 0; using 1.'],
    ['sb=100000', 'sb', 'the sweep’s largest batch must be a whole number from 1 to 65536; using 1024.'],
    ['sbs=log', 'sbs', 'sweep batch spacing must be pow2 or all; using pow2.'],
    ['stp=1,x', 'stp', 'the sweep’s TP degrees must be a comma-separated list of whole numbers ≥ 1; using 1,2,4,8,16,32,64.'],
    ['sw=bf16,fp9', 'sw', 'the sweep’s weight precisions: "fp9" is not a precision (allowed: fp32, bf16, fp16, fp8, int8, fp4, int4); using the current precision.'],
    ['sy=latency', 'sy', "the Pareto chart's vertical axis must be chip (tokens/s per chip), cost ($ per million tokens) or mw (tokens/s per provisioned MW); using chip."],
    ['colour=red', 'colour', 'the link has a setting "colour" this page does not know; it was ignored.'],
    ['mc=!!!', 'mc', 'the pasted config.json in the link is damaged (not base64url text), perhaps cut short when it was copied; showing llama-3.1-70b.'],
    ['hc=bm90IGpzb24', 'hc', 'the custom chip in the link is damaged (not base64url JSON), perhaps cut short when it was copied; the form starts empty.'],
  ])('%s', (fragment, key, message) => {
    const { state, problems } = parseState(`#${fragment}`);
    expect(problems).toEqual([{ key, value: expect.any(String) as string, message }]);
    // Everything else is the default page.
    expect(state.chips).toBe(DEFAULT_STATE.chips);
  });

  test('several problems are all reported, in order, and the good settings still apply', () => {
    const { state, problems } = parseState('#m=nope&b=-3&tp=4&cmp=h100-sxm,tpu-v99,mi300x');
    expect(problems.map((p) => p.key)).toEqual(['m', 'b', 'cmp']);
    expect(problems[2]?.message).toBe('the comparison names a chip this page does not know (tpu-v99); it was left out.');
    expect(state.tp).toBe(4);
    expect(state.compare).toEqual(['h100-sxm', 'mi300x']);
  });

  test('more than four compared chips are cut to four, with a message', () => {
    const { state, problems } = parseState('#cmp=h100-sxm,h200,b200,mi300x,tpu-v6e');
    expect(state.compare).toHaveLength(4);
    expect(problems[0]?.message).toBe('at most 4 chips can be compared; the first 4 are shown.');
  });

  test('unknown custom-chip fields are reported and dropped', () => {
    const encoded = toBase64Url(JSON.stringify({ id: 'x1', turbo: 'on' }));
    const { state, problems } = parseState(`#hw=custom&hc=${encoded}`);
    expect(state.customChip).toEqual({ id: 'x1' });
    expect(state.hardware).toBe('custom');
    expect(problems[0]?.message).toBe('the custom chip in the link has fields this page does not know (turbo); they were ignored.');
  });

  test('a whole number past the largest says what the largest is', () => {
    expect(parseState('#b=1e300').problems).toEqual([{ key: 'b', value: '1e300', message: 'the batch must be a whole number from 1 to 9,007,199,254,740,991; using 64.' }]);
    expect(parseState('#n=-8').problems[0]?.message).toBe('the chip count must be a whole number ≥ 1; using 8.');
  });

  test('no message echoes a link’s text whole: a 10,000-character value or name, in any setting, is abbreviated', () => {
    const long = 'x'.repeat(10_000);
    const customChip = (fields: Record<string, string>) => toBase64Url(JSON.stringify(fields));
    const fragments = [
      ...Object.values(KEYS).map((key) => `${key}=${long}`),
      // Lists: one long item, and many short ones.
      `cmp=h100-sxm,${long}`,
      `cmp=${Array.from({ length: 2000 }, (_, i) => `chip${i}`).join(',')}`,
      `sw=${Array.from({ length: 2000 }, (_, i) => `fp${i}`).join(',')}`,
      `tsr=${Array.from({ length: 2000 }, (_, i) => `r${i}`).join(',')}`,
      `pw=1&phw=${long}`,
      `hw=custom&hc=${customChip({ [long]: '1', id: long })}`,
      `hw=custom&hc=${customChip(Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`field${i}`, '1'])))}`,
      `${long}=1`,
      long,
    ];
    for (const fragment of fragments) {
      const { problems } = parseState(`#${fragment}`);
      expect(problems.length, fragment.slice(0, 20)).toBeGreaterThan(0);
      for (const p of problems) {
        expect(p.key.length, fragment.slice(0, 20)).toBeLessThanOrEqual(ECHO_MAX_CHARS);
        expect(p.value.length, fragment.slice(0, 20)).toBeLessThanOrEqual(ECHO_MAX_CHARS);
        // The message's own words, and at most a few abbreviated echoes.
        expect(p.message.length, `${fragment.slice(0, 20)}: ${p.message.slice(0, 200)}`).toBeLessThan(400);
        expect(p.message, fragment.slice(0, 20)).not.toMatch(/x{40}/);
      }
    }
  });

  test('abbreviate cuts to ECHO_MAX_CHARS with an ellipsis, never inside an emoji', () => {
    expect(abbreviate('short')).toBe('short');
    expect(abbreviate('y'.repeat(ECHO_MAX_CHARS))).toBe('y'.repeat(ECHO_MAX_CHARS));
    expect(abbreviate('y'.repeat(ECHO_MAX_CHARS + 1))).toBe(`${'y'.repeat(ECHO_MAX_CHARS - 1)}…`);
    // 39 UTF-16 units would end inside the 19th emoji: it is left out whole.
    const emoji = abbreviate(`ab${'🙂'.repeat(40)}`);
    expect(emoji).toBe(`ab${'🙂'.repeat(18)}…`);
    expect(emoji.length).toBeLessThanOrEqual(ECHO_MAX_CHARS);
  });

  test('garbage never throws', () => {
    for (const fragment of ['#%', '#&&&=&=', '#m', '#hc=', `#${'x'.repeat(10_000)}`, '#b=1e400', '#cmp=,,,', '#stp=']) {
      expect(() => parseState(fragment)).not.toThrow();
    }
  });
});

describe('base64url', () => {
  test('round-trips UTF-8 text without padding or URL-unsafe characters', () => {
    for (const text of ['', 'a', '{"a":1}', 'naïve ✓ 漢字 🙂', '???>>>']) {
      const encoded = toBase64Url(text);
      expect(encoded).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(fromBase64Url(encoded)).toBe(text);
    }
  });

  test('rejects what is not base64url', () => {
    expect(() => fromBase64Url('a+b/')).toThrow();
    expect(() => fromBase64Url('_w')).toThrow(); // 0xff: not UTF-8
  });
});

test('KEYS are unique', () => {
  const values = Object.values(KEYS);
  expect(new Set(values).size).toBe(values.length);
});

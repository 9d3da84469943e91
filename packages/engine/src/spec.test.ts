import { describe, expect, it } from 'vitest';
import { DEFAULT_PUE, TCO_LIMITS } from '@ridgeline/model';
import { MAX_TOP_K, parseAnySweepSpec, parseSweepSpec, resolveSweepSpec, validateSweepSpec } from './spec.ts';
import { planSweep, shardRange } from './plan.ts';
import { specIssuesOf } from './test-support/kernel-check.ts';
import { TEST_RESOLVERS } from './test-support/random.ts';

const issuesOf = specIssuesOf;

const BASE = 'models: [llama-3.1-8b]\nhardware: [h100-sxm]\n';

describe('sweep spec validation', () => {
  it('bounds the top-k at MAX_TOP_K, which the kernel handles (1e8 exhausted its memory)', () => {
    expect(MAX_TOP_K).toBe(10_000);
    expect(parseSweepSpec(`${BASE}reducers: { top: { k: ${MAX_TOP_K}, by: tpotS } }\n`).reducers.top?.k).toBe(MAX_TOP_K);
    expect(issuesOf(`${BASE}reducers: { top: { k: 10001, by: tpotS } }\n`)).toBe('spec.yaml: reducers.top.k: k must be at most 10,000');
    expect(issuesOf(`${BASE}reducers: { top: { k: 100000000, by: tpotS } }\n`)).toBe('spec.yaml: reducers.top.k: k must be at most 10,000');
  });

  // Before (reliability defect 10): every one of these read "reducers.top: Invalid type: Expected
  // (null | Object) but received Object", naming neither k nor by.
  it('names the field of reducers.top that is wrong', () => {
    const top = (value: string): string => issuesOf(`${BASE}reducers:\n  top: ${value}\n`);
    expect(top('{ k: 0, by: costPerMillionTokensUsd }')).toBe('spec.yaml: reducers.top.k: k must be an integer ≥ 1');
    expect(top('{ k: 5 }')).toBe('spec.yaml: reducers.top.by: is required');
    expect(top('{ by: tpotS }')).toBe('spec.yaml: reducers.top.k: is required');
    expect(top('{ k: 5, by: nope }')).toMatch(/^spec\.yaml: reducers\.top\.by: unknown metric "nope"\./);
    expect(top('{ k: 1.5, by: tpotS }')).toBe('spec.yaml: reducers.top.k: k must be an integer from 1 to 10,000');
    expect(top('5')).toBe('spec.yaml: reducers.top: top is null or { k, by }, got 5');
    expect(top('{ k: 5, by: tpotS, x: 1 }')).toMatch(/^spec\.yaml: reducers\.top\.x: unknown field "x"/);
    expect(parseSweepSpec(`${BASE}reducers: { top: null }\n`).reducers.top).toBeNull();
    expect(issuesOf(`${BASE}hardware: [{ chip: h100-sxm, price: 2 }]\n`.replace(`hardware: [h100-sxm]\n`, ''))).toMatch(/^spec\.yaml: hardware\[0\]\.price: unknown field "price"/);
  });

  it('takes one pue for the sweep, estimate --pue\'s default and bounds, and names the field when it is wrong', () => {
    expect(parseSweepSpec(BASE).pue).toBe(DEFAULT_PUE);
    expect(parseSweepSpec(`${BASE}pue: 1.35\n`).pue).toBe(1.35);
    expect(parseSweepSpec(`${BASE}pue: ${TCO_LIMITS.pue.min}\n`).pue).toBe(TCO_LIMITS.pue.min);
    expect(parseSweepSpec(`${BASE}pue: ${TCO_LIMITS.pue.max}\n`).pue).toBe(TCO_LIMITS.pue.max);
    expect(issuesOf(`${BASE}pue: 0.9\n`)).toBe('spec.yaml: pue: must be a power usage effectiveness from 1 to 10, got 0.9');
    expect(issuesOf(`${BASE}pue: 11\n`)).toBe('spec.yaml: pue: must be a power usage effectiveness from 1 to 10, got 11');
    expect(issuesOf(`${BASE}pue: .nan\n`)).toBe('spec.yaml: pue: must be a power usage effectiveness from 1 to 10, got NaN');
    // one facility per sweep: not an axis
    expect(issuesOf(`${BASE}pue: [1.1, 1.2]\n`)).toBe('spec.yaml: pue: must be a power usage effectiveness from 1 to 10, got a list');
    expect(issuesOf(`${BASE}pue: high\n`)).toBe('spec.yaml: pue: must be a power usage effectiveness from 1 to 10, got "high"');
  });

  it('fills in defaults and expands ranges', () => {
    const spec = parseSweepSpec(`${BASE}tp: [1, 2]\nbatch: { from: 1, to: 64, times: 4 }\ninputTokens: { from: 1000, to: 3000, step: 1000 }\nchips: 8\n`);
    expect(spec.tp).toEqual([1, 2]);
    expect(spec.batch).toEqual([1, 4, 16, 64]);
    expect(spec.inputTokens).toEqual([1000, 2000, 3000]);
    expect(spec.chips).toEqual([8]);
    expect(spec.dp).toBeNull();
    expect(spec.outputTokens).toEqual([256]);
    expect(spec.precisions).toEqual({ weights: ['bf16'], kvCache: ['bf16'], activations: ['bf16'] });
    expect(spec.commOverlap).toEqual(['auto']);
    expect(spec.schedule).toEqual(['continuous']);
    expect(spec.chunkTokens).toEqual([8192]);
    expect(spec.redundantExperts).toEqual(['auto']);
    expect(spec.moeImbalance).toEqual([1.11]);
    expect(spec.reducers.pareto).toEqual([
      { metric: 'costPerMillionTokensUsd', direction: 'min' },
      { metric: 'tpotS', direction: 'min' },
    ]);
    expect(validateSweepSpec({ models: ['x'], hardware: ['y'] }).dp).toEqual([1]);
  });

  it('accepts JSON, objectives with directions and inline models', () => {
    const spec = parseSweepSpec(
      JSON.stringify({
        models: [{ id: 'tiny', layers: 2, hiddenSize: 64, heads: 4, kvHeads: 2, headDim: 16, ffnHiddenSize: 128, gatedFfn: true, vocabSize: 1000, tiedEmbeddings: true }],
        hardware: [{ chip: 'h100-sxm', usdPerChipHour: 1.5 }],
        reducers: { pareto: ['tpotS', 'tokensPerSPerChip', { metric: 'energyPerTokenJ', direction: 'min' }], top: { k: 3, by: 'ttftS:max' } },
      }),
    );
    expect(spec.reducers.pareto.map((o) => `${o.metric}:${o.direction}`)).toEqual(['tpotS:min', 'tokensPerSPerChip:max', 'energyPerTokenJ:min']);
    expect(spec.reducers.top).toEqual({ metric: 'ttftS', direction: 'max', k: 3 });
    const plan = planSweep(resolveSweepSpec(spec, TEST_RESOLVERS));
    expect(plan.total).toBe(1);
    expect(plan.resolved.models[0]?.name).toBe('tiny');
    expect(plan.config(0)).toMatchObject({ model: 'tiny', hardware: 'h100-sxm', chips: 1, dp: 1, commOverlap: 'auto' });
  });

  it('names the field, the allowed values and what it got', () => {
    expect(issuesOf(`${BASE}tp: [1, 0]\n`)).toBe('spec.yaml: tp[1]: must be an integer ≥ 1, got 0');
    expect(issuesOf(`${BASE}batch: 1.5\n`)).toBe('spec.yaml: batch: must be an integer ≥ 1, got 1.5');
    expect(issuesOf(`${BASE}precisions: { weights: [bf16, fp9] }\n`)).toBe(
      'spec.yaml: precisions.weights[1]: must be one of fp32, bf16, fp16, fp8, int8, fp4, int4, got "fp9"',
    );
    expect(issuesOf(`${BASE}attentionSharding: rows\n`)).toBe('spec.yaml: attentionSharding: must be one of heads, batch, dp, got "rows"');
    expect(issuesOf(`${BASE}schedule: dynamic\n`)).toBe('spec.yaml: schedule: must be one of continuous, static, got "dynamic"');
    expect(issuesOf(`${BASE}schedule: [static, static]\n`)).toBe('spec.yaml: schedule[1]: "static" appears twice; each value of an axis must be distinct');
    expect(issuesOf(`${BASE}chunkTokens: [2048, 0]\n`)).toBe('spec.yaml: chunkTokens[1]: must be an integer ≥ 1, got 0');
    expect(issuesOf(`${BASE}chunkTokens: continuous\n`)).toBe(
      'spec.yaml: chunkTokens: chunkTokens must be an integer ≥ 1, a list of them, or a range { from, to, step | times }, got "continuous"',
    );
    expect(issuesOf(`${BASE}commOverlap: [0.5, 2]\n`)).toBe('spec.yaml: commOverlap[1]: must be a fraction in [0, 1] or "auto", got 2');
    expect(parseSweepSpec(`${BASE}redundantExperts: [auto, 0, 32]\n`).redundantExperts).toEqual(['auto', 0, 32]);
    expect(issuesOf(`${BASE}redundantExperts: [8, 2.5]\n`)).toBe('spec.yaml: redundantExperts[1]: must be an integer ≥ 0 or "auto", got 2.5');
    expect(issuesOf(`${BASE}redundantExperts: -1\n`)).toBe('spec.yaml: redundantExperts: must be an integer ≥ 0 or "auto", got -1');
    expect(issuesOf(`${BASE}batchs: [1]\n`)).toMatch(/^spec\.yaml: batchs: unknown field "batchs"; did you mean "batch"\? Allowed: models, hardware, chips, dp, tp/);
    expect(issuesOf(`${BASE}chips: 8\ndp: 1\n`)).toBe('spec.yaml: give chips or dp, not both (with dp, chips = tp·pp·dp)');
    expect(issuesOf(`${BASE}tp: [2, 2]\n`)).toBe('spec.yaml: tp[1]: 2 appears twice; each value of an axis must be distinct');
    expect(issuesOf('hardware: [h100-sxm]\n')).toBe('spec.yaml: models: is required');
    expect(issuesOf('models: [llama-3.1-8b]\n')).toBe('spec.yaml: hardware: is required');
    // an inline model's own problems, each with its path
    expect(issuesOf('models: [{ id: tiny, layers: 0, hiddenSize: 256, heads: 4, kvHeads: 4, headDim: 64, gatedFfn: yes, vocabSize: 1000, tiedEmbeddings: false }]\nhardware: [h100-sxm]\n')).toBe(
      [
        'spec.yaml: 3 problems',
        '  - models[0].layers: must be an integer ≥ 1, got 0',
        '  - models[0].ffnHiddenSize: is required',
        '  - models[0].gatedFfn: must be true or false, got "yes"',
      ].join('\n'),
    );
    expect(issuesOf('models: [3]\nhardware: [h100-sxm]\n')).toBe('spec.yaml: models[0]: a model is a catalog id or an inline ModelSpec object, got 3');
    expect(issuesOf(`${BASE}reducers: { pareto: [costUsd, tpotS] }\n`)).toMatch(
      /^spec\.yaml: reducers\.pareto\[0\]: unknown metric "costUsd" \(a metric of training sweeps; this is an inference spec\)\. Allowed: ttftS, tpotS, /,
    );
    expect(issuesOf(`${BASE}reducers: { pareto: [tpotS] }\n`)).toBe('spec.yaml: reducers.pareto: pareto takes 2 or 3 objectives (or none)');
    expect(issuesOf(`${BASE}reducers: { pareto: [coast, tpotS] }\n`)).toMatch(/^spec\.yaml: reducers\.pareto\[0\]: unknown metric "coast"; did you mean "cost"\? Allowed: ttftS, .*; or a short name: cost, cost-input, tpot, /);
    expect(issuesOf(`${BASE}batch: { from: 8, to: 1 }\n`)).toBe('spec.yaml: batch: a range needs to ≥ from');
    expect(issuesOf('- 1\n- 2\n')).toMatch(/^spec\.yaml: a sweep spec is a mapping/);
    expect(issuesOf('models: [\n')).toMatch(/^spec\.yaml: not valid YAML or JSON/);
  });

  // Before the limits a 10¹²-layer inline model hung the layout search, and 1e308 figures gave ∞.
  it('names each limit a field goes beyond (docs/MODEL.md §1.5)', () => {
    const tiny = 'id: tiny, layers: 2, hiddenSize: 64, heads: 4, kvHeads: 2, headDim: 16, ffnHiddenSize: 128, gatedFfn: true, vocabSize: 1000, tiedEmbeddings: true';
    expect(issuesOf(`models: [{ ${tiny.replace('layers: 2', 'layers: 1e12')} }]\nhardware: [h100-sxm]\n`)).toBe('spec.yaml: models[0].layers: must be at most 1e5, got 1000000000000');
    expect(issuesOf(`models: [{ ${tiny.replace('heads: 4', 'heads: 1e300')} }]\nhardware: [h100-sxm]\n`)).toBe('spec.yaml: models[0].heads: must be at most 1e5, got 1e+300');
    expect(issuesOf(`${BASE}batch: [1, 1e12]\n`)).toBe('spec.yaml: batch[1]: must be at most 1e9, got 1000000000000');
    expect(issuesOf(`${BASE}inputTokens: 2e9\n`)).toBe('spec.yaml: inputTokens: must be at most 1e9, got 2000000000');
    expect(issuesOf(`${BASE}chips: 33554432\n`)).toBe('spec.yaml: chips: must be at most 16,777,216, got 33554432');
    expect(issuesOf(`${BASE}moeImbalance: 1e308\n`)).toBe('spec.yaml: moeImbalance: must be at most 64, got 1e+308');
    expect(issuesOf('models: [llama-3.1-8b]\nhardware: [{ chip: h100-sxm, usdPerChipHour: 1e308 }]\n')).toBe(
      'spec.yaml: hardware[0].usdPerChipHour: must be at most 1e6, got 1e+308',
    );
    expect(() => parseAnySweepSpec('mode: training\nmodels: [llama-3.1-8b]\nhardware: [h100-sxm]\ntotalTokens: 1e12\noptimizerBytesPerParam: 1e308\n', 'spec.yaml')).toThrow(
      'spec.yaml: optimizerBytesPerParam: must be at most 64, got 1e+308',
    );
    // MoE, MLA and windows of an inline model are checked when it is resolved, each with its path
    const moe = `models: [{ ${tiny}, moe: { experts: 1000000, activeExperts: 2, sharedExperts: 0, expertHiddenSize: 64, denseLayers: 0 } }]\nhardware: [h100-sxm]\n`;
    expect(() => resolveSweepSpec(parseSweepSpec(moe, 'spec.yaml'), TEST_RESOLVERS, 'spec.yaml')).toThrow(
      'spec.yaml: models[0].moe.experts: model "tiny": moe.experts must be at most 1e5, got 1000000',
    );
  });

  it('reads speculative decoding axes, with the draft models resolved after the models', () => {
    const plain = parseSweepSpec(BASE);
    expect([plain.speculative, plain.draftTokens, plain.acceptance, plain.draftModels]).toEqual([['none'], [1], undefined, []]);
    const spec = parseSweepSpec(
      `${BASE}speculative: [none, mtp, draft]\ndraftTokens: { from: 1, to: 4 }\nacceptance: [0.6, 0.9]\n` +
        'draftModels: [llama-2-7b, { id: tiny, layers: 2, hiddenSize: 256, heads: 4, kvHeads: 4, headDim: 64, ffnHiddenSize: 1024, gatedFfn: true, vocabSize: 1000, tiedEmbeddings: false }]\n',
    );
    expect(spec.draftTokens).toEqual([1, 2, 3, 4]);
    const plan = planSweep(resolveSweepSpec(spec, TEST_RESOLVERS));
    expect(plan.total).toBe(3 * 2 * 4 * 2);
    expect(plan.resolved.draftModels?.map((m) => m.id)).toEqual(['llama-2-7b', 'tiny']);
    // the model table: the model, then the draft models; the axis holds their indices
    expect(plan.axes).toMatchObject({ model: [0], speculative: [0, 1, 2], draftModel: [1, 2], draftTokens: [1, 2, 3, 4], acceptance: [0.6, 0.9] });
    expect(plan.config(plan.total - 1)).toMatchObject({ speculative: 'draft', draftModel: 'tiny', draftTokens: 4, acceptance: 0.9 });
    // no acceptance axis: each chip's own (its serving stack's fitted one), shown in the row
    const h100Acceptance = TEST_RESOLVERS.chip('h100-sxm').efficiency.mtpAcceptance?.value;
    expect(h100Acceptance).toBeDefined();
    expect(planSweep(resolveSweepSpec(plain, TEST_RESOLVERS)).config(0)).toMatchObject({ speculative: 'none', draftModel: null, draftTokens: 1, acceptance: h100Acceptance });
    expect(() => resolveSweepSpec(parseSweepSpec(`${BASE}speculative: draft\nacceptance: 0.7\ndraftModels: [llama-9]\n`), TEST_RESOLVERS, 'spec.yaml')).toThrow(
      'spec.yaml: draftModels[0]: unknown model "llama-9"',
    );
  });

  it('names what speculative decoding needs: the allowed values, and a draft model and an acceptance for draft', () => {
    expect(issuesOf(`${BASE}speculative: eagle\n`)).toBe('spec.yaml: speculative: must be one of none, mtp, draft, got "eagle"');
    expect(issuesOf(`${BASE}speculative: [mtp, mtp]\n`)).toBe('spec.yaml: speculative[1]: "mtp" appears twice; each value of an axis must be distinct');
    expect(issuesOf(`${BASE}draftTokens: [0, 17]\n`)).toBe(
      ['spec.yaml: 2 problems', '  - draftTokens[0]: must be an integer from 1 to 16, got 0', '  - draftTokens[1]: must be an integer from 1 to 16, got 17'].join('\n'),
    );
    expect(issuesOf(`${BASE}draftTokens: 2.5\n`)).toBe('spec.yaml: draftTokens: must be an integer from 1 to 16, got 2.5');
    expect(issuesOf(`${BASE}acceptance: [0.5, 1.2]\n`)).toBe('spec.yaml: acceptance[1]: must be a probability in [0, 1], got 1.2');
    expect(issuesOf(`${BASE}acceptance: [0.5, 0.5]\n`)).toBe('spec.yaml: acceptance[1]: 0.5 appears twice; each value of an axis must be distinct');
    expect(issuesOf(`${BASE}speculative: draft\n`)).toBe(
      [
        'spec.yaml: 2 problems',
        '  - draftModels: speculative: draft needs draftModels, the small models that draft the tokens (catalog ids such as llama-3.1-8b, or inline ModelSpecs)',
        "  - acceptance: is required with speculative: draft: the probability each draft token is accepted, in [0, 1] (mtp alone defaults to 0.85, DeepSeek-V3's MTP module)",
      ].join('\n'),
    );
    expect(issuesOf(`${BASE}draftModels: [llama-3.1-8b]\n`)).toBe(
      'spec.yaml: draftModels: draft models are the drafters of speculative: draft; add draft to speculative, or remove draftModels',
    );
    const draft = `${BASE}speculative: draft\nacceptance: 0.7\n`;
    expect(issuesOf(`${draft}draftModels: []\n`)).toBe('spec.yaml: draftModels: draftModels needs at least one model (a catalog id such as llama-3.1-8b, or an inline ModelSpec)');
    expect(issuesOf(`${draft}draftModels: llama-3.1-8b\n`)).toBe('spec.yaml: draftModels: draftModels is a list of catalog ids or inline ModelSpecs, got "llama-3.1-8b"');
    expect(issuesOf(`${draft}draftModels: [llama-3.1-8b, LLAMA-3.1-8B]\n`)).toBe('spec.yaml: draftModels[1]: "llama-3.1-8b" appears twice; each value of an axis must be distinct');
    expect(issuesOf(`${draft}draftModels: [3]\n`)).toBe('spec.yaml: draftModels[0]: a model is a catalog id or an inline ModelSpec object, got 3');
  });

  it('lists every problem, one per line', () => {
    expect(issuesOf(`${BASE}tp: [0]\npp: [x]\nrandom: 1\n`)).toBe(
      [
        'spec.yaml: 3 problems',
        '  - tp[0]: must be an integer ≥ 1, got 0',
        '  - pp[0]: must be an integer ≥ 1, got "x"',
        '  - random: unknown field "random". Allowed: models, hardware, chips, dp, tp, pp, ep, redundantExperts, batch, inputTokens, outputTokens, precisions, attentionSharding, commOverlap, moeImbalance, twoBatchOverlap, schedule, chunkTokens, speculative, draftTokens, acceptance, draftModels, prefillWorkers, decodeWorkers, prefillHardware, prefillTp, prefillEp, prefillAttention, pue, where, reducers',
      ].join('\n'),
    );
  });

  it('checks the rules across fields on the fields that parsed, in the same round as the schema’s problems', () => {
    expect(issuesOf('models: [llama-3.1-8b, LLAMA-3.1-8B]\nhardware: [h100-sxm]\nbatch: [0]\nschedule: static\nprefillWorkers: 1\nspeculative: draft\nchips: 8\ndp: 1\n')).toBe(
      [
        'spec.yaml: 6 problems',
        '  - batch[0]: must be an integer ≥ 1, got 0',
        '  - schedule: static cannot run with prefillWorkers above 0: disaggregated decode workers batch continuously (docs/MODEL.md §8); remove static, or set prefillWorkers to 0',
        '  - models[1]: "llama-3.1-8b" appears twice; each value of an axis must be distinct',
        '  - draftModels: speculative: draft needs draftModels, the small models that draft the tokens (catalog ids such as llama-3.1-8b, or inline ModelSpecs)',
        `  - acceptance: is required with speculative: draft: the probability each draft token is accepted, in [0, 1] (mtp alone defaults to 0.85, DeepSeek-V3's MTP module)`,
        '  - give chips or dp, not both (with dp, chips = tp·pp·dp)',
      ].join('\n'),
    );
  });

  it('reports repeated values in the same round as the schema’s problems', () => {
    expect(issuesOf(`${BASE}tp: [1, 2, 2]\nbatch: [0]\nschedule: [static, static]\n`)).toBe(
      ['spec.yaml: 3 problems', '  - batch[0]: must be an integer ≥ 1, got 0', '  - tp[2]: 2 appears twice; each value of an axis must be distinct', '  - schedule[1]: "static" appears twice; each value of an axis must be distinct'].join('\n'),
    );
  });

  it('reads where as clauses in metric order, and groupBy in canonical order', () => {
    const spec = parseSweepSpec(`${BASE}where: { tpotS: { max: 0.05 }, ttftS: { max: 2 }, tokensPerSPerUser: { min: 20, max: 1e3 } }\nreducers: { groupBy: [hardware, model] }\n`);
    expect(spec.where).toEqual([
      { metric: 'ttftS', max: 2 },
      { metric: 'tpotS', max: 0.05 },
      { metric: 'tokensPerSPerUser', min: 20, max: 1000 },
    ]);
    expect(spec.reducers.groupBy).toEqual(['model', 'chip']);
    expect(parseSweepSpec(`${BASE}reducers: { groupBy: chip }\n`).reducers.groupBy).toEqual(['chip']);
    expect(parseSweepSpec(`${BASE}where: { ttftS: { min: 1, max: 1 } }\n`).where).toEqual([{ metric: 'ttftS', min: 1, max: 1 }]);
    // defaults: no filter, one group; both stay JSON (no Infinity)
    const plain = parseSweepSpec(BASE);
    expect([plain.where, plain.reducers.groupBy]).toEqual([[], []]);
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
  });

  it('takes the short metric names of the CLI (cost, tpot, ttft, …) in where, objectives, top-k and histograms', () => {
    const spec = parseSweepSpec(
      `${BASE}where: { ttft: { max: 2 }, per-user: { min: 20 } }\nreducers: { pareto: [cost, tpot:min], top: { k: 3, by: throughput }, histograms: [{ metric: power, min: 0, max: 1000, bins: 4 }] }\n`,
    );
    expect(spec.where).toEqual([
      { metric: 'ttftS', max: 2 },
      { metric: 'tokensPerSPerUser', min: 20 },
    ]);
    expect(spec.reducers.pareto).toEqual([
      { metric: 'costPerMillionTokensUsd', direction: 'min' },
      { metric: 'tpotS', direction: 'min' },
    ]);
    expect(spec.reducers.top).toEqual({ metric: 'tokensPerS', direction: 'max', k: 3 });
    expect(spec.reducers.histograms[0]?.metric).toBe('powerPerChipW');
    // the same spec as full names: the same parsed spec (and so the same fingerprint)
    const full = parseSweepSpec(
      `${BASE}where: { ttftS: { max: 2 }, tokensPerSPerUser: { min: 20 } }\nreducers: { pareto: [costPerMillionTokensUsd, tpotS:min], top: { k: 3, by: tokensPerS }, histograms: [{ metric: powerPerChipW, min: 0, max: 1000, bins: 4 }] }\n`,
    );
    expect(spec).toEqual(full);
    expect(parseAnySweepSpec('mode: training\nmodels: [llama-3.1-8b]\nhardware: [h100-sxm]\ntotalTokens: 1e12\nwhere: { time: { max: 1e7 } }\nreducers: { top: { k: 2, by: cost } }\n')).toMatchObject({
      where: [{ metric: 'totalTimeS', max: 1e7 }],
      reducers: { top: { metric: 'costUsd', k: 2 } },
    });
    // one metric under two names is one filter given twice
    expect(issuesOf(`${BASE}where: { ttft: { max: 2 }, ttftS: { min: 1 } }\n`)).toBe(
      'spec.yaml: where.ttftS: "ttftS" is ttftS, as where.ttft is; give each metric one entry, with min, max or both',
    );
  });

  it('names the metric, the bound and the allowed values of a wrong where or groupBy', () => {
    const allowed = 'Allowed: ttftS, tpotS, requestLatencyS,';
    expect(issuesOf(`${BASE}where: { ttfts2: { max: 2 } }\n`)).toMatch(new RegExp(`^spec\\.yaml: where\\.ttfts2: unknown metric "ttfts2"; did you mean "ttftS"\\? ${allowed}`));
    expect(issuesOf(`${BASE}where: { costUsd: { max: 2 } }\n`)).toMatch(/^spec\.yaml: where\.costUsd: unknown metric "costUsd" \(a metric of training sweeps; this is an inference spec\)\. Allowed: ttftS, /);
    expect(issuesOf(`${BASE}where: { ttftS: { min: 3, max: 2 } }\n`)).toBe('spec.yaml: where.ttftS: min must be ≤ max, got min 3 and max 2');
    expect(issuesOf(`${BASE}where: { ttftS: {} }\n`)).toBe('spec.yaml: where.ttftS: a filter needs min, max or both, e.g. { max: 2 }');
    expect(issuesOf(`${BASE}where: { ttftS: { max: .inf } }\n`)).toBe('spec.yaml: where.ttftS.max: must be a finite number, got Infinity');
    expect(issuesOf(`${BASE}where: { ttftS: { min: .nan } }\n`)).toBe('spec.yaml: where.ttftS.min: must be a finite number, got NaN');
    expect(issuesOf(`${BASE}where: { ttftS: { max: "2" } }\n`)).toBe('spec.yaml: where.ttftS.max: must be a finite number, got "2"');
    expect(issuesOf(`${BASE}where: { ttftS: { maxx: 2 } }\n`)).toBe('spec.yaml: 2 problems\n  - where.ttftS.maxx: unknown field "maxx"; did you mean "max"? Allowed: min, max\n  - where.ttftS: a filter needs min, max or both, e.g. { max: 2 }');
    expect(issuesOf(`${BASE}where: { ttftS: 2 }\n`)).toBe('spec.yaml: where.ttftS: a filter is { min, max } with one or both bounds (inclusive), got 2');
    expect(issuesOf(`${BASE}where: [ttftS]\n`)).toBe('spec.yaml: where: where maps metrics to bounds, e.g. { ttftS: { max: 2 } }, got a list');
    expect(issuesOf(`${BASE}reducers: { groupBy: [model, gpu] }\n`)).toBe('spec.yaml: reducers.groupBy[1]: must be model or chip (hardware is the same as chip), got "gpu"');
    expect(issuesOf(`${BASE}reducers: { groupBy: 3 }\n`)).toBe('spec.yaml: reducers.groupBy: groupBy takes [model], [chip] or [model, chip], got 3');
    // every problem at once, the schema's and the filter's
    expect(issuesOf(`${BASE}tp: [0]\nwhere: { ttftS: { min: 3, max: 2 } }\n`)).toBe(
      'spec.yaml: 2 problems\n  - tp[0]: must be an integer ≥ 1, got 0\n  - where.ttftS: min must be ≤ max, got min 3 and max 2',
    );
  });

  it('puts where and groupBy into the image, so the fingerprint tells them apart', () => {
    const fingerprint = (extra: string): string => planSweep(resolveSweepSpec(parseSweepSpec(`${BASE}tp: [1, 2]\n${extra}`), TEST_RESOLVERS)).fingerprint;
    const prints = [
      fingerprint(''),
      fingerprint('where: { ttftS: { max: 2 } }\n'),
      fingerprint('where: { ttftS: { max: 3 } }\n'),
      fingerprint('where: { ttftS: { min: 2 } }\n'),
      fingerprint('reducers: { groupBy: [model] }\n'),
      fingerprint('reducers: { groupBy: [chip] }\n'),
    ];
    expect(new Set(prints).size).toBe(prints.length);
    // the same filter written in another order is the same sweep
    expect(fingerprint('where: { ttftS: { max: 2 }, tpotS: { max: 1 } }\n')).toBe(fingerprint('where: { tpotS: { max: 1 }, ttftS: { max: 2 } }\n'));
  });

  it('reports unknown ids and unusable models through the resolvers and the flattener', () => {
    const spec = parseSweepSpec('models: [llama-3.1-8b, nope]\nhardware: [h100-sxm, nada]\n');
    expect(() => resolveSweepSpec(spec, TEST_RESOLVERS, 'spec.yaml')).toThrow(
      'spec.yaml: 2 problems\n  - models[1]: unknown model "nope"\n  - hardware[1]: unknown hardware "nada"',
    );
    const inline = parseSweepSpec(
      'models: [{ id: odd, layers: 2, hiddenSize: 64, heads: 4, kvHeads: 2, headDim: 16, ffnHiddenSize: 128, gatedFfn: true, vocabSize: 1000, tiedEmbeddings: true, moe: { experts: 4, activeExperts: 8, sharedExperts: 0, expertHiddenSize: 8, denseLayers: 0 } }]\nhardware: [h100-sxm]\n',
    );
    expect(() => planSweep(resolveSweepSpec(inline, TEST_RESOLVERS))).toThrow('model "odd": moe.activeExperts must be at most moe.experts (4), got 8');
  });

  it('refuses one model listed under two spellings, which would run it twice under one name', () => {
    // the resolver maps a Hugging Face id to its catalog model, as the CLI's does
    const resolvers = { ...TEST_RESOLVERS, model: (id: string) => TEST_RESOLVERS.model(id === 'meta-llama/Llama-3.1-8B' ? 'llama-3.1-8b' : id) };
    const spec = parseSweepSpec('models: [llama-3.1-8b, meta-llama/Llama-3.1-8B]\nhardware: [h100-sxm]\n');
    expect(() => resolveSweepSpec(spec, resolvers, 'spec.yaml')).toThrow(
      'spec.yaml: models[1]: "meta-llama/Llama-3.1-8B" is the model "llama-3.1-8b", as models[0] "llama-3.1-8b" is; list each model once',
    );
    expect(resolveSweepSpec(parseSweepSpec('models: [meta-llama/Llama-3.1-8B]\nhardware: [h100-sxm]\n'), resolvers).models.map((m) => m.id)).toEqual(['llama-3.1-8b']);
  });

  it('splits the index space into contiguous shards that cover it once', () => {
    for (const [total, count] of [[10, 3], [7, 7], [5, 8], [2 ** 53 - 1, 1000]] as const) {
      let next = 0;
      for (let i = 0; i < count; i++) {
        const [a, b] = shardRange(total, i, count);
        expect(a).toBe(next);
        expect(b).toBeGreaterThanOrEqual(a);
        next = b;
      }
      expect(next).toBe(total);
    }
    expect(() => shardRange(10, 3, 3)).toThrow('shard index must be in 0…2, got 3');
  });
});

describe('histogram bounds', () => {
  it('start at 0 or above and are finite: every metric is ≥ 0, and a negative edge would print as a figure', () => {
    expect(() => parseSweepSpec(`${BASE}reducers: { histograms: [{ metric: tpotS, min: -1, max: 1, bins: 4 }] }\n`)).toThrow(/min must be ≥ 0: every metric is/);
    expect(() => parseSweepSpec(`${BASE}reducers: { histograms: [{ metric: tpotS, min: 0, max: .inf, bins: 4 }] }\n`)).toThrow(/max must be a finite number/);
    expect(parseSweepSpec(`${BASE}reducers: { histograms: [{ metric: tpotS, min: 0, max: 1, bins: 4 }] }\n`).reducers.histograms[0]).toMatchObject({ min: 0, max: 1 });
  });
});

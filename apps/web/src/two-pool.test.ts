import { estimateInference, type InferenceConfig } from '@ridgeline/model';
import { describe, expect, test } from 'vitest';
import { configFor } from './estimate.ts';
import { findChip, findModel } from './registry.ts';
import { DEFAULT_DISAGGREGATION, DEFAULT_STATE, type AppState, type DisaggregationSettings } from './state.ts';
import { bindsText, loneText, twoPools, twoPoolsWords } from './two-pool.ts';

/** The page's configuration for a disaggregated state, and the model's result for it. */
function run(patch: Partial<AppState>, disaggregation: Partial<DisaggregationSettings>, prefillChip: string | null = null) {
  const state: AppState = { ...DEFAULT_STATE, ...patch, disaggregation: { ...DEFAULT_DISAGGREGATION, ...disaggregation } };
  const model = findModel(state.model.kind === 'catalog' ? state.model.id : '')!;
  const config: InferenceConfig = configFor(state, model, findChip(state.hardware)!, prefillChip === null ? null : findChip(prefillChip)!);
  const result = estimateInference(config);
  if (!result.feasible) throw new Error(`expected a feasible result, got ${result.reason}: ${result.explanation}`);
  return { config, result };
}

describe('twoPools: the model’s figures of each pool, the link and what binds', () => {
  test('a decode-bound deployment on one chip type', () => {
    const { config, result } = run({}, { prefillWorkers: 3, decodeWorkers: 1 });
    const d = result.disaggregation!;
    const pools = twoPools(result, config)!;
    expect(pools.binds).toBe('decode');
    expect(pools.prefill).toEqual({
      role: 'prefill',
      workers: 3,
      chipsPerWorker: 8,
      chips: 24,
      chipId: 'h100-sxm',
      chipName: 'NVIDIA H100 SXM5 80GB',
      layout: 'tp 8 · ep 1',
      utilisation: d.prefillBusyShare,
      timeS: d.prefillIterationS,
      bound: result.bound.prefill,
      memoryPerChip: d.prefillMemoryPerChipBytes,
    });
    expect(pools.decode).toEqual({
      role: 'decode',
      workers: 1,
      chipsPerWorker: 8,
      chips: 8,
      chipId: 'h100-sxm',
      chipName: 'NVIDIA H100 SXM5 80GB',
      layout: 'tp 8 · pp 1 · ep 1',
      utilisation: 1 - d.decodeIdleShare,
      timeS: result.tpotS,
      bound: result.bound.decode,
      memoryPerChip: result.memoryPerChipBytes,
    });
    // The binding pool runs full; the other has room.
    expect(pools.decode.utilisation).toBe(1);
    expect(pools.prefill.utilisation).toBeLessThan(1);
    expect(pools.link).toEqual({ bytes: d.kvTransferBytes, seconds: d.kvTransferS, kind: 'scale-out' });
    expect(pools.requestsPerS).toBe(d.requestsPerS);
    expect(pools.chunkTokens).toBe(8192);
    expect(pools.notes).toEqual([]);
    // the prefill a prompt sees: decode binds, so its iteration runs fewer prompts than a full budget's
    expect(pools.promptPrefill).toEqual({ prompts: d.promptsPerPrefillIteration, seconds: d.promptPrefillS, loneIterations: d.lonePromptIterations });
    expect(pools.promptPrefill.seconds).toBeLessThan(d.prefillIterationS);
  });

  test('a mixed fleet names each pool’s chip, and carries the model’s note on an estimated link', () => {
    const { config, result } = run(
      { hardware: 'nvidia-groq3-lpu', chips: 256, tp: 16, pp: 16, batch: 16, weights: 'fp8', kvCache: 'fp8', activations: 'fp8' },
      { prefillWorkers: 2, decodeWorkers: 2, prefillHardware: 'b200', prefillTp: 8 },
      'b200',
    );
    const pools = twoPools(result, config)!;
    expect([pools.prefill.chipName, pools.prefill.chips, pools.prefill.layout]).toEqual([findChip('b200')!.name, 16, 'tp 8 · ep 1']);
    expect(pools.decode.chipName).toMatch(/^NVIDIA Groq 3 LPU/);
    expect(pools.decode.chips).toBe(512);
    expect(pools.notes).toEqual(result.disaggregation!.notes);
    expect(pools.notes[0]).toMatch(/^The KV transfer runs over NVIDIA Groq 3 LPU .*'s scale-out link, whose figure is an assumption: estimate/);
    expect(twoPoolsWords(pools).at(-1)).toBe(`Note: ${pools.notes[0]}`);
  });

  test('the KV transfer can bind; prefill EP and dp attention show in the layout', () => {
    const kv = run({ model: { kind: 'catalog', id: 'llama-3.1-8b' }, chips: 1, tp: 1, batch: 32, inputTokens: 32768, outputTokens: 16, weights: 'fp8', kvCache: 'fp8', activations: 'fp8' }, { prefillWorkers: 8, decodeWorkers: 1, prefillTp: 8 });
    expect(twoPools(kv.result, kv.config)?.binds).toBe('kv-transfer');
    const moe = run({ model: { kind: 'catalog', id: 'mixtral-8x7b' }, ep: 8, batch: 32 }, { prefillWorkers: 3, decodeWorkers: 2, prefillTp: 4, prefillEp: 4, prefillAttention: 'dp' });
    expect(twoPools(moe.result, moe.config)?.prefill.layout).toBe('tp 4 · ep 4 · dp attention');
    expect(twoPools(moe.result, moe.config)?.decode.layout).toBe('tp 8 · pp 1 · ep 8');
  });

  test('one domain holding both pools moves the KV cache over scale-up', () => {
    const { config, result } = run({ model: { kind: 'catalog', id: 'llama-3.1-8b' }, chips: 4, tp: 4 }, { prefillWorkers: 1, decodeWorkers: 1 });
    expect(twoPools(result, config)?.link.kind).toBe('scale-up');
  });

  test('null when one engine does both, or the configuration is infeasible', () => {
    const model = findModel('llama-3.1-70b')!;
    const chip = findChip('h100-sxm')!;
    const aggregated = configFor(DEFAULT_STATE, model, chip);
    expect(twoPools(estimateInference(aggregated), aggregated)).toBeNull();
    const state: AppState = { ...DEFAULT_STATE, chips: 16, disaggregation: { ...DEFAULT_DISAGGREGATION, prefillWorkers: 2 } };
    const config = configFor(state, model, chip);
    const result = estimateInference(config);
    expect(result.reason).toBe('chips_divide_parallelism');
    expect(twoPools(result, config)).toBeNull();
  });
});

describe('twoPoolsWords: the picture in sentences', () => {
  test('the rate and what sets it, each pool, the link', () => {
    const { config, result } = run({}, { prefillWorkers: 3, decodeWorkers: 1 });
    const words = twoPoolsWords(twoPools(result, config)!);
    expect(words).toHaveLength(5);
    expect(words[0]).toMatch(/^\d+(\.\d+)? requests\/s, set by the decode pool\.$/);
    expect(words[1]).toMatch(/^Prefill pool: 3 workers × 8 NVIDIA H100 SXM5 80GB = 24 chips \(tp 8 · ep 1\), \d+(\.\d+)?% utilised; one iteration takes \d+(\.\d+)? ms, compute-bound\.$/);
    // three prefill workers for one decode worker: each prompt's iteration runs it alone
    expect(words[2]).toMatch(/^A prompt's own prefill: an iteration of itself alone, \d+(\.\d+)? ms\.$/);
    expect(words[3]).toMatch(/^KV transfer: 671 MB per request in \d+(\.\d+)? ms over scale-out links\.$/);
    expect(words[4]).toMatch(/^Decode pool: 1 worker × 8 NVIDIA H100 SXM5 80GB = 8 chips \(tp 8 · pp 1 · ep 1\), 100\.0% utilised; TPOT \d+(\.\d+)? ms, memory-bound\.$/);
  });

  test('one worker, one chip: singular', () => {
    const { config, result } = run({ model: { kind: 'catalog', id: 'llama-3.1-8b' }, chips: 1, tp: 1, batch: 16 }, { prefillWorkers: 1, decodeWorkers: 1 });
    const words = twoPoolsWords(twoPools(result, config)!);
    expect(words[1]).toContain('Prefill pool: 1 worker × 1 NVIDIA H100 SXM5 80GB = 1 chip (tp 1 · ep 1)');
    expect(words[3]).toContain('over the scale-up domain.');
  });

  test('loneText: a lone prompt longer than its rank\'s share of the budget runs in several of its rank\'s iterations', () => {
    expect(loneText(1)).toBe('an iteration of itself alone');
    expect(loneText(2)).toBe('2 iterations of itself on its attention rank');
  });

  test('bindsText', () => {
    expect(['prefill', 'decode', 'kv-transfer'].map((b) => bindsText(b as 'prefill'))).toEqual(['the prefill pool', 'the decode pool', 'the KV transfer']);
  });
});

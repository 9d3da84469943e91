import { describe, expect, it } from 'vitest';
import { INFEASIBLE_REASONS } from '@ridgeline/model';
import { AXES, DISAGGREGATION_AXES, CONFIG_CONTEXT_BALANCE, CONFIG_RECEIVE_INTERVAL, CONFIG_EXPECTED, CONFIG_MAX_BATCH, CONFIG_PRICE, CONFIG_PUE, CONFIG_STRIDE, EFF_STRIDE, HEADER, IMAGE_VERSION, MAX_CURVE_POINTS, MODEL, CHIP, N_OUT, OUTPUTS, STATE, WHERE_STRIDE, defaultDirection, resolveMetric } from './descriptors.ts';
import { createEngine } from './engine.ts';
import { NO_AXES, buildImage } from './image.ts';
import { N_TRAINING_OUT, TRAINING_AXES, TRAINING_CONFIG_STRIDE, TRAINING_FIELDS, TRAINING_SWEEP_AXES } from './training.ts';

describe('the host layout', () => {
  it('matches the constants the compiled kernel exports', async () => {
    const engine = await createEngine();
    const kernel = await engine.open(buildImage({ models: [], chips: [], axes: NO_AXES, dpMode: false, minChips: false, pareto: [], top: null, histograms: [] }));
    const value = (name: string): number => (kernel.exports[name] as { value: number }).value;
    expect(value('N_OUT')).toBe(N_OUT);
    expect(value('N_OUT')).toBe(OUTPUTS.length);
    expect(value('CHIP_STRIDE')).toBe(CHIP.stride);
    expect(value('C_IDENTITY')).toBe(CHIP.identity);
    expect(value('C_MTP_ACCEPTANCE')).toBe(CHIP.mtpAcceptance);
    expect(value('C_REQUEST_OVERHEAD')).toBe(CHIP.requestOverhead);
    expect(value('C_KV_FREE_FRACTION')).toBe(CHIP.kvFreeFraction);
    expect(value('C_KV_RESERVED')).toBe(CHIP.kvReserved);
    expect(value('MODEL_STRIDE')).toBe(MODEL.stride);
    expect(value('CONFIG_STRIDE')).toBe(CONFIG_STRIDE);
    expect(value('C_NODE_OVERHEAD')).toBe(CHIP.nodeOverhead);
    // a configuration record is the axes in order, then the price, E, the PUE, the engine's cap, the context balance and the receive interval
    expect(value('N_AXES')).toBe(AXES.length);
    expect(CONFIG_PRICE).toBe(AXES.length);
    expect(CONFIG_EXPECTED).toBe(AXES.length + 1);
    expect(value('CFG_EXPECTED')).toBe(CONFIG_EXPECTED);
    expect(CONFIG_PUE).toBe(AXES.length + 2);
    expect(value('CFG_PUE')).toBe(CONFIG_PUE);
    expect(CONFIG_MAX_BATCH).toBe(AXES.length + 3);
    expect(value('CFG_MAX_BATCH')).toBe(CONFIG_MAX_BATCH);
    expect(CONFIG_CONTEXT_BALANCE).toBe(AXES.length + 4);
    expect(value('CFG_CONTEXT_BALANCE')).toBe(CONFIG_CONTEXT_BALANCE);
    expect(CONFIG_RECEIVE_INTERVAL).toBe(AXES.length + 5);
    expect(value('CFG_RECEIVE_INTERVAL')).toBe(CONFIG_RECEIVE_INTERVAL);
    expect(CONFIG_STRIDE).toBe(AXES.length + 6);
    // the disaggregation axes sit together in AXES, in DISAGGREGATION_AXES's order
    const first = AXES.indexOf('prefillWorkers');
    expect(AXES.slice(first, first + DISAGGREGATION_AXES.length)).toEqual([...DISAGGREGATION_AXES]);
    expect(AXES.length + HEADER.axisLengths).toBeLessThanOrEqual(HEADER.mode);
    expect(value('EFF_STRIDE')).toBe(EFF_STRIDE);
    expect(value('MAX_CURVE_POINTS')).toBe(MAX_CURVE_POINTS);
    expect(value('HEADER_SLOTS')).toBe(HEADER.slots);
    expect(value('H_PUE')).toBe(HEADER.pue);
    expect(value('IMAGE_VERSION')).toBe(IMAGE_VERSION);
    expect(value('S_COUNTS')).toBe(STATE.counts);
    expect(value('S_MATCHED')).toBe(STATE.matched);
    expect(value('TOP_STRIDE')).toBe(STATE.topStride);
    expect(value('WHERE_STRIDE')).toBe(WHERE_STRIDE);
    expect(value('TRAIN_CONFIG_STRIDE')).toBe(TRAINING_CONFIG_STRIDE);
    expect(value('N_TRAIN_OUT')).toBe(N_TRAINING_OUT);
    expect(N_TRAINING_OUT).toBeLessThanOrEqual(N_OUT);
    // the kernel counts reasons by the model's codes: same list, same order
    expect(value('N_REASONS')).toBe(INFEASIBLE_REASONS.length);
    expect(kernel.exports.reasonCount()).toBe(INFEASIBLE_REASONS.length);
    expect(CHIP.effNetwork + EFF_STRIDE).toBeLessThanOrEqual(CHIP.stride);
    // a training sweep nests every axis once, in the kernel's order (each axis fills its record slot)
    expect([...TRAINING_SWEEP_AXES].sort()).toEqual([...TRAINING_AXES].sort());
    const slotOf = kernel.exports['trainingAxisSlot'] as (axis: number) => number;
    expect(TRAINING_SWEEP_AXES.map((_, a) => slotOf(a))).toEqual(TRAINING_SWEEP_AXES.map((axis) => TRAINING_FIELDS.indexOf(axis)));
  });

  it('maximises the throughput metrics, the new per-chip input and total rates included', () => {
    for (const m of ['tokensPerS', 'tokensPerSPerChip', 'inputTokensPerSPerChip', 'totalTokensPerSPerChip', 'prefillTokensPerS', 'mfuDecode'] as const) {
      expect(defaultDirection(m)).toBe('max');
    }
    for (const m of ['ttftS', 'costPerMillionTokensUsd', 'energyPerTokenJ'] as const) expect(defaultDirection(m)).toBe('min');
    // tokens per provisioned MW is a throughput; the facility's watts and joules are costs
    expect(defaultDirection('tokensPerSPerProvisionedMW')).toBe('max');
    for (const m of ['provisionedFacilityW', 'facilityW', 'facilityJPerOutputToken', 'nodeJPerOutputToken'] as const) expect(defaultDirection(m)).toBe('min');
    expect(resolveMetric('total-per-chip')).toBe('totalTokensPerSPerChip');
    expect(resolveMetric('inputTokensPerSPerChip')).toBe('inputTokensPerSPerChip');
  });
});

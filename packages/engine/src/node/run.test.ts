import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSweepSpec, planSweep, resolveSweepSpec } from '../index.ts';
import { TEST_RESOLVERS } from '../test-support/random.ts';
import { closeSweepPool, sweepPoolThreadIds } from './pool.ts';
import { CONFIGS_PER_THREAD, defaultThreads, runSweep } from './run.ts';

afterEach(async () => {
  await closeSweepPool();
});

describe('defaultThreads', () => {
  it('keeps a sweep below two threads’ worth of configurations on one thread', () => {
    expect(defaultThreads(0, 2)).toBe(1);
    expect(defaultThreads(1, 2)).toBe(1);
    expect(defaultThreads(2 * CONFIGS_PER_THREAD - 1, 2)).toBe(1);
    expect(defaultThreads(2 * CONFIGS_PER_THREAD - 1, 64)).toBe(1);
  });

  it('adds a thread per CONFIGS_PER_THREAD configurations, up to the cores', () => {
    expect(defaultThreads(2 * CONFIGS_PER_THREAD, 2)).toBe(2);
    expect(defaultThreads(3 * CONFIGS_PER_THREAD - 1, 8)).toBe(2);
    expect(defaultThreads(3 * CONFIGS_PER_THREAD, 8)).toBe(3);
    expect(defaultThreads(1e12, 8)).toBe(8);
    expect(defaultThreads(1e12, 2)).toBe(2);
  });

  it('never goes below one thread, whatever the cores', () => {
    expect(defaultThreads(1e12, 1)).toBe(1);
    expect(defaultThreads(1e12, 0)).toBe(1);
    expect(defaultThreads(1e12, 2.5)).toBe(2);
  });

  it('gives 10^6 configurations two threads, and fewer one (the measured crossover)', () => {
    expect(defaultThreads(1e6, 2)).toBe(2);
    expect(defaultThreads(1e6 - 1, 2)).toBe(1);
    expect(defaultThreads(3e5, 2)).toBe(1);
    expect(defaultThreads(1e8, 2)).toBe(2);
  });

  it('defaults to the cores of this machine', () => {
    expect(defaultThreads(1e12)).toBe(Math.max(1, availableParallelism()));
  });
});

describe('runSweep without threads', () => {
  const plan = (text: string) => planSweep(resolveSweepSpec(parseSweepSpec(text), TEST_RESOLVERS));

  it('runs a small sweep on the calling thread, and a large one on defaultThreads worker threads', async () => {
    // 2 × 2 × 2048 × 64 = 2^19 configurations
    const base = 'models: [llama-3.1-8b]\nhardware: [h100-sxm, h200]\ntp: [1, 2]\nbatch: { from: 1, to: 2048 }\ninputTokens: { from: 64, to: 4096, step: 64 }\n';
    const small = plan(base);
    expect(defaultThreads(small.total)).toBe(1);
    const one = await runSweep(small);
    expect(sweepPoolThreadIds()).toEqual([]);
    expect(one.counts.evaluated).toBe(small.total);

    // enough configurations for two threads; only the first 2 × CONFIGS_PER_THREAD are run
    const large = plan(`${base}outputTokens: { from: 1, to: ${Math.ceil((2 * CONFIGS_PER_THREAD) / small.total)} }\n`);
    expect(large.total).toBeGreaterThanOrEqual(2 * CONFIGS_PER_THREAD);
    const threads = defaultThreads(2 * CONFIGS_PER_THREAD);
    const state = await runSweep(large, { range: [0, 2 * CONFIGS_PER_THREAD] });
    expect(state.counts.evaluated).toBe(2 * CONFIGS_PER_THREAD);
    // the pool stays up after the sweep, with the default thread count of the range (2 unless this machine has one core)
    expect(sweepPoolThreadIds().map((ids) => ids.length)).toEqual(threads === 1 ? [] : [threads]);
  });
});

import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../engine.ts';
import { planSweep, type SweepPlan } from '../plan.ts';
import { parseSweepSpec, resolveSweepSpec } from '../spec.ts';
import { TEST_RESOLVERS } from '../test-support/random.ts';
import { OutputPathError, reserveOutput, temporaryPathOf } from './output.ts';
import { writeRows } from './rows.ts';
import { runSweep } from './run.ts';

function planOf(text: string): SweepPlan {
  return planSweep(resolveSweepSpec(parseSweepSpec(text), TEST_RESOLVERS));
}

// 6,144 configurations: a few chunks of rows
const SMALL = 'models: [llama-3.1-8b]\nhardware: [h100-sxm, tpu-v5p]\ntp: [1, 2, 4, 8]\nbatch: { from: 1, to: 96 }\ninputTokens: [512, 1024, 2048, 4096]\n';
// 4.6 million configurations: long enough to be stopped on two threads
const LARGE = 'models: [llama-3.1-8b]\nhardware: [h100-sxm, tpu-v5p]\ntp: [1, 2, 4, 8]\nbatch: { from: 1, to: 1200 }\ninputTokens: { from: 128, to: 61440, step: 128 }\n';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('output paths are checked before any work', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ridgeline-output-'));
    await writeFile(join(dir, 'file.txt'), 'x');
    await mkdir(join(dir, 'rows.csv'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reserves the temporary file beside the path, empty', async () => {
    const path = join(dir, 'out.csv');
    const temporary = await reserveOutput(path);
    expect(temporary).toBe(temporaryPathOf(path));
    expect(temporary).toBe(join(dir, `.out.csv.${process.pid}.partial`));
    expect((await stat(temporary)).size).toBe(0);
    await rm(temporary);
  });

  it('names a missing directory, a file on the path, a directory as the file and a file system that takes no files', async () => {
    const missing = await rejection(reserveOutput(join(dir, 'nope', 'out.csv')));
    expect(missing).toBeInstanceOf(OutputPathError);
    expect((missing as Error).message).toBe(`directory ${join(dir, 'nope')} does not exist`);
    expect((await rejection(reserveOutput(join(dir, 'file.txt', 'out.csv')))) as Error).toHaveProperty('message', `${join(dir, 'file.txt')} is not a directory`);
    expect((await rejection(reserveOutput(join(dir, 'file.txt', 'deeper', 'out.csv')))) as Error).toHaveProperty(
      'message',
      `${join(dir, 'file.txt', 'deeper')} is not a directory (a file is part of its path)`,
    );
    expect((await rejection(reserveOutput(join(dir, 'rows.csv')))) as Error).toHaveProperty('message', `${join(dir, 'rows.csv')} is a directory; name a file in it`);
    // even root cannot create files in /proc, though `access` says it may write there
    if (existsSync('/proc/self')) {
      expect((await rejection(reserveOutput('/proc/out.csv'))) as Error).toHaveProperty('message', 'cannot create a file in /proc: the file system takes no new files there');
    }
    expect(await readdir(dir)).toEqual(['file.txt', 'rows.csv']);
  });

  it('writeRows refuses such a path before evaluating a row', async () => {
    const plan = planOf(SMALL);
    let progress = 0;
    const error = await rejection(writeRows(plan, join(dir, 'nope', 'out.csv'), { onProgress: () => (progress += 1) }));
    expect(error).toBeInstanceOf(OutputPathError);
    expect(progress).toBe(0);
  });
});

describe('stopping on a signal', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ridgeline-abort-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writeRows stops between chunks and removes its temporary file', async () => {
    const plan = planOf(SMALL);
    const engine = await createEngine();
    for (const file of ['rows.csv', 'rows.parquet']) {
      const controller = new AbortController();
      const reason = new Error('stopped');
      let done = 0;
      const error = await rejection(
        writeRows(plan, join(dir, file), {
          engine,
          chunk: 1024,
          signal: controller.signal,
          onProgress: (d) => {
            done = d;
            controller.abort(reason);
          },
        }),
      );
      expect(error).toBe(reason);
      expect(done).toBe(1024);
      expect(await readdir(dir)).toEqual([]);
    }
  });

  it('runSweep stops its threads, reports how far it got and rejects with the reason', async () => {
    const plan = planOf(LARGE);
    expect(plan.total).toBe(4_608_000);
    const engine = await createEngine();
    for (const threads of [1, 2]) {
      const controller = new AbortController();
      const reason = new Error('stopped');
      let done = 0;
      const error = await rejection(
        runSweep(plan, {
          engine,
          threads,
          chunk: 16_384,
          signal: controller.signal,
          onProgress: (d) => {
            done = d;
            if (d > 0) controller.abort(reason);
          },
        }),
      );
      expect(error).toBe(reason);
      expect(done).toBeGreaterThan(0);
      // stopped part-way: not every configuration was evaluated
      expect(done).toBeLessThan(plan.total);
    }
  });
});

// `ridgeline sweep` on worker threads, run as the built CLI (run `pnpm build` first): the engine keeps
// its worker pool between sweeps, and the process still ends once the sweep has, whether it ran to
// the end or was stopped by a signal.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAYS_SPEC, killStartedClis, requireBuiltCli, startBuiltCli as start } from '../built-cli.ts';

// 1,048,576 configurations: two threads by default on two cores or more
const SPEC = `models: [llama-3.1-8b]
hardware: [h100-sxm, tpu-v5p]
tp: [1, 2]
batch: { from: 1, to: 2048 }
inputTokens: { from: 64, to: 8192, step: 64 }
reducers: { top: { k: 3, by: costPerMillionTokensUsd } }
`;

describe.runIf(process.platform !== 'win32')('ridgeline sweep on worker threads', () => {
  let dir = '';
  beforeAll(async () => {
    requireBuiltCli();
    dir = await mkdtemp(join(tmpdir(), 'ridgeline-threads-'));
    await writeFile(join(dir, 'spec.yaml'), SPEC);
    await writeFile(join(dir, 'long.yaml'), DAYS_SPEC);
  });
  afterAll(async () => {
    killStartedClis();
    await rm(dir, { recursive: true, force: true });
  });

  it('exits once the sweep has ended, on 2 threads and on the default count, with the same result', { timeout: 240_000 }, async () => {
    const two = await start(['sweep', 'spec.yaml', '--json', '--threads', '2'], dir).exit;
    expect([two.code, two.signal]).toEqual([0, null]);
    const result = JSON.parse(two.stdout) as { total: number };
    expect(result.total).toBe(1_048_576);
    const byDefault = await start(['sweep', 'spec.yaml', '--json'], dir).exit;
    expect([byDefault.code, byDefault.signal]).toEqual([0, null]);
    expect(JSON.parse(byDefault.stdout)).toEqual(result);
  });

  it('SIGINT while sweeping on 2 threads: prints one line, exits 130', { timeout: 240_000 }, async () => {
    const { child, exit, stderrWhen } = start(['sweep', 'long.yaml', '--yes', '--threads', '2', '--progress-interval', '1s'], dir);
    // the first progress line after the one at the start: the worker threads are sweeping
    await stderrWhen((stderr) => stderr.split(' of 1,000,000,000,000 configurations').length > 2);
    child.kill('SIGINT');
    const r = await exit;
    expect(r.stderr).toMatch(/^(ridgeline: sweep [\d,]+ of .*\n)*ridgeline: interrupted at [\d,]+ of 1,000,000,000,000 configurations; nothing printed\n$/);
    expect([r.code, r.signal, r.stdout]).toEqual([130, null, '']);
  });
});

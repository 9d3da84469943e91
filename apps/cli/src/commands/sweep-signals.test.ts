// SIGINT and SIGTERM during a sweep, sent to the built CLI (run `pnpm build` first): the temporary
// file goes, one line says how far the run got, and the exit code is the shell's 128 + signal.
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAYS_SPEC, killStartedClis, requireBuiltCli, startBuiltCli as start } from '../built-cli.ts';

// 2,048,000 configurations: the sweep takes a fraction of a second, writing their rows many seconds
const ROWS_SPEC = `models: [llama-3.1-8b]
hardware: [h100-sxm, tpu-v5p]
tp: [1, 2, 4, 8]
batch: { from: 1, to: 1000 }
inputTokens: { from: 128, to: 32768, step: 128 }
`;

/** Waits until the sweep's temporary file exists (with at least `bytes`), which it reserves once its signal handlers are in place. */
async function partialFile(dir: string, bytes: number): Promise<string> {
  for (let waited = 0; waited < 30_000; waited += 25) {
    const partial = (await readdir(dir)).find((f) => f.endsWith('.partial'));
    const size = partial === undefined ? undefined : (await stat(join(dir, partial)).catch(() => undefined))?.size;
    if (partial !== undefined && size !== undefined && size >= bytes) return partial;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the sweep never created its temporary file');
}

/** Sends `signal` once `ready` resolves; kills the child if it rejects, so no sweep outlives the test. */
async function signalWhen(child: ChildProcess, signal: NodeJS.Signals, ready: Promise<unknown>): Promise<void> {
  try {
    await ready;
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  child.kill(signal);
}

describe.runIf(process.platform !== 'win32')('a sweep stopped by a signal', () => {
  let dir = '';
  beforeAll(async () => {
    requireBuiltCli();
    dir = await mkdtemp(join(tmpdir(), 'ridgeline-signals-'));
    await writeFile(join(dir, 'rows.yaml'), ROWS_SPEC);
    await writeFile(join(dir, 'long.yaml'), DAYS_SPEC);
  });
  afterAll(async () => {
    killStartedClis();
    await rm(dir, { recursive: true, force: true });
  });

  it('SIGINT while writing rows: removes the partial file, prints one line, exits 130', { timeout: 240_000 }, async () => {
    const out = join(dir, 'rows-out');
    await mkdir(out);
    const { child, exit } = start(['sweep', '../rows.yaml', '--out', 'out.csv', '--yes', '--threads', '1'], out);
    await signalWhen(child, 'SIGINT', partialFile(out, 1)); // the CSV header is written: the rows are being written
    const r = await exit;
    // progress lines (stderr is a pipe), then the one line of the interruption
    expect(r.stderr).toMatch(/^(ridgeline: (sweep|writing rows) [\d,]+ of .*\n)*ridgeline: interrupted writing rows at [\d,]+ of 2,048,000 configurations; nothing written to out\.csv\n$/);
    expect([r.code, r.signal, r.stdout]).toEqual([130, null, '']);
    expect(await readdir(out)).toEqual([]);
  });

  it('SIGTERM while sweeping: removes the reserved file, prints one line, exits 143', { timeout: 240_000 }, async () => {
    const out = join(dir, 'long-out');
    await mkdir(out);
    const { child, exit } = start(['sweep', '../long.yaml', '--out', 'out.parquet', '--yes', '--threads', '1'], out);
    // reserved before the sweep; then 0.3 s into it
    await signalWhen(child, 'SIGTERM', partialFile(out, 0).then(() => new Promise((resolve) => setTimeout(resolve, 300))));
    const r = await exit;
    expect(r.stderr).toMatch(/^(ridgeline: sweep [\d,]+ of .*\n)*ridgeline: interrupted at [\d,]+ of 1,000,000,000,000 configurations; nothing written to out\.parquet\n$/);
    expect([r.code, r.signal, r.stdout]).toEqual([143, null, '']);
    expect(await readdir(out)).toEqual([]);
  });
});

import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, expectUserError } from '../test-cli.ts';
import { DAYS_SPEC } from '../built-cli.ts';

const SPEC = `
models: [llama-3.1-8b, mixtral-8x7b]
hardware: [h100-sxm, tpu-v5p]
dp: [1, 2]
tp: [1, 2, 4, 8]
pp: [1, 2]
ep: [1, 8]
batch: { from: 1, to: 256, times: 4 }
inputTokens: [1024, 4096]
outputTokens: [256]
precisions: { weights: [bf16, fp8] }
`;

describe('ridgeline sweep and merge', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ridgeline-sweep-'));
    await writeFile(join(dir, 'spec.yaml'), SPEC);
    await mkdir(join(dir, 'subdir.csv'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the frontier and the top configurations', async () => {
    const r = await cli(['sweep', 'spec.yaml', '--pareto', 'cost,per-user', '--top', '3', '--by', 'tpot'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Pareto frontier (costPerMillionTokensUsd ↓, tokensPerSPerUser ↑)');
    expect(r.stdout).toContain('Top 3 by tpotS ↓');
    // stderr is no terminal here: a progress line at the start (then every 5 s), then the summary
    expect(r.stderr).toMatch(/^ridgeline: sweep 0 of 2,560 configurations \(0\.0%\), 0\/s, ETA unknown\n(ridgeline: sweep .*\n)*ridgeline: 2,560 configurations in .*\/s\)\n$/);
  });

  /** Writes `spec` to `file` and sweeps it on one thread; it must succeed. */
  async function sweepOf(file: string, spec: string): Promise<{ stdout: string }> {
    await writeFile(join(dir, file), spec);
    const r = await cli(['sweep', file, '--threads', '1'], dir);
    expect(r.code, r.stderr).toBe(0);
    return r;
  }

  it('shows a speculative column only when some row speculates', async () => {
    const r = await sweepOf(
      'speculative.yaml',
      'models: [deepseek-v3, llama-3.1-70b]\nhardware: [h200]\nchips: 8\ntp: 8\nprecisions: { weights: fp8, kvCache: fp8 }\nbatch: [16, 64]\n' +
        'speculative: [none, mtp, draft]\ndraftModels: [llama-3.1-8b]\ndraftTokens: [1, 2]\nacceptance: 0.8\nreducers: { top: { k: 3, by: tokensPerSPerUser }, groupBy: [model] }\n',
    );
    expect(r.stdout).toMatch(/ attn +speculative +TPOT /);
    expect(r.stdout).toContain('mtp γ2 a0.8');
    expect(r.stdout).toContain('draft llama-3.1-8b γ2 a0.8');
    expect(r.stdout).toContain('Infeasible: speculative_unsupported');
    const plain = await cli(['sweep', 'spec.yaml', '--top', '3', '--threads', '1'], dir);
    expect(plain.stdout).not.toContain('speculative');
  });

  it('names a row\'s attention weights beside its weights where they differ', async () => {
    const r = await sweepOf(
      'attention.yaml',
      'models: [deepseek-v3]\nhardware: [b200]\nchips: 8\ntp: 8\nep: 8\nattentionSharding: dp\nbatch: [64]\n' +
        'precisions: { weights: fp4, kvCache: fp8, activations: fp4, attentionWeights: [fp4, fp8] }\nreducers: { top: { k: 2, by: tokensPerSPerChip } }\n',
    );
    // the all-fp4 row leads (narrower attention is faster); the fp8 one says so
    expect(r.stdout).toMatch(/ fp4\/fp8\/fp4 +dp /);
    expect(r.stdout).toMatch(/ fp4 \(attn fp8\)\/fp8\/fp4 +dp /);
  });

  it('merges shards run separately into exactly the single run', async () => {
    const single = await cli(['sweep', 'spec.yaml', '--json', '--threads', '1'], dir);
    expect(single.code).toBe(0);
    const files: string[] = [];
    for (let i = 0; i < 3; i++) {
      const shard = await cli(['sweep', 'spec.yaml', '--json', '--shard', `${i}/3`], dir);
      expect(shard.code).toBe(0);
      expect(JSON.parse(shard.stdout).complete).toBe(false);
      files.push(`shard-${i}.json`);
      await writeFile(join(dir, `shard-${i}.json`), shard.stdout);
    }
    const merged = await cli(['merge', ...files, '--json'], dir);
    expect(merged.code).toBe(0);
    expect(merged.stdout).toBe(single.stdout);
    const partial = await cli(['merge', files[0]!, files[2]!], dir);
    expect(partial.code).toBe(0);
    expect(partial.stderr).toMatch(/cover .* of 2,560 configurations; the result is partial/);
    const twice = await cli(['merge', files[0]!, files[0]!], dir);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/^ridgeline: error: shard-0\.json: ranges overlap.*given twice/);
  });

  it('merge checks every shard and names the bad one and what is wrong', async () => {
    const shard = JSON.parse((await cli(['sweep', 'spec.yaml', '--json', '--shard', '1/2'], dir)).stdout) as {
      ranges: number[][];
      pareto: { rows: { tpotS: number }[] };
    };
    const first = await cli(['sweep', 'spec.yaml', '--json', '--shard', '0/2'], dir);
    await writeFile(join(dir, 'good-0.json'), first.stdout);
    const fix = '; the file is damaged or edited, so run its shard again';
    shard.pareto.rows[0]!.tpotS = -0.02;
    await writeFile(join(dir, 'negative-1.json'), JSON.stringify(shard));
    expectUserError(await cli(['merge', 'good-0.json', 'negative-1.json'], dir), `negative-1.json: pareto.rows[0].tpotS: must be a finite number ≥ 0, got -0.02${fix}`);
    shard.pareto.rows[0]!.tpotS = 0.02;
    shard.ranges = [[2560, 1280]];
    await writeFile(join(dir, 'reversed-1.json'), JSON.stringify(shard));
    expectUserError(
      await cli(['merge', 'good-0.json', 'reversed-1.json'], dir),
      `reversed-1.json: ranges[0]: [2560, 1280] is reversed or empty; a range is [start, end) with start < end${fix}`,
    );
  });

  it('writes every row with --out, through a temporary file', async () => {
    for (const file of ['rows.csv', 'rows.jsonl', 'rows.parquet']) {
      const r = await cli(['sweep', 'spec.yaml', '--out', file], dir);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(`wrote 2,560 rows`);
      const bytes = await readFile(join(dir, file));
      if (file === 'rows.csv') {
        const lines = bytes.toString('utf8').trimEnd().split('\n');
        expect(lines).toHaveLength(2561);
        expect(lines[0]).toMatch(/^index,model,hardware,chips,dp,tp,pp,ep,redundantExperts,batch/);
      }
      if (file === 'rows.parquet') expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
    }
  });

  it('asks for --yes before writing more than a million rows, stating the size', async () => {
    await writeFile(join(dir, 'big.yaml'), `${SPEC}\ninputTokens: { from: 100, to: 100000, step: 100 }\n`.replace('inputTokens: [1024, 4096]\n', ''));
    const r = await cli(['sweep', 'big.yaml', '--out', 'big.csv'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ridgeline: error: --out would write 1,280,000 rows \(about [\d.]+ [kMGT]?B of csv\) to big\.csv; add --yes to write it, or narrow the spec\n$/);
  });

  it('bounds --top at 10,000, which the kernel handles (1e8 trapped it with "unreachable")', async () => {
    const max = await cli(['sweep', 'spec.yaml', '--top', '10000', '--json'], dir);
    expect(max.code, max.stderr).toBe(0);
    expect(JSON.parse(max.stdout).top.k).toBe(10_000);
    for (const k of ['10001', '100000000']) {
      expectUserError(
        await cli(['sweep', 'spec.yaml', '--top', k], dir),
        `--top must be an integer from 1 to 10,000 (to keep every configuration, write them with --out), got "${k}"`,
      );
    }
    await writeFile(join(dir, 'top.yaml'), `${SPEC}reducers: { top: { k: 100000000, by: tpotS } }\n`);
    expectUserError(await cli(['sweep', 'top.yaml'], dir), 'top.yaml: reducers.top.k: k must be at most 10,000');
  });

  it('checks --out before any work: the directory, that it takes a file, and the format', async () => {
    // a spec whose sweep would take days: a check after it would never be reached
    await writeFile(join(dir, 'days.yaml'), DAYS_SPEC);
    await writeFile(join(dir, 'a-file'), 'x');
    const run = (out: string) => cli(['sweep', 'days.yaml', '--out', out, '--yes'], dir);
    expectUserError(await run('nope/rows.csv'), `--out nope/rows.csv: directory ${join(dir, 'nope')} does not exist`);
    expectUserError(await run('a-file/rows.csv'), `--out a-file/rows.csv: ${join(dir, 'a-file')} is not a directory`);
    expectUserError(await run('subdir.csv'), `--out subdir.csv: ${join(dir, 'subdir.csv')} is a directory; name a file in it`);
    expectUserError(await run('rows.txt'), '--out must end in .parquet, .csv or .jsonl (rows), or .json (the result), got "rows.txt"');
    if (process.platform === 'linux') {
      expectUserError(await run('/proc/rows.csv'), '--out /proc/rows.csv: cannot create a file in /proc: the file system takes no new files there');
    }
    // merge's --out too, before reading a shard
    expectUserError(await cli(['merge', 'missing-shard.json', '--out', 'nope/merged.json'], dir), `--out nope/merged.json: directory ${join(dir, 'nope')} does not exist`);
    expect((await readdir(dir)).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('asks for --yes before a sweep estimated to take over an hour, with the estimate', async () => {
    await writeFile(join(dir, 'days.yaml'), DAYS_SPEC);
    // 10^12 configurations: hours even at 50 M/s per thread, the rate timed on a sample of them
    const advice = '; pass --yes to run it, or narrow the spec or split it with --shard\n$';
    const one = await cli(['sweep', 'days.yaml', '--threads', '1'], dir);
    expect(one).toMatchObject({ code: 2, stdout: '' });
    expect(one.stderr).toMatch(
      new RegExp(`^ridgeline: error: the sweep has 1,000,000,000,000 configurations: about [\\d.,]+ (h|d) on 1 thread at [\\d.]+ M configurations/s \\(timed on a sample\\)${advice}`),
    );
    const four = await cli(['sweep', 'days.yaml', '--threads', '4', '--json'], dir);
    expect(four.stderr).toMatch(new RegExp(`^ridgeline: error: the sweep has 1,000,000,000,000 configurations: about [\\d.,]+ (h|d) on 4 threads at [\\d.]+ M configurations/s each \\(timed on a sample\\)${advice}`));
    // a shard is estimated on its own slice: 10^6 configurations run at once
    const shard = await cli(['sweep', 'days.yaml', '--threads', '1', '--shard', '0/1000000', '--top', '1'], dir);
    expect(shard.code, shard.stderr).toBe(0);
    expect(shard.stderr).toMatch(/^ridgeline: sweep 0 of 1,000,000 configurations .*\n(ridgeline: sweep .*\n)*ridgeline: 1,000,000 configurations in /);
  });

  it('runs the shipped per-model example: the dense model at EP 1 only, shards merging to the single run', async () => {
    const example = fileURLToPath(new URL('../../../../packages/engine/examples/sweep-per-model.yaml', import.meta.url));
    const r = await cli(['sweep', example, '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.total).toBe(240);
    expect(result.counts.infeasible.ep_divides_experts).toBe(0);
    expect(result.spec.perModel).toEqual({ 'deepseek-r1': { ep: [1, 2, 4, 8], precisions: { weights: ['fp8'], kvCache: ['bf16'], activations: ['bf16'] } } });
    const rows = [...result.top.rows, ...result.pareto.rows];
    expect(rows.some((row: { model: string }) => row.model === 'llama-3.1-70b')).toBe(true);
    expect(rows.filter((row: { model: string; ep: number }) => row.model === 'llama-3.1-70b' && row.ep !== 1)).toEqual([]);
    for (let i = 0; i < 3; i++) {
      const shard = await cli(['sweep', example, '--json', '--shard', `${i}/3`], dir);
      expect(shard.code, shard.stderr).toBe(0);
      await writeFile(join(dir, `per-model-${i}.json`), shard.stdout);
    }
    const merged = await cli(['merge', 'per-model-0.json', 'per-model-1.json', 'per-model-2.json', '--json'], dir);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toBe(r.stdout);
  });

  it('runs the shipped training example (mode: training)', async () => {
    const example = fileURLToPath(new URL('../../../../packages/engine/examples/sweep-train-llama70b.yaml', import.meta.url));
    const r = await cli(['sweep', example, '--top', '3', '--by', 'mfu'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Pareto frontier (costUsd ↓, totalTimeS ↓)');
    expect(r.stdout).toContain('Top 3 by mfu ↑');
    expect(r.stdout).toMatch(/Training bound: compute [\d,]+, memory [\d,]+, network [\d,]+/);
    expect(r.stdout).toContain('Histogram of mfu');
    expect(r.stderr).toMatch(/^ridgeline: sweep 0 of 86,400 configurations .*\n(ridgeline: sweep .*\n)*ridgeline: 86,400 configurations in .*\/s\)\n$/);
    const json = await cli(['sweep', example, '--json', '--pareto', 'cost,mfu'], dir);
    const result = JSON.parse(json.stdout);
    expect(result.spec.mode).toBe('training');
    expect(result.pareto.rows[0]).toMatchObject({ model: 'llama-3.1-70b', feasible: true, reason: null });
    expect(result.pareto.rows[0].costUsd).toBeGreaterThan(0);
    const bad = await cli(['sweep', example, '--pareto', 'cost,tpot'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^ridgeline: error: --pareto: unknown training metric "tpot"/);
  });

  it('filters with --where and groups with --group-by: counts, headings and the JSON result', async () => {
    const r = await cli(['sweep', 'spec.yaml', '--where', 'ttft<=2', '--where=tpotS<=0.05', '--group-by', 'model,hardware', '--top', '2', '--by', 'tpot'], dir);
    expect(r.code).toBe(0);
    const json = await cli(['sweep', 'spec.yaml', '--where', 'ttft<=2', '--where=tpotS<=0.05', '--group-by', 'model,hardware', '--top', '2', '--by', 'tpot', '--json'], dir);
    const result = JSON.parse(json.stdout);
    expect(result.spec.where).toEqual([{ metric: 'ttftS', max: 2 }, { metric: 'tpotS', max: 0.05 }]);
    expect(result.reducers.groupBy).toEqual(['model', 'chip']);
    const { feasible, matched } = result.counts as { feasible: number; matched: number };
    expect(matched).toBeGreaterThan(0);
    expect(matched).toBeLessThan(feasible);
    expect(r.stdout).toContain(`; feasible ${feasible.toLocaleString('en')}; matching where (ttftS ≤ 2, tpotS ≤ 0.05) ${matched.toLocaleString('en')}\n`);
    expect(r.stdout).toContain('Pareto frontier (costPerMillionTokensUsd ↓, tpotS ↓) per model · hardware: ');
    expect(r.stdout).toContain('Top 2 by tpotS ↓ per model · hardware\n');
    // one heading per group, in spec order, each followed by its rows' table
    const headings = r.stdout.split('\n').filter((l) => /^[\w.-]+ · [\w.-]+$/.test(l));
    const groups = ['llama-3.1-8b · h100-sxm', 'llama-3.1-8b · tpu-v5p', 'mixtral-8x7b · h100-sxm', 'mixtral-8x7b · tpu-v5p'];
    expect(headings).toEqual([...groups, ...groups]);
    expect(result.top.rows.map((row: { model: string; hardware: string }) => `${row.model} · ${row.hardware}`)).toEqual(groups.flatMap((g) => [g, g]));
    for (const row of [...result.top.rows, ...result.pareto.rows]) expect(row.ttftS <= 2 && row.tpotS <= 0.05).toBe(true);
    // without the flags: every feasible configuration matches, one group
    const plain = JSON.parse((await cli(['sweep', 'spec.yaml', '--json'], dir)).stdout);
    expect(plain.counts.matched).toBe(plain.counts.feasible);
    expect([plain.spec.where, plain.reducers.groupBy]).toEqual([[], []]);
    expect(plain.fingerprint).not.toBe(result.fingerprint);
    expect((await cli(['sweep', 'spec.yaml'], dir)).stdout).toMatch(/; feasible [\d,]+\n/);
  });

  it("takes where from the spec too, a flag replacing the spec's bound on its side", async () => {
    await writeFile(join(dir, 'where.yaml'), `${SPEC}where: { ttftS: { min: 0.01, max: 5 } }\nreducers: { groupBy: [chip] }\n`);
    const r = await cli(['sweep', 'where.yaml', '--where', 'ttft<=2', '--json'], dir);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.spec.where).toEqual([{ metric: 'ttftS', min: 0.01, max: 2 }]);
    expect(result.reducers.groupBy).toEqual(['chip']);
    const summary = await cli(['sweep', 'where.yaml', '--where', 'ttft<=2'], dir);
    expect(summary.stdout).toContain(`matching where (0.01 ≤ ttftS ≤ 2) ${result.counts.matched.toLocaleString('en')}\n`);
    expect(summary.stdout.split('\n').filter((l) => l === 'h100-sxm' || l === 'tpu-v5p')).toEqual(['h100-sxm', 'tpu-v5p', 'h100-sxm', 'tpu-v5p']);
  });

  it('merges filtered, grouped shards into exactly the single run, duplicates collapsed', async () => {
    // MoE imbalance does not change the dense model: its configurations come in equal pairs
    await writeFile(join(dir, 'pairs.yaml'), `${SPEC}moeImbalance: [1, 1.5]\n`);
    const flags = ['--where', 'tpot<=0.05', '--group-by', 'model,chip', '--top', '4', '--by', 'cost', '--json'];
    const single = await cli(['sweep', 'pairs.yaml', ...flags, '--threads', '1'], dir);
    expect(single.code).toBe(0);
    const files: string[] = [];
    for (let i = 0; i < 3; i++) {
      const shard = await cli(['sweep', 'pairs.yaml', ...flags, '--shard', `${i}/3`], dir);
      files.push(`pairs-${i}.json`);
      await writeFile(join(dir, `pairs-${i}.json`), shard.stdout);
    }
    const merged = await cli(['merge', ...files, '--json'], dir);
    expect(merged.stdout).toBe(single.stdout);
    const top = JSON.parse(single.stdout).top.rows as Record<string, unknown>[];
    const outputs = (row: Record<string, unknown>): string => JSON.stringify({ ...row, index: 0, moeImbalance: 0 });
    expect(new Set(top.map(outputs)).size).toBe(top.length);
    expect(top.filter((row) => row['model'] === 'llama-3.1-8b').every((row) => row['moeImbalance'] === 1)).toBe(true);
    const text = await cli(['merge', ...files], dir);
    expect(text.stdout).toContain('llama-3.1-8b · h100-sxm\n');
    expect(text.stdout).toMatch(/; matching where \(tpotS ≤ 0\.05\) [\d,]+\n/);
  });

  it('writes only the rows matching --where with --out', async () => {
    const json = JSON.parse((await cli(['sweep', 'spec.yaml', '--where', 'ttft<=0.5', '--json'], dir)).stdout);
    const r = await cli(['sweep', 'spec.yaml', '--where', 'ttft<=0.5', '--out', 'matching.csv'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`wrote ${json.counts.matched.toLocaleString('en')} rows matching where`);
    const lines = (await readFile(join(dir, 'matching.csv'), 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(json.counts.matched + 1);
    const [ttft, feasible] = ['ttftS', 'feasible'].map((c) => lines[0]!.split(',').indexOf(c));
    for (const line of lines.slice(1)) {
      const cells = line.split(',');
      expect([cells[feasible!], Number(cells[ttft!]) <= 0.5]).toEqual(['true', true]);
    }
    await writeFile(join(dir, 'big-where.yaml'), `${SPEC}\ninputTokens: { from: 100, to: 100000, step: 100 }\n`.replace('inputTokens: [1024, 4096]\n', ''));
    const big = await cli(['sweep', 'big-where.yaml', '--where', 'ttft<=0.5', '--out', 'big.csv'], dir);
    expect(big.stderr).toMatch(/^ridgeline: error: --out would write up to 1,280,000 rows \(about up to [\d.]+ [kMGT]?B of csv; only those matching where are written\) to big\.csv; add --yes/);
  });

  it('writes only the feasible rows with --feasible-only, and refuses it without a row file', async () => {
    const json = JSON.parse((await cli(['sweep', 'spec.yaml', '--json'], dir)).stdout);
    const r = await cli(['sweep', 'spec.yaml', '--feasible-only', '--out', 'feasible.csv'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(json.counts.feasible).toBeLessThan(2560);
    expect(r.stderr).toContain(`wrote ${json.counts.feasible.toLocaleString('en')} feasible rows (`);
    const lines = (await readFile(join(dir, 'feasible.csv'), 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(json.counts.feasible + 1);
    const feasible = lines[0]!.split(',').indexOf('feasible');
    expect(lines.slice(1).every((line) => line.split(',')[feasible] === 'true')).toBe(true);
    // with a --where too, the rows matching it (all feasible)
    const both = await cli(['sweep', 'spec.yaml', '--feasible-only', '--where', 'ttft<=0.5', '--out', 'both.csv'], dir);
    const where = await cli(['sweep', 'spec.yaml', '--where', 'ttft<=0.5', '--out', 'where.csv'], dir);
    expect([both.code, where.code]).toEqual([0, 0]);
    expect(await readFile(join(dir, 'both.csv'), 'utf8')).toBe(await readFile(join(dir, 'where.csv'), 'utf8'));
    expectUserError(await cli(['sweep', 'spec.yaml', '--feasible-only'], dir), '--feasible-only applies to row files: add --out rows.parquet, .csv or .jsonl');
    expectUserError(await cli(['sweep', 'spec.yaml', '--feasible-only', '--out', 'result.json'], dir), '--feasible-only applies to row files: add --out rows.parquet, .csv or .jsonl');
  });

  it('reads --where bounds with the unit of their metric: tpot<=50ms is tpot<=0.05', async () => {
    const seconds = await cli(['sweep', 'spec.yaml', '--where', 'tpot<=0.05', '--where', 'power<=700', '--json', '--threads', '1'], dir);
    const units = await cli(['sweep', 'spec.yaml', '--where', 'tpot<=50ms', '--where', 'power<=0.7kW', '--json', '--threads', '1'], dir);
    expect(units.code, units.stderr).toBe(0);
    expect(units.stdout).toBe(seconds.stdout);
  });

  it('names --out, --plugin and the spec when their value is empty', async () => {
    expectUserError(await cli(['sweep', 'spec.yaml', '--out', ''], dir), '--out needs a value (file), got ""');
    expectUserError(await cli(['sweep', 'spec.yaml', '--plugin', ''], dir), '--plugin needs a value (package|path), got ""');
    expectUserError(await cli(['sweep', ''], dir), '<spec> needs a value (spec.yaml), got ""');
  });

  it('rejects a wrong --where or --group-by in one line, exit 2', async () => {
    expectUserError(
      await cli(['sweep', 'spec.yaml', '--where', 'ttft<2'], dir),
      `--where takes metric<=x or metric>=x (only <= and >=; quote it for the shell: --where 'ttftS<=2'), got "ttft<2"`,
    );
    expectUserError(
      await cli(['sweep', 'spec.yaml', '--where', 'ttft<=0x10'], dir),
      '--where "ttft<=0x10": the bound of ttftS must be a finite number in plain or exponent notation (2, 0.05, 1e-3) or a duration with a unit (s, ms, us, µs, min, h, d), got "0x10"',
    );
    expectUserError(await cli(['sweep', 'spec.yaml', '--where', 'ttft>=3', '--where', 'ttft<=2'], dir), '--where: ttftS ≥ 3 and ≤ 2 match nothing; give a min ≤ max');
    expectUserError(await cli(['sweep', 'spec.yaml', '--group-by', 'gpu'], dir), '--group-by takes model, chip or model,chip (hardware is the same as chip), got "gpu"');
    const metric = await cli(['sweep', 'spec.yaml', '--where', 'ttfx<=2'], dir);
    expect(metric.code).toBe(2);
    expect(metric.stderr).toMatch(/^ridgeline: error: --where: unknown metric "ttfx"\. Did you mean "ttft"\? Use a metric \(ttftS, [^\n]*\)\n$/);
    await writeFile(join(dir, 'bad-where.yaml'), `${SPEC}where: { ttftS: { min: 3, max: 2 } }\n`);
    expectUserError(await cli(['sweep', 'bad-where.yaml'], dir), 'bad-where.yaml: where.ttftS: min must be ≤ max, got min 3 and max 2');
  });

  it('takes Hugging Face ids (through the catalog, no network) and config.json paths relative to the spec in models and draftModels', async () => {
    // a Llama 3.1 8B config.json in a directory beside a spec that lives in another directory than cwd
    const config = {
      model_type: 'llama', hidden_size: 4096, intermediate_size: 14336, num_attention_heads: 32, num_hidden_layers: 32,
      num_key_value_heads: 8, head_dim: 128, hidden_act: 'silu', vocab_size: 128256, tie_word_embeddings: false,
    };
    await mkdir(join(dir, 'specs', 'my-llama'), { recursive: true });
    await writeFile(join(dir, 'specs', 'my-llama', 'config.json'), JSON.stringify(config));
    await writeFile(
      join(dir, 'specs', 'hf.yaml'),
      'models: [meta-llama/Llama-3.1-70B, ./my-llama/config.json]\nhardware: [h200]\nchips: 8\ntp: 8\nspeculative: [none, draft]\ndraftModels: [meta-llama/Llama-3.1-8B-Instruct]\nacceptance: 0.8\nreducers: { top: { k: 4, by: tpotS }, groupBy: [model] }\n',
    );
    const r = await cli(['sweep', 'specs/hf.yaml', '--json', '--threads', '1'], dir);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { top: { rows: { model: string; draftModel: string | null }[] } };
    expect(new Set(result.top.rows.map((row) => row.model))).toEqual(new Set(['llama-3.1-70b', 'my-llama']));
    expect(result.top.rows.some((row) => row.draftModel === 'llama-3.1-8b')).toBe(true);
  });

  it('names a model listed twice under two spellings, and an unknown Hugging Face id', async () => {
    await writeFile(join(dir, 'twice.yaml'), 'models: [llama-3.1-70b, meta-llama/Llama-3.1-70B]\nhardware: [h200]\n');
    expectUserError(
      await cli(['sweep', 'twice.yaml'], dir),
      'twice.yaml: models[1]: "meta-llama/Llama-3.1-70B" is the model "llama-3.1-70b", as models[0] "llama-3.1-70b" is; list each model once',
    );
    await writeFile(join(dir, 'unknown-hf.yaml'), 'models: [acme/Llama-3.1-8c]\nhardware: [h200]\n');
    expectUserError(
      await cli(['sweep', 'unknown-hf.yaml'], dir),
      'unknown-hf.yaml: models[0]: unknown model "acme/Llama-3.1-8c": no catalog model or alias has that Hugging Face id (there is no download), and no config.json is at that path. Did you mean "llama-3.1-8b"? Run "ridgeline models list" to see all.',
    );
  });

  it('lists several spec problems on one line', async () => {
    await writeFile(join(dir, 'two.yaml'), 'models: [llama-3.1-8b]\nhardware: [h100-sxm]\ntp: [1, 0]\nbatch: [0]\n');
    expectUserError(await cli(['sweep', 'two.yaml'], dir), 'two.yaml: 2 problems: tp[1]: must be an integer ≥ 1, got 0; batch[0]: must be an integer ≥ 1, got 0');
    // in one round: the schema's problems, repeated values, unknown names and a wrong per-model entry
    await writeFile(
      join(dir, 'many.yaml'),
      'models: [llama-3.1-8b, nosuch-model]\nhardware: [h100-sxm, no-chip]\ntp: [1, 2, 2]\nbatch: [0]\nep: { default: 1, llama-3.1-8c: [2] }\nreducers: { top: { k: 3, by: coast } }\n',
    );
    const many = await cli(['sweep', 'many.yaml'], dir);
    expect(many.code).toBe(2);
    expect(many.stderr.split('\n')).toHaveLength(2);
    expect(many.stderr).toMatch(/^ridgeline: error: many\.yaml: 6 problems: ep\.llama-3\.1-8c: "llama-3\.1-8c" is not a model of this spec; did you mean "llama-3\.1-8b"\? .*; batch\[0\]: must be an integer ≥ 1, got 0; reducers\.top\.by: unknown metric "coast"; did you mean "cost"\? .*; tp\[2\]: 2 appears twice; .*; models\[1\]: unknown model "nosuch-model"\..*; hardware\[1\]: unknown hardware "no-chip"\..*\n$/);
  });

  it('reports spec and flag mistakes in one line, exit 2, no stack', async () => {
    await writeFile(join(dir, 'bad.yaml'), 'models: [llama-3.1-8b]\nhardware: [h100-sxm]\ntp: [1, 0]\n');
    const bad = await cli(['sweep', 'bad.yaml'], dir);
    expect(bad).toEqual({ code: 2, stdout: '', stderr: 'ridgeline: error: bad.yaml: tp[1]: must be an integer ≥ 1, got 0\n' });
    await writeFile(join(dir, 'unknown.yaml'), 'models: [llama-3.1-8', 'utf8');
    const unknownModel = await cli(['sweep', 'unknown.yaml'], dir);
    expect(unknownModel.code).toBe(2);
    await writeFile(join(dir, 'typo.yaml'), 'models: [llama-3.1-8c]\nhardware: [h100-sx]\n');
    const typo = await cli(['sweep', 'typo.yaml'], dir);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('models[0]: unknown model "llama-3.1-8c". Did you mean "llama-3.1-8b"?');
    expect(typo.stderr).toContain('hardware[0]: unknown hardware "h100-sx".');
    expect(typo.stderr).not.toMatch(/\n\s+at /);
    const shard = await cli(['sweep', 'spec.yaml', '--shard', '3/3'], dir);
    expect(shard.stderr).toBe('ridgeline: error: --shard must be i/N with 0 ≤ i < N (e.g. 0/4 for the first of four shards, or auto/4 in a Kubernetes Indexed Job or a Slurm job array), got "3/3"\n');
    const pareto = await cli(['sweep', 'spec.yaml', '--pareto', 'cost,tpoot'], dir);
    expect(pareto.stderr).toMatch(/^ridgeline: error: --pareto: unknown metric "tpoot"\. Did you mean "tpot"\?/);
    const missing = await cli(['sweep', 'nope.yaml'], dir);
    expect(missing.stderr).toBe('ridgeline: error: cannot read sweep spec "nope.yaml": file not found\n');
    const notJson = await cli(['merge', 'spec.yaml'], dir);
    expect(notJson.stderr).toMatch(/^ridgeline: error: "spec.yaml" is not JSON/);
  });

  // Before (reliability defect 27): a metric given twice was accepted, an extra :suffix dropped
  // silently, and an empty shard's summary read "(indices )".
  it('refuses a --pareto metric given twice or with two suffixes', async () => {
    expectUserError(await cli(['sweep', 'spec.yaml', '--pareto', 'cost,cost'], dir), '--pareto names costPerMillionTokensUsd twice; give each metric once');
    expectUserError(await cli(['sweep', 'spec.yaml', '--pareto', 'cost,tpot:min,cost:max'], dir), '--pareto names costPerMillionTokensUsd twice; give each metric once');
    expectUserError(await cli(['sweep', 'spec.yaml', '--pareto', 'cost:min:max,tpot'], dir), '--pareto: "cost:min:max" has more than one suffix; write metric or metric:min or metric:max');
  });

  it('says "no indices" for a shard with no configurations, and merge of it too', async () => {
    // 2,560 configurations in 3,000 shards: the first shard is empty
    const empty = await cli(['sweep', 'spec.yaml', '--shard', '0/3000'], dir);
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.stdout).toMatch(/^Configurations: 0 of 2,560 \(no indices\); feasible 0\n/);
    const json = await cli(['sweep', 'spec.yaml', '--shard', '0/3000', '--json'], dir);
    await writeFile(join(dir, 'empty-shard.json'), json.stdout);
    const merged = await cli(['merge', 'empty-shard.json'], dir);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toContain('Configurations: 0 of 2,560 (no indices); feasible 0\n');
  });

  it('names the reducers when merged shards of one spec ran with other --top', async () => {
    await writeFile(join(dir, 'top3-0.json'), (await cli(['sweep', 'spec.yaml', '--json', '--shard', '0/2', '--top', '3'], dir)).stdout);
    await writeFile(join(dir, 'top5-1.json'), (await cli(['sweep', 'spec.yaml', '--json', '--shard', '1/2', '--top', '5'], dir)).stdout);
    const r = await cli(['merge', 'top3-0.json', 'top5-1.json'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ridgeline: error: top5-1\.json ran the same spec as top3-0\.json with other reducers \(.*top 5 by .* against .*top 3 by .*\): run every shard with the same --pareto, --top, --by and --group-by\n$/);
  });
});

describe('ridgeline sweep --stack', () => {
  it('runs every chip on the named profile, and the best row reproduces with --stack', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ridgeline-sweep-stack-'));
    try {
      await writeFile(join(dir, 'spec.yaml'), 'models: [llama-3.1-8b]\nhardware: [h100-sxm]\ntp: [1, 2]\nbatch: [1, 64]\ninputTokens: [1024]\noutputTokens: [256]\n');
      const onStack = await cli(['sweep', 'spec.yaml', '--stack', '2023', '--top', '1', '--by', 'tpot'], dir);
      expect(onStack.code).toBe(0);
      expect(onStack.stdout).toMatch(/ridgeline estimate .* --stack 2023/);
      const json = async (extra: string[]) => JSON.parse((await cli(['sweep', 'spec.yaml', '--json', '--top', '4', '--by', 'tpot', ...extra], dir)).stdout) as { top: { rows: { tpotS: number }[] } };
      const [stack2023, byDefault] = [await json(['--stack', '2023']), await json([])];
      // the same configurations under other efficiencies: other TPOTs
      expect(stack2023.top.rows.map((r) => r.tpotS)).not.toEqual(byDefault.top.rows.map((r) => r.tpotS));
      const missing = await cli(['sweep', 'spec.yaml', '--stack', 'vllm', '--top', '1'], dir);
      expect(missing.code).toBe(0);
      expect(missing.stderr).toContain('ridgeline: note: h100-sxm has no "vllm" efficiency profile');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('ridgeline sweep: facility power and --pue', () => {
  const EXAMPLE = fileURLToPath(new URL('../../../../packages/engine/examples/sweep-facility.yaml', import.meta.url));
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ridgeline-sweep-facility-'));
    await writeFile(join(dir, 'spec.yaml'), 'models: [llama-3.1-8b]\nhardware: [h100-sxm, b200]\nchips: 8\ntp: [1, 2, 4, 8]\nbatch: [1, 64]\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  type FacilityRow = { index: number; feasible: boolean; tokensPerS: number; provisionedFacilityW: number; tokensPerSPerProvisionedMW: number; facilityJPerOutputToken: number };
  const result = async (args: string[]): Promise<{ spec: { pue: number }; counts: { matched: number }; top: { rows: FacilityRow[] } }> => {
    const r = await cli(['sweep', 'spec.yaml', '--json', '--threads', '1', '--top', '16', '--by', 'tokens-per-mw', ...args], dir);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout);
  };

  it("takes --pue for the whole sweep, estimate's default without it, and the rows' facility figures follow it", async () => {
    const byDefault = await result([]);
    const at15 = await result(['--pue', '1.5']);
    expect(byDefault.spec.pue).toBe(1.2);
    expect(at15.spec.pue).toBe(1.5);
    // the same configurations, in the same order (PUE scales every provisioned figure alike)
    expect(at15.top.rows.map((r) => r.index)).toEqual(byDefault.top.rows.map((r) => r.index));
    at15.top.rows.forEach((row, i) => {
      const base = byDefault.top.rows[i]!;
      expect(row.provisionedFacilityW).toBeCloseTo((base.provisionedFacilityW / 1.2) * 1.5, 6);
      expect(row.tokensPerSPerProvisionedMW).toBeLessThan(base.tokensPerSPerProvisionedMW);
      expect(row.tokensPerSPerProvisionedMW).toBe(row.tokensPerS / (row.provisionedFacilityW / 1e6));
    });
    // tokens per provisioned MW, maximised: best first
    const perMw = byDefault.top.rows.map((r) => r.tokensPerSPerProvisionedMW);
    expect(perMw).toEqual([...perMw].sort((a, b) => b - a));
  });

  it('filters on provisioned facility power with --where, in the unit it is written in', async () => {
    // 8 H100s provision 8 × (700 + 575) × 1.2 = 12,240 W, 8 B200s 8 × (1,000 + 787.5) × 1.2 = 17,160 W
    const all = await result([]);
    const limited = await result(['--where', 'facility-power<=15kW']);
    expect(await result(['--where', 'provisionedFacilityW<=15000'])).toEqual(limited);
    expect(limited.counts.matched).toBeGreaterThan(0);
    expect(limited.counts.matched).toBeLessThan(all.counts.matched);
    for (const row of limited.top.rows) expect(row.provisionedFacilityW).toBe(12_240);
    expect(all.top.rows.some((row) => row.provisionedFacilityW === 17_160)).toBe(true);
  });

  it('rejects a --pue out of range, or on a training sweep, and a spec pue out of range, in one line, exit 2', async () => {
    expectUserError(await cli(['sweep', 'spec.yaml', '--pue', '0.9'], dir), '--pue must be a power usage effectiveness from 1 to 10, got "0.9"');
    expectUserError(await cli(['sweep', 'spec.yaml', '--pue', 'x'], dir), '--pue must be a power usage effectiveness from 1 to 10, got "x"');
    await writeFile(join(dir, 'bad-pue.yaml'), 'models: [llama-3.1-8b]\nhardware: [h100-sxm]\npue: 12\n');
    expectUserError(await cli(['sweep', 'bad-pue.yaml'], dir), 'bad-pue.yaml: pue: must be a power usage effectiveness from 1 to 10, got 12');
    const training = fileURLToPath(new URL('../../../../packages/engine/examples/sweep-train-llama70b.yaml', import.meta.url));
    expectUserError(await cli(['sweep', training, '--pue', '1.3'], dir), '--pue applies to inference sweeps (their facility metrics); a training spec has none');
  });

  it('runs the shipped facility example: within 15 kW, ranked by tokens per provisioned MW, the best row reproducing with --pue', async () => {
    const r = await cli(['sweep', EXAMPLE, '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const shipped = JSON.parse(r.stdout) as { spec: { pue: number }; counts: { feasible: number; matched: number }; top: { rows: FacilityRow[] } };
    expect(shipped.spec.pue).toBe(1.3);
    expect(shipped.counts.matched).toBeLessThan(shipped.counts.feasible);
    for (const row of shipped.top.rows) expect(row.provisionedFacilityW).toBeLessThanOrEqual(15_000);
    const text = await cli(['sweep', EXAMPLE], dir);
    expect(text.stdout).toMatch(/ tok\/s\/MW +decode bound/);
    const details = /Details of #\d+: ridgeline (estimate .*)$/m.exec(text.stdout)?.[1];
    expect(details).toContain('--pue 1.3');
    const best = shipped.top.rows[0]!;
    const estimate = await cli([...(details ?? '').split(' '), '--json'], dir);
    expect(estimate.code, estimate.stderr).toBe(0);
    const energy = (JSON.parse(estimate.stdout) as { energy: { provisionedFacilityW: number; tokensPerSPerProvisionedMW: number; facilityJPerOutputToken: number } }).energy;
    expect(energy.provisionedFacilityW).toBe(best.provisionedFacilityW);
    expect(energy.tokensPerSPerProvisionedMW).toBe(best.tokensPerSPerProvisionedMW);
    expect(energy.facilityJPerOutputToken).toBe(best.facilityJPerOutputToken);
  });
});

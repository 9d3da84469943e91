import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../test-cli.ts';

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
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the frontier and the top configurations', async () => {
    const r = await cli(['sweep', 'spec.yaml', '--pareto', 'cost,per-user', '--top', '3', '--by', 'tpot'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Pareto frontier (costPerMillionTokensUsd ↓, tokensPerSPerUser ↑)');
    expect(r.stdout).toContain('Top 3 by tpotS ↓');
    expect(r.stderr).toMatch(/^ridgeline: 2,560 configurations in .*\/s\)\n$/);
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

  it('runs the shipped training example (mode: training)', async () => {
    const example = fileURLToPath(new URL('../../../../packages/engine/examples/sweep-train-llama70b.yaml', import.meta.url));
    const r = await cli(['sweep', example, '--top', '3', '--by', 'mfu'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Pareto frontier (costUsd ↓, totalTimeS ↓)');
    expect(r.stdout).toContain('Top 3 by mfu ↑');
    expect(r.stdout).toMatch(/Training bound: compute [\d,]+, memory [\d,]+, network [\d,]+/);
    expect(r.stdout).toContain('Histogram of mfu');
    expect(r.stderr).toMatch(/^ridgeline: 86,400 configurations in .*\/s\)\n$/);
    const json = await cli(['sweep', example, '--json', '--pareto', 'cost,mfu'], dir);
    const result = JSON.parse(json.stdout);
    expect(result.spec.mode).toBe('training');
    expect(result.pareto.rows[0]).toMatchObject({ model: 'llama-3.1-70b', feasible: true, reason: null });
    expect(result.pareto.rows[0].costUsd).toBeGreaterThan(0);
    const bad = await cli(['sweep', example, '--pareto', 'cost,tpot'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^ridgeline: error: --pareto: unknown training metric "tpot"/);
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
    expect(shard.stderr).toBe('ridgeline: error: --shard must be i/N with 0 ≤ i < N (e.g. 0/4 for the first of four shards), got "3/3"\n');
    const pareto = await cli(['sweep', 'spec.yaml', '--pareto', 'cost,tpoot'], dir);
    expect(pareto.stderr).toMatch(/^ridgeline: error: --pareto: unknown metric "tpoot"\. Did you mean "tpot"\?/);
    const missing = await cli(['sweep', 'nope.yaml'], dir);
    expect(missing.stderr).toBe('ridgeline: error: cannot read sweep spec "nope.yaml": file not found\n');
    const notJson = await cli(['merge', 'spec.yaml'], dir);
    expect(notJson.stderr).toMatch(/^ridgeline: error: "spec.yaml" is not JSON/);
  });
});

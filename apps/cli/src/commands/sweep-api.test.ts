import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sweep } from '@ridgeline/engine/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneLine } from '../terminal.ts';
import { cli } from '../test-cli.ts';

// The engine's one-call sweep and `ridgeline sweep` share their resolvers: same result, same errors.
const BAD_SPECS: Record<string, string> = {
  'typos.yaml': 'models: [llama-3.1-8c]\nhardware: [h100-sxn]\n',
  'unknown-hf.yaml': 'models: [meta-llama/Llama-9-1T]\nhardware: [h100]\n',
  'missing-config.yaml': 'models: [./nowhere/config.json]\nhardware: [h100]\n',
  'missing-plugin.yaml': 'models: [llama-3.1-8b]\nhardware: [./acme-missing.json]\n',
  'bad-field.yaml': 'models: [llama-3.1-8b]\nhardware: [h100]\nbatch: [0]\ntp: lots\n',
  'twice.yaml': 'models: [llama-3.1-70b, meta-llama/Llama-3.1-70B]\nhardware: [h200]\n',
};

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ridgeline-sweep-api-'));
  for (const [name, text] of Object.entries(BAD_SPECS)) await writeFile(join(dir, name), text);
  await writeFile(join(dir, 'spec.yaml'), 'models: [llama-3.1-8b, mixtral-8x7b]\nhardware: [h100-sxm, tpu-v5p]\ntp: [1, 2, 8]\nep: [1, 8]\nbatch: [1, 16, 256]\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sweep of @ridgeline/engine/node against ridgeline sweep', () => {
  it('returns what --json prints', async () => {
    const printed = await cli(['sweep', 'spec.yaml', '--json', '--threads', '2'], dir);
    expect(printed.code, printed.stderr).toBe(0);
    expect(JSON.parse(JSON.stringify(await sweep('spec.yaml', { baseDir: dir, threads: 1 })))).toEqual(JSON.parse(printed.stdout));
  });

  it.each([...Object.keys(BAD_SPECS), 'missing.yaml'])('gives the one-line error of ridgeline sweep for %s', async (name) => {
    const printed = await cli(['sweep', name], dir);
    expect(printed.code).toBe(2);
    const error = await sweep(name, { baseDir: dir }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    // the same message, which the CLI prints on one line (a spec's several problems joined by '; ')
    expect(printed.stderr).toBe(`ridgeline: error: ${oneLine((error as Error).message)}\n`);
  });
});

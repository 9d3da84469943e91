import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HardwarePlugin } from '@ridgeline/hardware';
import { firstPartyChips } from '../registry.ts';
import { placeholderPlugin } from '../scaffold.ts';
import { cli, expectUserError } from '../test-cli.ts';

// Before: a plugin of TODO placeholders (as plugin init writes it) or of figures in the wrong unit
// (a bandwidth of 4 bytes/s) passed every check, and estimate computed with it without a word.

const scaffolded = placeholderPlugin({ name: '@acme/ridgeline-hardware', chipId: 'acme-x1', today: '2026-01-01', hardwareVersion: '0.1.0', cliVersion: '0.1.0' });
const h100 = firstPartyChips().find((c) => c.id === 'h100-sxm')!;
const { aliases: _, ...base } = h100;
const clean: HardwarePlugin = { apiVersion: 2, meta: { name: 'acme-chips', version: '1.0.0' }, chips: [{ ...base, id: 'acme-x1', name: 'Acme X1', vendor: 'Acme' }] };
const slipped: HardwarePlugin = {
  ...clean,
  chips: [{ ...clean.chips[0]!, memory: { ...base.memory, bandwidthBytesPerS: { value: 4, source: 'Acme X1 datasheet rev. 3, table 2' } } }],
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ridgeline-plugin-check-'));
  await writeFile(join(dir, 'scaffolded.json'), JSON.stringify(scaffolded));
  await writeFile(join(dir, 'clean.json'), JSON.stringify(clean));
  await writeFile(join(dir, 'slipped.json'), JSON.stringify(slipped));
  await writeFile(join(dir, 'invalid.json'), JSON.stringify({ ...clean, apiVersion: 3 }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ridgeline plugin check', () => {
  it('passes a plugin with nothing to flag', async () => {
    expect(await cli(['plugin', 'check', './clean.json'], dir)).toEqual({ code: 0, stdout: 'acme-chips@1.0.0: valid, 1 chip, no warnings\n', stderr: '' });
  });

  it('lists every TODO placeholder of a scaffolded plugin and exits 2', async () => {
    const r = await cli(['plugin', 'check', './scaffolded.json'], dir);
    expect(r.code).toBe(2);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('@acme/ridgeline-hardware@0.1.0: valid, 1 chip, 19 warnings');
    expect(lines[1]).toBe('  chips[acme-x1].name: "Acme X1 (TODO: product name)" is a placeholder; write the chip\'s own name');
    expect(lines.slice(2).every((l) => l.includes(': its source is a placeholder ("TODO placeholder: '))).toBe(true);
    expect(r.stderr).toBe('ridgeline: error: @acme/ridgeline-hardware@0.1.0 has 19 warnings (above); fix them before you publish it\n');
  });

  it('flags a figure in the wrong unit, with what it was probably meant to be', async () => {
    const r = await cli(['plugin', 'check', './slipped.json'], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe(
      'acme-chips@1.0.0: valid, 1 chip, 1 warning\n' +
        '  chips[acme-x1].memory.bandwidthBytesPerS: 4 bytes/s is far below every known chip (8.19e11 to 1.5e14 bytes/s); did you mean 4e12?\n',
    );
  });

  it('prints the warnings as JSON with --json', async () => {
    const r = await cli(['plugin', 'check', './slipped.json', '--json'], dir);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      plugin: 'acme-chips',
      version: '1.0.0',
      chips: 1,
      warnings: [{ path: 'chips[acme-x1].memory.bandwidthBytesPerS', message: expect.stringContaining('did you mean 4e12?') }],
    });
  });

  it('reports an invalid plugin as every command does', async () => {
    const r = await cli(['plugin', 'check', './invalid.json'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ridgeline: error: invalid hardware plugin "acme-chips": 1 problem: apiVersion: .*\n$/);
    expect(r.stdout).toBe('');
  });
});

describe('commands that compute with a placeholder chip', () => {
  it('estimate warns in one line on stderr, and still answers', async () => {
    const r = await cli(['estimate', '--model', 'llama-3.1-8b', '--hardware', './scaffolded.json', '--json'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      'ridgeline: warning: chip "acme-x1" has 18 placeholder figures, among them compute.peakDenseFlopsPerS.bf16 (its source starts with "TODO"): results describe the placeholders, not the chip; "ridgeline plugin check" lists what to replace\n',
    );
    expect(JSON.parse(r.stdout)).toMatchObject({ feasible: true });
  });

  it('train warns too; a chip without placeholders gives no warning', async () => {
    const train = await cli(['train', '--model', 'llama-3.1-8b', '--hardware', './scaffolded.json', '--chips', '8', '--tp', '8', '--json'], dir);
    expect(train.stderr).toMatch(/^ridgeline: warning: chip "acme-x1" has 18 placeholder figures/);
    const quiet = await cli(['estimate', '--model', 'llama-3.1-8b', '--hardware', './clean.json', '--json'], dir);
    expect(quiet).toMatchObject({ code: 0, stderr: '' });
  });

  it('needs the plugin argument', async () => {
    expectUserError(await cli(['plugin', 'check'], dir), 'missing argument <plugin>. Run "ridgeline plugin check --help" for usage.');
  });
});

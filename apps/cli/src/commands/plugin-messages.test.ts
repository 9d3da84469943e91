import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getModel } from '@ridgeline/catalog';
import type { ChipSpec } from '@ridgeline/hardware';
import { assertHoldsOneLayer, smallestLayerShard } from '../capacity.ts';
import { firstPartyChips } from '../registry.ts';
import { cli, expectInfeasible, expectUserError } from '../test-cli.ts';

// What a plugin author sees for each common mistake, word for word, through the CLI.

type Json = any;

const h100 = firstPartyChips().find((c) => c.id === 'h100-sxm');
if (h100 === undefined) throw new Error('h100-sxm missing from the first-party plugins');
const { aliases: _, ...base } = h100;
const chip: ChipSpec = { ...base, id: 'acme-x1', name: 'Acme X1', vendor: 'Acme' };

let dir: string;

/** Writes the valid plugin with `edit` applied as `<name>.json` and returns its path for --hardware. */
async function pluginFile(name: string, edit: (plugin: Json) => void): Promise<string> {
  const plugin: Json = structuredClone({ apiVersion: 1, meta: { name: 'acme-chips', version: '1.0.0' }, chips: [chip] });
  edit(plugin);
  await writeFile(join(dir, `${name}.json`), JSON.stringify(plugin));
  return `./${name}.json`;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ridgeline-plugin-messages-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function estimateWith(hardware: string): Promise<ReturnType<typeof cli>> {
  return cli(['estimate', '--model', 'llama-3.1-70b', '--chips', '8', '--hardware', hardware], dir);
}

const header = 'invalid hardware plugin "acme-chips": 1 problem: ';

describe('one clear message per mistake in a plugin', () => {
  it('an apiVersion mismatch', async () => {
    expectUserError(
      await estimateWith(await pluginFile('api', (p) => (p.apiVersion = 3))),
      `${header}apiVersion: Plugin "acme-chips" declares apiVersion 3, but @ridgeline/hardware implements apiVersion 2 (and reads 1) (allowed: 1, 2). Fix: upgrade @ridgeline/hardware, or build the plugin against apiVersion 2.`,
    );
  });

  it('a missing field', async () => {
    expectUserError(
      await estimateWith(await pluginFile('missing', (p) => delete p.chips[0].memory.bandwidthBytesPerS)),
      `${header}chips[acme-x1].memory.bandwidthBytesPerS: is missing (allowed: { value: a number from 1 to 1e18, in bytes/s, source: "<where it comes from>" }). Fix: add "bandwidthBytesPerS": { value: a number from 1 to 1e18, in bytes/s, source: "<where it comes from>" }.`,
    );
  });

  it('a bandwidth ≤ 0', async () => {
    expectUserError(
      await estimateWith(await pluginFile('bandwidth', (p) => (p.chips[0].scaleUp.bandwidthBytesPerS.value = 0))),
      `${header}chips[acme-x1].scaleUp.bandwidthBytesPerS.value: must be greater than 0, got 0 (allowed: a number from 1 to 1e16, in bytes/s). Fix: give the scale-up bandwidth per chip, one direction in bytes/s, e.g. 450e9 (NVLink 4: 900 GB/s both directions, halved).`,
    );
  });

  it('an efficiency > 1', async () => {
    expectUserError(
      await estimateWith(await pluginFile('efficiency', (p) => (p.chips[0].efficiency.flop = { value: 70, source: 'fit: GEMM sweep' }))),
      `${header}chips[acme-x1].efficiency.flop.value: must be at most 1, got 70 (allowed: a number in [1e-4, 1]). Fix: give η_flop, the achievable fraction of peak FLOP/s, e.g. 0.7.`,
    );
  });

  it('an unknown topology, naming the allowed ones', async () => {
    expectUserError(
      await estimateWith(await pluginFile('topology', (p) => (p.chips[0].scaleUp.topology = 'dragonfly'))),
      `${header}chips[acme-x1].scaleUp.topology: is not a known topology, got "dragonfly" (allowed: switch, ring, torus1d, torus2d, torus3d). Fix: use one of switch, ring, torus1d, torus2d, torus3d.`,
    );
  });

  it('an unknown availability, naming the field and the allowed values', async () => {
    expectUserError(
      await estimateWith(await pluginFile('availability', (p) => (p.chips[0].availability = 'preview'))),
      `${header}chips[acme-x1].availability: is not a known availability, got "preview" (allowed: shipping, announced). Fix: use one of shipping, announced.`,
    );
  });

  it('an announced chip loads, and hardware list marks it', async () => {
    const announced = await pluginFile('announced', (p) => (p.chips[0].availability = 'announced'));
    const r = await cli(['hardware', 'list', '--plugin', announced], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^acme-x1\s+Acme X1 \[announced\]\s+Acme\s/m);
    expect((await estimateWith(announced)).code).toBe(0);
  });

  it('a capacity below one layer of the model', async () => {
    const tiny = await pluginFile('tiny', (p) => (p.chips[0].memory.capacityBytes.value = 20e6));
    expectUserError(
      await estimateWith(tiny),
      'chip "acme-x1" holds 18.0 MB usable, less than one layer of llama-3.1-70b (30.4 MB of bf16 weights at TP 64): no layout can fit; use a chip with more memory, or lower-precision weights',
    );
    // With fp8 weights one layer fits, so the usual capacity report (with its advice) applies.
    const r = await cli(['estimate', '--model', 'llama-3.1-70b', '--chips', '8', '--weights', 'fp8', '--hardware', tiny], dir);
    expectInfeasible(r, 'capacity', 'Does not fit: ');
  });
});

describe('one line, escaped: what a plugin cannot put on the terminal', () => {
  it('lists several problems of a plugin on one line', async () => {
    const file = await pluginFile('two', (p) => {
      p.chips[0].scaleUp.topology = 'dragonfly';
      p.chips[0].availability = 'preview';
    });
    const r = await estimateWith(file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ridgeline: error: invalid hardware plugin "acme-chips": 2 problems: chips\[acme-x1\]\.scaleUp\.topology: .+; chips\[acme-x1\]\.availability: .+\n$/);
  });

  it('escapes control characters in plugin names and chip names, in errors and in output', async () => {
    // ESC [2J clears the screen; a newline would split the one-line error; U+202E reverses what follows
    const evil = await pluginFile('evil', (p) => {
      p.meta.name = 'acme\u001b[2J\nchips\u202e';
      p.chips[0].name = 'Acme\u001b[31m X1\r';
      p.apiVersion = 3;
    });
    const error = await estimateWith(evil);
    expect(error.code).toBe(2);
    expect(error.stderr.split('\n')).toHaveLength(2);
    expect(error.stderr).toContain('invalid hardware plugin "acme\\u001b[2J\\nchips\\u202e": 1 problem');
    expect(error.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);

    const named = await pluginFile('named', (p) => (p.chips[0].name = 'Acme\u001b[31m X1\r\u009b'));
    for (const argv of [['hardware', 'list', '--plugin', named], ['hardware', 'show', named], ['estimate', '--model', 'llama-3.1-8b', '--hardware', named]]) {
      const r = await cli(argv, dir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout, argv.join(' ')).toContain('Acme\\u001b[31m X1\\r\\u009b');
      expect(r.stdout + r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    }
    // escaped before the columns are measured: the vendor column still lines up
    const list = (await cli(['hardware', 'list', '--plugin', named], dir)).stdout.split('\n');
    const column = (line: string | undefined): number => (line ?? '').search(/\bvendor\b|\bAcme\s+\d/);
    expect(column(list.find((l) => l.startsWith('acme-x1')))).toBe(column(list[0]));
    // --json stays JSON with the same meaning
    const json = await cli(['hardware', 'show', named, '--json'], dir);
    expect((JSON.parse(json.stdout) as { name: string }).name).toBe('Acme\u001b[31m X1\r\u009b');
  });

  // Before (reliability defect 18): a newline in a chip's name or vendor reached the terminal raw
  // and split the report's title (terminalSafe keeps line breaks, as the output is made of lines).
  it('refuses a line break in a chip name or vendor', async () => {
    const name = await pluginFile('newline-name', (p) => (p.chips[0].name = 'Acme\nX1\u001b[31mred'));
    const vendor = await pluginFile('newline-vendor', (p) => (p.chips[0].vendor = 'Ac\u2028me'));
    for (const [file, field, got] of [[name, 'name', '"Acme\\nX1\\u001b[31mred"'], [vendor, 'vendor', '"Ac\\u2028me"']] as const) {
      for (const argv of [['estimate', '--model', 'llama-3.1-8b', '--hardware', file], ['hardware', 'show', file]]) {
        const r = await cli(argv, dir);
        expect(r.code, argv.join(' ')).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr).toContain(`1 problem: chips[acme-x1].${field}: must not hold a line break, got ${got} (allowed: a non-empty string on one line).`);
        expect(r.stderr.split('\n')).toHaveLength(2);
      }
    }
  });
});

describe('smallestLayerShard', () => {
  const model = (id: string) => {
    const m = getModel(id);
    if (m === undefined) throw new Error(`no model ${id}`);
    return m;
  };

  it('is one dense layer at TP = heads', () => {
    // Llama 3.1 70B at TP 64: Q 1 head + K, V 1 head each (replicated), O, and 3·d·f/64 of FFN.
    const params = 8192 * 128 * 3 + 128 * 8192 + (3 * 8192 * 28672) / 64;
    expect(smallestLayerShard(model('llama-3.1-70b'), 'bf16')).toEqual({ bytes: params * 2, tp: 64 });
    expect(smallestLayerShard(model('llama-3.1-70b'), 'fp8').bytes).toBe(params);
  });

  it('takes the smaller expert split of an MoE layer', () => {
    // Mixtral at TP 32: 8 experts sliced 32 ways (1/4 expert) beat one whole expert per chip.
    const attention = 4096 * 128 * 3 + 128 * 4096;
    const params = attention + (8 * 3 * 4096 * 14336) / 32 + 4096 * 8;
    expect(smallestLayerShard(model('mixtral-8x7b'), 'bf16')).toEqual({ bytes: params * 2, tp: 32 });
  });

  it('lets an SRAM chip that holds a layer through', () => {
    const groq = firstPartyChips().find((c) => c.id === 'groq-lpu');
    if (groq === undefined) throw new Error('groq-lpu missing');
    expect(() => assertHoldsOneLayer(groq, model('llama-3.1-70b'), 'bf16')).not.toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { modelIds } from '@ridgeline/catalog';
import { cli } from '../test-cli.ts';

describe('ridgeline models list', () => {
  it('lists every catalog model with derived parameter counts', async () => {
    const r = await cli(['models', 'list']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')[0]).toMatch(/^id\s+name\s+layers\s+d\s+heads\/kv\s+total B\s+active B$/);
    for (const id of modelIds()) expect(r.stdout).toContain(`${id} `);
    expect(r.stdout).toMatch(/^llama-3\.1-70b\s+.*\s80\s+8192\s+64\/8\s+70\.\d\s+70\.\d$/m);
  });

  it('prints JSON with --json', async () => {
    const r = await cli(['models', '--json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<{ id: string; totalParams: number }>;
    expect(rows.map((m) => m.id)).toEqual([...modelIds()]);
  });
});

describe('ridgeline models show', () => {
  it('prints the model and its parameter counts as JSON', async () => {
    const r = await cli(['models', 'show', 'llama-3.1-70b', '--json']);
    expect(r.code).toBe(0);
    const model = JSON.parse(r.stdout) as { id: string; layers: number; params: { total: number; active: number } };
    expect(model.id).toBe('llama-3.1-70b');
    expect(model.layers).toBe(80);
    expect(model.params.total / 1e9).toBeCloseTo(70.6, 0);
    expect(model.params.active).toBe(model.params.total);
  });

  it('shows every field and the derived counts', async () => {
    const r = await cli(['models', 'show', 'llama-3.1-70b']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^layers\s+80$/m);
    expect(r.stdout).toMatch(/^hiddenSize\s+8192$/m);
    expect(r.stdout).toContain('Derived parameter counts');
    expect(r.stdout).toMatch(/^\s+total\s+70\.\d B \(70,\d{3},\d{3},\d{3}\)$/m);
  });

  it('reports an unknown id with the nearest ids', async () => {
    const r = await cli(['models', 'show', 'llama-3.1-70']);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: 'ridgeline: error: unknown model "llama-3.1-70". Did you mean "llama-3.1-70b"? Run "ridgeline models list" to see all.\n',
    });
  });
});

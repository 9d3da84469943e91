import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { efficiencyAt, formatIssues, validateHardware } from '@ridgeline/hardware';
import { runCli } from 'ridgeline';
import { afterAll, describe, expect, test } from 'vitest';
import { CHIP_FIELDS, CUSTOM_PLUGIN_NAME, checkCustomChip, fieldForIssue, fieldsFromChip, pluginFromFields } from './custom-chip.ts';
import { FIRST_PARTY_CHIPS, findChip } from './registry.ts';

const h100 = fieldsFromChip(findChip('h100-sxm')!);
const dir = mkdtempSync(join(tmpdir(), 'ridgeline-web-chip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What the CLI prints for the same plugin as a file: `ridgeline hardware show chip.json`. */
async function cliMessage(fields: Record<string, string>): Promise<string> {
  const file = join(dir, `chip-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(pluginFromFields(fields)));
  let stderr = '';
  const code = await runCli(['hardware', 'show', file], { stdout: () => {}, stderr: (s) => (stderr += s), cwd: dir });
  expect(code).toBe(2);
  return stderr.replace(/^ridgeline: error: /, '').trimEnd();
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

describe('the form starts from any first-party chip', () => {
  test.each(FIRST_PARTY_CHIPS.map((c) => [c.id]))('%s validates, with its numbers', (id) => {
    const chip = findChip(id)!;
    const check = checkCustomChip(fieldsFromChip(chip));
    expect(check.ok, check.ok ? '' : check.report).toBe(true);
    if (!check.ok) return;
    expect(check.chip.id).toBe(`${id}-custom`);
    expect(check.chip.memory.capacityBytes.value).toBe(chip.memory.capacityBytes.value);
    expect(check.chip.memory.bandwidthBytesPerS.value).toBe(chip.memory.bandwidthBytesPerS.value);
    expect(check.chip.scaleUp.topology).toBe(chip.scaleUp.topology);
    expect(check.chip.price.usdPerChipHour.value).toBe(chip.price.usdPerChipHour.value);
    expect(Object.keys(check.chip.compute.peakDenseFlopsPerS).sort()).toEqual(Object.keys(chip.compute.peakDenseFlopsPerS).sort());
    // the dense weights' η_mem carries over where the chip sources one, and is left out where it does not
    expect(check.chip.efficiency.weightMemory === undefined ? undefined : efficiencyAt(check.chip.efficiency.weightMemory, 300)).toBe(chip.efficiency.weightMemory === undefined ? undefined : efficiencyAt(chip.efficiency.weightMemory, 300));
  });
});

describe('pluginFromFields', () => {
  test('builds a one-chip plugin with every number sourced', () => {
    const plugin = pluginFromFields({ ...h100, source: 'my lab' }) as { chips: [{ memory: { capacityBytes: unknown } }]; meta: unknown };
    expect(plugin.meta).toEqual({ name: CUSTOM_PLUGIN_NAME, version: '1.0.0' });
    expect(plugin.chips[0].memory.capacityBytes).toEqual({ source: 'my lab', value: Number(h100['capacity']) });
  });

  test('numbers may be written as in a plugin file: 989e12, 0.9, 1.5e-6', () => {
    const check = checkCustomChip({ ...h100, 'flops.bf16': '989e12', usable: '0.9', upHop: '1.5e-6' });
    expect(check.ok).toBe(true);
    if (check.ok) expect(check.chip.compute.peakDenseFlopsPerS.bf16?.value).toBe(989e12);
  });

  test('an empty optional field is left out; an empty required one is reported missing', () => {
    const check = checkCustomChip({ ...h100, 'flops.fp4': '', capacity: '' });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.issues).toHaveLength(1);
    expect(check.issues[0]?.path).toBe('chips[h100-sxm-custom].memory.capacityBytes.value');
    expect(check.issues[0]?.message).toBe('is missing');
  });
});

describe('a bad chip gets the CLI’s messages, word for word', () => {
  test.each([
    ['a negative capacity', { capacity: '-80e9' }],
    ['text for a number', { bandwidth: 'fast' }],
    ['a fraction above 1', { usable: '1.2', effFlop: '0' }],
    ['an id that is not kebab-case', { id: 'My Chip' }],
    ['a date that is not a date', { asOf: '2025-13-40' }],
    ['no source', { source: '' }],
    ['no compute rate at all', Object.fromEntries(CHIP_FIELDS.filter((f) => f.key.startsWith('flops.')).map((f) => [f.key, '']))],
    ['several at once', { capacity: '0', upDomain: '2.5', topology: '', maxW: 'lots' }],
  ])('%s', async (_, patch) => {
    const fields = { ...h100, ...patch };
    const check = checkCustomChip(fields);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.report).toBe(formatIssues(check.issues, CUSTOM_PLUGIN_NAME));
    const result = validateHardware(pluginFromFields(fields));
    expect(result.ok ? [] : result.issues).toEqual(check.issues);
    // the CLI prints the same problems on its one error line
    expect(lowerFirst(formatIssues(check.issues, CUSTOM_PLUGIN_NAME, { oneLine: true }))).toBe(await cliMessage(fields));
  });

  test('the report reads as the CLI prints it', () => {
    const check = checkCustomChip({ ...h100, capacity: '-1', bandwidth: 'fast' });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.report).toBe(
      [
        'Invalid hardware plugin "custom-chip": 2 problems',
        '  - chips[h100-sxm-custom].memory.capacityBytes.value: must be greater than 0, got -1 (allowed: a number from 1 to 1e16, in bytes). Fix: give the memory capacity of one chip in bytes, e.g. 80e9 (80 GB).',
        `  - chips[h100-sxm-custom].memory.bandwidthBytesPerS.value: must be a number, got "fast" (allowed: a number from 1 to 1e18, in bytes/s). Fix: ${check.issues[1]?.fix}`,
      ].join('\n'),
    );
  });

  test('each issue is attached to its form field', () => {
    const check = checkCustomChip({ ...h100, capacity: '-1', 'flops.bf16': 'x', id: 'Bad Id', source: '' });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect([...check.byField.keys()].sort()).toEqual(['capacity', 'flops.bf16', 'id', 'source']);
  });
});

describe('fieldForIssue', () => {
  test.each([
    ['chips[x1].memory.capacityBytes.value', 'capacity'],
    ['chips[0].memory.capacityBytes', 'capacity'],
    ['chips[x1].compute.peakDenseFlopsPerS.fp8.value', 'flops.fp8'],
    ['chips[x1].efficiency.flop.value', 'effFlop'],
    ['chips[x1].efficiency.flop', 'effFlop'],
    ['chips[x1].scaleUp.topology', 'topology'],
    ['chips[x1].price.asOf', 'asOf'],
    ['chips[x1].power.maxW.source', 'source'],
    ['chips[x1].id', 'id'],
    ['chips[x1].compute.peakDenseFlopsPerS', ''],
  ])('%s → %s', (path, key) => {
    expect(fieldForIssue(path)).toBe(key);
  });
});

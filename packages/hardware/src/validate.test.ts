import { describe, expect, expectTypeOf, test } from 'vitest';
import { checkHardware } from './check.ts';
import { atComputePrecision, expertFlopDerivation } from './efficiency.ts';
import { testChip, testLpu, testPlugin } from './test-chip.ts';
import { AVAILABILITIES, CHIP_KINDS, MEMORY_KINDS, PRECISIONS, TOPOLOGIES, type HardwarePlugin } from './types.ts';
import {
  assertHardware,
  defineHardware,
  formatIssues,
  HardwareValidationError,
  validateHardware,
  type HardwareIssue,
} from './validate.ts';

// Tests edit deep copies of the fixture freely, so they treat it as untyped JSON.
type Json = any;

/** A copy of the valid plugin with `edit` applied to it (the two chips are `chips[0]` and `chips[1]`). */
function broken(edit: (plugin: Json) => void): Json {
  const plugin: Json = structuredClone(testPlugin);
  edit(plugin);
  return plugin;
}

function issuesOf(input: unknown): HardwareIssue[] {
  const result = validateHardware(input);
  if (result.ok) throw new Error('expected the plugin to be invalid');
  return result.issues;
}

/** The single issue `input` has; fails if it has none or several. */
function onlyIssue(input: unknown): HardwareIssue {
  const issues = issuesOf(input);
  expect(issues.map((issue) => issue.path)).toHaveLength(1);
  return issues[0]!;
}

describe('validateHardware accepts', () => {
  test('a complete plugin, returning an equal copy', () => {
    const result = validateHardware(testPlugin);
    expect(result).toEqual({ ok: true, plugin: testPlugin });
  });

  test('a plugin that went through JSON', () => {
    expect(validateHardware(JSON.parse(JSON.stringify(testPlugin))).ok).toBe(true);
  });

  test('boundary values: zero latencies, idle power and price; fractions of exactly 1; a leap day', () => {
    // testLpu has hopLatencyS 0, idleW 0, usdPerChipHour 0, usableFraction 1, efficiencies 1, asOf 2024-02-29.
    expect(validateHardware({ ...testPlugin, chips: [testLpu] }).ok).toBe(true);
    expect(validateHardware(broken((p) => (p.chips[1].power.idleW.value = 300))).ok).toBe(true);
  });

  test.each(['tpu-v5e', 'llama-3.1', 'h100', 'gb200-nvl72', 'mi300x', 'a-b-c.d'])('the id %s', (id) => {
    expect(validateHardware(broken((p) => (p.chips[0].id = id))).ok).toBe(true);
  });

  test.each(AVAILABILITIES)('availability %s, and no availability (shipping)', (availability) => {
    const result = validateHardware(broken((p) => (p.chips[1].availability = availability)));
    expect(result.ok && result.plugin.chips[1]?.availability).toBe(availability);
    expect(testPlugin.chips.every((chip) => chip.availability === undefined)).toBe(true);
  });

  test('an alias that repeats its own chip id', () => {
    expect(validateHardware(broken((p) => (p.chips[0].aliases = ['h100-sxm', 'H100']))).ok).toBe(true);
  });

  test('η_flop per compute precision, a constant or a curve', () => {
    const result = validateHardware(
      broken((p) => (p.chips[0].efficiency.flopByPrecision = { fp8: { value: 0.45, source: 'fit' }, bf16: { curve: [[10, 0.3], [1000, 0.7]], over: 'arithmeticIntensity', source: 'fit' } })),
    );
    expect(result.ok && result.plugin.chips[0]?.efficiency.flopByPrecision?.fp8).toEqual({ value: 0.45, source: 'fit' });
  });
});

describe('validateHardware checks efficiency profiles', () => {
  test('a profile is a full efficiency set with a description, under a lowercase name', () => {
    const ok = validateHardware(broken((p) => (p.chips[0].efficiencyProfiles = { '2023': { ...p.chips[0].efficiency, description: 'the 2023 tables' } })));
    expect(ok.ok).toBe(true);
    expect(onlyIssue(broken((p) => (p.chips[0].efficiencyProfiles = { SGLang: { ...p.chips[0].efficiency, description: 'x' } }))).message).toMatch(/is not a profile name/);
    expect(onlyIssue(broken((p) => (p.chips[0].efficiencyProfiles = { sglang: { ...p.chips[0].efficiency } }))).path).toBe('chips[h100-sxm].efficiencyProfiles.sglang.description');
  });
});

describe('validateHardware checks η_flop per precision', () => {
  test('an unknown precision and an efficiency above 1 are named', () => {
    expect(onlyIssue(broken((p) => (p.chips[0].efficiency.flopByPrecision = { bf8: { value: 0.5, source: 'x' } }))).path).toBe('chips[h100-sxm].efficiency.flopByPrecision.bf8');
    const issue = onlyIssue(broken((p) => (p.chips[0].efficiency.flopByPrecision = { fp8: { value: 1.5, source: 'x' } })));
    expect(issue.path).toBe('chips[h100-sxm].efficiency.flopByPrecision.fp8.value');
    expect(issue.message).toMatch(/1\.5/);
  });
});

describe('validateHardware checks the η_mem of contiguous weight reads', () => {
  test('a constant or curve is kept; an efficiency above 1 is named', () => {
    const result = validateHardware(broken((p) => (p.chips[0].efficiency.weightMemory = { value: 0.9, source: 'BabelStream' })));
    expect(result.ok && result.plugin.chips[0]?.efficiency.weightMemory).toEqual({ value: 0.9, source: 'BabelStream' });
    const issue = onlyIssue(broken((p) => (p.chips[0].efficiency.weightMemory = { value: 1.2, source: 'x' })));
    expect(issue.path).toBe('chips[h100-sxm].efficiency.weightMemory.value');
    expect(issue.message).toMatch(/1\.2/);
  });
});

describe("validateHardware checks the experts' η_flop", () => {
  test('a constant or curve, and per precision; an unknown precision and an efficiency above 1 are named', () => {
    const result = validateHardware(
      broken((p) => {
        p.chips[0].efficiency.expertFlop = { value: 0.2, source: 'fit' };
        p.chips[0].efficiency.expertFlopByPrecision = { fp8: { curve: [[128, 0.05], [4096, 0.55]], over: 'arithmeticIntensity', source: 'fit' } };
      }),
    );
    expect(result.ok && result.plugin.chips[0]?.efficiency.expertFlop).toEqual({ value: 0.2, source: 'fit' });
    expect(onlyIssue(broken((p) => (p.chips[0].efficiency.expertFlopByPrecision = { bf8: { value: 0.5, source: 'x' } }))).path).toBe('chips[h100-sxm].efficiency.expertFlopByPrecision.bf8');
    const issue = onlyIssue(broken((p) => (p.chips[0].efficiency.expertFlop = { value: 1.5, source: 'x' })));
    expect(issue.path).toBe('chips[h100-sxm].efficiency.expertFlop.value');
    expect(issue.message).toMatch(/1\.5/);
  });

  test('atComputePrecision resolves it at the precision, else keeps expertFlop', () => {
    const fit = (value: number) => ({ value, source: 'fit' });
    const chip = { ...testChip, efficiency: { ...testChip.efficiency, expertFlop: fit(0.2), expertFlopByPrecision: { fp8: fit(0.1) } } };
    expect(atComputePrecision(chip, 'fp8').efficiency.expertFlop).toEqual(fit(0.1));
    expect(atComputePrecision(chip, 'bf16').efficiency.expertFlop).toEqual(fit(0.2));
  });

  test('without expertFlop, a precision with no value of its own takes the nearest fitted one, scaled by the matmuls', () => {
    // fp8 experts fitted as a curve; the matmuls reach 0.78 at large GEMMs by default and 0.54 at fp4
    const expert = { curve: [[128, 0.075], [4096, 0.78]] as const, over: 'arithmeticIntensity' as const, source: 'fit' };
    const chip = {
      ...testChip,
      efficiency: { ...testChip.efficiency, flop: { value: 0.78, source: 'mamf' }, flopByPrecision: { fp4: { value: 0.54, source: 'derived' } }, expertFlopByPrecision: { fp8: expert } },
    };
    const fp4 = atComputePrecision(chip, 'fp4').efficiency.expertFlop;
    if (fp4 === undefined || !('curve' in fp4)) throw new Error('expected a curve');
    // × 0.54 / 0.78 = 0.6923: 0.075 → 0.0519, 0.78 → 0.54
    expect(fp4.curve[0]![1]).toBeCloseTo(0.075 * (0.54 / 0.78), 12);
    expect(fp4.curve[1]![1]).toBeCloseTo(0.54, 12);
    expect(fp4.curve.map(([x]) => x)).toEqual([128, 4096]);
    expect(fp4.source).toMatch(/^derived: the experts' η_flop at fp8 × 0\.692/);
    // bf16's matmuls are the default 0.78, as fp8's are: the fp8 curve as it is (the same object)
    expect(atComputePrecision(chip, 'bf16').efficiency.expertFlop).toBe(expert);
    // int8 takes fp8's curve (the only fitted precision; int8's matmuls are the default 0.78): ratio 1
    expect(atComputePrecision(chip, 'int8').efficiency.expertFlop).toBe(expert);
    // no expert value at any precision: the experts run at the matmuls' η_flop
    expect(atComputePrecision(testChip, 'fp4').efficiency.expertFlop).toBeUndefined();
    // the same rule, typed: fp4 from fp8 × 0.54/0.78; int8 from fp8 × 1; fp8 its own; none without a fit
    expect(expertFlopDerivation(chip.efficiency, 'fp4')).toEqual({ from: 'fp8', ratio: 0.54 / 0.78 });
    expect(expertFlopDerivation(chip.efficiency, 'int8')).toEqual({ from: 'fp8', ratio: 1 });
    expect(expertFlopDerivation(chip.efficiency, 'fp8')).toBeUndefined();
    expect(expertFlopDerivation(testChip.efficiency, 'fp4')).toBeUndefined();
    // a plugin's own fallback is not a derivation
    expect(expertFlopDerivation({ ...chip.efficiency, expertFlop: { value: 0.2, source: 'fit' } }, 'fp4')).toBeUndefined();
  });
});

describe('validateHardware checks apiVersion first', () => {
  test('a newer apiVersion is one issue with a Babel-style message, whatever else is wrong', () => {
    const plugin = broken((p) => {
      p.apiVersion = 3;
      p.meta.name = 'acme-chips';
      p.chips[0].memory.bandwidthBytesPerS.value = -1;
      p.chips[1].kind = 'npu';
    });
    expect(issuesOf(plugin)).toEqual([
      {
        path: 'apiVersion',
        message: 'Plugin "acme-chips" declares apiVersion 3, but @ridgeline/hardware implements apiVersion 2 (and reads 1)',
        allowed: '1, 2',
        fix: 'upgrade @ridgeline/hardware, or build the plugin against apiVersion 2.',
      },
    ]);
    const [issue] = issuesOf(plugin);
    expect(`${issue!.message}. Fix: ${issue!.fix}`).toBe(
      'Plugin "acme-chips" declares apiVersion 3, but @ridgeline/hardware implements apiVersion 2 (and reads 1). Fix: upgrade @ridgeline/hardware, or build the plugin against apiVersion 2.',
    );
  });

  test('a missing apiVersion, with no usable name', () => {
    const plugin = broken((p) => {
      delete p.apiVersion;
      delete p.meta;
    });
    expect(issuesOf(plugin)).toEqual([
      {
        path: 'apiVersion',
        message: 'Plugin "(unnamed)" does not declare apiVersion, but @ridgeline/hardware implements apiVersion 2 (and reads 1)',
        allowed: '1, 2',
        fix: 'add apiVersion: 2 to the plugin (defineHardware checks it as you type).',
      },
    ]);
  });

  test('an older or mistyped apiVersion', () => {
    expect(onlyIssue(broken((p) => (p.apiVersion = 0)))).toMatchObject({
      message: 'Plugin "test-chips" declares apiVersion 0, but @ridgeline/hardware implements apiVersion 2 (and reads 1)',
      fix: 'update the plugin to apiVersion 2.',
    });
    expect(onlyIssue(broken((p) => (p.apiVersion = '1')))).toMatchObject({
      message: 'Plugin "test-chips" declares apiVersion "1", but @ridgeline/hardware implements apiVersion 2 (and reads 1)',
      fix: 'set apiVersion to the number 2.',
    });
  });

  test.each([
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['a string', 'plugin'],
    ['an array', [testPlugin]],
  ])('a non-object input (%s) is one root issue', (_, input) => {
    const issue = onlyIssue(input);
    expect(issue.path).toBe('(root)');
    expect(issue.message).toMatch(/^must be a hardware plugin object, got /);
  });
});

/** One rule broken: where the issue must be, and how its message must start. */
interface Case {
  readonly rule: string;
  readonly edit: (plugin: Json) => void;
  readonly path: string;
  readonly message: string;
  readonly allowed?: string;
}

const cases: readonly Case[] = [
  // Sourced
  {
    rule: 'a Sourced value must be a number',
    edit: (p) => (p.chips[0].memory.capacityBytes.value = '80e9'),
    path: 'chips[h100-sxm].memory.capacityBytes.value',
    message: 'must be a number, not a string, got "80e9"',
  },
  {
    rule: 'a Sourced value must not be NaN',
    edit: (p) => (p.chips[0].memory.capacityBytes.value = Number.NaN),
    path: 'chips[h100-sxm].memory.capacityBytes.value',
    message: 'must be a number, got NaN',
  },
  {
    rule: 'a Sourced value must be finite',
    edit: (p) => (p.chips[0].memory.bandwidthBytesPerS.value = Infinity),
    path: 'chips[h100-sxm].memory.bandwidthBytesPerS.value',
    message: 'must be finite, got Infinity',
  },
  {
    rule: 'a source must not be empty',
    edit: (p) => (p.chips[0].memory.capacityBytes.source = '  '),
    path: 'chips[h100-sxm].memory.capacityBytes.source',
    message: 'must not be empty, got "  "',
    allowed: 'a non-empty string',
  },
  {
    rule: 'a source is required',
    edit: (p) => delete p.chips[0].scaleOut.hopLatencyS.source,
    path: 'chips[h100-sxm].scaleOut.hopLatencyS.source',
    message: 'is missing',
  },
  {
    rule: 'a Sourced must be an object',
    edit: (p) => (p.chips[0].memory.capacityBytes = 80e9),
    path: 'chips[h100-sxm].memory.capacityBytes',
    message: 'must be an object, got 80000000000',
  },
  // > 0
  {
    rule: 'memory bandwidth > 0',
    edit: (p) => (p.chips[0].memory.bandwidthBytesPerS.value = -3.35e12),
    path: 'chips[h100-sxm].memory.bandwidthBytesPerS.value',
    message: 'must be greater than 0, got -3350000000000',
    allowed: 'a number from 1 to 1e18, in bytes/s',
  },
  {
    rule: 'memory capacity > 0',
    edit: (p) => (p.chips[1].memory.capacityBytes.value = 0),
    path: 'chips[test-lpu].memory.capacityBytes.value',
    message: 'must be greater than 0, got 0',
    allowed: 'a number from 1 to 1e16, in bytes',
  },
  {
    rule: 'FLOP/s > 0',
    edit: (p) => (p.chips[0].compute.peakDenseFlopsPerS.fp8.value = 0),
    path: 'chips[h100-sxm].compute.peakDenseFlopsPerS.fp8.value',
    message: 'must be greater than 0, got 0',
    allowed: 'a number from 1 to 1e18, in FLOP/s',
  },
  {
    rule: 'scale-up bandwidth > 0',
    edit: (p) => (p.chips[0].scaleUp.bandwidthBytesPerS.value = 0),
    path: 'chips[h100-sxm].scaleUp.bandwidthBytesPerS.value',
    message: 'must be greater than 0, got 0',
  },
  {
    rule: 'scale-out bandwidth > 0',
    edit: (p) => (p.chips[0].scaleOut.bandwidthBytesPerS.value = -1),
    path: 'chips[h100-sxm].scaleOut.bandwidthBytesPerS.value',
    message: 'must be greater than 0, got -1',
  },
  // ≥ 0
  {
    rule: 'scale-up hop latency ≥ 0',
    edit: (p) => (p.chips[0].scaleUp.hopLatencyS.value = -1e-6),
    path: 'chips[h100-sxm].scaleUp.hopLatencyS.value',
    message: 'must not be negative, got -0.000001',
    allowed: '0, or a number from 1e-12 to 1, in s',
  },
  {
    rule: 'collective latency ≥ 0',
    edit: (p) => (p.chips[0].scaleUp.collectiveLatencyS.value = -1),
    path: 'chips[h100-sxm].scaleUp.collectiveLatencyS.value',
    message: 'must not be negative, got -1',
  },
  {
    rule: 'scale-out hop latency ≥ 0',
    edit: (p) => (p.chips[0].scaleOut.hopLatencyS.value = -1),
    path: 'chips[h100-sxm].scaleOut.hopLatencyS.value',
    message: 'must not be negative, got -1',
  },
  {
    rule: 'layer overhead ≥ 0',
    edit: (p) => (p.chips[0].efficiency.layerOverheadS.value = -5e-6),
    path: 'chips[h100-sxm].efficiency.layerOverheadS.value',
    message: 'must not be negative, got -0.000005',
  },
  // domain size
  {
    rule: 'domain size ≥ 1',
    edit: (p) => (p.chips[0].scaleUp.domainSize.value = 0),
    path: 'chips[h100-sxm].scaleUp.domainSize.value',
    message: 'must be at least 1, got 0',
    allowed: 'an integer from 1 to 16777216',
  },
  {
    rule: 'domain size is an integer',
    edit: (p) => (p.chips[0].scaleUp.domainSize.value = 7.5),
    path: 'chips[h100-sxm].scaleUp.domainSize.value',
    message: 'must be a whole number, got 7.5',
    allowed: 'an integer from 1 to 16777216',
  },
  // fractions
  {
    rule: 'usable fraction > 0',
    edit: (p) => (p.chips[0].memory.usableFraction.value = 0),
    path: 'chips[h100-sxm].memory.usableFraction.value',
    message: 'must be greater than 0, got 0',
    allowed: 'a number in [1e-4, 1]',
  },
  {
    rule: 'usable fraction ≤ 1',
    edit: (p) => (p.chips[0].memory.usableFraction.value = 90),
    path: 'chips[h100-sxm].memory.usableFraction.value',
    message: 'must be at most 1, got 90',
    allowed: 'a number in [1e-4, 1]',
  },
  {
    rule: 'a constant efficiency ≤ 1',
    edit: (p) => (p.chips[0].efficiency.memory.value = 1.2),
    path: 'chips[h100-sxm].efficiency.memory.value',
    message: 'must be at most 1, got 1.2',
    allowed: 'a number in [1e-4, 1]',
  },
  {
    rule: 'a constant efficiency > 0',
    edit: (p) => (p.chips[1].efficiency.network.value = 0),
    path: 'chips[test-lpu].efficiency.network.value',
    message: 'must be greater than 0, got 0',
  },
  {
    rule: 'an efficiency must be an object',
    edit: (p) => (p.chips[1].efficiency.flop = 0.7),
    path: 'chips[test-lpu].efficiency.flop',
    message: 'must be an object, got 0.7',
    allowed: '{ value, source } or { curve, over, source }',
  },
  // curves
  {
    rule: 'every y of a curve > 0',
    edit: (p) => (p.chips[0].efficiency.flop.curve[0] = [1, 0]),
    path: 'chips[h100-sxm].efficiency.flop.curve[0][1]',
    message: 'must be greater than 0, got 0',
    allowed: 'a number in [1e-4, 1]',
  },
  {
    rule: 'every y of a curve ≤ 1',
    edit: (p) => (p.chips[0].efficiency.network.curve[2] = [268435456, 1.5]),
    path: 'chips[h100-sxm].efficiency.network.curve[2][1]',
    message: 'must be at most 1, got 1.5',
  },
  {
    rule: 'a curve has at least 2 points',
    edit: (p) => (p.chips[0].efficiency.flop.curve = [[100, 0.5]]),
    path: 'chips[h100-sxm].efficiency.flop.curve',
    message: 'must have at least 2 points, got 1 point',
  },
  {
    rule: 'curve x ≥ 0',
    edit: (p) => (p.chips[0].efficiency.flop.curve[0] = [-1, 0.05]),
    path: 'chips[h100-sxm].efficiency.flop.curve[0][0]',
    message: 'must not be negative, got -1',
    allowed: 'a number from 0 to 1e18, in FLOP/byte',
  },
  {
    rule: 'curve x strictly increasing (decreasing)',
    edit: (p) => (p.chips[0].efficiency.flop.curve[2] = [50, 0.75]),
    path: 'chips[h100-sxm].efficiency.flop.curve[2]',
    message: 'x must increase strictly from point to point, but point 2 has x = 50 after x = 100',
  },
  {
    rule: 'curve x strictly increasing (repeated)',
    edit: (p) => (p.chips[0].efficiency.network.curve[1] = [1024, 0.5]),
    path: 'chips[h100-sxm].efficiency.network.curve[1]',
    message: 'x must increase strictly from point to point, but point 1 has x = 1024 after x = 1024',
  },
  {
    rule: 'a curve point is a pair',
    edit: (p) => (p.chips[0].efficiency.flop.curve[1] = [100, 0.5, 0.6]),
    path: 'chips[h100-sxm].efficiency.flop.curve[1][2]',
    message: 'has more than 2 entries',
  },
  {
    rule: 'over is a known axis',
    edit: (p) => (p.chips[0].efficiency.flop.over = 'tokens'),
    path: 'chips[h100-sxm].efficiency.flop.over',
    message: 'is not a curve axis, got "tokens"',
    allowed: '"arithmeticIntensity"',
  },
  {
    rule: 'a network curve is over message bytes',
    edit: (p) => (p.chips[0].efficiency.network.over = 'arithmeticIntensity'),
    path: 'chips[h100-sxm].efficiency.network.over',
    message: 'does not match what this efficiency depends on, got "arithmeticIntensity"',
    allowed: '"messageBytes"',
  },
  {
    rule: 'a curve has a source',
    edit: (p) => (p.chips[0].efficiency.flop.source = ''),
    path: 'chips[h100-sxm].efficiency.flop.source',
    message: 'must not be empty, got ""',
  },
  // picklists
  {
    rule: 'topology is one of TOPOLOGIES',
    edit: (p) => (p.chips[0].scaleUp.topology = 'mesh'),
    path: 'chips[h100-sxm].scaleUp.topology',
    message: 'is not a known topology, got "mesh"',
    allowed: TOPOLOGIES.join(', '),
  },
  {
    rule: 'availability is one of AVAILABILITIES',
    edit: (p) => (p.chips[1].availability = 'preview'),
    path: 'chips[test-lpu].availability',
    message: 'is not a known availability, got "preview"',
    allowed: AVAILABILITIES.join(', '),
  },
  {
    rule: 'availability is a string',
    edit: (p) => (p.chips[1].availability = true),
    path: 'chips[test-lpu].availability',
    message: 'must be a string, got true',
    allowed: 'shipping, announced',
  },
  {
    rule: 'kind is one of CHIP_KINDS',
    edit: (p) => (p.chips[0].kind = 'npu'),
    path: 'chips[h100-sxm].kind',
    message: 'is not a known chip kind, got "npu"',
    allowed: CHIP_KINDS.join(', '),
  },
  {
    rule: 'memory.kind is one of MEMORY_KINDS',
    edit: (p) => (p.chips[0].memory.kind = 'ddr5'),
    path: 'chips[h100-sxm].memory.kind',
    message: 'is not a known memory kind, got "ddr5"',
    allowed: MEMORY_KINDS.join(', '),
  },
  // power
  {
    rule: 'idle power ≥ 0',
    edit: (p) => (p.chips[0].power.idleW.value = -1),
    path: 'chips[h100-sxm].power.idleW.value',
    message: 'must not be negative, got -1',
  },
  {
    rule: 'max power > 0',
    edit: (p) => (p.chips[1].power.maxW.value = 0),
    path: 'chips[test-lpu].power.maxW.value',
    message: 'must be greater than 0, got 0',
  },
  {
    rule: 'idle power ≤ max power',
    edit: (p) => (p.chips[0].power.idleW.value = 800),
    path: 'chips[h100-sxm].power.idleW.value',
    message: 'must not exceed maxW.value, got 800 W against maxW 700 W',
    allowed: 'idleW.value ≤ maxW.value',
  },
  // price
  {
    rule: 'price ≥ 0',
    edit: (p) => (p.chips[0].price.usdPerChipHour.value = -2.5),
    path: 'chips[h100-sxm].price.usdPerChipHour.value',
    message: 'must not be negative, got -2.5',
    allowed: '0, or a number from 1e-6 to 1e6, in USD',
  },
  // physical limits (CHIP_LIMITS): subnormal and overflowing figures
  {
    rule: 'memory bandwidth ≤ 1e18',
    edit: (p) => (p.chips[0].memory.bandwidthBytesPerS.value = 1e308),
    path: 'chips[h100-sxm].memory.bandwidthBytesPerS.value',
    message: 'must be at most 1e18, got 1e+308',
    allowed: 'a number from 1 to 1e18, in bytes/s',
  },
  {
    rule: 'FLOP/s ≥ 1',
    edit: (p) => (p.chips[0].compute.peakDenseFlopsPerS.bf16.value = 5e-324),
    path: 'chips[h100-sxm].compute.peakDenseFlopsPerS.bf16.value',
    message: 'must be at least 1, got 5e-324',
  },
  {
    rule: 'an efficiency ≥ 1e-4',
    edit: (p) => (p.chips[1].efficiency.network.value = 1e-300),
    path: 'chips[test-lpu].efficiency.network.value',
    message: 'must be at least 1e-4, got 1e-300',
  },
  {
    rule: 'a latency is 0 or ≥ 1e-12',
    edit: (p) => (p.chips[0].scaleUp.hopLatencyS.value = 1e-320),
    path: 'chips[h100-sxm].scaleUp.hopLatencyS.value',
    message: 'must be 0 or at least 1e-12, got 1e-320',
  },
  {
    rule: 'domain size ≤ 2^24',
    edit: (p) => (p.chips[0].scaleUp.domainSize.value = 1e12),
    path: 'chips[h100-sxm].scaleUp.domainSize.value',
    message: 'must be at most 16777216, got 1000000000000',
  },
  {
    rule: 'price ≤ 1e6',
    edit: (p) => (p.chips[0].price.usdPerChipHour.value = 1e308),
    path: 'chips[h100-sxm].price.usdPerChipHour.value',
    message: 'must be at most 1e6, got 1e+308',
  },
  {
    rule: 'power ≤ 1e6',
    edit: (p) => (p.chips[0].power.maxW.value = 1e9),
    path: 'chips[h100-sxm].power.maxW.value',
    message: 'must be at most 1e6, got 1000000000',
  },
  {
    rule: 'asOf is an ISO date',
    edit: (p) => (p.chips[0].price.asOf = '06/01/2025'),
    path: 'chips[h100-sxm].price.asOf',
    message: 'is not an ISO date, got "06/01/2025"',
    allowed: 'an ISO date YYYY-MM-DD',
  },
  {
    rule: 'asOf is a calendar date',
    edit: (p) => (p.chips[0].price.asOf = '2025-02-29'),
    path: 'chips[h100-sxm].price.asOf',
    message: 'is not a calendar date, got "2025-02-29"',
  },
  // precisions
  {
    rule: 'at least one precision',
    edit: (p) => (p.chips[0].compute.peakDenseFlopsPerS = {}),
    path: 'chips[h100-sxm].compute.peakDenseFlopsPerS',
    message: 'must list at least one precision, got no precisions',
    allowed: `at least one of ${PRECISIONS.join(', ')}`,
  },
  {
    rule: 'only precisions from PRECISIONS',
    edit: (p) => (p.chips[0].compute.peakDenseFlopsPerS.tf32 = { value: 494.7e12, source: 'datasheet' }),
    path: 'chips[h100-sxm].compute.peakDenseFlopsPerS.tf32',
    message: 'unknown precision "tf32"',
    allowed: 'fp32, bf16, fp16, fp8, int8, fp4, int4',
  },
  // ids and names
  {
    rule: 'the id is kebab-case (no spaces or capitals); the chip is then named by index',
    edit: (p) => (p.chips[0].id = 'H100 SXM'),
    path: 'chips[0].id',
    message: 'is not kebab-case, got "H100 SXM"',
  },
  {
    rule: 'the id has no empty words',
    edit: (p) => (p.chips[1].id = 'test--lpu'),
    path: 'chips[1].id',
    message: 'is not kebab-case, got "test--lpu"',
  },
  {
    rule: 'the id is a string',
    edit: (p) => (p.chips[1].id = 7),
    path: 'chips[1].id',
    message: 'must be a string, got 7',
  },
  {
    rule: 'an alias names one chip only',
    edit: (p) => (p.chips[1].aliases = ['H100-SXM']),
    path: 'chips[test-lpu].aliases[0]',
    message: 'also names chip "h100-sxm"',
  },
  {
    rule: 'the chip name is not empty',
    edit: (p) => (p.chips[0].name = ''),
    path: 'chips[h100-sxm].name',
    message: 'must not be empty, got ""',
  },
  {
    rule: 'meta.name is not empty',
    edit: (p) => (p.meta.name = ''),
    path: 'meta.name',
    message: 'must not be empty, got ""',
  },
  {
    rule: 'meta.version is required',
    edit: (p) => delete p.meta.version,
    path: 'meta.version',
    message: 'is missing',
    allowed: 'a non-empty string',
  },
  {
    rule: 'chips is not empty',
    edit: (p) => (p.chips = []),
    path: 'chips',
    message: 'must not be empty, got no chips',
  },
  {
    rule: 'chips is an array',
    edit: (p) => (p.chips = { 'h100-sxm': testChip }),
    path: 'chips',
    message: 'must be an array, got an object',
  },
  {
    rule: 'unknown chip keys are reported, with the likely key',
    edit: (p) => (p.chips[0].memroy = p.chips[0].memory),
    path: 'chips[h100-sxm].memroy',
    message: 'unknown key "memroy"',
    allowed: 'id, name, vendor, kind, aliases, compute, memory, scaleUp, scaleOut, power, price, efficiency, efficiencyProfiles, notes, availability',
  },
  {
    rule: 'unknown keys are reported in nested objects too',
    edit: (p) => (p.chips[0].memory.bandwidthBytesPerS.unit = 'TB/s'),
    path: 'chips[h100-sxm].memory.bandwidthBytesPerS.unit',
    message: 'unknown key "unit"',
    allowed: 'value, source',
  },
  {
    rule: 'unknown top-level keys are reported',
    edit: (p) => (p.chip = []),
    path: 'chip',
    message: 'unknown key "chip"',
    allowed: 'apiVersion, meta, chips',
  },
];

describe('validateHardware reports', () => {
  test.each(cases)('$rule', ({ edit, path, message, allowed }) => {
    const issue = onlyIssue(broken(edit));
    expect(issue.path).toBe(path);
    expect(issue.message).toBe(message);
    if (allowed !== undefined) expect(issue.allowed).toBe(allowed);
    expect(issue.fix).toMatch(/^[a-z].*\.$/);
  });

  test('a complete issue: path, message with what it got, allowed range, and a fix', () => {
    const plugin = broken((p) => (p.chips[0].memory.bandwidthBytesPerS.value = -3.35e12));
    expect(issuesOf(plugin)).toEqual([
      {
        path: 'chips[h100-sxm].memory.bandwidthBytesPerS.value',
        message: 'must be greater than 0, got -3350000000000',
        allowed: 'a number from 1 to 1e18, in bytes/s',
        fix: 'give the peak memory bandwidth of one chip in bytes/s, e.g. 3.35e12 (3.35 TB/s).',
      },
    ]);
  });

  test('an unknown precision names the allowed ones', () => {
    const issue = onlyIssue(broken((p) => (p.chips[0].compute.peakDenseFlopsPerS.bf8 = { value: 1e15, source: 'x' })));
    expect(issue).toEqual({
      path: 'chips[h100-sxm].compute.peakDenseFlopsPerS.bf8',
      message: 'unknown precision "bf8"',
      allowed: 'fp32, bf16, fp16, fp8, int8, fp4, int4',
      fix: 'remove it, or use one of the allowed names.',
    });
    expect(onlyIssue(broken((p) => (p.chips[0].compute.peakDenseFlopsPerS.FP8 = { value: 1e15, source: 'x' }))).fix).toBe(
      'rename it to "fp8" (or remove it).',
    );
  });

  test('a misspelt key suggests the right one', () => {
    expect(onlyIssue(broken((p) => (p.chips[0].memroy = {}))).fix).toBe('rename it to "memory" (or remove it).');
  });

  test('a wrongly quoted number says to drop the quotes', () => {
    expect(onlyIssue(broken((p) => (p.chips[0].memory.capacityBytes.value = ' 80e9'))).fix).toBe('write it without quotes: 80e9.');
  });

  test('a missing field says what it needs', () => {
    expect(onlyIssue(broken((p) => delete p.chips[0].memory.bandwidthBytesPerS))).toEqual({
      path: 'chips[h100-sxm].memory.bandwidthBytesPerS',
      message: 'is missing',
      allowed: '{ value: a number from 1 to 1e18, in bytes/s, source: "<where it comes from>" }',
      fix: 'add "bandwidthBytesPerS": { value: a number from 1 to 1e18, in bytes/s, source: "<where it comes from>" }.',
    });
  });

  test('duplicate ids are reported on every chip that uses them, by index', () => {
    const plugin = broken((p) => (p.chips[1].id = 'h100-sxm'));
    expect(issuesOf(plugin).map(({ path, message }) => ({ path, message }))).toEqual([
      { path: 'chips[0].id', message: 'is used by more than one chip, got "h100-sxm"' },
      { path: 'chips[1].id', message: 'is used by more than one chip, got "h100-sxm"' },
    ]);
  });

  test('every unknown key of an object, not only the first', () => {
    const plugin = broken((p) => {
      p.chips[0].memroy = {};
      p.chips[0].cost = 2;
    });
    expect(issuesOf(plugin).map((issue) => issue.path)).toEqual(['chips[h100-sxm].memroy', 'chips[h100-sxm].cost']);
  });

  test('every problem in the plugin, in field order', () => {
    const plugin = broken((p) => {
      p.meta.version = '';
      p.chips[0].memory.bandwidthBytesPerS.value = 0;
      p.chips[0].scaleUp.topology = 'mesh';
      p.chips[0].speed = 1;
      p.chips[1].power.idleW.value = 400;
      p.chips[1].efficiency.flop = { curve: [[10, 0.5], [5, 1.2]], over: 'arithmeticIntensity', source: 'fit' };
    });
    expect(issuesOf(plugin).map((issue) => issue.path)).toEqual([
      'meta.version',
      'chips[h100-sxm].memory.bandwidthBytesPerS.value',
      'chips[h100-sxm].scaleUp.topology',
      'chips[h100-sxm].speed',
      'chips[test-lpu].power.idleW.value',
      'chips[test-lpu].efficiency.flop.curve[1][1]',
    ]);
    // the curve's order is checked once its points are numbers in range
    const curveOnly = broken((p) => (p.chips[1].efficiency.flop = { curve: [[10, 0.5], [5, 1]], over: 'arithmeticIntensity', source: 'fit' }));
    expect(onlyIssue(curveOnly).path).toBe('chips[test-lpu].efficiency.flop.curve[1]');
  });
});

describe('formatIssues', () => {
  const issue: HardwareIssue = {
    path: 'chips[x1].memory.capacityBytes.value',
    message: 'must be greater than 0, got 0',
    allowed: 'a number from 1 to 1e16, in bytes',
    fix: 'give the memory capacity of one chip in bytes, e.g. 80e9 (80 GB).',
  };

  test('one issue', () => {
    expect(formatIssues([issue], 'acme-chips')).toBe(
      [
        'Invalid hardware plugin "acme-chips": 1 problem',
        '  - chips[x1].memory.capacityBytes.value: must be greater than 0, got 0 (allowed: a number from 1 to 1e16, in bytes). Fix: give the memory capacity of one chip in bytes, e.g. 80e9 (80 GB).',
      ].join('\n'),
    );
  });

  test('several issues, unnamed plugin', () => {
    const other: HardwareIssue = { path: 'meta.name', message: 'is missing', allowed: 'a non-empty string', fix: 'add "name".' };
    expect(formatIssues([issue, other])).toBe(
      [
        'Invalid hardware plugin "(unnamed)": 2 problems',
        `  - ${issue.path}: ${issue.message} (allowed: ${issue.allowed}). Fix: ${issue.fix}`,
        '  - meta.name: is missing (allowed: a non-empty string). Fix: add "name".',
      ].join('\n'),
    );
  });

  test('on one line, for a command line, the name in JSON quotes', () => {
    const other: HardwareIssue = { path: 'meta.name', message: 'is missing', allowed: 'a non-empty string', fix: 'add "name".' };
    expect(formatIssues([issue, other], 'acme\u001b"x', { oneLine: true })).toBe(
      `Invalid hardware plugin "acme\\u001b\\"x": 2 problems: ${issue.path}: ${issue.message} (allowed: ${issue.allowed}). Fix: ${issue.fix}; meta.name: is missing (allowed: a non-empty string). Fix: add "name".`,
    );
  });

  test('an apiVersion mismatch reads as one Babel-style line', () => {
    const plugin = broken((p) => {
      p.apiVersion = 3;
      p.meta.name = 'acme-chips';
    });
    expect(formatIssues(issuesOf(plugin), 'acme-chips')).toBe(
      [
        'Invalid hardware plugin "acme-chips": 1 problem',
        '  - apiVersion: Plugin "acme-chips" declares apiVersion 3, but @ridgeline/hardware implements apiVersion 2 (and reads 1) (allowed: 1, 2). Fix: upgrade @ridgeline/hardware, or build the plugin against apiVersion 2.',
      ].join('\n'),
    );
  });
});

describe('assertHardware', () => {
  test('returns a valid plugin', () => {
    expect(assertHardware(testPlugin)).toEqual(testPlugin);
  });

  test('throws HardwareValidationError with the formatted report and the issues', () => {
    const plugin = broken((p) => {
      p.chips[0].kind = 'npu';
      p.chips[1].memory.usableFraction.value = 2;
    });
    const issues = issuesOf(plugin);
    expect(issues).toHaveLength(2);
    let thrown: unknown;
    try {
      assertHardware(plugin);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(HardwareValidationError);
    const error = thrown as HardwareValidationError;
    expect(error.name).toBe('HardwareValidationError');
    expect(error.pluginName).toBe('test-chips');
    expect(error.issues).toEqual(issues);
    expect(error.message).toBe(formatIssues(issues, 'test-chips'));
    expect(error.message.split('\n')[0]).toBe('Invalid hardware plugin "test-chips": 2 problems');
  });
});

describe('defineHardware', () => {
  test('returns its argument and keeps literal types', () => {
    const plugin = defineHardware({ apiVersion: 1, meta: { name: 'acme-chips', version: '1.0.0' }, chips: [{ ...testLpu, id: 'acme-x1' }] });
    expect(plugin.chips[0].id).toBe('acme-x1');
    expectTypeOf(plugin.chips[0].id).toEqualTypeOf<'acme-x1'>();
    expectTypeOf(plugin.meta.name).toEqualTypeOf<'acme-chips'>();
    expectTypeOf(plugin).toExtend<HardwarePlugin>();
    expect(validateHardware(plugin).ok).toBe(true);
  });

  test('rejects a wrong apiVersion at compile time', () => {
    // @ts-expect-error apiVersion must be 1 or 2
    defineHardware({ apiVersion: 3, meta: { name: 'acme-chips', version: '1.0.0' }, chips: [testLpu] });
  });

  test('reads an apiVersion 1 plugin as it is: version 2 only added optional fields', () => {
    const v1 = defineHardware({ apiVersion: 1, meta: { name: 'acme-chips', version: '1.0.0' }, chips: [{ ...testLpu, id: 'acme-x1' }] });
    const result = validateHardware(v1);
    expect(result.ok).toBe(true);
    // plugin check says to migrate, naming the guide's section
    expect(checkHardware(v1, [])).toContainEqual({ path: 'apiVersion', message: expect.stringMatching(/^apiVersion 1 still loads, .*move to apiVersion 2 \(docs\/writing-a-hardware-plugin\.md, "Migrating from apiVersion 1"\)$/) });
    expect(checkHardware({ ...v1, apiVersion: 2 }, []).some((w) => w.path === 'apiVersion')).toBe(false);
  });
});

/**
 * The mistakes plugin authors make most, each with the one line `formatIssues` prints for it (the
 * line the CLI shows under `ridgeline: error: invalid hardware plugin …`), pinned word for word.
 */
describe('the common mistakes, word for word', () => {
  const line = (edit: (plugin: Json) => void): string => {
    const issues = issuesOf(broken(edit));
    expect(issues).toHaveLength(1);
    return formatIssues(issues, 'test-chips').split('\n')[1]!;
  };

  test('an apiVersion mismatch', () => {
    expect(line((p) => (p.apiVersion = 3))).toBe(
      '  - apiVersion: Plugin "test-chips" declares apiVersion 3, but @ridgeline/hardware implements apiVersion 2 (and reads 1) (allowed: 1, 2). Fix: upgrade @ridgeline/hardware, or build the plugin against apiVersion 2.',
    );
  });

  test('a missing number', () => {
    expect(line((p) => delete p.chips[0].memory.capacityBytes)).toBe(
      '  - chips[h100-sxm].memory.capacityBytes: is missing (allowed: { value: a number from 1 to 1e16, in bytes, source: "<where it comes from>" }). Fix: add "capacityBytes": { value: a number from 1 to 1e16, in bytes, source: "<where it comes from>" }.',
    );
  });

  test('a KV cache budget with another basis, and one whose share is above 1', () => {
    const budget = (basis: string, fraction: number) => (p: Json): void => {
      p.chips[0].efficiency.kvCacheBudget = { basis, fraction: { value: fraction, source: 'stack default' }, reservedBytes: { value: 1e9, source: 'measured' } };
    };
    expect(line(budget('total', 0.9))).toBe(
      '  - chips[h100-sxm].efficiency.kvCacheBudget.basis: is not a known KV cache budget basis, got "total" (allowed: free). Fix: use one of free.',
    );
    expect(line(budget('free', 1.2))).toMatch(/^ {2}- chips\[h100-sxm\]\.efficiency\.kvCacheBudget\.fraction\.value: .*got 1\.2 \(allowed: a number in \(0, 1\]\)/);
  });

  test('a missing section says what the section holds', () => {
    expect(line((p) => delete p.chips[0].efficiency)).toBe(
      '  - chips[h100-sxm].efficiency: is missing (allowed: { flop, flopByPrecision?, expertFlop?, expertFlopByPrecision?, memory, weightMemory?, network, layerOverheadS, commOverlap?, mtpAcceptance?, requestOverheadS?, kvCacheBudget?, calibration? }). Fix: add "efficiency": { flop, flopByPrecision?, expertFlop?, expertFlopByPrecision?, memory, weightMemory?, network, layerOverheadS, commOverlap?, mtpAcceptance?, requestOverheadS?, kvCacheBudget?, calibration? }.',
    );
    expect(line((p) => delete p.chips[1].scaleUp)).toBe(
      '  - chips[test-lpu].scaleUp: is missing (allowed: { bandwidthBytesPerS, domainSize, topology, hopLatencyS, collectiveLatencyS? }). Fix: add "scaleUp": { bandwidthBytesPerS, domainSize, topology, hopLatencyS, collectiveLatencyS? }.',
    );
  });

  test('a missing source', () => {
    expect(line((p) => delete p.chips[0].scaleOut.hopLatencyS.source)).toBe(
      '  - chips[h100-sxm].scaleOut.hopLatencyS.source: is missing (allowed: a non-empty string). Fix: add "source": a non-empty string.',
    );
  });

  test('memory bandwidth ≤ 0', () => {
    expect(line((p) => (p.chips[0].memory.bandwidthBytesPerS.value = 0))).toBe(
      '  - chips[h100-sxm].memory.bandwidthBytesPerS.value: must be greater than 0, got 0 (allowed: a number from 1 to 1e18, in bytes/s). Fix: give the peak memory bandwidth of one chip in bytes/s, e.g. 3.35e12 (3.35 TB/s).',
    );
  });

  test('link bandwidth ≤ 0', () => {
    expect(line((p) => (p.chips[0].scaleUp.bandwidthBytesPerS.value = -900e9))).toBe(
      '  - chips[h100-sxm].scaleUp.bandwidthBytesPerS.value: must be greater than 0, got -900000000000 (allowed: a number from 1 to 1e16, in bytes/s). Fix: give the scale-up bandwidth per chip, one direction in bytes/s, e.g. 450e9 (NVLink 4: 900 GB/s both directions, halved).',
    );
    expect(line((p) => (p.chips[0].scaleOut.bandwidthBytesPerS.value = 0))).toBe(
      '  - chips[h100-sxm].scaleOut.bandwidthBytesPerS.value: must be greater than 0, got 0 (allowed: a number from 1 to 1e16, in bytes/s). Fix: give the scale-out bandwidth per chip, one direction in bytes/s, e.g. 50e9 (one 400 Gb/s NIC).',
    );
  });

  test('an efficiency > 1, constant or on a curve', () => {
    expect(line((p) => (p.chips[0].efficiency.memory.value = 1.2))).toBe(
      '  - chips[h100-sxm].efficiency.memory.value: must be at most 1, got 1.2 (allowed: a number in [1e-4, 1]). Fix: give η_mem, the achievable fraction of peak memory bandwidth, e.g. 0.8.',
    );
    expect(line((p) => (p.chips[0].efficiency.flop.curve[2] = [300, 75]))).toBe(
      '  - chips[h100-sxm].efficiency.flop.curve[2][1]: must be at most 1, got 75 (allowed: a number in [1e-4, 1]). Fix: give η_flop, the achievable fraction of peak FLOP/s at that x, e.g. 0.6.',
    );
  });

  test('an unknown availability names the field and the allowed values', () => {
    expect(line((p) => (p.chips[0].availability = 'Announced'))).toBe(
      '  - chips[h100-sxm].availability: is not a known availability, got "Announced" (allowed: shipping, announced). Fix: use one of shipping, announced.',
    );
  });

  test("an unknown out-of-sample error method names the allowed ones; a known one is accepted", () => {
    const withError = (method: string) => (p: Json) => (p.chips[0].efficiency.calibration = { status: 'fitted', basis: 'rows', outOfSampleError: { throughput: 0.2, interactivity: 0.2, on: 'rows', method } });
    expect(line(withError('guess'))).toBe(
      '  - chips[h100-sxm].efficiency.calibration.outOfSampleError.method: is not a known out-of-sample error method, got "guess" (allowed: leave-one-curve-out, another-fit). Fix: use one of leave-one-curve-out, another-fit.',
    );
    expect(validateHardware(broken(withError('another-fit'))).ok).toBe(true);
  });

  test('an unknown topology names the allowed ones', () => {
    expect(line((p) => (p.chips[0].scaleUp.topology = 'mesh'))).toBe(
      '  - chips[h100-sxm].scaleUp.topology: is not a known topology, got "mesh" (allowed: switch, ring, torus1d, torus2d, torus3d). Fix: use one of switch, ring, torus1d, torus2d, torus3d.',
    );
  });
});

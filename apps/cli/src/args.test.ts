import type { ArgsDef } from 'citty';
import { describe, expect, it } from 'vitest';
import { checkArgs, decimal, durationSeconds, flagValues, nonNegativeInteger, normalizeEnumValues, numberInRange, positiveInteger, probabilityList } from './args.ts';
import { quantity, quantityUnits } from './units.ts';

describe('positiveInteger', () => {
  it('accepts positive integers in the one number grammar, exponents included, and passes undefined through', () => {
    expect(positiveInteger('batch', '64')).toBe(64);
    expect(positiveInteger('input', '1e3')).toBe(1000);
    expect(positiveInteger('input', '+8')).toBe(8);
    expect(positiveInteger('batch', undefined)).toBeUndefined();
  });

  it.each(['-4', '0', '1.5', 'abc', '', 'NaN', 'Infinity', '0x10', '0b11', '0o7', '1_000', '8x', '8 8', '1e400'])('rejects %j', (raw) => {
    expect(() => positiveInteger('batch', raw)).toThrow(`--batch must be a positive integer, got ${JSON.stringify(raw)}`);
  });
});

describe('numberInRange', () => {
  it('accepts numbers in range', () => {
    expect(numberInRange('overlap', '0.5', { min: 0, max: 1 })).toBe(0.5);
    expect(numberInRange('price', '2', { min: 0 })).toBe(2);
  });

  it('rejects numbers out of range and non-numbers', () => {
    expect(() => numberInRange('overlap', '2', { min: 0, max: 1 })).toThrow('--overlap must be a number from 0 to 1, got "2"');
    expect(() => numberInRange('price', 'NaN', { min: 0 })).toThrow('--price must be a number ≥ 0, got "NaN"');
    expect(() => numberInRange('price', '-1', { min: 0 })).toThrow('--price must be a number ≥ 0, got "-1"');
  });
});

describe('durationSeconds', () => {
  it.each([
    ['2s', 2],
    ['500ms', 0.5],
    ['0.05', 0.05],
    ['50 ms', 0.05],
    ['800us', 800e-6],
    ['800µs', 800e-6],
    ['1e-3', 1e-3],
    ['86400', 86_400],
  ])('reads %j as %d s', (raw, seconds) => {
    expect(durationSeconds('ttft', raw)).toBeCloseTo(seconds, 15);
  });

  it.each([
    ['1.5min', 90],
    ['2h', 7200],
    ['2S', 2],
    ['500MS', 0.5],
    ['24h', 86_400],
  ])('reads %j with its unit as %d s', (raw, seconds) => {
    expect(durationSeconds('ttft', raw)).toBeCloseTo(seconds, 12);
  });

  it.each(['0', '0ms', '-2s', '25h', 'abc', '', '0x10', 'Infinity', 'NaN', '86401', '2 s s', '2m', '2sec', '1_000ms', '2s!'])('rejects %j', (raw) => {
    expect(() => durationSeconds('ttft', raw)).toThrow(
      `--ttft must be a duration above 0 and at most 1 day: a number of seconds (0.05) or a number with a unit (s, ms, us, µs, min, h, d; e.g. 2s, 500ms, 1.5min), got ${JSON.stringify(raw)}`,
    );
  });

  it('passes undefined through', () => {
    expect(durationSeconds('tpot', undefined)).toBeUndefined();
  });
});

describe('flagValues', () => {
  it('reads every value of a repeated flag, both spellings, up to --', () => {
    expect(flagValues(['--hardware', 'h100', '--tp', '8', '--hardware=h200', '--', '--hardware', 'x'], 'hardware')).toEqual(['h100', 'h200']);
    expect(flagValues(['--hardware-x', 'a'], 'hardware')).toEqual([]);
  });
});

describe('checkArgs', () => {
  const def = {
    batch: { type: 'string' },
    'moe-imbalance': { type: 'string' },
    json: { type: 'boolean' },
    id: { type: 'positional' },
  } as const;

  it('accepts defined flags in every spelling, values starting with a dash, and --no-<boolean>', () => {
    expect(() => checkArgs(['--batch', '-4', '--moeImbalance=2', '--no-json', 'x'], def, 'ridgeline x')).not.toThrow();
    expect(() => checkArgs(['--help'], def, 'ridgeline x')).not.toThrow();
  });

  it('names an unknown flag and the nearest defined one', () => {
    expect(() => checkArgs(['--bacth', '4'], def, 'ridgeline x')).toThrow(
      'unknown flag "--bacth" for "ridgeline x". Did you mean "--batch"? Run "ridgeline x --help" for usage.',
    );
    expect(() => checkArgs(['--zzzzzzzz'], def, 'ridgeline x')).toThrow(
      'unknown flag "--zzzzzzzz" for "ridgeline x". Run "ridgeline x --help" for usage.',
    );
  });

  it('rejects more positional arguments than the command takes', () => {
    expect(() => checkArgs(['a', 'b'], def, 'ridgeline x')).toThrow(
      'unexpected argument "b" for "ridgeline x". Run "ridgeline x --help" for usage.',
    );
  });
});

describe('decimal and flagValues', () => {
  it('read plain and exponent notation only', () => {
    expect(['2', '-0.05', '+1e-3', '.5', '7.', '15E12'].map(decimal)).toEqual([2, -0.05, 0.001, 0.5, 7, 15e12]);
    expect(['0x10', '', ' ', 'NaN', 'Infinity', '1e999', '1_000', '2s', '1e', '.', '--1', '1.2.3'].map(decimal)).toEqual(new Array(12).fill(undefined));
  });

  it('collect every value of a repeated flag, both spellings, up to --', () => {
    expect(flagValues(['--where', 'ttft<=2', '--tp', '8', '--where=tpot<=0.05', '--', '--where', 'x'], 'where')).toEqual(['ttft<=2', 'tpot<=0.05']);
    expect(flagValues(['--wherever', 'a', '--where'], 'where')).toEqual([]);
  });
});

describe('checkArgs: single dashes and repeats', () => {
  const def = {
    weights: { type: 'enum', options: ['bf16', 'fp8'] },
    tp: { type: 'string' },
    json: { type: 'boolean' },
    plugin: { type: 'string', repeatable: true },
  } as unknown as ArgsDef;

  it('rejects a long flag with one dash instead of dropping it', () => {
    expect(() => checkArgs(['-weights', 'fp8'], def, 'ridgeline estimate')).toThrow(
      'unknown flag "-weights" for "ridgeline estimate". Long flags take two dashes: "--weights". Run "ridgeline estimate --help" for usage.',
    );
    expect(() => checkArgs(['-wieghts', 'fp8'], def, 'ridgeline estimate')).toThrow(/^unknown flag "-wieghts" for "ridgeline estimate"\. Did you mean "--weights"\?/);
  });

  it('rejects a flag given twice, in either spelling, but not a repeatable one', () => {
    expect(() => checkArgs(['--tp', '8', '--tp=4'], def, 'ridgeline estimate')).toThrow('--tp is given twice; give it once. Run "ridgeline estimate --help" for usage.');
    expect(() => checkArgs(['--json', '--no-json'], def, 'ridgeline estimate')).toThrow('--json is given twice; give it once.');
    expect(() => checkArgs(['--plugin', 'a', '--plugin', 'b'], def, 'ridgeline estimate')).not.toThrow();
  });

  it('still takes negative numbers as values', () => {
    expect(() => checkArgs(['--tp', '-4'], def, 'ridgeline estimate')).not.toThrow();
  });
});

describe('normalizeEnumValues', () => {
  const def = { weights: { type: 'enum', options: ['bf16', 'fp8'] }, tp: { type: 'string' } } as unknown as ArgsDef;
  it('spells enum values as their options do, whatever their case, in both flag forms', () => {
    expect(normalizeEnumValues(['--weights', 'FP8', '--tp', 'X'], def)).toEqual(['--weights', 'fp8', '--tp', 'X']);
    expect(normalizeEnumValues(['--weights=Bf16'], def)).toEqual(['--weights=bf16']);
    expect(normalizeEnumValues(['--weights', 'fp9'], def)).toEqual(['--weights', 'fp9']);
  });
});

describe('one number grammar for every numeric reader', () => {
  // The same malformed numbers, rejected by every reader, each naming its flag.
  const junk = ['0x10', '1_000', '8x', '', ' ', 'NaN', '1e999'];
  it.each(junk)('rejects %j everywhere', (raw) => {
    expect(() => positiveInteger('batch', raw)).toThrow(/^--batch must be /);
    expect(() => nonNegativeInteger('redundant-experts', raw)).toThrow(/^--redundant-experts must be /);
    expect(() => numberInRange('overlap', raw, { min: 0, max: 1 })).toThrow(/^--overlap must be /);
    expect(() => probabilityList('acceptance', raw)).toThrow(/^--acceptance must be /);
    expect(() => durationSeconds('tpot', raw)).toThrow(/^--tpot must be /);
  });
});

describe('quantity', () => {
  it.each([
    ['700W', 'power', 700],
    ['20MW', 'power', 20e6],
    ['1.5 kW', 'power', 1500],
    ['700', 'power', 700],
    ['2MWh', 'energy', 7.2e9],
    ['500mJ', 'energy', 0.5],
    ['80GB', 'bytes', 80e9],
    ['1GiB', 'bytes', 2 ** 30],
    ['50ms', 'duration', 0.05],
  ] as const)('reads %j as a %s of %d in its base unit', (raw, kind, value) => {
    expect(quantity(raw, kind)).toBeCloseTo(value, 9);
  });

  it.each([
    ['700w', 'power'],
    ['20mW', 'power'],
    ['2s', 'power'],
    ['80gb', 'bytes'],
    ['0x10W', 'power'],
    ['1_000W', 'power'],
    ['700W W', 'power'],
    ['W', 'power'],
  ] as const)('rejects %j as a %s (units are case-sensitive except durations)', (raw, kind) => {
    expect(quantity(raw, kind)).toBeUndefined();
  });

  it('lists the units of each quantity, base unit first', () => {
    expect(quantityUnits('power')).toEqual(['W', 'kW', 'MW', 'GW']);
    expect(quantityUnits('duration')[0]).toBe('s');
  });
});

describe('checkArgs: empty and missing values', () => {
  const def = {
    plugin: { type: 'string', repeatable: true, valueHint: 'package|path' },
    out: { type: 'string', valueHint: 'file' },
    weights: { type: 'enum', options: ['bf16', 'fp8'] },
    json: { type: 'boolean' },
    spec: { type: 'positional', valueHint: 'spec.yaml' },
  } as unknown as ArgsDef;
  const check = (argv: string[]) => () => checkArgs(argv, def, 'ridgeline sweep');

  it('names the flag and what it takes for an empty value, in both spellings', () => {
    expect(check(['--plugin', ''])).toThrow('--plugin needs a value (package|path), got ""');
    expect(check(['--out='])).toThrow('--out needs a value (file), got ""');
    expect(check(['--out', '  '])).toThrow('--out needs a value (file), got "  "');
    expect(check(['--weights', ''])).toThrow('--weights needs one of bf16, fp8, got ""');
  });

  it('names the flag when its value is missing, or is another flag', () => {
    expect(check(['s.yaml', '--out'])).toThrow('--out needs a value (file). Run "ridgeline sweep --help" for usage.');
    expect(check(['--out', '--json'])).toThrow('--out needs a value (file), not the flag "--json". Run "ridgeline sweep --help" for usage.');
  });

  it('names an empty positional argument', () => {
    expect(check([''])).toThrow('<spec> needs a value (spec.yaml), got ""');
  });

  it('still takes values that start with one dash', () => {
    expect(check(['--out', '-x.csv'])).not.toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { checkArgs, decimal, durationSeconds, flagValues, numberInRange, positiveInteger } from './args.ts';

describe('positiveInteger', () => {
  it('accepts positive integers and passes undefined through', () => {
    expect(positiveInteger('batch', '64')).toBe(64);
    expect(positiveInteger('batch', undefined)).toBeUndefined();
  });

  it.each(['-4', '0', '1.5', 'abc', '', 'NaN', '1e3', 'Infinity'])('rejects %j', (raw) => {
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

  it.each(['0', '0ms', '-2s', '2h', 'abc', '', '0x10', 'Infinity', 'NaN', '86401', '2 s s'])('rejects %j', (raw) => {
    expect(() => durationSeconds('ttft', raw)).toThrow(
      `--ttft must be a duration above 0 and at most 1 day, such as 2s, 500ms or 0.05 (seconds), got ${JSON.stringify(raw)}`,
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
    expect(['2', '-0.05', '+1e-3', '.5', '7.'].map(decimal)).toEqual([2, -0.05, 0.001, 0.5, 7]);
    expect(['0x10', '', ' ', 'NaN', 'Infinity', '1e999', '1_000', '2s'].map(decimal)).toEqual(new Array(8).fill(undefined));
  });

  it('collect every value of a repeated flag, both spellings, up to --', () => {
    expect(flagValues(['--where', 'ttft<=2', '--tp', '8', '--where=tpot<=0.05', '--', '--where', 'x'], 'where')).toEqual(['ttft<=2', 'tpot<=0.05']);
    expect(flagValues(['--wherever', 'a', '--where'], 'where')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { oneLine, terminalSafe } from './terminal.ts';

describe('terminalSafe', () => {
  it('escapes control characters as JSON does, keeping newlines and tabs', () => {
    expect(terminalSafe('a\u001b[2Jb\r\u0007\u007f\u009b\u202e\u2028\n\tc')).toBe('a\\u001b[2Jb\\r\\u0007\\u007f\\u009b\\u202e\\u2028\n\tc');
  });

  it('leaves ordinary text, box drawing and non-Latin scripts alone', () => {
    const text = 'Llama 3.1 70B on 8 × H100 · η_flop 0.7 → █ 日本語 ≤ ≥\n';
    expect(terminalSafe(text)).toBe(text);
  });

  it('keeps JSON the same JSON', () => {
    const json = JSON.stringify({ name: 'acme\u009b\u202e x' });
    expect(JSON.parse(terminalSafe(json))).toEqual({ name: 'acme\u009b\u202e x' });
  });
});

describe('oneLine', () => {
  it('puts a list of problems on the first line, bullets dropped', () => {
    expect(oneLine('spec.yaml: 2 problems\n  - tp[1]: must be ≥ 1\n  - batch: is required')).toBe('spec.yaml: 2 problems: tp[1]: must be ≥ 1; batch: is required');
    expect(oneLine('has 2 problems:\n  a\n  b')).toBe('has 2 problems: a; b');
  });

  it('leaves a one-line message as it is, and escapes tabs and control characters', () => {
    expect(oneLine('unknown hardware "h10"')).toBe('unknown hardware "h10"');
    expect(oneLine('a\tb\u001bc\r')).toBe('a\\tb\\u001bc\\r');
  });
});

import { describe, expect, it } from 'vitest';
import { checkTranscript, lineMatches, matchLines, outputLines, parseTranscripts, updatedLines, withUpdatedTranscripts } from './transcripts.ts';

const md = (...lines: string[]): string => `${lines.join('\n')}\n`;

describe('parseTranscripts', () => {
  it('reads the commands of plain fenced blocks with the output under each', () => {
    const doc = md(
      '# Title',
      '',
      '```',
      '$ ridgeline models list',
      'id  name',
      '',
      '…',
      '$ pnpm -s ridgeline hardware show ./chips.json#acme-x1',
      'Acme X1 (acme-x1)',
      '```',
    );
    expect(parseTranscripts(doc, 'README.md')).toEqual([
      {
        file: 'README.md',
        line: 4,
        command: 'ridgeline models list',
        argv: ['models', 'list'],
        expected: [
          { line: 5, text: 'id  name' },
          { line: 6, text: '' },
          { line: 7, text: '…' },
        ],
        skip: undefined,
      },
      {
        file: 'README.md',
        line: 8,
        command: 'pnpm -s ridgeline hardware show ./chips.json#acme-x1',
        argv: ['hardware', 'show', './chips.json#acme-x1'],
        expected: [{ line: 9, text: 'Acme X1 (acme-x1)' }],
        skip: undefined,
      },
    ]);
  });

  it('leaves out blocks with a language, blocks without commands, and $ lines outside fences', () => {
    const doc = md(
      '$ ridgeline models list',
      '```sh',
      '$ ridgeline models list',
      '```',
      '```',
      'ridgeline: error: unknown model "x"',
      '```',
      '  ```json',
      '  { "plugins": [] }',
      '  ```',
    );
    expect(parseTranscripts(doc, 'README.md')).toEqual([]);
  });

  it('takes the reason of a not-checked marker on the line before the fence', () => {
    const doc = md('<!-- transcript: not checked (writes files) -->', '```', '$ ridgeline plugin init acme', 'Created acme', '```');
    expect(parseTranscripts(doc, 'README.md').map((t) => t.skip)).toEqual(['writes files']);
  });

  it('rejects markers that would silently check nothing', () => {
    expect(() => parseTranscripts(md('<!-- transcript: skip -->', '```', '$ ridgeline models', '```'), 'R.md')).toThrow(
      'R.md:1: malformed transcript marker',
    );
    expect(() => parseTranscripts(md('<!-- transcript: not checked (x) -->', '', '```', '$ ridgeline models', '```'), 'R.md')).toThrow(
      'R.md:1: a transcript marker must be on the line directly before a plain fenced block',
    );
    expect(() => parseTranscripts(md('<!-- transcript: not checked (x) -->', '```', 'no command', '```'), 'R.md')).toThrow(
      'R.md:1: the transcript marker\'s block has no "$ " command',
    );
  });

  it('rejects what it cannot run faithfully', () => {
    expect(() => parseTranscripts(md('```', 'output first', '$ ridgeline models', '```'), 'R.md')).toThrow(
      'R.md:2: output before the first "$ " command of the block',
    );
    expect(() => parseTranscripts(md('```', '$ npx ridgeline models', '```'), 'R.md')).toThrow(
      'R.md:2: a transcript command must start with "ridgeline " or "pnpm -s ridgeline "',
    );
    for (const command of ['ridgeline models show "llama 3"', 'ridgeline models  list', 'ridgeline models list > out.txt']) {
      expect(() => parseTranscripts(md('```', `$ ${command}`, '```'), 'R.md')).toThrow('needs a shell to split it');
    }
    expect(() => parseTranscripts(md('```', '$ ridgeline models'), 'R.md')).toThrow('R.md:1: fenced block is never closed');
  });
});

describe('lineMatches', () => {
  it('compares whole lines, ignoring trailing whitespace', () => {
    expect(lineMatches('0.750 … 1.00', '0.750 … 1.00   ')).toBe(true);
    expect(lineMatches('per chip  246 tok/s', 'per chip  247 tok/s')).toBe(false);
    expect(lineMatches('  total', 'total')).toBe(false);
  });

  it('takes … inside a line for any text between the start and end around it', () => {
    const doc = '  "explanation": "Decode is memory-bandwidth-bound: …",';
    expect(lineMatches(doc, '  "explanation": "Decode is memory-bandwidth-bound: each step streams 17.81 GB.",')).toBe(true);
    expect(lineMatches(doc, '  "explanation": "Decode is memory-bandwidth-bound: ",')).toBe(true);
    expect(lineMatches(doc, '  "explanation": "Decode is compute-bound: each step.",')).toBe(false);
    expect(lineMatches(doc, '  "explanation": "Decode is memory-bandwidth-bound: each step"')).toBe(false);
    expect(lineMatches('ab…ba', 'aba')).toBe(false);
    expect(lineMatches('a … b … c', 'a x b y c')).toBe(true);
    expect(lineMatches('a … b … c', 'a x c')).toBe(false);
  });
});

describe('matchLines', () => {
  it('takes a … line for zero or more lines', () => {
    expect(matchLines(['a', '…', 'd'], ['a', 'b', 'c', 'd'])).toBeUndefined();
    expect(matchLines(['a', '…', 'd'], ['a', 'd'])).toBeUndefined();
    expect(matchLines(['  …', 'z'], ['x', 'y', 'z'])).toBeUndefined();
    expect(matchLines(['a', '…'], ['a'])).toBeUndefined();
    expect(matchLines(['a', '…', 'a'], ['a', 'a', 'a'])).toBeUndefined();
  });

  it('needs every other line, in order, and no more output', () => {
    expect(matchLines(['a', 'x'], ['a', 'b'])).toEqual({ expected: 1, actual: 1 });
    expect(matchLines(['a'], ['a', 'b'])).toEqual({ expected: 1, actual: 1 });
    expect(matchLines(['a', 'b'], ['a'])).toEqual({ expected: 1, actual: 1 });
    expect(matchLines(['a', '…', 'c', 'b'], ['a', 'b', 'c'])).toEqual({ expected: 3, actual: 3 });
    expect(matchLines(['a', '…', 'x'], ['a', 'b', 'c'])).toEqual({ expected: 2, actual: 1 });
  });
});

describe('checkTranscript', () => {
  const [t] = parseTranscripts(md('', '```', '$ ridgeline models list', 'id  name', '…', 'total 3', '```'), 'apps/cli/README.md');

  it('accepts output that matches, stdout and stderr alike', () => {
    expect(t).toBeDefined();
    if (t === undefined) return;
    expect(checkTranscript(t, 'id  name\na\nb\ntotal 3\n')).toBeUndefined();
  });

  it('names the README and line and shows expected against actual', () => {
    if (t === undefined) return;
    expect(checkTranscript(t, 'id  name\ntotal 4\n')).toBe(
      [
        'apps/cli/README.md:3: the output of "ridgeline models list" does not match the transcript',
        '  at apps/cli/README.md:6',
        '    expected: "total 3"',
        '    actual:   "total 4" (output line 2)',
        '--- expected (apps/cli/README.md:4-6; "…" stands for omitted lines)',
        'id  name',
        '…',
        'total 3',
        '--- actual',
        'id  name',
        'total 4',
        '---',
        'Update the transcript to the actual output (keeping its … elisions), or fix the CLI.',
      ].join('\n'),
    );
    expect(checkTranscript(t, 'ids\n')).toContain('  at apps/cli/README.md:4\n    expected: "id  name"\n    actual:   "ids" (output line 1)');
    expect(checkTranscript(t, 'id  name\n')).toContain('    expected: "total 3"\n    actual:   (end of the output)');
  });
});

describe('outputLines', () => {
  it('splits on newlines without a phantom line after the last one', () => {
    expect(outputLines('a\n\nb\n')).toEqual(['a', '', 'b']);
    expect(outputLines('a')).toEqual(['a']);
    expect(outputLines('')).toEqual([]);
  });
});

describe('updatedLines: rewrites a transcript to new output, keeping its elisions', () => {
  it('keeps gaps and matching elided lines, replaces changed lines in place, adds and drops lines', () => {
    expect(updatedLines(['a', '…', 'x: 1'], ['a', 'b', 'c', 'x: 2'])).toEqual(['a', '…', 'x: 2']);
    expect(updatedLines(['head', 'Decode is …', 'tail 1'], ['head', 'Decode is slow.', 'tail 2'])).toEqual(['head', 'Decode is …', 'tail 2']);
    // one line more and one fewer: the least edits keep the unchanged lines in place
    expect(updatedLines(['a', 'b', 'c'], ['a', 'new', 'b', 'c'])).toEqual(['a', 'new', 'b', 'c']);
    expect(updatedLines(['a', 'b', 'c'], ['a', 'c'])).toEqual(['a', 'c']);
    // the rewritten lines match the output again
    const rewritten = updatedLines(['x', '…', 'y 1', 'z …'], ['x', 'q', 'y 2', 'z end']);
    expect(matchLines(rewritten, ['x', 'q', 'y 2', 'z end'])).toBeUndefined();
  });

  it('splices rewritten lines into the Markdown, bottom first, so both transcripts land where they were', () => {
    const doc = '```\n$ ridgeline a\nold a\n$ ridgeline b\nold b 1\nold b 2\n```\n';
    const [a, b] = parseTranscripts(doc, 'R.md');
    const out = withUpdatedTranscripts(doc, [{ transcript: a!, lines: ['new a 1', 'new a 2'] }, { transcript: b!, lines: ['new b'] }]);
    expect(out).toBe('```\n$ ridgeline a\nnew a 1\nnew a 2\n$ ridgeline b\nnew b\n```\n');
  });
});

// The code examples in the package READMEs are real, like the CLI transcripts: every ```ts and ```js
// block of packages/*/README.md type-checks against the workspace's packages (one TypeScript program
// for them all), and runs, printing what its comments and "It prints:" blocks show (see
// readme-examples.ts for the rules). A block marked <!-- not runnable: why --> is type-checked but
// not run. (apps/install-test runs the same blocks from the packed packages, without their outputs.)
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentProblem, instrumented, parseExamples, printedProblem, type Example } from './readme-examples.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const HERE = fileURLToPath(new URL('./', import.meta.url));

const packages = (await readdir(join(ROOT, 'packages'))).filter((p) => existsSync(join(ROOT, 'packages', p, 'README.md'))).sort();
const examples: Example[] = [];
for (const p of packages) {
  const file = `packages/${p}/README.md`;
  examples.push(...parseExamples(await readFile(join(ROOT, file), 'utf8'), file));
}

/** Where an example sits for the type checker: beside this file, so it resolves packages as the CLI's code does. */
function virtualPath(e: Example): string {
  const name = e.file.replace(/^packages\//, '').replace(/\/README\.md$/, '');
  return join(HERE, `readme-example-${name}-${e.line}.${e.lang === 'ts' ? 'ts' : 'mjs'}`);
}

function compilerOptions(): ts.CompilerOptions {
  const config = ts.readConfigFile(join(HERE, '../tsconfig.json'), (f) => ts.sys.readFile(f));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, join(HERE, '..'));
  // an example is a reader's program, not a library: no declarations to emit; JavaScript is checked too
  // and may import a name only to show it (noUnused… off)
  return { ...parsed.options, noEmit: true, declaration: false, isolatedDeclarations: false, noUnusedLocals: false, noUnusedParameters: false, allowJs: true, checkJs: true };
}

describe('package README examples', () => {
  const options = compilerOptions();
  const sources = new Map(examples.map((e) => [virtualPath(e), e.code]));
  let program: ts.Program;

  beforeAll(() => {
    const host = ts.createCompilerHost(options);
    const fileExists = host.fileExists.bind(host);
    const readFileText = host.readFile.bind(host);
    const getSourceFile = host.getSourceFile.bind(host);
    host.fileExists = (f) => sources.has(f) || fileExists(f);
    host.readFile = (f) => sources.get(f) ?? readFileText(f);
    host.getSourceFile = (f, language, onError, create) => {
      const text = sources.get(f);
      return text === undefined ? getSourceFile(f, language, onError, create) : ts.createSourceFile(f, text, language, true);
    };
    program = ts.createProgram([...sources.keys()], options, host);
    const shown = examples.map((e) => `\n  ${e.file}:${e.line} ${e.lang}${e.notRunnable === undefined ? `, ${e.comments.size} output comments${e.printed === undefined ? '' : ', a printed block'}` : ` (not runnable: ${e.notRunnable})`}`);
    console.log(`package README examples: ${examples.length}${shown.join('')}`);
  });

  it('finds examples in the package READMEs', () => {
    expect(examples.length).toBeGreaterThan(10);
  });

  for (const e of examples) {
    it(`${e.file}:${e.line} type-checks`, () => {
      const file = program.getSourceFile(virtualPath(e));
      expect(file).toBeDefined();
      const diagnostics = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
      const text = diagnostics.map((d) => {
        const at = d.file !== undefined && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
        return `${e.file}:${e.line + at}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
      expect(text).toEqual([]);
    });
  }

  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ridgeline-readme-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs an example, its package imports pointed at the workspace sources; what each console call printed, by line, and all of it. */
  async function run(e: Example): Promise<{ readonly byLine: Map<number, string[]>; readonly output: string }> {
    const from = virtualPath(e);
    const code = instrumented(e.code).replace(/from '([^'.][^']*)'/g, (whole, specifier: string) => {
      const resolved = ts.resolveModuleName(specifier, from, options, ts.sys).resolvedModule;
      return resolved === undefined ? whole : `from '${pathToFileURL(resolved.resolvedFileName).href}'`;
    });
    const file = join(dir, `example-${e.line}-${Math.random().toString(36).slice(2)}.${e.lang === 'ts' ? 'ts' : 'mjs'}`);
    await writeFile(file, code);
    const byLine = new Map<number, string[]>();
    let output = '';
    (globalThis as Record<string, unknown>)['__readme'] = (line: number, _kind: string, ...args: unknown[]): void => {
      const text = format(...args);
      byLine.set(line, [...(byLine.get(line) ?? []), text]);
      output += `${text}\n`;
    };
    // an example may write files (the engine's writes all.parquet): it runs in the temporary directory
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      await import(pathToFileURL(file).href);
    } finally {
      process.chdir(cwd);
      delete (globalThis as Record<string, unknown>)['__readme'];
    }
    return { byLine, output };
  }

  for (const e of examples.filter((x) => x.notRunnable === undefined)) {
    it(`${e.file}:${e.line} runs and prints what it shows`, async () => {
      const { byLine, output } = await run(e);
      const problems: string[] = [];
      for (const [line, comment] of e.comments) {
        const problem = commentProblem(comment, byLine.get(line) ?? []);
        if (problem !== undefined) problems.push(`${e.file}:${e.line + line}: ${problem}`);
      }
      if (e.printed !== undefined) {
        const problem = printedProblem(e.printed, output);
        if (problem !== undefined) problems.push(`${e.file}:${e.line}: ${problem}`);
      }
      expect(problems).toEqual([]);
    });
  }
});

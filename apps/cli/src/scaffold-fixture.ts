// Helpers for this package's tests (not built): stand in for `npm install` and `npm run build` in a
// package that `ridgeline plugin init` generated, without a registry.
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ts from 'typescript';

/** Links `node_modules/@ridgeline/hardware` of `dir` to this workspace's package, as `npm install` would install it. */
export async function installHardware(dir: string): Promise<void> {
  const hardware = dirname(createRequire(import.meta.url).resolve('@ridgeline/hardware/package.json'));
  await mkdir(join(dir, 'node_modules', '@ridgeline'), { recursive: true });
  await symlink(hardware, join(dir, 'node_modules', '@ridgeline', 'hardware'), 'dir');
}

/**
 * Type-checks the generated `src/index.ts` with the generated `tsconfig.json` (as `npm run
 * typecheck` does), resolving `@ridgeline/hardware` to its sources; returns the diagnostics, formatted.
 */
export function typecheck(dir: string): string[] {
  const configPath = join(dir, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dir);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    // The workspace's @ridgeline/hardware exports its TypeScript sources under this condition.
    customConditions: ['@ridgeline/source'],
    allowImportingTsExtensions: true,
    noEmit: true,
  };
  const program = ts.createProgram([join(dir, 'src', 'index.ts')], options);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

/** Compiles the generated `src/index.ts` to `dist/index.js`, as `npm run build` does. */
export async function build(dir: string): Promise<void> {
  const source = await readFile(join(dir, 'src', 'index.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
  });
  await mkdir(join(dir, 'dist'), { recursive: true });
  await writeFile(join(dir, 'dist', 'index.js'), outputText);
}

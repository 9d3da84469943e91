#!/usr/bin/env node
// Usage: node dts-js-extensions.mjs <dir>
//
// `rewriteRelativeImportExtensions` rewrites `./x.ts` to `./x.js` in emitted JavaScript but not in
// emitted declarations (microsoft/TypeScript#61037), so `dist/*.d.ts` would name `.ts` files that
// are not published. TypeScript ≥ 5.0 resolves them to the `.d.ts` beside them, but older compilers,
// IDEs and declaration tools do not: rewrite relative specifiers in every `.d.ts` under <dir> the way
// the JavaScript was rewritten (.ts → .js, .mts → .mjs, .cts → .cjs).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
if (dir === undefined) {
  console.error('usage: node dts-js-extensions.mjs <dir>');
  process.exit(2);
}

// `from './x.ts'`, `import './x.ts'`, `import('./x.ts')`, `require('./x.ts')` (and `..`), never `./x.d.ts`.
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)(['"])(\.\.?\/[^'"\n]*?)(?<!\.d)\.([mc]?)tsx?\2/g;

let rewritten = 0;
for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !/\.d\.[mc]?ts$/.test(entry.name)) continue;
  const file = join(entry.parentPath, entry.name);
  const before = readFileSync(file, 'utf8');
  const after = before.replace(SPECIFIER, (_, lead, quote, path, m) => `${lead}${quote}${path}.${m}js${quote}`);
  if (after !== before) {
    writeFileSync(file, after);
    rewritten += 1;
  }
}
if (process.env.DEBUG?.includes('dts-js-extensions')) console.error(`dts-js-extensions: ${rewritten} file(s) in ${dir}`);

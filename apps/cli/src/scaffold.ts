import { HARDWARE_API_VERSION, type ChipSpec, type HardwarePlugin } from '@ridgeline/hardware';

/**
 * The files of a new hardware-plugin package (`ridgeline plugin init`). Pure: the command writes
 * them. The chip is generated from one object (`placeholderPlugin`), so what the command validates
 * is exactly what `src/index.ts` holds.
 */

/** What `scaffoldFiles` needs. */
export interface ScaffoldOptions {
  /** npm package name, e.g. `@acme/ridgeline-hardware`. */
  readonly name: string;
  /** Kebab-case id of the first chip, e.g. `acme-x1`. */
  readonly chipId: string;
  /** `price.asOf` of the placeholder, ISO `YYYY-MM-DD`. */
  readonly today: string;
  /** Version of `@ridgeline/hardware` to depend on (peer and dev), e.g. `0.1.0`. */
  readonly hardwareVersion: string;
  /** Version of the `ridgeline` CLI to depend on (dev), e.g. `0.1.0`. */
  readonly cliVersion: string;
}

/** One generated file, `path` relative to the package directory. */
export interface ScaffoldFile {
  readonly path: string;
  readonly content: string;
}

const NPM_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

/**
 * Whether `name` can be published to npm (lowercase, URL-safe, optionally scoped, ≤ 214 chars).
 *
 * @example
 * isPackageName('@acme/ridgeline-hardware'); // true
 * isPackageName('Acme Chips'); // false
 */
export function isPackageName(name: string): boolean {
  return name.length <= 214 && NPM_NAME.test(name);
}

/**
 * Chip ids, as `@ridgeline/hardware` checks them.
 *
 * @example
 * CHIP_ID.test('acme-x1'); // true
 */
export const CHIP_ID: RegExp = /^[a-z0-9]+(-[a-z0-9.]+)*$/;

/**
 * The vendor word of a package name: its scope, or its name without `ridgeline`/`hardware`.
 *
 * @example
 * vendorSlug('@acme/ridgeline-hardware'); // 'acme'
 * vendorSlug('ridgeline-hardware-acme'); // 'acme'
 */
export function vendorSlug(name: string): string {
  const [scope, bare] = name.startsWith('@') ? (name.slice(1).split('/') as [string, string]) : [undefined, name];
  const words = bare
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '' && w !== 'ridgeline' && w !== 'hardware' && w !== 'plugin');
  const slug = words.length > 0 ? words.join('-') : (scope ?? '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return slug === '' ? 'my' : slug;
}

/**
 * The default `--chip-id`: `<vendor>-x1`.
 *
 * @example
 * defaultChipId('@acme/ridgeline-hardware'); // 'acme-x1'
 */
export function defaultChipId(name: string): string {
  return `${vendorSlug(name)}-x1`;
}

function title(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

const todo = (what: string): string => `TODO placeholder: ${what}`;

/**
 * The generated plugin: one chip whose every number is a plausible placeholder (so that it
 * validates as generated) with a `source` starting with `TODO`, shaped like the documented example
 * chip of the `@ridgeline/hardware` README.
 *
 * @example
 * placeholderPlugin({ name: '@acme/ridgeline-hardware', chipId: 'acme-x1', today: '2026-01-01', hardwareVersion: '0.1.0', cliVersion: '0.1.0' }).chips[0].id; // 'acme-x1'
 */
export function placeholderPlugin(options: ScaffoldOptions): HardwarePlugin {
  const slug = vendorSlug(options.name);
  const vendor = slug.split('-').map(title).join(' ');
  const model = (options.chipId.startsWith(`${slug}-`) ? options.chipId.slice(slug.length + 1) : options.chipId).toUpperCase();
  const datasheet = (what: string): string => todo(`${what}: cite the datasheet (document, revision, table)`);
  const fit = (what: string): string => todo(`${what}: fit it with \`ridgeline calibrate\` on your measurements`);
  const chip: ChipSpec = {
    id: options.chipId,
    name: `${vendor} ${model} (TODO: product name)`,
    vendor,
    kind: 'gpu',
    compute: {
      peakDenseFlopsPerS: {
        bf16: { value: 800e12, source: datasheet('dense BF16 FLOP/s') },
        fp8: { value: 1600e12, source: datasheet('dense FP8 FLOP/s') },
      },
    },
    memory: {
      kind: 'hbm',
      capacityBytes: { value: 96e9, source: datasheet('memory capacity in bytes') },
      bandwidthBytesPerS: { value: 4e12, source: datasheet('peak memory bandwidth') },
      usableFraction: { value: 0.9, source: todo('share of memory left after the runtime reserve: measure the largest allocation') },
    },
    scaleUp: {
      bandwidthBytesPerS: { value: 400e9, source: datasheet('scale-up bandwidth per chip, one direction') },
      domainSize: { value: 8, source: datasheet('chips in one scale-up domain') },
      topology: 'switch',
      hopLatencyS: { value: 1e-6, source: todo('per-hop latency: interconnect whitepaper or a ping-pong test') },
    },
    scaleOut: {
      bandwidthBytesPerS: { value: 50e9, source: todo('scale-out bandwidth per chip, one direction (one 400 Gb/s NIC = 50e9)') },
      hopLatencyS: { value: 5e-6, source: todo('scale-out latency: measure it between two nodes') },
    },
    power: {
      idleW: { value: 90, source: todo('idle power: measure it') },
      maxW: { value: 750, source: datasheet('maximum power (TDP)') },
    },
    price: {
      usdPerChipHour: { value: 3, source: todo('on-demand price of one chip-hour: cite the price list') },
      asOf: options.today,
    },
    efficiency: {
      flop: { value: 0.6, source: fit('η_flop') },
      memory: { value: 0.8, source: fit('η_mem') },
      network: { value: 0.7, source: fit('η_net') },
      layerOverheadS: { value: 10e-6, source: fit('t_layer') },
      commOverlap: { value: 0, source: fit('prefill communication overlap') },
      calibration: { status: 'datasheet', basis: 'placeholders, not fitted: replace this block with the one ridgeline calibrate prints' },
    },
  };
  return { apiVersion: HARDWARE_API_VERSION, meta: { name: options.name, version: '0.1.0' }, chips: [chip] };
}

/**
 * A number as a person writes it in a datasheet-backed plugin: `800e12`, `96e9`, `10e-6`, `0.9`, `750`.
 *
 * @example
 * numberLiteral(800e12); // '800e12'
 * numberLiteral(1e-5); // '10e-6'
 */
export function numberLiteral(n: number): string {
  if (n === 0 || (Math.abs(n) >= 1e-2 && Math.abs(n) < 1e4)) return String(n);
  const exponent = Math.floor(Math.log10(Math.abs(n)) / 3) * 3;
  const mantissa = Number((n / 10 ** exponent).toPrecision(12));
  return `${mantissa}e${exponent}`;
}

function stringLiteral(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function key(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : stringLiteral(name);
}

/** Comments written above a key, by dotted path. */
const COMMENTS: Readonly<Record<string, readonly string[]>> = {
  'compute.peakDenseFlopsPerS': [
    'Dense rates, per operand precision (fp32, bf16, fp16, fp8, int8, fp4, int4). Datasheets often',
    'print 2:4-sparse figures: those are twice the dense rate, so halve them. Leave out what the chip lacks.',
  ],
  'memory.capacityBytes': ['Bytes, not GiB: 96 GiB is 96 * 2 ** 30 ≈ 103.1e9 bytes; 96 GB is 96e9.'],
  'memory.kind': ['hbm, sram (SRAM-only chips: capacity and bandwidth are the SRAM\'s), gddr or lpddr.'],
  'scaleUp.bandwidthBytesPerS': [
    'Per chip and per direction, summed over its links: halve a bidirectional figure',
    '(NVLink 4 is quoted as 900 GB/s both ways, so 450e9).',
  ],
  'scaleUp.topology': ['switch, ring, torus1d, torus2d or torus3d.'],
  efficiency: [
    'Fractions of peak in (0, 1] and a per-layer overhead in seconds: placeholders until you fit them',
    'from your own measurements with `ridgeline calibrate` (it prints this block, ready to paste, with',
    'calibration.status "fitted" and its error on rows left out). Users see the status in every report.',
  ],
};

function render(value: unknown, indent: string, path: string): string {
  if (typeof value === 'number') return numberLiteral(value);
  if (typeof value === 'string') return stringLiteral(value);
  if (Array.isArray(value)) return `[${value.map((v) => render(v, indent, path)).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  // A sourced number reads best on one line: { value: 800e12, source: '…' }.
  if (entries.length === 2 && 'value' in (value as object) && 'source' in (value as object)) {
    return `{ ${entries.map(([k, v]) => `${key(k)}: ${render(v, indent, path)}`).join(', ')} }`;
  }
  const inner = `${indent}  `;
  const lines = entries.map(([k, v]) => {
    const at = path === '' ? k : `${path}.${k}`;
    const comment = (COMMENTS[at] ?? []).map((line) => `${inner}// ${line}\n`).join('');
    return `${comment}${inner}${key(k)}: ${render(v, inner, at)},\n`;
  });
  return `{\n${lines.join('')}${indent}}`;
}

function camel(id: string): string {
  const words = id.split(/[^a-z0-9]+/).filter((w) => w !== '');
  const name = words.map((w, i) => (i === 0 ? w : title(w))).join('');
  return /^[a-z]/.test(name) ? name : `chip${title(name)}`;
}

function indexTs(plugin: HardwarePlugin): string {
  const [chip] = plugin.chips;
  if (chip === undefined) throw new Error('the placeholder plugin has no chip');
  const variable = camel(chip.id);
  return `import { defineHardware, type ChipSpec } from '@ridgeline/hardware';

// TODO: every number below is a placeholder that only makes the plugin valid as generated: its
// source starts with "TODO". Replace each value with your chip's figure and its source with where
// that figure comes from (datasheet and table, paper, price list, or "fit: …" naming the rows).
// Units are SI: bytes, bytes/s, FLOP/s, seconds, watts, USD. Field reference: the README of
// @ridgeline/hardware. \`npm test\` validates the plugin.
const ${variable} = ${render(chip, '', '')} satisfies ChipSpec;

export default defineHardware({
  apiVersion: ${plugin.apiVersion},
  // Keep in step with package.json.
  meta: { name: ${stringLiteral(plugin.meta.name)}, version: ${stringLiteral(plugin.meta.version)} },
  chips: [${variable}],
});
`;
}

const INDEX_TEST_TS = `import { formatIssues, validateHardware } from '@ridgeline/hardware';
import { expect, test } from 'vitest';
import plugin from './index.js';

test('the plugin passes validateHardware', () => {
  // Hosts see plain data: validate what survives JSON, as the ridgeline CLI and web app do.
  const result = validateHardware(JSON.parse(JSON.stringify(plugin)));
  expect(result.ok, result.ok ? '' : formatIssues(result.issues, plugin.meta.name)).toBe(true);
});
`;

function packageJson(options: ScaffoldOptions): string {
  const pkg = {
    name: options.name,
    version: '0.1.0',
    description: `Ridgeline hardware plugin: ${options.chipId}`,
    keywords: ['ridgeline', 'ridgeline-hardware'],
    type: 'module',
    sideEffects: false,
    engines: { node: '>=20.19' },
    exports: {
      '.': { types: './dist/index.d.ts', default: './dist/index.js' },
      './package.json': './package.json',
    },
    main: './dist/index.js',
    types: './dist/index.d.ts',
    files: ['dist'],
    scripts: {
      build: 'tsc -p tsconfig.build.json',
      typecheck: 'tsc --noEmit',
      test: 'vitest run',
      prepack: 'npm run build',
    },
    peerDependencies: { '@ridgeline/hardware': `^${options.hardwareVersion}` },
    devDependencies: {
      '@ridgeline/hardware': `^${options.hardwareVersion}`,
      ridgeline: `^${options.cliVersion}`,
      typescript: '^6.0.3',
      vitest: '^4.1.12',
    },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

const TSCONFIG = `{
  "compilerOptions": {
    "target": "ES2023",
    "lib": ["ES2023"],
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "strict": true,
    "exactOptionalPropertyTypes": true,
    "noUncheckedIndexedAccess": true,
    "verbatimModuleSyntax": true,
    "declaration": true,
    "skipLibCheck": true,
    "types": [],
    "noEmit": true
  },
  "include": ["src"]
}
`;

const TSCONFIG_BUILD = `{
  "extends": "./tsconfig.json",
  "compilerOptions": { "noEmit": false, "rootDir": "src", "outDir": "dist" },
  "exclude": ["src/**/*.test.ts"]
}
`;

function readme(options: ScaffoldOptions): string {
  return `# ${options.name}

A [Ridgeline](https://github.com/ridgeline/ridgeline) hardware plugin: chip \`${options.chipId}\`.

> **TODO** — every figure in \`src/index.ts\` is a placeholder until replaced (its \`source\` starts
> with "TODO"). The guide, *Writing a hardware plugin*, walks through each field:
> https://github.com/ridgeline/ridgeline/blob/main/docs/writing-a-hardware-plugin.md

## Use

\`\`\`sh
npm install --save-dev ridgeline ${options.name}
npx ridgeline estimate --plugin ${options.name} --hardware ${options.chipId} --model llama-3.1-70b --chips 8
\`\`\`

or list the plugin once in a \`ridgeline.config.json\` beside your project's \`package.json\`, and
name its chips anywhere:

\`\`\`json
{ "plugins": ["${options.name}"] }
\`\`\`

## Develop

\`\`\`sh
npm install
npm test          # validates the plugin with @ridgeline/hardware
npm run build     # compiles src/ to dist/
npx ridgeline hardware show ./dist/index.js
npx ridgeline estimate --model llama-3.1-70b --hardware ./dist/index.js --chips 8
npx ridgeline calibrate measurements.csv --hardware ./dist/index.js
\`\`\`

## Publish

\`\`\`sh
npm publish --access public   # prepack builds dist/ first
\`\`\`

Bump \`version\` in \`package.json\` and \`meta.version\` in \`src/index.ts\` together.
`;
}

/**
 * Every file of the new plugin package, in the order the command lists them.
 *
 * @example
 * scaffoldFiles(options).map((f) => f.path);
 * // ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'src/index.ts', 'src/index.test.ts', 'README.md', '.gitignore']
 */
export function scaffoldFiles(options: ScaffoldOptions): ScaffoldFile[] {
  return [
    { path: 'package.json', content: packageJson(options) },
    { path: 'tsconfig.json', content: TSCONFIG },
    { path: 'tsconfig.build.json', content: TSCONFIG_BUILD },
    { path: 'src/index.ts', content: indexTs(placeholderPlugin(options)) },
    { path: 'src/index.test.ts', content: INDEX_TEST_TS },
    { path: 'README.md', content: readme(options) },
    { path: '.gitignore', content: 'node_modules/\ndist/\n' },
  ];
}

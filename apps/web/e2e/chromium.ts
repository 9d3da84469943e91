import { execFile } from 'node:child_process';
import { accessSync, constants, createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createBrotliDecompress } from 'node:zlib';

/**
 * Which Chromium the end-to-end tests drive, found in this order:
 *
 * 1. `RIDGELINE_CHROMIUM`, a path, when set: it must be an executable file (no silent fallback,
 *    since whoever set it meant that browser).
 * 2. A system Chromium or Chrome: the usual Linux and macOS locations, then the usual names on
 *    `PATH`.
 * 3. The Chromium that `@sparticuz/chromium` (a devDependency) installs from the npm registry, so
 *    that `pnpm install` alone is enough on a Linux x64 machine without a browser. It ships as
 *    brotli archives; they are unpacked once into `node_modules/.cache`.
 *
 * Never a Playwright browser download. The lookup takes its view of the machine as a
 * `ChromiumLookup`, so the tests can give the order a machine of their making.
 */

/** Where the Chromium came from. */
export type ChromiumSource = 'RIDGELINE_CHROMIUM' | 'system' | 'npm';

export interface FoundChromium {
  readonly executablePath: string;
  /** Variables the browser needs on top of the test process's (the npm build's libraries and fonts). */
  readonly env: Readonly<Record<string, string>>;
  readonly source: ChromiumSource;
}

/** The npm Chromium could not be used, and why, in a few words for the error message. */
export interface NpmChromiumMissing {
  readonly missing: string;
}

/** What the lookup asks of the machine. */
export interface ChromiumLookup {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly platform: NodeJS.Platform;
  readonly homeDir: string;
  isExecutable(path: string): boolean;
  /** The npm-installed Chromium, ready to launch, or why there is none. Asked only when no other is found. */
  npmChromium(): Promise<FoundChromium | NpmChromiumMissing>;
}

/** Names a system Chromium or Chrome goes by on `PATH` (Homebrew, Nix, Flatpak exports, other distributions). */
export const PATH_NAMES: readonly string[] = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/**
 * The usual install locations of Chromium and Chrome on this platform, most specific first: the
 * distribution's Chromium, then Google's Chrome.
 */
export function knownLocations(platform: NodeJS.Platform, homeDir: string): string[] {
  if (platform === 'darwin') {
    const apps = ['Google Chrome.app/Contents/MacOS/Google Chrome', 'Chromium.app/Contents/MacOS/Chromium'];
    return [...apps.map((app) => `/Applications/${app}`), ...apps.map((app) => join(homeDir, 'Applications', app))];
  }
  if (platform === 'linux') {
    return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium', '/opt/google/chrome/chrome'];
  }
  return [];
}

/** Every path a system browser is looked for at, in order: the known locations, then `PATH`. */
export function systemCandidates(lookup: Pick<ChromiumLookup, 'env' | 'platform' | 'homeDir'>): string[] {
  const onPath = (lookup.env['PATH'] ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '')
    .flatMap((dir) => PATH_NAMES.map((name) => join(dir, name)));
  return [...new Set([...knownLocations(lookup.platform, lookup.homeDir), ...onPath])];
}

/**
 * The Chromium for the end-to-end tests (see the module comment for the order). Throws a one-line
 * error naming what was tried and how to point at a browser when there is none.
 */
export async function findChromium(lookup: ChromiumLookup = machineLookup()): Promise<FoundChromium> {
  const override = lookup.env['RIDGELINE_CHROMIUM']?.trim() ?? '';
  if (override !== '') {
    if (lookup.isExecutable(override)) return { executablePath: override, env: {}, source: 'RIDGELINE_CHROMIUM' };
    throw new Error(`RIDGELINE_CHROMIUM=${override} is not an executable file: set it to a Chromium or Chrome binary, or unset it to use a system or npm-installed Chromium.`);
  }
  const system = systemCandidates(lookup).find((path) => lookup.isExecutable(path));
  if (system !== undefined) return { executablePath: system, env: {}, source: 'system' };
  const npm = await lookup.npmChromium();
  if ('executablePath' in npm) return npm;
  const tried = knownLocations(lookup.platform, lookup.homeDir);
  throw new Error(
    `No Chromium for the end-to-end tests: RIDGELINE_CHROMIUM is not set; none of ${tried.length === 0 ? '(no known locations on this platform)' : tried.join(', ')} ` +
      `nor ${PATH_NAMES.join(', ')} on PATH is executable; @sparticuz/chromium: ${npm.missing}. Set RIDGELINE_CHROMIUM=/path/to/chromium (any Chromium or Chrome).`,
  );
}

/** An executable regular file (a symlink to one counts). */
export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** This machine, as `findChromium` sees it. */
export function machineLookup(): ChromiumLookup {
  return { env: process.env, platform: process.platform, homeDir: homedir(), isExecutable: isExecutableFile, npmChromium: unpackedNpmChromium };
}

const execFileAsync = promisify(execFile);

const NPM_PACKAGE = '@sparticuz/chromium';

/** Unpacked npm Chromium builds, one directory per package version (kept out of git with node_modules). */
const CACHE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.cache', 'ridgeline-chromium');

/**
 * `@sparticuz/chromium`'s build, unpacked and ready to launch. Its own `executablePath()` unpacks
 * into a shared `/tmp/chromium` that it trusts by name alone (a stale or half-written file is
 * launched as is) and unpacks its NSS libraries only where it detects AWS Lambda or Vercel; so
 * the archives are unpacked here, into a directory of their version that appears whole or not at
 * all.
 */
async function unpackedNpmChromium(): Promise<FoundChromium | NpmChromiumMissing> {
  // The package holds one build: Chrome's headless shell for Linux x64.
  if (process.platform !== 'linux' || process.arch !== 'x64') return { missing: `its build is for linux-x64, not ${process.platform}-${process.arch}` };
  let packageDir: string;
  try {
    // The entry point is build/cjs/index.cjs; the archives are in bin/.
    packageDir = join(dirname(createRequire(import.meta.url).resolve(NPM_PACKAGE)), '..', '..');
  } catch {
    return { missing: 'not installed (run pnpm install)' };
  }
  try {
    const dir = await unpack(packageDir);
    return {
      executablePath: join(dir, 'chromium'),
      env: {
        // The headless shell links NSS, NSPR and expat, which a machine without a browser seldom
        // has; the package carries them (its Amazon Linux 2023 set), and glibc is all they need.
        LD_LIBRARY_PATH: [join(dir, 'lib'), process.env['LD_LIBRARY_PATH'] ?? ''].filter((p) => p !== '').join(delimiter),
        FONTCONFIG_FILE: join(dir, 'fonts.conf'),
      },
      source: 'npm',
    };
  } catch (error) {
    return { missing: `could not be unpacked (${error instanceof Error ? error.message : String(error)})` };
  }
}

/** Unpacks the package's archives into `CACHE_ROOT/<version>` unless done before; the directory. */
async function unpack(packageDir: string): Promise<string> {
  const version = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
  const dir = join(CACHE_ROOT, version);
  if (existsSync(join(dir, 'chromium'))) return dir;
  mkdirSync(CACHE_ROOT, { recursive: true });
  // Unpacked aside and renamed into place: two test files starting at once never see half a browser.
  const staging = mkdtempSync(join(CACHE_ROOT, `.${version}-`));
  try {
    const bin = join(packageDir, 'bin');
    await pipeline(createReadStream(join(bin, 'chromium.br')), createBrotliDecompress(), createWriteStream(join(staging, 'chromium'), { mode: 0o755 }));
    await untarBrotli(join(bin, 'al2023.tar.br'), staging); // lib/: NSS, NSPR, expat
    await untarBrotli(join(bin, 'swiftshader.tar.br'), staging); // software GL, beside the binary where it looks
    const fonts = join(staging, 'fonts');
    mkdirSync(fonts);
    await untarBrotli(join(bin, 'fonts.tar.br'), fonts); // Open Sans
    // The system's fonts when it has fontconfig, and the package's Open Sans either way, so text renders.
    writeFileSync(
      join(staging, 'fonts.conf'),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n  <dir>${join(dir, 'fonts', 'fonts')}</dir>\n  <cachedir>${join(dir, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
    );
    try {
      renameSync(staging, dir);
    } catch (error) {
      // Another test process got there first: its copy is as good.
      if (!existsSync(join(dir, 'chromium'))) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return dir;
}

/** Extracts a brotli-compressed tar into `dir` with the system's tar (present on every Linux). */
async function untarBrotli(archive: string, dir: string): Promise<void> {
  // Through a file, not a pipe: tar stops reading at the end-of-archive marker, before the padding.
  const tarFile = join(dir, '.archive.tar');
  await pipeline(createReadStream(archive), createBrotliDecompress(), createWriteStream(tarFile));
  try {
    // The files are this user's, whoever built the archive.
    await execFileAsync('tar', ['-x', '--no-same-owner', '-f', tarFile, '-C', dir]);
  } finally {
    rmSync(tarFile, { force: true });
  }
}

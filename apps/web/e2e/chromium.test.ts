import { describe, expect, test } from 'vitest';
import { findChromium, knownLocations, systemCandidates, type ChromiumLookup, type FoundChromium, type NpmChromiumMissing } from './chromium.ts';

/**
 * The order in which the end-to-end tests find a browser, on machines made up for the test: which
 * files are executable, what the environment says, and what the npm Chromium answers.
 */

const NPM_BUILD: FoundChromium = { executablePath: '/cache/143.0.4/chromium', env: { LD_LIBRARY_PATH: '/cache/143.0.4/lib' }, source: 'npm' };

function machine(options: {
  executables?: readonly string[];
  env?: Record<string, string>;
  platform?: NodeJS.Platform;
  npm?: FoundChromium | NpmChromiumMissing;
}): ChromiumLookup & { npmAsked: number } {
  const executables = new Set(options.executables ?? []);
  const lookup = {
    env: options.env ?? { PATH: '/usr/local/bin:/usr/bin:/bin' },
    platform: options.platform ?? 'linux',
    homeDir: '/home/dev',
    isExecutable: (path: string) => executables.has(path),
    npmAsked: 0,
    async npmChromium() {
      lookup.npmAsked += 1;
      return options.npm ?? NPM_BUILD;
    },
  };
  return lookup;
}

describe('findChromium', () => {
  test('RIDGELINE_CHROMIUM comes first, even over a system Chromium', async () => {
    const lookup = machine({ executables: ['/usr/bin/chromium', '/opt/my/chrome'], env: { RIDGELINE_CHROMIUM: '/opt/my/chrome', PATH: '/usr/bin' } });
    expect(await findChromium(lookup)).toEqual({ executablePath: '/opt/my/chrome', env: {}, source: 'RIDGELINE_CHROMIUM' });
    expect(lookup.npmAsked).toBe(0);
  });

  test('a RIDGELINE_CHROMIUM that is not executable is an error in one line, not a quiet fallback', async () => {
    const lookup = machine({ executables: ['/usr/bin/chromium'], env: { RIDGELINE_CHROMIUM: '/opt/typo/chrome' } });
    const error = await findChromium(lookup).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('RIDGELINE_CHROMIUM=/opt/typo/chrome is not an executable file: set it to a Chromium or Chrome binary, or unset it to use a system or npm-installed Chromium.');
  });

  test('an empty RIDGELINE_CHROMIUM counts as unset', async () => {
    const lookup = machine({ executables: ['/usr/bin/chromium'], env: { RIDGELINE_CHROMIUM: ' ', PATH: '' } });
    expect((await findChromium(lookup)).executablePath).toBe('/usr/bin/chromium');
  });

  test('then the system Chromium or Chrome, in the order of the usual locations', async () => {
    expect((await findChromium(machine({ executables: ['/usr/bin/google-chrome', '/usr/bin/chromium'] }))).executablePath).toBe('/usr/bin/chromium');
    expect(await findChromium(machine({ executables: ['/usr/bin/google-chrome-stable', '/snap/bin/chromium'] }))).toEqual({ executablePath: '/usr/bin/google-chrome-stable', env: {}, source: 'system' });
    const lookup = machine({ executables: ['/opt/google/chrome/chrome'] });
    expect((await findChromium(lookup)).executablePath).toBe('/opt/google/chrome/chrome');
    expect(lookup.npmAsked).toBe(0);
  });

  test('on macOS, Chrome or Chromium in /Applications or ~/Applications', async () => {
    const chrome = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
    expect((await findChromium(machine({ platform: 'darwin', executables: ['/usr/bin/chromium', chrome] }))).executablePath).toBe(chrome);
    const mine = '/home/dev/Applications/Chromium.app/Contents/MacOS/Chromium';
    expect((await findChromium(machine({ platform: 'darwin', executables: [mine] }))).executablePath).toBe(mine);
    expect(knownLocations('darwin', '/home/dev').every((path) => path.includes('.app/Contents/MacOS/'))).toBe(true);
  });

  test('then a Chromium on PATH, after the usual locations', async () => {
    const env = { PATH: '/nix/profile/bin:/usr/bin' };
    expect((await findChromium(machine({ env, executables: ['/nix/profile/bin/chromium'] }))).executablePath).toBe('/nix/profile/bin/chromium');
    expect((await findChromium(machine({ env, executables: ['/nix/profile/bin/chromium', '/usr/bin/google-chrome'] }))).executablePath).toBe('/usr/bin/google-chrome');
    expect(systemCandidates({ env, platform: 'linux', homeDir: '/home/dev' })).toEqual([
      ...knownLocations('linux', '/home/dev'),
      '/nix/profile/bin/chromium',
      '/nix/profile/bin/chromium-browser',
      '/nix/profile/bin/google-chrome',
      '/nix/profile/bin/google-chrome-stable',
    ]);
  });

  test('then the Chromium installed from the npm registry, with the environment it needs', async () => {
    const lookup = machine({ env: { PATH: '/usr/bin' } });
    expect(await findChromium(lookup)).toEqual(NPM_BUILD);
    expect(lookup.npmAsked).toBe(1);
  });

  test('none at all: one line with the paths tried, why not npm, and how to set RIDGELINE_CHROMIUM', async () => {
    const lookup = machine({ env: { PATH: '/usr/bin' }, npm: { missing: 'not installed (run pnpm install)' } });
    const message = ((await findChromium(lookup).catch((e: unknown) => e)) as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toBe(
      'No Chromium for the end-to-end tests: RIDGELINE_CHROMIUM is not set; none of /usr/bin/chromium, /usr/bin/chromium-browser, /usr/bin/google-chrome, /usr/bin/google-chrome-stable, /snap/bin/chromium, /opt/google/chrome/chrome ' +
        'nor chromium, chromium-browser, google-chrome, google-chrome-stable on PATH is executable; @sparticuz/chromium: not installed (run pnpm install). Set RIDGELINE_CHROMIUM=/path/to/chromium (any Chromium or Chrome).',
    );
  });
});

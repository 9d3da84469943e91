/**
 * Changesets, checked without touching the working tree: the config follows STYLE.md convention 17,
 * pending changesets name published packages, and `changeset version`, run in a temporary copy of
 * the workspace's manifests, writes a CHANGELOG.md for every published package and leaves the
 * private apps alone.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { manifestOf, NOT_YET_TESTED, PUBLISHED, readJson, ROOT, runOk, userEnv, workspaceDirs, type Manifest } from './workspace.ts';

interface Changeset {
  readonly file: string;
  readonly releases: ReadonlyMap<string, string>;
  readonly summary: string;
}

const CHANGESET_DIR = join(ROOT, '.changeset');
const changesetBin = join(dirname(createRequire(import.meta.url).resolve('@changesets/cli/package.json')), 'bin.js');
const temporary: string[] = [];

afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

function pendingChangesets(dir: string): Changeset[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.md') && file !== 'README.md')
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      const m = /^---\n([\s\S]*?)\n?---\n([\s\S]*)$/.exec(text);
      if (m === null) throw new Error(`.changeset/${file} has no front matter`);
      const releases = new Map<string, string>();
      for (const line of (m[1] ?? '').split('\n').filter((l) => l.trim() !== '')) {
        const release = /^\s*["']?([^"':]+)["']?\s*:\s*(\S+)\s*$/.exec(line);
        if (release === null) throw new Error(`.changeset/${file}: cannot read "${line}"`);
        releases.set(release[1] ?? '', release[2] ?? '');
      }
      return { file, releases, summary: (m[2] ?? '').trim() };
    });
}

describe('changesets', () => {
  test('the config follows STYLE.md convention 17', () => {
    const config = readJson<Record<string, unknown>>(join(CHANGESET_DIR, 'config.json'));
    expect(config).toMatchObject({
      access: 'public',
      baseBranch: 'main',
      privatePackages: { version: false, tag: false },
      ___experimentalUnsafeOptions_WILL_CHANGE_IN_PATCH: { onlyUpdatePeerDependentsWhenOutOfRange: true },
    });
    expect(config.changelog, 'changelogs are the point').not.toBe(false);
  });

  test('every workspace package that is not published is private (so it is neither versioned nor tagged)', () => {
    const published = new Set([...PUBLISHED, ...Object.keys(NOT_YET_TESTED)]);
    const leaky = workspaceDirs().filter((dir) => !published.has(dir) && manifestOf(dir).private !== true);
    expect(leaky).toEqual([]);
  });

  test('every pending changeset names public packages with a patch, minor or major bump, and says what changed', () => {
    const publicNames = new Set(workspaceDirs().map(manifestOf).filter((m) => m.private !== true).map((m) => m.name));
    const problems: string[] = [];
    for (const { file, releases, summary } of pendingChangesets(CHANGESET_DIR)) {
      if (releases.size === 0) problems.push(`${file}: names no package`);
      for (const [name, bump] of releases) {
        if (!publicNames.has(name)) problems.push(`${file}: "${name}" is not a public workspace package`);
        if (!['patch', 'minor', 'major'].includes(bump)) problems.push(`${file}: "${name}: ${bump}" is not patch, minor or major`);
      }
      if (summary.length < 10) problems.push(`${file}: the summary is empty or too short for a changelog`);
    }
    expect(problems).toEqual([]);
  });

  test('`changeset version` (in a copy) writes a CHANGELOG.md for every published package and leaves the private ones alone', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'ridgeline-changesets-'));
    temporary.push(copy);
    const dirs = workspaceDirs();
    const before = new Map(dirs.map((dir) => [dir, manifestOf(dir)]));
    const repoChangesets = readdirSync(CHANGESET_DIR).sort();
    const repoChangelogs = dirs.filter((dir) => existsSync(join(ROOT, dir, 'CHANGELOG.md')));

    // The manifests, the workspace file and the changesets are all `changeset version` reads.
    for (const file of ['package.json', 'pnpm-workspace.yaml']) cpSync(join(ROOT, file), join(copy, file));
    cpSync(CHANGESET_DIR, join(copy, '.changeset'), { recursive: true });
    for (const dir of dirs) {
      mkdirSync(join(copy, dir), { recursive: true });
      for (const file of ['package.json', 'CHANGELOG.md']) {
        if (existsSync(join(ROOT, dir, file))) cpSync(join(ROOT, dir, file), join(copy, dir, file));
      }
    }
    // The changelog generator (`@changesets/cli/changelog`) is resolved from the copy's .changeset/.
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'junction');
    // A changeset of our own, so the test means something even when nothing is pending.
    const names = PUBLISHED.map((dir) => before.get(dir)?.name ?? dir);
    const probe = 'install-test probe: every published package gets a changelog entry.';
    writeFileSync(join(copy, '.changeset', 'install-test-probe.md'), `---\n${names.map((n) => `"${n}": patch`).join('\n')}\n---\n\n${probe}\n`);
    const pending = pendingChangesets(join(copy, '.changeset'));

    await runOk(process.execPath, [changesetBin, 'version'], { cwd: copy, env: { ...userEnv(), CI: 'true' } });

    const after = (dir: string): Manifest => readJson<Manifest>(join(copy, dir, 'package.json'));
    const changelog = (dir: string): string | undefined =>
      existsSync(join(copy, dir, 'CHANGELOG.md')) ? readFileSync(join(copy, dir, 'CHANGELOG.md'), 'utf8') : undefined;
    for (const dir of PUBLISHED) {
      const { name, version } = after(dir);
      expect(version, `${name} is bumped`).not.toBe(before.get(dir)?.version);
      const text = changelog(dir);
      expect(text, `${dir}/CHANGELOG.md`).toBeDefined();
      expect(text).toContain(`# ${name}`);
      expect(text).toContain(`## ${version}`);
      expect(text).toContain(probe);
      // Each pending changeset's first line reaches the changelog of every package it names.
      for (const changeset of pending.filter((c) => c.releases.has(name))) {
        expect(text, `${changeset.file} in ${dir}/CHANGELOG.md`).toContain(changeset.summary.split('\n')[0]);
      }
    }
    for (const dir of dirs.filter((d) => before.get(d)?.private === true)) {
      expect(after(dir).version, `${dir} keeps its version`).toBe(before.get(dir)?.version);
      expect(changelog(dir), `${dir} gets no changelog`).toBeUndefined();
    }
    expect(readdirSync(join(copy, '.changeset')).sort(), 'every changeset is consumed').toEqual(['README.md', 'config.json']);

    // And the working tree is as it was.
    expect(readdirSync(CHANGESET_DIR).sort()).toEqual(repoChangesets);
    expect(dirs.filter((dir) => existsSync(join(ROOT, dir, 'CHANGELOG.md')))).toEqual(repoChangelogs);
    for (const dir of dirs) expect(manifestOf(dir).version).toBe(before.get(dir)?.version);
  });
});

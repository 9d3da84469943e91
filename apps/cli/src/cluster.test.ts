// The cluster flow as the cluster runs it, on the built CLI (run `pnpm build` first): the
// Dockerfile's ENTRYPOINT and CMD, and the Kubernetes manifests' args (packages/engine/docs/
// kubernetes/), run as child processes — one per Indexed Job index, with JOB_COMPLETION_INDEX
// set — then the merge Job's; the merge must be byte for byte one run of the whole sweep. Images
// cannot be built on the project's machines, so the image's paths are mapped onto the repository
// and the volumes' onto a temporary directory; nothing else of the argv changes.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = join(ROOT, 'apps/cli/dist/main.js');
const MANIFESTS = join(ROOT, 'packages/engine/docs/kubernetes');

// 4,800 configurations: a fraction of a second per shard
const SPEC = `models: [llama-3.1-8b, llama-3.1-70b]
hardware: [h100-sxm, tpu-v5p, mi300x]
tp: [1, 2, 4, 8]
batch: { from: 1, to: 200 }
`;

interface Exit {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `argv` (argv[0] the program) with only `env` added to a clean environment. */
function run(argv: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<Exit> {
  // no cluster variables of the machine running the tests
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(JOB_COMPLETION_INDEX|SLURM_|RIDGELINE_SHARD_COUNT)/.test(k)));
  const [program = '', ...args] = argv;
  const child = spawn(program, args, { cwd, env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** An exec-form instruction of the Dockerfile (`ENTRYPOINT ["node", …]`), the last one given. */
function instruction(dockerfile: string, name: string): string[] {
  const lines = dockerfile.split('\n').filter((l) => l.startsWith(`${name} `));
  const last = lines.at(-1);
  if (last === undefined) throw new Error(`the Dockerfile has no ${name}`);
  return JSON.parse(last.slice(name.length + 1)) as string[];
}

interface Container {
  readonly image: string;
  readonly command?: string[];
  readonly args: string[];
  readonly volumeMounts: { readonly name: string; readonly mountPath: string }[];
}
interface JobManifest {
  readonly kind: string;
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly completionMode?: string;
    readonly completions?: number;
    readonly template: { readonly spec: { readonly containers: Container[] } };
  };
}

async function jobs(file: string): Promise<JobManifest[]> {
  const docs = parseAllDocuments(await readFile(join(MANIFESTS, file), 'utf8')).map((d) => d.toJS() as JobManifest);
  return docs.filter((d) => d.kind === 'Job');
}

/** `$(NAME)` in a container's args, as Kubernetes expands it from the container's environment. */
function expand(arg: string, env: Record<string, string>): string {
  return arg.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env[name] ?? whole);
}

describe.runIf(process.platform !== 'win32')('the image and the Kubernetes manifests, run as the cluster runs them', () => {
  let dir = '';
  let entrypoint: string[] = [];
  let image: (argv: readonly string[]) => string[] = (a) => [...a];
  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "pnpm build" before these tests`);
    dir = await mkdtemp(join(tmpdir(), 'ridgeline-cluster-'));
    const dockerfile = await readFile(join(ROOT, 'Dockerfile'), 'utf8');
    entrypoint = instruction(dockerfile, 'ENTRYPOINT');
    // the image's node and repository, here: the running node and this checkout
    const copied = /^COPY --from=build (\S+) (\S+)$/m.exec(dockerfile);
    expect(copied?.[1]).toBe(copied?.[2]);
    const inImage = `${copied?.[2] ?? ''}/`;
    image = (argv) => argv.map((a, i) => (i === 0 && a === 'node' ? process.execPath : a.startsWith(inImage) ? join(ROOT, a.slice(inImage.length)) : a));
  });
  afterAll(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it("the Dockerfile's ENTRYPOINT is the CLI and its CMD prints the help", async () => {
    expect(image(entrypoint).slice(1)).toEqual([MAIN]);
    const help = await run(image([...entrypoint, ...instruction(await readFile(join(ROOT, 'Dockerfile'), 'utf8'), 'CMD')]), dir);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('ridgeline');
    expect(help.stdout).toContain('sweep');
    const version = await run(image([...entrypoint, '--version']), dir);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('the Indexed Job, one process per index, then the merge Job: the single run, byte for byte', async () => {
    const [sweepJob] = await jobs('sweep.yaml');
    const [mergeJob] = await jobs('merge.yaml');
    if (sweepJob === undefined || mergeJob === undefined) throw new Error('sweep.yaml and merge.yaml each define a Job');
    expect(sweepJob.spec.completionMode).toBe('Indexed');
    const n = sweepJob.spec.completions ?? 0;
    const [shard] = sweepJob.spec.template.spec.containers;
    const [merge] = mergeJob.spec.template.spec.containers;
    if (shard === undefined || merge === undefined) throw new Error('each Job has a container');
    // the image's entrypoint runs: no command overrides it
    expect([shard.command, merge.command]).toEqual([undefined, undefined]);
    expect(shard.args).toContain(`auto/${n}`);

    // each volume a directory here; the spec as the ConfigMap holds it
    const mounts = new Map<string, string>();
    for (const m of [...shard.volumeMounts, ...merge.volumeMounts]) mounts.set(m.mountPath, join(dir, m.name));
    for (const path of mounts.values()) await mkdir(path, { recursive: true });
    await writeFile(join(dir, 'spec', 'spec.yaml'), SPEC);
    const onVolumes = (arg: string): string => {
      for (const [mountPath, path] of mounts) if (arg.startsWith(`${mountPath}/`)) return join(path, arg.slice(mountPath.length + 1));
      return arg;
    };

    const shards = await Promise.all(
      Array.from({ length: n }, (_, i) => {
        const env = { JOB_COMPLETION_INDEX: String(i) };
        return run(image([...entrypoint, ...shard.args.map((a) => onVolumes(expand(a, env)))]), dir, env);
      }),
    );
    shards.forEach((s, i) => {
      expect(s.code, s.stderr).toBe(0);
      // stderr is a pipe, as in a pod: a progress line at the start, then the summary
      expect(s.stderr).toMatch(/^ridgeline: sweep 0 of 1,200 configurations \(0\.0%\), 0\/s, ETA unknown\n/);
      expect(s.stderr).toContain(`ridgeline: wrote the result to ${join(dir, 'results', `shard-${i}.json`)}\n`);
    });

    const merged = await run(image([...entrypoint, ...merge.args.map(onVolumes)]), dir);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toContain('Configurations: 4,800 of 4,800');

    // one run of the whole sweep, with the shard's flags but --shard
    const at = shard.args.indexOf('--shard');
    const single = [...shard.args.slice(0, at), ...shard.args.slice(at + 2)].map((a) => (a.startsWith('/results/') ? '/results/single.json' : a));
    const one = await run(image([...entrypoint, ...single.map(onVolumes)]), dir);
    expect(one.code, one.stderr).toBe(0);
    const mergedJson = await readFile(join(dir, 'results', 'merged.json'), 'utf8');
    expect(JSON.parse(mergedJson).complete).toBe(true);
    expect(mergedJson).toBe(await readFile(join(dir, 'results', 'single.json'), 'utf8'));
  });

  it('--shard auto reads a Slurm array the same way: task ids 1…4 run the same four shards', async () => {
    await mkdir(join(dir, 'slurm'), { recursive: true });
    await writeFile(join(dir, 'slurm', 'spec.yaml'), SPEC);
    const shards = await Promise.all(
      [1, 2, 3, 4].map((id) =>
        run(image([...entrypoint, 'sweep', 'spec.yaml', '--shard', 'auto', '--threads', '1', '--out', `shard-${id}.json`]), join(dir, 'slurm'), {
          SLURM_ARRAY_TASK_ID: String(id),
          SLURM_ARRAY_TASK_MIN: '1',
          SLURM_ARRAY_TASK_COUNT: '4',
        }),
      ),
    );
    for (const s of shards) expect(s.code, s.stderr).toBe(0);
    const merged = await run(image([...entrypoint, 'merge', 'shard-1.json', 'shard-2.json', 'shard-3.json', 'shard-4.json', '--json']), join(dir, 'slurm'));
    expect(merged.code, merged.stderr).toBe(0);
    const single = await run(image([...entrypoint, 'sweep', 'spec.yaml', '--threads', '1', '--json']), join(dir, 'slurm'));
    expect(merged.stdout).toBe(single.stdout);
  });

  it('--shard auto outside a cluster job, or with an index beyond N: one line naming the variable, exit 2', async () => {
    const sweep = (shard: string, env: Record<string, string> = {}) => run(image([...entrypoint, 'sweep', join(dir, 'spec', 'spec.yaml'), '--shard', shard]), dir, env);
    const none = await sweep('auto/4');
    expect([none.code, none.stdout]).toEqual([2, '']);
    expect(none.stderr).toBe(
      'ridgeline: error: --shard auto/4: neither JOB_COMPLETION_INDEX (Kubernetes Indexed Job) nor SLURM_ARRAY_TASK_ID (Slurm job array) is set; outside such a job give the shard as i/N\n',
    );
    const beyond = await sweep('auto/4', { JOB_COMPLETION_INDEX: '4' });
    expect([beyond.code, beyond.stderr]).toEqual([2, 'ridgeline: error: --shard auto/4: JOB_COMPLETION_INDEX is 4, outside 0…3; give the Job completions: 4\n']);
  });
});

import { quoted, UserError } from './errors.ts';

/** One slice of a sweep: shard `index` (0-based) of `count`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/**
 * The variable that gives `--shard auto` its count N when the flag names none (`--shard auto`):
 * set it in a Kubernetes Indexed Job to the Job's `completions`. A Slurm job array has its own,
 * `SLURM_ARRAY_TASK_COUNT`, read after this one.
 */
export const SHARD_COUNT_ENV = 'RIDGELINE_SHARD_COUNT';

const EXAMPLE = 'e.g. 0/4 for the first of four shards, or auto/4 in a Kubernetes Indexed Job or a Slurm job array';

/** A variable's value as an integer ≥ 0, or a one-line error naming it. */
function envInteger(env: NodeJS.ProcessEnv, name: string, flag: string): number {
  const raw = env[name] ?? '';
  if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw new UserError(`--shard ${flag}: ${name} must be an integer ≥ 0, got ${quoted(raw)}`);
  }
  return Number(raw);
}

/** A count N of shards (from the flag or a variable), or a one-line error naming where it came from. */
function shardCount(raw: string, where: string, flag: string): number {
  const count = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new UserError(`--shard ${flag}: ${where} must be a positive integer, got ${quoted(raw)}`);
  }
  return count;
}

/**
 * Reads `--shard`: `i/N` (0-based i), or `auto/N` and `auto`, whose index comes from the
 * environment of a cluster job:
 * - `JOB_COMPLETION_INDEX`, set in each pod of a Kubernetes Indexed Job (0 … completions − 1);
 * - otherwise `SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN` in a Slurm job array (an array of
 *   consecutive task ids, `--array=0-15` or `--array=1-16`, not a stepped one or a list).
 *
 * `auto` alone takes N from `RIDGELINE_SHARD_COUNT`, else (in a Slurm array) from
 * `SLURM_ARRAY_TASK_COUNT`. Every failure is a one-line `UserError` naming the variable.
 *
 * @example
 * parseShard('2/8'); // { index: 2, count: 8 }
 * parseShard('auto/8', { JOB_COMPLETION_INDEX: '5' }); // { index: 5, count: 8 }
 * parseShard('auto', { SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '16' }); // { index: 6, count: 16 }
 */
export function parseShard(raw: string, env: NodeJS.ProcessEnv = process.env): Shard {
  const auto = /^\s*auto\s*(?:\/\s*(\S*)\s*)?$/.exec(raw);
  if (auto === null) {
    const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(raw);
    const index = Number(match?.[1]);
    const count = Number(match?.[2]);
    if (match === null || !Number.isSafeInteger(count) || count < 1 || index >= count) {
      throw new UserError(`--shard must be i/N with 0 ≤ i < N (${EXAMPLE}), got ${quoted(raw)}`);
    }
    return { index, count };
  }
  const flag = raw.trim();
  const kubernetes = env.JOB_COMPLETION_INDEX !== undefined && env.JOB_COMPLETION_INDEX !== '';
  const slurm = !kubernetes && env.SLURM_ARRAY_TASK_ID !== undefined && env.SLURM_ARRAY_TASK_ID !== '';
  if (!kubernetes && !slurm) {
    throw new UserError(
      `--shard ${flag}: neither JOB_COMPLETION_INDEX (Kubernetes Indexed Job) nor SLURM_ARRAY_TASK_ID (Slurm job array) is set; outside such a job give the shard as i/N`,
    );
  }

  let count: number;
  if (auto[1] !== undefined) count = shardCount(auto[1], 'N', flag);
  else if (env[SHARD_COUNT_ENV] !== undefined && env[SHARD_COUNT_ENV] !== '') count = shardCount(env[SHARD_COUNT_ENV] ?? '', SHARD_COUNT_ENV, flag);
  else if (slurm && env.SLURM_ARRAY_TASK_COUNT !== undefined && env.SLURM_ARRAY_TASK_COUNT !== '') count = shardCount(env.SLURM_ARRAY_TASK_COUNT, 'SLURM_ARRAY_TASK_COUNT', flag);
  else {
    const from = slurm ? `${SHARD_COUNT_ENV} or SLURM_ARRAY_TASK_COUNT` : SHARD_COUNT_ENV;
    throw new UserError(`--shard auto needs the number of shards: give it as auto/N, or set ${from}`);
  }

  if (kubernetes) {
    const index = envInteger(env, 'JOB_COMPLETION_INDEX', flag);
    if (index >= count) throw new UserError(`--shard ${flag}: JOB_COMPLETION_INDEX is ${index}, outside 0…${count - 1}; give the Job completions: ${count}`);
    return { index, count };
  }
  const id = envInteger(env, 'SLURM_ARRAY_TASK_ID', flag);
  const min = env.SLURM_ARRAY_TASK_MIN === undefined || env.SLURM_ARRAY_TASK_MIN === '' ? 0 : envInteger(env, 'SLURM_ARRAY_TASK_MIN', flag);
  const index = id - min;
  if (index < 0 || index >= count) {
    throw new UserError(
      `--shard ${flag}: SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN is ${id} − ${min} = ${index}, outside 0…${count - 1}; give the job array ${count} consecutive task ids (e.g. --array=0-${count - 1})`,
    );
  }
  return { index, count };
}

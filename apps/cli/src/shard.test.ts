import { describe, expect, it } from 'vitest';
import { UserError } from './errors.ts';
import { parseShard } from './shard.ts';

function message(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error('no error');
}

describe('parseShard', () => {
  it('reads i/N as given, whatever the environment', () => {
    expect(parseShard('2/8', { JOB_COMPLETION_INDEX: '5' })).toEqual({ index: 2, count: 8 });
    expect(message(() => parseShard('8/8', {}))).toMatch(/^--shard must be i\/N with 0 ≤ i < N \(e\.g\. 0\/4 .*auto\/4.*\), got "8\/8"$/);
  });

  it('auto/N: the index of a Kubernetes Indexed Job pod', () => {
    expect(parseShard('auto/4', { JOB_COMPLETION_INDEX: '0' })).toEqual({ index: 0, count: 4 });
    expect(parseShard('auto/4', { JOB_COMPLETION_INDEX: '3', SLURM_ARRAY_TASK_ID: '9' })).toEqual({ index: 3, count: 4 });
  });

  it('auto/N: a Slurm array task, its id less the array minimum', () => {
    expect(parseShard('auto/16', { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_MIN: '0' })).toEqual({ index: 0, count: 16 });
    expect(parseShard('auto/16', { SLURM_ARRAY_TASK_ID: '16', SLURM_ARRAY_TASK_MIN: '1' })).toEqual({ index: 15, count: 16 });
    // an array 100-103: the fourth task is shard 3
    expect(parseShard('auto/4', { SLURM_ARRAY_TASK_ID: '103', SLURM_ARRAY_TASK_MIN: '100' })).toEqual({ index: 3, count: 4 });
  });

  it('auto: N from RIDGELINE_SHARD_COUNT, else from SLURM_ARRAY_TASK_COUNT', () => {
    expect(parseShard('auto', { JOB_COMPLETION_INDEX: '2', RIDGELINE_SHARD_COUNT: '8' })).toEqual({ index: 2, count: 8 });
    expect(parseShard('auto', { SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '16' })).toEqual({ index: 6, count: 16 });
    expect(parseShard('auto', { SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '16', RIDGELINE_SHARD_COUNT: '10' })).toEqual({ index: 6, count: 10 });
    // the flag's N wins over both
    expect(parseShard('auto/12', { SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '16', RIDGELINE_SHARD_COUNT: '10' })).toEqual({ index: 6, count: 12 });
  });

  it('one line naming the variable when it is missing, malformed or out of range', () => {
    expect(message(() => parseShard('auto/4', {}))).toBe(
      '--shard auto/4: neither JOB_COMPLETION_INDEX (Kubernetes Indexed Job) nor SLURM_ARRAY_TASK_ID (Slurm job array) is set; outside such a job give the shard as i/N',
    );
    expect(message(() => parseShard('auto/4', { JOB_COMPLETION_INDEX: '4' }))).toBe('--shard auto/4: JOB_COMPLETION_INDEX is 4, outside 0…3; give the Job completions: 4');
    expect(message(() => parseShard('auto/4', { JOB_COMPLETION_INDEX: '-1' }))).toBe('--shard auto/4: JOB_COMPLETION_INDEX must be an integer ≥ 0, got "-1"');
    expect(message(() => parseShard('auto/4', { SLURM_ARRAY_TASK_ID: '0x1' }))).toBe('--shard auto/4: SLURM_ARRAY_TASK_ID must be an integer ≥ 0, got "0x1"');
    expect(message(() => parseShard('auto/4', { SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_MIN: 'one' }))).toBe('--shard auto/4: SLURM_ARRAY_TASK_MIN must be an integer ≥ 0, got "one"');
    expect(message(() => parseShard('auto/4', { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_MIN: '1' }))).toBe(
      '--shard auto/4: SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN is 5 − 1 = 4, outside 0…3; give the job array 4 consecutive task ids (e.g. --array=0-3)',
    );
    expect(message(() => parseShard('auto/0', { JOB_COMPLETION_INDEX: '0' }))).toBe('--shard auto/0: N must be a positive integer, got "0"');
    expect(message(() => parseShard('auto/x', { JOB_COMPLETION_INDEX: '0' }))).toBe('--shard auto/x: N must be a positive integer, got "x"');
    expect(message(() => parseShard('auto', { JOB_COMPLETION_INDEX: '0' }))).toBe('--shard auto needs the number of shards: give it as auto/N, or set RIDGELINE_SHARD_COUNT');
    expect(message(() => parseShard('auto', { SLURM_ARRAY_TASK_ID: '0' }))).toBe(
      '--shard auto needs the number of shards: give it as auto/N, or set RIDGELINE_SHARD_COUNT or SLURM_ARRAY_TASK_COUNT',
    );
    expect(message(() => parseShard('auto', { JOB_COMPLETION_INDEX: '0', RIDGELINE_SHARD_COUNT: '1.5' }))).toBe('--shard auto: RIDGELINE_SHARD_COUNT must be a positive integer, got "1.5"');
  });
});

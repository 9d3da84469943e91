import Tinypool from 'tinypool';
import { WORKER_URL } from './worker-source.ts';

/**
 * How long the sweep pool stays up with no sweep running before its threads end. Starting two
 * threads costs about 50 ms, so sweeps run one after another (a benchmark, a planner trying
 * grids, a test file) reuse them; an idle pool never keeps the process alive (tinypool unrefs idle
 * workers, and this timer is unref'd), so the wait only bounds how long idle threads hold memory.
 */
export const POOL_IDLE_MS = 10_000;

interface Entry {
  readonly pool: Tinypool;
  readonly threads: number;
  /** Sweeps running on it. */
  users: number;
  /** No longer handed out: destroyed once its last sweep ends. */
  retired: boolean;
  idle: ReturnType<typeof setTimeout> | undefined;
  /** Set once destroying has begun. */
  ended: Promise<void> | undefined;
}

/** The process's sweep pool, if one is up; other live entries are retired ones still in use. */
let shared: Entry | undefined;
/** Every entry whose threads may still be running (shared or retired). */
const live = new Set<Entry>();

/** What a sweep uses of its pool: tinypool's pool, whose types stay out of the published declarations. */
export interface SweepPool {
  run(task: object, options: { readonly signal?: AbortSignal }): Promise<unknown>;
  emit(event: 'error', error: Error): boolean;
}

/** A pool on loan to one sweep: give it back with `release` (once). */
export interface PoolLease {
  readonly pool: SweepPool;
  /**
   * Ends the loan. `terminate`: the pool is not handed out again (an aborted sweep: tinypool ends the
   * threads of aborted tasks and starts others), and its threads end once no sweep uses it; the
   * promise resolves when they have, or at once if another sweep still runs on it.
   */
  release(options?: { readonly terminate?: boolean }): Promise<void>;
}

function end(entry: Entry): Promise<void> {
  if (entry.idle !== undefined) clearTimeout(entry.idle);
  entry.idle = undefined;
  entry.retired = true;
  if (shared === entry) shared = undefined;
  entry.ended ??= entry.pool.destroy().finally(() => live.delete(entry));
  return entry.ended;
}

/**
 * Lends the process's sweep pool with `threads` worker threads, starting it if none is up. A pool of
 * another size is replaced: at once if idle, else once its running sweeps end (they keep it).
 *
 * @example
 * const lease = leasePool(2);
 * try { await lease.pool.run(task); } finally { await lease.release(); }
 */
export function leasePool(threads: number): PoolLease {
  let entry = shared;
  if (entry !== undefined && entry.threads !== threads) {
    if (entry.users === 0) void end(entry);
    else {
      entry.retired = true;
      shared = undefined;
    }
    entry = undefined;
  }
  if (entry === undefined) {
    const pool = new Tinypool({ filename: WORKER_URL, minThreads: threads, maxThreads: threads });
    const created: Entry = { pool, threads, users: 0, retired: false, idle: undefined, ended: undefined };
    // a worker failing outside a task (a task's own failure rejects its promise): the pool is not
    // lent again, rather than the error event ending the process
    pool.on('error', () => {
      created.retired = true;
      if (shared === created) shared = undefined;
      if (created.users === 0) void end(created);
    });
    entry = created;
    shared = entry;
    live.add(entry);
  }
  if (entry.idle !== undefined) clearTimeout(entry.idle);
  entry.idle = undefined;
  entry.users++;
  const lent = entry;
  let released = false;
  return {
    pool: lent.pool,
    async release(options = {}) {
      if (released) return;
      released = true;
      lent.users--;
      if (options.terminate === true) {
        lent.retired = true;
        if (shared === lent) shared = undefined;
      }
      if (lent.users > 0) return;
      if (lent.retired) return end(lent);
      lent.idle = setTimeout(() => void end(lent), POOL_IDLE_MS);
      lent.idle.unref();
    },
  };
}

/**
 * Ends the sweep pool's threads now (they end on their own after `POOL_IDLE_MS` idle, and never keep
 * the process alive); a running sweep keeps its pool until it ends. The next sweep starts a new pool.
 *
 * @example
 * await closeSweepPool();
 */
export async function closeSweepPool(): Promise<void> {
  shared = undefined;
  const idle = [...live].filter((entry) => entry.users === 0 || entry.ended !== undefined);
  for (const entry of live) entry.retired = true;
  await Promise.all(idle.map(end));
}

/**
 * The thread ids of the worker threads of every sweep pool not yet ended, the shared pool first (a
 * pool being ended lists none while its threads exit): how tests see that a pool is reused,
 * replaced or gone.
 */
export function sweepPoolThreadIds(): number[][] {
  const entries = [...live].sort((a, b) => Number(b === shared) - Number(a === shared));
  return entries.map((e) => e.pool.threads.map((w) => w.threadId));
}

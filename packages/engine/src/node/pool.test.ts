import { afterEach, describe, expect, it } from 'vitest';
import { closeSweepPool, leasePool, sweepPoolThreadIds } from './pool.ts';

afterEach(async () => {
  await closeSweepPool();
});

describe('the sweep pool', () => {
  it('lends one pool to every sweep asking for its size, idle or busy, and keeps its threads', async () => {
    const a = leasePool(2);
    const b = leasePool(2);
    expect(b.pool).toBe(a.pool);
    const threads = sweepPoolThreadIds();
    expect(threads).toHaveLength(1);
    expect(threads[0]).toHaveLength(2);
    await a.release();
    await b.release();
    // idle now, and still up: the next sweep gets the same threads
    const c = leasePool(2);
    expect(c.pool).toBe(a.pool);
    expect(sweepPoolThreadIds()).toEqual(threads);
    await c.release();
  });

  it('replaces an idle pool of another size at once', async () => {
    const a = leasePool(2);
    await a.release();
    const old = sweepPoolThreadIds()[0] ?? [];
    const b = leasePool(3);
    expect(b.pool).not.toBe(a.pool);
    const now = sweepPoolThreadIds();
    // only the new pool is lent out; the old one's threads are ending
    expect(now[0]).toHaveLength(3);
    expect(now[0]?.some((id) => old.includes(id))).toBe(false);
    await b.release();
    await closeSweepPool();
    expect(sweepPoolThreadIds()).toEqual([]);
  });

  it('keeps a busy pool of another size for its sweeps, and ends it once they end', async () => {
    const busy = leasePool(2);
    const other = leasePool(1);
    expect(other.pool).not.toBe(busy.pool);
    // both are up: the new one first (the shared pool), the busy one until its sweep ends
    expect(sweepPoolThreadIds().map((ids) => ids.length)).toEqual([1, 2]);
    await busy.release();
    expect(sweepPoolThreadIds().map((ids) => ids.length)).toEqual([1]);
    // the busy pool is not lent again: a sweep of its size gets a new one
    const again = leasePool(2);
    expect(again.pool).not.toBe(busy.pool);
    await again.release();
    await other.release();
  });

  it('ends a terminated pool before release resolves, and lends a new one next', async () => {
    const a = leasePool(2);
    await a.release({ terminate: true });
    expect(sweepPoolThreadIds()).toEqual([]);
    const b = leasePool(2);
    expect(b.pool).not.toBe(a.pool);
    // a terminated pool still in use by another sweep ends once that sweep ends
    const c = leasePool(2);
    await b.release({ terminate: true });
    expect(sweepPoolThreadIds()).toHaveLength(1);
    const d = leasePool(2);
    expect(d.pool).not.toBe(c.pool);
    await c.release();
    expect(sweepPoolThreadIds()).toHaveLength(1);
    await d.release();
  });

  it('counts a lease once however often it is released', async () => {
    const a = leasePool(2);
    const b = leasePool(2);
    await a.release();
    await a.release({ terminate: true });
    // b's sweep still holds the pool: released twice, a did not end it
    expect(sweepPoolThreadIds()).toHaveLength(1);
    const c = leasePool(2);
    expect(c.pool).toBe(b.pool);
    await b.release();
    await c.release();
  });

  it('ends idle pools on closeSweepPool, and a busy one once its sweep ends', async () => {
    const idle = leasePool(1);
    await idle.release();
    const busy = leasePool(2);
    await closeSweepPool();
    expect(sweepPoolThreadIds().map((ids) => ids.length)).toEqual([2]);
    const next = leasePool(2);
    expect(next.pool).not.toBe(busy.pool);
    await next.release();
    await closeSweepPool();
    expect(sweepPoolThreadIds().map((ids) => ids.length)).toEqual([2]);
    await busy.release();
    expect(sweepPoolThreadIds()).toEqual([]);
  });

  it('retires a pool whose worker fails outside a task, instead of the error ending the process', async () => {
    const a = leasePool(2);
    a.pool.emit('error', new Error('a worker failed'));
    const b = leasePool(2);
    expect(b.pool).not.toBe(a.pool);
    await a.release();
    expect(sweepPoolThreadIds()).toHaveLength(1);
    // idle, it ends at once
    await b.release();
    b.pool.emit('error', new Error('a worker failed'));
    const c = leasePool(2);
    expect(c.pool).not.toBe(b.pool);
    await closeSweepPool();
    expect(sweepPoolThreadIds().map((ids) => ids.length)).toEqual([2]);
    await c.release();
    expect(sweepPoolThreadIds()).toEqual([]);
  });
});

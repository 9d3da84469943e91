import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressBar, progressFor, progressLines, progressText, type ProgressClock } from './progress.ts';

const SWEEP = { label: 'sweep', unit: 'configurations' };

/** A clock that moves only when told, and its timers, which fire as it moves. */
function fakeClock(): ProgressClock & { advance: (ms: number) => void; timers: () => number } {
  let now = 0;
  const timers = new Set<{ ms: number; next: number; fn: () => void }>();
  return {
    now: () => now,
    every(ms, fn) {
      const timer = { ms, next: now + ms, fn };
      timers.add(timer);
      return () => void timers.delete(timer);
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers].filter((t) => t.next <= end).sort((a, b) => a.next - b.next)[0];
        if (due === undefined) break;
        now = due.next;
        due.next += due.ms;
        due.fn();
      }
      now = end;
    },
    timers: () => timers.size,
  };
}

describe('progressText', () => {
  it('done of total with thousands separators, the share, the rate and the time left', () => {
    expect(progressText(SWEEP, 1_234_567, 9_876_543, 2)).toBe('sweep 1,234,567 of 9,876,543 configurations (12.5%), 617,284/s, ETA 14.0 s');
    expect(progressText({ label: 'writing rows', unit: 'configurations' }, 388_800, 388_800, 7.9)).toBe('writing rows 388,800 of 388,800 configurations (100.0%), 49,215/s, ETA 0 s');
  });

  it('at the start: no rate yet and the ETA unknown, never NaN or infinity', () => {
    const start = progressText(SWEEP, 0, 1e12, 0);
    expect(start).toBe('sweep 0 of 1,000,000,000,000 configurations (0.0%), 0/s, ETA unknown');
    expect(progressText(SWEEP, 0, 1000, 3)).toBe('sweep 0 of 1,000 configurations (0.0%), 0/s, ETA unknown');
    expect(progressText(SWEEP, 0, 0, 0)).toBe('sweep 0 of 0 configurations (100.0%), 0/s, ETA 0 s');
  });
});

describe('progressLines (a log: stderr is no terminal)', () => {
  it('one line at the start, then one at least every interval, from the reports and from the timer between them', () => {
    const clock = fakeClock();
    const lines: string[] = [];
    const p = progressLines(SWEEP, 5, (s) => lines.push(s), clock);
    p.update(0, 1_000_000);
    expect(lines).toEqual(['ridgeline: sweep 0 of 1,000,000 configurations (0.0%), 0/s, ETA unknown\n']);
    // reports within the interval print nothing more
    clock.advance(1000);
    p.update(100_000, 1_000_000);
    clock.advance(3000);
    p.update(400_000, 1_000_000);
    expect(lines).toHaveLength(1);
    // the timer fires at 5 s with the latest report
    clock.advance(1000);
    expect(lines.at(-1)).toBe('ridgeline: sweep 400,000 of 1,000,000 configurations (40.0%), 80,000/s, ETA 7.50 s\n');
    // no reports for 10 s (a slow slice): the timer still prints every 5 s
    clock.advance(10_000);
    expect(lines).toHaveLength(4);
    expect(lines.at(-1)).toBe('ridgeline: sweep 400,000 of 1,000,000 configurations (40.0%), 26,667/s, ETA 22.5 s\n');
    clock.advance(5_500);
    expect(lines).toHaveLength(5);
    p.update(1_000_000, 1_000_000);
    expect(lines).toHaveLength(5);
    p.stop();
    expect(clock.timers()).toBe(0);
    clock.advance(60_000);
    expect(lines).toHaveLength(5);
  });

  it('prints from the reports when the timer cannot fire (a sweep busy on the main thread)', () => {
    const clock = { ...fakeClock(), every: () => () => {} };
    let now = 0;
    clock.now = () => now;
    const lines: string[] = [];
    const p = progressLines(SWEEP, 5, (s) => lines.push(s), clock);
    p.update(0, 100);
    now = 4999;
    p.update(10, 100);
    expect(lines).toHaveLength(1);
    now = 5000;
    p.update(50, 100);
    expect(lines.at(-1)).toBe('ridgeline: sweep 50 of 100 configurations (50.0%), 10.0/s, ETA 5.00 s\n');
    p.stop();
  });

  it('the interval is the caller\'s (--progress-interval)', () => {
    const clock = fakeClock();
    const lines: string[] = [];
    const p = progressLines(SWEEP, 0.5, (s) => lines.push(s), clock);
    p.update(0, 10);
    clock.advance(2000);
    expect(lines).toHaveLength(5);
    p.stop();
  });

  it('nothing at all when disabled', () => {
    const lines: string[] = [];
    const p = progressFor(SWEEP, { interactive: false, intervalS: 5, write: (s) => lines.push(s), enabled: false });
    p.update(0, 10);
    p.stop();
    expect(lines).toEqual([]);
  });
});

describe('progressBar (a terminal)', () => {
  it('draws the same figures, grouped, with no NaN or infinite ETA, and clears itself', async () => {
    const out = Object.assign(new PassThrough(), { isTTY: true, columns: 160, rows: 40 }) as unknown as NodeJS.WriteStream;
    let text = '';
    (out as unknown as PassThrough).on('data', (d: Buffer) => (text += d.toString()));
    const p = progressBar(SWEEP, out);
    p.update(0, 2_048_000);
    p.update(1_024_000, 2_048_000);
    // the bar redraws on its own frame timer
    await new Promise((resolve) => setTimeout(resolve, 250));
    p.stop();
    const plain = text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
    expect(plain).toMatch(/sweep 1,024,000 of 2,048,000 configurations \(50\.0%\), [\d,]+\/s, ETA /);
    expect(plain).not.toMatch(/NaN|NF|Infinity|∞/);
  });
});

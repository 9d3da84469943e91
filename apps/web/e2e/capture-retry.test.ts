import { describe, expect, test } from 'vitest';
import { withCaptureRetry } from './support.ts';

/** The screenshot helper retries only Chromium's "no frame ready" refusal, and only so often. */
describe('withCaptureRetry', () => {
  function capture(failures: readonly string[]): { run: () => Promise<string>; calls: () => number } {
    let calls = 0;
    return {
      run: async () => {
        const failure = failures[calls];
        calls += 1;
        if (failure !== undefined) throw new Error(failure);
        return 'png';
      },
      calls: () => calls,
    };
  }
  const refusal = 'page.screenshot: Protocol error (Page.captureScreenshot): Unable to capture screenshot';

  test('a refusal followed by a frame gives the picture, after one wait', async () => {
    const shot = capture([refusal]);
    let waits = 0;
    await expect(withCaptureRetry(shot.run, async () => void (waits += 1))).resolves.toBe('png');
    expect([shot.calls(), waits]).toEqual([2, 1]);
  });

  test('three refusals fail with the third', async () => {
    const shot = capture([refusal, refusal, refusal]);
    await expect(withCaptureRetry(shot.run, async () => {})).rejects.toThrow('Unable to capture screenshot');
    expect(shot.calls()).toBe(3);
  });

  test('any other error fails at once', async () => {
    const shot = capture(['locator.screenshot: Timeout 30000ms exceeded']);
    await expect(withCaptureRetry(shot.run, async () => {})).rejects.toThrow('Timeout');
    expect(shot.calls()).toBe(1);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '@ridgeline/model';
import { cli } from '../test-cli.ts';

// The CLI validates its own flags, so the model's InputError and internal failures cannot be
// provoked through arguments; stub the model to check how they are reported.
const estimateInference = vi.hoisted(() => vi.fn());
vi.mock('@ridgeline/model', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@ridgeline/model')>()),
  estimateInference,
}));

const ARGS = ['estimate', '--model', 'llama-3.1-70b', '--hardware', 'h100-sxm', '--tp', '8'];

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('ridgeline estimate: errors from the model', () => {
  it('prints an InputError as a one-line user error', async () => {
    estimateInference.mockImplementation(() => {
      throw new InputError('commOverlap', 'commOverlap must be in [0, 1], got 7');
    });
    expect(await cli(ARGS)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'ridgeline: error: commOverlap must be in [0, 1], got 7\n',
    });
  });

  it('reports an internal error in one line with exit code 1 and no stack', async () => {
    estimateInference.mockImplementation(() => {
      throw new TypeError('Cannot read properties of undefined\n(reading "x")');
    });
    const r = await cli(ARGS);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'ridgeline: internal error: Cannot read properties of undefined: (reading "x") (a bug in ridgeline; run again with DEBUG=ridgeline for a stack trace and report it)\n',
    );
  });

  it('shows the stack of an internal error with DEBUG=ridgeline', async () => {
    vi.stubEnv('DEBUG', 'ridgeline');
    estimateInference.mockImplementation(() => {
      throw new TypeError('Cannot read properties of undefined');
    });
    const r = await cli(ARGS);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ridgeline: internal error: Cannot read properties of undefined\nTypeError: .*\n\s+at /);
  });
});

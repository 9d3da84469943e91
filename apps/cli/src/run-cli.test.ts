import { describe, expect, it } from 'vitest';
import { cli } from './test-cli.ts';

describe('runCli', () => {
  it('prints usage without colour for --help and for no command', async () => {
    for (const argv of [['--help'], [], ['-h']]) {
      const r = await cli(argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('USAGE ridgeline');
      expect(r.stdout).toContain('estimate');
      expect(r.stdout).toContain('hardware');
      expect(r.stdout).toContain('models');
      expect(r.stdout).not.toMatch(/\u001B\[/);
      expect(r.stderr).toBe('');
    }
  });

  it('prints the usage of a sub-command, with its full name', async () => {
    const r = await cli(['estimate', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('USAGE ridgeline estimate');
    expect(r.stdout).toContain('--batch');
    expect(r.stdout).toContain('--weights=<fp32|bf16|fp16|fp8|int8|fp4|int4>');
    const show = await cli(['hardware', 'show', '--help']);
    expect(show.stdout).toContain('USAGE ridgeline hardware show');
    const group = await cli(['hardware', '--help']);
    expect(group.stdout).toContain('list');
    expect(group.stdout).toContain('show');
  });

  it('prints the version', async () => {
    const r = await cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('reports an unknown command with the nearest one', async () => {
    const r = await cli(['estmate']);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: 'ridgeline: error: unknown command "estmate" for "ridgeline". Did you mean "estimate"? Run "ridgeline --help" to see all.\n',
    });
    const sub = await cli(['hardware', 'lst']);
    expect(sub.stderr).toBe(
      'ridgeline: error: unknown command "lst" for "ridgeline hardware". Did you mean "list"? Run "ridgeline hardware --help" to see all.\n',
    );
  });

  it('reports an unknown flag on the root command', async () => {
    const r = await cli(['--verbose']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('ridgeline: error: unknown flag "--verbose" for "ridgeline". Run "ridgeline --help" for usage.\n');
  });
});

import { describe, expect, it } from 'vitest';
import { chipRows } from './hardware-show.ts';
import { firstPartyChips } from '../registry.ts';
import { cli } from '../test-cli.ts';

const EXPECTED_IDS = ['h100-sxm', 'a100-sxm', 'h200', 'b200', 'gb200-nvl72', 'b300', 'gb300-nvl72', 'mi300x', 'tpu-v5e', 'tpu-v6e', 'groq-lpu', 'nvidia-groq3-lpu'];

describe('ridgeline hardware list', () => {
  it('lists every first-party chip with the table header', async () => {
    const r = await cli(['hardware', 'list']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const [header] = r.stdout.split('\n');
    expect(header).toMatch(/^id\s+name\s+vendor\s+BF16 TFLOP\/s\s+memory GB\s+bandwidth TB\/s\s+\$\/h$/);
    for (const id of [...EXPECTED_IDS, ...firstPartyChips().map((c) => c.id)]) {
      expect(r.stdout).toMatch(new RegExp(`^${id.replace(/[.]/g, '\\.')}\\s`, 'm'));
    }
  });

  it('marks announced chips, and explains the marker once under the table', async () => {
    const r = await cli(['hardware', 'list']);
    const lines = r.stdout.split('\n');
    expect(lines.find((l) => l.startsWith('nvidia-groq3-lpu '))).toMatch(
      /^nvidia-groq3-lpu\s+NVIDIA Groq 3 LPU \(LP30, 256-LPU LPX rack\) \[announced\]\s+NVIDIA\s+—\s+0\.500\s+150\s+3\.31$/,
    );
    expect(lines.filter((l) => l.includes('[announced]'))).toHaveLength(2);
    expect(lines.find((l) => l.startsWith('h100-sxm '))).not.toContain('[announced]');
    expect(r.stdout).toMatch(/\n\n\[announced\] announced, not shipping: figures from the announcement or estimated, none measured .*\n$/);
  });

  it('is the default of "hardware"', async () => {
    expect((await cli(['hardware'])).stdout).toBe((await cli(['hardware', 'list'])).stdout);
  });

  it('prints JSON in SI units with --json', async () => {
    const r = await cli(['hardware', 'list', '--json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<{ id: string; memoryBytes: number; usdPerChipHour: number }>;
    expect(rows.map((c) => c.id)).toEqual(expect.arrayContaining(EXPECTED_IDS));
    const h100 = rows.find((c) => c.id === 'h100-sxm');
    expect(h100?.memoryBytes).toBeGreaterThan(70e9);
    expect(h100?.usdPerChipHour).toBeGreaterThan(0);
  });

  it('gives every chip its availability in --json, shipping unless the plugin says announced', async () => {
    const rows = JSON.parse((await cli(['hardware', 'list', '--json'])).stdout) as Array<{ id: string; availability: string; plugin: string }>;
    expect(rows.filter((c) => c.availability === 'announced').map((c) => [c.id, c.plugin])).toEqual([['nvidia-groq3-lpu', '@ridgeline/hardware-groq']]);
    expect(rows.filter((c) => c.availability !== 'announced').every((c) => c.availability === 'shipping')).toBe(true);
  });
});

describe('ridgeline hardware show', () => {
  it('shows every field with unit and source', async () => {
    const r = await cli(['hardware', 'show', 'h100-sxm']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^.*\(h100-sxm\)\n/);
    expect(r.stdout).toMatch(/compute\.peakDenseFlopsPerS\.bf16\s+\d[\d.,]* [PT]FLOP\/s\s+\S/);
    expect(r.stdout).toMatch(/memory\.capacityBytes\s+\d[\d.]* GB\s+\S/);
    expect(r.stdout).toMatch(/memory\.bandwidthBytesPerS\s+\d[\d.]* TB\/s\s+\S/);
    expect(r.stdout).toMatch(/price\.usdPerChipHour\s+\$\d+\.\d\d\/h\s+\S/);
    expect(r.stdout).toMatch(/power\.maxW\s+\d+ W\s+\S/);
    expect(r.stdout).toMatch(/efficiency\.layerOverheadS\s+[\d.]+ [mµn]?s\s+\S/);
  });

  it('says under the name that an announced chip is not shipping, and lists its availability', async () => {
    const r = await cli(['hardware', 'show', 'lp30']);
    expect(r.code).toBe(0);
    const [title, status, calibration, blank] = r.stdout.split('\n');
    expect(title).toBe('NVIDIA Groq 3 LPU (LP30, 256-LPU LPX rack) (nvidia-groq3-lpu)');
    expect(status).toBe('announced, not shipping: figures from the announcement or estimated, none measured');
    expect(calibration).toMatch(/^efficiencies: transferred \(transferred from groq-lpu .*\); no out-of-sample error measured$/);
    expect(blank).toBe('');
    expect(r.stdout).toMatch(/^availability\s+announced\s*$/m);
    expect(r.stdout).toMatch(/^memory\.capacityBytes\s+500 MB\s+LPX rack .*"128 GB of on-chip SRAM" per rack → 128e9 B \/ 256 = 500e6 B per LPU/m);
    expect(r.stdout).toMatch(/^scaleOut\.bandwidthBytesPerS\s+25\.0 GB\/s\s+estimate — NO SCALE-OUT FIGURE IS PUBLISHED/m);
  });

  it('says nothing about availability for a shipping chip', async () => {
    const r = await cli(['hardware', 'show', 'h100-sxm']);
    const lines = r.stdout.split('\n');
    const [title, calibration] = lines;
    expect(title).toBe('NVIDIA H100 SXM5 80GB (h100-sxm)');
    // the default is the best-fitted InferenceX stack's profile
    expect(calibration).toMatch(/^efficiencies: fitted \(the trtllm profile, the chip's best fitted \(lowest out-of-sample error\): fit: pnpm validate --fit over InferenceX DeepSeek-R1, trtllm rows of h100-sxm/);
    // the named profiles follow, each with what it describes and its own status, then a blank line
    const profiles = lines.slice(2, lines.indexOf(''));
    expect(profiles.map((l) => l.split(':')[0]).sort()).toEqual(['profile 2023', 'profile sglang', 'profile trtllm']);
    expect(profiles[0]).toMatch(/^profile 2023: the stacks of the published paper rows it is fitted to: .*; fitted \(/);
    expect(r.stdout).not.toMatch(/^availability/m);
  });

  it('accepts an alias, case-insensitively', async () => {
    const chip = firstPartyChips().find((c) => (c.aliases ?? []).length > 0);
    expect(chip).toBeDefined();
    const alias = chip?.aliases?.[0] ?? '';
    const r = await cli(['hardware', 'show', alias.toUpperCase(), '--json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { id: string }).id).toBe(chip?.id);
  });

  it('prints the chip as the plugin gives it with --json', async () => {
    const r = await cli(['hardware', 'show', 'mi300x', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(firstPartyChips().find((c) => c.id === 'mi300x'));
  });

  it('reports an unknown id with the nearest names', async () => {
    const r = await cli(['hardware', 'show', 'h10-sxm']);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: 'ridgeline: error: unknown hardware "h10-sxm". Did you mean "h100-sxm"? Run "ridgeline hardware list" to see all.\n',
    });
  });

  it('reports a missing id', async () => {
    const r = await cli(['hardware', 'show']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('ridgeline: error: missing argument <id>. Run "ridgeline hardware show --help" for usage.\n');
  });
});

describe('chipRows', () => {
  it('renders efficiency curves with their axis', () => {
    const h100 = firstPartyChips().find((c) => c.id === 'h100-sxm');
    if (h100 === undefined) throw new Error('h100-sxm missing');
    const chip = {
      ...h100,
      efficiency: {
        ...h100.efficiency,
        flop: { curve: [[1, 0.2], [100, 0.7]] as const, over: 'arithmeticIntensity' as const, source: 'fit: test' },
        network: { curve: [[1024, 0.1], [1e9, 0.8]] as const, over: 'messageBytes' as const, source: 'fit: nccl' },
      },
    };
    const rows = chipRows(chip);
    expect(rows).toContainEqual(['efficiency.flop', 'curve over arithmetic intensity: 1.00 FLOP/B → 20.0%, 100 FLOP/B → 70.0%', 'fit: test']);
    expect(rows).toContainEqual(['efficiency.network', 'curve over message size: 1.02 kB → 10.0%, 1.00 GB → 80.0%', 'fit: nccl']);
    expect(rows).toContainEqual(['scaleUp.topology', h100.scaleUp.topology, '']);
  });
});

import { describe, expect, it } from 'vitest';
import { groupByFromFlag, parseWhereFlag, whereFromFlags } from './sweep-filters.ts';
import { UserError } from './errors.ts';

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    if (error instanceof UserError) return error.message;
    throw error;
  }
  throw new Error('expected a UserError');
}

describe('--where', () => {
  it('reads metric<=x and metric>=x with full or short metric names, in plain or exponent notation', () => {
    expect(parseWhereFlag('ttft<=2', 'inference')).toEqual({ metric: 'ttftS', side: 'max', value: 2 });
    expect(parseWhereFlag(' tokensPerSPerUser >= 2.5e1 ', 'inference')).toEqual({ metric: 'tokensPerSPerUser', side: 'min', value: 25 });
    expect(parseWhereFlag('per-user>=-1', 'inference')).toEqual({ metric: 'tokensPerSPerUser', side: 'min', value: -1 });
    expect(parseWhereFlag('cost<=3e6', 'training')).toEqual({ metric: 'costUsd', side: 'max', value: 3e6 });
  });

  it('takes a unit where the metric is a quantity: durations, power, energy and sizes', () => {
    expect(parseWhereFlag('ttft<=2s', 'inference').value).toBe(2);
    expect(parseWhereFlag('tpot<=50ms', 'inference').value).toBeCloseTo(0.05, 15);
    expect(parseWhereFlag('requestLatencyS <= 1.5min', 'inference').value).toBe(90);
    expect(parseWhereFlag('powerPerChipW<=700W', 'inference').value).toBe(700);
    expect(parseWhereFlag('power<=1.2kW', 'training').value).toBe(1200);
    expect(parseWhereFlag('energyPerTokenJ<=500mJ', 'inference').value).toBe(0.5);
    expect(parseWhereFlag('energy<=20MWh', 'training').value).toBe(7.2e10);
    expect(parseWhereFlag('memoryTotalBytes<=80GB', 'inference').value).toBe(80e9);
    expect(parseWhereFlag('days<=30d', 'training').value).toBe(30 * 86_400);
    // the facility: provisioned power in W, kW or MW, joules per output token, and tokens per MW a bare rate
    expect(parseWhereFlag('facility-power<=2MW', 'inference')).toEqual({ metric: 'provisionedFacilityW', side: 'max', value: 2e6 });
    expect(parseWhereFlag('provisionedFacilityW<=2e6', 'inference').value).toBe(2e6);
    expect(parseWhereFlag('facility-energy<=800mJ', 'inference')).toEqual({ metric: 'facilityJPerOutputToken', side: 'max', value: 0.8 });
    expect(parseWhereFlag('tokens-per-mw>=1.5e5', 'inference')).toEqual({ metric: 'tokensPerSPerProvisionedMW', side: 'min', value: 1.5e5 });
    expect(messageOf(() => parseWhereFlag('tokens-per-mw>=1MW', 'inference'))).toBe(
      '--where "tokens-per-mw>=1MW": the bound of tokensPerSPerProvisionedMW must be a finite number in plain or exponent notation (2, 0.05, 1e-3), got "1MW"',
    );
    expect(messageOf(() => parseWhereFlag('power<=700w', 'training'))).toBe(
      '--where "power<=700w": the bound of powerPerChipW must be a finite number in plain or exponent notation (2, 0.05, 1e-3) or a power with a unit (W, kW, MW, GW), got "700w"',
    );
  });

  it('says what is allowed in one line', () => {
    for (const raw of ['ttft<2', 'ttft=2', 'ttft', '<=2', 'ttft=<2']) {
      expect(messageOf(() => parseWhereFlag(raw, 'inference'))).toBe(
        `--where takes metric<=x or metric>=x (only <= and >=; quote it for the shell: --where 'ttftS<=2'), got "${raw}"`,
      );
    }
    for (const bound of ['0x10', '', 'NaN', 'Infinity', '1e999', '2x', '1,5', '1_000', '2 s s']) {
      expect(messageOf(() => parseWhereFlag(`ttft<=${bound}`, 'inference'))).toBe(
        `--where "ttft<=${bound}": the bound of ttftS must be a finite number in plain or exponent notation (2, 0.05, 1e-3) or a duration with a unit (s, ms, us, µs, min, h, d), got "${bound}"`,
      );
    }
    expect(messageOf(() => parseWhereFlag('per-user>=2s', 'inference'))).toBe(
      '--where "per-user>=2s": the bound of tokensPerSPerUser must be a finite number in plain or exponent notation (2, 0.05, 1e-3), got "2s"',
    );
    expect(messageOf(() => parseWhereFlag('ttfx<=2', 'inference'))).toMatch(/^--where: unknown metric "ttfx"\. Did you mean "ttft"\? Use a metric \(ttftS, tpotS, .*\) or a short name \(cost, .*\)$/);
    expect(messageOf(() => parseWhereFlag('tpot<=2', 'training'))).toMatch(/^--where: unknown training metric "tpot"\./);
    for (const raw of ['ttft<2', 'ttfx<=2', 'ttft<=0x10']) expect(messageOf(() => parseWhereFlag(raw, 'inference'))).not.toContain('\n');
  });

  it("replaces the spec's bound on the same side and adds the rest, in metric order", () => {
    const base = [{ metric: 'ttftS', min: 0.1, max: 5 }, { metric: 'costPerMillionTokensUsd', max: 1 }] as const;
    expect(whereFromFlags(base, ['tpot<=0.05', 'ttft<=2', 'ttft<=3'], 'inference')).toEqual([
      { metric: 'ttftS', min: 0.1, max: 3 },
      { metric: 'tpotS', max: 0.05 },
      { metric: 'costPerMillionTokensUsd', max: 1 },
    ]);
    expect(whereFromFlags([], [], 'inference')).toEqual([]);
    expect(whereFromFlags(base, [], 'inference')).toEqual([base[0], base[1]]);
    expect(messageOf(() => whereFromFlags(base, ['ttft>=6'], 'inference'))).toBe('--where: ttftS ≥ 6 and ≤ 5 match nothing; give a min ≤ max');
  });
});

describe('--group-by', () => {
  it('reads model, chip or hardware, alone or together, and keeps the spec’s grouping without the flag', () => {
    expect(groupByFromFlag('model,chip', [])).toEqual(['model', 'chip']);
    expect(groupByFromFlag(' hardware , model ', [])).toEqual(['model', 'chip']);
    expect(groupByFromFlag('hardware', ['model'])).toEqual(['chip']);
    expect(groupByFromFlag(undefined, ['model'])).toEqual(['model']);
    for (const raw of ['gpu', 'model,', '', 'model;chip']) {
      expect(messageOf(() => groupByFromFlag(raw, []))).toBe(`--group-by takes model, chip or model,chip (hardware is the same as chip), got "${raw}"`);
    }
  });
});

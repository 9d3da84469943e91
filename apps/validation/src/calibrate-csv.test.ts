import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { runCli } from 'ridgeline';
import { efficiencyAt } from '@ridgeline/hardware';
import { mi355x } from '@ridgeline/hardware-amd';
import { calibrateCsv, calibrateCsvExclusion, CALIBRATE_CSV_HEADER } from './calibrate-csv.ts';
import { inferencexConfig, readInferencex, selectInferencex } from './inferencex.ts';

/** The plugin guide's real-data example; `RIDGELINE_WRITE_EXAMPLE=1` rewrites it from `calibrateCsv`. */
const EXAMPLE = fileURLToPath(new URL('../../../docs/examples/inferencex-mi355x-atom.csv', import.meta.url));
const COMMENTS = [
  "InferenceX's DeepSeek-R1 serving rows of MI355X on ATOM (apps/validation/data/inferencex-dsr1.csv), as ridgeline calibrate reads them:",
  'each row as pnpm validate reads it (mean lengths, the recipe\'s engine cap and draft tokens, the benchmark run), measured twice: tput_per_gpu and 1/median_intvty.',
  'Fit: ridgeline calibrate docs/examples/inferencex-mi355x-atom.csv --hardware mi355x --serving. Regenerate: RIDGELINE_WRITE_EXAMPLE=1 npx vitest run src/calibrate-csv.test.ts (in apps/validation).',
];

const kept = selectInferencex(readInferencex()).kept;
const atom = kept.filter((r) => r.hardware === 'mi355x' && r.framework === 'atom');

async function calibrateJson(argv: string[]): Promise<{ code: number; stderr: string; json: { fitted: { flop: number; flopByPrecision?: { fp8?: number }; memory: number; layerOverheadS: number; network: number }; mtpAcceptance: number | null; outOfSample: { rows: number; curves: number } | null; efficiency: { calibration: { outOfSampleError?: { throughput: number; interactivity: number } } }; rows: Array<{ before: { predicted: number | null } }> } }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['calibrate', ...argv, '--json'], { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) });
  return { code, stderr, json: code === 0 ? (JSON.parse(stdout) as never) : (undefined as never) };
}

describe('InferenceX rows as a ridgeline calibrate CSV', () => {
  test('the example is MI355X\'s ATOM rows, every one of them, two figures each', () => {
    if (process.env['RIDGELINE_WRITE_EXAMPLE'] === '1') writeFileSync(EXAMPLE, calibrateCsv(atom, COMMENTS));
    const text = readFileSync(EXAMPLE, 'utf8');
    expect(text).toBe(calibrateCsv(atom, COMMENTS));
    expect(atom.every((r) => calibrateCsvExclusion(r) === undefined)).toBe(true);
    const lines = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(lines[0]).toBe(CALIBRATE_CSV_HEADER);
    expect(lines.length - 1).toBe(2 * atom.length);
    // a row's figures: its throughput per GPU as measured, and 1 / its tokens/s per user, 6 digits
    const first = atom[0]!;
    expect(lines[1]).toMatch(new RegExp(`^inferencex ${first.line} tput,deepseek-v3,.*,tokens_per_s_per_chip,${Number(first.tputPerGpu.toPrecision(6))}$`));
    expect(lines[2]).toMatch(new RegExp(`^inferencex ${first.line} tpot,deepseek-v3,.*,tpot_s,${Number((1 / first.medianIntvty).toPrecision(6))}$`));
  });

  test('a disaggregated row with idle decode workers cannot be written, nor one whose clients the workers do not divide', () => {
    const idle = kept.find((r) => r.disagg && r.conc < r.decodeNumWorkers)!;
    expect(calibrateCsvExclusion(idle)).toBe('idle decode workers');
    const uneven = kept.find((r) => r.disagg && r.conc >= r.decodeNumWorkers && r.conc % r.decodeNumWorkers !== 0)!;
    expect(inferencexConfig(uneven, 'continuous').batch * uneven.decodeNumWorkers).not.toBe(uneven.conc);
    expect(calibrateCsvExclusion(uneven)).toBe('clients not a multiple of the decode workers');
    expect(calibrateCsv([idle, uneven])).toBe(`${CALIBRATE_CSV_HEADER}\n`);
  });

  test('ridgeline calibrate --serving on it fits what pnpm validate --fit committed for MI355X\'s atom profile', async () => {
    const { code, stderr, json } = await calibrateJson([EXAMPLE, '--hardware', 'mi355x', '--serving']);
    expect(code, stderr).toBe(0);
    const profile = mi355x.efficiencyProfiles!['atom']!;
    const experts = profile.expertFlopByPrecision!.fp8!;
    // the experts' small-GEMM η_flop, η_mem and t_layer the committed profile holds, η_net as held
    expect(json.fitted.flopByPrecision?.fp8 ?? json.fitted.flop).toBe(efficiencyAt(experts, 128));
    expect(json.fitted.memory).toBe(efficiencyAt(profile.memory, 0));
    expect(json.fitted.layerOverheadS).toBe(efficiencyAt(profile.layerOverheadS, 0));
    expect(json.fitted.network).toBe(efficiencyAt(profile.network, 1e6));
    // ATOM runs on MI355X alone, so the stack's acceptance, pooled over every chip, is this chip's
    expect(json.mtpAcceptance).toBe(profile.mtpAcceptance!.value);
    // and one curve left out at a time, the error out of sample the profile quotes
    const quoted = profile.calibration!.outOfSampleError!;
    expect(json.efficiency.calibration.outOfSampleError).toMatchObject({ throughput: quoted.throughput, interactivity: quoted.interactivity });
    expect(json.outOfSample).toMatchObject({ rows: 2 * atom.length, curves: 4 });
  }, 120_000);
});

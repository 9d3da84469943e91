import { describe, expect, test } from 'vitest';
import { efficiencyAt } from '@ridgeline/hardware';
import { h100Sxm } from '@ridgeline/hardware-nvidia';
import type { CalibrationGrid, CalibrationRow } from '@ridgeline/model';
import { leaveOneRowOut } from './fit.ts';

describe('leaveOneRowOut: each row predicted by the fit over the other rows', () => {
  // A row whose prediction is η_mem × 100, on a grid that searches η_mem in {0.6, 0.9} alone.
  const row = (id: string, measured: number): CalibrationRow => ({ id, measured, predict: (chip) => efficiencyAt(chip.efficiency.memory, 1) * 100 });
  const grid: CalibrationGrid = { flop: [0.5], memory: [0.6, 0.9], network: [0.8], layerOverheadS: [0], commOverlap: [0] };
  const rows = [row('a', 60), row('b', 85), row('c', 85)];

  test('a row that decides the fit is predicted by the fit that flips without it', () => {
    // All three: 0.6 costs 2·|ln(60/85)| = 0.697, 0.9 costs |ln(90/60)| + 2·|ln(90/85)| = 0.519, so
    // the fit is 0.9 and, in sample, b and c are 90/85 − 1 = 5.9% off.
    // Without a: 0.9 fits b and c best (0.114 against 0.697) and predicts a at 90: 90/60 − 1 = 0.5.
    // Without b: 0.6 costs |ln(60/85)| = 0.348, 0.9 costs 0.405 + 0.057 = 0.462, so the fit is 0.6
    // and predicts b at 60: |60/85 − 1| = 25/85. The same for c.
    const errors = leaveOneRowOut(h100Sxm, rows, grid, { flopCurve: false });
    expect(errors).toHaveLength(3);
    expect(errors[0]).toBeCloseTo(0.5, 12);
    expect(errors[1]).toBeCloseTo(25 / 85, 12);
    expect(errors[2]).toBeCloseTo(25 / 85, 12);
  });

  test('a single row has no other rows to fit on: no out-of-sample error', () => {
    expect(leaveOneRowOut(h100Sxm, [row('a', 60)], grid, { flopCurve: false })).toEqual([]);
  });
});

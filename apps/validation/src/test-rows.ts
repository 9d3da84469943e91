import { readInferencex, selectInferencex, type InferencexRow } from './inferencex.ts';

/** The InferenceX rows the validation keeps (data/inferencex-dsr1.csv), for tests. */
export const keptRows: readonly InferencexRow[] = selectInferencex(readInferencex()).kept;

/** The first of `rows` that `where` accepts; a test that names a row the data lacks fails saying so. */
export function findRow(where: (r: InferencexRow) => boolean, rows: readonly InferencexRow[] = keptRows): InferencexRow {
  const row = rows.find(where);
  if (row === undefined) throw new Error('no such row in data/inferencex-dsr1.csv');
  return row;
}

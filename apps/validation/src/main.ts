import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fitEfficiencies } from './fit.ts';
import { outcomeTable, skippedLines, summaryLines, withAccuracySection } from './report.ts';
import { loadRows, runValidation } from './validate.ts';

const rows = loadRows();
if (process.argv.includes('--fit')) {
  fitEfficiencies(rows);
} else if (process.argv.includes('--readme')) {
  // Regenerates the table, counts and reasons of the root README's Accuracy section, and the counts here.
  const report = runValidation(rows);
  for (const url of [new URL('../../../README.md', import.meta.url), new URL('../README.md', import.meta.url)]) {
    const path = fileURLToPath(url);
    writeFileSync(path, withAccuracySection(readFileSync(path, 'utf8'), report));
    console.log(`updated ${path}`);
  }
} else {
  const report = runValidation(rows);
  console.log(outcomeTable(report).join('\n'));
  console.log(`\n${summaryLines(report).join('\n')}`);
  console.log(`\nNot reproduced (${report.skipped.length}):`);
  for (const line of skippedLines(report)) console.log(line);
}

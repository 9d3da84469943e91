import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DOMINANCE_SHORTFALL, dominanceLines, dominancePairs, withDominanceSection } from './dominance.ts';
import { fitEfficiencies } from './fit.ts';
import { heldOutLines, predictHeldOut, readHeldOut, withHeldOutSection } from './held-out.ts';
import { mlperfLines, predictMlperf, readMlperf, withMlperfSection } from './mlperf.ts';
import { ALONG_FRONTIER, inferencexChip, inferencexChipById, inferencexLines, inferencexRowLines, readInferencex, runInferencex, selectInferencex } from './inferencex.ts';
import { tailLines } from './tail.ts';
import { committedProfileOf, fitInferencex, fitInferencexStacks, fittedProfileOf, forwardCheck, forwardCheckLine, oneCurveProfileErrors, outOfSampleRankingLine, pooledOutOfSampleLine, inferencexFitLines, inferencexStackFitLines, profilesModule, TRANSFER_PAIRS, transferCheck, transferCheckLines, type StackProfileOf, type TransferCheck } from './inferencex-fit.ts';
import { outcomeTable, skippedLines, summaryLines, withAccuracySection } from './report.ts';
import { loadRows, runValidation } from './validate.ts';

const { values: flags } = parseArgs({
  // `pnpm validate -- --flag` passes the `--` through; drop it so the flags after it still count.
  args: process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--')),
  options: {
    fit: { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
    readme: { type: 'boolean', default: false },
    'inferencex-rows': { type: 'boolean', default: false },
    transfer: { type: 'boolean', default: false },
  },
  strict: true,
  allowPositionals: false,
});

const rows = loadRows();
if (flags.fit) {
  console.log('Published rows (public.csv), per chip:');
  fitEfficiencies(rows);
  // InferenceX: one fit per chip, cross-validated leaving one curve out; progress on stderr (minutes).
  const started = Date.now();
  /** Each progress message on stderr, after the seconds since the fits began. */
  const progress = (message: string): void => {
    process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${message}\n`);
  };
  const kept = selectInferencex(readInferencex()).kept;
  const fits = fitInferencex(kept, inferencexChip, progress);
  console.log('\nInferenceX (data/inferencex-dsr1.csv), per chip: median |error| (median signed error) with the plugin\'s efficiencies, fitted on all the chip\'s rows, and out of sample (each curve — chip, framework, precision, MTP or not — predicted by the fit on the others):\n');
  console.log(inferencexFitLines(fits).join('\n'));
  console.log(`\n${pooledOutOfSampleLine(fits)}`);
  console.log(`\n${tailLines(fits.flatMap((f) => f.heldPredictions)).join('\n')}\n`);
  console.log(outOfSampleRankingLine(fits, 'each chip fitted on its other curves'));
  console.log(outOfSampleRankingLine(fits, 'each chip fitted on its other curves', ALONG_FRONTIER));
  // One profile per serving stack: what --stack selects (and the plugins carry after --write).
  const stackFits = fitInferencexStacks(kept, inferencexChip, progress);
  console.log('\nPer serving stack (the profiles --stack selects):\n');
  console.log(inferencexStackFitLines(stackFits).join('\n'));
  console.log(`\n${outOfSampleRankingLine(stackFits, 'each row under its stack\'s profile fitted on the stack\'s other curves')}`);
  console.log(outOfSampleRankingLine(stackFits, 'each row under its stack\'s profile fitted on the stack\'s other curves', ALONG_FRONTIER));
  // Out of sample in time: the profiles fitted on the earlier runs, predicting the later ones.
  const forward = forwardCheck(kept, inferencexChip, undefined, undefined, (message) => progress(`forward: ${message}`));
  console.log(`\n${forwardCheckLine(forward)}`);
  // The transfer rule on fitted pairs: what a chip without measurements quotes as its error, and a
  // profile fitted on one curve too. It reads the profiles this run fitted, which --write commits, so
  // the quotes written below and the table pnpm validate --transfer prints after it agree.
  console.log('\nThe transfer rule on fitted pairs (one chip\'s stack profile as this run fitted it predicting another chip\'s rows of that stack):\n');
  const transfers = transferChecks(fittedProfileOf(stackFits));
  console.log(transferCheckLines(transfers).join('\n'));
  if (flags.write) {
    // a profile fitted on one curve quotes the error of a fit that never saw it (its chip's other stack, else the transfer rule)
    const quoted = oneCurveProfileErrors(stackFits, fits, transfers);
    const date = new Date().toISOString().slice(0, 10);
    for (const [vendor, dir] of [['NVIDIA', 'hardware-nvidia'], ['AMD', 'hardware-amd']] as const) {
      const ofVendor = stackFits.filter((f) => inferencexChipById(f.chip)?.vendor === vendor);
      const path = fileURLToPath(new URL(`../../../packages/${dir}/src/inferencex-profiles.ts`, import.meta.url));
      writeFileSync(path, profilesModule(ofVendor, date, quoted));
      console.log(`wrote ${path}`);
    }
    console.log('The transfer table above is what pnpm validate --transfer now prints: copy its GB300 NVL72 and MI325X pairs into their plugins\' quoted errors.');
  }
} else if (flags.transfer) {
  console.log(transferCheckLines(transferChecks()).join('\n'));
} else if (flags.readme) {
  // Regenerates the table, counts and reasons of the root README's Accuracy section, and the counts here.
  // and the InferenceX block between its markers (per chip; the framework split stays in `pnpm validate`).
  const report = runValidation(rows);
  const inferencex = runInferencex();
  const heldOut = heldOutLines(readHeldOut().map(predictHeldOut));
  const mlperf = mlperfLines(readMlperf().map(predictMlperf));
  const dominance = dominanceLines(dominancePairs(inferencex.selection.kept));
  for (const url of [new URL('../../../README.md', import.meta.url), new URL('../README.md', import.meta.url)]) {
    const path = fileURLToPath(url);
    writeFileSync(path, withMlperfSection(withDominanceSection(withHeldOutSection(withAccuracySection(readFileSync(path, 'utf8'), report, inferencex), heldOut), dominance), mlperf));
    console.log(`updated ${path}`);
  }
} else {
  const report = runValidation(rows);
  console.log(outcomeTable(report).join('\n'));
  console.log(`\n${summaryLines(report).join('\n')}`);
  console.log(`\nNot reproduced (${report.skipped.length}):`);
  for (const line of skippedLines(report)) console.log(line);

  const inferencex = runInferencex();
  console.log(`\n${inferencexLines(inferencex).join('\n')}`);
  console.log(`\nWithout any prediction: rows of one configuration (stack, precision, MTP, deployment, input/output lengths, concurrency) on two chips, the first's datasheet at least the second's on every figure serving reads; the stronger chip's measured throughput per GPU and tokens/s per user over the weaker's (medians), and the pairs where it measured below ${DOMINANCE_SHORTFALL} of the weaker's throughput:\n`);
  console.log(dominanceLines(dominancePairs(inferencex.selection.kept)).join('\n'));
  console.log('\nHeld out (data/trtllm-perf-overview.csv: TensorRT-LLM v1.0 maximum throughput of other models, never fitted), each chip\'s trtllm profile, the best output tokens/s over the engine\'s batch sizes that fit:\n');
  console.log(heldOutLines(readHeldOut().map(predictHeldOut)).join('\n'));
  console.log("\nHeld out (data/mlperf-offline.csv: MLPerf Inference Offline results of one node, never fitted), the TensorRT-LLM submissions under the chip's trtllm profile and the rest under its default, the node's best output tokens/s over engine layouts and batches that fit:\n");
  console.log(mlperfLines(readMlperf().map(predictMlperf)).join('\n'));
  if (flags['inferencex-rows']) {
    console.log(`\nInferenceX rows reproduced (${inferencex.selection.kept.length}):`);
    for (const line of inferencexRowLines(inferencex)) console.log(line);
  } else {
    console.log('\n(pnpm validate --inferencex-rows lists every reproduced row with its command and errors.)');
  }
}

/** The transfer checks of TRANSFER_PAIRS, with the plugins' committed stack profiles unless `profileOf` gives others. */
function transferChecks(profileOf: StackProfileOf = committedProfileOf): TransferCheck[] {
  const kept = selectInferencex(readInferencex()).kept;
  return TRANSFER_PAIRS.flatMap(([from, to, stack]) => transferCheck(kept, inferencexChipById, from, to, stack, profileOf) ?? []);
}

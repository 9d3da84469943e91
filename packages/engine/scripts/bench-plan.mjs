// `pnpm --filter @ridgeline/engine bench:plan`: how long `ridgeline plan` takes for issue 9's
// question — Llama 3.1 70B, 2,048 in / 256 out, TTFT ≤ 2 s and TPOT ≤ 50 ms, on H100, H200, MI300X
// and TPU v6e — as `planServing` on this thread (the engine compiled once) and as the whole CLI
// process (startup included), runs interleaved, each the median of several runs with its range;
// then the same question disaggregated (`--disaggregate`, issue 10), whose search is far larger.
// Prints, never asserts. Runs on the built packages.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { models } from '@ridgeline/catalog';
import amd from '@ridgeline/hardware-amd';
import google from '@ridgeline/hardware-google';
import nvidia from '@ridgeline/hardware-nvidia';
import { createEngine, planServing } from '../dist/index.js';

const CHIPS = ['h100-sxm', 'h200', 'mi300x', 'tpu-v6e'];
const all = [nvidia, amd, google].flatMap((p) => p.chips);
const chips = CHIPS.map((id) => ({ chip: all.find((c) => c.id === id) }));
const model = models.find((m) => m.id === 'llama-3.1-70b');
const runs = Math.max(1, Number(process.env.RIDGELINE_BENCH_RUNS ?? 7));
// a disaggregated search takes about a second per chip: fewer runs
const disaggregatedRuns = Math.max(1, Number(process.env.RIDGELINE_BENCH_DISAGGREGATED_RUNS ?? 3));
const cli = fileURLToPath(new URL('../../../apps/cli/dist/main.js', import.meta.url));
const argv = [cli, 'plan', '--model', 'llama-3.1-70b', '--hardware', CHIPS.join(','), '--input', '2048', '--output', '256', '--ttft', '2s', '--tpot', '50ms', '--json'];

const engine = await createEngine();
const request = { model, chips, inputTokens: 2048, outputTokens: 256, targets: { ttftS: 2, tpotS: 0.05 }, engine };

/** Times planServing and the CLI process, interleaved, `n` times each; the configurations searched. */
async function time(n, extraRequest, extraArgv) {
  const times = { library: [], cli: [] };
  let searched = 0;
  for (let r = 0; r < n; r++) {
    let t = performance.now();
    const plan = await planServing({ ...request, ...extraRequest });
    times.library.push((performance.now() - t) / 1000);
    searched = plan.results.reduce((s, c) => s + c.searched, 0);
    t = performance.now();
    const child = spawnSync(process.execPath, [...argv, ...extraArgv], { encoding: 'utf8' });
    times.cli.push((performance.now() - t) / 1000);
    if (child.status !== 0) throw new Error(`ridgeline plan exited ${child.status}: ${child.stderr}`);
  }
  return { times, searched };
}
const text = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return `${(s[Math.floor(s.length / 2)] * 1000).toFixed(0)} ms (median of ${s.length}: ${(s[0] * 1000).toFixed(0)}–${(s.at(-1) * 1000).toFixed(0)} ms)`;
};

const colocated = await time(runs, {}, []);
console.log(`ridgeline plan, Llama 3.1 70B on ${CHIPS.join(', ')} (${colocated.searched.toLocaleString('en')} configurations searched):`);
console.log(`  planServing (engine compiled once): ${text(colocated.times.library)}`);
console.log(`  the CLI process, startup included:  ${text(colocated.times.cli)}`);
const disaggregated = await time(disaggregatedRuns, { disaggregation: {} }, ['--disaggregate']);
console.log(`ridgeline plan --disaggregate, the same question (${disaggregated.searched.toLocaleString('en')} configurations searched):`);
console.log(`  planServing (engine compiled once): ${text(disaggregated.times.library)}`);
console.log(`  the CLI process, startup included:  ${text(disaggregated.times.cli)}`);

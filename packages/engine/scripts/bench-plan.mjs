// `pnpm --filter @ridgeline/engine bench:plan`: how long `ridgeline plan` takes for issue 9's
// question — Llama 3.1 70B, 2,048 in / 256 out, TTFT ≤ 2 s and TPOT ≤ 50 ms, on H100, H200, MI300X
// and TPU v6e — as `planServing` on this thread (the engine compiled once) and as the whole CLI
// process (startup included), runs interleaved, each the median of several runs with its range.
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
const cli = fileURLToPath(new URL('../../../apps/cli/dist/main.js', import.meta.url));
const argv = [cli, 'plan', '--model', 'llama-3.1-70b', '--hardware', CHIPS.join(','), '--input', '2048', '--output', '256', '--ttft', '2s', '--tpot', '50ms', '--json'];

const engine = await createEngine();
const request = { model, chips, inputTokens: 2048, outputTokens: 256, targets: { ttftS: 2, tpotS: 0.05 }, engine };
const times = { library: [], cli: [] };
let searched = 0;
for (let r = 0; r < runs; r++) {
  let t = performance.now();
  const plan = await planServing(request);
  times.library.push((performance.now() - t) / 1000);
  searched = plan.results.reduce((n, c) => n + c.searched, 0);
  t = performance.now();
  const child = spawnSync(process.execPath, argv, { encoding: 'utf8' });
  times.cli.push((performance.now() - t) / 1000);
  if (child.status !== 0) throw new Error(`ridgeline plan exited ${child.status}: ${child.stderr}`);
}
const text = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return `${(s[Math.floor(s.length / 2)] * 1000).toFixed(0)} ms (median of ${s.length}: ${(s[0] * 1000).toFixed(0)}–${(s.at(-1) * 1000).toFixed(0)} ms)`;
};
console.log(`ridgeline plan, Llama 3.1 70B on ${CHIPS.join(', ')} (${searched.toLocaleString('en')} configurations searched):`);
console.log(`  planServing (engine compiled once): ${text(times.library)}`);
console.log(`  the CLI process, startup included:  ${text(times.cli)}`);

// What `--help` adds to citty's usage text: an Examples section for every command, and defaults
// written one way, "(default: …)" (citty writes "(Default: 1)" for a flag's `default`, and the
// descriptions give the defaults citty cannot show, such as "(default: the chip's list price)").

/** One example of a command: the command line as a user types it, and what it shows. */
export interface Example {
  readonly what: string;
  readonly command: string;
  /** It reads or writes files the user has (a spec, a CSV, a plugin): its flags are checked, it is not run. */
  readonly files?: true;
}

/** The examples of every command, by its path; `help.test.ts` checks each has some and that they run. */
export const EXAMPLES: Readonly<Record<string, readonly Example[]>> = {
  ridgeline: [
    { what: 'Llama 3.1 70B served on 8 H100s: latency, throughput, memory, cost and energy', command: 'ridgeline estimate --model llama-3.1-70b --hardware h100 --chips 8' },
    { what: 'The best configuration per chip under latency targets', command: 'ridgeline plan --model llama-3.1-70b --hardware h100,mi300x --ttft 2s --tpot 50ms' },
    { what: 'The chips Ridgeline knows', command: 'ridgeline hardware list' },
    { what: 'Shell completion for bash', command: 'ridgeline completion bash > ~/.local/share/bash-completion/completions/ridgeline', files: true },
  ],
  'ridgeline estimate': [
    { what: 'Llama 3.1 70B on 8 H100s, 64 requests in flight', command: 'ridgeline estimate --model llama-3.1-70b --hardware h100 --chips 8 --batch 64' },
    { what: 'DeepSeek-V3 in FP8 with experts over 8 H200s', command: 'ridgeline estimate --model deepseek-v3 --hardware h200 --chips 8 --ep 8 --weights fp8 --kv fp8 --activations fp8 --batch 64' },
    { what: 'A Hugging Face id the catalog knows, as JSON', command: 'ridgeline estimate --model meta-llama/Llama-3.1-8B --hardware h100 --json' },
    { what: "With the H100's efficiencies fitted to SGLang", command: 'ridgeline estimate --model llama-3.1-70b --hardware h100 --chips 8 --batch 64 --stack sglang' },
    { what: '96 users on an engine that holds 64 requests at once: the other 32 wait, in TTFT', command: 'ridgeline estimate --model llama-3.1-70b --hardware h100 --chips 8 --batch 96 --max-batch 64' },
    { what: 'Disaggregated: 1 prefill worker feeds 3 decode workers, 8 H200s each', command: 'ridgeline estimate --model deepseek-v3 --hardware h200 --chips 8 --ep 8 --weights fp8 --kv fp8 --batch 64 --prefill-workers 1 --decode-workers 3 --prefill-tp 8 --prefill-ep 8' },
    { what: 'Your own model and chip', command: 'ridgeline estimate --model ./Llama-3.1-8B/config.json --hardware ./acme-chips.json#acme-x1', files: true },
  ],
  'ridgeline train': [
    { what: 'Pre-training Llama 3.1 70B on 15T tokens over 1,024 H100s', command: 'ridgeline train --model llama-3.1-70b --hardware h100 --chips 1024 --tp 8 --pp 4 --tokens 15e12' },
    { what: 'Fine-tuning Llama 3.1 8B on 8 H100s with ZeRO 3, as JSON', command: 'ridgeline train --model llama-3.1-8b --hardware h100 --chips 8 --zero 3 --tokens 1e9 --json' },
    { what: "On the H100's 2023 efficiencies, those of the published paper rows", command: 'ridgeline train --model llama-3.1-70b --hardware h100 --chips 1024 --tp 8 --pp 4 --tokens 15e12 --efficiency-profile 2023' },
  ],
  'ridgeline plan': [
    { what: 'Most tokens/s per chip under TTFT 2 s and TPOT 50 ms, on two chips', command: 'ridgeline plan --model llama-3.1-70b --hardware h100 --hardware mi300x --ttft 2s --tpot 50ms' },
    { what: 'Fewest H200s serving 20 requests/s', command: 'ridgeline plan --model llama-3.1-70b --hardware h200 --tpot 50ms --rate 20 --objective chips' },
    { what: 'Disaggregated: decode on H200, prefill on B200', command: 'ridgeline plan --model deepseek-v3 --hardware h200 --prefill-hardware b200 --ttft 2s --tpot 50ms' },
    { what: 'Most tokens/s a 20 MW facility serves, per chip', command: 'ridgeline plan --model llama-3.1-70b --hardware h100,mi355x,tpu-v7,nvidia-groq3-lpu --precisions bf16,fp8,int8 --ttft 2s --tpot 50ms --power-budget 20MW' },
    { what: 'The same 20 MW, disaggregated: decode on H200, prefill on B200, both pools provisioned', command: 'ridgeline plan --model llama-3.1-70b --hardware h200 --prefill-hardware b200 --ttft 1s --tpot 30ms --power-budget 20MW' },
  ],
  'ridgeline sweep': [
    { what: 'Every configuration of a spec, filtered, the 5 cheapest', command: "ridgeline sweep spec.yaml --where 'ttft<=2s' --where 'tpot<=50ms' --top 5 --by cost", files: true },
    { what: 'Every configuration as a row, to Parquet', command: 'ridgeline sweep spec.yaml --out rows.parquet', files: true },
    { what: 'The first of 4 shards, for "ridgeline merge"', command: 'ridgeline sweep spec.yaml --shard 0/4 --json > shard-0.json', files: true },
    { what: 'A sweep of over an hour, or over 10^6 rows to --out, without asking', command: 'ridgeline sweep big.yaml --out rows.parquet --yes', files: true },
  ],
  'ridgeline merge': [
    { what: 'Four shards into the result of one run', command: 'ridgeline merge shard-0.json shard-1.json shard-2.json shard-3.json', files: true },
    { what: 'The merged result as JSON, also written to a file', command: 'ridgeline merge shard-*.json --json --out merged.json', files: true },
  ],
  'ridgeline hardware': [
    { what: 'The chips Ridgeline knows', command: 'ridgeline hardware list' },
    { what: 'Every figure of one chip with its source', command: 'ridgeline hardware show h100' },
  ],
  'ridgeline hardware list': [
    { what: 'The built-in chips', command: 'ridgeline hardware list' },
    { what: "With a plugin's chips, as JSON", command: 'ridgeline hardware list --plugin ./acme-chips.json --json', files: true },
  ],
  'ridgeline hardware show': [
    { what: 'Every figure of the H100 with its unit and source', command: 'ridgeline hardware show h100' },
    { what: "One chip of a plugin, as the plugin gives it", command: 'ridgeline hardware show ./acme-chips.json#acme-x1 --json', files: true },
  ],
  'ridgeline models': [
    { what: 'The catalog models', command: 'ridgeline models list' },
    { what: 'Every field of DeepSeek-V3 and its parameter counts', command: 'ridgeline models show deepseek-v3' },
  ],
  'ridgeline models list': [
    { what: 'The catalog models', command: 'ridgeline models list' },
    { what: 'As JSON', command: 'ridgeline models list --json' },
  ],
  'ridgeline models show': [
    { what: 'A catalog model by its Hugging Face id', command: 'ridgeline models show meta-llama/Llama-3.1-70B' },
    { what: 'A Hugging Face config.json as Ridgeline reads it', command: 'ridgeline models show ./Llama-3.1-8B/config.json', files: true },
  ],
  'ridgeline calibrate': [
    { what: "Fit the H100's efficiencies to your measurements", command: 'ridgeline calibrate measurements.csv --hardware h100', files: true },
    { what: "Fit your plugin's chip, as JSON", command: 'ridgeline calibrate measurements.csv --hardware ./dist/index.js --json', files: true },
    { what: 'Fit serving measurements (MoE experts, MTP) as pnpm validate --fit fits InferenceX', command: 'ridgeline calibrate docs/examples/serving-measurements.csv --hardware h200 --serving', files: true },
  ],
  'ridgeline plugin': [
    { what: 'Scaffold a hardware-plugin package', command: 'ridgeline plugin init @acme/ridgeline-hardware', files: true },
    { what: 'Check it before you publish it', command: 'ridgeline plugin check ./ridgeline-hardware/dist/index.js', files: true },
  ],
  'ridgeline plugin init': [
    { what: 'Scaffold a hardware-plugin package in ./ridgeline-hardware', command: 'ridgeline plugin init @acme/ridgeline-hardware', files: true },
    { what: 'With its first chip named, in a directory of your choice', command: 'ridgeline plugin init @acme/ridgeline-hardware --chip-id acme-x1 --dir ./hardware', files: true },
  ],
  'ridgeline plugin check': [
    { what: 'Validate a plugin and list its placeholders and implausible figures', command: 'ridgeline plugin check ./acme-chips.json', files: true },
    { what: 'An installed plugin package, as JSON (exit 2 while any warning remains)', command: 'ridgeline plugin check @acme/ridgeline-hardware --json', files: true },
  ],
  'ridgeline completion': [
    { what: 'bash: install for your user', command: 'ridgeline completion bash > ~/.local/share/bash-completion/completions/ridgeline', files: true },
    { what: 'zsh: into a directory of your fpath', command: 'ridgeline completion zsh > ~/.zfunc/_ridgeline', files: true },
    { what: 'fish', command: 'ridgeline completion fish > ~/.config/fish/completions/ridgeline.fish', files: true },
  ],
};

const BOLD_UNDERLINE = (text: string): string => `\u001B[4m\u001B[1m${text}\u001B[22m\u001B[24m`;

/**
 * citty's usage text for a command with defaults written "(default: …)" and its Examples section
 * appended; `color` styles the heading as citty styles its own.
 *
 * @example
 * withExamples(await renderUsage(cmd), 'ridgeline estimate', false); // '…\n\nEXAMPLES\n\n  # …\n  ridgeline estimate …'
 */
export function withExamples(usage: string, command: string, color: boolean): string {
  const examples = EXAMPLES[command] ?? [];
  const text = usage.replace(/\(Default: /g, '(default: ');
  if (examples.length === 0) return text;
  const lines = examples.flatMap((e, i) => [...(i === 0 ? [] : ['']), `  # ${e.what}`, `  ${e.command}`]);
  return `${text.trimEnd()}\n\n${color ? BOLD_UNDERLINE('EXAMPLES') : 'EXAMPLES'}\n\n${lines.join('\n')}`;
}

import type { Precision } from '@ridgeline/hardware';

/**
 * Everything a person chose on the page. It is the whole state: it round-trips through the URL
 * (url-state.ts), so a link reproduces the page.
 */

/** The model: a catalog id, or a pasted Hugging Face config.json. */
export type ModelChoice = { readonly kind: 'catalog'; readonly id: string } | { readonly kind: 'config'; readonly json: string };

/** What the Pareto chart's vertical axis shows. */
export type ParetoY = 'tokensPerSPerChip' | 'costPerMillionTokensUsd';

/** How batch sizes are spaced in a sweep. */
export type BatchSpacing = 'pow2' | 'all';

/** The sweep's axes. Chip count per replica is TP·PP (DP only multiplies replicas; see the README). */
export interface SweepSettings {
  /** Largest batch; batches run 1…batchMax. */
  readonly batchMax: number;
  readonly batchSpacing: BatchSpacing;
  readonly tp: readonly number[];
  readonly pp: readonly number[];
  /** Weight precisions to sweep (the current one when empty). */
  readonly weights: readonly Precision[];
  /** KV-cache precisions to sweep (the current one when empty). */
  readonly kvCache: readonly Precision[];
  /** Also sweep the compared chips, one frontier per chip. */
  readonly compared: boolean;
  readonly y: ParetoY;
}

/** The page's state. */
export interface AppState {
  readonly model: ModelChoice;
  /** A first-party chip id, or `custom` for the form's chip. */
  readonly hardware: string;
  /** The custom-chip form's fields as typed (see custom-chip.ts); null when never opened. */
  readonly customChip: Readonly<Record<string, string>> | null;
  readonly chips: number;
  readonly tp: number;
  readonly pp: number;
  readonly ep: number;
  readonly batch: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly weights: Precision;
  readonly kvCache: Precision;
  readonly activations: Precision;
  /** Fraction of communication hidden behind compute in both phases; null: the model's default. */
  readonly overlap: number | null;
  /** Price per chip-hour override, USD; null: the chip's list price. */
  readonly price: number | null;
  /** Up to four chips compared on the same workload (first-party ids or `custom`). */
  readonly compare: readonly string[];
  /** Compare each chip at the smallest layout that holds the model (and an equal-width precision it supports). */
  readonly compareFit: boolean;
  readonly sweep: SweepSettings;
}

/** At most this many chips side by side. */
export const MAX_COMPARE = 4;

/** The page a first visit shows: Llama 3.1 70B serving 64 users on 8 H100s, bf16, as in the README. */
export const DEFAULT_STATE: AppState = {
  model: { kind: 'catalog', id: 'llama-3.1-70b' },
  hardware: 'h100-sxm',
  customChip: null,
  chips: 8,
  tp: 8,
  pp: 1,
  ep: 1,
  batch: 64,
  inputTokens: 2048,
  outputTokens: 256,
  weights: 'bf16',
  kvCache: 'bf16',
  activations: 'bf16',
  overlap: null,
  price: null,
  compare: ['h100-sxm', 'mi300x', 'tpu-v6e', 'groq-lpu'],
  compareFit: true,
  sweep: {
    batchMax: 1024,
    batchSpacing: 'pow2',
    tp: [1, 2, 4, 8, 16, 32, 64],
    pp: [1, 2, 4, 8, 16, 20, 40],
    weights: [],
    kvCache: [],
    compared: true,
    y: 'tokensPerSPerChip',
  },
};

/**
 * The steady state of continuous batching with chunked prefill (docs/MODEL.md §6), before any
 * roofline: how many decode and prompt tokens one iteration runs, and in how many iterations a
 * prompt gets through. It depends only on the concurrency B, the lengths and the budget C, so the
 * TypeScript model and the WASM kernel solve it with the same few operations, in closed form.
 */
export interface SteadyState {
  /** D: decode tokens per iteration. */
  readonly decodeTokens: number;
  /** P: prompt tokens per iteration. */
  readonly promptTokens: number;
  /** k: iterations one prompt's chunks take. */
  readonly chunksPerPrompt: number;
  /** The budget binds (D + P = C): arriving prompts queue. */
  readonly budgetBinds: boolean;
}

/**
 * Solves the steady state for B requests in flight per replica, S_in prompt and S_out output
 * tokens, and a budget of C tokens per iteration. With n = S_out − 1 decode steps per request and
 * λ requests per second, D = λ·n·TPOT and P = λ·S_in·TPOT (so P = D·S_in/n), D + P ≤ C, and by
 * Little's law B = λ·(TTFT + n·TPOT).
 * - The budget binds when B·(S_in + n) ≥ C·(n + k_bind), k_bind = ⌈(S_in + n)/C⌉: then
 *   D = C·n/(S_in + n), P = C − D, and the excess requests queue (TTFT = B/λ − n·TPOT).
 * - Otherwise a prompt runs through k = ⌈S_in/(C − D)⌉ iterations, TTFT = k·TPOT, and
 *   D = B·n/(n + k), P = B·S_in/(n + k). The smallest such k solves
 *   C·k² + (C·n − B·n − S_in)·k − S_in·n ≥ 0; its root is taken in the cancellation-free form and
 *   then checked against the defining inequality S_in ≤ k·(C − D_k), a step either way at most.
 *
 * @example
 * steadyState(64, 2048, 256, 8192); // { decodeTokens: 57.88…, promptTokens: 464.9…, chunksPerPrompt: 1, budgetBinds: false }
 */
export function steadyState(batch: number, inputTokens: number, outputTokens: number, chunkTokens: number): SteadyState {
  const n = outputTokens - 1;
  const C = chunkTokens;
  const isl = inputTokens;
  const chunksWhenBound = Math.ceil((isl + n) / C);
  if (batch * (isl + n) >= C * (n + chunksWhenBound)) {
    const decodeTokens = (C * n) / (isl + n);
    return { decodeTokens, promptTokens: C - decodeTokens, chunksPerPrompt: chunksWhenBound, budgetBinds: true };
  }
  const b = C * n - batch * n - isl;
  const root = Math.sqrt(b * b + 4 * C * isl * n);
  const r = b > 0 ? (2 * isl * n) / (b + root) : (root - b) / (2 * C);
  let k = Math.max(1, Math.ceil(r));
  while (k > 1 && promptFitsIn(k - 1, batch, isl, n, C)) k -= 1;
  while (!promptFitsIn(k, batch, isl, n, C)) k += 1;
  return { decodeTokens: (batch * n) / (n + k), promptTokens: (batch * isl) / (n + k), chunksPerPrompt: k, budgetBinds: false };
}

/** Whether a prompt gets through k iterations: S_in ≤ k·(C − D_k), with D_k = B·n/(n + k). */
function promptFitsIn(k: number, batch: number, isl: number, n: number, C: number): boolean {
  return isl <= k * (C - (batch * n) / (n + k));
}

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

/** How speculative decoding changes an iteration for one decoding sequence (docs/MODEL.md §7). */
export interface IterationSpeculation {
  /** g = γ + 1: tokens each decoding sequence puts through the verification pass. */
  readonly verifyTokens: number;
  /** E: tokens each decoding sequence advances per iteration, on average. */
  readonly expectedTokens: number;
}

/** No speculation: one token verified and kept per sequence per iteration. */
export const NO_SPECULATION: IterationSpeculation = { verifyTokens: 1, expectedTokens: 1 };

/**
 * Solves the steady state for B requests in flight per replica, S_in prompt and S_out output
 * tokens, and a budget of C tokens per iteration. With n = S_out − 1 decode tokens per request,
 * each decoding sequence advancing E tokens per iteration (speculative decoding; E = 1 without),
 * n′ = n/E decode iterations per request and λ requests per second: D = λ·n′·T sequences decode in
 * each iteration, putting g·D tokens through it (g = γ + 1 verified per sequence), P = λ·S_in·T
 * prompt tokens join them, g·D + P ≤ C, and by Little's law B = λ·(TTFT + n′·T).
 * - The budget binds when B·(S_in + g·n′) ≥ C·(n′ + k_bind), k_bind = ⌈(S_in + g·n′)/C⌉: then
 *   D = C·n′/(S_in + g·n′), P = C − g·D, and the excess requests queue (TTFT = B/λ − n′·T).
 * - Otherwise a prompt runs through k = ⌈S_in/(C − g·D)⌉ iterations, TTFT = k·T, and
 *   D = B·n′/(n′ + k), P = B·S_in/(n′ + k). The smallest such k solves
 *   C·k² + (C·n′ − g·B·n′ − S_in)·k − S_in·n′ ≥ 0; its root is taken in the cancellation-free form
 *   and then checked against the defining inequality S_in ≤ k·(C − g·D_k), a step either way at most.
 * With g = E = 1 every operation reduces to the plain schedule's, bit for bit.
 *
 * @example
 * steadyState(64, 2048, 256, 8192); // { decodeTokens: 57.88…, promptTokens: 464.9…, chunksPerPrompt: 1, budgetBinds: false }
 */
export function steadyState(
  batch: number,
  inputTokens: number,
  outputTokens: number,
  chunkTokens: number,
  speculation: IterationSpeculation = NO_SPECULATION,
): SteadyState {
  const n = (outputTokens - 1) / speculation.expectedTokens;
  const g = speculation.verifyTokens;
  const C = chunkTokens;
  const isl = inputTokens;
  const chunksWhenBound = Math.ceil((isl + g * n) / C);
  if (batch * (isl + g * n) >= C * (n + chunksWhenBound)) {
    const decodeTokens = (C * n) / (isl + g * n);
    return { decodeTokens, promptTokens: C - g * decodeTokens, chunksPerPrompt: chunksWhenBound, budgetBinds: true };
  }
  const b = C * n - g * batch * n - isl;
  const root = Math.sqrt(b * b + 4 * C * isl * n);
  const r = b > 0 ? (2 * isl * n) / (b + root) : (root - b) / (2 * C);
  let k = Math.max(1, Math.ceil(r));
  while (k > 1 && promptFitsIn(k - 1, batch, isl, n, C, g)) k -= 1;
  while (!promptFitsIn(k, batch, isl, n, C, g)) k += 1;
  return { decodeTokens: (batch * n) / (n + k), promptTokens: (batch * isl) / (n + k), chunksPerPrompt: k, budgetBinds: false };
}

/** Whether a prompt gets through k iterations: S_in ≤ k·(C − g·D_k), with D_k = B·n′/(n′ + k). */
function promptFitsIn(k: number, batch: number, isl: number, n: number, C: number, g: number): boolean {
  return isl <= k * (C - (g * batch * n) / (n + k));
}

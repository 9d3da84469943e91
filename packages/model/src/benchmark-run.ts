import { InputError } from './errors.ts';
import { expectedMaxStandardNormal } from './layout.ts';

/**
 * A closed-loop benchmark run, as serving benchmarks make one (vLLM's and SGLang's
 * `benchmark_serving` with `--max-concurrency`, InferenceX's client): `clients` clients each send
 * `requestsPerClient` requests one after another, and the run's throughput is every request's
 * tokens over the wall time until the last one returns. Output lengths that vary between requests
 * (`outputTokensSd`, their standard deviation in tokens) make some clients finish later than
 * others, and the run waits for the slowest (docs/MODEL.md §9, "The benchmark's finite run").
 *
 * @example
 * // InferenceX at concurrency 64, 1k outputs drawn from 819…1024: ten requests per client
 * const run: ClosedLoopRun = { clients: 64, requestsPerClient: 10, outputTokensSd: uniformLengthsSd(819, 1024) };
 */
export interface ClosedLoopRun {
  /** Clients in flight (the benchmark's concurrency), an integer ≥ 1. */
  readonly clients: number;
  /** Requests each client sends in turn, an integer ≥ 1. */
  readonly requestsPerClient: number;
  /** Standard deviation of the requests' output lengths, tokens, ≥ 0 (0: every request equally long). */
  readonly outputTokensSd: number;
}

/** The largest `clients` and `requestsPerClient` a run may state: beyond any benchmark, and the normal approximation's range. */
export const CLOSED_LOOP_RUN_LIMITS = { clients: 1e7, requestsPerClient: 1e7, outputTokensSd: 1e7 } as const;

/**
 * The standard deviation of a length drawn uniformly from the integers `min…max`:
 * √((m² − 1)/12) for its m = max − min + 1 values.
 *
 * @example
 * uniformLengthsSd(819, 1024); // √((206² − 1)/12) ≈ 59.47
 * uniformLengthsSd(512, 512); // 0
 */
export function uniformLengthsSd(min: number, max: number): number {
  if (!Number.isSafeInteger(min) || min < 1) throw new InputError('min', `min must be an integer ≥ 1 (tokens), got ${min}`);
  if (!Number.isSafeInteger(max) || max < min) throw new InputError('max', `max must be an integer ≥ min (${min}), got ${max}`);
  const values = max - min + 1;
  return Math.sqrt((values * values - 1) / 12);
}

function checkRun(run: ClosedLoopRun): void {
  const L = CLOSED_LOOP_RUN_LIMITS;
  if (!Number.isSafeInteger(run.clients) || run.clients < 1 || run.clients > L.clients) {
    throw new InputError('run.clients', `run.clients must be an integer from 1 to ${L.clients}, got ${run.clients}`);
  }
  if (!Number.isSafeInteger(run.requestsPerClient) || run.requestsPerClient < 1 || run.requestsPerClient > L.requestsPerClient) {
    throw new InputError('run.requestsPerClient', `run.requestsPerClient must be an integer from 1 to ${L.requestsPerClient}, got ${run.requestsPerClient}`);
  }
  if (!Number.isFinite(run.outputTokensSd) || run.outputTokensSd < 0 || run.outputTokensSd > L.outputTokensSd) {
    throw new InputError('run.outputTokensSd', `run.outputTokensSd must be a number of tokens from 0 to ${L.outputTokensSd}, got ${run.outputTokensSd}`);
  }
}

/**
 * The share of the steady state's throughput a finite closed-loop run measures (docs/MODEL.md §9).
 * Each request's latency varies with its output length, `σ_ℓ = outputTokensSd · TPOT`, so a
 * client's `N` requests take `N·ℓ̄ ± √N·σ_ℓ` and the slowest of `clients` about
 * `N·ℓ̄ + √N·σ_ℓ·e(clients)`, `e` the expected largest of that many standard normals
 * (`expectedMaxStandardNormal`). The run counts `N·clients` requests over that time, the steady
 * state over `N·ℓ̄`:
 *
 * `share = 1 / (1 + σ_ℓ·e(clients) / (√N·ℓ̄))`
 *
 * 1 for one client or equal lengths; 0.958 at 64 clients of ten 1k-token requests (σ_o 59.5, TPOT
 * 20 ms, ℓ̄ 20 s). `ℓ̄` is the request latency (`requestLatencyS`, TTFT included). Left out: the run's
 * tail going faster as clients finish (fewer requests in flight; on one engine no more prompt chunks),
 * which InferenceX's single-node rows show as shares of 0.96–0.985 where this gives 0.95 at 256, and
 * the spread of TTFT.
 *
 * @example
 * finiteRunShare({ clients: 64, requestsPerClient: 10, outputTokensSd: 59.466 }, { requestLatencyS: 20, tpotS: 0.02 }); // ≈ 0.958
 */
export function finiteRunShare(run: ClosedLoopRun, result: { readonly requestLatencyS: number; readonly tpotS: number }): number {
  checkRun(run);
  if (!Number.isFinite(result.requestLatencyS) || result.requestLatencyS <= 0) {
    throw new InputError('result.requestLatencyS', `result.requestLatencyS must be a number of seconds > 0 (a feasible estimate's), got ${result.requestLatencyS}`);
  }
  if (!Number.isFinite(result.tpotS) || result.tpotS < 0) throw new InputError('result.tpotS', `result.tpotS must be a number of seconds ≥ 0, got ${result.tpotS}`);
  const latencySpreadS = run.outputTokensSd * result.tpotS;
  const tail = (latencySpreadS * expectedMaxStandardNormal(run.clients)) / (Math.sqrt(run.requestsPerClient) * result.requestLatencyS);
  return 1 / (1 + tail);
}

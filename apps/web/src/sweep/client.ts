import { createEngine, type ServingPlan } from '@ridgeline/engine';
import type { FromWorker, PlanRequest, ResultOf, SweepResult, SweepSpec, ToWorker, TrainingSweepResult, TrainingSweepSpec } from './types.ts';

/** A sweep in flight. */
export interface RunningSweep<R = SweepResult> {
  readonly id: number;
  readonly result: Promise<R | 'cancelled'>;
  cancel(): void;
}

/** A finished plan, and how long the worker took over it. */
export interface PlanAnswer {
  readonly plan: ServingPlan;
  readonly elapsedMs: number;
}

/** Progress of a sweep: configurations done of the total. */
export type ProgressListener = (done: number, total: number) => void;

/**
 * The page's side of the sweep worker: starts it, compiles the WASM engine once on this thread and
 * posts the compiled module to it, and runs sweeps (inference or training) with progress and cancel,
 * and latency-target plans (`planServing`).
 *
 * @example
 * const client = new SweepClient();
 * const run = client.run(spec, (done, total) => bar(done / total));
 * const result = await run.result; // a TrainingSweepResult for a training spec
 * const { plan } = await client.plan(request);
 */
export class SweepClient {
  readonly #worker: Worker;
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: (r: SweepResult | TrainingSweepResult | 'cancelled') => void; reject: (e: Error) => void; progress: ProgressListener }>();
  readonly #plans = new Map<number, { resolve: (answer: PlanAnswer) => void; reject: (e: Error) => void }>();
  /** Which backend the worker runs, once it says. */
  readonly ready: Promise<{ backend: 'wasm' | 'js'; note: string | null }>;

  constructor() {
    this.#worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'ridgeline-sweep' });
    let announce: (value: { backend: 'wasm' | 'js'; note: string | null }) => void = () => {};
    this.ready = new Promise((resolve) => (announce = resolve));
    this.#worker.onmessage = (event: MessageEvent<FromWorker>) => {
      const m = event.data;
      if (m.type === 'ready') {
        announce({ backend: m.backend, note: m.note });
        return;
      }
      const plan = this.#plans.get(m.id);
      if (plan !== undefined) {
        this.#plans.delete(m.id);
        if (m.type === 'planned') plan.resolve({ plan: m.plan, elapsedMs: m.elapsedMs });
        else if (m.type === 'error') plan.reject(new Error(m.message));
        return;
      }
      const pending = this.#pending.get(m.id);
      if (pending === undefined) return;
      if (m.type === 'progress') pending.progress(m.done, m.total);
      else {
        this.#pending.delete(m.id);
        if (m.type === 'done') pending.resolve(m.result);
        else if (m.type === 'cancelled') pending.resolve('cancelled');
        else if (m.type === 'error') pending.reject(new Error(m.message));
      }
    };
    this.#worker.onerror = (event) => {
      const error = new Error(`the sweep worker failed: ${event.message}`);
      for (const p of [...this.#pending.values(), ...this.#plans.values()]) p.reject(error);
      this.#pending.clear();
      this.#plans.clear();
    };
    this.#initialised = this.#init();
  }

  /** Resolves once the engine's module (or null) is posted: runs are posted after it, in order. */
  readonly #initialised: Promise<void>;

  async #init(): Promise<void> {
    let module: WebAssembly.Module | null = null;
    try {
      module = (await createEngine()).module as unknown as WebAssembly.Module;
    } catch {
      module = null;
    }
    this.#post({ type: 'init', module });
  }

  #post(message: ToWorker): void {
    this.#worker.postMessage(message);
  }

  run<S extends SweepSpec | TrainingSweepSpec>(spec: S, progress: ProgressListener): RunningSweep<ResultOf<S>> {
    const id = this.#nextId++;
    // The worker answers a spec with the result of its kind (see worker.ts).
    const result = new Promise<ResultOf<S> | 'cancelled'>((resolve, reject) =>
      this.#pending.set(id, { resolve: resolve as (r: SweepResult | TrainingSweepResult | 'cancelled') => void, reject, progress }),
    );
    void this.#initialised.then(() => this.#post({ type: 'run', id, spec }));
    return { id, result, cancel: () => void this.#initialised.then(() => this.#post({ type: 'cancel', id })) };
  }

  /** Plans in the worker (between a running sweep's slices): the best configuration per chip under latency targets. */
  plan(request: PlanRequest): Promise<PlanAnswer> {
    const id = this.#nextId++;
    const answer = new Promise<PlanAnswer>((resolve, reject) => this.#plans.set(id, { resolve, reject }));
    void this.#initialised.then(() => this.#post({ type: 'plan', id, request }));
    return answer;
  }
}

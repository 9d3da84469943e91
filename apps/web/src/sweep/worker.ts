/// <reference lib="webworker" />
import { jsBackend } from './js-backend.ts';
import { SweepCancelled, isTrainingSweep, type FromWorker, type SweepBackend, type ToWorker } from './types.ts';
import { wasmBackend } from './wasm-backend.ts';

/**
 * The sweep worker. The page compiles the WASM engine once and posts the module here (`init`);
 * every `run` then goes through one `SweepBackend`: `sweep` for an inference spec, `train` for a
 * training one (`mode: 'training'`); a `plan` (the latency-target panel's `planServing`) goes to
 * `plan`. The worker yields between slices of a sweep, so a `cancel` is seen promptly and a plan
 * runs between slices; the page never blocks.
 */

declare const self: DedicatedWorkerGlobalScope;

let backend: Promise<SweepBackend> = Promise.resolve(jsBackend);
const cancelled = new Set<number>();

function post(message: FromWorker): void {
  self.postMessage(message);
}

// A macrotask yield that is not clamped like nested setTimeout(0).
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();
function yieldNow(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'init': {
      backend = (async () => {
        if (message.module === null) {
          post({ type: 'ready', backend: 'js', note: 'WebAssembly engine unavailable; sweeping with the JS reference model.' });
          return jsBackend;
        }
        try {
          const wasm = await wasmBackend(message.module);
          post({ type: 'ready', backend: wasm.name, note: null });
          return wasm;
        } catch (error) {
          post({ type: 'ready', backend: 'js', note: `WebAssembly engine failed to start (${error instanceof Error ? error.message : String(error)}); sweeping with the JS reference model.` });
          return jsBackend;
        }
      })();
      break;
    }
    case 'cancel':
      cancelled.add(message.id);
      break;
    case 'plan': {
      const { id, request } = message;
      void (async () => {
        try {
          const started = performance.now();
          const plan = await (await backend).plan(request);
          post({ type: 'planned', id, plan, elapsedMs: performance.now() - started });
        } catch (error) {
          post({ type: 'error', id, message: error instanceof Error ? error.message : String(error) });
        }
      })();
      break;
    }
    case 'run': {
      const { id, spec } = message;
      void (async () => {
        try {
          const b = await backend;
          const control = {
            progress: (done: number, total: number) => post({ type: 'progress', id, done, total }),
            cancelled: () => cancelled.has(id),
            yieldNow,
          };
          const result = isTrainingSweep(spec) ? await b.train(spec, control) : await b.sweep(spec, control);
          post({ type: 'done', id, result });
        } catch (error) {
          if (error instanceof SweepCancelled) post({ type: 'cancelled', id });
          else post({ type: 'error', id, message: error instanceof Error ? error.message : String(error) });
        } finally {
          cancelled.delete(id);
        }
      })();
      break;
    }
  }
};

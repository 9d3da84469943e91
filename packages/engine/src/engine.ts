import { wasmBase64 } from '../build/wasm-base64.js';
import { N_OUT } from './descriptors.ts';
import { N_TRAINING_OUT, TRAINING_CONFIG_STRIDE } from './training.ts';

/**
 * A compiled WebAssembly module (`WebAssembly.Module`). Typed here because lib ES2023 has no
 * WebAssembly types; the value is the platform's own.
 */
export interface WasmModule {
  readonly [Symbol.toStringTag]: string;
}

interface WasmInstance {
  readonly exports: unknown;
}

interface WasmApi {
  compile(bytes: Uint8Array<ArrayBuffer>): Promise<WasmModule>;
  instantiate(module: WasmModule, imports: object): Promise<WasmInstance>;
  readonly Instance: new (module: WasmModule, imports: object) => WasmInstance;
}

const wasm: WasmApi = (globalThis as unknown as { readonly WebAssembly: WasmApi }).WebAssembly;

/** The raw exports of build/release.wasm (assembly/index.ts). */
export interface KernelExports {
  readonly memory: { readonly buffer: ArrayBuffer };
  alloc(bytes: number): number;
  init(image: number): void;
  total(): number;
  sweep(start: number, end: number): void;
  rows(start: number, count: number, out: number): void;
  evaluateConfigs(configs: number, n: number, out: number): void;
  evaluateTrainingConfigs(configs: number, n: number, out: number): void;
  feedOutputs(records: number, indices: number, n: number): void;
  packState(): number;
  packedState(): number;
  resetReducers(): void;
  reasonCount(): number;
  readonly [constant: string]: unknown;
}

/**
 * Imports the kernel needs: the host's `Math.pow` and `Math.log`, so expected-experts-touched and
 * the busiest expert rank's spread match the TypeScript reference bit for bit on whatever engine
 * runs both.
 */
export const KERNEL_IMPORTS: { readonly env: { readonly pow: (x: number, y: number) => number; readonly log: (x: number) => number } } = { env: { pow: Math.pow, log: Math.log } };

let compiled: Promise<WasmModule> | undefined;

function wasmBytes(): Uint8Array<ArrayBuffer> {
  const text = atob(wasmBase64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * One instance of the kernel over one setup image (see `buildImage`): its reducers, its memory.
 * Views of the memory are made per call, so they survive `memory.grow`.
 */
export class Kernel {
  /** The instance's raw exports. */
  readonly exports: KernelExports;
  #rowsPtr = 0;
  #rowsCapacity = 0;
  #configsPtr = 0;
  #configsCapacity = 0;

  constructor(instance: WasmInstance, image: Float64Array) {
    this.exports = instance.exports as unknown as KernelExports;
    const ptr = this.exports.alloc(image.byteLength);
    new Float64Array(this.exports.memory.buffer, ptr, image.length).set(image);
    this.exports.init(ptr);
  }

  /** Configurations in the sweep (the product of the axis lengths). */
  total(): number {
    return this.exports.total();
  }

  /** Streams configurations [start, end) through the reducers. */
  sweep(start: number, end: number): void {
    this.exports.sweep(start, end);
  }

  /** The reducers' state, packed (a copy; see `unpackState`). */
  packState(): Float64Array {
    const length = this.exports.packState();
    return new Float64Array(this.exports.memory.buffer, this.exports.packedState(), length).slice();
  }

  /** Empties the reducers (counts, histograms, top-k, frontier) for the next group's range, reusing their memory. */
  resetReducers(): void {
    this.exports.resetReducers();
  }

  /** N_OUT outputs per configuration for [start, start + count), a view valid until the next call. */
  rows(start: number, count: number): Float64Array {
    if (count > this.#rowsCapacity) {
      this.#rowsPtr = this.exports.alloc(count * N_OUT * 8);
      this.#rowsCapacity = count;
    }
    this.exports.rows(start, count, this.#rowsPtr);
    return new Float64Array(this.exports.memory.buffer, this.#rowsPtr, count * N_OUT);
  }

  /** Feeds output records (N_OUT f64 each) with their configuration indices to the reducers (for tests). */
  feed(records: Float64Array, indices: Float64Array): void {
    const r = this.exports.alloc(records.byteLength);
    const x = this.exports.alloc(indices.byteLength);
    new Float64Array(this.exports.memory.buffer, r, records.length).set(records);
    new Float64Array(this.exports.memory.buffer, x, indices.length).set(indices);
    this.exports.feedOutputs(r, x, indices.length);
  }

  /** Evaluates explicit configuration records (CONFIG_STRIDE f64 each); N_OUT outputs each, copied. */
  evaluateRecords(records: Float64Array, stride: number): Float64Array {
    const n = records.length / stride;
    if (records.length > this.#configsCapacity) {
      this.#configsPtr = this.exports.alloc(records.byteLength);
      this.#configsCapacity = records.length;
    }
    if (n > this.#rowsCapacity) {
      this.#rowsPtr = this.exports.alloc(n * N_OUT * 8);
      this.#rowsCapacity = n;
    }
    new Float64Array(this.exports.memory.buffer, this.#configsPtr, records.length).set(records);
    this.exports.evaluateConfigs(this.#configsPtr, n, this.#rowsPtr);
    return new Float64Array(this.exports.memory.buffer, this.#rowsPtr, n * N_OUT).slice();
  }

  /** Evaluates training configuration records (TRAINING_CONFIG_STRIDE f64 each); N_TRAINING_OUT outputs each, copied. */
  evaluateTrainingRecords(records: Float64Array): Float64Array {
    const n = records.length / TRAINING_CONFIG_STRIDE;
    const configs = this.exports.alloc(records.byteLength);
    const out = this.exports.alloc(n * N_TRAINING_OUT * 8);
    new Float64Array(this.exports.memory.buffer, configs, records.length).set(records);
    this.exports.evaluateTrainingConfigs(configs, n, out);
    return new Float64Array(this.exports.memory.buffer, out, n * N_TRAINING_OUT).slice();
  }
}

/** The compiled sweep engine. Cheap to share: open one `Kernel` per sweep, shard or worker. */
export interface Engine {
  /** The compiled module: post it to workers (structured clone) instead of compiling again. */
  readonly module: WasmModule;
  /** A fresh kernel instance over a setup image. */
  open(image: Float64Array): Promise<Kernel>;
}

/**
 * An engine over a compiled kernel module (one you compiled or received from another thread).
 *
 * @example
 * const engine = engineFromModule(moduleFromMainThread);
 */
export function engineFromModule(module: WasmModule): Engine {
  return {
    module,
    async open(image: Float64Array): Promise<Kernel> {
      // Synchronous instantiation of the compiled module: the asynchronous one waits a turn of the
      // event loop, and a disaggregated plan opens dozens of kernels per chip (measured: most of its
      // time idle). A browser's main thread may refuse it for a module this size; then asynchronously.
      let instance: WasmInstance;
      try {
        instance = new wasm.Instance(module, KERNEL_IMPORTS);
      } catch {
        instance = await wasm.instantiate(module, KERNEL_IMPORTS);
      }
      return new Kernel(instance, image);
    },
  };
}

/**
 * The sweep engine: the inlined WebAssembly kernel, compiled once per process (or page) and
 * cached. Works in Node and browsers; no top-level await.
 *
 * @example
 * const engine = await createEngine();
 * const kernel = await engine.open(buildImage(plan));
 * kernel.sweep(0, kernel.total());
 */
export async function createEngine(): Promise<Engine> {
  compiled ??= wasm.compile(wasmBytes());
  try {
    return engineFromModule(await compiled);
  } catch (error) {
    compiled = undefined;
    throw error;
  }
}

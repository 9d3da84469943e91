/**
 * The worker-thread task, as plain JavaScript so it runs the same from src (vitest) and dist: it
 * instantiates the kernel module it is sent (compiled once, on the main thread), loads the setup
 * image and streams each of its segments — [start, end) ranges, each within one group (see
 * `groupSegments`) — through the reducers in chunks, counting progress in a shared counter. It
 * returns one packed reducer state per segment, resetting the reducers between segments. Loaded
 * by tinypool from a data: URL. The worker outlives a sweep (the pool is kept per process), so it
 * keeps the instance of the last sweep it ran, by the task's `key` (one per sweep): the other tasks
 * of that sweep skip instantiating and loading the image, and start from reset reducers.
 */
export const WORKER_SOURCE: string = `
let kept = null;
export default async function run(task) {
  const { key, module, image, segments, chunk, progress } = task;
  let x = kept !== null && kept.key === key ? kept.exports : null;
  // kept again only once this task has ended well, its reducers reset
  kept = null;
  if (x === null) {
    const instance = await WebAssembly.instantiate(module, { env: { pow: Math.pow, log: Math.log } });
    x = instance.exports;
    const ptr = x.alloc(image.byteLength);
    new Float64Array(x.memory.buffer, ptr, image.length).set(image);
    x.init(ptr);
  }
  const counter = progress ? new BigInt64Array(progress) : null;
  const states = [];
  for (const [start, end] of segments) {
    for (let s = start; s < end; s += chunk) {
      const e = Math.min(end, s + chunk);
      x.sweep(s, e);
      if (counter) Atomics.add(counter, 0, BigInt(e - s));
    }
    const length = x.packState();
    states.push(new Float64Array(x.memory.buffer, x.packedState(), length).slice());
    x.resetReducers();
  }
  kept = { key, exports: x };
  return states;
}
`;

/** The worker module as a data: URL (tinypool imports it in each worker). */
export const WORKER_URL: string = `data:text/javascript;base64,${btoa(WORKER_SOURCE)}`;

// The engine's WebAssembly exports. Raw exports only (no bindings): the loader in src/ lays out
// the setup image, calls these, and reads results through views of the exported memory.
export { evaluateConfigs, evaluateTrainingConfigs, init, rows, sweep, total, trainingAxisSlot } from './kernel';
export { feedOutputs, packedState, packState, reasonCount, resetReducers } from './reducers';
export {
  CFG_CONTEXT_BALANCE,
  CFG_RECEIVE_INTERVAL,
  CFG_EXPECTED,
  CFG_MAX_BATCH,
  CFG_PUE,
  C_IDENTITY,
  C_NODE_OVERHEAD,
  C_MTP_ACCEPTANCE,
  C_REQUEST_OVERHEAD,
  C_KV_FREE_FRACTION,
  C_KV_RESERVED,
  CHIP_STRIDE,
  CONFIG_STRIDE,
  EFF_STRIDE,
  HEADER_SLOTS,
  H_PUE,
  IMAGE_VERSION,
  MAX_CURVE_POINTS,
  MODEL_STRIDE,
  N_AXES,
  N_OUT,
  N_REASONS,
  N_TRAIN_OUT,
  S_COUNTS,
  S_MATCHED,
  TOP_STRIDE,
  TRAIN_CONFIG_STRIDE,
  WHERE_STRIDE,
} from './layout';

/** Reserves `bytes` of linear memory (16-byte aligned) for the host to fill. */
export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

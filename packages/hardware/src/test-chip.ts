/**
 * Test fixtures: a complete, valid plugin. Not exported from the package and not built
 * (see tsconfig.build.json). The numbers follow the NVIDIA H100 SXM datasheet closely enough
 * to look real, but the fixture is for tests, not for estimates.
 */
import type { ChipSpec, HardwarePlugin } from './types.ts';

/** A complete chip using every optional field, with curves for two of its efficiencies. */
export const testChip: ChipSpec = {
  id: 'h100-sxm',
  name: 'NVIDIA H100 SXM5 80GB',
  vendor: 'NVIDIA',
  kind: 'gpu',
  aliases: ['h100'],
  compute: {
    peakDenseFlopsPerS: {
      fp32: { value: 67e12, source: 'test fixture: H100 datasheet, FP32' },
      bf16: { value: 989.4e12, source: 'test fixture: H100 datasheet, BF16 Tensor Core, sparse figure halved' },
      fp16: { value: 989.4e12, source: 'test fixture: H100 datasheet, FP16 Tensor Core, sparse figure halved' },
      fp8: { value: 1978.9e12, source: 'test fixture: H100 datasheet, FP8 Tensor Core, sparse figure halved' },
      int8: { value: 1978.9e12, source: 'test fixture: H100 datasheet, INT8 Tensor Core, sparse figure halved' },
    },
  },
  memory: {
    kind: 'hbm',
    capacityBytes: { value: 80e9, source: 'test fixture: H100 datasheet, GPU memory' },
    bandwidthBytesPerS: { value: 3.35e12, source: 'test fixture: H100 datasheet, GPU memory bandwidth' },
    usableFraction: { value: 0.9, source: 'test fixture: assumed runtime reserve' },
  },
  scaleUp: {
    bandwidthBytesPerS: { value: 450e9, source: 'test fixture: NVLink 4, 900 GB/s bidirectional halved' },
    domainSize: { value: 8, source: 'test fixture: HGX H100 8-GPU' },
    topology: 'switch',
    hopLatencyS: { value: 1e-6, source: 'test fixture: assumed' },
    collectiveLatencyS: { value: 8e-6, source: 'test fixture: assumed small-message all-reduce' },
  },
  scaleOut: {
    bandwidthBytesPerS: { value: 50e9, source: 'test fixture: one 400 Gb/s NIC per GPU' },
    hopLatencyS: { value: 5e-6, source: 'test fixture: assumed' },
  },
  power: {
    idleW: { value: 100, source: 'test fixture: assumed' },
    maxW: { value: 700, source: 'test fixture: H100 datasheet, max TDP' },
  },
  price: {
    usdPerChipHour: { value: 2.5, source: 'test fixture: assumed on-demand price' },
    asOf: '2025-06-01',
  },
  efficiency: {
    flop: {
      curve: [
        [1, 0.05],
        [100, 0.5],
        [300, 0.75],
      ],
      over: 'arithmeticIntensity',
      source: 'test fixture: assumed curve',
    },
    memory: { value: 0.8, source: 'test fixture: assumed' },
    network: {
      curve: [
        [1024, 0.05],
        [1048576, 0.5],
        [268435456, 0.85],
      ],
      over: 'messageBytes',
      source: 'test fixture: assumed curve',
    },
    layerOverheadS: { value: 5e-6, source: 'test fixture: assumed' },
  },
  notes: 'FP8 and INT8 figures are dense; the datasheet quotes them with 2:4 sparsity.',
};

/** A minimal second chip: no optional fields, constant efficiencies, SRAM memory. */
export const testLpu: ChipSpec = {
  id: 'test-lpu',
  name: 'Test LPU',
  vendor: 'Test',
  kind: 'lpu',
  compute: { peakDenseFlopsPerS: { int8: { value: 750e12, source: 'test fixture' } } },
  memory: {
    kind: 'sram',
    capacityBytes: { value: 230e6, source: 'test fixture' },
    bandwidthBytesPerS: { value: 80e12, source: 'test fixture' },
    usableFraction: { value: 1, source: 'test fixture' },
  },
  scaleUp: {
    bandwidthBytesPerS: { value: 330e9, source: 'test fixture' },
    domainSize: { value: 264, source: 'test fixture' },
    topology: 'torus3d',
    hopLatencyS: { value: 0, source: 'test fixture' },
  },
  scaleOut: {
    bandwidthBytesPerS: { value: 12.5e9, source: 'test fixture' },
    hopLatencyS: { value: 2e-6, source: 'test fixture' },
  },
  power: { idleW: { value: 0, source: 'test fixture' }, maxW: { value: 300, source: 'test fixture' } },
  price: { usdPerChipHour: { value: 0, source: 'test fixture' }, asOf: '2024-02-29' },
  efficiency: {
    flop: { value: 1, source: 'test fixture' },
    memory: { value: 1, source: 'test fixture' },
    network: { value: 0.9, source: 'test fixture' },
    layerOverheadS: { value: 0, source: 'test fixture' },
  },
};

/** A valid plugin with both test chips. */
export const testPlugin: HardwarePlugin = {
  apiVersion: 2,
  meta: { name: 'test-chips', version: '1.0.0' },
  chips: [testChip, testLpu],
};

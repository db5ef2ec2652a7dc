import * as tf from '@tensorflow/tfjs';

/** tfjs' memory figures for the active backend, as plain data (GPU fields only where the backend has them). */
export interface MemoryInfo {
  backend: string;
  numTensors: number;
  numBytes: number;
  /** WebGPU/WebGL: bytes the backend holds on the GPU now, and allocated in all (its pool included). */
  numBytesInGPU?: number;
  numBytesAllocatedInGPU?: number;
}

export function memoryInfo(): MemoryInfo {
  const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number; numBytesAllocatedInGPU?: number };
  const gpu = (k: 'numBytesInGPU' | 'numBytesAllocatedInGPU') => (typeof m[k] === 'number' ? { [k]: m[k] } : {});
  return { backend: tf.getBackend(), numTensors: m.numTensors, numBytes: m.numBytes, ...gpu('numBytesInGPU'), ...gpu('numBytesAllocatedInGPU') };
}

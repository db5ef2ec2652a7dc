/**
 * A WebGPU device can be lost at any time (driver reset, another tab's out-of-memory, `GPUDevice.destroy()`);
 * every tensor on it is gone with it. These helpers notice it, and start the backend again on a new device.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendPreference } from './backendNames';
import { selectBackend, type BackendChoice, type SelectBackendOptions } from './selectBackend';

export const DEVICE_LOST = 'DeviceLost';

/** Thrown by a run that stopped because its GPU device was lost; its message says why, in words. */
export class DeviceLost extends Error {
  constructor(reason: string) {
    super(`The GPU device was lost (${reason})`);
    this.name = DEVICE_LOST;
  }
}

interface GpuDeviceish {
  lost: Promise<{ reason?: string; message?: string }>;
  destroy(): void;
  limits: { maxStorageBufferBindingSize: number; maxBufferSize: number };
}

/** The active backend's GPUDevice: WebGPU only. */
function activeDevice(): GpuDeviceish | undefined {
  if (tf.getBackend() !== 'webgpu') return undefined;
  return (tf.backend() as unknown as { device?: GpuDeviceish }).device;
}

/**
 * Watches the active backend's device: `lost()` resolves with why once it is gone, else undefined (never anything
 * off WebGPU). A read-back can fail a moment before `GPUDevice.lost` settles, so `lost()` waits up to `settleMs`
 * for it: it is asked only after something failed.
 */
export function watchDevice(settleMs = 250): { lost(): Promise<string | undefined> } {
  const device = activeDevice();
  const why = device?.lost.then((info) => info.message || info.reason || 'no reason given');
  const settled = () => new Promise<undefined>((resolve) => setTimeout(resolve, settleMs));
  return { lost: async () => (why ? Promise.race([why, settled()]) : undefined) };
}

/** The active device's buffer limits, in bytes; undefined off WebGPU. */
export function deviceLimits(): { maxStorageBufferBindingSize: number; maxBufferSize: number } | undefined {
  const limits = activeDevice()?.limits;
  return limits && { maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize, maxBufferSize: limits.maxBufferSize };
}

/** Destroys the active GPUDevice, as a driver reset would (e2e and tests only); false off WebGPU. */
export function destroyDevice(): boolean {
  const device = activeDevice();
  device?.destroy();
  return !!device;
}

/**
 * Starts the active backend again on a fresh device (tfjs keeps one instance per backend name, so it is
 * removed and registered again with its own factory); when that fails, the next backend that works, in the
 * usual order. Tensors made before are lost: the caller rebuilds its model.
 */
export async function restartBackend(options: Omit<SelectBackendOptions, 'preference'>): Promise<BackendChoice> {
  const name = tf.getBackend();
  const factory = tf.findBackendFactory(name);
  if (factory) {
    tf.removeBackend(name);
    tf.registerBackend(name, factory);
  }
  return selectBackend({ ...options, preference: name as BackendPreference });
}

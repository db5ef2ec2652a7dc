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

/** Watches the active backend's device: `lost()` says why once it is gone; never anything off WebGPU. */
export function watchDevice(): { lost(): string | undefined } {
  let why: string | undefined;
  void activeDevice()?.lost.then((info) => (why = info.message || info.reason || 'no reason given'));
  return { lost: () => why };
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

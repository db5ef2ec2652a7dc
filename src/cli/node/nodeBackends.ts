import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import os from 'node:os';
import { nodeWasmDir, registerWasmGradKernels } from '../../engine/backend';

/** Backends the engine runs on in Node (tfjs-node is not used: it downloads a native library at install). */
export const NODE_BACKENDS = ['cpu', 'wasm', 'webgpu'] as const;
export type NodeBackend = (typeof NODE_BACKENDS)[number];

const require = createRequire(import.meta.url);
let registered = false;

/**
 * Registers wasm and webgpu for Node: wasm binaries from node_modules, WebGPU through Dawn (the `webgpu`
 * package), which finds SwiftShader through VK_ICD_FILENAMES on a machine without a GPU.
 */
async function registerNodeBackends(): Promise<void> {
  if (registered) return;
  registered = true;
  // Silences the cpu backend's 'install tfjs-node' banner (tfjs-node needs a download, which this project avoids).
  tf.enableProdMode();
  setWasmPaths(nodeWasmDir(require.resolve));
  try {
    const { create, globals } = (await import('webgpu')) as unknown as {
      create: (flags: string[]) => unknown;
      globals: Record<string, unknown>;
    };
    process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';
    process.env.XDG_RUNTIME_DIR ??= '/tmp';
    Object.assign(globalThis, globals);
    const nav = ((globalThis as { navigator?: object }).navigator ??= {});
    Object.defineProperty(nav, 'gpu', { value: create([]), configurable: true });
    await import('@tensorflow/tfjs-backend-webgpu');
  } catch (e) {
    // Without Dawn the webgpu backend is simply absent; useBackend('webgpu') then says so.
    process.emitWarning(`WebGPU for Node unavailable: ${(e as Error).message}`);
  }
}

/** Makes `name` the active tfjs backend in this Node process, or throws naming why it cannot. */
export async function useBackend(name: NodeBackend): Promise<void> {
  await registerNodeBackends();
  if (name === 'wasm') {
    const threads = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setThreadsCount?.(threads);
    // tfjs-backend-wasm 4.22 has no conv backprop-filter kernels; training needs them.
    registerWasmGradKernels();
  }
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tfjs backend '${name}' could not be initialised in Node`);
  await tf.ready();
}

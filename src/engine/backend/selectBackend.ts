import * as tf from '@tensorflow/tfjs';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { adapterFacts, describeAdapter } from './adapterFacts';
import { backendOrder, type BackendName, type BackendPreference } from './backendNames';
import { explainChoice, type BackendAttempt } from './explainChoice';
import { judgeAdapter } from './judgeAdapter';
import { smokeTest } from './smokeTest';
import { registerWasmGradKernels } from './wasmGradKernels';

export interface SelectBackendOptions {
  /** `auto` tries webgpu → wasm → webgl → cpu; a backend name is tried first and used even when slow. */
  preference: BackendPreference;
  /** URL or folder, ending in `/`, that serves tfjs-backend-wasm's `.wasm` files (`servedWasmPath`); unset keeps tfjs's default. */
  wasmPath?: string;
  /** Threads for the wasm backend; unset means `navigator.hardwareConcurrency` (tfjs would halve it). */
  wasmThreads?: number;
}

export const DEFAULT_SELECT_BACKEND_OPTIONS: SelectBackendOptions = { preference: 'auto' };

/** The backend in use and how it was chosen; plain data, sent from the worker to the UI as it is. */
export interface BackendChoice {
  backend: BackendName;
  /** Why this backend: why it was picked, or why the ones before it were refused. */
  reason: string;
  /** The WebGPU adapter, when one was found (even if refused): `google swiftshader (SwiftShader driver 5.0.0)`. */
  adapter?: string;
  /** Threads the wasm backend runs on, when it is the chosen one. */
  threads?: number;
  preference: BackendPreference;
  tried: BackendAttempt[];
}

interface Navigatorish {
  gpu?: { requestAdapter(options?: object): Promise<unknown> };
  hardwareConcurrency?: number;
}

const nav = (): Navigatorish => (globalThis as { navigator?: Navigatorish }).navigator ?? {};

async function activate(name: BackendName): Promise<BackendAttempt> {
  if (!tf.findBackendFactory(name)) return { backend: name, ok: false, reason: `${name} backend is not registered` };
  let ok = false;
  let error = '';
  try {
    ok = await tf.setBackend(name);
  } catch (e) {
    error = `: ${(e as Error).message ?? String(e)}`;
  }
  if (!ok) return { backend: name, ok: false, reason: `${name} backend failed to initialise${error}` };
  const smoke = await smokeTest();
  return { backend: name, ok: smoke.ok, reason: smoke.ok ? '' : `${name} ${smoke.reason}` };
}

async function tryWebGpu(forced: boolean, found: { adapter?: string }): Promise<BackendAttempt> {
  const gpu = nav().gpu;
  if (!gpu) return { backend: 'webgpu', ok: false, reason: 'WebGPU is not available (no navigator.gpu)' };
  let adapter: unknown;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return { backend: 'webgpu', ok: false, reason: `requestAdapter threw: ${(e as Error).message}` };
  }
  const facts = adapter ? adapterFacts(adapter) : null;
  if (facts) found.adapter = describeAdapter(facts);
  const verdict = judgeAdapter(facts, forced);
  if (!verdict.ok) return { backend: 'webgpu', ok: false, reason: verdict.reason };
  await import('@tensorflow/tfjs-backend-webgpu'); // registers 'webgpu' now that navigator.gpu is known to exist
  const attempt = await activate('webgpu');
  return attempt.ok ? { ...attempt, reason: verdict.reason } : attempt;
}

/**
 * tfjs-backend-wasm caps its XNNPACK pool at `hardwareConcurrency / 2` (a constant compiled into the binary,
 * read once when the module starts), whatever `setThreadsCount` asks: 1 thread on a 2-core machine. To get
 * `threads`, the worker's `navigator.hardwareConcurrency` reads `2 × threads` while the module starts, and
 * goes back to the browser's value right after.
 */
async function withConcurrencyFor<T>(threads: number | undefined, start: () => Promise<T>): Promise<T> {
  const navigator = nav();
  if (!threads || typeof navigator.hardwareConcurrency !== 'number') return start();
  try {
    Object.defineProperty(navigator, 'hardwareConcurrency', { value: threads * 2, configurable: true });
  } catch {
    return start(); // a navigator that will not take the property: tfjs's own cap applies
  }
  try {
    return await start();
  } finally {
    delete (navigator as { hardwareConcurrency?: number }).hardwareConcurrency;
  }
}

async function tryWasm(options: SelectBackendOptions, forced: boolean): Promise<BackendAttempt> {
  try {
    if (options.wasmPath) wasm.setWasmPaths(options.wasmPath);
  } catch (e) {
    return { backend: 'wasm', ok: false, reason: `wasm paths: ${(e as Error).message}` };
  }
  registerWasmGradKernels();
  const threads = options.wasmThreads ?? nav().hardwareConcurrency;
  if (threads) wasm.setThreadsCount(threads);
  const attempt = await withConcurrencyFor(threads, () => activate('wasm'));
  return attempt.ok ? { ...attempt, reason: forced ? 'wasm forced' : 'wasm backend' } : attempt;
}

async function tryBackend(name: BackendName, options: SelectBackendOptions, found: { adapter?: string }) {
  const forced = options.preference === name;
  if (name === 'webgpu') return tryWebGpu(forced, found);
  if (name === 'wasm') return tryWasm(options, forced);
  const attempt = await activate(name);
  return attempt.ok ? { ...attempt, reason: forced ? `${name} forced` : `${name} backend` } : attempt;
}

/**
 * Picks and activates the tfjs backend: webgpu → wasm → webgl → cpu, or the forced one first. WebGPU is
 * refused when there is no `navigator.gpu`, no adapter, a software adapter (unless forced), or when a one-batch
 * smoke step throws or gives NaN; every backend must pass the smoke step. Throws only when none works.
 */
export async function selectBackend(options: SelectBackendOptions = DEFAULT_SELECT_BACKEND_OPTIONS): Promise<BackendChoice> {
  const tried: BackendAttempt[] = [];
  const found: { adapter?: string } = {};
  for (const name of backendOrder(options.preference)) {
    const attempt = await tryBackend(name, options, found);
    tried.push(attempt);
    if (!attempt.ok) continue;
    const threads = name === 'wasm' ? wasm.getThreadsCount() : undefined;
    const reason = explainChoice(options.preference, tried);
    return { backend: name, reason, preference: options.preference, tried, ...found, ...(threads ? { threads } : {}) };
  }
  throw new Error(`no tfjs backend works here: ${explainChoice(options.preference, tried)}`);
}

export { BACKEND_NAMES, BACKEND_PREFERENCES, backendOrder, parseBackendPreference } from './backendNames';
export type { BackendName, BackendPreference } from './backendNames';
export { adapterFacts, describeAdapter, type AdapterFacts } from './adapterFacts';
export { judgeAdapter, softwareAdapterName, type Verdict } from './judgeAdapter';
export { explainChoice, type BackendAttempt } from './explainChoice';
export { smokeTest } from './smokeTest';
export { selectBackend, DEFAULT_SELECT_BACKEND_OPTIONS, type BackendChoice, type SelectBackendOptions } from './selectBackend';
export { registerWasmGradKernels } from './wasmGradKernels';
export { memoryInfo, type MemoryInfo } from './memoryInfo';

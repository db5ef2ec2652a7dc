import * as protoModule from 'onnx-proto';

/**
 * onnx-proto is CommonJS: Node's ESM loader (the CLI under tsx) exposes it as `default` only, while Vite and
 * vitest also give the named export. Values come from here; types from `import type { onnx } from 'onnx-proto'`.
 */
const loaded = ((protoModule as unknown as { default?: typeof protoModule }).default ?? protoModule) as typeof protoModule;
export const onnxProto: typeof protoModule.onnx = loaded.onnx;

import type { BackboneName } from '../models';
import type { TrunkEngineChoice, TrunkEngineName } from './trunkRunner';

/**
 * Which engine ran each backbone's frozen trunk faster in Chromium on the CPU: onnxruntime-web's wasm or
 * tfjs-wasm, in one trainer-like Web Worker holding both, 2 threads each (`npm run bench -- trunkWeb`, batch 8,
 * 224², face_resnet 150², img/s, median of 3 batches after a warm-up). Measured 2026-12-01, on the 2-core
 * machine with other jobs beside it (load average 11–13):
 *
 * | backbone     | tfjs-wasm | onnxruntime-web 1.30 | onnx / tfjs |
 * | ------------ | --------- | -------------------- | ----------- |
 * | vgg16        | 0.247     | 0.24                 | 0.97×       |
 * | resnet18     | 2.1       | 1.8                  | 0.86×       |
 * | mobilenet_v3 | 15.5      | 7.15                 | 0.46×       |
 * | face_resnet  | 10.7      | 8.59                 | 0.80×       |
 *
 * A second run right after (load 10–12) agreed: onnx / tfjs 0.96×, 0.71×, 0.71×, 0.66×. Outputs of the two engines
 * differed by under 1e-6 (relative) on every row.
 *
 * tfjs-wasm won every row (in Node, onnxruntime-node wins by 5× and more: its CPU provider is native code), so
 * `auto` keeps the trunk on tfjs in the studio and `onnx` is the user's to pick. resnet34 has no row: it is
 * resnet18's blocks, deeper, and goes the same way.
 */
export const WEB_TRUNK_FASTER: Record<BackboneName, TrunkEngineName> = {
  vgg16: 'tfjs',
  resnet18: 'tfjs',
  resnet34: 'tfjs',
  mobilenet_v3: 'tfjs',
  face_resnet: 'tfjs',
  // Not measured: small depthwise-separable nets, like mobilenet_v3, which tfjs-wasm ran 2× faster.
  face_dense: 'tfjs',
  face_xception: 'tfjs',
};


/** The engine that runs the frozen trunk in the studio for the user's `choice`, and why, in a few words. */
export function webTrunkEngine(choice: TrunkEngineChoice, backbone: BackboneName, tfjsBackend: string): { engine: TrunkEngineName; why: string } {
  if (choice !== 'auto') return { engine: choice, why: `${choice} chosen` };
  // The table was measured against tfjs-wasm; on any other backend (a GPU's, or plain JS) auto keeps today's path.
  if (tfjsBackend !== 'wasm') return { engine: 'tfjs', why: `auto: tfjs on ${tfjsBackend} (measured against tfjs-wasm only)` };
  const engine = WEB_TRUNK_FASTER[backbone];
  return { engine, why: `auto: ${engine === 'onnx' ? 'onnxruntime-web' : 'tfjs-wasm'} measured faster for ${backbone} in Chromium` };
}

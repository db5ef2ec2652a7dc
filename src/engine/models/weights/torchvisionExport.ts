import type * as tf from '@tensorflow/tfjs';
import { TORCH_NAME, kindOf, torchLayout, type Kind } from './torchvisionImport';

/** One tensor of a state dict, torch layout, float32. */
export interface StateDictEntry {
  shape: number[];
  values: Float32Array;
}

/** The inverse of `toTfjsLayout`: HWIO → OIHW, [kh, kw, C, m] → [C·m, 1, kh, kw], [in, out] → [out, in]. */
function toTorchLayout(kind: Kind, src: Float32Array, shape: number[]): Float32Array {
  if (kind === 'vector') return src;
  const dst = new Float32Array(src.length);
  let d = 0;
  if (kind === 'conv') {
    const [kh, kw, ci, co] = shape;
    for (let o = 0; o < co; o++)
      for (let i = 0; i < ci; i++)
        for (let h = 0; h < kh; h++) for (let w = 0; w < kw; w++) dst[d++] = src[((h * kw + w) * ci + i) * co + o];
  } else if (kind === 'depthwise') {
    const [kh, kw, c, m] = shape;
    for (let ch = 0; ch < c; ch++)
      for (let j = 0; j < m; j++)
        for (let h = 0; h < kh; h++) for (let w = 0; w < kw; w++) dst[d++] = src[((h * kw + w) * c + ch) * m + j];
  } else {
    const [ni, no] = shape;
    for (let o = 0; o < no; o++) for (let i = 0; i < ni; i++) dst[d++] = src[i * no + o];
  }
  return dst;
}

/**
 * The model's weights as a torchvision-named state dict (the inverse of `importTorchvision`): key
 * `<module path>.<weight|bias|running_mean|running_var>`, torch layouts, in layer order. `encodeSafetensors` writes
 * it; `importTorchvision` reads it back to the same values. Reads each weight once (`dataSync`, no tensor kept).
 */
export function torchvisionStateDict(model: tf.LayersModel): Record<string, StateDictEntry> {
  const out: Record<string, StateDictEntry> = {};
  for (const layer of model.layers) {
    for (const variable of layer.weights) {
      const weightName = variable.originalName.slice(variable.originalName.lastIndexOf('/') + 1);
      const torchName = TORCH_NAME[weightName];
      if (!torchName) throw new Error(`layer '${layer.name}' has a weight '${weightName}' with no torchvision counterpart`);
      const kind = kindOf(layer, weightName);
      const shape = variable.shape as number[];
      const values = toTorchLayout(kind, variable.read().dataSync() as Float32Array, shape);
      out[`${layer.name}.${torchName}`] = { shape: torchLayout(kind, shape), values };
    }
  }
  return out;
}

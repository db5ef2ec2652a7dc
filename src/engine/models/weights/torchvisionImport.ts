import * as tf from '@tensorflow/tfjs';
import { modelConfigOf } from '../modelConfigOf';
import { backboneSpec } from '../backbones';
import { isWithin } from '../modulePath';
import { parseSafetensors, readFloat32, type SafetensorsEntry, type SafetensorsFile } from './safetensors';

/** What an import did, by state-dict key (`layer4.1.bn2.running_var`), as torch's `load_state_dict` reports. */
export interface ImportReport {
  /** Keys of the file that were set into the model. */
  loaded: string[];
  /** Keys the model needs that the file lacks; those weights keep their fresh values. */
  missing: string[];
  /** Keys of the file that match nothing in the model (`num_batches_tracked` is ignored, never listed). */
  unexpected: string[];
  /** Head keys of the file left unused because the model has a new head (a preset other than `original`). */
  skipped: string[];
}

export interface ImportOptions {
  /**
   * Whether the file's head (`classifier.*` / `fc.*`, `avgpool.*`) goes into the model's head. `auto` (default):
   * only when the model was built with the `original` preset, whose head is torchvision's own.
   */
  head?: 'auto' | 'load' | 'skip';
}

/** tfjs weight name (after `<layer>/`) → torch parameter / buffer name (`weight`: face-api's ChannelAffine). */
export const TORCH_NAME: Record<string, string> = {
  kernel: 'weight',
  weight: 'weight',
  depthwise_kernel: 'weight',
  bias: 'bias',
  gamma: 'weight',
  beta: 'bias',
  moving_mean: 'running_mean',
  moving_variance: 'running_var',
};

/**
 * timm's `vgg16.tv_in1k` holds torchvision's VGG16 weights with the classifier as convolutions
 * (`pre_logits.fc1` is a 7×7 conv, `fc2` a 1×1 conv, `head.fc` the last Linear); they are the same numbers.
 */
const ALIASES: Record<string, string> = {
  'pre_logits.fc1': 'classifier.0',
  'pre_logits.fc2': 'classifier.3',
  'head.fc': 'classifier.6',
};

const IGNORED = /(^|\.)num_batches_tracked$/;
const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export type Kind = 'conv' | 'depthwise' | 'dense' | 'vector';

/** The torch shape of a tfjs weight, and how to turn the torch tensor into it. */
export function torchLayout(kind: Kind, shape: number[]): number[] {
  switch (kind) {
    case 'conv': // HWIO ← OIHW
      return [shape[3], shape[2], shape[0], shape[1]];
    case 'depthwise': // [kh, kw, C, m] ← [C·m, 1, kh, kw]
      return [shape[2] * shape[3], 1, shape[0], shape[1]];
    case 'dense': // [in, out] ← [out, in]
      return [shape[1], shape[0]];
    default:
      return shape;
  }
}

/**
 * Reorders a torch tensor's values into the tfjs layout in plain JS (no backend op: a 400 MB Linear is
 * transposed in about a second on any backend, and never occupies GPU memory twice).
 */
function toTfjsLayout(kind: Kind, src: Float32Array, target: number[]): Float32Array {
  if (kind === 'vector') return src;
  const dst = new Float32Array(src.length);
  let s = 0;
  if (kind === 'conv') {
    const [kh, kw, ci, co] = target; // OIHW → HWIO
    for (let o = 0; o < co; o++)
      for (let i = 0; i < ci; i++)
        for (let h = 0; h < kh; h++) for (let w = 0; w < kw; w++) dst[((h * kw + w) * ci + i) * co + o] = src[s++];
  } else if (kind === 'depthwise') {
    const [kh, kw, c, m] = target; // [C·m, 1, kh, kw] → [kh, kw, C, m]
    for (let ch = 0; ch < c; ch++)
      for (let j = 0; j < m; j++)
        for (let h = 0; h < kh; h++) for (let w = 0; w < kw; w++) dst[((h * kw + w) * c + ch) * m + j] = src[s++];
  } else {
    // [out, in] → [in, out]; a conv-shaped Linear (timm's pre_logits) flattens O×(C·H·W) in NCHW order, which
    // torchFlatten keeps, so it is the same transpose.
    const [ni, no] = target;
    const B = 64; // blocked, so both sides stay in cache
    for (let o0 = 0; o0 < no; o0 += B)
      for (let i0 = 0; i0 < ni; i0 += B)
        for (let o = o0; o < Math.min(o0 + B, no); o++)
          for (let i = i0; i < Math.min(i0 + B, ni); i++) dst[i * no + o] = src[o * ni + i];
  }
  return dst;
}

export function kindOf(layer: tf.layers.Layer, weightName: string): Kind {
  if (weightName === 'depthwise_kernel') return 'depthwise';
  if (weightName !== 'kernel') return 'vector';
  return layer.getClassName() === 'Dense' ? 'dense' : 'conv';
}

/**
 * Sets `model`'s weights from a torchvision-named state dict (`.safetensors`, F32/F16/BF16), by module path:
 * conv weights OIHW → HWIO, Linear [out, in] → [in, out], BatchNorm weight/bias/running_mean/running_var →
 * gamma/beta/moving_mean/moving_variance; `num_batches_tracked` is ignored, a `module.` prefix (DataParallel) is
 * dropped. Shapes are all checked before anything is set: a mismatch throws naming each key and both shapes.
 * Missing and unexpected keys are reported, not thrown; the caller decides whether a partial load is acceptable.
 * Converts one tensor at a time, so peak memory is the file plus its largest tensor twice.
 */
export function importTorchvision(
  model: tf.LayersModel,
  file: ArrayBuffer | SafetensorsFile,
  options: ImportOptions = {},
): ImportReport {
  const parsed = file instanceof ArrayBuffer ? parseSafetensors(file) : file;
  const keys = [...parsed.tensors.keys()].filter((k) => !IGNORED.test(k));
  const prefixed = keys.length > 0 && keys.every((k) => k.startsWith('module.'));
  const byKey = new Map<string, SafetensorsEntry>();
  for (const key of keys) {
    let name = prefixed ? key.slice('module.'.length) : key;
    for (const [from, to] of Object.entries(ALIASES)) if (name.startsWith(from + '.')) name = to + name.slice(from.length);
    byKey.set(name, parsed.tensors.get(key)!);
  }

  const origin = modelConfigOf(model);
  const spec = origin && backboneSpec(origin.backbone);
  const inHead = (path: string) => !!spec && (isWithin(path, spec.headModule) || isWithin(path, spec.poolModule));
  const loadHead = options.head === 'load' || (options.head !== 'skip' && (!origin || origin.preset === 'original'));

  const report: ImportReport = { loaded: [], missing: [], unexpected: [], skipped: [] };
  const plan: { variable: tf.LayerVariable; entry: SafetensorsEntry; kind: Kind; key: string }[] = [];
  const problems: string[] = [];
  const claimed = new Set<string>();
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const head = inHead(layer.name);
    for (const variable of layer.weights) {
      const weightName = variable.originalName.slice(variable.originalName.lastIndexOf('/') + 1);
      const torchName = TORCH_NAME[weightName];
      if (!torchName) {
        problems.push(`layer '${layer.name}' has a weight '${weightName}' with no torchvision counterpart`);
        continue;
      }
      const key = `${layer.name}.${torchName}`;
      if (head && !loadHead) continue;
      const entry = byKey.get(key);
      if (!entry) {
        report.missing.push(key);
        continue;
      }
      claimed.add(key);
      const kind = kindOf(layer, weightName);
      const want = torchLayout(kind, variable.shape as number[]);
      const fits =
        kind === 'dense' && entry.shape.length === 4
          ? entry.shape[0] === want[0] && size(entry.shape) === size(want)
          : tf.util.arraysEqual(entry.shape, want);
      if (!fits) problems.push(`'${key}': the file has [${entry.shape}], the model needs [${want}] (torch layout)`);
      else plan.push({ variable, entry, kind, key });
    }
  }
  for (const key of byKey.keys()) {
    if (claimed.has(key)) continue;
    if (inHead(key.slice(0, key.lastIndexOf('.'))) && !loadHead) report.skipped.push(key);
    else report.unexpected.push(key);
  }
  if (problems.length > 0) throw new Error(`Cannot import the state dict:\n  ${problems.join('\n  ')}`);

  for (const { variable, entry, kind, key } of plan) {
    const shape = variable.shape as number[];
    const value = tf.tensor(toTfjsLayout(kind, readFloat32(parsed, entry), shape), shape);
    try {
      variable.write(value);
    } finally {
      value.dispose();
    }
    report.loaded.push(key);
  }
  return report;
}

import * as tf from '@tensorflow/tfjs';
import { faceResnet } from '../backbones/faceResnet';
import { isWithin } from '../modulePath';

/**
 * face-api's weight names end in the weight's role; the rest, `/` → `.`, is the layer's module path.
 * Each role's index is its place in that layer's `getWeights()` (Conv2D: kernel, bias; ChannelAffine:
 * weight, bias; Dense without bias: kernel).
 */
const ROLES: Record<string, Record<string, number>> = {
  conv: { filters: 0, bias: 1 },
  scale: { weights: 0, biases: 1 },
};

/** The layer and slot a face-api weight goes to: `conv32_1/conv1/scale/biases` → [`conv32_1.conv1.scale`, 1]. */
function slotOf(weightName: string): { layer: string; slot: number; slots: number } | null {
  if (weightName === 'fc') return { layer: 'fc', slot: 0, slots: 1 };
  const parts = weightName.split('/');
  const role = parts.pop() ?? '';
  const kind = ROLES[parts[parts.length - 1] ?? ''];
  if (!kind || !(role in kind)) return null;
  return { layer: parts.join('.'), slot: kind[role], slots: Object.keys(kind).length };
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2, bool: 1 };

/**
 * Decodes face-api's FaceRecognitionNet weights (`face_recognition_model-weights_manifest.json` and its
 * shards, concatenated in manifest order as `data`), dequantizing uint8/uint16/float16 entries, and groups
 * them by the rebuild's layer names: layer name → tensors in that layer's `getWeights()` order.
 * Throws on a weight name outside face-api's scheme or a layer with a missing or doubled weight.
 * The caller owns (and disposes) the returned tensors.
 */
export function faceApiRecognitionWeights(
  manifest: tf.io.WeightsManifestConfig,
  data: ArrayBuffer,
): Map<string, tf.Tensor[]> {
  const specs = manifest.flatMap((group) => group.weights);
  const expectedBytes = specs.reduce(
    (sum, s) => sum + s.shape.reduce((a, b) => a * b, 1) * BYTES[s.quantization?.dtype ?? s.dtype],
    0,
  );
  if (expectedBytes !== data.byteLength) {
    throw new Error(`face-api weights: the manifest describes ${expectedBytes} bytes, the data has ${data.byteLength}`);
  }
  const decoded = tf.io.decodeWeights(data, specs);
  const layers = new Map<string, (tf.Tensor | undefined)[]>();
  const problems: string[] = [];
  for (const spec of specs) {
    const target = slotOf(spec.name);
    if (!target) {
      problems.push(`'${spec.name}' is not a face-api recognition-net weight name`);
      continue;
    }
    const slots = layers.get(target.layer) ?? new Array<tf.Tensor | undefined>(target.slots).fill(undefined);
    layers.set(target.layer, slots);
    if (slots[target.slot]) problems.push(`'${spec.name}' appears twice`);
    else slots[target.slot] = decoded[spec.name];
  }
  for (const [layer, slots] of layers) {
    if (slots.some((t) => !t)) problems.push(`layer '${layer}' lacks a weight (has ${slots.filter(Boolean).length} of ${slots.length})`);
  }
  if (problems.length > 0) {
    tf.dispose(Object.values(decoded));
    throw new Error(`face-api weights: ${problems.join('; ')}`);
  }
  return layers as Map<string, tf.Tensor[]>;
}

/**
 * Sets every face_resnet layer of `model` to face-api's pretrained weights, matched by name. Layers of a
 * preset's pooling and head (`avgpool…`, `classifier…`) are left as built; everything else with weights must
 * be found with the same shapes, and every face-api weight must be used (`fc` only when the model has the
 * original head). Throws naming each layer it could not map and each shape mismatch, before setting any.
 */
export function loadFaceResnetWeights(model: tf.LayersModel, manifest: tf.io.WeightsManifestConfig, data: ArrayBuffer): void {
  const weights = faceApiRecognitionWeights(manifest, data);
  try {
    const newHead = (name: string) => isWithin(name, faceResnet.poolModule) || isWithin(name, faceResnet.headModule);
    const problems: string[] = [];
    const assignments: [tf.layers.Layer, tf.Tensor[]][] = [];
    const used = new Set<string>();
    for (const layer of model.layers) {
      const own = layer.weights;
      if (own.length === 0 || newHead(layer.name)) continue;
      const source = weights.get(layer.name);
      if (!source) {
        problems.push(`layer '${layer.name}' (${layer.getClassName()}) has no face-api weights`);
        continue;
      }
      used.add(layer.name);
      if (source.length !== own.length) {
        problems.push(`layer '${layer.name}' has ${own.length} weights, face-api gives ${source.length}`);
        continue;
      }
      const mismatches = own.flatMap((w, i) =>
        tf.util.arraysEqual(w.shape as number[], source[i].shape)
          ? []
          : [`layer '${layer.name}': ${w.originalName} is [${w.shape}], face-api's is [${source[i].shape}]`],
      );
      if (mismatches.length > 0) problems.push(...mismatches);
      else assignments.push([layer, source]);
    }
    for (const name of weights.keys()) {
      if (!used.has(name) && !(name === 'fc' && !model.layers.some((l) => l.name === 'fc'))) {
        problems.push(`face-api's '${name}' matches no layer of the model`);
      }
    }
    if (problems.length > 0) throw new Error(`face_resnet weights could not be loaded: ${problems.join('; ')}`);
    for (const [layer, source] of assignments) layer.setWeights(source);
  } finally {
    for (const tensors of weights.values()) tf.dispose(tensors);
  }
}

/**
 * Where a weight of face-api's 112 px nets (FaceLandmark68Net, AgeGenderNet) goes in the rebuild (faceDense,
 * faceXception): `dense1/conv2/depthwise_filter` → [`dense1.conv2.depthwise`, 0], its `bias` → the pointwise
 * conv's bias, a plain conv's `filters`/`bias` → its kernel and bias, `fc/weights`/`fc/bias` → the Dense layer.
 */
function netSlotOf(weightName: string, layerNames: Set<string>): { layer: string; slot: number } | null {
  const parts = weightName.split('/');
  const role = parts.pop();
  const path = parts.join('.');
  switch (role) {
    case 'filters':
    case 'weights':
      return { layer: path, slot: 0 };
    case 'depthwise_filter':
      return { layer: `${path}.depthwise`, slot: 0 };
    case 'pointwise_filter':
      return { layer: `${path}.pointwise`, slot: 0 };
    case 'bias':
      return { layer: layerNames.has(`${path}.pointwise`) ? `${path}.pointwise` : path, slot: 1 };
    default:
      return null;
  }
}

/**
 * Sets every weighted layer of a face_dense / face_xception `model` outside the preset's pooling and head from
 * face-api's weights (its manifest and the shards' bytes, concatenated), matched by name; the net's own head
 * (`fc…`) only where the model has those layers. Checks everything (each trunk layer found, shapes equal,
 * no weight doubled) before setting anything and throws naming each problem. Leaves no tensors behind.
 */
export function loadFaceApiNetWeights(
  model: tf.LayersModel,
  spec: { name: string; poolModule: string; headModule: string },
  manifest: tf.io.WeightsManifestConfig,
  data: ArrayBuffer,
): void {
  const specs = manifest.flatMap((group) => group.weights);
  const decoded = tf.io.decodeWeights(data, specs);
  try {
    const layerNames = new Set(model.layers.map((l) => l.name));
    const slots = new Map<string, (tf.Tensor | undefined)[]>();
    const problems: string[] = [];
    for (const s of specs) {
      const target = netSlotOf(s.name, layerNames);
      if (!target) {
        problems.push(`'${s.name}' is not a face-api weight name`);
        continue;
      }
      if (!layerNames.has(target.layer)) {
        if (!isWithin(target.layer, 'fc')) problems.push(`face-api's '${s.name}' matches no layer of the model`);
        continue;
      }
      const held = slots.get(target.layer) ?? [];
      if (held[target.slot]) problems.push(`'${s.name}' appears twice`);
      held[target.slot] = decoded[s.name];
      slots.set(target.layer, held);
    }
    const newHead = (name: string) => isWithin(name, spec.poolModule) || isWithin(name, spec.headModule);
    const plan: [tf.layers.Layer, tf.Tensor[]][] = [];
    for (const layer of model.layers) {
      if (layer.weights.length === 0 || newHead(layer.name)) continue;
      const source = slots.get(layer.name);
      if (!source || source.length !== layer.weights.length || source.some((t) => !t)) {
        problems.push(`layer '${layer.name}' (${layer.getClassName()}) needs ${layer.weights.length} weights, face-api gives ${source?.filter(Boolean).length ?? 0}`);
        continue;
      }
      const mismatches = layer.weights.flatMap((w, i) =>
        tf.util.arraysEqual(w.shape as number[], source[i]!.shape) ? [] : [`layer '${layer.name}': ${w.originalName} is [${w.shape}], face-api's is [${source[i]!.shape}]`],
      );
      if (mismatches.length > 0) problems.push(...mismatches);
      else plan.push([layer, source as tf.Tensor[]]);
    }
    if (problems.length > 0) throw new Error(`${spec.name} weights could not be loaded: ${problems.join('; ')}`);
    for (const [layer, source] of plan) layer.setWeights(source);
  } finally {
    tf.dispose(Object.values(decoded));
  }
}

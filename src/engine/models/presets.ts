import * as tf from '@tensorflow/tfjs';
import type { BackboneName, BackboneSpec, Trunk } from './types';
import { dropout, flatten, linear, relu, sigmoid, softmax, torchConv2d } from './layers/torchLayers';
import { adaptivePool2d } from './layers/AdaptivePool2d';
import { torchBatchNorm } from './layers/batchNorm';
import { isWithin } from './modulePath';

/** Heads from the book's transfer-learning chapter, plus the backbone's own (`original`). */
export const PRESET_NAMES = ['original', 'binary', 'multiclass', 'keypoints', 'age-gender'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** Output names of each preset, in model output order; losses and metrics key on them. */
export const PRESET_OUTPUTS: Record<PresetName, readonly string[]> = {
  original: ['logits'],
  binary: ['prob'],
  multiclass: ['probs'],
  keypoints: ['keypoints'],
  'age-gender': ['age', 'gender'],
};

/** What a head needs beyond the backbone: the parts of `ModelConfig` that shape it. */
export interface HeadOptions {
  /** `multiclass`: units of the last linear layer. */
  numClasses?: number;
}

type HeadBuilder = (spec: BackboneSpec, trunk: Trunk, options: HeadOptions) => tf.SymbolicTensor[];

/** The trunk's features as a preset head sees them: scaled where the spec asks (part of the pool module). */
function headInput(spec: BackboneSpec, trunk: Trunk): tf.SymbolicTensor {
  if (spec.featureScale === undefined) return trunk.output;
  return tf.layers.rescaling({ scale: spec.featureScale, name: `${spec.poolModule}__scale` }).apply(trunk.output) as tf.SymbolicTensor;
}

/**
 * The book's keypoint / age-gender pooling: Conv2d(C, 512, 3) → MaxPool → ReLU → Flatten (2048 features at
 * 224²). 'same' padding and an adaptive 2×2 max pool keep it at 2048 for any input size.
 */
function convPool(spec: BackboneSpec, trunk: Trunk): tf.SymbolicTensor {
  const p = spec.poolModule;
  let x = torchConv2d(headInput(spec, trunk), `${p}.0`, { filters: 512, kernel: 3, padding: 1 });
  x = adaptivePool2d({ name: `${p}.1`, outputSize: 2, mode: 'max' }).apply(x) as tf.SymbolicTensor;
  x = relu(x, `${p}.2`);
  return flatten(x, `${p}.3`);
}

/** The book's cats-vs-dogs trunk of the head: AdaptiveAvgPool2d(1) → Flatten → 128 → ReLU → Dropout(0.2). */
function pooledHidden(spec: BackboneSpec, trunk: Trunk): tf.SymbolicTensor {
  const h = spec.headModule;
  const features = headInput(spec, trunk);
  let x = adaptivePool2d({ name: spec.poolModule, outputSize: 1, mode: 'avg' }).apply(features) as tf.SymbolicTensor;
  x = flatten(x, `${h}.0`);
  x = linear(x, `${h}.1`, 128);
  x = relu(x, `${h}.2`);
  return dropout(x, `${h}.3`, 0.2);
}

/** The book's cats-vs-dogs head: … → 1 → Sigmoid. */
function binaryHead(spec: BackboneSpec, trunk: Trunk): tf.SymbolicTensor[] {
  const x = linear(pooledHidden(spec, trunk), `${spec.headModule}.4`, 1);
  return [sigmoid(x, `${spec.headModule}.5`)];
}

/** Throws when `options` cannot shape `preset`'s head; called before any weight is made. */
export function checkHeadOptions(preset: PresetName, { numClasses }: HeadOptions): void {
  if (preset === 'multiclass' && (numClasses === undefined || !Number.isInteger(numClasses) || numClasses < 2)) {
    throw new Error(`the multiclass preset needs numClasses (an integer ≥ 2), got ${numClasses}`);
  }
}

/** The binary head with one unit per class and Softmax, for image folders of more than two classes. */
function multiclassHead(spec: BackboneSpec, trunk: Trunk, { numClasses }: HeadOptions): tf.SymbolicTensor[] {
  checkHeadOptions('multiclass', { numClasses });
  const x = linear(pooledHidden(spec, trunk), `${spec.headModule}.4`, numClasses!);
  return [softmax(x, `${spec.headModule}.5`)];
}

/**
 * Where the keypoints head also reads the trunk, before its end (a skip connection), per backbone: the layer
 * whose output it takes. face_resnet's trunk end (3×3×256 at 200²) has pooled much of the face's geometry away;
 * conv128_2's 12×12 map still holds it. Backbones not listed get the book's head unchanged.
 */
const KEYPOINTS_SKIP: Partial<Record<BackboneName, string>> = { face_resnet: 'conv128_2.relu' };

/** Side of the skip map after its average pool: 6×6×128 = 4608 features on face_resnet. */
const SKIP_POOL = 6;

/**
 * The skip head's logits are scaled by this fixed factor before the sigmoid. Under Adam (steps of about the
 * learning rate per weight, whatever the gradient's scale) this acts as a smaller output init: the He-initialized
 * logits otherwise start many sigmoids saturated, far from any face.
 */
const KEYPOINTS_LOGIT_SCALE = 0.03;

/** The tensor of `trunk` that layer `layerName` outputs: found by walking back from the trunk's end. */
function trunkTensor(trunk: Trunk, layerName: string): tf.SymbolicTensor {
  const seen = new Set<tf.SymbolicTensor>();
  const todo = [trunk.output];
  while (todo.length > 0) {
    const t = todo.pop()!;
    if (t.sourceLayer.name === layerName) return t;
    if (seen.has(t)) continue;
    seen.add(t);
    const node = t.sourceLayer.inboundNodes[t.nodeIndex] as unknown as { inputTensors: tf.SymbolicTensor[] };
    todo.push(...node.inputTensors);
  }
  throw new Error(`the trunk has no layer '${layerName}'`);
}

/** 68 (x, y) points in 0..1: 2048 → 512 → ReLU → Dropout(0.5) → 136 → Sigmoid. */
function keypointsHead(spec: BackboneSpec, trunk: Trunk): tf.SymbolicTensor[] {
  const h = spec.headModule;
  if (spec.ownHeadIsKeypoints && spec.originalHead) return [spec.originalHead.build(trunk)];
  const skipLayer = KEYPOINTS_SKIP[spec.name];
  if (skipLayer) return keypointsSkipHead(spec, trunk, skipLayer);
  let x = convPool(spec, trunk);
  x = linear(x, `${h}.0`, 512);
  x = relu(x, `${h}.1`);
  x = dropout(x, `${h}.2`, 0.5);
  x = linear(x, `${h}.3`, 136);
  return [sigmoid(x, `${h}.4`)];
}

/**
 * The book's keypoints head with a skip from inside the trunk (KEYPOINTS_SKIP): the skip map is average-pooled
 * to 6×6, standardized by a trainable BatchNorm (`avgpool.skip`) and concatenated to the book's 2048 pooled
 * features; no Dropout; logits scaled by KEYPOINTS_LOGIT_SCALE. Issue 5's target run (test NME ≤ 0.15, see
 * __tests__/acceptance.test.ts) reaches it with this head.
 */
function keypointsSkipHead(spec: BackboneSpec, trunk: Trunk, skipLayer: string): tf.SymbolicTensor[] {
  const p = spec.poolModule;
  const h = spec.headModule;
  const skip = trunkTensor(trunk, skipLayer);
  let s = adaptivePool2d({ name: `${p}.skip.0`, outputSize: SKIP_POOL, mode: 'avg' }).apply(skip) as tf.SymbolicTensor;
  s = torchBatchNorm(`${p}.skip.1`).apply(s) as tf.SymbolicTensor;
  s = flatten(s, `${p}.skip.2`);
  let x = tf.layers.concatenate({ name: `${p}__cat` }).apply([convPool(spec, trunk), s]) as tf.SymbolicTensor;
  x = linear(x, `${h}.0`, 512);
  x = relu(x, `${h}.1`);
  x = linear(x, `${h}.2`, 136);
  x = tf.layers.rescaling({ scale: KEYPOINTS_LOGIT_SCALE, name: `${h}.2__scale` }).apply(x) as tf.SymbolicTensor;
  return [sigmoid(x, `${h}.3`)];
}

/** The book's ageGenderClassifier: a shared `intermediate` trunk, then `age_classifier` and `gender_classifier`. */
function ageGenderHead(spec: BackboneSpec, trunk: Trunk): tf.SymbolicTensor[] {
  const h = `${spec.headModule}.intermediate`;
  let x = convPool(spec, trunk);
  x = linear(x, `${h}.0`, 512);
  x = relu(x, `${h}.1`);
  x = dropout(x, `${h}.2`, 0.4);
  x = linear(x, `${h}.3`, 128);
  x = relu(x, `${h}.4`);
  x = dropout(x, `${h}.5`, 0.4);
  x = linear(x, `${h}.6`, 64);
  x = relu(x, `${h}.7`);
  const age = sigmoid(linear(x, `${spec.headModule}.age_classifier.0`, 1), `${spec.headModule}.age_classifier.1`);
  const gender = sigmoid(linear(x, `${spec.headModule}.gender_classifier.0`, 1), `${spec.headModule}.gender_classifier.1`);
  return [age, gender];
}

function originalHead(spec: BackboneSpec, trunk: Trunk): tf.SymbolicTensor[] {
  if (!spec.originalHead) throw new Error(`${spec.name} has no original head; pick one of the book's presets`);
  return [spec.originalHead.build(trunk)];
}

export const PRESET_HEADS: Record<PresetName, HeadBuilder> = {
  original: originalHead,
  binary: binaryHead,
  multiclass: multiclassHead,
  keypoints: keypointsHead,
  'age-gender': ageGenderHead,
};

/** Presets a backbone offers: the book's heads (and multiclass) everywhere, `original` where the backbone ships a head. */
export function presetsFor(spec: BackboneSpec): PresetName[] {
  return PRESET_NAMES.filter((p) => p !== 'original' || spec.originalHead !== undefined);
}

/** Container types of the heads' modules, for the tree. */
export function headContainerType(spec: BackboneSpec, path: string): string | undefined {
  return path === spec.poolModule || isWithin(path, spec.headModule) ? 'Sequential' : undefined;
}

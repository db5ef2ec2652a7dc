import * as tf from '@tensorflow/tfjs';

/**
 * A model cut where its frozen prefix ends: `prefix` maps the input to the tensors the rest needs, `suffix`
 * maps those to the outputs, sharing the same layers (and weights) as the original model.
 */
export interface FrozenSplit {
  /** Input → cut tensors; null when nothing at the start of the model is frozen. */
  prefix: tf.LayersModel | null;
  /** Cut tensors → the model's outputs. */
  suffix: tf.LayersModel;
  /**
   * Drops the references the suffix took on the model's layers (tfjs counts one per call of a layer), so that
   * `model.dispose()` still frees every weight. Do not dispose `prefix` or `suffix` themselves.
   */
  release(): void;
}

/** Layers whose output under `training: true` is random, so it can never be computed once and reused. */
const STOCHASTIC = new Set(['Dropout', 'SpatialDropout1D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout']);

/** The layer's first call, the one that built `model` (re-applying a layer adds more calls). */
function firstCall(layer: tf.layers.Layer) {
  return layer.inboundNodes[0] as unknown as { inputTensors: tf.SymbolicTensor[]; outputTensors: tf.SymbolicTensor[] };
}

function inboundTensors(layer: tf.layers.Layer): tf.SymbolicTensor[] {
  return firstCall(layer).inputTensors;
}

/**
 * Splits a model at the end of its frozen prefix: every layer with no trainable weights, no randomness and
 * only fixed inputs gives the same output every epoch, so the feature cache computes it once.
 */
export function splitFrozenPrefix(model: tf.LayersModel): FrozenSplit {
  const fixed = new Set<tf.layers.Layer>();
  for (const layer of model.layers) {
    const isInput = layer.getClassName() === 'InputLayer';
    const inputsFixed = isInput || inboundTensors(layer).every((t) => fixed.has(t.sourceLayer as tf.layers.Layer));
    if (isInput || (inputsFixed && layer.trainableWeights.length === 0 && !STOCHASTIC.has(layer.getClassName()))) {
      fixed.add(layer);
    }
  }
  const cut: tf.SymbolicTensor[] = [];
  const addCut = (t: tf.SymbolicTensor) => {
    if (fixed.has(t.sourceLayer as tf.layers.Layer) && !cut.includes(t)) cut.push(t);
  };
  for (const layer of model.layers) if (!fixed.has(layer)) inboundTensors(layer).forEach(addCut);
  model.outputs.forEach(addCut);
  if (cut.length === 1 && cut[0].sourceLayer.getClassName() === 'InputLayer') {
    return { prefix: null, suffix: model, release: () => {} };
  }

  const prefix = tf.model({ inputs: model.inputs, outputs: cut.length === 1 ? cut[0] : cut, name: `${model.name}.prefix` });
  // The suffix re-applies the original layers (same weights) to new inputs shaped like the cut tensors.
  const mapped = new Map<tf.SymbolicTensor, tf.SymbolicTensor>();
  const suffixInputs = cut.map((t, i) => {
    const input = tf.input({ shape: t.shape.slice(1) as number[], name: `cut_${i}` });
    mapped.set(t, input);
    return input;
  });
  const reapplied: tf.layers.Layer[] = [];
  for (const layer of model.layers) {
    if (fixed.has(layer)) continue;
    reapplied.push(layer);
    const [original] = firstCall(layer).outputTensors;
    const ins = inboundTensors(layer).map((t) => mapped.get(t)!);
    mapped.set(original, layer.apply(ins.length === 1 ? ins[0] : ins) as tf.SymbolicTensor);
  }
  const outputs = model.outputs.map((t) => mapped.get(t)!);
  const release = () => reapplied.forEach((layer) => layer.dispose());
  return { prefix, release, suffix: tf.model({ inputs: suffixInputs.length === 1 ? suffixInputs[0] : suffixInputs, outputs, name: `${model.name}.suffix` }) };
}

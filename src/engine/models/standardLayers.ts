import * as tf from '@tensorflow/tfjs';
import { hasStandardForm } from './layers/standardForm';

/** One layer of a Keras functional model.json (`modelTopology.config.layers[i]`). */
interface LayerJSON {
  name: string;
  class_name: string;
  config: { name: string; trainable?: boolean; [key: string]: unknown };
  /** Per call of the layer: its input tensors as [layer name, node index, tensor index, kwargs]. */
  inbound_nodes: unknown[][][];
}

interface TopologyJSON {
  class_name: string;
  config: { layers: LayerJSON[]; [key: string]: unknown };
  [key: string]: unknown;
}

/** A studio weight under its standard name and shape (same values, same order). */
interface RenamedWeight {
  name: string;
  shape: number[];
}

/** A custom layer written as standard layers: their model.json entries and where its weights go. */
interface StandardEquivalent {
  layers: LayerJSON[];
  /** By the custom layer's weight name (`face.conv32_1.conv1.scale/weight`). */
  weights: Map<string, RenamedWeight>;
}

/**
 * Runs `layer.standardForm` on a placeholder of the layer's input shape inside a throwaway model, and lets tfjs
 * write that model's JSON: the entries are exactly what `tf.loadLayersModel` reads back.
 */
function standardEquivalent(layer: tf.layers.Layer, inbound: unknown[], trainable: boolean): StandardEquivalent {
  if (!hasStandardForm(layer)) throw new Error(`${layer.name}: ${layer.getClassName()} has no standard form`);
  const placeholder = `${layer.name}__standard_input`;
  // Node 0 is the model's own call; the trainer may call a layer again (the feature cache's head), on the same shape.
  const x = tf.input({ shape: (layer.getInputAt(0) as tf.SymbolicTensor).shape.slice(1), name: placeholder });
  const y = layer.standardForm(x);
  const throwaway = tf.model({ inputs: x, outputs: y });
  try {
    const last = throwaway.layers[throwaway.layers.length - 1];
    if (last.name !== layer.name) throw new Error(`${layer.name}: its standard form ends in '${last.name}', not in a layer of its own name`);
    const json = throwaway.toJSON(null, false) as unknown as TopologyJSON;
    const layers = json.config.layers
      .filter((l) => l.name !== placeholder)
      .map((l) => ({
        ...l,
        config: { ...l.config, trainable },
        inbound_nodes: l.inbound_nodes.map((node) => node.map((input) => (input[0] === placeholder ? inbound : input))),
      }));
    const standardWeights = throwaway.weights;
    if (standardWeights.length !== layer.weights.length) {
      throw new Error(`${layer.name}: ${layer.weights.length} weights, its standard form ${standardWeights.length}`);
    }
    const weights = new Map<string, RenamedWeight>();
    layer.weights.forEach((w, i) => {
      const to = standardWeights[i];
      const size = (shape: tf.Shape) => shape.reduce<number>((a, b) => a * (b ?? NaN), 1);
      if (!(size(to.shape) === size(w.shape))) {
        throw new Error(`${layer.name}: weight '${w.originalName}' [${w.shape}] cannot become '${to.originalName}' [${to.shape}]`);
      }
      weights.set(w.originalName, { name: to.originalName, shape: to.shape as number[] });
    });
    return { layers, weights };
  } finally {
    throwaway.dispose();
  }
}

/**
 * A studio model's topology and weight manifest with every custom layer (hard-swish, ChannelAffine, adaptive
 * pooling…) replaced by standard Keras layers computing the same thing: a model.json that a tfjs with no studio
 * classes registered loads with `tf.loadLayersModel`. The weights' bytes stay as they are: only the names and
 * shapes of the moved weights change in the manifest.
 */
export function toStandardLayers(
  model: tf.LayersModel,
  topology: tf.io.ModelJSON['modelTopology'],
  weightSpecs: tf.io.WeightsManifestEntry[],
): { topology: tf.io.ModelJSON['modelTopology']; weightSpecs: tf.io.WeightsManifestEntry[] } {
  const json = topology as unknown as TopologyJSON;
  const renamed = new Map<string, RenamedWeight>();
  const layers = json.config.layers.flatMap((entry) => {
    const layer = model.getLayer(entry.name);
    if (!hasStandardForm(layer)) return [entry];
    const [node, ...more] = entry.inbound_nodes;
    if (!node || node.length !== 1 || more.length) {
      throw new Error(`${layer.name}: a standard form is written for a layer called once on one input`);
    }
    const equivalent = standardEquivalent(layer, node[0], entry.config.trainable ?? true);
    equivalent.weights.forEach((to, from) => renamed.set(from, to));
    return equivalent.layers;
  });
  return {
    topology: { ...json, config: { ...json.config, layers } } as unknown as tf.io.ModelJSON['modelTopology'],
    weightSpecs: weightSpecs.map((spec) => {
      const to = renamed.get(spec.name);
      return to ? { ...spec, name: to.name, shape: to.shape } : spec;
    }),
  };
}

/**
 * Where each of a studio model's weights is in a file `toStandardLayers` wrote: its standard name and shape.
 * Weights of standard layers keep their own names and are not listed.
 */
export function standardWeightNames(model: tf.LayersModel): Map<string, RenamedWeight> {
  const names = new Map<string, RenamedWeight>();
  for (const layer of model.layers) {
    if (!hasStandardForm(layer) || layer.weights.length === 0) continue;
    const inbound = [layer.name, 0, 0, {}];
    standardEquivalent(layer, inbound, layer.trainable).weights.forEach((to, from) => names.set(from, to));
  }
  return names;
}

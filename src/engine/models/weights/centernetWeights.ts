import * as tf from '@tensorflow/tfjs';
import { mobilenetV3 } from '../backbones/mobilenetV3';
import { modulePath } from '../modulePath';

/** The graph's scope for the backbone; nodes outside it (the CenterNet head) are not rebuilt. */
const SCOPE = 'tower_0/MobilenetV3/';
const CONV_OPS = new Set(['_FusedConv2D', 'Conv2D', 'FusedDepthwiseConv2dNative', 'DepthwiseConv2dNative']);
/** The op part of a conv node's name: `expand/BatchNorm/FusedBatchNorm`, `expand/Relu`, `depthwise/depthwise`. */
const OP_SUFFIX = /\/(BatchNorm\/FusedBatchNorm|Relu6?|BiasAdd|depthwise|Conv2D)$/;

interface GraphNode {
  name: string;
  op: string;
  input?: string[];
}

/** `tower_0/MobilenetV3/expanded_conv_3/squeeze_excite/Conv_1/BiasAdd` → `expanded_conv_3.squeeze_excite.Conv_1`. */
function layerNameOf(nodeName: string): string {
  return nodeName.slice(SCOPE.length).replace(OP_SUFFIX, '').replaceAll('/', '.');
}

/**
 * The weights of every conv of the CenterNet graph's MobileNetV3, by the layer name the rebuilt trunk gives
 * it, in the layer's `getWeights()` order ([kernel, bias]); float16 is decoded to float32. The caller owns
 * (and disposes) the returned tensors.
 */
export function centernetToLayerWeights(artifacts: tf.io.ModelArtifacts): Map<string, tf.Tensor[]> {
  const topology = artifacts.modelTopology as { node?: GraphNode[] } | undefined;
  if (!topology?.node || !artifacts.weightSpecs || !artifacts.weightData) {
    throw new Error('centernetToLayerWeights: artifacts need a graph topology, weightSpecs and weightData');
  }
  const named = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
  const out = new Map<string, tf.Tensor[]>();
  const used = new Set<string>();
  for (const node of topology.node) {
    if (!CONV_OPS.has(node.op) || !node.name.startsWith(SCOPE)) continue;
    // Inputs are [x, kernel] plus, when a BiasAdd is fused, [bias] (the folded BatchNorm offset).
    const params = (node.input ?? []).slice(1).map((name) => name.replace(/:\d+$/, ''));
    const tensors = params.map((name) => {
      const t = named[name];
      if (!t) throw new Error(`centernet graph: node '${node.name}' reads '${name}', which has no weights`);
      used.add(name);
      return t;
    });
    out.set(layerNameOf(node.name), tensors);
  }
  for (const [name, t] of Object.entries(named)) if (!used.has(name)) t.dispose();
  return out;
}

/**
 * Sets every trunk layer of `model` (the layers inside `mobilenetV3.trunkModules`) from the CenterNet graph,
 * by name. Throws naming the layers it could not map and any shape mismatch; sets nothing in that case.
 */
export function loadMobilenetV3Weights(model: tf.LayersModel, artifacts: tf.io.ModelArtifacts): void {
  const trunk = new Set(mobilenetV3.trunkModules);
  const byName = centernetToLayerWeights(artifacts);
  try {
    const problems: string[] = [];
    const plan: [tf.layers.Layer, tf.Tensor[]][] = [];
    for (const layer of model.layers) {
      const own = layer.weights;
      if (own.length === 0 || !trunk.has(modulePath(layer.name).split('.')[0])) continue;
      const values = byName.get(layer.name);
      if (!values) {
        problems.push(`layer '${layer.name}' has no counterpart in the centernet graph`);
        continue;
      }
      if (values.length !== own.length) {
        problems.push(`layer '${layer.name}' has ${own.length} weights, the graph gives ${values.length}`);
        continue;
      }
      const bad = own.findIndex((w, i) => !tf.util.arraysEqual(w.shape as number[], values[i].shape));
      if (bad >= 0) {
        problems.push(
          `layer '${layer.name}' weight ${own[bad].name}: shape [${own[bad].shape}] vs graph [${values[bad].shape}]`,
        );
        continue;
      }
      plan.push([layer, values]);
    }
    if (problems.length > 0) throw new Error(`Cannot load MobileNetV3 weights:\n  ${problems.join('\n  ')}`);
    for (const [layer, values] of plan) layer.setWeights(values);
  } finally {
    for (const tensors of byName.values()) tf.dispose(tensors);
  }
}

import type * as tf from '@tensorflow/tfjs';
import { ancestorPaths, modulePath } from './modulePath';

/** One module of the model, as torch's `named_modules()` would list it, with Keras-summary counts. */
export interface ModuleNode {
  /** Module path: `features.28`, `layer4.1.conv2`; the root is ''. */
  path: string;
  /** Layer class (`Conv2D`, `ReLU`) or container kind (`Sequential`, `BasicBlock`). */
  type: string;
  /** Output shape of the module's last layer, batch dimension null. */
  outputShape: (number | null)[];
  /** Parameters, as torch counts them (BatchNorm running statistics are buffers, not parameters). */
  params: number;
  /** Parameters that the optimizer updates. */
  trainableParams: number;
  children: ModuleNode[];
}

/** Names torch gives its buffers; tfjs keeps them as non-trainable weights. */
const BUFFER = /\/moving_(mean|variance)$/;

interface LayerVariableLike {
  originalName: string;
  shape: number[];
}

export function layerParams(layer: tf.layers.Layer): number {
  return (layer.weights as unknown as LayerVariableLike[])
    .filter((w) => !BUFFER.test(w.originalName))
    .reduce((sum, w) => sum + w.shape.reduce((a, b) => a * b, 1), 0);
}

function layerType(layer: tf.layers.Layer): string {
  const cls = layer.getClassName();
  if (cls === 'Activation') {
    const fn = (layer.getConfig().activation as string) ?? 'linear';
    return fn === 'relu' ? 'ReLU' : fn[0].toUpperCase() + fn.slice(1);
  }
  return cls;
}

function firstShape(shape: tf.Shape | tf.Shape[]): (number | null)[] {
  return (Array.isArray(shape[0]) ? shape[0] : shape) as (number | null)[];
}

/**
 * The module tree of a built model, derived from its layer names alone. `containerType` names the kind of
 * a module that only groups others (`Sequential`, `BasicBlock`).
 */
export function moduleTree(
  model: tf.LayersModel,
  containerType: (path: string) => string = () => 'Module',
): ModuleNode {
  const root: ModuleNode = { path: '', type: model.name, outputShape: firstShape(model.outputs[0].shape), params: 0, trainableParams: 0, children: [] };
  const nodes = new Map<string, ModuleNode>([['', root]]);

  const nodeFor = (path: string): ModuleNode => {
    let node = nodes.get(path);
    if (node) return node;
    const parentPath = path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : '';
    node = { path, type: containerType(path), outputShape: [], params: 0, trainableParams: 0, children: [] };
    nodeFor(parentPath).children.push(node);
    nodes.set(path, node);
    return node;
  };

  // Creation order is definition order (torch's `named_modules()` order); model.layers is by graph depth.
  const layers = [...model.layers].sort((a, b) => a.id - b.id);
  for (const layer of layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    const path = modulePath(layer.name);
    const node = nodeFor(path);
    if (layer.name === path) {
      node.type = layerType(layer);
    }
    const params = layerParams(layer);
    const trainable = layer.trainable ? params : 0;
    const shape = firstShape(layer.outputShape);
    for (const p of ['', ...ancestorPaths(path)]) {
      const n = nodes.get(p)!;
      n.params += params;
      n.trainableParams += trainable;
      if (p !== '') n.outputShape = shape;
    }
  }
  return root;
}

/** Depth-first walk, parents before children. */
export function* walkTree(node: ModuleNode, depth = 0): Generator<{ node: ModuleNode; depth: number }> {
  yield { node, depth };
  for (const child of node.children) yield* walkTree(child, depth + 1);
}

export function findModule(root: ModuleNode, path: string): ModuleNode | undefined {
  for (const { node } of walkTree(root)) if (node.path === path) return node;
  return undefined;
}

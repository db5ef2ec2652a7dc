import * as tf from '@tensorflow/tfjs';
import type { BackboneSpec, Trunk } from '../types';
import { relu } from '../layers/torchLayers';
import { ChannelAffine, ChannelZeroPad } from '../layers/channelLayers';

/**
 * face-api's FaceRecognitionNet (dlib's ResNet-34-style face descriptor net, 150×150 → 128-d), rebuilt with
 * tf.layers so that its blocks can be frozen and fine-tuned. Module paths are face-api's own weight names with
 * `/` turned into `.`: the weight `conv32_1/conv1/scale/weights` lives in the layer `conv32_1.conv1.scale`.
 * face-api's names are flat (`conv32_1`, `conv32_2`, … `conv256_down_out`), and so are ours: grouping them
 * into stages would break that one-to-one match for no gain in readability.
 */


// ---------------------------------------------------------------------------------------------------------
// The network

type BlockKind = 'convLayer' | 'residual' | 'residualDown';

/** face-api's `forwardInput`, in order: module path, kind, output channels. */
const BLOCKS: readonly { path: string; kind: BlockKind | 'maxpool'; filters: number }[] = [
  { path: 'conv32_down', kind: 'convLayer', filters: 32 },
  { path: 'maxpool', kind: 'maxpool', filters: 32 },
  { path: 'conv32_1', kind: 'residual', filters: 32 },
  { path: 'conv32_2', kind: 'residual', filters: 32 },
  { path: 'conv32_3', kind: 'residual', filters: 32 },
  { path: 'conv64_down', kind: 'residualDown', filters: 64 },
  { path: 'conv64_1', kind: 'residual', filters: 64 },
  { path: 'conv64_2', kind: 'residual', filters: 64 },
  { path: 'conv64_3', kind: 'residual', filters: 64 },
  { path: 'conv128_down', kind: 'residualDown', filters: 128 },
  { path: 'conv128_1', kind: 'residual', filters: 128 },
  { path: 'conv128_2', kind: 'residual', filters: 128 },
  { path: 'conv256_down', kind: 'residualDown', filters: 256 },
  { path: 'conv256_1', kind: 'residual', filters: 256 },
  { path: 'conv256_2', kind: 'residual', filters: 256 },
  { path: 'conv256_down_out', kind: 'residualDown', filters: 256 },
];

const CONTAINER_TYPE: Record<BlockKind, string> = {
  convLayer: 'ConvLayer',
  residual: 'ResidualBlock',
  residualDown: 'ResidualDownBlock',
};

/** Side of a 'valid' conv or pool output. */
const validOut = (size: number, kernel: number, stride: number) => Math.floor((size - kernel) / stride) + 1;

/**
 * Side of the feature map entering each block at a square input of `size` px. A residualDown block's
 * strided 'valid' 3×3 conv needs at least 3 px; face-api's shortcut (2×2 average pool) sets its output side.
 */
function blockInputSides(size: number): Map<string, number> {
  const sides = new Map<string, number>();
  let side = size;
  for (const { path, kind } of BLOCKS) {
    sides.set(path, side);
    if (path === 'conv32_down') side = validOut(side, 7, 2);
    else if (kind === 'maxpool') side = validOut(side, 3, 2);
    else if (kind === 'residualDown') side = Math.floor(side / 2);
  }
  sides.set('', side);
  return sides;
}

/** Why a square input of `size` px is too small for some block, or null when every block accepts it. */
function inputSizeProblem(size: number): string | null {
  for (const [path, side] of blockInputSides(size)) {
    const kind = BLOCKS.find((b) => b.path === path)?.kind;
    const needs = kind === 'convLayer' ? 7 : kind === 'residualDown' || kind === 'maxpool' ? 3 : 1;
    if (side < needs) return `a ${size} px input leaves ${side} px at '${path || 'the output'}', which needs ${needs}`;
  }
  return null;
}

/** Smallest square input every block accepts. */
function smallestInput(): number {
  let size = 1;
  while (inputSizeProblem(size) !== null) size++;
  return size;
}

/**
 * face-api's convLayer: conv (with bias) → scale → optional ReLU. Stride 2 convs are 'valid' (convDown),
 * stride 1 convs 'same' (symmetric for odd kernels at stride 1).
 */
function convLayer(
  x: tf.SymbolicTensor,
  path: string,
  opts: { filters: number; kernel: number; down: boolean; withRelu: boolean },
): tf.SymbolicTensor {
  let y = tf.layers
    .conv2d({
      name: `${path}.conv`,
      filters: opts.filters,
      kernelSize: opts.kernel,
      strides: opts.down ? 2 : 1,
      padding: opts.down ? 'valid' : 'same',
      useBias: true,
      kernelInitializer: 'heNormal',
    })
    .apply(x) as tf.SymbolicTensor;
  y = new ChannelAffine({ name: `${path}.scale` }).apply(y) as tf.SymbolicTensor;
  return opts.withRelu ? relu(y, `${path}.relu`) : y;
}

/** face-api's `residual`: conv1 (ReLU) → conv2 → + x → ReLU. */
function residual(x: tf.SymbolicTensor, path: string, filters: number): tf.SymbolicTensor {
  let y = convLayer(x, `${path}.conv1`, { filters, kernel: 3, down: false, withRelu: true });
  y = convLayer(y, `${path}.conv2`, { filters, kernel: 3, down: false, withRelu: false });
  const sum = tf.layers.add({ name: `${path}__add` }).apply([y, x]) as tf.SymbolicTensor;
  return relu(sum, `${path}.relu`);
}

/**
 * face-api's `residualDown`: conv1 is a stride-2 'valid' 3×3 (convDown), the shortcut a 2×2 average pool
 * with zero channels appended when the block widens. Where the shortcut is one pixel larger (even input
 * side), face-api appends a zero row at the bottom and a zero column at the right of the main branch.
 */
function residualDown(x: tf.SymbolicTensor, path: string, filters: number): tf.SymbolicTensor {
  let y = convLayer(x, `${path}.conv1`, { filters, kernel: 3, down: true, withRelu: true });
  y = convLayer(y, `${path}.conv2`, { filters, kernel: 3, down: false, withRelu: false });

  let shortcut = tf.layers
    .averagePooling2d({ name: `${path}.shortcut`, poolSize: 2, strides: 2, padding: 'valid' })
    .apply(x) as tf.SymbolicTensor;
  const inChannels = x.shape[3] as number;
  if (inChannels !== filters) {
    shortcut = new ChannelZeroPad({ name: `${path}.shortcut__pad`, channels: filters - inChannels }).apply(
      shortcut,
    ) as tf.SymbolicTensor;
  }
  const padRows = (shortcut.shape[1] as number) - (y.shape[1] as number);
  const padCols = (shortcut.shape[2] as number) - (y.shape[2] as number);
  if (padRows > 0 || padCols > 0) {
    y = tf.layers
      .zeroPadding2d({ name: `${path}__pad`, padding: [[0, padRows], [0, padCols]] })
      .apply(y) as tf.SymbolicTensor;
  }
  const sum = tf.layers.add({ name: `${path}__add` }).apply([y, shortcut]) as tf.SymbolicTensor;
  return relu(sum, `${path}.relu`);
}

function buildTrunk(input: tf.SymbolicTensor): Trunk {
  const [, h, w] = input.shape;
  if (h == null || h !== w) throw new Error(`face_resnet needs a square input of known size, got [${input.shape}]`);
  const problem = inputSizeProblem(h);
  if (problem) throw new Error(`face_resnet: ${problem}`);
  let x = input;
  for (const { path, kind, filters } of BLOCKS) {
    if (kind === 'convLayer') x = convLayer(x, path, { filters, kernel: 7, down: true, withRelu: true });
    else if (kind === 'maxpool') {
      x = tf.layers.maxPooling2d({ name: path, poolSize: 3, strides: 2, padding: 'valid' }).apply(x) as tf.SymbolicTensor;
    } else if (kind === 'residual') x = residual(x, path, filters);
    else x = residualDown(x, path, filters);
  }
  return { output: x, channels: 256 };
}

export const faceResnet: BackboneSpec = {
  name: 'face_resnet',
  title: 'Face ResNet (face-api, dlib)',
  inputSize: 150,
  minInputSize: smallestInput(),
  preprocessing: { kind: 'mean-scale', mean: [122.782, 117.001, 104.298], scale: 256 },
  buildTrunk,
  trunkModules: BLOCKS.map((b) => b.path),
  poolModule: 'avgpool',
  headModule: 'classifier',
  originalHead: {
    /** face-api's global mean over height and width, then `matMul(·, fc)`: a 128-d descriptor, no bias. */
    build(trunk) {
      const x = tf.layers.globalAveragePooling2d({ name: 'avgpool' }).apply(trunk.output) as tf.SymbolicTensor;
      return tf.layers.dense({ name: 'fc', units: 128, useBias: false }).apply(x) as tf.SymbolicTensor;
    },
  },
  containerType(path) {
    const block = BLOCKS.find((b) => b.path === path);
    if (block && block.kind !== 'maxpool') return CONTAINER_TYPE[block.kind];
    if (/\.conv[12]$/.test(path)) return 'ConvLayer';
    return 'Module';
  },
};

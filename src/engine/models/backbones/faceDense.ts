import * as tf from '@tensorflow/tfjs';
import type { BackboneSpec, Preprocessing, Trunk } from '../types';
import { add, relu } from '../layers/torchLayers';
import { sameConv, separableConv } from '../layers/separableConv';

/**
 * face-api's FaceLandmark68Net (112×112 face crops → 68 points), rebuilt with tf.layers: four dense blocks of
 * depthwise-separable convs, each halving the side. A trunk pretrained on the geometry of faces, which is what
 * keypoints need and a face-descriptor net (face_resnet) pools away. Module paths are face-api's weight names
 * with `/` turned into `.` (`dense2/conv1/pointwise_filter` lives in `dense2.conv1.pointwise`).
 */

/** face-api's input recipe for its 112 px nets (face_dense, face_xception): (x − mean) / 255. */
export const FACE_API_112: Preprocessing = { kind: 'mean-scale', mean: [122.782, 117.001, 104.298], scale: 255 };

const BLOCKS = [
  { path: 'dense0', filters: 32 },
  { path: 'dense1', filters: 64 },
  { path: 'dense2', filters: 128 },
  { path: 'dense3', filters: 256 },
] as const;

/**
 * face-api's `denseBlock4`: conv0 (stride 2; a plain conv in the first block) → ReLU, then conv1..conv3 each
 * fed the ReLU of the sum of every earlier output of the block.
 */
function denseBlock(x: tf.SymbolicTensor, path: string, filters: number, first: boolean): tf.SymbolicTensor {
  const conv0 = first
    ? sameConv(x, `${path}.conv0`, { filters, kernel: 3, stride: 2 })
    : separableConv(x, `${path}.conv0`, { filters, stride: 2 });
  const outs = [relu(conv0, `${path}__relu0`)];
  for (let i = 1; i <= 3; i++) {
    const input = i === 1 ? outs[0] : relu(add([...outs], `${path}__add${i - 1}`), `${path}__relu${i - 1}`);
    outs.push(separableConv(input, `${path}.conv${i}`, { filters }));
  }
  return relu(add([...outs], `${path}__add3`), `${path}__relu3`);
}

function buildTrunk(input: tf.SymbolicTensor): Trunk {
  let x = input;
  BLOCKS.forEach(({ path, filters }, i) => {
    x = denseBlock(x, path, filters, i === 0);
  });
  return { output: x, channels: 256 };
}

export const faceDense: BackboneSpec = {
  name: 'face_dense',
  title: 'Face landmark net (face-api, 68 points)',
  inputSize: 112,
  minInputSize: 32,
  preprocessing: FACE_API_112,
  buildTrunk,
  trunkModules: BLOCKS.map((b) => b.path),
  poolModule: 'avgpool',
  headModule: 'classifier',
  originalHead: {
    /** face-api's 7×7 average pool over the 7×7 map at 112² (a global mean), then `fc`: 136 numbers, x and y in 0..1. */
    build(trunk) {
      const x = tf.layers.globalAveragePooling2d({ name: 'avgpool' }).apply(trunk.output) as tf.SymbolicTensor;
      return tf.layers.dense({ name: 'fc', units: 136 }).apply(x) as tf.SymbolicTensor;
    },
  },
  ownHeadIsKeypoints: true,
  containerType(path) {
    if (BLOCKS.some((b) => b.path === path)) return 'DenseBlock4';
    if (/^dense\d\.conv[1-3]$/.test(path) || /^dense[1-3]\.conv0$/.test(path)) return 'SeparableConv';
    return 'Module';
  },
};

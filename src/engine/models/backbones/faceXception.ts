import * as tf from '@tensorflow/tfjs';
import type { BackboneSpec, Trunk } from '../types';
import { add, relu } from '../layers/torchLayers';
import { sameConv, separableConv } from '../layers/separableConv';
import { FACE_API_112 } from './faceDense';

/**
 * The trunk of face-api's AgeGenderNet: its TinyXception (112×112 face crops), rebuilt with tf.layers. Trained
 * for age and gender, which is what the age-gender task asks of a trunk. Module paths are face-api's weight
 * names with `/` turned into `.` (`middle_flow/main_block_1/separable_conv2/bias` → `middle_flow.main_block_1.
 * separable_conv2.pointwise`); the net's own age and gender layers (`fc/age`, `fc/gender`) are not part of it.
 */

/**
 * face-api's `reductionBlock`: (ReLU) → separable_conv0 → ReLU → separable_conv1 → 3×3 max pool, stride 2, plus
 * a strided 1×1 `expansion_conv` of the block's input.
 */
function reductionBlock(x: tf.SymbolicTensor, path: string, filters: number, activateInput: boolean): tf.SymbolicTensor {
  let y = activateInput ? relu(x, `${path}__relu0`) : x;
  y = separableConv(y, `${path}.separable_conv0`, { filters });
  y = separableConv(relu(y, `${path}__relu1`), `${path}.separable_conv1`, { filters });
  y = tf.layers.maxPooling2d({ name: `${path}.pool`, poolSize: 3, strides: 2, padding: 'same' }).apply(y) as tf.SymbolicTensor;
  const shortcut = sameConv(x, `${path}.expansion_conv`, { filters, kernel: 1, stride: 2 });
  return add([y, shortcut], `${path}__add`);
}

/** face-api's `mainBlock`: three ReLU → separable conv steps, plus the block's input. */
function mainBlock(x: tf.SymbolicTensor, path: string, filters: number): tf.SymbolicTensor {
  let y = x;
  for (let i = 0; i < 3; i++) y = separableConv(relu(y, `${path}__relu${i}`), `${path}.separable_conv${i}`, { filters });
  return add([y, x], `${path}__add`);
}

const MAIN_BLOCKS = 2;

function buildTrunk(input: tf.SymbolicTensor): Trunk {
  let x = relu(sameConv(input, 'entry_flow.conv_in', { filters: 32, kernel: 3, stride: 2 }), 'entry_flow.conv_in__relu');
  x = reductionBlock(x, 'entry_flow.reduction_block_0', 64, false);
  x = reductionBlock(x, 'entry_flow.reduction_block_1', 128, true);
  for (let i = 0; i < MAIN_BLOCKS; i++) x = mainBlock(x, `middle_flow.main_block_${i}`, 128);
  x = reductionBlock(x, 'exit_flow.reduction_block', 256, true);
  x = relu(separableConv(x, 'exit_flow.separable_conv', { filters: 512 }), 'exit_flow.separable_conv__relu');
  return { output: x, channels: 512 };
}

export const faceXception: BackboneSpec = {
  name: 'face_xception',
  title: 'Face age & gender net (face-api, TinyXception)',
  inputSize: 112,
  minInputSize: 32,
  preprocessing: FACE_API_112,
  buildTrunk,
  trunkModules: ['entry_flow', 'middle_flow', 'exit_flow'],
  poolModule: 'avgpool',
  headModule: 'classifier',
  // Its last ReLU is not followed by a normalization: features reach ~50, which saturates the book's sigmoid heads
  // (frozen, 5 epochs on age-gender's val: age MAE 32 years, the age sigmoid stuck; gender still 0.89).
  featureScale: 1 / 16,
  containerType(path) {
    if (['entry_flow', 'middle_flow', 'exit_flow'].includes(path)) return 'Sequential';
    if (/reduction_block(_\d)?$/.test(path)) return 'ReductionBlock';
    if (/main_block_\d$/.test(path)) return 'MainBlock';
    if (/separable_conv\d?$/.test(path)) return 'SeparableConv';
    return 'Module';
  },
};

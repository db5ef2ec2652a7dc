import * as tf from '@tensorflow/tfjs';
import type { BackboneSpec, Trunk } from '../types';
import { dropout, linear, relu, torchConv2d, torchFlatten, torchMaxPool } from '../layers/torchLayers';
import { adaptivePool2d } from '../layers/AdaptivePool2d';
import { IMAGENET } from './imagenet';

/** torchvision's `cfgs['D']`: channels of each 3×3 conv, 'M' for a 2×2 max pool. */
const VGG16_CFG = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'] as const;

function buildTrunk(input: tf.SymbolicTensor): Trunk {
  let x = input;
  let index = 0;
  for (const item of VGG16_CFG) {
    if (item === 'M') {
      x = torchMaxPool(x, `features.${index++}`, { kernel: 2, stride: 2 });
    } else {
      x = torchConv2d(x, `features.${index++}`, { filters: item, kernel: 3, padding: 1 });
      x = relu(x, `features.${index++}`);
    }
  }
  return { output: x, channels: 512 };
}

export const vgg16: BackboneSpec = {
  name: 'vgg16',
  title: 'VGG16 (torchvision)',
  inputSize: 224,
  minInputSize: 32,
  preprocessing: IMAGENET,
  buildTrunk,
  trunkModules: ['features'],
  poolModule: 'avgpool',
  headModule: 'classifier',
  originalHead: {
    build(trunk) {
      let x = adaptivePool2d({ name: 'avgpool', outputSize: 7, mode: 'avg' }).apply(trunk.output) as tf.SymbolicTensor;
      x = torchFlatten(x, 'classifier');
      x = linear(x, 'classifier.0', 4096);
      x = relu(x, 'classifier.1');
      x = dropout(x, 'classifier.2', 0.5);
      x = linear(x, 'classifier.3', 4096);
      x = relu(x, 'classifier.4');
      x = dropout(x, 'classifier.5', 0.5);
      return linear(x, 'classifier.6', 1000);
    },
  },
  containerType: (path) => (path === 'features' || path === 'classifier' ? 'Sequential' : 'Module'),
};

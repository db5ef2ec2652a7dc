import * as tf from '@tensorflow/tfjs';
import type { BackboneSpec, Trunk } from '../types';
import { linear, relu, torchConv2d, torchFlatten, torchMaxPool } from '../layers/torchLayers';
import { torchBatchNorm } from '../layers/batchNorm';
import { adaptivePool2d } from '../layers/AdaptivePool2d';
import { IMAGENET } from './imagenet';

/** torchvision's BasicBlock; its one `relu` module is applied twice, so the second use is `relu__2`. */
function basicBlock(x: tf.SymbolicTensor, path: string, filters: number, stride: number): tf.SymbolicTensor {
  let y = torchConv2d(x, `${path}.conv1`, { filters, kernel: 3, stride, padding: 1, bias: false });
  y = torchBatchNorm(`${path}.bn1`).apply(y) as tf.SymbolicTensor;
  y = relu(y, `${path}.relu`);
  y = torchConv2d(y, `${path}.conv2`, { filters, kernel: 3, padding: 1, bias: false });
  y = torchBatchNorm(`${path}.bn2`).apply(y) as tf.SymbolicTensor;
  let identity = x;
  const inChannels = x.shape[3];
  if (stride !== 1 || inChannels !== filters) {
    identity = torchConv2d(x, `${path}.downsample.0`, { filters, kernel: 1, stride, bias: false });
    identity = torchBatchNorm(`${path}.downsample.1`).apply(identity) as tf.SymbolicTensor;
  }
  const sum = tf.layers.add({ name: `${path}__add` }).apply([y, identity]) as tf.SymbolicTensor;
  return relu(sum, `${path}.relu__2`);
}

function resnetTrunk(blocks: [number, number, number, number]) {
  return (input: tf.SymbolicTensor): Trunk => {
    let x = torchConv2d(input, 'conv1', { filters: 64, kernel: 7, stride: 2, padding: 3, bias: false });
    x = torchBatchNorm('bn1').apply(x) as tf.SymbolicTensor;
    x = relu(x, 'relu');
    x = torchMaxPool(x, 'maxpool', { kernel: 3, stride: 2, padding: 1 });
    const widths = [64, 128, 256, 512];
    blocks.forEach((count, stage) => {
      for (let i = 0; i < count; i++) {
        const stride = stage > 0 && i === 0 ? 2 : 1;
        x = basicBlock(x, `layer${stage + 1}.${i}`, widths[stage], stride);
      }
    });
    return { output: x, channels: 512 };
  };
}

function resnetSpec(name: 'resnet18' | 'resnet34', blocks: [number, number, number, number]): BackboneSpec {
  return {
    name,
    title: `ResNet${name.slice(6)} (torchvision)`,
    inputSize: 224,
    minInputSize: 32,
    preprocessing: IMAGENET,
    buildTrunk: resnetTrunk(blocks),
    trunkModules: ['conv1', 'bn1', 'relu', 'maxpool', 'layer1', 'layer2', 'layer3', 'layer4'],
    poolModule: 'avgpool',
    headModule: 'fc',
    originalHead: {
      build(trunk) {
        const x = adaptivePool2d({ name: 'avgpool', outputSize: 1, mode: 'avg' }).apply(trunk.output);
        return linear(torchFlatten(x as tf.SymbolicTensor, 'fc'), 'fc', 1000);
      },
    },
    containerType: (path) =>
      /^layer\d$/.test(path) || path.endsWith('.downsample') ? 'Sequential' : /^layer\d\.\d+$/.test(path) ? 'BasicBlock' : 'Module',
  };
}

export const resnet18 = resnetSpec('resnet18', [2, 2, 2, 2]);
export const resnet34 = resnetSpec('resnet34', [3, 4, 6, 3]);

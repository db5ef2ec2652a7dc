import * as tf from '@tensorflow/tfjs';
import type { BackboneName, PresetName } from '../models';
import { backboneSpec } from '../models';
import { normalize } from '../data';
import { seedLayers } from '../train/seedWeights';

/** Smallest input each backbone takes: software WebGPU is slow, so engine tests run at these sizes. */
export function smallInputSize(backbone: BackboneName): number {
  return Math.max(32, backboneSpec(backbone).minInputSize);
}

/** The last block of each trunk: unfrozen in tests so its gradient kernels run too. */
export const LAST_BLOCK: Record<BackboneName, string> = {
  vgg16: 'features.28',
  resnet18: 'layer4.1',
  resnet34: 'layer4.2',
  mobilenet_v3: 'expanded_conv_14',
  face_resnet: 'conv256_down_out',
  face_dense: 'dense3',
  face_xception: 'exit_flow',
};

/** A deterministic batch of image-like pixels (0..255: a ramp plus seeded noise), shaped [n, size, size, 3]. */
export function fixedPixels(n: number, size: number, seed = 1): tf.Tensor4D {
  return tf.tidy(() => {
    const noise = tf.randomUniform([n, size, size, 3], -40, 40, 'float32', seed);
    const ramp = tf.linspace(30, 220, size).reshape([1, size, 1, 1]);
    return noise.add(ramp).clipByValue(0, 255) as tf.Tensor4D;
  });
}

/** `fixedPixels` normalized the way the backbone was pretrained (its own mean/std or scaling). */
export function fixedImages(n: number, size: number, backbone: BackboneName, seed = 1): tf.Tensor4D {
  return tf.tidy(() => normalize(fixedPixels(n, size, seed), backboneSpec(backbone).preprocessing));
}

/** Fixed targets for each preset's outputs, in model output order. */
export function fixedTargets(preset: PresetName, n: number): tf.Tensor[] {
  return tf.tidy(() => {
    const alternating = tf.tensor2d(Array.from({ length: n }, (_, i) => [i % 2]));
    switch (preset) {
      case 'binary':
        return [alternating];
      case 'multiclass':
        return [tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => i % 3), 'int32'), 3).toFloat()];
      case 'keypoints':
        return [tf.randomUniform([n, 136], 0.2, 0.8, 'float32', 7)];
      case 'age-gender':
        return [tf.randomUniform([n, 1], 0.1, 0.7, 'float32', 8), alternating];
      case 'original':
        return [tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => i), 'int32'), 1000).toFloat()];
    }
  });
}

/** Seeded fresh weights for `layers`, as the trainer seeds a head (`seedLayers`): the same start on every run and backend. */
export function reseed(layers: tf.layers.Layer[], seed = 1): void {
  seedLayers(layers, seed);
}

/**
 * Sets every BatchNorm's running statistics to those of `x` at that layer, layer by layer. A randomly initialised
 * torchvision trunk otherwise has mean 0 / variance 1 there, and its features grow with depth (ResNet34 at 32²:
 * ~26), which makes a head's first steps overshoot.
 */
export async function calibrateBatchNorm(model: tf.LayersModel, x: tf.Tensor): Promise<void> {
  for (const layer of model.layers.filter((l) => l.getClassName() === 'BatchNormalization')) {
    const probe = tf.model({ inputs: model.inputs, outputs: layer.input as tf.SymbolicTensor });
    const stats = tf.tidy(() => tf.moments(probe.predict(x) as tf.Tensor, [0, 1, 2]));
    const [gamma, beta] = layer.getWeights();
    layer.setWeights([gamma, beta, stats.mean, stats.variance]);
    tf.dispose([stats.mean, stats.variance]);
  }
}

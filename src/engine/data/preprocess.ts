import * as tf from '@tensorflow/tfjs';
import type { Preprocessing } from '../models';
import type { DatasetItem, DatasetTask } from './types';

/** The book's age scaling: the age head predicts years / 80. */
export const AGE_SCALE = 80;

/**
 * Raw RGB pixels (0..255, NHWC) → what the backbone was pretrained on, per its `BackboneSpec.preprocessing`.
 * Returns a new tensor; the caller disposes it (the input is left alone).
 */
export function normalize(pixels: tf.Tensor4D, p: Preprocessing): tf.Tensor4D {
  return tf.tidy(() => {
    const x = pixels.toFloat();
    switch (p.kind) {
      case 'raw':
        return x.clone();
      case 'mean-std':
        return x.div(255).sub(tf.tensor1d(p.mean)).div(tf.tensor1d(p.std));
      case 'mean-scale':
        return x.sub(tf.tensor1d(p.mean)).div(p.scale);
    }
  });
}

/**
 * The targets of `items`, one tensor per model output in the preset's order: binary [n,1] 0/1; multiclass
 * one-hot [n,C]; keypoints [n,2K] in 0..1; age-gender [n,1] age/80 and [n,1] gender 0/1. The caller disposes them.
 */
export function targetsOf(items: DatasetItem[], task: DatasetTask, numClasses = 2): tf.Tensor2D[] {
  const n = items.length;
  switch (task) {
    case 'binary':
      return [tf.tensor2d(items.map((i) => i.label!), [n, 1])];
    case 'multiclass':
      return [tf.tidy(() => tf.oneHot(tf.tensor1d(items.map((i) => i.label!), 'int32'), numClasses).toFloat() as tf.Tensor2D)];
    case 'keypoints':
      return [tf.tensor2d(items.flatMap((i) => i.points!), [n, items[0]?.points?.length ?? 0])];
    case 'age-gender':
      return [
        tf.tensor2d(items.map((i) => i.age! / AGE_SCALE), [n, 1]),
        tf.tensor2d(items.map((i) => i.gender!), [n, 1]),
      ];
  }
}

import * as tf from '@tensorflow/tfjs';
import { backboneSpec, builtConfig, isWithin, modulePath } from '../models';

/**
 * Gives `layers` seeded fresh weights: He-normal kernels, BatchNorm γ=1, β=0 and running stats 0/1, biases 0.
 * tfjs initializers draw unseeded numbers, so this is what makes a run's start repeatable (seeded tfjs random
 * numbers are made on the CPU: the same on every backend).
 */
export function seedLayers(layers: tf.layers.Layer[], seed: number): void {
  layers.forEach((layer, li) => {
    const variables = layer.weights as unknown as { originalName: string; shape: number[] }[];
    if (variables.length === 0) return;
    const fresh = tf.tidy(() =>
      variables.map(({ originalName, shape }, wi) => {
        if (/(moving_variance|gamma)$/.test(originalName)) return tf.ones(shape);
        if (/(moving_mean|beta|bias)$/.test(originalName) || shape.length === 1) return tf.zeros(shape);
        const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
        return tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', seed * 100_003 + li * 17 + wi);
      }),
    );
    layer.setWeights(fresh);
    tf.dispose(fresh);
  });
}

/** The layers a preset adds on top of the trunk (its pooling and head modules), which start from fresh weights. */
export function headLayers(model: tf.LayersModel): tf.layers.Layer[] {
  const spec = backboneSpec(builtConfig(model, 'headLayers').backbone);
  return model.layers.filter((l) => [spec.poolModule, spec.headModule].some((root) => isWithin(modulePath(l.name), root)));
}

/**
 * Re-initializes a `buildModel` model's new head from `seed` (or every layer, for a model trained from random
 * init), leaving pretrained weights alone. The `original` preset's head is pretrained, so it is not touched.
 */
export function seedWeights(model: tf.LayersModel, seed: number, scope: 'head' | 'all' = 'head'): void {
  if (scope === 'all') return seedLayers(model.layers, seed);
  if (builtConfig(model, 'seedWeights').preset === 'original') return;
  seedLayers(headLayers(model), seed);
}

/**
 * Seeds every Dropout layer for one step: tfjs draws its masks unseeded, and a fixed seed would repeat one mask
 * forever, so each step gets its own (seed, step) pair and a run is repeatable step for step.
 */
export function seedDropout(model: tf.LayersModel, seed: number, step: number): void {
  model.layers.forEach((layer, i) => {
    if (layer.getClassName() === 'Dropout') (layer as unknown as { seed?: number }).seed = seed * 7919 + step * 131 + i;
  });
}

/** Back to unseeded masks (and no `seed` in a saved model's config). */
export function unseedDropout(model: tf.LayersModel): void {
  model.layers.forEach((layer) => {
    if (layer.getClassName() === 'Dropout') (layer as unknown as { seed?: number }).seed = undefined;
  });
}
